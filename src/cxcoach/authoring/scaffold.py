"""`cxcoach new playbook|drill|rule NAME`: starting files that validate out of the box.

A scaffold is only useful if the first `cxcoach validate` after it is clean, so
every function here writes its files, loads the playbook again and, when the
result is not valid, removes what it wrote and raises `ScaffoldError` with the
problems (a bug in a template must never leave a trainer with a broken
playbook). Text is written in every locale of the target playbook (languages
we have no template text for get the English text, to be translated).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from ..errors import CxcoachError
from ..playbook.model import NOWHERE, Action, FactTest, FactType, Op, Playbook, Rule
from ..problems import Problem, Severity
from ..sanitize import one_line

ID_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
LIBRARY = "cxcoach:default/detectors.yaml"  # the shipped detectors a new playbook includes
KINDS = ("playbook", "drill", "rule")


class ScaffoldError(CxcoachError):
    """Why a scaffold could not be written; `problems` lists validation problems, if any."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


class Created(msgspec.Struct, frozen=True):
    """What a scaffold wrote: the files, and the playbook folder they belong to."""

    files: tuple[Path, ...]
    playbook: Path


# --- YAML text helpers ---------------------------------------------------------

def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


class _Texts:
    """Renders template text in the target playbook's locales."""

    def __init__(self, locales: Sequence[str]) -> None:
        self.locales = tuple(locales)

    def __call__(self, values: Mapping[str, str]) -> str:
        parts = [f"{loc}: {_q(values.get(loc, values['en']))}" for loc in self.locales]
        return "{" + ", ".join(parts) + "}"

    def phrases(self, values: Mapping[str, Sequence[str]]) -> str:
        parts = [f"{loc}: [{', '.join(_q(p) for p in values.get(loc, values['en']))}]" for loc in self.locales]
        return "{" + ", ".join(parts) + "}"


_MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=(\S+)")
_MODELINE_MAX = 4096  # bytes of a file's first line searched for the modeline
SCHEMA_FOLDER = "schemas"  # a playbook's own copy of the JSON Schemas, when it has no other


def _in_environment(path: Path) -> bool:
    """Inside the Python environment cxcoach runs from: gone with the next virtualenv, so never a modeline target."""
    prefixes = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return any(path.is_relative_to(prefix) for prefix in prefixes)


def schema_home(root: Path) -> Path | None:
    """The schema folder the playbook's own files already point to (outside the environment), if any.

    Only the first line of each regular YAML file is read, in the folders the loader reads: a named pipe
    or a huge file planted in the playbook (or in a hidden folder of it) cannot hang or exhaust a scaffold.
    """
    from ..inputs import InputError, open_regular
    from ..playbook.loader import walk

    paths = sorted(Path(folder) / name for folder, _, names in walk(root) for name in names
                   if name.endswith((".yaml", ".yml")) and not name.startswith("."))
    for path in paths:
        try:
            with open_regular(path) as handle:
                first = handle.readline(_MODELINE_MAX).decode("utf-8")
        except (InputError, UnicodeDecodeError):
            continue
        found = _MODELINE.match(first)
        if found and "://" not in found.group(1):
            target = (path.parent / found.group(1)).resolve()
            if target.is_file() and not _in_environment(target):
                return target.parent
    own = root / SCHEMA_FOLDER
    return own if (own / "playbook.schema.json").is_file() else None


def schema_copies(root: Path) -> dict[Path, str]:
    """The shipped JSON Schemas, to be written into the playbook when it has none to point at."""
    from ..resources import schemas_dir

    return {root / SCHEMA_FOLDER / src.name: src.read_text(encoding="utf-8")
            for src in sorted(schemas_dir().glob("*.json"))}


def _schema_comment(target_dir: Path, home: Path, schema: str = "playbook.schema.json") -> str:
    """The yaml-language-server modeline, relative from the file's folder to the playbook's schemas."""
    ref = os.path.relpath((home / schema).resolve(), target_dir.resolve())
    return f"# yaml-language-server: $schema={Path(ref).as_posix()}\n"


def _with_schemas(root: Path, files: dict[Path, str]) -> dict[Path, str]:
    """Prefix each file with its modeline; add the schema copies when the playbook has nowhere to point."""
    home = schema_home(root) if root.is_dir() else None
    extra = {} if home is not None else schema_copies(root)
    home = home or root / SCHEMA_FOLDER
    out = {path: _schema_comment(path.parent, home, "playbook-test.schema.json" if path.name.endswith(".test.yaml")
                                 else "playbook.schema.json") + text for path, text in files.items()}
    return {**out, **extra}


def check_name(name: str, kind: str) -> None:
    if not ID_PATTERN.match(name):
        raise ScaffoldError(f"{kind} name {name!r} is not an id: "
                            "use letters, digits, _ - and ., starting with a letter")


# --- templates -------------------------------------------------------------------

def _playbook_files(name: str, locales: Sequence[str]) -> dict[str, str]:
    t = _Texts(locales)
    meta = f"""# The shipped detector library (apology, empathy, blaming the customer, ...), kept up to date
# with cxcoach; add your own detectors in another file, or include your own library.
include: [{LIBRARY}]

playbook:
  id: {name}
  title: {t({"zh": f"{name} 投诉处理手册", "en": f"{name} complaint-handling playbook"})}
  version: 0.1.0
  locales: [{", ".join(locales)}]

roles:
  - id: advisor
    label: {t({"zh": "客服顾问", "en": "Service advisor"})}
  - id: manager
    label: {t({"zh": "服务经理", "en": "Service manager"})}

facts:
  - id: severity
    type: enum
    label: {t({"zh": "严重程度", "en": "Severity"})}
    values:
      - {{id: major, label: {t({"zh": "重大", "en": "Major"})}}}
      - {{id: general, label: {t({"zh": "一般", "en": "General"})}}}
    default: general

deadlines: {{respond: 3h, resolve: 3d}}

escalation:
  warnings: [0.5, 0.75]
  levels:
    - {{id: to_manager, at: 1.0, to: manager}}
"""
    listen_line = t({"zh": "非常抱歉给您添麻烦了，您慢慢说，我在听。",
                     "en": "I'm so sorry for the trouble. Take your time, I'm listening."})
    content = f"""procedures:
  - id: intake
    title: {t({"zh": "受理投诉", "en": "Taking a complaint"})}
    steps:
      - id: listen
        title: {t({"zh": "倾听并道歉", "en": "Listen and apologise"})}
        owner: advisor
        scripts: [listen_lines]
      - id: report_major
        title: {t({"zh": "重大投诉立即上报", "en": "Report a major complaint at once"})}
        owner: advisor
        due: 30m
        escalate_to: [manager]

scripts:
  - id: listen_lines
    title: {t({"zh": "倾听话术", "en": "Listening lines"})}
    step: listen
    lines:
      - id: listen_lines.1
        text: {listen_line}
    avoid: [blame]

avoid:
  - id: blame
    title: {t({"zh": "指责顾客", "en": "Blaming the customer"})}
    phrases: {t.phrases({"zh": ["都是您的错"], "en": ["that's your own fault"]})}
    why: {t({"zh": "指责只会激起对抗。", "en": "Blame only provokes a fight."})}
    instead: {t({"zh": "先承认给顾客带来的不便。", "en": "Acknowledge the trouble it caused first."})}

rules:
  - id: every_complaint
    title: {t({"zh": "每个投诉先倾听", "en": "Listen first to every complaint"})}
    when: {{fact: severity, op: in, value: [major, general]}}
    then:
      steps: [listen]
    because: {t({"zh": "先处理情绪，再处理事情。", "en": "Feelings first, then facts."})}
  - id: major_fast
    title: {t({"zh": "重大投诉30分钟内响应", "en": "Major complaints: respond within 30 minutes"})}
    priority: 90
    when: {{fact: severity, op: eq, value: major}}
    then:
      steps: [report_major]
      deadlines: {{respond: 30m}}
    because: {t({"zh": "重大投诉必须立即上报。", "en": "Major complaints go up at once."})}
"""
    rubric = f"""# Criteria use the detectors of the included library ({LIBRARY}).
rubrics:
  - id: conversation
    title: {t({"zh": "整段对话", "en": "Whole conversation"})}
    scope: conversation
    default: true
    pass_mark: 60
    criteria:
      - id: cv_apology
        title: {t({"zh": "道歉", "en": "Apology"})}
        detector: apology
        weight: 60
      - id: cv_remedy
        title: {t({"zh": "给出补救", "en": "A remedy"})}
        detector: remedy
        weight: 40
      - id: cv_blame
        title: {t({"zh": "指责顾客", "en": "Blaming the customer"})}
        detector: blame_customer
        auto_fail: true
      - id: cv_overpromise
        title: {t({"zh": "越权承诺", "en": "Promising beyond your authority"})}
        match:
          any: {t.phrases({"zh": ["要多少赔多少"], "en": ["whatever you want"]})}
        penalty: 20
  # `cxcoach score` scores one reply with this rubric.
  - id: first_reply
    title: {t({"zh": "首次回复", "en": "First reply"})}
    scope: reply
    default: true
    pass_mark: 60
    criteria:
      - id: fr_feelings
        title: {t({"zh": "先处理情绪", "en": "Feelings first"})}
        detector: empathy
        weight: 40
      - id: fr_apology
        title: {t({"zh": "道歉", "en": "Apology"})}
        detector: apology
        weight: 30
      - id: fr_ownership
        title: {t({"zh": "自己负责", "en": "Taking it on"})}
        detector: ownership
        weight: 30
      - id: fr_blame
        title: {t({"zh": "指责顾客", "en": "Blaming the customer"})}
        detector: blame_customer
        auto_fail: true
"""
    files = {"playbook.yaml": meta, "content.yaml": content, "scoring.yaml": rubric,
             f"drills/{name}_intro.yaml": _drill_text(f"{name}_intro", locales, rubric_id=None, criterion="cv_apology",
                                                      detectors=True)}
    tests = f"""tests:
  - name: {_q("a major complaint is reported first")}
    case:
      received_at: 2026-03-02T09:00:00+08:00
      now: 2026-03-02T09:10:00+08:00
      facts: {{severity: major}}
    expect:
      first: report_major
      steps: [listen]
      fired: [major_fast, every_complaint]
      respond_by: 2026-03-02T09:30:00+08:00
  - name: {_q("an apology and a remedy settle the customer")}
    drill: {name}_intro
    replies: [{_q("非常抱歉给您添麻烦了，我马上为您补发。" if "zh" in locales
                  else "I'm so sorry for the trouble; I'll reship it today.")}]
    expect:
      path: [open, settled]
      ending: settled
      behaviours: [apology, remedy]
      score: {{min: 60}}
"""
    files[f"{name}.test.yaml"] = tests
    return files


def _drill_text(drill_id: str, locales: Sequence[str], *, rubric_id: str | None, criterion: str | None,
                with_rubric: bool = False, detectors: bool = False) -> str:
    """A one-node drill showing the parts of a drill: authority, reactions, patience, closing words with {name}."""
    t = _Texts(locales)
    apology = t.phrases({"zh": ["对不起", "抱歉"], "en": ["sorry", "apologise", "apologize"]})
    sorry = "{detector: apology}" if detectors else f"\n              any: {apology}"
    rubric_block = ""
    if with_rubric:
        rubric_block = f"""rubrics:
  - id: {rubric_id}
    title: {t({"zh": "演练评分", "en": "Drill scoring"})}
    scope: conversation
    criteria:
      - id: {criterion}
        title: {t({"zh": "道歉", "en": "Apology"})}
        match:
          any: {apology}
        weight: 100

"""
    rubric_line = f"    rubric: {rubric_id}\n" if rubric_id else ""
    credit = f"            criterion: {criterion}\n" if criterion else ""
    return f"""{rubric_block}drills:
  - id: {drill_id}
    title: {t({"zh": "新演练", "en": "New drill"})}
    brief: {t({"zh": "顾客打电话投诉包裹晚到。你可以补发；现金赔偿不在你的权限内。",
               "en": "A customer calls because a parcel is late. You may reship it; "
                     "cash compensation is beyond your authority."})}
    difficulty: easy
{rubric_line}    persona:
      type: hot_tempered
      label: {t({"zh": "着急的顾客", "en": "Impatient customer"})}
      expectation: 6
      hostility: 5
    start: open
    # What the trainee may offer; anything under `beyond` is an over-promise the customer holds them to.
    authority:
      may_offer:
        - id: reship
          title: {t({"zh": "补发", "en": "reshipping the parcel"})}
          match: {{any: {t.phrases({"zh": ["补发", "重新发"], "en": ["reship", "send another"]})}}}
      beyond:
        - id: cash
          title: {t({"zh": "现金赔偿", "en": "cash compensation"})}
          match: {{any: {t.phrases({"zh": ["现金赔偿", "赔您现金"], "en": ["cash compensation", "pay you cash"]})}}}
    # What the customer says first when a reply upsets them or promises too much.
    reactions:
      - id: upset
        to: [upset]
        say:
          - {{id: upset.a, text: {t({"zh": "你这是什么态度？", "en": "What kind of attitude is that?"})}}}
      - id: promised
        to: [overpromise]
        say:
          - {{id: promised.a, text: {t({"zh": "{overpromise}？这可是你说的。", "en": "{overpromise}? You said it."})}}}
    # With the reply timer on: how long the customer waits, and what silence costs.
    patience:
      seconds: 60
      effect: {{hostility: 1}}
      say:
        - {{id: wait.a, text: {t({"zh": "喂？还在吗？", "en": "Hello? Are you there?"})}}}
    nodes:
      - id: open
        say:
          - id: open.a
            text: {t({"zh": "我的包裹晚了一周！", "en": "My parcel is a week late!"})}
        hint: {t({"zh": "先道歉。", "en": "Apologise first."})}
        model: {t({"zh": "非常抱歉给您添麻烦了，我马上为您补发。",
                   "en": "I'm so sorry for the trouble; I'll reship it today."})}
        responses:
          - id: open.sorry
            match: {sorry}
{credit}            feedback: {t({"zh": "先道歉，很好。", "en": "Good, you apologised first."})}
            effect: {{hostility: -2, perceived: 3}}
            next: settled
        fallback:
          id: open.none
          feedback: {t({"zh": "顾客的不满没有被回应。", "en": "The complaint was not acknowledged."})}
          effect: {{hostility: 2}}
          next: lost
    endings:
      - id: settled
        kind: good
        outcome: resolved
        title: {t({"zh": "顾客平静下来", "en": "Customer calmed down"})}
        say:
          - {{id: settled.named, text: {t({"zh": "好吧，{name}，谢谢你。", "en": "All right, {name}, thank you."})}}}
          - {{id: settled.plain, text: {t({"zh": "好吧，谢谢你。", "en": "All right, thank you."})}}}
      - id: lost
        kind: bad
        outcome: lost
        title: {t({"zh": "顾客流失", "en": "Customer lost"})}
"""


# --- writing --------------------------------------------------------------------

def _write_new(files: Mapping[Path, str]) -> list[Path]:
    """Create every file, or none: each is created exclusively (a file or link planted at its path, even a
    dangling link, is refused, never written through), and a write that fails (disk full) removes the rest."""
    for path in files:
        if path.exists() or path.is_symlink():
            raise ScaffoldError(f"{one_line(str(path))} already exists; choose another name or remove it")
    dirs = _missing_dirs(list(files))
    written: list[Path] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:
                written.append(path)
                handle.write(text)
    except OSError as exc:
        _undo(written, dirs)
        raise ScaffoldError(f"cannot write {one_line(str(path))}: {exc.strerror or exc}; nothing was written") from None
    return written


def _undo(written: Sequence[Path], created_dirs: Sequence[Path]) -> None:
    """Remove the files a scaffold wrote and the folders it made for them."""
    for path in written:
        path.unlink(missing_ok=True)
    for folder in sorted(created_dirs, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _verify(root: Path, written: list[Path], created_dirs: list[Path]) -> None:
    """Load the playbook again; undo the scaffold if it is not valid."""
    from ..playbook import check_playbook

    playbook, problems = check_playbook(root)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if playbook is None or errors:
        _undo(written, created_dirs)
        raise ScaffoldError(f"the scaffold did not validate in {one_line(str(root))}; nothing was written", errors)


def _missing_dirs(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        for parent in path.parents:
            if parent.exists():
                break
            if parent not in out:
                out.append(parent)
    return out


def new_playbook(name: str, directory: Path, *, locales: Sequence[str] = ("zh", "en")) -> Created:
    """A folder `directory/name` holding a small complete playbook, a drill and a test file."""
    check_name(name, "playbook")
    if not locales:
        raise ScaffoldError("give at least one locale")
    twice = sorted({loc for loc in locales if list(locales).count(loc) > 1})
    if twice:
        raise ScaffoldError(f"locale {', '.join(map(repr, twice))} is given twice")
    written_in = _library_locales()
    missing = [loc for loc in locales if loc not in written_in]
    if missing:
        raise ScaffoldError(f"the shipped detectors a new playbook includes ({LIBRARY}) are written in "
                            f"{', '.join(written_in)}, not {', '.join(map(one_line, missing))}: start with "
                            f"--locales {','.join(loc for loc in locales if loc in written_in) or written_in[0]}, "
                            "then write detectors of your own in the other languages")
    root = directory / name
    if root.exists() and any(root.iterdir()):
        raise ScaffoldError(f"{one_line(str(root))} already exists and is not empty")
    files = _with_schemas(root, {root / rel: text for rel, text in _playbook_files(name, locales).items()})
    dirs = _missing_dirs(list(files))
    written = _write_new(files)
    _verify(root, written, dirs)
    return Created(tuple(written), root)


def _library_locales() -> list[str]:
    """The locales of the shipped playbook whose detectors a new playbook includes."""
    from ..playbook.yamlsource import read_yaml_file
    from ..resources import default_playbook_path

    doc, _ = read_yaml_file(default_playbook_path() / "playbook.yaml")
    meta = doc.data.get("playbook") if doc is not None and isinstance(doc.data, dict) else None
    return [str(loc) for loc in meta.get("locales", ())] if isinstance(meta, dict) else ["zh", "en"]


def _target(playbook_root: Path) -> tuple[Path, Playbook]:
    from ..playbook import check_playbook

    if not playbook_root.is_dir():
        raise ScaffoldError(f"{one_line(str(playbook_root))} is not a playbook folder "
                            "(new drills and rules are added as files to one)")
    playbook, problems = check_playbook(playbook_root)
    if playbook is None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        raise ScaffoldError(f"fix the playbook in {one_line(str(playbook_root))} first", errors)
    return playbook_root, playbook


def new_drill(name: str, playbook_root: Path) -> Created:
    """`drills/NAME.yaml` in a playbook folder; brings its own rubric when the playbook has none."""
    check_name(name, "drill")
    root, playbook = _target(playbook_root)
    if name in playbook.drills:
        raise ScaffoldError(f"the playbook already has a drill {name!r}")
    from ..playbook import drill_model as dm

    has_rubric = any(r.scope is dm.Scope.CONVERSATION for r in playbook.rubrics.values())
    if has_rubric:
        text = _drill_text(name, playbook.locales, rubric_id=None, criterion=None,
                           detectors="apology" in playbook.detectors)
    else:
        rubric_id = f"{name}_rubric"
        if rubric_id in playbook.rubrics:
            raise ScaffoldError(f"the playbook already has a rubric {rubric_id!r}")
        text = _drill_text(name, playbook.locales, rubric_id=rubric_id, criterion=f"{name}_apology", with_rubric=True,
                           detectors="apology" in playbook.detectors)
    files = _with_schemas(root, {root / "drills" / f"{name}.yaml": text})
    dirs = _missing_dirs(list(files))
    written = _write_new(files)
    _verify(root, written, dirs)
    return Created(tuple(written), root)


_RULE_CANDIDATES = 200  # (condition, recommendation) pairs tried before settling for the first
_RULE_FIELDS = ("steps", "scripts", "strategies", "escalate_to")  # what a new rule may recommend, in this order


def _rule_conditions(playbook: Playbook) -> list[FactTest]:
    """Conditions over the playbook's own facts, one value of each enum at a time, for a new rule's `when`."""
    out = [FactTest(f.id, Op.EQ, v.id) for f in playbook.facts.values() if f.type is FactType.ENUM for v in f.values]
    out += [FactTest(f.id, Op.EXISTS, True) for f in playbook.facts.values() if f.type is not FactType.ENUM]
    return out or [FactTest("elapsed_minutes", Op.GE, 60)]


def _rule_l2(playbook: Playbook) -> set[tuple[str, str]]:
    from .lint_rules import rules as rule_checks
    from .lint_rules.base import LintContext

    return {(p.code, p.message) for p in rule_checks.check(LintContext(playbook))}


class _RuleChoice(msgspec.Struct, frozen=True):
    when: FactTest
    field: str | None  # an Action list field; None: a deadline only (the playbook has nothing to recommend)
    value: str = ""
    clean: bool = True  # lint finds nothing new with it


def _rule_choice(playbook: Playbook, name: str) -> _RuleChoice:
    """A `when` and one thing to recommend for a new rule that `cxcoach lint` has nothing to say about.

    The first step and first enum value of a playbook are usually what its catch-all rule already
    recommends, so a rule built from them is shadowed (L202) the moment it is written. Steps come
    first, those no rule recommends yet before the rest; each pair is checked with the lint rule
    checks themselves and kept only when it adds no L2xx finding (on the new rule, or on existing
    ones it would rank above).
    """
    conditions = _rule_conditions(playbook)
    pools = {"steps": playbook.steps, "scripts": playbook.scripts, "strategies": playbook.strategies,
             "escalate_to": playbook.roles}
    used = {(f, v) for r in playbook.rules for f in _RULE_FIELDS for v in getattr(r.then, f)}
    # Steps before scripts, strategies and roles; within each, the ones no rule recommends yet first.
    items = sorted(((f, v) for f in _RULE_FIELDS for v in pools[f]),
                   key=lambda item: (_RULE_FIELDS.index(item[0]), item in used))
    pairs = [(c, f, v) for f, v in items for c in conditions][:_RULE_CANDIDATES]
    if not pairs:
        return _RuleChoice(conditions[0], None)
    before = _rule_l2(playbook)
    # Where the new file's rule lands among equal priorities depends on file order: try first and last.
    placed = [r.order for r in playbook.rules]
    orders = (min(placed, default=0) - 1, max(placed, default=0) + 1)
    for when, field, value in pairs:
        action = msgspec.structs.replace(Action(), **{field: (value,)})
        if all(_rule_l2(msgspec.structs.replace(playbook, rules=(*playbook.rules, Rule(
                name, when, action, NOWHERE, order=order)))) <= before for order in orders):
            return _RuleChoice(when, field, value)
    when, field, value = pairs[0]
    return _RuleChoice(when, field, value, clean=False)


def _yaml_test(test: FactTest) -> str:
    value = "true" if test.op is Op.EXISTS else json.dumps(test.value, ensure_ascii=False)
    return f"{{fact: {test.fact}, op: {test.op.value}, value: {value}}}"


def new_rule(name: str, playbook_root: Path) -> Created:
    """`rules/NAME.yaml` with one rule over the playbook's own facts and steps, to edit."""
    check_name(name, "rule")
    root, playbook = _target(playbook_root)
    if any(r.id == name for r in playbook.rules):
        raise ScaffoldError(f"the playbook already has a rule {name!r}")
    t = _Texts(playbook.locales)
    choice = _rule_choice(playbook, name)
    then = f"{choice.field}: [{choice.value}]" if choice.field else "deadlines: {respond: 1h}"
    why = ("# A starting point, picked so that `cxcoach lint` has nothing to flag: no other rule already\n"
           "# recommends this whenever this rule fires." if choice.clean else
           "# Every pairing of a fact value with a step, script, strategy or role is already covered by\n"
           "# other rules, so `cxcoach lint` flags this one (L202) until you make it say something new.")
    text = f"""{why} Change `when` to the cases the rule is for (any fact
# in the playbook; combine tests with all/any/not) and `then` to what they need (steps, scripts,
# strategies, avoid, escalate_to, deadlines), then run `cxcoach lint` and `cxcoach test`.
rules:
  - id: {name}
    title: {t({"zh": "新规则", "en": "New rule"})}
    priority: 50          # higher ranks first; equal priorities keep the order rules are written in
    when: {_yaml_test(choice.when)}
    then:
      {then}
    because: {t({"zh": "说明为什么推荐这一步。", "en": "Say why this is recommended."})}
"""
    files = _with_schemas(root, {root / "rules" / f"{name}.yaml": text})
    dirs = _missing_dirs(list(files))
    written = _write_new(files)
    _verify(root, written, dirs)
    return Created(tuple(written), root)


# --- tests --------------------------------------------------------------------------

_RECEIVED = "2026-03-02T10:00:00+08:00"  # a Monday morning, inside most working hours
_NOW_OFFSETS_MIN = (10, 1, 120, 300, 1440, 5760, 43200)


def _witness_case(playbook: Playbook, rule: Rule) -> dict[str, Any] | None:
    """A case that fires `rule`, found by reasoning over its condition and confirmed with the engine."""
    import datetime as dt

    from ..engine import CaseError, recommend
    from .factspace import MISSING, FactSpace, TooComplex, sample_value

    space = FactSpace(playbook)
    try:
        boxes = space.dnf(rule.when, "T")
    except TooComplex:
        return None
    received = dt.datetime.fromisoformat(_RECEIVED)
    for box in boxes[:30]:
        facts: dict[str, object] = {}
        elapsed = None
        for key, dom in box.items():
            value = sample_value(dom)
            if key == "elapsed_minutes":
                elapsed = value
            elif not key.startswith("overdue:") and value is not MISSING:
                facts[key] = int(value) if isinstance(value, float) and value.is_integer() else value
        offsets = ([float(elapsed) + 1] if isinstance(elapsed, (int, float)) else []) + list(_NOW_OFFSETS_MIN)
        for minutes in offsets:
            case = {"received_at": _RECEIVED, "now": (received + dt.timedelta(minutes=minutes)).isoformat(),
                    "facts": facts}
            try:
                result = recommend(playbook, case)
            except CaseError:
                break
            if rule.id in {r.rule for r in result.fired}:
                return case
    return None


def tests_text(playbook: Playbook) -> tuple[str, list[str]]:
    """A test file: one witness case per rule, and model answers per drill and locale; plus rules with no case."""
    lines = ["# One case per rule, with facts chosen by reasoning over the rule's `when` and checked",
             "# to fire it, and every drill's model answers in every locale. Generated by",
             "# `cxcoach new tests`; regenerate after changing conditions, and keep hand-written",
             "# scenarios with real expectations in another *.test.yaml file.", "tests:"]
    missing = []
    for rule in playbook.rules:
        case = _witness_case(playbook, rule)
        if case is None:
            missing.append(rule.id)
            continue
        title = rule.title.get(playbook.default_locale) if rule.title else rule.id
        lines += [f"  - name: {_q(f'{rule.id} fires: {title}')}", "    case:",
                  f"      received_at: {case['received_at']}", f"      now: {case['now']}",
                  "      facts: {" + ", ".join(f"{k}: {_q(v) if isinstance(v, str) else json.dumps(v)}"
                                        for k, v in case["facts"].items()) + "}",
                  "    expect:", f"      fired: [{rule.id}]"]
        for field_name in ("steps", "strategies", "escalate_to"):
            values = getattr(rule.then, field_name)
            if values:
                lines.append(f"      {field_name}: [{', '.join(values)}]")
    for drill in playbook.drills.values():
        if not all(node.model is not None for node in drill.nodes.values()):
            continue
        for locale in drill.locales or playbook.locales:
            lines += [f"  - name: {_q(f'{drill.id}: model answers ({locale}) reach a good ending and pass')}",
                      f"    drill: {drill.id}", "    model_answers: true", f"    locale: {locale}",
                      "    expect: {ending_kind: good, passed: true}"]
    return "\n".join(lines) + "\n", missing


def new_tests(name: str, playbook_root: Path, *, force: bool = False) -> tuple[Created, list[str]]:
    """`NAME.test.yaml` in a playbook folder (`force`: regenerate over an existing one); returns the file
    and the rules no case could be found for."""
    check_name(name, "test file")
    root, playbook = _target(playbook_root)
    text, missing = tests_text(playbook)
    path = root / f"{name}.test.yaml"
    if force:
        path.unlink(missing_ok=True)
    written = _write_new(_with_schemas(root, {path: text}))
    return Created(tuple(written), root), missing
