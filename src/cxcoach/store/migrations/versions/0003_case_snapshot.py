"""Cases: the folded state stored with the state row, so an append folds one event instead of the log.

Existing rows get NULL: the desk replays such a case's log on its next
event and stores the snapshot then (nothing to rewrite here).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("snapshot", sa.LargeBinary))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("snapshot")
