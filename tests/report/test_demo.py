"""`cxcoach demo`'s month: reproducible from its seed, plausible for the playbook, recorded through the desk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cxcoach.desk import Desk
from cxcoach.playbook import load_playbook
from cxcoach.report import Month, build_monthly
from cxcoach.report.demo import fill_month, plan_month
from cxcoach.report.render import render
from cxcoach.store import Store

NOV = Month(2026, 11)
AFTER = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def _report_json(path: Path, playbook, seed: int) -> dict:
    with Store.open(path) as store:
        desk = Desk(store, playbook, clock=lambda: AFTER)
        assert fill_month(desk, NOV, cases=40, seed=seed) == 40
        return json.loads(render(build_monthly(store.cases, playbook, NOV, now=AFTER), "json"))


def test_the_same_seed_gives_the_same_month(tmp_path: Path, playbook) -> None:
    first = _report_json(tmp_path / "a.sqlite3", playbook, seed=3)
    assert first == _report_json(tmp_path / "b.sqlite3", playbook, seed=3)
    assert first != _report_json(tmp_path / "c.sqlite3", playbook, seed=4)


def test_the_month_is_plausible(playbook) -> None:
    plans = plan_month(playbook, NOV, 400, seed=7)
    start, end = NOV.start("Asia/Shanghai"), NOV.end("Asia/Shanghai")
    assert all(start <= p.received_at < end for p in plans)
    assert plans == sorted(plans, key=lambda p: p.received_at)
    major = sum(p.facts["severity"] == "major" for p in plans) / len(plans)
    phone = sum(p.facts["channel"] == "phone" for p in plans) / len(plans)
    waited = sum(any(stage == "waiting_customer" for _, stage, *_ in p.later) for p in plans) / len(plans)
    reopened = sum(sum(stage == "resolved" for _, stage, *_ in p.later) > 1 for p in plans) / len(plans)
    followed = [p.follow_up for p in plans if p.follow_up]
    assert 0.1 < major < 0.3 and 0.2 < phone < 0.4 and 0.25 < waited < 0.45 and 0.02 < reopened < 0.12
    assert 0.65 < len(followed) / len(plans) < 0.9
    states = {f[1] for f in followed}
    assert {"satisfied", "dissatisfied"} <= states <= {s.id for s in playbook.measurement.satisfaction_states}
    causes = [p.later[-1][2].get("root_cause") for p in plans if p.later[-1][1] == "resolved"]
    assert len(set(c for c in causes if c)) < len([c for c in causes if c]) / 5  # causes recur


def test_recorded_through_the_desk_and_cut_at_the_horizon(tmp_path: Path, playbook) -> None:
    horizon = dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with Store.open(tmp_path / "h.sqlite3") as store:
        desk = Desk(store, playbook, clock=lambda: horizon)
        n = fill_month(desk, NOV, cases=60, seed=1, horizon=horizon)
        assert 0 < n < 60
        rows = store.cases.query(order="id")
        assert len(rows) == n and all(r.received_at < horizon for r in rows)
        assert all(e.at < horizon for events in store.cases.events([r.id for r in rows]).values() for e in events)
        assert any(r.is_open for r in rows) and any(not r.is_open for r in rows)
        with pytest.raises(Exception, match="already exists"):  # a second run is refused, not doubled
            fill_month(desk, NOV, cases=60, seed=1, horizon=horizon)
        assert store.cases.count() == n


def test_the_demo_writes_chinese_with_full_width_punctuation() -> None:
    """Root causes, measures and notes a supervisor reads in forms and reports are our own Chinese words: they
    follow lint L506 as playbook text does (高峰时段接待人手不足，顾问语气生硬, not a half-width comma)."""
    import ast
    import inspect

    from cxcoach.authoring.lint_rules.text import half_width_spans
    from cxcoach.report import demo

    texts = [n.value for n in ast.walk(ast.parse(inspect.getsource(demo)))
             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assert [t for t in texts if half_width_spans(t)] == []
    assert any("，" in t for t in texts)
