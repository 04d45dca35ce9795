"""Imports commit in batches: one transaction per batch of cases, with the guarantees of one per case (a bad
row is reported with its line and skipped, a re-import changes nothing, a case is keyed by its external id),
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cxcoach.desk import Desk, Planned, ticket_import
from cxcoach.desk import archive as archive_mod
from cxcoach.playbook import load_playbook
from cxcoach.store import Store, StoreError
from tests.desk.test_cases import T0, at

NOW = T0 + dt.timedelta(days=30)
MAPPING = ("id: ticket\nreceived_at: created\nnote: subject\n"
           "facts:\n  severity: {column: priority, values: {P1: major, P2: general}}\n"
           "events:\n  - {at: solved, stage: resolved}\n")


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


@pytest.fixture
def desk(db_target: str, playbook) -> Iterator[Desk]:
    with Store.open(db_target) as store:
        yield Desk(store, playbook, clock=lambda: NOW)


def count_writes(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per write transaction begun on `store`'s database (each is one commit)."""
    seen: list[int] = []
    real = store.db.write

    def counted() -> Any:
        seen.append(1)
        return real()

    monkeypatch.setattr(store.db, "write", counted)
    return seen


@pytest.fixture
def commits(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return count_writes(desk.store, monkeypatch)


def export(tmp_path: Path, n: int, bad: dict[int, str] | None = None) -> Path:
    """A CSV of n tickets T-0..T-(n-1); `bad` replaces ticket i's row (line i + 2)."""
    rows = ["ticket,created,priority,subject,solved"]
    for i in range(n):
        rows.append((bad or {}).get(i) or f"T-{i},2026-03-02 09:{i % 60:02d},P{1 + i % 2},ticket {i},2026-03-03 10:00")
    path = tmp_path / "tickets.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def mapping(tmp_path: Path) -> ticket_import.Mapping_:
    path = tmp_path / "map.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return ticket_import.load_mapping(path, load_playbook())


def test_rows_are_committed_a_batch_at_a_time_and_bad_ones_skipped(desk: Desk, commits: list[int], tmp_path: Path,
                                                                   monkeypatch) -> None:
    monkeypatch.setattr(ticket_import, "BATCH", 4)
    bad = {2: "T-2,2026-03-02 09:00,P9,unknown priority,", 5: "T-5,not a time,P1,,",
           6: "T-6,2026-03-02 09:00,P1,solved before it came in,2026-03-01 10:00"}
    path = export(tmp_path, 11, bad)
    result = ticket_import.import_tickets(desk, path, mapping(tmp_path))
    assert result.imported == 8 and result.unchanged == 0
    assert [p.split(": ", 1)[0] for p in result.problems] == [f"{path}:4", f"{path}:7", f"{path}:8"]
    assert "unknown value 'P9'" in result.problems[0]
    assert len(commits) == 3  # 11 rows in batches of 4, not 8 commits
    assert sorted(desk.cases.by_external_id([f"T-{i}" for i in range(11)])) == sorted(
        f"T-{i}" for i in range(11) if i not in bad)
    shown = desk.show("T-3")
    assert shown.state.stage == "resolved" and [e.note for e in shown.events] == ["ticket 3", ""]
    assert shown.row.version == 2 and shown.row.resolved_at is not None  # state columns written with the batch

    commits.clear()
    again = ticket_import.import_tickets(desk, path, mapping(tmp_path))
    assert again.imported == 0 and again.unchanged == 8 and again.problems == result.problems
    assert commits == []  # nothing to write: nothing committed


def _race_first_commit(monkeypatch, db_target: str, playbook, meanwhile: Callable[[Desk], object]) -> list[int]:
    """Let another desk (its own connection) do `meanwhile` between the first batch's look-up and its commit;
    the list fills with the size of every batch `create_many` is given."""
    real = Desk.create_many
    calls: list[int] = []

    def racing(self: Desk, cases: list[Planned]) -> list[int]:
        calls.append(len(cases))
        if len(calls) == 1:
            with Store.open(db_target) as other:
                meanwhile(Desk(other, playbook, clock=lambda: NOW))
        return real(self, cases)

    monkeypatch.setattr(Desk, "create_many", racing)
    return calls


def test_a_row_whose_id_another_process_took_meanwhile_is_the_only_one_skipped(desk: Desk, db_target: str,
                                                                               playbook, tmp_path: Path,
                                                                               monkeypatch) -> None:
    """Between a batch's look-up and its commit another desk records T-2: the batch is refused whole, judged
    again against the stored cases, and the rest written, so only line 4 is named (its case says otherwise)."""
    path = export(tmp_path, 5)
    calls = _race_first_commit(monkeypatch, db_target, playbook, lambda other: other.open(
        facts={"severity": "general"}, at=at(0), external_id="T-2", note="taken first"))
    result = ticket_import.import_tickets(desk, path, mapping(tmp_path))
    assert calls == [5, 1, 4] and result.imported == 4 and result.problems == []  # 1: the other desk's open
    assert result.differs == [f"{path}:4: case 'T-2' already imported, content differs — not changed"]
    assert desk.show("T-2").events[0].note == "taken first" and desk.show("T-4").events[0].note == "ticket 4"


def test_create_many_writes_all_or_nothing(desk: Desk) -> None:
    plan = [Planned(f"C-{i}", at(i), desk.plan(received_at=at(i), facts={"severity": "general"})[0]) for i in range(3)]
    assert len(set(desk.create_many(plan[:1]))) == 1
    with pytest.raises(StoreError, match="case C-0 already exists"):
        desk.create_many(plan)
    assert sorted(desk.cases.by_external_id(["C-0", "C-1", "C-2"])) == ["C-0"]
    with pytest.raises(StoreError, match="given twice"):
        desk.create_many([plan[1], plan[1]])
    ids = desk.create_many(plan[1:])
    assert [desk.find(i).external_id for i in ids] == ["C-1", "C-2"]


def test_an_archive_is_restored_a_batch_at_a_time(desk: Desk, tmp_path: Path, playbook,
                                                   monkeypatch) -> None:
    monkeypatch.setattr(archive_mod, "BATCH", 3)
    for i in range(7):
        ref = f"OLD-{i}"
        desk.open(facts={"severity": "general"}, at=at(i), external_id=ref, note=f"case {i}")
        desk.update(ref, stage="resolved", at=at(60 + i))
        desk.update(ref, stage="closed", by="service_director", at=at(120 + i))
    path = tmp_path / "a.jsonl"
    archive_mod.archive(desk, before=NOW, output=path, purge=False, now=NOW)
    lines = path.read_text(encoding="ascii").splitlines()
    lines[2] = lines[2].replace('"note": "case 2"', '"note": "edited"')  # its digest no longer matches
    path.write_text("\n".join([*lines[:5], lines[4], *lines[5:]]) + "\n", encoding="ascii")  # OLD-4 twice
    with Store.open(tmp_path / "fresh.sqlite3") as store:
        fresh = Desk(store, playbook, clock=lambda: NOW)
        commits = count_writes(store, monkeypatch)
        result = archive_mod.restore(fresh, path)
        assert result.restored == 6 and result.unchanged == 1  # the second OLD-4 finds the first
        assert result.problems == [f"{path}:3: the line was changed after it was written (its sha256 does not "
                                   "match); line skipped",
                                   f"{path}:9: the end line counts 7 case(s) but the archive holds 8: lines are "
                                   "missing or were added"]
        assert len(commits) == 3  # OLD-0,1,3 | OLD-4 (flushed before its repeat) | OLD-5,6 — not 6 commits
        assert [e.stage for e in fresh.show("OLD-6").events] == [None, "resolved", "closed"]
        again = archive_mod.restore(fresh, path)
        assert again.restored == 0 and again.unchanged == 7


def test_two_imports_of_one_export_at_once_skip_nothing(desk: Desk, db_target: str, playbook, tmp_path: Path,
                                                        monkeypatch) -> None:
    """Two importers (two supervisors, an overlapping cron job) on the same file: the cases the other wrote
    between this batch's look-up and its commit are "already there", not 500 skipped rows and exit 1."""
    path = export(tmp_path, 6)
    calls = _race_first_commit(monkeypatch, db_target, playbook,
                               lambda other: ticket_import.import_tickets(other, path, mapping(tmp_path)))
    result = ticket_import.import_tickets(desk, path, mapping(tmp_path))
    assert result.problems == [] and result.differs == [] and (result.imported, result.unchanged) == (0, 6)
    assert calls[0] == 6 and desk.cases.count() == 6
