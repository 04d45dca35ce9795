"""`recommend`'s JSON is what schemas/result.schema.json and error.schema.json say, for real cases.

Real output: every case of the shipped playbook's tests (`playbooks/default/*.test.yaml`) through
`cxcoach recommend --stream` in both languages, with the default fields, with everything and with
--explain, and the engine tests' playbook over a grid of cases. The structs and the schema are
also compared field by field, so a field cannot be added to one and forgotten in the other.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import msgspec
import pytest
import yaml
from click.testing import CliRunner

from cxcoach.cli.recommend import recommend as recommend_command
from cxcoach.engine import recommend
from cxcoach.engine import result as contract
from cxcoach.engine.render import to_json_bytes
from cxcoach.resources import default_playbook_path, schemas_dir

from ..engine.factory import all_, any_, case, not_, overdue, playbook, rule, t

jsonschema = pytest.importorskip("jsonschema")
RESULT_SCHEMA = json.loads((schemas_dir() / "result.schema.json").read_text(encoding="utf-8"))
ERROR_SCHEMA = json.loads((schemas_dir() / "error.schema.json").read_text(encoding="utf-8"))
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
RESULTS = jsonschema.Draft202012Validator(RESULT_SCHEMA, format_checker=FORMATS)
ERRORS = jsonschema.Draft202012Validator(ERROR_SCHEMA, format_checker=FORMATS)
TIME = re.compile(RESULT_SCHEMA["$defs"]["time"]["pattern"])


def shipped_cases() -> list[dict[str, object]]:
    out = []
    for path in sorted(default_playbook_path().glob("*.test.yaml")):
        for test in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            if "case" in test:
                out.append(json.loads(json.dumps(test["case"], default=dt.datetime.isoformat)))
    return out


def stream(lines: list[str], *args: str) -> list[dict[str, object]]:
    res = CliRunner().invoke(recommend_command, ["--stream", *args], input="".join(line + "\n" for line in lines))
    assert res.exit_code in (0, 1), res.output
    return [json.loads(row) for row in res.stdout_bytes.decode("utf-8").splitlines()]


def assert_valid_result(data: dict[str, object], offset: str | None = None) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in RESULTS.iter_errors(data)]
    assert not errors, errors[:5]
    assert next(iter(data)) == "schema_version" and data["schema_version"] == contract.SCHEMA_VERSION
    if "deadlines" in data and "overdue" in data:
        assert data["overdue"] == [d["target"] for d in data["deadlines"] if d.get("overdue")]
    if offset is not None:
        times = [data.get("received_at"), data.get("now"), data.get("respond_by"), data.get("resolve_by")]
        times += [d["due"] for d in data.get("deadlines", [])] + [r.get("due") for r in data.get("recommendations", [])]
        assert all(TIME.match(x) and x.endswith(offset) for x in times if x is not None), times


def test_the_schemas_are_valid_json_schemas():
    jsonschema.Draft202012Validator.check_schema(RESULT_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(ERROR_SCHEMA)
    major = contract.SCHEMA_VERSION.split(".")[0]
    assert RESULT_SCHEMA["properties"]["schema_version"]["pattern"] == ERROR_SCHEMA["properties"]["schema_version"][
        "pattern"] == f"^{major}\\.[0-9]+$"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("extra", [[], ["--fields", "all"], ["--explain", "--fields", "all"]],
                         ids=["default", "all", "explain"])
def test_every_shipped_test_case_gives_a_valid_result(lang, extra):
    cases = shipped_cases()
    assert len(cases) > 50
    out = stream([json.dumps(c) for c in cases], "--lang", lang, *extra)
    assert [o["line"] for o in out] == list(range(1, len(cases) + 1))
    for data in out:
        assert "errors" not in data, data
        assert_valid_result(data, offset="+08:00")
        present = set(data) - {"schema_version", "line", "case"}
        if not extra:
            assert present == set(contract.DEFAULT_FIELDS) - {"near_misses"}
        else:
            assert {"texts"} <= present and ("near_misses" in present) == ("--explain" in extra)


ENGINE_PB = playbook(
    rule("major", all_(t("severity", "eq", "major"), t("anger", "ge", 5)), priority=90, steps=["listen", "propose"],
         scripts=["sorry_lines", "calm_lines"], avoid=["blame"], because="Major and angry"),
    rule("dominant", t("customer_type", "eq", "dominant"), strategies=["dominant_way"], escalate_to=["legal"]),
    rule("regulator", any_(t("channel", "eq", "regulator"), t("channel", "eq", "media")), respond="30m",
         steps=["record", "apologise"]),
    rule("calm", not_(t("emotion", "in", ["angry", "furious"])), steps=["follow_up"]),
    rule("late", overdue("listen"), steps=["propose"], escalate_to=["director"]),
    rule("lawyer", t("note", "contains", "lawyer"), steps=["propose"]),
    rule("promised", t("promised_at", "exists"), steps=["follow_up"]),
)
ENGINE_CASES = [
    case({k: v for k, v in facts.items() if v is not None}, now=now, id=case_id)
    for (facts, now, case_id) in itertools.product(
        [{"severity": "major", "anger": 7, "customer_type": "dominant"},
         {"severity": "general", "channel": "media", "emotion": "calm", "note": "my lawyer \x1b[2J\u202e"},
         {"channel": "regulator", "promised_at": "2026-03-04T12:00:00Z", "emotion": "furious"},
         {"severity": "major", "stage": "resolved", "malicious": True},
         {}],
        ["2026-03-04T10:10:00+08:00", "2026-03-04T11:05:00.250000+08:00", "2026-03-09T09:00:00+08:00"],
        ["T-1", 42, None])
]


@pytest.mark.parametrize("raw", ENGINE_CASES, ids=lambda c: f"{c['now']}-{c.get('id')}")
def test_the_engine_tests_cases_give_valid_results(raw):
    for locale, explain in (("zh", False), ("en", True)):
        result = recommend(ENGINE_PB, raw, explain=explain, locale=locale)
        for fields in (contract.DEFAULT_FIELDS, contract.ALL_FIELDS, ("recommendations", "overdue")):
            data = json.loads(to_json_bytes(result.select(fields)))
            assert_valid_result(data, offset="+08:00")
            assert data["case"] == raw.get("id")


def test_error_objects_are_valid():
    lines = ['{"a": 1, "a": 2}', "[1, 2]", "{not json", json.dumps({"id": 7, "facts": {"chanel": "x"}}),
             json.dumps({"received_at": "soon", "pauses": [{"from": 1}], "facts": {"severity": "huge"}}),
             "[" * 70 + "]" * 70]
    out = stream(lines, "--lang", "en")
    assert [o["line"] for o in out] == [1, 2, 3, 4, 5, 6]
    for data in out:
        assert not list(ERRORS.iter_errors(data)), data
        assert next(iter(data)) == "schema_version"
        assert list(RESULTS.iter_errors(data)), "an error object must not pass for a result"
    assert out[3]["case"] == 7
    single = CliRunner().invoke(recommend_command, ["-", "--format", "json"], input="facts: {chanel: x}\n")
    assert single.exit_code == 1 and not list(ERRORS.iter_errors(json.loads(single.stdout)))


# Each struct of the contract and where the schema describes it.
SCHEMA_PLACES = {
    contract.Recommendation: "recommendation", contract.DeadlineStatus: "deadline", contract.Escalation: "escalation",
    contract.StrategyItem: "strategy", contract.Reason: "reason", contract.NearMiss: "nearMiss",
    contract.Texts: "texts", contract.CalendarNote: "calendarNote",
}


@pytest.mark.parametrize("struct", list(SCHEMA_PLACES), ids=lambda s: s.__name__)
def test_every_field_of_the_structs_is_in_the_schema_and_required_unless_it_has_a_default(struct):
    place = RESULT_SCHEMA["$defs"][SCHEMA_PLACES[struct]]
    fields = msgspec.structs.fields(struct)
    assert [f.encode_name for f in fields] == list(place["properties"])
    required = [f.encode_name for f in fields if f.required]
    assert required == place.get("required", [])
    for f in fields:
        if not f.required:
            assert "default" in place["properties"][f.encode_name], f.encode_name


def test_the_result_and_the_schema_list_the_same_top_level_fields_in_the_same_order():
    names = ["schema_version", *(f.encode_name for f in msgspec.structs.fields(contract.Result))]
    assert names == list(RESULT_SCHEMA["properties"])
    error_names = ["schema_version", *(f.encode_name for f in msgspec.structs.fields(contract.CaseFailure))]
    assert error_names == list(ERROR_SCHEMA["properties"])
    item = ERROR_SCHEMA["properties"]["errors"]["items"]
    assert [f.encode_name for f in msgspec.structs.fields(contract.ErrorDetail)] == list(item["properties"])


def test_a_result_with_calendar_notes_is_valid():
    far = {"received_at": "2101-10-03T10:00:00+08:00", "now": "2101-10-03T10:05:00+08:00",
           "facts": {"severity": "general", "channel": "phone", "stage": "received"}}
    [data] = stream([json.dumps(far)], "--lang", "en")
    assert data["calendar_notes"] and data["calendar_notes"][0]["kind"] == "uncovered"
    assert_valid_result(data, offset="+08:00")


@pytest.mark.parametrize(("lang", "words"), [("zh", ["不是合法的 JSON", "键 'a' 重复", "未知的事实 'chanel'"]),
                                             ("en", ["not valid JSON", "key 'a'", "unknown fact 'chanel'"])])
def test_stream_error_messages_are_in_the_chosen_language(lang, words):
    out = stream(["{bad", '{"a": 1, "a": 2}', json.dumps({"facts": {"chanel": "phone"}})], "--lang", lang)
    assert [o["errors"][0]["code"] for o in out] == ["E001", "E003", "C021"]
    assert [o["errors"][0]["path"] for o in out] == ["$", "$", "$.facts.chanel"]
    for data, word in zip(out, words, strict=True):
        assert word in data["errors"][0]["message"] and data["error"] == data["errors"][0]["message"]
        assert not list(ERRORS.iter_errors(data))


def test_a_bug_on_one_case_is_still_an_error_object_for_json_readers(monkeypatch):
    import cxcoach.engine

    def broken(*args, **kwargs):
        raise RuntimeError("boom \x1b[2J")

    monkeypatch.setattr(cxcoach.engine, "recommend", broken)
    case = json.dumps({"id": 9, "received_at": "2026-03-06T16:00:00+08:00", "facts": {}})
    res = CliRunner().invoke(recommend_command, ["-", "--format", "json"], input=case)
    assert isinstance(res.exception, RuntimeError)  # the entry point reports it as a bug (exit 70)
    data = json.loads(res.stdout)
    assert not list(ERRORS.iter_errors(data)) and data["case"] == 9
    assert data["errors"][0]["code"] == "X001" and "RuntimeError: 'boom" in data["errors"][0]["message"]
    assert "\x1b" not in res.stdout
    text = CliRunner().invoke(recommend_command, ["-"], input=case)
    assert isinstance(text.exception, RuntimeError) and text.stdout == ""
