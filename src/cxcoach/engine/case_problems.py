"""What is wrong with a case, as data: a stable code, the JSON path, and a message in each locale.

Notes on a valid case (N0xx: no received_at given) are codes with words per locale the same way.

`parse_case` collects `CaseProblem`s and raises `CaseError`; the CLI writes
them as error objects (`schemas/error.schema.json`) or as text. Codes are
stable, so a ticketing tool can react to them; messages are for people and
come in the playbook's locales (English for a locale we have no words for).

Reading a stream line uses the YAML loader's codes for the same mistakes
(E001 syntax, E002 encoding, E003 duplicate key, E010 size, E014 depth);
case problems are C0xx (shape, id, times), C02x (facts), C03x (pauses) and
C04x (deadlines); X001 is a bug in cxcoach.

Whatever a problem echoes from the input is cut short (`shown`), and a case
keeps at most `MAX_PROBLEMS` of them, counting the rest: a line with 100,000
unknown fact names gets a short answer, not a 50 MB one.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterable

import msgspec

from ..errors import CxcoachError

MAX_PROBLEMS = 20

_EN = {
    "E001": "not valid JSON: {detail}",
    "E002": "invalid UTF-8 byte 0x{byte} at column {col}",
    "E003": "duplicate key {key}",
    "E010": "line is {size} bytes, over the limit of {limit} bytes",
    "E014": "nesting deeper than {limit} levels",
    "C001": "a case must be a mapping with {allowed}; got {type}",
    "C002": "unknown case key {key}{hint}; allowed: {allowed}",
    "C003": "unknown case key {key} (facts go under `facts:`, e.g. facts: {{{name}: ...}}); allowed: {allowed}",
    "C004": "id: expected a string or an integer, got {type}",
    "C005": "id: {length} characters, over the limit of {limit}",
    "C006": "id: {value} is beyond the integers every JSON reader holds (2^53 - 1 either way); write it as a string",
    "C010": "{field}: {value} is not an ISO-8601 timestamp; write e.g. 2026-03-06T16:00:00+08:00",
    "C011": "{field}: {value} has no UTC offset; add one, e.g. {example}",
    "C012": "{field}: expected an ISO-8601 timestamp string, got {type}",
    "C013": "now ({now}) is before received_at ({received})",
    "C014": "{field}: {detail}",
    "C020": "facts: expected a mapping of fact to value, got {type}",
    "C021": "unknown fact {fact}{hint}; known facts: {known}",
    "C022": "fact {fact} is computed from received_at, now and pauses; do not set it",
    "C023": "fact {fact}: unknown value {value}; allowed: {allowed}{hint}",
    "C024": "fact {fact}: expected true or false, got {value}",
    "C025": "fact {fact}: expected a number, got {value}",
    "C026": "fact {fact}: {value} is below the minimum {limit}",
    "C027": "fact {fact}: {value} is above the maximum {limit}",
    "C028": "fact {fact}: expected text, got {type}",
    "C030": "pauses: expected a list of {{from, to}} intervals",
    "C031": "{field}: expected a mapping with `from` and optional `to`",
    "C032": "{field}: unknown key(s) {keys}; use from and to",
    "C033": "{field}: `to` ({end}) is before `from` ({start})",
    "C034": "{field}: only the last pause may be open (no `to`)",
    "C040": "cannot compute a deadline: {detail}",
    "X001": "internal error: {detail}",
}
_ZH = {
    "E001": "不是合法的 JSON：{detail}",
    "E002": "第 {col} 列有无效的 UTF-8 字节 0x{byte}",
    "E003": "键 {key} 重复",
    "E010": "这一行有 {size} 字节，超过上限 {limit} 字节",
    "E014": "嵌套超过 {limit} 层",
    "C001": "案例必须是包含 {allowed} 的映射，实际是 {type}",
    "C002": "未知的案例字段 {key}{hint}；可用字段：{allowed}",
    "C003": "未知的案例字段 {key}（事实应写在 `facts:` 下，例如 facts: {{{name}: ...}}）；可用字段：{allowed}",
    "C004": "id：应为字符串或整数，实际是 {type}",
    "C005": "id：长 {length} 个字符，超过上限 {limit}",
    "C006": "id：{value}，超出所有 JSON 读取方都能准确保存的整数范围（绝对值不超过 2^53 - 1），请写成字符串",
    "C010": "{field}：{value} 不是 ISO-8601 时间，请写成 2026-03-06T16:00:00+08:00 这样的格式",
    "C011": "{field}：{value} 没有 UTC 时差，请补上，例如 {example}",
    "C012": "{field}：应为 ISO-8601 时间字符串，实际是 {type}",
    "C013": "now（{now}）早于 received_at（{received}）",
    "C014": "{field}：{detail}",
    "C020": "facts：应为“事实: 取值”的映射，实际是 {type}",
    "C021": "未知的事实 {fact}{hint}；已知事实：{known}",
    "C022": "事实 {fact} 由 received_at、now 和 pauses 算出，不能直接设置",
    "C023": "事实 {fact}：未知取值 {value}；可用取值：{allowed}{hint}",
    "C024": "事实 {fact}：应为 true 或 false，实际是 {value}",
    "C025": "事实 {fact}：应为数字，实际是 {value}",
    "C026": "事实 {fact}：{value} 小于最小值 {limit}",
    "C027": "事实 {fact}：{value} 大于最大值 {limit}",
    "C028": "事实 {fact}：应为文本，实际是 {type}",
    "C030": "pauses：应为 {{from, to}} 时间段的列表",
    "C031": "{field}：应为含 `from`（可选 `to`）的映射",
    "C032": "{field}：未知的键 {keys}；只能用 from 和 to",
    "C033": "{field}：`to`（{end}）早于 `from`（{start}）",
    "C034": "{field}：只有最后一段暂停可以不写 `to`",
    "C040": "无法计算时限：{detail}",
    "X001": "内部错误：{detail}",
}
# Remarks on a case that is valid but worth knowing: `Case.notes` holds these codes, a result their
# words in its locale (`note_text`).
_NOTES = {
    "en": {"N001": "no received_at given: deadlines are counted from now"},
    "zh": {"N001": "没有给出 received_at：时限从现在起算"},
}
# What Python's JSON parser says (E001's `reason`), in Chinese; a reason not listed is shown as it is.
_JSON_REASONS_ZH = {
    "Expecting value": "应当有一个值", "Expecting property name enclosed in double quotes": "键名要用双引号括起来",
    "Expecting ':' delimiter": "缺少冒号 ':'", "Expecting ',' delimiter": "缺少逗号 ','",
    "Unterminated string starting at": "字符串没有结束", "Invalid control character at": "字符串里有控制字符",
    "Extra data": "值的后面还有多余内容",
    "Invalid \\escape": "转义写法无效", "Invalid \\uXXXX escape": "\\u 转义写法无效",
}
_SUGGESTION = {"en": " (did you mean {suggestion}?)", "zh": "（是否想写 {suggestion}？）"}
_CATALOGUE = {"en": _EN, "zh": _ZH}

_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 6
_repr.maxlevel = 3
_PLAIN_KEY = r"[A-Za-z_][A-Za-z0-9_]*\Z"  # errors only: compiled on first use (re caches it)
_JSON_TYPES = {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer", float: "number",
               type(None): "null"}


def shown(value: object) -> str:
    """A value as a message may echo it: quoted like Python, and cut to a few dozen characters."""
    return _repr.repr(value)


def type_name(value: object) -> str:
    """The JSON/YAML word for a value's type (a case is JSON or YAML, not Python)."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def listing(names: Iterable[str], limit: int = 40) -> str:
    """Names joined for a message, at most `limit` of them."""
    items = list(names)
    return ", ".join(items[:limit]) + (", …" if len(items) > limit else "")


def key_path(parent: str, key: object) -> str:
    """A child's JSON path: `$.facts.channel`, or `$.facts['odd key']` when the key needs quoting."""
    name = key if isinstance(key, str) else str(key)
    if re.match(_PLAIN_KEY, name):
        return f"{parent}.{name}"
    return f"{parent}[{shown(name)}]"


class CaseProblem(msgspec.Struct, frozen=True):
    """One thing wrong with a case: stable code, JSON path, and what the message says."""

    code: str
    path: str
    params: dict[str, str] = msgspec.field(default_factory=dict)
    suggestion: str | None = None  # the closest known name, for "did you mean"

    def message(self, locale: str = "en") -> str:
        lang = locale.split("-")[0]
        template = _CATALOGUE.get(lang, _EN).get(self.code) or _EN[self.code]
        hint = "" if self.suggestion is None else _SUGGESTION.get(lang, _SUGGESTION["en"]).format(
            suggestion=shown(self.suggestion))
        params = self.params
        if lang == "zh" and params.get("reason") in _JSON_REASONS_ZH:
            params = {**params, "detail": f"第 {params['col']} 列{_JSON_REASONS_ZH[params['reason']]}"}
        return template.format(hint=hint, **params)


def note_text(code: str, locale: str = "en") -> str:
    """The words of a case note (`N001`) in `locale`, English for a locale we have no words for."""
    return _NOTES.get(locale.split("-")[0], _NOTES["en"]).get(code) or _NOTES["en"][code]


class CaseValueError(ValueError):
    """A value that cannot be used, as a problem without its path yet; `str()` is the English message."""

    def __init__(self, code: str, suggestion: str | None = None, **params: str) -> None:
        self.code, self.params, self.suggestion = code, params, suggestion
        super().__init__(self.at("$").message())

    def at(self, path: str) -> CaseProblem:
        return CaseProblem(self.code, path, self.params, self.suggestion)


class CaseError(CxcoachError, ValueError):
    """A case that cannot be evaluated: every problem found (up to MAX_PROBLEMS), and how many more."""

    def __init__(self, problems: list[CaseProblem], omitted: int = 0) -> None:
        self.problems = tuple(problems)
        self.omitted = omitted
        super().__init__("; ".join(self.messages) if self.problems else "invalid case")

    @property
    def messages(self) -> list[str]:
        """The problems in English, one sentence each."""
        return [p.message() for p in self.problems]


class Problems:
    """Collects a case's problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self) -> None:
        self.items: list[CaseProblem] = []
        self.omitted = 0

    @property
    def full(self) -> bool:
        """True once no more problems are kept: skip work (suggestions) that would only be counted."""
        return len(self.items) >= MAX_PROBLEMS

    def add(self, code: str, path: str, suggestion: str | None = None, **params: str) -> None:
        if self.full:
            self.omitted += 1
        else:
            self.items.append(CaseProblem(code, path, params, suggestion))

    def add_error(self, exc: ValueError, path: str) -> None:
        """A ValueError from a value check: its code if it has one, else C014 with its text."""
        if self.full:
            self.omitted += 1
        elif isinstance(exc, CaseValueError):
            self.items.append(exc.at(path))
        else:
            self.items.append(CaseProblem("C014", path, {"field": path.removeprefix("$."), "detail": str(exc)[:200]}))

    def raise_if_any(self) -> None:
        if self.items:
            raise CaseError(self.items, self.omitted)
