"""`cxcoach test`: YAML tests beside a playbook, run like pytest, with coverage of rules and drills.

Test files are named `*.test.yaml` (the loader skips them, so they never
become part of the playbook) and follow `schemas/playbook-test.schema.json`.
A *case test* runs `recommend` on a case and compares steps, rules,
deadlines and escalation; a *drill test* plays a drill with given replies (or
the model answers) and compares the path, ending, behaviours and score.
Every run also records what it exercised, so `--coverage` can list the rules,
drill nodes and edges, responses, detectors and criteria no test touches.

Everything is deterministic: case tests must give `now`, drill tests use
`seed` (default 0).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from ..playbook.model import Playbook
from ..problems import Problem, Severity

TEST_SUFFIXES = (".test.yaml", ".test.yml")


# --- collected tests ---------------------------------------------------------------

class PlaybookTest(msgspec.Struct, frozen=True):
    file: str
    line: int
    index: int
    name: str
    kind: str  # "case" | "drill"
    spec: Mapping[str, Any]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


class TestFile(msgspec.Struct, frozen=True):
    """One `*.test.yaml` file, its tests and the playbook they run against."""

    __test__ = False  # not a pytest test class, despite the name
    path: Path
    playbook: Path
    tests: tuple[PlaybookTest, ...]
    problems: tuple[Problem, ...] = ()  # the file could not be read or does not match the schema


class Mismatch(msgspec.Struct, frozen=True):
    what: str
    expected: object
    actual: object
    note: str = ""


class Outcome(msgspec.Struct, frozen=True):
    test: PlaybookTest
    status: str  # "passed" | "failed" | "error"
    mismatches: tuple[Mismatch, ...] = ()
    error: str = ""


@dataclass
class Coverage:
    """What the tests touched; `universe` filled from the playbook(s) run against."""

    rules: set[str] = field(default_factory=set)
    nodes: set[tuple[str, str]] = field(default_factory=set)  # (drill, node or ending)
    edges: set[tuple[str, str, str]] = field(default_factory=set)  # (drill, from, to)
    responses: set[tuple[str, str]] = field(default_factory=set)  # (drill, response/fallback id)
    detectors: set[str] = field(default_factory=set)
    criteria: set[tuple[str, str]] = field(default_factory=set)  # (rubric, criterion)
    universe: dict[str, set[Any]] = field(default_factory=dict)

    def add_universe(self, pb: Playbook) -> None:
        from .lint_rules.base import drill_edges

        u = self.universe
        u.setdefault("rules", set()).update(r.id for r in pb.rules)
        for drill in pb.drills.values():
            u.setdefault("nodes", set()).update((drill.id, n) for n in [*drill.nodes, *drill.endings])
            u.setdefault("edges", set()).update((drill.id, src, dst) for src, targets in drill_edges(drill).items()
                                                for dst, _ in targets)
            u.setdefault("responses", set()).update(
                (drill.id, rid) for n in drill.nodes.values() for rid in [*(r.id for r in n.responses), n.fallback.id])
            rubric = pb.rubrics.get(drill.rubric or "")
            if rubric is not None:
                u.setdefault("criteria", set()).update((rubric.id, c.id) for c in rubric.criteria)
        if pb.drills:
            u.setdefault("detectors", set()).update(pb.detectors)

    def table(self) -> list[tuple[str, int, int, list[str]]]:
        """(kind, covered, total, never exercised) per kind."""
        rows = []
        for kind in ("rules", "nodes", "edges", "responses", "detectors", "criteria"):
            universe = self.universe.get(kind, set())
            hit = getattr(self, kind) & universe
            missing = sorted(universe - hit)
            rows.append((kind, len(hit), len(universe), [_label(x) for x in missing]))
        return rows


def _label(item: object) -> str:
    if isinstance(item, tuple):
        if len(item) == 3:
            return f"{item[0]}: {item[1]} -> {item[2]}"
        return f"{item[0]}.{item[1]}" if item[0] else str(item[1])
    return str(item)


# --- discovery -----------------------------------------------------------------------

def find_test_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    from ..playbook.loader import walk

    found = []
    for folder, _dirnames, filenames in walk(root):
        found += [Path(folder) / n for n in filenames if n.endswith(TEST_SUFFIXES)]
    return found


def read_test_file(path: Path, default_playbook: Path) -> TestFile:
    from ..playbook.schema import schema_problems
    from ..playbook.yamlsource import empty_hint, read_yaml_file

    doc, problems = read_yaml_file(path)
    problems = empty_hint(problems, "a test file holds `tests:`, a list of cases and drills to check "
                                    "(docs/authoring.md, Playbook tests; `cxcoach new tests NAME` writes one)")
    if doc is None or any(p.severity is Severity.ERROR for p in problems):
        return TestFile(path, default_playbook, (), tuple(problems))
    found = schema_problems(doc, "playbook-test.schema.json")
    if found:
        return TestFile(path, default_playbook, (), tuple(found))
    playbook = default_playbook
    if doc.data.get("playbook"):
        playbook = (path.parent / doc.data["playbook"]).resolve()
    tests = []
    for i, spec in enumerate(doc.data["tests"]):
        line, _ = doc.position(("tests", i))
        tests.append(PlaybookTest(doc.file, line, i, spec["name"], "drill" if "drill" in spec else "case", spec))
    return TestFile(path, playbook, tuple(tests))


def collect(paths: Sequence[Path]) -> list[TestFile]:
    """Test files under each path; a folder is also the default playbook of the tests inside it."""
    files = []
    for root in paths:
        for path in find_test_files(root):
            default = root if root.is_dir() else path.parent
            files.append(read_test_file(path, default))
    return files


# --- running -------------------------------------------------------------------------

def _ts(value: object) -> dt.datetime | None:
    from ..engine.case import parse_timestamp

    return None if value is None else parse_timestamp(value, "expected time")


def _same_time(expected: object, actual: dt.datetime | None) -> bool:
    exp = _ts(expected)
    return exp == actual if exp is not None and actual is not None else exp is None and actual is None


def _shown(expected: object, actual: dt.datetime | None) -> str | None:
    """The actual time in the expected value's UTC offset, so the diff lines up."""
    if actual is None:
        return None
    try:
        exp = _ts(expected)
    except ValueError:
        exp = None
    return actual.astimezone(exp.tzinfo).isoformat() if exp is not None else actual.isoformat()


def _contains(what: str, expected: Iterable[str], actual: Sequence[str], out: list[Mismatch]) -> None:
    missing = [x for x in expected if x not in actual]
    if missing:
        out.append(Mismatch(what, list(expected), list(actual), f"missing {missing}"))


def _excludes(what: str, expected: Iterable[str], actual: Sequence[str], out: list[Mismatch]) -> None:
    present = [x for x in expected if x in actual]
    if present:
        out.append(Mismatch(what, list(expected), list(actual), f"present but should not be: {present}"))


def run_case_test(pb: Playbook, test: PlaybookTest, cov: Coverage) -> Outcome:
    from ..engine import CaseError, recommend

    spec, exp = test.spec, test.spec["expect"]
    case = spec["case"]
    if not isinstance(case, Mapping) or case.get("now") is None:
        return Outcome(test, "error", error="the case needs `now` (and `received_at`) so the test does not depend "
                       "on the clock")
    try:
        result = recommend(pb, case, locale=spec.get("locale"))
    except CaseError as exc:
        return Outcome(test, "error", error="invalid case: " + "; ".join(exc.messages))
    steps = [r.id for r in result.recommendations]
    fired = [r.rule for r in result.fired]
    cov.rules.update(fired)
    out: list[Mismatch] = []
    first = steps[0] if steps else None
    if "first" in exp and first != exp["first"]:
        out.append(Mismatch("first", exp["first"], first))
    _contains("steps", exp.get("steps", ()), steps, out)
    _excludes("absent", exp.get("absent", ()), steps, out)
    if "order" in exp:
        ranks = [steps.index(s) for s in exp["order"] if s in steps]
        if len(ranks) != len(exp["order"]) or ranks != sorted(ranks):
            out.append(Mismatch("order", exp["order"], steps))
    _contains("fired", exp.get("fired", ()), fired, out)
    _excludes("not_fired", exp.get("not_fired", ()), fired, out)
    _contains("strategies", exp.get("strategies", ()), [s.id for s in result.strategies], out)
    shown_avoid = [*result.also_avoid, *(a for r in result.recommendations for a in r.avoid)]
    _contains("avoid", exp.get("avoid", ()), shown_avoid, out)
    for key, actual in (("respond_by", result.respond_by), ("resolve_by", result.resolve_by)):
        if key in exp and not _same_time(exp[key], actual):
            out.append(Mismatch(key, exp[key], _shown(exp[key], actual)))
    dues = {d.target: d.due for d in result.deadlines}
    for target, when in (exp.get("due") or {}).items():
        if not _same_time(when, dues.get(target)):
            out.append(Mismatch(f"due.{target}", when, _shown(when, dues.get(target))))
    if "overdue" in exp and sorted(exp["overdue"]) != sorted(result.overdue):
        out.append(Mismatch("overdue", exp["overdue"], list(result.overdue)))
    if "escalation" in exp:
        level = result.escalation.level if result.escalation else None
        if level != exp["escalation"]:
            out.append(Mismatch("escalation", exp["escalation"], level))
    _contains("escalate_to", exp.get("escalate_to", ()), list(result.escalate_to), out)
    if "paused" in exp and exp["paused"] != result.paused:
        out.append(Mismatch("paused", exp["paused"], result.paused))
    return Outcome(test, "failed" if out else "passed", tuple(out))


def run_drill_test(pb: Playbook, test: PlaybookTest, cov: Coverage) -> Outcome:
    from ..drill import DrillError, DrillSession
    from ..drill.scoring import ScoringError, Status

    spec, exp = test.spec, test.spec["expect"]
    try:
        session = DrillSession(pb, spec["drill"], seed=int(spec.get("seed", 0)), locale=spec.get("locale"),
                               trainee=spec.get("trainee"))
        if spec.get("model_answers"):
            session.play_model_answers()
        else:
            for n, reply in enumerate(spec["replies"], 1):
                if session.finished:
                    return Outcome(test, "error", error=f"the drill ended after {n - 1} replies, but "
                                   f"{len(spec['replies'])} are given")
                session.reply(reply)
        report = session.report()
    except (DrillError, ScoringError) as exc:
        return Outcome(test, "error", error=str(exc))
    drill = session.drill
    path = [t.node for t in report.turns] + ([report.ending.id] if report.ending else [])
    cov.nodes.update((drill.id, n) for n in path)
    cov.edges.update((drill.id, t.node, t.next) for t in report.turns)
    cov.responses.update((drill.id, r) for t in report.turns for r in t.responses)
    behaviours = list(dict.fromkeys(b.detector for t in report.turns for b in t.behaviours))
    cov.detectors.update(behaviours)
    met = [r.criterion.id for r in report.score.criteria if r.status in (Status.MET, Status.TRIGGERED)]
    cov.criteria.update((report.score.rubric.id, c) for c in met)
    responses = list(dict.fromkeys(r for t in report.turns for r in t.responses))

    out: list[Mismatch] = []
    if "path" in exp and list(exp["path"]) != path:
        out.append(Mismatch("path", exp["path"], path))
    _contains("visited", exp.get("visited", ()), path, out)
    _excludes("not_visited", exp.get("not_visited", ()), path, out)
    ending = report.ending.id if report.ending else None
    if "ending" in exp and exp["ending"] != ending:
        out.append(Mismatch("ending", exp["ending"], ending))
    if "outcome" in exp and (report.ending.outcome if report.ending else None) != exp["outcome"]:
        out.append(Mismatch("outcome", exp["outcome"], report.ending.outcome if report.ending else None))
    if "ending_kind" in exp and (report.ending.kind.value if report.ending else None) != exp["ending_kind"]:
        out.append(Mismatch("ending_kind", exp["ending_kind"], report.ending.kind.value if report.ending else None))
    _contains("behaviours", exp.get("behaviours", ()), behaviours, out)
    _excludes("not_behaviours", exp.get("not_behaviours", ()), behaviours, out)
    _contains("responses", exp.get("responses", ()), responses, out)
    _contains("criteria", exp.get("criteria", ()), met, out)
    score = report.score.score
    bounds = exp.get("score") or {}
    low, high = bounds.get("min", 0), bounds.get("max", 100)
    if bounds and not low <= score <= high:
        out.append(Mismatch("score", {"min": low, "max": high}, score))
    if "passed" in exp and exp["passed"] != report.passed:
        out.append(Mismatch("passed", exp["passed"], report.passed))
    _contains("lines", exp.get("lines", ()), session.lines_said, out)
    _excludes("not_lines", exp.get("not_lines", ()), session.lines_said, out)
    promised = list(dict.fromkeys(o.remedy for _, o in report.overpromises))
    if "overpromised" in exp and sorted(exp["overpromised"]) != sorted(promised):
        out.append(Mismatch("overpromised", exp["overpromised"], promised))
    if "closing" in exp and exp["closing"] != report.closing:
        out.append(Mismatch("closing", exp["closing"], report.closing))
    return Outcome(test, "failed" if out else "passed", tuple(out))


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)
    file_problems: list[tuple[Path, tuple[Problem, ...]]] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(o.status == "passed" for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(o.status != "passed" for o in self.outcomes)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and not self.file_problems


def run(files: Sequence[TestFile], *, keyword: str | None = None,
        progress: Callable[[TestFile, Outcome], None] | None = None) -> RunResult:
    """Run every test; `progress(file, outcome)` is called after each (the CLI prints dots)."""
    from ..playbook import PlaybookError, load_playbook

    result = RunResult()
    start = time.perf_counter()
    loaded: dict[Path, Playbook | None] = {}
    for tf in files:
        if tf.problems:
            result.file_problems.append((tf.path, tf.problems))
            continue
        key = tf.playbook.resolve()
        if key not in loaded:
            loaded[key] = None
            try:
                pb = load_playbook(tf.playbook)
                loaded[key] = pb
                result.coverage.add_universe(pb)
            except PlaybookError as exc:  # reported once for the playbook, not once per test
                result.file_problems.append((tf.playbook, tuple(exc.problems)))
            except OSError as exc:
                where = str(tf.playbook)
                result.file_problems.append((tf.playbook, (Problem(where, 0, 0, "E011", f"cannot read: {exc}"),)))
        playbook = loaded[key]
        if playbook is None:
            continue
        for test in tf.tests:
            if keyword and keyword.casefold() not in test.name.casefold():
                continue
            runner = run_drill_test if test.kind == "drill" else run_case_test
            try:
                outcome = runner(playbook, test, result.coverage)
            except (ValueError, LookupError) as exc:  # e.g. a malformed expected timestamp
                outcome = Outcome(test, "error", error=str(exc))
            except Exception as exc:  # one broken test must not stop the run or show a traceback
                outcome = Outcome(test, "error", error=f"internal error: {type(exc).__name__}: {exc}")
            result.outcomes.append(outcome)
            if progress is not None:
                progress(tf, outcome)
    result.seconds = time.perf_counter() - start
    return result


# --- reporting -----------------------------------------------------------------------

def _flow(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def failure_text(outcome: Outcome) -> list[str]:
    """The body of one failure: a line per mismatch with an expected (-) / actual (+) diff."""
    lines = []
    if outcome.error:
        lines.append(f"E   {outcome.error}")
    for mm in outcome.mismatches:
        note = f"  ({mm.note})" if mm.note else ""
        lines.append(f"expect.{mm.what}{note}")
        lines.append(f"  - {mm.what}: {_flow(mm.expected)}")
        lines.append(f"  + {mm.what}: {_flow(mm.actual)}")
    return lines


def summary_line(result: RunResult) -> str:
    parts = [f"{result.passed} passed", f"{result.failed} failed"]
    if result.file_problems:
        parts.append(f"{len(result.file_problems)} file error(s)")
    return ", ".join(parts) + f" in {result.seconds:.2f}s"
