"""The playbook additions the desk needs: the workflow section, form fills, and the resolved-case rule."""

from __future__ import annotations

import pytest

from cxcoach.engine import recommend
from cxcoach.playbook import PlaybookError, load_playbook


@pytest.fixture(scope="module")
def playbook():
    return load_playbook()


def test_default_workflow_covers_every_stage(playbook) -> None:
    wf = playbook.workflow
    assert wf is not None and wf.fact == "stage" and wf.final == ("closed",)
    assert set(wf.transitions) == set(playbook.facts["stage"].value_ids)
    assert wf.close[0].roles == ("service_director",) and wf.close[0].when is not None


def test_complaint_form_fields_are_filled_from_the_case(playbook) -> None:
    form = playbook.records["complaint_form"]
    assert len(form.fill) == len(form.fields)
    assert "received_at" in form.fill and "fact.root_cause" in form.fill and "closure_note" in form.fill


def test_resolved_major_case_asks_for_root_cause_and_measures(playbook) -> None:
    result = recommend(playbook, {"received_at": "2026-03-06T10:00:00+08:00", "now": "2026-03-07T10:00:00+08:00",
                                  "facts": {"severity": "major", "channel": "phone", "stage": "resolved"}})
    ids = [r.id for r in result.recommendations]
    assert "cp_root_cause" in ids
    root = next(r for r in result.recommendations if r.id == "cp_root_cause")
    assert "complaint_rework_record" in root.records and "vague_measures" in root.avoid


def test_workflow_errors_are_positioned(write) -> None:
    path = write("pb.yaml", """
        playbook: {id: t, title: T, version: 1.0.0, locales: [en]}
        roles: [{id: boss, label: Boss}]
        facts:
          - {id: stage, type: enum, label: Stage, values: [{id: new, label: New}, {id: done, label: Done}]}
        workflow:
          transitions: {new: [done, gone], old: [new]}
          final: [done]
          close: [{by: [boss, nobody]}]
    """)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    text = "\n".join(p.format() for p in info.value.problems)
    assert "'gone' is not a value of fact 'stage'" in text and "'old' is not a value" in text
    assert "nobody" in text and "pb.yaml:" in text
