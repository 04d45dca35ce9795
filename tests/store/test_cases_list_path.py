"""`cxcoach case list` on a SQLite store, as a fresh process: an up-to-date database is opened without
Alembic, and PostgreSQL's dialect (and the asyncio it pulls in) is never imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cxcoach.store import Store

CHILD = """
import json, sys
from click.testing import CliRunner
from cxcoach.cli import main
result = CliRunner().invoke(main, ["case", "list", "--overdue", "--db", sys.argv[1], "--lang", "en"])
print(json.dumps({"code": result.exit_code, "output": result.output,
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] == "alembic" or "postgresql" in m)}))
"""


def test_listing_a_sqlite_queue_loads_neither_alembic_nor_postgresql(tmp_path: Path) -> None:
    db = tmp_path / "desk.sqlite3"
    Store.open(db).close()  # created and migrated here, so the child opens an up-to-date database
    proc = subprocess.run([sys.executable, "-c", CHILD, str(db)], capture_output=True, text=True, timeout=120,
                          check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 0 and out["output"] == "no cases\n" and out["loaded"] == [], out
