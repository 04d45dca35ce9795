"""The store's libraries stay off `cxcoach recommend`'s start-up path."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, sys
from click.testing import CliRunner
from cxcoach.cli import main
case = "received_at: 2026-03-06T10:00:00+08:00\\nfacts: {severity: major}\\n"
result = CliRunner().invoke(main, ["recommend", "-"], input=case)
print(json.dumps({"code": result.exit_code,
                  "heavy": sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic", "psycopg"))}))
"""


def test_recommend_imports_no_database_library() -> None:
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["code"] == 0 and out["heavy"] == []
