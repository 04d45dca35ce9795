"""The report's own words in each locale (the playbook supplies the names of facts, values and states)."""

from __future__ import annotations

from ..locale_words import word as locale_word

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "received": "本月受理投诉",
        "resolved": "本月解决",
        "closed": "本月结案",
        "open_at_end": "月末未结案件",
        "resolution_rate": "投诉解决率",
        "reopen_rate": "重开率",
        "respond_mean_hours": "平均响应时长",
        "respond_median_hours": "响应时长中位数",
        "resolve_mean_hours": "平均解决时长",
        "resolve_median_hours": "解决时长中位数",
        "respond_on_time_rate": "按时响应率",
        "resolve_on_time_rate": "按时解决率",
        "overdue_open": "月末超期未办结",
        "follow_ups": "回访次数",
        "satisfaction_rate": "回访满意率",
        "mean_ratio": "平均满意度 c = b / a",
        "respond": "响应时限",
        "respond_time": "响应",
        "resolve_time": "解决",
        "resolve": "解决时限",
        "all": "全部",
        "not_recorded": "（未记录）",
        "unassigned": "（未指定）",
        "late": "超期后完成",
        "open": "超期未完成",
        "on_time": "按时",
        "title_fallback": "月度抱怨/投诉分析报告",
    },
    "en": {
        "received": "Complaints received",
        "resolved": "Resolved this month",
        "closed": "Closed this month",
        "open_at_end": "Open at month end",
        "resolution_rate": "Complaint resolution rate",
        "reopen_rate": "Reopen rate",
        "respond_mean_hours": "Mean time to respond",
        "respond_median_hours": "Median time to respond",
        "resolve_mean_hours": "Mean time to resolve",
        "resolve_median_hours": "Median time to resolve",
        "respond_on_time_rate": "On-time response rate",
        "resolve_on_time_rate": "On-time resolution rate",
        "overdue_open": "Overdue at month end",
        "follow_ups": "Follow-ups",
        "satisfaction_rate": "Follow-up satisfaction rate",
        "mean_ratio": "Mean satisfaction c = b / a",
        "respond": "Respond deadline",
        "respond_time": "respond",
        "resolve_time": "resolve",
        "resolve": "Resolve deadline",
        "all": "All cases",
        "not_recorded": "(not recorded)",
        "unassigned": "(not assigned)",
        "late": "met late",
        "open": "still open",
        "on_time": "on time",
        "title_fallback": "Monthly complaint analysis report",
    },
}


def word(locale: str, key: str) -> str:
    """The report's word for `key` in `locale` (English when the locale has none)."""
    return locale_word(WORDS, locale, key)
