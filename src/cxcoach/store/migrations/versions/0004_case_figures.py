"""Cases: a closed case's lasting report figures stored with its state row, so a monthly report reads them
instead of replaying the log (see report/cases.py).

Existing rows get NULL: reports replay such a case's log, as before
(nothing to rewrite here; the desk stores the figures with the case's next
event).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("figures", sa.LargeBinary))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("figures")
