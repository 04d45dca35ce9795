"""Build the drill sections (detectors, rubrics, drills) from schema-valid raw data.

Called by `build.py` with the shared `Builder`. The schema has vouched for
shapes; here we check meaning: ids are unique, every `next` names a node or
ending of the same drill, criteria and detectors exist, regexes are bounded,
detectors do not refer to themselves. Reachability and "model answers reach a
good ending" are lint and test checks, not load errors.
"""

from __future__ import annotations

from typing import Any as AnyValue

import msgspec

from ..problems import did_you_mean
from . import drill_model as dm
from .base import Text
from .builder import At, Builder
from .drill_regex import RegexRejected, bound_regex
from .line_slots import SLOTS, SlotSyntaxError, slots_in

Items = list[tuple[AnyValue, At]]
_MATCHER_KEYS = ("any", "all", "k_of_n", "near", "regex", "detector", "question", "after_contrast")
_NUM_SUBJECTS = ("hostility", "perceived", "visits", "turn")
EVENTS = ("overpromise", "silence", "upset")  # what a reaction may answer besides acts (see drill/memory.py)
RemedyRefs = list[tuple[str, At]]


def build_drill_sections(b: Builder, detectors: Items, rubrics: Items,
                         drills: Items) -> tuple[dict[str, dm.Detector], dict[str, dm.Rubric], dict[str, dm.Drill]]:
    """Detectors first (rubrics and drills refer to them), then rubrics, then drills."""
    built_detectors: dict[str, dm.Detector] = {}
    for raw, at in detectors:
        det = _detector(b, raw, at)
        if b.register("detector", det.id, at / "id"):
            built_detectors[det.id] = det
    _check_detector_cycles(b, built_detectors, detectors)

    built_rubrics: dict[str, dm.Rubric] = {}
    defaults: dict[dm.Scope, str] = {}
    for raw, at in rubrics:
        rubric = _rubric(b, raw, at)
        if not b.register("rubric", rubric.id, at / "id"):
            continue
        built_rubrics[rubric.id] = rubric
        if rubric.default:
            if rubric.scope in defaults:
                b.error(at / "default", "E505",
                        f"{rubric.scope.value} rubric {defaults[rubric.scope]!r} is already the default",
                        "keep `default: true` on one rubric per scope")
            else:
                defaults[rubric.scope] = rubric.id

    built_drills: dict[str, dm.Drill] = {}
    for raw, at in drills:
        drill = _drill(b, raw, at, built_rubrics)
        if drill is not None and b.register("drill", drill.id, at / "id"):
            built_drills[drill.id] = drill
    return built_detectors, built_rubrics, built_drills


def default_rubric(rubrics: dict[str, dm.Rubric], scope: dm.Scope) -> dm.Rubric | None:
    """The rubric marked `default: true` for a scope, else the first of that scope."""
    same = [r for r in rubrics.values() if r.scope is scope]
    return next((r for r in same if r.default), same[0] if same else None)


# --- matchers ---------------------------------------------------------------

def _guard(raw: AnyValue, inherited: int | None) -> int | None:
    if raw is None:
        return inherited
    if raw is True:
        return dm.DEFAULT_GUARD_WINDOW
    if raw is False:
        return None
    return int(raw["window"])


def matcher(b: Builder, raw: AnyValue, at: At, guard: int | None = dm.DEFAULT_GUARD_WINDOW) -> dm.Matcher:
    """Build a matcher item (phrase string or matcher mapping)."""
    if isinstance(raw, str):
        return dm.Phrase(raw, guard)
    guard = _guard(raw.get("guard"), guard)
    built: dm.Matcher
    if "any" in raw:
        items = raw["any"]
        if isinstance(items, dict):
            for loc in items.keys() - set(b.locales):
                b.warning(at / "any" / loc, "W509", f"locale {loc!r} is not declared in playbook.locales", key=True)
            built = dm.AnyOf(tuple(dm.Phrase(p, guard) for phrases in items.values() for p in phrases))
        else:
            built = dm.AnyOf(_items(b, items, at / "any", guard))
    elif "all" in raw:
        built = dm.AllOf(_items(b, raw["all"], at / "all", guard))
    elif "k_of_n" in raw:
        spec = raw["k_of_n"]
        items = _items(b, spec["of"], at / "k_of_n" / "of", guard)
        if spec["k"] > len(items):
            b.error(at / "k_of_n" / "k", "E508", f"k = {spec['k']} but only {len(items)} items are listed",
                    f"use k between 1 and {len(items)}")
        built = dm.KOfN(int(spec["k"]), items)
    elif "near" in raw:
        built = dm.Near(_items(b, raw["near"], at / "near", guard), int(raw.get("within", 10)),
                        bool(raw.get("ordered", False)))
    elif "regex" in raw:
        try:
            bounded = bound_regex(raw["regex"])
            built = dm.Regex(bounded.source, bounded.pattern, guard)
        except RegexRejected as exc:
            b.error(at / "regex", exc.code, exc.message, exc.hint)
            built = dm.AnyOf(())
    elif "detector" in raw:
        b.ref("detector", raw["detector"], at / "detector")
        built = dm.DetectorRef(raw["detector"])
    elif "question" in raw or "after_contrast" in raw:
        part = "question" if "question" in raw else "after_contrast"
        built = dm.InPart(matcher(b, raw[part], at / part, guard), part)
    else:  # the schema prevents this; keep the builder total anyway
        b.error(at, "E500", "matcher needs one of: " + ", ".join(_MATCHER_KEYS))
        built = dm.AnyOf(())
    if raw.get("unless") is not None:
        built = dm.Unless(built, matcher(b, raw["unless"], at / "unless", guard))
    for key in ("within", "ordered"):
        if key in raw and "near" not in raw:
            b.warning(at / key, "W508", f"`{key}` only applies to `near:`", "remove it", key=True)
    return built


def _items(b: Builder, raw: list[AnyValue], at: At, guard: int | None) -> tuple[dm.Matcher, ...]:
    return tuple(matcher(b, item, at / i, guard) for i, item in enumerate(raw))


def detector_refs(m: dm.Matcher) -> set[str]:
    """Detector ids a matcher refers to, directly or nested."""
    if isinstance(m, dm.DetectorRef):
        return {m.id}
    if isinstance(m, (dm.AnyOf, dm.AllOf, dm.KOfN, dm.Near)):
        return set().union(*(detector_refs(i) for i in m.items)) if m.items else set()
    if isinstance(m, dm.Unless):
        return detector_refs(m.item) | detector_refs(m.exclude)
    if isinstance(m, dm.InPart):
        return detector_refs(m.item)
    return set()


def _check_detector_cycles(b: Builder, detectors: dict[str, dm.Detector], raw_items: Items) -> None:
    where = {raw.get("id"): at for raw, at in raw_items}
    state: dict[str, int] = {}  # 1 visiting, 2 done
    for ident in detectors:
        if ident not in state:
            _visit(b, detectors, where, state, ident, [])


def _visit(b: Builder, detectors: dict[str, dm.Detector], where: dict[str, At], state: dict[str, int],
           ident: str, path: list[str]) -> None:
    """Depth-first from `ident`, reporting each detector reference that closes a loop."""
    state[ident] = 1
    for ref in sorted(detector_refs(detectors[ident].match)):
        if ref not in detectors:
            continue
        if state.get(ref) == 1:
            cycle = [*path[path.index(ref):], ident, ref] if ref in path else [ident, ref]
            b.error(where[ident] / "match", "E507", "detector refers to itself: " + " -> ".join(cycle),
                    "break the loop; a detector may only use other detectors")
        elif ref not in state:
            _visit(b, detectors, where, state, ref, [*path, ident])
    state[ident] = 2


# --- small parts ------------------------------------------------------------

def _effect(raw: AnyValue) -> dm.Effect | None:
    if not raw:
        return None
    return dm.Effect(int(raw.get("hostility", 0)), float(raw.get("perceived", 0)),
                     tuple(raw.get("set", [])), tuple(raw.get("clear", [])))


def _state_test(b: Builder, raw: AnyValue, at: At, remedies: RemedyRefs | None = None) -> dm.StateTest | None:
    """A `when`; remedy ids it names are added to `remedies`, to be checked once the drill's are known."""
    if raw is None:
        return None
    numbers = tuple(dm.NumTest(subject, dm.NumOp(op), float(value))
                    for subject in _NUM_SUBJECTS if subject in raw for op, value in raw[subject].items())
    case = b.condition(raw["case"], at / "case") if raw.get("case") is not None else None
    for key in ("acts", "not_acts"):
        for i, ident in enumerate(raw.get(key, [])):
            b.ref("detector", ident, at / key / i)
    for key in ("offered", "not_offered", "refused"):
        for i, ident in enumerate(raw.get(key, [])):
            if remedies is not None:
                remedies.append((ident, at / key / i))
    reply = matcher(b, raw["reply"], at / "reply") if raw.get("reply") is not None else None
    overpromise = raw.get("overpromise")
    return dm.StateTest(numbers, tuple(raw.get("flags", [])), tuple(raw.get("not_flags", [])), case,
                        tuple(raw.get("acts", [])), tuple(raw.get("not_acts", [])), reply,
                        None if overpromise is None else bool(overpromise), tuple(raw.get("offered", [])),
                        tuple(raw.get("not_offered", [])), tuple(raw.get("refused", [])))


def _line(b: Builder, raw: dict[str, AnyValue], at: At, remedies: RemedyRefs, *, quotable: bool) -> dm.CustomerLine:
    """A customer line; its slots must be known, and `{quote}` needs something said to quote."""
    text = b.text(raw["text"], at / "text")
    when = _state_test(b, raw.get("when"), at / "when", remedies)
    quotable = quotable or (when is not None and (bool(when.acts) or when.reply is not None or bool(when.overpromise)))
    where = at / "text"
    for loc, value in text.values.items():
        spot = where if text.is_plain else where / loc
        try:
            names = slots_in(value)
        except SlotSyntaxError as exc:
            b.error(spot, "E512", f"{exc} in a customer line", "write {{ and }} for literal braces")
            continue
        for name in names:
            if name not in SLOTS:
                b.error(spot, "E512", f"unknown slot {{{name}}} in a customer line",
                        did_you_mean(name, list(SLOTS)) or f"slots: {', '.join('{' + s + '}' for s in SLOTS)}")
            elif name == "quote" and not quotable:
                b.error(spot, "E513", "{quote} needs something the trainee said to quote",
                        "give the line a `when` with `acts`, `reply` or `overpromise: true`, or drop {quote}")
    return dm.CustomerLine(raw["id"], text, when, at.pos)


def _texts(raw: AnyValue) -> tuple[str, ...]:
    return tuple(str(x) for x in raw or [])


# --- detectors --------------------------------------------------------------

def _detector(b: Builder, raw: dict[str, AnyValue], at: At) -> dm.Detector:
    return dm.Detector(
        id=raw["id"], title=b.text(raw["title"], at / "title"), polarity=dm.Polarity(raw["polarity"]),
        match=matcher(b, raw["match"], at / "match"), pos=at.pos,
        description=b.opt_text(raw.get("description"), at / "description"), effect=_effect(raw.get("effect")),
        examples=_texts(raw.get("examples")), counter_examples=_texts(raw.get("counter_examples")),
        source=b.source(raw.get("source"), at / "source"), learn=_learn(raw.get("learn", True)),
        states_a_limit=bool(raw.get("states_a_limit", False)),
    )


def _learn(raw: AnyValue) -> bool | float:
    return float(raw["threshold"]) if isinstance(raw, dict) else bool(raw)


# --- rubrics ----------------------------------------------------------------

def _criterion(b: Builder, raw: dict[str, AnyValue], at: At) -> dm.Criterion:
    if "weight" in raw:
        kind, value = dm.CriterionKind.WEIGHT, float(raw["weight"])
    elif "penalty" in raw:
        kind, value = dm.CriterionKind.PENALTY, float(raw["penalty"])
    else:
        kind, value = dm.CriterionKind.AUTO_FAIL, 0.0
    parts: list[dm.Matcher] = []
    if raw.get("detector"):
        b.ref("detector", raw["detector"], at / "detector")
        parts.append(dm.DetectorRef(raw["detector"]))
    if raw.get("match") is not None:
        parts.append(matcher(b, raw["match"], at / "match"))
    evidence = parts[0] if len(parts) == 1 else dm.AnyOf(tuple(parts))
    if raw.get("absent") and kind is not dm.CriterionKind.WEIGHT:
        b.error(at / "absent", "E511", "`absent: true` only makes sense with `weight`",
                "use `weight` (earned when absent) or drop `absent`", key=True)
    for field_name, kind_name in (("step", "step"), ("dimension", "dimension"), ("model_line", "line")):
        if raw.get(field_name):
            b.ref(kind_name, raw[field_name], at / field_name)
    feedback = raw.get("feedback") or {}
    return dm.Criterion(
        id=raw["id"], title=b.text(raw["title"], at / "title"), kind=kind, value=value, evidence=evidence, pos=at.pos,
        detector=raw.get("detector"), step=raw.get("step"), dimension=raw.get("dimension"),
        model_line=raw.get("model_line"), model=b.opt_text(raw.get("model"), at / "model"),
        feedback_met=b.opt_text(feedback.get("met"), at / "feedback" / "met"),
        feedback_missed=b.opt_text(feedback.get("missed"), at / "feedback" / "missed"),
        na_when=b.condition(raw["na_when"], at / "na_when") if raw.get("na_when") is not None else None,
        source=b.source(raw.get("source"), at / "source"), absent=bool(raw.get("absent", False)),
    )


def _rubric(b: Builder, raw: dict[str, AnyValue], at: At) -> dm.Rubric:
    criteria = []
    seen: set[str] = set()
    for i, item in enumerate(raw["criteria"]):
        cat = at / "criteria" / i
        if item["id"] in seen:
            b.error(cat / "id", "E506", f"duplicate criterion id {item['id']!r} in rubric {raw['id']!r}")
            continue
        seen.add(item["id"])
        b.ids["criterion"].setdefault(item["id"], cat / "id")  # known for "did you mean", unique per rubric only
        criteria.append(_criterion(b, item, cat))
    if not any(c.kind is dm.CriterionKind.WEIGHT for c in criteria):
        b.error(at / "criteria", "E506", f"rubric {raw['id']!r} has no weighted criterion, so nothing can be earned",
                "give at least one criterion a `weight`")
    order = []
    for i, item in enumerate(raw.get("order", [])):
        oat = at / "order" / i
        if item["id"] in seen:
            b.error(oat / "id", "E506", f"duplicate id {item['id']!r} in rubric {raw['id']!r}")
        seen.add(item["id"])
        for side in ("first", "then"):
            for j, ident in enumerate(item[side]):
                b.ref("detector", ident, oat / side / j)
        order.append(dm.OrderRule(item["id"], tuple(item["first"]), tuple(item["then"]), float(item["penalty"]),
                                  oat.pos, b.opt_text(item.get("title"), oat / "title"),
                                  b.opt_text(item.get("feedback"), oat / "feedback"),
                                  b.source(item.get("source"), oat / "source")))
    return dm.Rubric(
        id=raw["id"], title=b.text(raw["title"], at / "title"), scope=dm.Scope(raw["scope"]), criteria=tuple(criteria),
        pos=at.pos, pass_mark=float(raw.get("pass_mark", 60)), default=bool(raw.get("default", False)),
        order=tuple(order), description=b.opt_text(raw.get("description"), at / "description"),
        source=b.source(raw.get("source"), at / "source"),
    )


# --- drills -----------------------------------------------------------------

def _persona(b: Builder, raw: dict[str, AnyValue], at: At) -> dm.Persona:
    if raw.get("strategy"):
        b.ref("strategy", raw["strategy"], at / "strategy")
    return dm.Persona(
        type=raw["type"], label=b.text(raw["label"], at / "label"), expectation=float(raw["expectation"]),
        hostility=int(raw["hostility"]), perceived=float(raw.get("perceived", 3)), temper=float(raw.get("temper", 1)),
        strategy=raw.get("strategy"), motive=b.opt_text(raw.get("motive"), at / "motive"),
    )


def _drill(b: Builder, raw: dict[str, AnyValue], at: At, rubrics: dict[str, dm.Rubric]) -> dm.Drill | None:
    drill_id = raw["id"]
    local: dict[str, At] = {}  # node, ending ids (one namespace per drill)
    feedback_ids: dict[str, At] = {}
    line_ids: dict[str, At] = {}

    def unique(table: dict[str, At], ident: str, where: At, what: str) -> None:
        if ident in table:
            b.error(where, "E501", f"duplicate {what} id {ident!r} in drill {drill_id!r} (first at {table[ident].pos})",
                    f"give each {what} its own id")
        else:
            table[ident] = where

    nodes: dict[str, dm.Node] = {}
    nexts: list[tuple[str, At]] = []
    criteria_refs: list[tuple[str, At]] = []
    remedy_refs: RemedyRefs = []

    def lines(raw_lines: list[AnyValue], where: At, *, quotable: bool = False) -> tuple[dm.CustomerLine, ...]:
        out = []
        for j, line in enumerate(raw_lines):
            unique(line_ids, line["id"], where / j / "id", "customer line")
            out.append(_line(b, line, where / j, remedy_refs, quotable=quotable))
        return tuple(out)

    authority = _authority(b, raw.get("authority"), at / "authority", remedy_refs, nexts)
    for i, node_raw in enumerate(raw["nodes"]):
        nat = at / "nodes" / i
        unique(local, node_raw["id"], nat / "id", "node/ending")
        say = lines(node_raw["say"], nat / "say")
        responses = []
        for j, resp in enumerate(node_raw.get("responses", [])):
            rat = nat / "responses" / j
            unique(feedback_ids, resp["id"], rat / "id", "response/fallback")
            if resp.get("next"):
                nexts.append((resp["next"], rat / "next"))
            if resp.get("criterion"):
                criteria_refs.append((resp["criterion"], rat / "criterion"))
            responses.append(dm.Response(
                id=resp["id"], match=matcher(b, resp["match"], rat / "match"),
                feedback=b.text(resp["feedback"], rat / "feedback"), pos=rat.pos,
                when=_state_test(b, resp.get("when"), rat / "when", remedy_refs), points=int(resp.get("points", 0)),
                criterion=resp.get("criterion"), effect=_effect(resp.get("effect")), next=resp.get("next"),
            ))
        fb, fat = node_raw["fallback"], nat / "fallback"
        unique(feedback_ids, fb["id"], fat / "id", "response/fallback")
        nexts.append((fb["next"], fat / "next"))
        fallback = dm.Fallback(fb["id"], fb["next"], b.opt_text(fb.get("feedback"), fat / "feedback"),
                               _effect(fb.get("effect")), int(fb.get("points", 0)))
        nodes[node_raw["id"]] = dm.Node(node_raw["id"], say, tuple(responses), fallback, nat.pos,
                                        b.opt_text(node_raw.get("hint"), nat / "hint"),
                                        b.opt_text(node_raw.get("model"), nat / "model"))
    endings: dict[str, dm.Ending] = {}
    for i, end_raw in enumerate(raw["endings"]):
        eat = at / "endings" / i
        unique(local, end_raw["id"], eat / "id", "node/ending")
        said = end_raw.get("say")
        closing_text: Text | None
        if isinstance(said, list):
            closing = lines(said, eat / "say")
            closing_text = closing[0].text
        else:
            closing_text = b.opt_text(said, eat / "say")
            closing = (() if closing_text is None else
                       (dm.CustomerLine(f"{end_raw['id']}.say", closing_text, None, (eat / "say").pos),))
        endings[end_raw["id"]] = dm.Ending(end_raw["id"], dm.EndingKind(end_raw["kind"]),
                                           b.text(end_raw["title"], eat / "title"), eat.pos, end_raw.get("outcome"),
                                           closing_text, closing)
    reactions = []
    for i, reaction in enumerate(raw.get("reactions", [])):
        rat = at / "reactions" / i
        unique(feedback_ids, reaction["id"], rat / "id", "reaction")
        for j, ident in enumerate(reaction["to"]):
            if ident not in EVENTS:
                b.ref("detector", ident, rat / "to" / j)
        quotable = any(ident != "silence" for ident in reaction["to"])
        reactions.append(dm.Reaction(reaction["id"], tuple(reaction["to"]),
                                     lines(reaction["say"], rat / "say", quotable=quotable), rat.pos))
    patience = None
    if raw.get("patience") is not None:
        pat = raw["patience"]
        patience = dm.Patience(int(pat["seconds"]), _effect(pat.get("effect")),
                               lines(pat.get("say", []), at / "patience" / "say"))
    known_remedies = [r.id for r in authority.remedies] if authority else []
    for ident, where in remedy_refs:
        if ident not in known_remedies:
            b.error(where, "E514", f"{ident!r} is not a remedy of drill {drill_id!r}",
                    did_you_mean(ident, known_remedies) or
                    ("declare it under `authority: may_offer` or `beyond`" if not known_remedies
                     else f"remedies: {', '.join(known_remedies)}"))

    targets = [*nodes, *endings]
    nexts.append((raw["start"], at / "start"))
    for target, where in nexts:
        if target not in local:
            b.error(where, "E502", f"{target!r} is not a node or ending of drill {drill_id!r}",
                    did_you_mean(target, targets) or f"known: {', '.join(targets)}")
    if raw["start"] in endings:
        b.error(at / "start", "E502", "the drill starts at an ending", "start at a node")

    on_timeout = _ending_choice(b, raw, at, "on_timeout", endings, outcome=None)
    on_walkout = _ending_choice(b, raw, at, "on_walkout", endings, outcome="lost")

    rubric_id = raw.get("rubric")
    rubric: dm.Rubric | None = None
    if rubric_id:
        rubric = rubrics.get(rubric_id)
        if rubric is None:
            b.ref("rubric", rubric_id, at / "rubric")
        elif rubric.scope is not dm.Scope.CONVERSATION:
            b.error(at / "rubric", "E504", f"rubric {rubric_id!r} scores single replies, not conversations",
                    "name a rubric with `scope: conversation`")
    else:
        rubric = default_rubric(rubrics, dm.Scope.CONVERSATION)
        if rubric is None:
            b.error(at, "E504", f"drill {drill_id!r} has no conversation rubric to be scored with",
                    "declare a rubric with `scope: conversation` (e.g. in rubrics.yaml) or set `rubric:`")
        rubric_id = rubric.id if rubric else None
    if rubric is not None:
        known = [c.id for c in rubric.criteria]
        for i, ident in enumerate(raw.get("na", [])):
            criteria_refs.append((ident, at / "na" / i))
        for ident, where in criteria_refs:
            if ident not in known:
                    b.error(where, "E503", f"rubric {rubric.id!r} has no criterion {ident!r}",
                        did_you_mean(ident, known) or f"known: {', '.join(known)}")
        authority = _charged_criterion(b, authority, rubric, at / "authority")
    _check_case(b, raw.get("case") or {}, at / "case")
    locales = tuple(raw.get("locales", b.locales))
    for i, loc in enumerate(locales):
        if loc not in b.locales:
            b.error(at / "locales" / i, "E509", f"locale {loc!r} is not a playbook locale",
                    f"use one of: {', '.join(b.locales)}")
    return dm.Drill(
        id=drill_id, title=b.text(raw["title"], at / "title"), difficulty=dm.Difficulty(raw["difficulty"]),
        persona=_persona(b, raw["persona"], at / "persona"), start=raw["start"], nodes=nodes, endings=endings,
        rubric=rubric_id, on_timeout=on_timeout, on_walkout=on_walkout, pos=at.pos,
        brief=b.opt_text(raw.get("brief"), at / "brief"), locales=locales, case=dict(raw.get("case") or {}),
        na=tuple(raw.get("na", [])), pass_mark=float(raw["pass_mark"]) if "pass_mark" in raw else None,
        hint_cost=int(raw.get("hint_cost", 5)), max_turns=int(raw.get("max_turns", 12)),
        source=b.source(raw.get("source"), at / "source"), authority=authority, reactions=tuple(reactions),
        patience=patience,
    )


DEFAULT_OVERPROMISE_CRITERION = "cv_overpromise"


def _authority(b: Builder, raw: dict[str, AnyValue] | None, at: At, remedy_refs: RemedyRefs,
               nexts: list[tuple[str, At]]) -> dm.Authority | None:
    if raw is None:
        return None
    remedies: list[dm.Remedy] = []
    seen: dict[str, At] = {}
    for key, allowed in (("may_offer", True), ("beyond", False)):
        for i, item in enumerate(raw.get(key, [])):
            rat = at / key / i
            if item["id"] in seen:
                b.error(rat / "id", "E501", f"duplicate remedy id {item['id']!r} (first at {seen[item['id']].pos})",
                        "give each remedy its own id")
                continue
            seen[item["id"]] = rat / "id"
            if not allowed and (item.get("when") is not None or item.get("max_amount") is not None):
                b.warning(rat, "W515", "`when` and `max_amount` limit what is allowed; a `beyond` remedy never is",
                          "move it under `may_offer`, or drop the limit")
            remedies.append(dm.Remedy(
                id=item["id"], title=b.text(item["title"], rat / "title"),
                match=matcher(b, item["match"], rat / "match"),
                allowed=allowed, when=_state_test(b, item.get("when"), rat / "when", remedy_refs),
                max_amount=float(item["max_amount"]) if item.get("max_amount") is not None else None,
                limit=b.opt_text(item.get("limit"), rat / "limit"), pos=rat.pos))
    if raw.get("avoid"):
        b.ref("avoid", raw["avoid"], at / "avoid")
    if raw.get("next"):
        nexts.append((raw["next"], at / "next"))
    return dm.Authority(tuple(remedies), raw.get("criterion"), raw.get("avoid"), _effect(raw.get("effect")),
                        raw.get("next"))


def _charged_criterion(b: Builder, authority: dm.Authority | None, rubric: dm.Rubric,
                       at: At) -> dm.Authority | None:
    """The criterion an over-promise is charged to: the named one (a penalty or auto-fail), else the default."""
    if authority is None:
        return None
    if authority.criterion is None:
        found = rubric.criterion(DEFAULT_OVERPROMISE_CRITERION)
        return msgspec.structs.replace(authority, criterion=found.id) if found is not None else authority
    found = rubric.criterion(authority.criterion)
    if found is None:
        b.error(at / "criterion", "E503", f"rubric {rubric.id!r} has no criterion {authority.criterion!r}",
                did_you_mean(authority.criterion, [c.id for c in rubric.criteria]) or "name a penalty criterion")
    elif found.kind is dm.CriterionKind.WEIGHT:
        b.error(at / "criterion", "E503", f"criterion {found.id!r} is weighted, so an over-promise would earn points",
                "name a `penalty` or `auto_fail` criterion")
    return authority


def _check_case(b: Builder, case: dict[str, AnyValue], at: At) -> None:
    """Case facts must be declared and, for enums, use a declared value (E510)."""
    for key, value in case.items():
        fact = b.facts.get(key)
        if fact is None:
            b.error(at / key, "E510", f"unknown fact {key!r} in the drill's case",
                    did_you_mean(key, list(b.facts)) or "declare it under `facts:`", key=True)
        elif fact.value_ids and value not in fact.value_ids:
            b.error(at / key, "E510", f"{value!r} is not a value of fact {key!r}",
                    did_you_mean(str(value), fact.value_ids) or f"allowed: {', '.join(fact.value_ids)}")


def _ending_choice(b: Builder, raw: dict[str, AnyValue], at: At, key: str, endings: dict[str, dm.Ending],
                   outcome: str | None) -> str:
    """The named ending, else a sensible default: an ending with the outcome, a bad one, the last one."""
    if raw.get(key):
        if raw[key] not in endings:
            b.error(at / key, "E502", f"{raw[key]!r} is not an ending of drill {raw['id']!r}",
                    did_you_mean(raw[key], list(endings)) or f"endings: {', '.join(endings)}")
        named: str = raw[key]
        return named
    pool = list(endings.values())
    for candidate in ([e for e in pool if outcome and e.outcome == outcome],
                      [e for e in pool if e.kind is dm.EndingKind.BAD], pool):
        if candidate:
            return candidate[0].id
    return ""
