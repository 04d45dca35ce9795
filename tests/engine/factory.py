"""Small playbooks built inline as model objects, so engine tests need no YAML loader."""

from __future__ import annotations

import datetime as dt

from cxcoach.playbook import model as m

P = m.NOWHERE
TZ = dt.timezone(dt.timedelta(hours=8))


def text(zh: str, en: str | None = None) -> m.Text:
    return m.Text({"zh": zh, "en": en or zh})


def t(fact: str, op: str, value: object = None) -> m.FactTest:
    """A fact test; lists become tuples as the builder makes them."""
    if isinstance(value, list):
        value = tuple(value)
    if op == "exists" and value is None:
        value = True
    return m.FactTest(fact, m.Op(op), value)


def all_(*items: m.Condition) -> m.All:
    return m.All(tuple(items))


def any_(*items: m.Condition) -> m.Any:
    return m.Any(tuple(items))


def not_(item: m.Condition) -> m.Not:
    return m.Not(item)


def overdue(target: str) -> m.Overdue:
    return m.Overdue(target)


def dur(raw: str | None) -> m.Duration | None:
    return None if raw is None else m.Duration.parse(raw)


def rule(rid: str, when: m.Condition, *, priority: int = 50, order: int = 0, because: str | None = None,
         steps=(), scripts=(), strategies=(), avoid=(), escalate_to=(), respond: str | None = None,
         resolve: str | None = None) -> m.Rule:
    action = m.Action(tuple(steps), tuple(scripts), tuple(strategies), tuple(avoid), tuple(escalate_to),
                      m.DeadlineSet(dur(respond), dur(resolve)))
    return m.Rule(rid, when, action, P, priority, order, None, text(because) if because else None)


def enum(fid: str, *values: str, default: object = None) -> m.Fact:
    return m.Fact(fid, m.FactType.ENUM, text(fid), P, tuple(m.FactValue(v, text(v)) for v in values), default=default)


FACTS = {
    f.id: f
    for f in (
        enum("channel", "phone", "email", "web", "regulator", "media"),
        enum("severity", "major", "general"),
        enum("emotion", "calm", "upset", "angry", "furious"),
        enum("stage", "received", "waiting_customer", "investigating", "resolved"),
        enum("customer_type", "lively", "perfectionist", "dominant", "peaceful"),
        m.Fact("anger", m.FactType.NUMBER, text("anger"), P, min=0, max=10),
        m.Fact("malicious", m.FactType.BOOL, text("malicious"), P),
        m.Fact("note", m.FactType.TEXT, text("note"), P),
        m.Fact("promised_at", m.FactType.DATETIME, text("promised"), P),
        m.Fact("repeat_complaint", m.FactType.BOOL, text("repeat"), P, default=False),
    )
}

CALENDAR = m.Calendar("Asia/Shanghai", dt.time(9), dt.time(17), frozenset(range(5)),
                      holidays=frozenset({dt.date(2026, 10, 1)}), workdays=frozenset({dt.date(2026, 9, 27)}))


def _steps():
    def step(sid, proc, index, title, **kw):
        return m.Step(sid, proc, index, text(title, title.upper()), P, **kw)

    intake = (
        step("listen", "intake", 0, "listen", owner="advisor", due=dur("30m"), scripts=("listen_lines",)),
        step("apologise", "intake", 1, "apologise", owner="advisor", due=dur("1h"), avoid=("blame",)),
        step("record", "intake", 2, "record", owner="advisor", records=("form",)),
    )
    resolve = (
        step("propose", "resolve", 0, "propose", owner="manager", due=dur("4bh"), escalate_to=("director",)),
        step("follow_up", "resolve", 1, "follow up", owner="manager", due=dur("2bd")),
    )
    return {"intake": intake, "resolve": resolve}


def playbook(*rules: m.Rule, **overrides) -> m.Playbook:
    """A playbook with a fixed vocabulary and content; pass the rules under test."""
    procs = _steps()
    procedures = {pid: m.Procedure(pid, text(pid), steps, P) for pid, steps in procs.items()}
    steps = {s.id: s for ss in procs.values() for s in ss}
    scripts = {
        "listen_lines": m.Script("listen_lines", text("listen lines"),
                                 (m.Line("listen.1", text("您慢慢说", "Take your time")),), P, step="listen"),
        "sorry_lines": m.Script("sorry_lines", text("sorry lines"),
                                (m.Line("sorry.1", text("非常抱歉", "I am sorry")),), P, step="apologise",
                                avoid=("promise",)),
        "calm_lines": m.Script("calm_lines", text("calm lines"), (m.Line("calm.1", text("请放心", "Rest assured")),),
                               P),
    }
    avoid = {
        "blame": m.Avoid("blame", text("责怪顾客", "Blaming the customer"), text("激化矛盾", "It escalates"), P,
                         instead=text("承担责任", "Take ownership")),
        "promise": m.Avoid("promise", text("随意承诺", "Promising lightly"), text("无法兑现", "Cannot keep it"), P),
    }
    strategies = {
        "dominant_way": m.Strategy("dominant_way", text("支配型", "Dominant"),
                                   (m.Line("dom.1", text("直接给方案", "Give options directly")),), P,
                                   avoid=("promise",)),
    }
    roles = {r: m.Role(r, text(r)) for r in ("manager", "director", "legal")}
    roles["advisor"] = m.Role("advisor", text("服务顾问", "Service advisor"))
    fields = dict(
        id="t", title=text("测试", "Test"), version="1.0", locales=("zh", "en"), path="<test>",
        roles=roles, facts=dict(FACTS), calendar=CALENDAR,
        deadlines=m.DeadlineSet(dur("2h"), dur("3d")),
        escalation=m.EscalationPolicy((0.5, 0.75), (
            m.EscalationLevel("supervisor", 0.9, "manager"),
            m.EscalationLevel("head", 1.0, "director", text("升级", "Escalate")),
        )),
        procedures=procedures, steps=steps, scripts=scripts, avoid=avoid, strategies=strategies,
        rules=tuple(r if r.order else m.Rule(r.id, r.when, r.then, r.pos, r.priority, i, r.title, r.because)
                    for i, r in enumerate(rules)),
    )
    fields.update(overrides)
    return m.Playbook(**fields)


def at(text_: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text_)


def case(facts: dict | None = None, *, received: str = "2026-03-04T10:00:00+08:00",
         now: str = "2026-03-04T10:10:00+08:00", **extra) -> dict:
    """A raw case mapping (Wednesday 10:00 Shanghai by default)."""
    out = {"received_at": received, "now": now, "facts": facts or {}}
    out.update(extra)
    return out
