"""The CLI's own error messages and notes, in each interface language: one home for their words.

A command raises `Failure.say(code, **fields)`; the words come from here, in the
language of the command's `--lang` (or the group's), English otherwise. Each
message keeps the shape `where: what is wrong (how to fix it)`. Messages that
come from deeper down (a playbook problem, a case file's position) arrive
already worded and are passed through; only the `error:` prefix is translated.
"""

from __future__ import annotations

from ..locale_words import WordTable, word

MESSAGES: WordTable = {
    "en": {
        "error": "error: {message}",
        "playbook_invalid": "playbook {target} is invalid:",
        "playbook_unreadable": "cannot read playbook {target}: {why}",
        "output_unwritable": "cannot write the output: {why}",
        "file_unwritable": "cannot write {path}: {why}",
        "case_invalid": "invalid case:",
        "and_more": "  ... and {n} more",
        "not_a_locale": "--lang {lang!r} is not a locale of this playbook (use one of: {choices})",
        "lang_unavailable": "language {lang!r} is not available here (choose from: {choices})",
        "unknown_drill": "unknown drill {drill!r} (known: {known})",
        "replies_or_model": "give either --replies FILE or --model-answers",
        "no_replies": "{name}:1:1: no replies in the file (write {how})",
        "how_yaml": "one `- reply` per turn",
        "how_lines": "one reply per line",
        "replies_not_list": "{name}:1:1: a .yaml replies file is a list of replies, one `- reply` per turn",
        "reply_not_text": "{name}:{line}:{col}: item {n} is not a reply (write one string per list item)",
        "reply_empty_item": "{name}:{line}:{col}: item {n} is an empty reply "
                            "(write what you would say to the customer)",
        "reply_missing": "give the reply with --reply TEXT or on stdin",
        "reply_empty": "the reply is empty",
        "did_you_mean": "Did you mean {name!r}?",
        "set_not_pair": "{pair!r} is not fact=value",
        "workers_without_stream": "--workers answers the lines of --stream; add --stream",
        "stream_with_file": "--stream reads cases from stdin; do not give CASE_FILE",
        "stream_json_only": "--stream writes JSON lines only; --format {fmt} works for one case at a time",
        "fields_need_json": "--fields chooses JSON fields; add --format json",
        "case_missing": "give a CASE_FILE, - for stdin, or --set fact=value",
        "lang_not_in_playbook": "{lang!r} is not a locale of this playbook; use one of {choices}",
        "unknown_field": "unknown field {name!r}{hint}; fields: all, {fields}",
        "no_field": "name at least one field, e.g. --fields recommendations,deadlines",
        "field_hint": " (did you mean {name!r}?)",
        "not_a_month": "{value!r} is not a month; write YYYY-MM, e.g. {example}",
        "month_out_of_range": "{value!r} is outside {first}-{last}",
        "year_or_month": "give --year or --month, not both",
        "month_not_begun": "{which} has not begun yet; choose this month or an earlier one",
        "unknown_rubric": "unknown rubric {rubric!r} (known: {known})",
        "timestamp": "timestamp",
        "event_rejected": "event rejected, nothing was written:",
        "no_database": "no database at {target}; check --db / {env} (`case open` or `case import` creates one)",
        "owner_contradicts": "--where {fact}={where} and --owner {owner} contradict each other; give one",
        "as_of_before_month": "{at} is before {month} begins ({start}); give a time within the month or after it",
        "case_exists": "{what}; record what happened next with `cxcoach case update {ref}`, or give a new "
                       "complaint its own --id",
        "now_before_received": "{now} is before the case was received ({received}); give a time from then on",
        "report_suffix": "-o {path}: the report cannot be written as {suffix}; name the file with one of "
                         "{suffixes}, or give --format {formats} to write that format whatever the suffix",
    },
    "zh": {
        "error": "错误：{message}",
        "playbook_invalid": "手册 {target} 有错误：",
        "playbook_unreadable": "无法读取手册 {target}：{why}",
        "output_unwritable": "无法写出结果：{why}",
        "file_unwritable": "无法写入 {path}：{why}",
        "case_invalid": "案例有误：",
        "and_more": "  ……另有 {n} 条",
        "not_a_locale": "--lang {lang!r} 不是这本手册的语言（可选：{choices}）",
        "lang_unavailable": "这里没有 {lang!r} 语言（可选：{choices}）",
        "unknown_drill": "没有演练 {drill!r}（已有：{known}）",
        "replies_or_model": "请给出 --replies FILE 或 --model-answers 其中之一",
        "no_replies": "{name}:1:1: 文件里没有回复（{how}）",
        "how_yaml": "每轮写一条 `- 回复`",
        "how_lines": "每行写一条回复",
        "replies_not_list": "{name}:1:1: .yaml 回复文件应是回复的列表，每轮写一条 `- 回复`",
        "reply_not_text": "{name}:{line}:{col}: 第 {n} 项不是回复（列表每项写一句话）",
        "reply_empty_item": "{name}:{line}:{col}: 第 {n} 项是空回复（写下你会对顾客说的话）",
        "reply_missing": "请用 --reply TEXT 或从标准输入给出回复",
        "reply_empty": "回复是空的",
        "did_you_mean": "是不是想写 {name!r}？",
        "set_not_pair": "{pair!r} 不是“事实=取值”的写法",
        "workers_without_stream": "--workers 只用于 --stream 逐行作答；请加上 --stream",
        "stream_with_file": "--stream 从标准输入读取案例；不要再给 CASE_FILE",
        "stream_json_only": "--stream 只输出 JSON 行；--format {fmt} 只能用于单个案例",
        "fields_need_json": "--fields 选的是 JSON 字段；请加上 --format json",
        "case_missing": "请给出 CASE_FILE，或用 - 从标准输入读取，或用 --set 事实=取值",
        "lang_not_in_playbook": "{lang!r} 不是这本手册的语言；可选：{choices}",
        "unknown_field": "没有字段 {name!r}{hint}；可选字段：all, {fields}",
        "no_field": "至少写一个字段，例如 --fields recommendations,deadlines",
        "field_hint": "（是不是想写 {name!r}？）",
        "not_a_month": "{value!r} 不是月份；请写成 YYYY-MM，例如 {example}",
        "month_out_of_range": "{value!r} 不在 {first}-{last} 年之内",
        "year_or_month": "--year 和 --month 只能给一个",
        "month_not_begun": "{which} 还没开始；请选本月或更早的月份",
        "unknown_rubric": "没有评分标准 {rubric!r}（已有：{known}）",
        "timestamp": "时间",
        "event_rejected": "事件被拒绝，什么也没有写入：",
        "no_database": "{target} 处没有数据库；请检查 --db / {env}（`case open` 或 `case import` 会新建一个）",
        "owner_contradicts": "--where {fact}={where} 与 --owner {owner} 互相矛盾；只给其中一个",
        "as_of_before_month": "{at} 早于 {month} 的开始（{start}）；请给出该月之内或之后的时间",
        "case_exists": "{what}；后续进展请用 `cxcoach case update {ref}` 记录，新的投诉请给它自己的 --id",
        "now_before_received": "{now} 早于受理时间（{received}）；请给出受理之后的时间",
        "report_suffix": "-o {path}：报告无法写成 `{suffix}` 文件；请用 `{suffixes}` 之一作文件后缀，"
                         "或用 --format {formats} 指定格式（无论后缀如何都按该格式写出）",
    },
}

# What `drill run` tells on stderr, in the language the drill is played in (the report's language).
NOTES: WordTable = {
    "en": {"note": "note: ", "yaml": "a YAML list", "lines": "one reply per line",
           "read": "read {n} replies from {path} ({kind})",
           "playing": "playing the drill in {loc} ({why}; choose with --lang)",
           "cjk": "the replies hold Chinese characters", "not_cjk": "the replies are not Chinese",
           "unused": "the drill ended after {used} replies; {left} left unused",
           "waiting": "the drill is not finished: the customer is waiting at node {node!r}",
           "unfinished": "the drill is not finished"},
    "zh": {"note": "提示：", "yaml": "YAML 列表", "lines": "每行一条回复",
           "read": "从 {path} 读到 {n} 条回复（{kind}）",
           "playing": "演练语言为 {loc}（{why}；可用 --lang 指定）",
           "cjk": "回复里有汉字", "not_cjk": "回复不是中文",
           "unused": "演练在第 {used} 条回复后就结束了，还有 {left} 条没用上",
           "waiting": "演练还没结束：顾客还在节点 {node!r} 等你回复",
           "unfinished": "演练还没结束"},
}


# What `cxcoach case` prints for people, in the desk's language (its --lang, else the playbook's first).
DESK: WordTable = {
    "en": {"row": "case {ref} (#{id}) {verb}: stage {stage}, next due {due}",
           "opened": "opened", "updated": "updated", "followed up": "followed up",
           "heading": "Case {ref} (#{id}) · {stage} · received {at}", "closed_mark": " · closed",
           "timeline": "Timeline", "open": "open", "follow_up": "follow_up", "paused": "Paused: {spans}",
           "now": "now", "follow_up_line": "Follow-up {at}: {satisfaction}{c}", "ratio": ", c = {c:.2f}",
           "closed_by": "Closed {at} by {by}: no clock runs.", "no_cases": "no cases",
           "col_case": "case", "col_stage": "stage", "col_received": "received", "col_due": "next due",
           "col_state": "state", "overdue": "OVERDUE", "paused_flag": "paused", "closed": "closed"},
    "zh": {"row": "案例 {ref}（#{id}）{verb}：阶段 {stage}，下一个截止 {due}",
           "opened": "已登记", "updated": "已更新", "followed up": "已回访",
           "heading": "案例 {ref}（#{id}）· {stage} · 受理 {at}", "closed_mark": " · 已结案",
           "timeline": "时间线", "open": "登记", "follow_up": "回访", "paused": "暂停：{spans}",
           "now": "现在", "follow_up_line": "回访 {at}：{satisfaction}{c}", "ratio": "，c = {c:.2f}",
           "closed_by": "{at} 由 {by} 结案：不再计时。", "no_cases": "没有案例",
           "col_case": "案例", "col_stage": "阶段", "col_received": "受理", "col_due": "下一个截止",
           "col_state": "状态", "overdue": "已超时", "paused_flag": "暂停中", "closed": "已结案"},
}


def desk_word(key: str, locale: str, /, **values: object) -> str:
    """A `cxcoach case` word for people in the language of `locale`, its fields filled in."""
    return word(DESK, language(locale), key).format(**values)


def language(lang: str | None) -> str:
    """The interface language for a `--lang` value: Chinese for zh and its variants, else English."""
    return "zh" if lang is not None and lang.lower().split("-")[0].split("_")[0] == "zh" else "en"


def say(code: str, lang: str | None, /, **fields: object) -> str:
    """The message `code` in the language of `lang`, its fields filled in."""
    return word(MESSAGES, language(lang), code).format(**fields)


def note(key: str, locale: str, /, **values: object) -> str:
    """The note `key` in the language of `locale`, its fields filled in."""
    return word(NOTES, language(locale), key).format(**values)
