"""Archives attacked: nothing is deleted without a verified archive, and a cut, tampered or hostile archive
restores nothing it should not (each bad line is reported with its line number, the rest restored)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main
from cxcoach.desk import Desk
from cxcoach.desk import archive as archive_mod
from cxcoach.errors import ExitCode
from cxcoach.playbook import load_playbook
from cxcoach.store import Store, StoreError

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2024, 1, 2, 10, 0, tzinfo=TZ)
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def closed_cases(desk: Desk, n: int = 3) -> None:
    for i in range(n):
        ref = f"OLD-{i}"
        desk.open(facts={"severity": "general", "channel": "phone"}, at=T0, external_id=ref, note=f"case {i}")
        desk.update(ref, stage="resolved", at=T0 + dt.timedelta(hours=2), note="fixed")
        desk.follow_up(ref, satisfaction="satisfied", scores={"reliability": (8, 9)}, at=T0 + dt.timedelta(hours=3))
        desk.update(ref, stage="closed", by="service_director", at=T0 + dt.timedelta(hours=4), note="closed")


@pytest.fixture
def desk(tmp_path: Path, playbook):
    with Store.open(tmp_path / "desk.sqlite3") as store:
        d = Desk(store, playbook, clock=lambda: NOW)
        closed_cases(d)
        yield d


def written(desk: Desk, path: Path) -> list[str]:
    archive_mod.archive(desk, before=NOW - dt.timedelta(days=800), output=path, purge=False, now=NOW)
    return path.read_text(encoding="utf-8").splitlines()


def fresh(tmp_path: Path, playbook, name: str = "restored.sqlite3") -> Desk:
    return Desk(Store.open(tmp_path / name), playbook, clock=lambda: NOW)


# -- nothing deleted without a verified archive ----------------------------------------------------------------------

def test_a_failed_write_leaves_no_partial_archive_and_deletes_nothing(desk: Desk, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "a.jsonl"
    real = archive_mod._dumps
    calls = []

    def fail_late(item):  # the disk fills after the first case
        calls.append(1)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real(item)

    monkeypatch.setattr(archive_mod, "_dumps", fail_late)
    with pytest.raises(StoreError, match=r"No space left.*nothing was deleted"):
        archive_mod.archive(desk, before=NOW - dt.timedelta(days=800), output=out, purge=True, now=NOW)
    assert not out.exists()  # a retry is not refused as "exists", and no half archive looks like a whole one
    assert desk.cases.count() == 3


def test_an_archive_that_reads_back_different_is_removed_and_nothing_deleted(desk: Desk, tmp_path: Path,
                                                                             monkeypatch) -> None:
    out = tmp_path / "a.jsonl"
    real = archive_mod._read_back

    def flipped(path):  # a disk that returns other bytes than were written
        found = real(path)
        first = next(iter(found.values()))
        first["events"][0]["note"] = "changed on the way"
        return found

    monkeypatch.setattr(archive_mod, "_read_back", flipped)
    with pytest.raises(StoreError, match=r"does not match.*nothing was deleted"):
        archive_mod.archive(desk, before=NOW - dt.timedelta(days=800), output=out, purge=True, now=NOW)
    assert desk.cases.count() == 3 and not out.exists()


def test_purge_through_the_cli_when_the_folder_cannot_be_written(tmp_path: Path) -> None:
    db = str(tmp_path / "desk.sqlite3")
    with Store.open(db) as store:
        closed_cases(Desk(store, load_playbook(), clock=lambda: NOW))
    target = tmp_path / "not-a-folder"
    target.write_text("x", encoding="utf-8")
    out = CliRunner().invoke(main, ["case", "archive", "-o", str(target / "a.jsonl"), "--purge", "--now", "2026-06-01",
                                    "--db", db, "--format", "json"])
    assert out.exit_code == ExitCode.INVALID and "nothing was deleted" in json.loads(out.stdout)["error"]
    with Store.open(db) as store:
        assert store.cases.count() == 3


# -- restoring --------------------------------------------------------------------------------------------------------

def test_importing_an_archive_twice_changes_nothing(desk: Desk, tmp_path: Path, playbook) -> None:
    path = tmp_path / "a.jsonl"
    written(desk, path)
    target = fresh(tmp_path, playbook)
    first = archive_mod.restore(target, path)
    second = archive_mod.restore(target, path)
    assert (first.restored, first.problems) == (3, []) and (second.restored, second.unchanged) == (0, 3)


def test_an_archive_cut_at_a_line_end_says_so(desk: Desk, tmp_path: Path, playbook) -> None:
    path = tmp_path / "a.jsonl"
    lines = written(desk, path)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    result = archive_mod.restore(fresh(tmp_path, playbook), cut)
    assert result.restored == 2
    assert any("cut short" in p for p in result.problems), result.problems


def test_an_archive_cut_mid_line(desk: Desk, tmp_path: Path, playbook) -> None:
    path = tmp_path / "a.jsonl"
    text = "\n".join(written(desk, path))
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    result = archive_mod.restore(fresh(tmp_path, playbook), cut)
    assert any(p.startswith(f"{cut}:2:") for p in result.problems) and any("cut short" in p for p in result.problems)


def tampered(line: str, edit, *, keep_digest: bool = False) -> str:
    """The line edited; without its digest, as someone who knows the format would leave it (or an old archive)."""
    data = json.loads(line)
    edit(data)
    if not keep_digest:
        data.pop("sha256", None)
    return json.dumps(data, ensure_ascii=False)


def test_an_edited_line_no_longer_matches_its_digest(desk: Desk, tmp_path: Path, playbook) -> None:
    lines = written(desk, tmp_path / "a.jsonl")
    bad = tmp_path / "bad.jsonl"
    edit = tampered(lines[0], lambda d: d["events"][0].update(note="a softer story"), keep_digest=True)
    bad.write_text("\n".join([edit, *lines[1:]]) + "\n", encoding="utf-8")
    result = archive_mod.restore(fresh(tmp_path, playbook), bad)
    assert result.restored == 2 and "changed after it was written" in result.problems[0]


EDITS = {
    "facts of the wrong type": lambda d: d["events"][0]["facts"].update(severity=[1, 2]),
    "facts not a mapping": lambda d: d["events"][0].update(facts="x"),
    "an unknown fact": lambda d: d["events"][0]["facts"].update(secret_flag=True),
    "time going backwards": lambda d: d["events"][2].update(at="2000-01-01T00:00:00+00:00"),
    "a year the engine cannot compute": lambda d: d.update(received_at="9999-12-31T23:59:59-12:00"),
    "a follow-up without a satisfaction": lambda d: d["events"][2].update(data={}),
    "an unknown satisfaction": lambda d: d["events"][2]["data"].update(satisfaction="ecstatic"),
    "scores that are not numbers": lambda d: d["events"][2]["data"].update(scores={"reliability": ["a", 1]}),
    "an unknown stage": lambda d: d["events"][1].update(stage="nowhere"),
    "a role that is a list": lambda d: d["events"][3].update(by=["service_director"]),
    "a note that is not text": lambda d: d["events"][1].update(note={"x": 1}),
    "an external id with controls": lambda d: d.update(external_id="OLD\x1b[2J"),
    "an overlong uid": lambda d: d.update(uid="u" * 80),
    "a second opening event": lambda d: d["events"][1].update(kind="open"),
    "no events": lambda d: d.update(events=[]),
    "events not a list": lambda d: d.update(events={"1": {}}),
}


@pytest.mark.parametrize("what", list(EDITS))
def test_a_tampered_line_is_reported_and_skipped(desk: Desk, tmp_path: Path, playbook, what: str) -> None:
    path = tmp_path / "a.jsonl"
    lines = written(desk, path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], tampered(lines[1], EDITS[what]), *lines[2:]]) + "\n", encoding="utf-8")
    target = fresh(tmp_path, playbook)
    result = archive_mod.restore(target, bad)
    assert result.restored == 2, (what, result.problems)
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{bad}:2: "), result.problems
    assert target.cases.count() == 2


def test_hostile_bytes_in_an_archive(desk: Desk, tmp_path: Path, playbook) -> None:
    path = tmp_path / "a.jsonl"
    lines = written(desk, path)
    bad = tmp_path / "bad.jsonl"
    with bad.open("wb") as fh:
        fh.write(lines[0].encode() + b"\n")
        fh.write(b"[" * 100_000 + b"\n")  # deep nesting
        fh.write(b"\xff\xfe not utf-8\n")
        fh.write(b'{"format": "cxcoach-case/1", "uid": "\\ud800"}\n')
        fh.write(("\n".join(lines[1:]) + "\n").encode())
    result = archive_mod.restore(fresh(tmp_path, playbook), bad)
    assert result.restored == 3, result.problems
    assert [p.split(": ")[0] for p in result.problems] == [f"{bad}:2", f"{bad}:3", f"{bad}:4", f"{bad}:7"]
    assert "counts 3 case(s) but the archive holds 6" in result.problems[-1]


def test_a_huge_line_is_refused_without_reading_it_all(desk: Desk, tmp_path: Path, playbook, monkeypatch) -> None:
    monkeypatch.setattr(archive_mod, "MAX_LINE", 4096)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"x": "' + b"a" * 10_000 + b'"}\n')
    result = archive_mod.restore(fresh(tmp_path, playbook), bad)
    assert result.restored == 0 and "longer than" in result.problems[0]


def test_restore_through_the_cli_reports_lines_and_exits_1(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    lines = written(desk, path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(tampered(lines[0], EDITS["facts of the wrong type"]) + "\n" + "\n".join(lines[1:]) + "\n",
                   encoding="utf-8")
    out = CliRunner().invoke(main, ["case", "import", str(bad), "--db", str(tmp_path / "r.sqlite3")])
    assert out.exit_code == ExitCode.INVALID and f"{bad}:1: " in out.stderr and "2 case(s) imported" in out.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_archive_folder(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    with pytest.raises(StoreError, match="nothing was deleted"):
        archive_mod.archive(desk, before=NOW - dt.timedelta(days=800), output=folder / "a.jsonl", purge=True, now=NOW)
    assert desk.cases.count() == 3


def test_a_recorded_time_ahead_of_now_is_refused_as_an_event_time_is(desk: Desk, tmp_path: Path, playbook) -> None:
    """`recorded_at` is when the desk wrote an event: a line claiming a write years ahead comes from a clock
    gone wrong or a hand edit, refused by the same check as an event's own time (`times.check_happened`)."""
    line = json.loads(written(desk, tmp_path / "a.jsonl")[0])
    assert archive_mod.parse_case_line(line, playbook, now=NOW).events[1].recorded_at is not None
    line["events"][1]["recorded_at"] = (NOW + dt.timedelta(days=400)).isoformat()
    line.pop("sha256", None)  # an edit that also dropped the checksum: the content checks still apply
    with pytest.raises(ValueError, match=r"event 2 recorded_at: 2027-07-06 10:00 \+08:00 has not happened yet"):
        archive_mod.parse_case_line(line, playbook, now=NOW)
    line["events"][1]["recorded_at"] = (NOW + dt.timedelta(hours=2)).isoformat()  # within the day's slack
    assert archive_mod.parse_case_line(line, playbook, now=NOW).events[1].recorded_at == NOW + dt.timedelta(hours=2)
