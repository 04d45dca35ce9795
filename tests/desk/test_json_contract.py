"""The JSON of every `cxcoach case` command has the keys docs/desk.md lists ("JSON for programs"): integrators
read that table, so the output and the table are checked against each other, on both backends."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxcoach.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "desk.md"


def documented() -> dict[str, set[str]]:
    """{first words of the document column's command cell: keys} from the table in docs/desk.md."""
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("## JSON for programs"):text.index("## Import and archive")]
    rows: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith(("`", "any")) and "`" in cells[2]:
            rows[cells[0]] = set(re.findall(r"`([^`]*)`", cells[2])[0].split())  # the first quoted list
    return rows


@pytest.fixture
def run(db_target: str, tmp_path: Path):
    def _run(*args: str) -> object:
        out = CliRunner().invoke(main, ["case", *args, "--db", db_target, "--format", "json"])
        return json.loads(out.stdout)
    return _run


def test_every_command_writes_the_keys_the_docs_list(run, tmp_path: Path) -> None:
    docs = documented()
    row = docs["`open`, `update`, `follow-up`"]
    assert len(row) == 17
    opened = run("open", "--id", "J-1", "--at", "2026-03-06 10:00", "--set", "severity=general", "--set", "channel=web")
    assert set(opened) == row
    assert set(run("update", "J-1", "--stage", "resolved", "--at", "2026-03-06 11:00")) == row
    assert set(run("follow-up", "J-1", "--satisfaction", "satisfied", "--score", "reliability=8:9",
                   "--at", "2026-03-06 12:00")) == row
    listed = run("list", "--all")
    assert isinstance(listed, list) and set(listed[0]) == row | {"overdue"}
    shown = run("show", "J-1")
    assert set(shown) == row | {"overdue", "now", "events", "pauses", "follow_up", "result"}
    assert set(shown["events"][0]) == docs["`show` event (`events[]`)"]
    assert set(shown["events"][-1]) == docs["`show` event (`events[]`)"] | {"data"}
    assert set(shown["follow_up"]) == {"at", "satisfaction", "by", "note", "scores", "c"}
    assert set(shown["follow_up"]["scores"]["reliability"]) == {"expected", "perceived", "c"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", shown["received_at"])

    archive = tmp_path / "a.jsonl"
    assert run("update", "J-1", "--stage", "closed", "--by", "service_director", "--at", "2026-03-06 13:00")["open"] \
        is False
    assert set(run("archive", "-o", str(archive), "--before", "2026-03-07")) == docs["`archive`"]
    assert set(run("import", str(archive))) == docs["`import` (an archive)"]
    export, mapping = tmp_path / "t.csv", tmp_path / "m.yaml"
    export.write_text("ticket,created\nT-1,2026-03-06 10:00\n", encoding="utf-8")
    mapping.write_text("id: ticket\nreceived_at: created\n", encoding="utf-8")
    assert set(run("import", str(export), "--mapping", str(mapping))) == docs["`import --mapping`"]
    refused = run("update", "J-1", "--note", "after closing")
    assert set(refused) == docs["any, on error"] | {"problems"}
    assert set(run("show", "nope")) == docs["any, on error"]
