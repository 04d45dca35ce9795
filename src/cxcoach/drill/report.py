"""Reports a trainee can act on: every point won or lost cites the turn and the quote.

For each missed criterion the report offers a model line from the playbook
(the criterion's `model_line`, else its `model`, else the first script line of
its handling step), because "you missed X" helps less than "say something like Y".
"""

from __future__ import annotations

from collections.abc import Mapping

from ..locale_words import punctuation
from ..playbook import drill_model as dm
from ..playbook.line_slots import fill_suggested, wants
from ..playbook.model import Playbook
from .detectors import Behaviour
from .form import SAYS, verdict_text
from .scoring import CriterionResult, Evidence, ReplyScore, Score, Status
from .session import DrillReport

_L = {
    "zh": {"score": "得分", "passed": "通过", "failed": "未通过", "pass_mark": "及格线", "won": "得分项",
           "lost": "失分项", "missed": "遗漏", "model": "参考说法", "turn": "第{n}轮", "auto_fail": "一票否决",
           "order": "顺序", "ending": "结局", "satisfaction": "顾客满意度", "dimensions": "服务质量维度",
           "behaviours": "识别到的行为", "feedback": "反馈", "customer": "顾客", "you": "你", "na": "不适用",
           "seed": "随机种子", "step": "步骤", "hostility": "敌意", "none": "无", "arithmetic": "计算",
           "total": "合计", "criteria": "评分项", "penalties": "扣分", "hints": "提示", "bonus": "回应加分",
           "discounted": "减半：被后面的“但是”收回", "withheld": "未计分的说法", "refused": "在拒绝或否定里",
           "scale": "满意度 c = 感知 b / 期望 a", "confidence": "置信度", "learnt": "从示例学得",
           "overpromise": "越权承诺", "not_remedy": "不算补救，不计分", "good": "好", "bad": "不当", "neutral": "中性",
           "unfinished": "对话还没结束", "bad_ending": "结局不好：{ending}",
           "easy": "简单", "medium": "中等", "hard": "困难",
           "ending.good": "好结局", "ending.neutral": "一般结局", "ending.bad": "坏结局"},
    "en": {"score": "Score", "passed": "passed", "failed": "failed", "pass_mark": "pass mark", "won": "Points won",
           "lost": "Points lost", "missed": "Missed", "model": "Model line", "turn": "turn {n}",
           "auto_fail": "AUTO-FAIL", "order": "Order", "ending": "Ending", "satisfaction": "Customer satisfaction",
           "dimensions": "Service-quality dimensions", "behaviours": "Behaviours found", "feedback": "Feedback",
           "customer": "Customer", "you": "You", "na": "not applicable", "seed": "seed", "step": "step",
           "hostility": "hostility", "none": "none", "arithmetic": "Arithmetic", "total": "Total",
           "criteria": "Criteria", "penalties": "Penalties", "hints": "hints", "bonus": "response points",
           "discounted": "halved: taken back by a later \"but\"", "withheld": "Not credited",
           "refused": "inside a refusal or negation",
           "scale": "satisfaction c = perceived b / expected a", "confidence": "confidence",
           "learnt": "learnt from examples", "overpromise": "promised beyond authority",
           "not_remedy": "not a remedy, not credited", "good": "good", "bad": "bad", "neutral": "neutral",
           "unfinished": "the conversation did not reach an ending", "bad_ending": "a bad ending: {ending}",
           "easy": "easy", "medium": "medium", "hard": "hard",
           "ending.good": "good", "ending.neutral": "neutral", "ending.bad": "bad"},
}


def _t(locale: str, key: str) -> str:
    return _L.get(locale, _L["en"])[key]


def suggestion_values(report: DrillReport) -> dict[str, str]:
    """What a drill knows to fill a suggested line's placeholders with (see line_slots.SUGGESTED): the name the
    trainee entered, the remedy they offered last within authority, and the drill's title as the problem in a few
    words. A remedy nobody offered is not put in the trainee's mouth: without one, `model_suggestion` picks a
    line that needs none."""
    loc, drill = report.locale, report.drill
    values = {"summary": drill.title.get(loc)}
    if report.trainee:
        values["name"] = report.trainee
    remedies = drill.authority.remedies if drill.authority else ()
    titles = {r.id: r.title for r in remedies}
    offered = [o.remedy for t in report.turns for o in t.offers if o.allowed and o.remedy in titles]
    if offered:
        values["offer"] = titles[offered[-1]].get(loc)
    return values


def model_suggestion(playbook: Playbook, criterion: dm.Criterion, locale: str,
                     values: Mapping[str, str] | None = None) -> tuple[str, tuple[str, ...]] | None:
    """The wording to suggest for a missed criterion, from the playbook, its placeholders filled from `values`
    (`suggestion_values`) or shown as hints; and the placeholders left as hints.

    When nothing fills a remedy placeholder (no remedy was offered), a line that needs one
    gives way to the criterion's next line that does not; with none, it stays, the remedy
    shown as a hint to choose one."""
    values = values or {}
    lines = model_templates(playbook, criterion, locale)
    if not lines:
        return None
    fits = [line for line in lines if values.get("offer") or not wants(line, "offer")]
    return fill_suggested(fits[0] if fits else lines[0], values, locale)


def model_line(playbook: Playbook, criterion: dm.Criterion, locale: str,
               values: Mapping[str, str] | None = None) -> str | None:
    """`model_suggestion`'s text alone."""
    found = model_suggestion(playbook, criterion, locale, values)
    return found[0] if found is not None else None


def model_template(playbook: Playbook, criterion: dm.Criterion, locale: str) -> str | None:
    """The suggested line for a criterion as the playbook writes it, placeholders and all."""
    lines = model_templates(playbook, criterion, locale)
    return lines[0] if lines else None


def model_templates(playbook: Playbook, criterion: dm.Criterion, locale: str) -> list[str]:
    """The lines a criterion can suggest, best first: its `model_line`, its `model`, else the first script line
    of its handling step."""
    out: list[str] = []
    if criterion.model_line:
        found = [line.text for script in playbook.scripts.values() for line in script.lines
                 if line.id == criterion.model_line]
        found += [line.text for strategy in playbook.strategies.values() for line in strategy.advice
                  if line.id == criterion.model_line]
        out += [text.get(locale) for text in found[:1]]
    if criterion.model:
        out.append(criterion.model.get(locale))
    step = playbook.steps.get(criterion.step or "")
    if not out and step is not None:
        for script_id in step.scripts:
            script = playbook.scripts.get(script_id)
            if script is not None and script.lines:
                out.append(script.lines[0].text.get(locale))
                break
    return out


def _cite(ev: Evidence, locale: str, single: bool) -> str:
    where = "" if single else _t(locale, "turn").format(n=ev.turn) + ("" if locale == "zh" else " ")
    return where + _quote(ev.span.text, locale)


def _step_label(playbook: Playbook, c: dm.Criterion, locale: str) -> str:
    step = playbook.steps.get(c.step or "")
    if step is None:
        return ""
    p = punctuation(locale)
    label = p.labelled(_t(locale, "step"), step.title.get(locale))
    return p.aside(label) if locale == "zh" else f" [{label}]"


def points_label(r: CriterionResult) -> str:
    """`+15/15`, `+7.5/15`, `0/20` for weights; `−20` for penalties."""
    c = r.criterion
    if c.kind is dm.CriterionKind.WEIGHT:
        return f"{'+' if r.points else ''}{r.points:g}/{c.value:g}"
    return f"−{-r.points:g}" if r.points else "0"


def criterion_lines(playbook: Playbook, score: Score, locale: str, single: bool,
                    values: Mapping[str, str] | None = None) -> list[str]:
    """Each criterion with earned/available (weights) or the points lost, its quote, and model lines for misses."""
    won, lost, missed = [], [], []
    p = punctuation(locale)
    for r in score.criteria:
        c = r.criterion
        title = c.title.get(locale) + _step_label(playbook, c, locale)
        if r.status is Status.MET:
            quote = f"{p.colon}{_cite(r.evidence[0], locale, single)}" if r.evidence else ""
            half = (" " + p.aside(_t(locale, "discounted"))) if r.discounted else ""
            won.append(f"  {points_label(r):>8}  {title}{quote}{half}")
        elif r.status is Status.TRIGGERED:
            tag = _t(locale, "auto_fail") if c.kind is dm.CriterionKind.AUTO_FAIL else points_label(r)
            lost.append(f"  {tag:>8}  {title}{p.colon}{_cite(r.evidence[0], locale, single)}")
        elif r.status is Status.MISSED:
            line = f"  {points_label(r):>8}  {title}"
            if r.evidence:  # an `absent` criterion lost because of what was said
                line += f"{p.colon}{_cite(r.evidence[0], locale, single)}"
            suggestion = model_line(playbook, c, locale, values)
            if suggestion:
                line += f"\n            {p.labelled(_t(locale, 'model'), suggestion)}"
            missed.append(line)
    for o in score.order:
        if o.violated and o.first and o.then:
            named = o.rule.title or o.rule.feedback
            label = named.get(locale) if named else o.rule.id
            lost.append(f"  {'−' + format(o.rule.penalty, 'g'):>8}  {_t(locale, 'order')}{p.colon}{label}{p.colon}"
                        f"{_cite(o.then, locale, single)} → {_cite(o.first, locale, single)}")
    if score.bonus > 0:
        won.append(f"  {'+' + str(score.bonus):>8}  {_t(locale, 'bonus')}")
    elif score.bonus < 0:
        lost.append(f"  {'−' + str(-score.bonus):>8}  {_t(locale, 'bonus')}")
    if score.hint_cost:
        lost.append(f"  {'−' + str(score.hint_cost):>8}  {_t(locale, 'hints')}")
    out = []
    if won:
        out += [_t(locale, "won") + p.colon.rstrip(), *won]
    if lost:
        out += [_t(locale, "lost") + p.colon.rstrip(), *lost]
    if missed:
        out += [_t(locale, "missed") + p.colon.rstrip(), *missed]
    out += _form_lines(score, locale, single)
    out.append(p.labelled(_t(locale, "total"), f"{score.earned:g}/{score.available:g}"))
    out.append(p.labelled(_t(locale, "arithmetic"), score.arithmetic(locale)))
    return out


def _form_lines(score: Score, locale: str, single: bool) -> list[str]:
    out = []
    for note in score.form:
        where = "" if single else _t(locale, "turn").format(n=note.turn) + punctuation(locale).colon
        out.append(f"  ! {where}{verdict_text(note.form, note.why, note.figures, locale)}")
    return out


def _form_says(form: str, locale: str) -> str:
    says = SAYS[form]
    return says.get(locale, says["en"])


def _headline(score: Score, locale: str) -> str:
    verdict = _t(locale, "passed") if score.passed else _t(locale, "failed")
    p = punctuation(locale)
    figures = p.aside(f"{verdict}{p.comma}{_t(locale, 'pass_mark')} {score.pass_mark:g}")
    return p.labelled(_t(locale, "score"), f"{score.score}/100{figures}")


def _behaviour_line(playbook: Playbook, b: Behaviour, loc: str) -> str:
    det = playbook.detectors[b.detector]
    p = punctuation(loc)
    quotes = p.listing.join(f"{_quote(s.text, loc)}@{s.start}-{s.end}" for s in b.spans)
    learnt = f"{_t(loc, 'learnt')}{p.comma}{_t(loc, 'confidence')} {b.confidence:.2f}"
    how = (p.aside(learnt) if loc == "zh" else f" [{learnt}]") if b.learnt else ""
    tag = f"【{_t(loc, b.polarity.value)}】" if loc == "zh" else f"[{_t(loc, b.polarity.value)}]"
    return f"  {tag}{'' if loc == 'zh' else ' '}{b.detector}{p.aside(det.title.get(loc))}{p.colon}{quotes}{how}"


def reply_text(playbook: Playbook, result: ReplyScore) -> str:
    loc = result.locale
    lines = [_headline(result.score, loc)]
    if result.behaviours:
        lines.append(_t(loc, "behaviours") + punctuation(loc).colon.rstrip())
        lines += [_behaviour_line(playbook, b, loc) for b in result.behaviours]
    if result.withheld:
        note = result.score.form[0] if result.score.form else None
        why = _form_says(note.form, loc) if note else _t(loc, "refused")
        p = punctuation(loc)
        lines.append(f"{_t(loc, 'withheld')}{p.aside(why)}{p.colon.rstrip()}")
        lines += [_behaviour_line(playbook, b, loc) for b in result.withheld]
    lines += criterion_lines(playbook, result.score, loc, single=True)
    if result.feedback:
        lines.append(_t(loc, "feedback") + punctuation(loc).colon.rstrip())
        lines += [f"  - {f}" for f in result.feedback]
    return "\n".join(lines)


def reply_json(playbook: Playbook, result: ReplyScore) -> dict[str, object]:
    data = result.to_json()
    data["missed"] = _missed_json(playbook, result.score, result.locale)
    return data


def _missed_json(playbook: Playbook, score: Score, locale: str,
                 values: Mapping[str, str] | None = None) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for r in score.criteria:
        if r.status is Status.MISSED:
            found = model_suggestion(playbook, r.criterion, locale, values)
            out.append({"criterion": r.criterion.id, "step": r.criterion.step,
                        "model": found[0] if found else None, "unfilled": list(found[1]) if found else []})
    return out


def drill_text(playbook: Playbook, report: DrillReport) -> str:
    loc = report.locale
    d = report.drill
    p = punctuation(loc)
    about = p.comma.join((d.id, _t(loc, d.difficulty.value), f"{_t(loc, 'seed')} {report.seed}"))
    lines = [d.title.get(loc) + p.aside(about), ""]
    for turn in report.turns:
        lines.append(f"[{turn.number}] {p.labelled(_t(loc, 'customer'), turn.customer)}")
        lines.append(f"    {p.labelled(_t(loc, 'you'), turn.reply)}")
        for f in turn.feedback:
            pts = p.aside(f"{f.points:+d}") if f.points else ""
            lines.append(f"    > {f.text}{pts}")
        if turn.overpromises:
            lines.append(f"    ! {overpromise_line(playbook, report, turn.number)}")
        lines.append("    " + p.aside(f"{_t(loc, 'hostility')} {turn.state.hostility}/10").lstrip())
    if report.ending is not None:
        if report.closing:
            lines.append(p.labelled(_t(loc, "customer"), report.closing))
        kind = _t(loc, "ending." + report.ending.kind.value)
        lines.append(p.labelled(_t(loc, "ending"), report.ending.title.get(loc) + p.aside(kind)))
    lines.append(p.labelled(_t(loc, "satisfaction"), satisfaction_text(playbook, report)))
    lines.append("")
    verdict = _t(loc, "passed") if report.passed else _t(loc, "failed")
    why = verdict_reason(report, loc)
    if why:
        verdict += p.aside(why)
    lines.append(_headline(report.score, loc) + ("→ " if loc == "zh" else " -> ") + verdict)
    lines += criterion_lines(playbook, report.score, loc, single=False, values=suggestion_values(report))
    if report.score.dimensions:
        labels = {x.id: x.label.get(loc) for x in playbook.measurement.dimensions}
        lines.append(_t(loc, "dimensions") + p.colon.rstrip())
        for dim, (got, avail) in report.score.dimensions.items():
            lines.append("  " + p.labelled(labels.get(dim, dim), f"{got:g}/{avail:g}"))
    return "\n".join(lines)


def verdict_reason(report: DrillReport, locale: str) -> str:
    """Why a drill whose score passed is not passed ("" when the score decides): a pass mark met in a
    conversation that never ended, or that ended badly, would otherwise read as "passed -> failed"."""
    if report.passed or not report.score.passed:
        return ""
    if report.ending is None:
        return _t(locale, "unfinished")
    return _t(locale, "bad_ending").format(ending=report.ending.title.get(locale))


def overpromise_line(playbook: Playbook, report: DrillReport, number: int) -> str:
    """A turn's promises beyond the drill's authority, flagged with their quotes and what they were not credited as:
    `promised beyond authority ("whole bill", "in cash"): not a remedy, not credited: Remedy`."""
    loc = report.locale
    turn = report.turns[number - 1]
    p = punctuation(loc)
    comma, colon = p.listing, p.colon
    quotes = comma.join(_quote(o.span.text, loc) for o in turn.overpromises)
    avoid = playbook.avoid.get(report.drill.authority.avoid or "") if report.drill.authority else None
    head = _t(loc, "overpromise") + (f" — {avoid.title.get(loc)}" if avoid is not None else "")
    names = comma.join(dict.fromkeys(_detector_title(playbook, b.detector, loc) for b in turn.overpromised))
    what = _t(loc, "not_remedy") + (colon + names if names else "")
    return f"{head}{colon}{quotes}{p.aside(what)}"


def _quote(text: str, locale: str) -> str:
    return f"「{text}」" if locale == "zh" else f"\"{text}\""


def _detector_title(playbook: Playbook, ident: str, locale: str) -> str:
    det = playbook.detectors.get(ident)
    return det.title.get(locale) if det is not None else ident


def satisfaction_scale(playbook: Playbook, locale: str) -> str:
    """The playbook's satisfaction states as a scale, best first: `≥ 1.2 Very satisfied · ≥ 1 Satisfied · ...`."""
    return " · ".join(f"≥ {s.min_ratio:g} {s.label.get(locale)}" for s in playbook.measurement.satisfaction_states)


def satisfaction_text(playbook: Playbook, report: DrillReport) -> str:
    """`c = 6.5/7 = 0.93 (Neutral) — satisfaction c = perceived b / expected a: ≥ 1.2 ... ≥ 0 ...`."""
    loc = report.locale
    state = report.satisfaction_state
    b, a = report.final_state.perceived, report.drill.persona.expectation
    p = punctuation(loc)
    text = f"c = {b:g}/{a:g} = {report.satisfaction:.2f}"
    if state is None:  # a playbook without `measurement.satisfaction_states` names no state and no scale
        return text
    return (f"{text}{p.aside(state.label.get(loc))}{p.semicolon}"
            f"{p.labelled(_t(loc, 'scale'), satisfaction_scale(playbook, loc))}")


def drill_json(playbook: Playbook, report: DrillReport) -> dict[str, object]:
    state = report.satisfaction_state
    return {
        "drill": report.drill.id, "seed": report.seed, "locale": report.locale, "mode": report.mode.value,
        "ending": ({"id": report.ending.id, "kind": report.ending.kind.value, "outcome": report.ending.outcome,
                    "say": report.closing} if report.ending else None),
        "passed": report.passed, "score": report.score.score,
        "failed_because": verdict_reason(report, report.locale) or None,
        "satisfaction": {"c": report.satisfaction, "state": state.id if state else None,
                         "perceived": round(report.final_state.perceived, 2),
                         "expected": report.drill.persona.expectation,
                         "scale": [{"state": s.id, "min_ratio": s.min_ratio}
                                   for s in playbook.measurement.satisfaction_states]},
        "final_state": report.final_state.to_json(),
        "turns": [t.to_json() for t in report.turns],
        "silences": [s.to_json() for s in report.silences],
        "details": report.score.to_json(report.locale),
        "missed": _missed_json(playbook, report.score, report.locale, suggestion_values(report)),
    }


__all__ = ["CriterionResult", "criterion_lines", "drill_json", "drill_text", "model_line", "model_suggestion",
           "model_template", "overpromise_line", "points_label", "reply_json", "reply_text", "satisfaction_scale",
           "satisfaction_text", "suggestion_values", "verdict_reason"]
