"""Read YAML safely and remember where every value came from.

PyYAML's `safe_load` is not enough for playbooks written by hand: it silently
keeps the last of two duplicate keys, expands alias bombs, recurses on deep
nesting and forgets positions. Here the event stream is composed by hand, so
that every value's path maps to a line and column, duplicate keys are errors,
and size, depth and alias expansion are bounded before anything is built.
Nothing is ever constructed from a custom tag: only plain YAML scalars.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..frozen import frozen
from ..problems import Problem, Severity, path_str

try:  # libyaml is several times faster and gives the same events and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

JsonPath = tuple[str | int, ...]


@frozen
class Limits:
    """Bounds that keep a hostile or broken file from costing time or memory."""

    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 2_000_000  # values after alias expansion
    max_aliases: int = 10_000


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Document:
    """One parsed YAML file: plain data plus the position of each value and key."""

    file: str
    data: Any
    positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """The nearest known position for `path` (aliases and defaults have none)."""
        if key and path in self.key_positions:
            return self.key_positions[path]
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


class _Stop(Exception):
    """Aborts composition after a fatal problem has been recorded."""


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_CONSTRUCTED = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_QUOTED = ("'", '"', "|", ">")
_SLOW = object()
_PLAIN_CACHE: dict[str, Any] = {}
_PLAIN_CACHE_SIZE = 50_000


def _construct(tag: str, node: yaml.ScalarNode) -> Any:
    # Call the tag's constructor directly: construct_object would remember every node forever.
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)


def _plain_scalar(text: str) -> Any:
    """The value of an untagged plain scalar, memoised: playbooks repeat ids and ops a lot.

    Returns _SLOW for the few kinds the full constructor must handle.
    """
    value = _PLAIN_CACHE.get(text, _SLOW)
    if value is not _SLOW:
        return value
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        value = text  # dates stay text: the model parses them where it expects them
    elif tag == "tag:yaml.org,2002:bool" and text.lower() not in ("true", "false"):
        value = text  # YAML 1.2: yes/no/on/off are words (no "Norway problem")
    elif tag in _CONSTRUCTED:
        try:
            value = _construct(tag, yaml.ScalarNode(tag, text))
        except (yaml.YAMLError, ValueError):
            return _SLOW
    else:
        return _SLOW
    if len(_PLAIN_CACHE) < _PLAIN_CACHE_SIZE:
        _PLAIN_CACHE[text] = value
    return value


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible: shorter and clickable."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def read_yaml_file(path: Path, *, limits: Limits = DEFAULT_LIMITS, name: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and compose one file; never raises for bad content."""
    name = name or display_path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return None, [_problem(name, 1, 1, "E010", f"file is {size:,} bytes, over the limit of {limits.max_bytes:,}",
                                   "split the playbook into several files in one folder")]
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        return None, [_problem(name, 1, 1, "E011", f"cannot read file: {exc.strerror or exc}")]
    return parse_yaml_bytes(raw, name, limits=limits)


def parse_yaml_bytes(raw: bytes, name: str, *, limits: Limits = DEFAULT_LIMITS) -> tuple[Document | None, list[Problem]]:
    problems: list[Problem] = []
    if len(raw) > limits.max_bytes:
        return None, [_problem(name, 1, 1, "E010", f"file is over the limit of {limits.max_bytes:,} bytes",
                               "split the playbook into several files in one folder")]
    for bom, label in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                       (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):
            return None, [_problem(name, 1, 1, "E002", f"file is encoded as {label}", "save it as UTF-8 without a byte-order mark")]
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
        problems.append(_problem(name, 1, 1, "W001", "file starts with a UTF-8 byte-order mark",
                                 "save it as UTF-8 without BOM; the mark is ignored", Severity.WARNING))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, problems + [_problem(name, line, col, "E002", f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
                                          "save the file as UTF-8")]
    tab_problems = _tab_indentation(text, name)
    if tab_problems:
        return None, problems + tab_problems
    doc, more = compose(text, name, limits)
    return doc, problems + more


def compose(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Document | None, list[Problem]]:
    """Compose YAML text into data with positions, or report why not."""
    builder = _Composer(name, limits)
    try:
        for event in yaml.parse(text, Loader=_Loader):
            builder.feed(event)
    except _Stop:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        return None, builder.problems + [_problem(name, line, col, "E001", f"YAML syntax error: {message}",
                                                  "check indentation, quotes and the ':' after each key")]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        line, col = _reader_position(exc, text)
        return None, builder.problems + [_problem(name, line, col, "E001", f"YAML error: {_first_line(exc)}",
                                                  "remove control characters from the file")]
    if builder.fatal:
        return None, builder.problems
    if builder.documents == 0 or builder.root is _EMPTY:
        return None, builder.problems + [_problem(name, 1, 1, "E004", "file is empty",
                                                  "a playbook file is a mapping of sections, e.g. `facts:` or `rules:`")]
    if builder.root is None:
        return None, builder.problems + [_problem(name, 1, 1, "E004", "file holds no data (only null)",
                                                  "a playbook file is a mapping of sections, e.g. `facts:` or `rules:`")]
    doc = Document(name, builder.root, builder.positions, builder.key_positions)
    return doc, builder.problems


_EMPTY = object()


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "count", "anchor")

    def __init__(self, container: Any, path: JsonPath, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.key: str | None | object = _EMPTY  # mapping frames: pending key
        self.key_mark: tuple[int, int] = (1, 1)
        self.count = 1
        self.anchor = anchor


class _Composer:
    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.positions: dict[JsonPath, tuple[int, int]] = {}
        self.key_positions: dict[JsonPath, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.root: Any = _EMPTY
        self.documents = 0
        self.nodes = 0
        self.aliases = 0
        self.fatal = False

    # -- helpers --
    def _error(self, mark: Any, code: str, message: str, hint: str | None = None, *, stop: bool = False) -> None:
        self.problems.append(_problem(self.name, mark.line + 1, mark.column + 1, code, message, hint))
        if stop:
            self.fatal = True
            raise _Stop

    def _count(self, n: int, mark: Any) -> None:
        self.nodes += n
        if self.stack:
            self.stack[-1].count += n
        if self.nodes > self.limits.max_nodes:
            self._error(mark, "E012", f"document expands to more than {self.limits.max_nodes:,} values",
                        "remove alias/anchor chains that repeat data (an 'alias bomb')", stop=True)

    def _child_path(self) -> JsonPath | None:
        """Path of the value about to be placed, or None when a mapping key is expected."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        if top.key is _EMPTY:
            return None
        return top.path + (top.key,)  # type: ignore[operator]

    def _place(self, value: Any, mark: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            top.container.append(value)
            return
        key = top.key
        top.key = _EMPTY
        if key is None:  # a rejected (non-scalar) key: drop its value
            return
        if key in top.container:
            first = self.key_positions.get(top.path + (key,), (0, 0))[0]
            self._error(self._key_mark_obj(top), "E003", f"duplicate key {key!r} (first defined on line {first})",
                        "remove one of them: YAML would silently keep only the last")
            return
        top.container[key] = value
        self.key_positions[top.path + (key,)] = top.key_mark

    @staticmethod
    def _key_mark_obj(frame: _Frame) -> Any:
        line, col = frame.key_mark
        return yaml.Mark("", 0, line - 1, col - 1, None, None)

    def _expect_key(self) -> bool:
        return bool(self.stack) and isinstance(self.stack[-1].container, dict) and self.stack[-1].key is _EMPTY

    # -- events --
    def feed(self, event: yaml.Event) -> None:
        """Handle one event; the common cases (plain keys and scalar values) stay on a short path."""
        cls = event.__class__
        stack = self.stack
        if cls is yaml.ScalarEvent and stack and event.tag is None and event.anchor is None:
            top = stack[-1]
            mark = event.start_mark
            container = top.container
            if container.__class__ is dict:
                if top.key is _EMPTY:
                    top.key_mark = (mark.line + 1, mark.column + 1)
                    top.key = event.value
                    return
                path = top.path + (top.key,)
            else:
                path = top.path + (len(container),)
            self.positions[path] = (mark.line + 1, mark.column + 1)
            value = event.value if event.style in _QUOTED else _plain_scalar(event.value)
            if value is _SLOW:
                value = self._scalar(event)
            self.nodes += 1
            top.count += 1
            if self.nodes > self.limits.max_nodes:
                self._count(0, mark)
            if container.__class__ is list:
                container.append(value)
            else:
                self._place(value, mark)
            return
        if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            frame = stack.pop()
            if frame.anchor:
                self.anchors[frame.anchor] = (frame.container, frame.count)
            if stack:
                stack[-1].count += frame.count
            self._place(frame.container, event.start_mark)
            return
        if cls is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self._error(event.start_mark, "E013", "more than one YAML document in the file",
                            "remove the extra '---' line, or split it into its own file", stop=True)
            return
        if cls is yaml.StreamStartEvent or cls is yaml.StreamEndEvent or cls is yaml.DocumentEndEvent:
            return
        if self._expect_key():
            self._key(event)
            return
        path = self._child_path()
        assert path is not None
        if cls is yaml.AliasEvent:
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                self._error(event.start_mark, "E012", f"more than {self.limits.max_aliases:,} aliases",
                            "write the data out instead of repeating anchors", stop=True)
            if event.anchor not in self.anchors:
                self._error(event.start_mark, "E001", f"unknown alias *{event.anchor}", "define the anchor &name first", stop=True)
            value, count = self.anchors[event.anchor]
            self._count(count, event.start_mark)
            self.positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
            self._place(value, event.start_mark)
            return
        self.positions[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if cls is yaml.ScalarEvent:
            value = self._scalar(event)
            self._count(1, event.start_mark)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            self._place(value, event.start_mark)
            return
        if cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
            is_map = cls is yaml.MappingStartEvent
            self._check_tag(event, "tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq")
            if len(stack) >= self.limits.max_depth:
                self._error(event.start_mark, "E014", f"nesting deeper than {self.limits.max_depth} levels",
                            "flatten the structure; playbooks never need this depth", stop=True)
            self.nodes += 1
            stack.append(_Frame({} if is_map else [], path, event.anchor))

    def _key(self, event: yaml.Event) -> None:
        top = self.stack[-1]
        top.key_mark = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            top.key = event.value
            self._check_tag(event, None)
            return
        if isinstance(event, yaml.AliasEvent):
            value = self.anchors.get(event.anchor, (None, 0))[0]
            if isinstance(value, str):
                top.key = value
                return
        self._error(event.start_mark, "E015", "mapping keys must be plain strings", "write the key as a plain word", stop=True)

    def _check_tag(self, event: Any, default: str | None) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag != default and tag not in _SCALAR_TAGS:
            self._error(event.start_mark, "E016", f"YAML tag {tag!r} is not allowed",
                        "playbooks hold plain data; remove the '!' tag", stop=True)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        self._check_tag(event, None)
        if event.style in _QUOTED or event.tag == "!":
            if event.tag in (None, "!", "tag:yaml.org,2002:str"):
                return event.value
        tag = event.tag if event.tag not in (None, "!") else _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in _CONSTRUCTED:
            # Dates stay text (the model parses them where it expects them), and so do
            # PyYAML's implicit '=' (value) and '<<' (merge) tags, which have no constructor.
            return event.value
        if tag == "tag:yaml.org,2002:bool" and event.value.lower() not in ("true", "false"):
            return event.value  # YAML 1.2: yes/no/on/off are words (no "Norway problem")
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return _construct(tag, node)
        except (yaml.YAMLError, ValueError) as exc:
            self._error(event.start_mark, "E001", f"bad {tag.rsplit(':', 1)[-1]} value {event.value!r}: {_first_line(exc)}", stop=True)
            return None


def _tab_indentation(text: str, name: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            col = len(line) - len(stripped) + 1
            problems.append(_problem(name, number, col, "E005", "tab character used for indentation",
                                     "YAML indents with spaces only; replace the tab with spaces"))
    return problems


def _reader_position(exc: Exception, text: str) -> tuple[int, int]:
    position = getattr(exc, "position", None)
    if isinstance(position, int):
        line = text.count("\n", 0, position) + 1
        return line, position - (text.rfind("\n", 0, position) + 1) + 1
    return 1, 1


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _problem(name: str, line: int, col: int, code: str, message: str, hint: str | None = None,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(name, line, col, code, message, severity, hint)


__all__ = ["Document", "Limits", "DEFAULT_LIMITS", "read_yaml_file", "parse_yaml_bytes", "compose", "path_str", "display_path"]
