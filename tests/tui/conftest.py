"""Fixtures for driving the real app headlessly: a small playbook with drills, a frozen clock, a temp DB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cxcoach.playbook import load_playbook

COACH = Path(__file__).parent / "fixtures" / "coach"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 3, 6, 10, 0, tzinfo=SHANGHAI)  # a Friday morning, inside working hours


class FakeClock:
    """An injected clock: frozen until a test moves it."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(scope="session")
def coach_playbook():
    return load_playbook(COACH)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def make_app(coach_playbook, clock, db):
    """Build a CxcoachApp on the test playbook; keyword arguments override the defaults."""
    from cxcoach.tui.app import CxcoachApp

    def build(**kwargs) -> CxcoachApp:
        kwargs.setdefault("playbook", coach_playbook)
        kwargs.setdefault("db_path", db)
        kwargs.setdefault("lang", "en")
        kwargs.setdefault("clock", clock)
        return CxcoachApp(**kwargs)

    return build


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no pytest-asyncio dependency needed)."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        kwargs = {name: pyfuncitem.funcargs[name] for name in names}
        asyncio.run(pyfuncitem.obj(**kwargs))
        return True
    return None
