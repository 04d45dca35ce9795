"""matplotlib is loaded only to draw an HTML report: never by `recommend`, nor by the other report formats."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.store import Store
from tests.test_import_hygiene import CASE, COACH, _run

from .handchecked import record, t

pytestmark = pytest.mark.slow


def _loaded(out: dict, prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in out["modules"])


def test_recommend_never_loads_the_report_or_matplotlib() -> None:
    out = _run(["recommend", "--playbook", str(COACH), "-"], CASE)
    assert out["code"] == 0 and not _loaded(out, "matplotlib") and not _loaded(out, "cxcoach.report")


def test_only_the_html_report_loads_matplotlib(tmp_path: Path) -> None:
    db = str(tmp_path / "month.sqlite3")
    with Store.open(db) as store:
        record(Desk(store, load_playbook(), clock=lambda: t(11, 5, 9)))
    json_out = _run(["report", "monthly", "--month", "2026-10", "--db", db, "--format", "json"])
    assert json_out["code"] == 0 and not _loaded(json_out, "matplotlib"), json_out["output"]
    html_out = _run(["report", "monthly", "--month", "2026-10", "--db", db, "--format", "html"])
    assert html_out["code"] == 0 and _loaded(html_out, "matplotlib")  # the control
