from __future__ import annotations

import datetime as dt

import pytest

from cxcoach.engine import CaseError, parse_case

from .factory import case, playbook

PB = playbook()


def errors(raw, **kw) -> list[str]:
    with pytest.raises(CaseError) as info:
        parse_case(PB, raw, **kw)
    return info.value.messages


def test_valid_case_is_typed_and_defaults_applied():
    c = parse_case(PB, case({"channel": "phone", "anger": 7, "malicious": False,
                             "promised_at": "2026-03-04T12:00+08:00"}))
    assert c.facts["anger"] == 7 and c.facts["malicious"] is False
    assert c.facts["repeat_complaint"] is False  # declared default
    assert c.facts["promised_at"] == dt.datetime(2026, 3, 4, 4, tzinfo=dt.UTC)
    assert c.received_at.utcoffset() == dt.timedelta(hours=8)


def test_unknown_fact_suggests_the_closest_and_lists_known_ones():
    [msg] = errors(case({"chanel": "phone"}))
    assert "unknown fact 'chanel' (did you mean 'channel'?)" in msg
    assert "known facts: anger, channel" in msg


def test_unknown_value_lists_allowed_values_with_did_you_mean():
    [msg] = errors(case({"channel": "phnoe"}))
    assert msg == ("fact 'channel': unknown value 'phnoe'; allowed: phone, email, web, regulator, media "
                   "(did you mean 'phone'?)")


def test_every_problem_is_reported_at_once():
    msgs = errors({"received_at": "yesterday", "facts": {"anger": 11, "malicious": "maybe", "bogus": 1}})
    assert len(msgs) == 4
    assert any("received_at: 'yesterday' is not an ISO-8601 timestamp" in m for m in msgs)
    assert any("fact 'anger': 11 is above the maximum 10" in m for m in msgs)
    assert any("fact 'malicious': expected true or false, got 'maybe'" in m for m in msgs)


@pytest.mark.parametrize(("raw", "needle"), [
    (case(received="2026-03-04T10:00:00"), "received_at: 2026-03-04T10:00:00 has no UTC offset"),
    (case(now="2026-03-04T09:00:00+08:00"), "is before received_at"),
    (case(received=12), "received_at: expected an ISO-8601 timestamp string, got int"),
    (case({"anger": "loud"}), "fact 'anger': expected a number, got 'loud'"),
    (case({"anger": True}), "fact 'anger': expected a number, got True"),
    (case({"promised_at": "2026-03-04"}), "fact 'promised_at': 2026-03-04 has no UTC offset"),
    (case({"elapsed_minutes": 5}), "fact 'elapsed_minutes' is computed"),
    (case(pauses=[{"from": "2026-03-04T10:05+08:00", "to": "2026-03-04T10:01+08:00"}]),
     "`to` (2026-03-04T10:01:00+08:00) is before `from`"),
    (case(pauses=[{"from": "2026-03-04T10:01+08:00"}, {"from": "2026-03-04T10:05+08:00"}]),
     "only the last pause may be open"),
    (case(pauses=[{"start": "x"}]), "pauses[0]: expected a mapping with `from`"),
    (case(pauses="soon"), "pauses: expected a list"),
    ({"received_at": "2026-03-04T10:00+08:00", "channel": "phone"}, "facts go under `facts:`"),
    ({"recieved_at": "2026-03-04T10:00+08:00"}, "did you mean 'received_at'?"),
    (["not", "a", "mapping"], "a case must be a mapping"),
    (case(facts=None) | {"facts": ["phone"]}, "facts: expected a mapping"),
])
def test_bad_cases(raw, needle):
    msgs = errors(raw)
    assert any(needle in m for m in msgs), msgs


def test_overrides_are_strings_converted_by_fact_type():
    c = parse_case(PB, case({"channel": "email"}), overrides={"channel": "phone", "anger": "7.5", "malicious": "yes",
                                                          "note": "hi"})
    assert c.facts == {"channel": "phone", "anger": 7.5, "malicious": True, "note": "hi", "repeat_complaint": False}


def test_overrides_do_not_hide_a_malformed_facts_section():
    msgs = errors(case(facts=None) | {"facts": ["phone"]}, overrides={"channel": "phone"})
    assert any("facts: expected a mapping" in m for m in msgs)


def test_explicit_now_wins_and_null_means_unknown():
    now = dt.datetime(2026, 3, 4, 3, tzinfo=dt.UTC)
    c = parse_case(PB, case({"channel": None}), now=now)
    assert c.now == now and "channel" not in c.facts


def test_missing_received_at_defaults_to_now_with_a_note():
    c = parse_case(PB, {"now": "2026-03-04T10:00+08:00", "facts": {}})
    assert c.received_at == c.now and c.notes


def test_yaml_timestamps_and_open_pause():
    c = parse_case(PB, case(pauses=[{"from": dt.datetime(2026, 3, 4, 2, 5, tzinfo=dt.UTC)}]))
    assert c.pauses[0].end is None
