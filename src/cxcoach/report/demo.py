"""A realistic demo month for the desk: seeded, reproducible, every event validated by the desk.

`fill_month(desk, month, cases=500, seed=7)` plans each case's walk through
the playbook's procedure and records it through the `Desk` API (`record`
for the history up to resolution, then `follow_up` and the closing
`update`), so nothing reaches the store that the playbook would refuse.
It lives beside the report because it exists to show the report and the
supervisor's queue in one command.

What the month looks like (plausible for the default playbook's settings,
not measured data): most complaints arrive in working hours on working days,
by phone and at the front desk first; about one in six is major, more when
the media or a regulator passes it on. Major ones are usually answered
within the 30 minutes, general ones the same working day; about a third
wait on the customer for a while (the clock pauses); most are resolved
within the 3 days, some late; a few are reopened; most get a follow-up call
with expected and perceived scores per service-quality dimension (the
satisfaction state follows from c = b / a); the director or service manager
closes them. Root causes repeat within a category, so recurring causes
show. Events after `horizon` (default: the end of the month, or now if
earlier) are not recorded: the cases still open then are the queue.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..desk import Desk
from ..engine.calendar import add_business_minutes, zone
from ..playbook.model import Playbook
from .period import Month

CHANNELS = {"phone": 30, "front_desk": 18, "web": 14, "callback": 10, "email": 8, "social": 8, "hotline": 7,
            "media": 2, "consumer_association": 2, "regulator": 1}
CATEGORIES = {"product_quality": 22, "after_sales": 18, "service_attitude": 14, "logistics": 10, "billing": 10,
              "wait_time": 8, "misleading_description": 6, "payment": 4, "website": 4, "outage": 2, "other": 2}
EMOTIONS = {"calm": 25, "upset": 40, "angry": 27, "furious": 8}
TEMPERAMENTS = {"lively": 25, "perfectionist": 25, "dominant": 25, "peaceful": 25}
HANDLERS = {"周敏": 1.0, "陈涛": 1.0, "林晓": 0.9, "赵婷": 1.1, "孙浩": 1.6, "吴倩": 0.8}  # name -> pace (1 = usual)

# Root causes by category, each with a concrete corrective measure (the rework record forbids empty phrases).
CAUSES: dict[str, list[tuple[str, str]]] = {
    "product_quality": [
        ("来料批次中密封圈尺寸超差", "供应商对该批次全检，入库检验增加密封圈卡尺抽检，由质量部每周复核"),
        ("出厂前未做异响路试", "交车检查单增加 5 公里异响路试项，由技术总监签字后放行"),
        ("软件版本过旧导致偶发死机", "售后接车时统一检查并升级到最新版本，系统中记录版本号"),
    ],
    "after_sales": [
        ("配件缺货，维修等待超过承诺时间", "常用配件设安全库存并每日盘点，缺货超过 2 天由配件经理电话告知客户"),
        ("保修条款解释不一致", "服务顾问使用统一的保修说明卡，前台每日晨会抽查一条条款"),
    ],
    "service_attitude": [
        ("高峰时段接待人手不足，顾问语气生硬", "周六上午增加一名接待顾问，排班表由服务经理每周确认"),
        ("顾问未按规范先安抚情绪", "新顾问上岗前完成投诉情景演练并达到 80 分，由培训专员记录"),
    ],
    "logistics": [
        ("快递外包装过薄，运输途中受压破损", "易碎件改用加厚纸箱并加贴易碎标识，仓储主管每周抽检 20 件"),
        ("第三方物流漏送偏远地址", "偏远地区订单改走指定承运商，每日下午 4 点核对未签收清单"),
    ],
    "billing": [
        ("计费系统套餐变更后未同步", "套餐变更后次日由系统自动比对账单，差异单由计费组当天处理"),
        ("人工录入工时有误", "工时改为从工单系统自动带出，结算前由服务顾问与客户逐项确认"),
    ],
    "wait_time": [("预约时段排得过满", "每个时段预约上限从 8 台降为 6 台，由前台主管每日调整")],
    "misleading_description": [("商品页面图片与实物颜色差异大", "商品图片统一在标准光源下拍摄，上架前由运营复核色差")],
    "payment": [("支付渠道回调超时导致重复扣款", "重复扣款由系统每小时自动对账并原路退款")],
    "website": [("促销期间网站响应缓慢", "大促前一周做压力测试，峰值时自动扩容两台服务器")],
    "outage": [("计划停电通知未送达", "停电通知改为短信加电话双通道，提前 3 天发送并记录回执")],
    "other": [("客户信息登记错误", "受理时复述并核对客户电话，系统增加手机号格式校验")],
}
NOTES = ("已致电客户说明进展", "已联系责任部门核实", "已调取相关记录", "已约定上门查看时间", "已向主管汇报处理方案")
DESCRIPTIONS = {
    "product_quality": "新车行驶中有异响", "after_sales": "维修后问题仍未解决", "service_attitude": "接待人员态度冷淡",
    "logistics": "收到的商品外包装破损", "billing": "账单金额与约定不符", "wait_time": "预约后仍等候过久",
    "misleading_description": "实物与宣传不符", "payment": "付款后被重复扣费", "website": "网站下单时反复报错",
    "outage": "未提前通知就停电", "other": "其他问题",
}


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class _Plan:
    received_at: dt.datetime
    facts: dict[str, Any]
    by: str
    later: list[tuple[dt.datetime, str | None, dict[str, Any], str | None, str]] = field(default_factory=list)
    follow_up: tuple[dt.datetime, str, dict[str, tuple[float, float]], str] | None = None
    close: tuple[dt.datetime, str, str] | None = None


class _Planner:
    def __init__(self, playbook: Playbook, rng: random.Random) -> None:
        self.playbook, self.rng = playbook, rng
        self.cal = playbook.calendar
        self.tz = zone(self.cal.timezone)

    def bh(self, when: dt.datetime, hours: float) -> dt.datetime:
        """`hours` of working time after `when` (work happens in working hours)."""
        return add_business_minutes(self.cal, when, max(1.0, hours * 60))

    def arrival(self, month: Month) -> dt.datetime:
        """Most complaints come in working hours on working days; some in the evening or at weekends."""
        rng, days = self.rng, month.days()
        working = [d for d in days if self.cal.is_working_day(d)] or days
        if rng.random() < 0.82:
            day = rng.choice(working)
            start = dt.datetime.combine(day, self.cal.start, tzinfo=self.tz)
            span = (dt.datetime.combine(day, self.cal.end, tzinfo=self.tz) - start).total_seconds()
            return start + dt.timedelta(seconds=rng.uniform(0, max(span, 1)))
        day = rng.choice(days)
        return dt.datetime.combine(day, dt.time(rng.choice([7, 18, 19, 20, 21]), rng.randrange(60)), tzinfo=self.tz)

    def plan(self, month: Month, number: int) -> _Plan:
        rng = self.rng
        received = self.arrival(month).replace(microsecond=0)
        channel, category = _pick(rng, CHANNELS), _pick(rng, CATEGORIES)
        major_odds = 0.6 if channel in ("media", "consumer_association", "regulator") else 0.15
        severity = "major" if rng.random() < major_odds else "general"
        handler = _pick(rng, {h: 1.0 for h in HANDLERS})
        pace = HANDLERS[handler]
        facts: dict[str, Any] = {
            "channel": channel, "category": category, "severity": severity,
            "customer_type": _pick(rng, TEMPERAMENTS), "emotion": _pick(rng, EMOTIONS),
            "customer": f"客户 {number:05d}", "description": DESCRIPTIONS[category],
        }
        if rng.random() < 0.03:
            facts["urgent"] = True
        opened_by = "service_advisor" if channel in ("front_desk", "phone", "web", "email", "social") else (
            "customer_care_specialist" if channel == "callback" else "marketing_manager"
            if channel in ("media", "consumer_association", "regulator") else "service_director")
        p = _Plan(received, facts, opened_by)
        # first answer: major within minutes (sometimes late), general within the working day
        if severity == "major" or facts.get("urgent"):
            t = received + dt.timedelta(minutes=rng.expovariate(1 / 14))
        else:
            t = self.bh(received, rng.expovariate(1 / 2.5))
        p.later.append((t, "acknowledged", {"responsible_owner": handler}, "complaint_handler", "已联系客户并致歉"))
        t = self.bh(t, rng.uniform(0.3, 2.5) * pace)
        p.later.append((t, "investigating", {}, "responsible_owner", "开始调查"))
        if rng.random() < 0.35:  # waiting on the customer: documents, a visit, a decision
            t = self.bh(t, rng.uniform(0.5, 3))
            p.later.append((t, "waiting_customer", {}, "complaint_handler", "等待客户提供材料"))
            t = t + dt.timedelta(hours=rng.uniform(3, 60))
            p.later.append((t, "investigating", {}, "complaint_handler", "客户已提供材料"))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):  # progress notes while investigating
            t = self.bh(t, rng.uniform(0.2, 1.5) * pace)
            p.later.append((t, None, {}, "complaint_handler", rng.choice(NOTES)))
        t = self.bh(t, rng.lognormvariate(1.3, 0.8) * pace)
        p.later.append((t, "solution_proposed", {}, "complaint_handler", "向客户提出处理方案"))
        t = self.bh(t, rng.lognormvariate(0.8, 0.9) * pace)
        cause, measure = rng.choice(CAUSES[category])
        found: dict[str, Any] = {}
        if rng.random() < 0.9:
            found["root_cause"] = cause
            if rng.random() < 0.85:
                found["corrective_measures"] = measure
        p.later.append((t, "resolved", found, "responsible_owner", "客户同意方案，已处理完毕"))
        reopened = rng.random() < 0.06
        if reopened:
            t = t + dt.timedelta(hours=rng.uniform(12, 72))
            p.later.append((t, "investigating", {}, "complaint_handler", "客户反映问题仍然存在，重新处理"))
            t = self.bh(t, rng.uniform(2, 12))
            p.later.append((t, "resolved", {}, "responsible_owner", "再次处理后客户确认解决"))
        if rng.random() < 0.78:
            p.follow_up = self._follow_up(t, reopened)
            t = p.follow_up[0]
        if rng.random() < 0.85:
            closer = "service_director" if severity == "major" or rng.random() < 0.5 else "service_manager"
            p.close = (t + dt.timedelta(hours=rng.uniform(4, 48)), closer, "处理完毕，同意结案")
        return p

    def _follow_up(self, resolved: dt.datetime,
                   reopened: bool) -> tuple[dt.datetime, str, dict[str, tuple[float, float]], str]:
        rng = self.rng
        m = self.playbook.measurement
        base = rng.gauss(1.04, 0.14) - (0.18 if reopened else 0.0)
        scores: dict[str, tuple[float, float]] = {}
        for dim in rng.sample(list(m.dimensions), k=min(len(m.dimensions), rng.randint(2, 5))):
            a = float(rng.randint(6, 9))
            scores[dim.id] = (a, float(min(10, max(0, round(a * rng.gauss(base, 0.08))))))
        total_a = sum(a for a, _ in scores.values())
        ratio = sum(b for _, b in scores.values()) / total_a if total_a else 1.0
        state = m.state_for(ratio)
        at = resolved + dt.timedelta(hours=rng.uniform(20, 96))
        state_id = state.id if state is not None else m.satisfaction_states[0].id
        return at, state_id, scores, "回访：客户对处理结果的评价已记录"


def plan_month(playbook: Playbook, month: Month, cases: int, seed: int) -> list[_Plan]:
    """The month's cases, oldest first (the same plans for the same playbook, month, count and seed)."""
    rng = random.Random(f"{seed}:{month}")
    planner = _Planner(playbook, rng)
    plans = [planner.plan(month, i + 1) for i in range(cases)]
    return sorted(plans, key=lambda p: p.received_at)


def fill_month(desk: Desk, month: Month, *, cases: int = 500, seed: int = 7, horizon: dt.datetime | None = None,
               prefix: str = "DEMO") -> int:
    """Record the month's cases through the desk (events after `horizon` left out); returns how many were recorded.

    External ids are `PREFIX-YYYYMM-NNNN`, so a second run into the same store is refused, not doubled.
    """
    tz = desk.playbook.calendar.timezone
    until = horizon or month.end(tz)
    count = 0
    for n, plan in enumerate(plan_month(desk.playbook, month, cases, seed), start=1):
        if plan.received_at >= until:
            continue
        ref = f"{prefix}-{month.year:04d}{month.month:02d}-{n:04d}"
        later = [e for e in plan.later if e[0] < until]
        desk.record(external_id=ref, received_at=plan.received_at, facts=plan.facts, by=plan.by,
                    note="受理投诉", later=later)
        count += 1
        if len(later) < len(plan.later):
            continue
        if plan.follow_up is not None and plan.follow_up[0] < until:
            at, state, scores, note = plan.follow_up
            desk.follow_up(ref, satisfaction=state, scores=scores, at=at, by="customer_care_specialist", note=note)
        if plan.close is not None and plan.close[0] < until and (plan.follow_up is None or plan.follow_up[0] < until):
            at, closer, note = plan.close
            desk.update(ref, stage="closed", at=at, by=closer, note=note)
    return count
