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
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

import msgspec
import yaml

from ..gc_pause import gc_paused
from ..inputs import MAX_INT, InputError, InputTooLarge, open_regular, read_limited
from ..problems import Problem, Severity, path_str
from ..sanitize import brief

try:  # libyaml is several times faster and gives the same events and marks
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # same interface, another class

JsonPath = tuple[str | int, ...]


class Limits(msgspec.Struct, frozen=True):
    """Bounds that keep a hostile or broken file from costing time or memory."""

    max_bytes: int = 8 * 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 2_000_000  # values after alias expansion
    max_aliases: int = 10_000


DEFAULT_LIMITS = Limits()
_DEPTH_MESSAGE = "nesting deeper than {} levels"
_DEPTH_HINT = "flatten the structure; playbooks never need this depth"


# Where values start. The composer keeps a tree of entries that mirrors the data:
# a scalar's entry is its offset (the parser mark's character index: one int per
# value, turned into a line and column only when someone asks); a container's is a
# span, the tuple (offset, child entries, key offsets), whose child entries are a
# list (sequence) or a dict by key (mapping) and whose key offsets are None for a
# sequence. An alias's entry is (offset, None, None): values reached through an
# alias have no position of their own, so lookups stop there.
# A path tuple and a (line, col) tuple per scalar were most of the composer's time,
# and reading a mark's line and column twice what its index costs; ints also stay
# out of the garbage collector's way.
_Span = tuple[int, Any, "dict[str, int] | None"]
# A path's location: the entry of its longest prefix that has one, and whether
# that prefix is the whole path (see Document.locate).
Location = tuple[Any, bool]
_MISSING = object()
# What YAML counts as a line break, as libyaml does: CR LF, CR, LF, NEL, LS, PS.
# Two classes, not one: a class mixing Latin-1 and wider characters makes re build a 64K-character bitmap.
_BREAK = re.compile("\r\n|[\r\n\x85]|[\u2028\u2029]")
_RARE_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # any of them: the regular expression above


class _Lines:
    """Character offset -> 1-based (line, col), from the text's line starts, found on first use."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None  # a valid file may never need them

    def line_col(self, entry: Any) -> tuple[int, int]:
        """The position of an entry (an offset, or a span starting at one), as editors count."""
        starts = self._starts
        if starts is None:
            text = self._text
            if any(brk in text for brk in _RARE_BREAKS):
                starts = [0, *(match.end() for match in _BREAK.finditer(text))]
            else:  # only LF: splitting is several times faster than a match object per line
                starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]
            self._starts = starts
        offset = entry[0] if entry.__class__ is tuple else entry
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1


def _child(entry: Any, part: str | int) -> Any:
    """The entry of `part` inside `entry`, or _MISSING (scalars and aliases have no children)."""
    if entry.__class__ is not tuple or entry[1] is None:
        return _MISSING
    values = entry[1]
    if entry[2] is None:
        return values[part] if isinstance(part, int) and 0 <= part < len(values) else _MISSING
    return values.get(part, _MISSING) if isinstance(part, str) else _MISSING


class Document:
    """One parsed YAML file: plain data plus the position of each value and key.

    A plain class: it fills in its line index on first use, so it is no frozen
    value (the Structs are), and a dataclass would generate its methods as the
    module loads, on `cxcoach recommend`'s start-up path (it reads case files).
    """

    __slots__ = ("_lines", "data", "file", "spans", "text")

    def __init__(self, file: str, data: Any, spans: Any = None, text: str = "", lines: _Lines | None = None) -> None:
        self.file = file
        self.data = data
        self.spans = spans  # the root value's entry, see _Span; None when nothing is known
        self.text = text  # what the offsets in `spans` count into
        self._lines = lines  # the composer's, or made from `text` when first needed

    def __repr__(self) -> str:  # the text can be a megabyte; the lines are derived from it
        return f"Document(file={self.file!r}, data={self.data!r}, spans={self.spans!r})"

    def __eq__(self, other: object) -> bool:  # what the file says, not how far its line index was built (unhashable)
        if not isinstance(other, Document):
            return NotImplemented
        return (self.file, self.data, self.spans, self.text) == (other.file, other.data, other.spans, other.text)

    def _line_col(self, entry: Any) -> tuple[int, int]:
        if self._lines is None:
            self._lines = _Lines(self.text)
        return self._lines.line_col(entry)

    def position(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """The nearest known position for `path` (aliases and defaults have none)."""
        if key and path:
            parent, exact = self.locate(path[:-1])
            keys = parent[2] if exact and parent.__class__ is tuple and parent[1] is not None else None
            if keys is not None and path[-1] in keys:
                return self._line_col(keys[path[-1]])
        return self.line_col(self.locate(path))

    def locate(self, path: JsonPath) -> Location:
        """Where `path` is, for `step` and `line_col`: walking once beats a walk per descendant."""
        location: Location = (self.spans, self.spans is not None)
        for part in path:
            location = self.step(location, part)
        return location

    @staticmethod
    def step(location: Location, part: str | int) -> Location:
        """The location of child `part` of `location`."""
        entry, exact = location
        if not exact:
            return location
        child = _child(entry, part)
        return (entry, False) if child is _MISSING else (child, True)

    def line_col(self, location: Location) -> tuple[int, int]:
        """The 1-based (line, col) of a location: that of its nearest positioned ancestor."""
        return (1, 1) if location[0] is None else self._line_col(location[0])

    @property
    def positions(self) -> Mapping[JsonPath, tuple[int, int]]:
        """Exact path -> position of every value with one of its own (read-only view)."""
        return _PositionView(self, keys=False)

    @property
    def key_positions(self) -> Mapping[JsonPath, tuple[int, int]]:
        """Exact path -> position of the key naming it, for every mapping value (read-only view)."""
        return _PositionView(self, keys=True)


class _PositionView(Mapping[JsonPath, tuple[int, int]]):
    """The span tree seen as the dict of path -> (line, col) that callers used to get."""

    def __init__(self, doc: Document, *, keys: bool) -> None:
        self._doc = doc
        self._keys = keys

    def __getitem__(self, path: JsonPath) -> tuple[int, int]:
        if not isinstance(path, tuple):
            raise KeyError(path)
        entry = self._doc.spans
        parts = path[:-1] if self._keys else path
        if entry is None or (self._keys and not path):
            raise KeyError(path)
        for part in parts:
            entry = _child(entry, part)
            if entry is _MISSING:
                raise KeyError(path)
        if self._keys:
            marks = entry[2] if entry.__class__ is tuple and entry[1] is not None else None
            if marks is None or path[-1] not in marks:
                raise KeyError(path)
            return self._doc._line_col(marks[path[-1]])
        return self._doc._line_col(entry)

    def __iter__(self) -> Iterator[JsonPath]:
        if self._doc.spans is None:
            return
        pending: list[tuple[JsonPath, Any, bool]] = [((), self._doc.spans, False)]  # path, entry, has a key
        while pending:
            path, entry, keyed = pending.pop()
            if keyed or not self._keys:
                yield path
            if entry.__class__ is not tuple or entry[1] is None:
                continue
            mapping = entry[2] is not None
            children = entry[1].items() if mapping else enumerate(entry[1])
            pending.extend(reversed([((*path, part), child, mapping) for part, child in children]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
# types-PyYAML leaves Resolver.resolve unannotated: calls go through this typed handle.
_resolve: Callable[[type[yaml.Node], str, tuple[bool, bool]], str] = _RESOLVER.resolve
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_QUOTED = ("'", '"', "|", ">")
_SLOW = object()
_PLAIN_CACHE: dict[str, Any] = {}
# First characters of every implicit type (ints, floats, bools, nulls, dates...); most ids start otherwise.
_IMPLICIT_STARTS = frozenset(_RESOLVER.yaml_implicit_resolvers)  # a None key would mean "any character"
_PLAIN_CACHE_SIZE = 50_000
_INT_DIGITS = len(str(MAX_INT))  # plain decimals shorter than this are in range; larger ones are E006


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
    if text.isascii() and text.isdigit() and (text[0] != "0" or len(text) == 1) and len(text) < _INT_DIGITS:
        value = int(text)  # a plain decimal, as resolve() and the constructor read it, sooner
    else:
        value = _resolved(text)
        if value is _SLOW:
            return value
    if len(_PLAIN_CACHE) < _PLAIN_CACHE_SIZE:
        _PLAIN_CACHE[text] = value
    return value


def _resolved(text: str) -> Any:
    """A plain scalar's value by PyYAML's implicit resolvers, read as YAML 1.2 reads bools and dates."""
    if text and text[0] not in _IMPLICIT_STARTS and None not in _IMPLICIT_STARTS:
        tag = "tag:yaml.org,2002:str"  # what resolve() returns when no implicit type starts so
    else:
        tag = _resolve(yaml.ScalarNode, text, (True, False))
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        return text  # dates stay text: the model parses them where it expects them
    if tag == "tag:yaml.org,2002:bool" and text.lower() not in ("true", "false"):
        return text  # YAML 1.2: yes/no/on/off are words (no "Norway problem")
    if tag in _CONSTRUCTED:
        try:
            value = _construct(tag, yaml.ScalarNode(tag, text))
        except (yaml.YAMLError, ValueError):
            return _SLOW
        return _SLOW if tag == "tag:yaml.org,2002:int" and abs(value) > MAX_INT else value  # E006 there
    return _SLOW


def _digitless(text: str) -> bool:
    """An "integer" the YAML 1.1 resolver accepts without a single digit after its prefix (`0b_`, `-0x__`)."""
    body = text.lstrip("+-")
    if body[:2] in ("0b", "0x", "0o"):
        body = body[2:]
    return not body.replace("_", "").replace(":", "")


def display_path(path: Path) -> str:
    """Paths relative to the working directory when possible: shorter and clickable."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


def read_yaml_file(path: Path, *, limits: Limits = DEFAULT_LIMITS,
                   name: str | None = None) -> tuple[Document | None, list[Problem]]:
    """Read and compose one file; never raises for bad content, never blocks on a pipe or reads past the limit."""
    name = name or display_path(path)
    try:
        with open_regular(path) as handle:
            raw = read_limited(handle, limits.max_bytes, name)
    except InputTooLarge:
        return None, [_too_big(name, limits)]
    except InputError as exc:
        return None, [_problem(name, 1, 1, "E011", f"cannot read file: {exc.reason}")]
    return parse_yaml_bytes(raw, name, limits=limits)


def empty_hint(problems: list[Problem], hint: str) -> list[Problem]:
    """`problems` with the hint of an empty file (E004) saying what this kind of file holds: the reader
    knows YAML, not whether it read a playbook file, a test file or a file of replies."""
    import msgspec

    return [msgspec.structs.replace(p, hint=hint) if p.code == "E004" else p for p in problems]


def _too_big(name: str, limits: Limits) -> Problem:
    return _problem(name, 1, 1, "E010", f"file is over the limit of {limits.max_bytes:,} bytes",
                    "split the playbook into several files in one folder")


def parse_yaml_bytes(raw: bytes, name: str, *,
                     limits: Limits = DEFAULT_LIMITS) -> tuple[Document | None, list[Problem]]:
    problems: list[Problem] = []
    if len(raw) > limits.max_bytes:
        return None, [_too_big(name, limits)]
    for bom, label in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                       (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if raw.startswith(bom):
            return None, [_problem(name, 1, 1, "E002", f"file is encoded as {label}",
                                   "save it as UTF-8 without a byte-order mark")]
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
        problems.append(_problem(name, 1, 1, "W001", "file starts with a UTF-8 byte-order mark",
                                 "save it as UTF-8 without BOM; the mark is ignored", Severity.WARNING))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [*problems, _problem(name, line, col, "E002", f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
                                          "save the file as UTF-8")]
    doc, more = compose(text, name, limits)
    return doc, problems + more


def compose(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Document | None, list[Problem]]:
    """Compose YAML text into data with positions, or report why not."""
    builder = _Composer(name, limits, text)
    parser = _Loader(text)
    try:
        with gc_paused():  # the data is acyclic: see gc_pause.py
            builder.run(parser)
    except _Stop:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if "nesting" in message:  # libyaml (0.2.5+ as bundled by PyYAML 6.0.3+) bounds depth itself
            return None, [*builder.problems, _problem(name, line, col, "E014", _DEPTH_MESSAGE.format(limits.max_depth),
                                                      _DEPTH_HINT)]
        return None, [*builder.problems, _syntax_problem(name, text, exc)]
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        line, col = _reader_position(exc, text)
        return None, [*builder.problems, _problem(name, line, col, "E001", f"YAML error: {_first_line(exc)}",
                                                  "remove control characters from the file")]
    finally:
        parser.dispose()
    sections = "a playbook file is a mapping of sections, e.g. `facts:` or `rules:`"
    if builder.documents == 0 or builder.root is _EMPTY:
        return None, [*builder.problems, _problem(name, 1, 1, "E004", "file is empty", sections)]
    if builder.root is None:
        return None, [*builder.problems, _problem(name, 1, 1, "E004", "file holds no data (only null)", sections)]
    return Document(name, builder.root, builder.root_entry, text, builder.lines), builder.problems


_EMPTY = object()


class _Composer:
    """Builds plain data and its span tree (see _Span) from parser events, enforcing the limits."""

    def __init__(self, name: str, limits: Limits, text: str) -> None:
        self.name = name
        self.limits = limits
        self.lines = _Lines(text)
        self.anchors: dict[str, tuple[Any, int]] = {}  # name -> (value, values it expands to)
        self.problems: list[Problem] = []
        self.root: Any = _EMPTY
        self.root_entry: Any = None
        self.documents = 0
        self.aliases = 0

    def _error(self, mark: Any, code: str, message: str, hint: str | None = None, *, stop: bool = False) -> None:
        """Record a problem at `mark` (a parser mark or an offset); stop composing if `stop`."""
        line, col = self.lines.line_col(mark) if isinstance(mark, int) else (mark.line + 1, mark.column + 1)
        self.problems.append(_problem(self.name, line, col, code, message, hint))
        if stop:
            raise _Stop

    def run(self, parser: Any) -> None:
        """Consume every event of `parser`.

        One loop with the innermost open container in local variables: an event
        costs about as much here as in the parser itself, so method calls and
        attribute lookups per event would double the time. Rare events (tags,
        anchors, aliases, errors) go through the helper methods below.
        """
        get_event = parser.get_event
        max_nodes, max_depth = self.limits.max_nodes, self.limits.max_depth
        plain_cache, slow = _PLAIN_CACHE, _SLOW
        anchors = self.anchors
        Scalar, Alias = yaml.ScalarEvent, yaml.AliasEvent
        MapStart, SeqStart = yaml.MappingStartEvent, yaml.SequenceStartEvent
        MapEnd, SeqEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent
        stack: list[tuple[Any, ...]] = []
        # The open container: its data, child entries, key positions (None: a sequence),
        # pending key (_EMPTY: a key is expected; None in a sequence), the pending
        # key's position, the node count when it opened, its anchor and position.
        # The document level is a sequence that takes at most the root value.
        top: list[Any] = []
        container: Any = top
        entries: Any = []
        key_marks: dict[str, int] | None = None
        key: Any = None
        key_mark = 0
        start, anchor, start_mark = 0, None, 0
        nodes = 0
        while True:
            event = get_event()
            cls = event.__class__
            mark = event.start_mark
            if cls is Scalar:
                if key is _EMPTY:
                    key = event.value if event.tag is None else self._key(event)
                    key_mark = mark.index
                    continue
                if event.tag is None and event.anchor is None:
                    # Plain scalars have no style ('' from libyaml, None from pure PyYAML).
                    value = event.value if event.style else plain_cache.get(event.value, slow)
                    if value is slow:
                        value = _plain_scalar(event.value)
                        if value is slow:
                            value = self._scalar(event)
                else:
                    value = self._scalar(event)
                    if event.anchor:
                        anchors[event.anchor] = (value, 1)
                nodes += 1
                if nodes > max_nodes:
                    self._too_many(mark)
                entry = mark.index
            elif cls is MapEnd or cls is SeqEnd:
                if anchor:
                    anchors[anchor] = (container, nodes - start)
                value, entry = container, (start_mark, entries, key_marks)
                container, entries, key_marks, key, key_mark, start, anchor, start_mark = stack.pop()
            elif cls is MapStart or cls is SeqStart:
                if key is _EMPTY:
                    self._key(event)  # raises: keys are plain strings
                is_map = cls is MapStart
                if event.tag is not None:
                    self._check_tag(event, "tag:yaml.org,2002:map" if is_map else "tag:yaml.org,2002:seq")
                if len(stack) >= max_depth:
                    self._error(mark, "E014", _DEPTH_MESSAGE.format(max_depth), _DEPTH_HINT, stop=True)
                stack.append((container, entries, key_marks, key, key_mark, start, anchor, start_mark))
                start, anchor, start_mark = nodes, event.anchor, mark.index
                nodes += 1
                if is_map:
                    container, entries, key_marks, key = {}, {}, {}, _EMPTY
                else:
                    container, entries, key_marks, key = [], [], None, None
                continue
            elif cls is Alias:
                if key is _EMPTY:
                    key, key_mark = self._key(event), mark.index
                    continue
                value, count = self._alias(event)
                nodes += count
                if nodes > max_nodes:
                    self._too_many(mark)
                entry = (mark.index, None, None)
            elif cls is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self._error(mark, "E013", "more than one YAML document in the file",
                                "remove the extra '---' line, or split it into its own file", stop=True)
                continue
            elif cls is yaml.StreamEndEvent:
                break
            else:  # stream start, document end
                continue
            if key_marks is None:
                container.append(value)
                entries.append(entry)
            elif key in container:
                first = self.lines.line_col(key_marks[key])[0]
                self._error(key_mark, "E003", f"duplicate key {brief(key)} (first defined on line {first})",
                            "remove one of them: YAML would silently keep only the last")
                key = _EMPTY
            else:
                container[key] = value
                entries[key] = entry
                key_marks[key] = key_mark
                key = _EMPTY
        if top:
            self.root, self.root_entry = top[0], entries[0]

    def _too_many(self, mark: Any) -> None:
        self._error(mark, "E012", f"document expands to more than {self.limits.max_nodes:,} values",
                    "remove alias/anchor chains that repeat data (an 'alias bomb')", stop=True)

    def _alias(self, event: yaml.AliasEvent) -> tuple[Any, int]:
        """The anchored value and how many values it expands to."""
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            self._error(event.start_mark, "E012", f"more than {self.limits.max_aliases:,} aliases",
                        "write the data out instead of repeating anchors", stop=True)
        anchor = event.anchor or ""  # the parser always names the anchor of an alias
        if anchor not in self.anchors:
            self._error(event.start_mark, "E001", f"unknown alias *{anchor}", "define the anchor &name first",
                        stop=True)
        value, count = self.anchors[anchor]
        return value, count

    def _key(self, event: yaml.Event) -> str:
        """A mapping key: a plain (or !!str-like) scalar, or an alias of a string."""
        if isinstance(event, yaml.ScalarEvent):
            self._check_tag(event, None)
            return event.value
        if isinstance(event, yaml.AliasEvent):
            value = self.anchors.get(event.anchor or "", (None, 0))[0]
            if isinstance(value, str):
                return value
        self._error(event.start_mark, "E015", "mapping keys must be plain strings", "write the key as a plain word",
                    stop=True)
        raise AssertionError  # unreachable: _error stops

    def _check_tag(self, event: Any, default: str | None) -> None:
        tag = getattr(event, "tag", None)
        if tag and tag != "!" and tag != default and tag not in _SCALAR_TAGS:
            self._error(event.start_mark, "E016", f"YAML tag {brief(tag)} is not allowed",
                        "playbooks hold plain data; remove the '!' tag", stop=True)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        self._check_tag(event, None)
        if (event.style in _QUOTED or event.tag == "!") and event.tag in (None, "!", "tag:yaml.org,2002:str"):
            return event.value
        tag = (event.tag if event.tag not in (None, "!")
               else _resolve(yaml.ScalarNode, event.value, event.implicit))
        if tag not in _CONSTRUCTED:
            # Dates stay text (the model parses them where it expects them), and so do
            # PyYAML's implicit '=' (value) and '<<' (merge) tags, which have no constructor.
            return event.value
        if tag == "tag:yaml.org,2002:bool" and event.value.lower() not in ("true", "false"):
            return event.value  # YAML 1.2: yes/no/on/off are words (no "Norway problem")
        # libyaml's marks are another class with the same fields; the node only carries them
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)  # type: ignore[arg-type]  # see above
        try:
            value = _construct(tag, node)
        except (yaml.YAMLError, ValueError) as exc:
            if tag == "tag:yaml.org,2002:int":
                if _digitless(event.value):
                    return event.value  # `0b_`, `0x_`: no number at all, so text (PyYAML's int() fails on it)
                self._too_large(event)
            self._error(event.start_mark, "E001", f"bad {tag.rsplit(':', 1)[-1]} value {brief(event.value)}: "
                        f"{_first_line(exc)}", stop=True)
        if tag == "tag:yaml.org,2002:int" and abs(value) > MAX_INT:
            self._too_large(event)
        return value

    def _too_large(self, event: yaml.ScalarEvent) -> None:
        self._error(event.start_mark, "E006", f"integer {brief(event.value)} is out of range "
                    f"(at most {len(str(MAX_INT))} digits, ±{MAX_INT:,})",
                    "quote it if it is an id or a code rather than a number", stop=True)


def _syntax_problem(name: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    """A parser error as a problem: a tab in indentation is E005; where the mark is late, name where to look."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return _problem(name, 1, 1, "E001", "YAML syntax error: invalid YAML", _SYNTAX_HINT)
    lines = _BREAK.split(text)
    here = lines[mark.line] if mark.line < len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent[: mark.column + 1]:
        return _problem(name, mark.line + 1, indent.index("\t") + 1, "E005", "tab character in indentation",
                        "YAML indents with spaces only; replace the tab with spaces (a block scalar whose "
                        "first line starts with a tab needs an indentation indicator, e.g. `|2`)")
    message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
    return _problem(name, mark.line + 1, mark.column + 1, "E001", f"YAML syntax error: {message}",
                    _SYNTAX_HINT + _where_to_look(lines, mark.line, exc.context_mark))


_SYNTAX_HINT = "check indentation, quotes and the ':' after each key"


def _where_to_look(lines: list[str], line: int, context: Any) -> str:
    """Where the real mistake may be when the parser noticed it late, as a sentence for the hint (or '').

    An unclosed bracket or quote is reported where the parser gave up; its
    start is the context mark. A key indented wrongly is often noticed only
    at a later line, which the parser reads as part of the nearest
    less-indented line above it (the enclosing block): naming that block and
    the indentation its first entry set points at the line to fix.
    """
    if context is not None and context.line < line:
        start = lines[context.line][context.column:context.column + 1]
        if start in ("[", "{", '"', "'"):
            return f"; the {'bracket' if start in '[{' else 'quote'} opened on line {context.line + 1} is not closed"
    def indent(text: str) -> int:
        return len(text) - len(text.lstrip(" "))

    content = [n for n in range(min(line, len(lines))) if lines[n].strip() and not lines[n].lstrip().startswith("#")]
    here = lines[line] if line < len(lines) else ""
    block = next((n for n in reversed(content) if indent(lines[n]) < indent(here)), None)
    first = next((n for n in content if block is not None and n > block), None)
    if not here.strip() or block is None or first is None or indent(lines[first]) == indent(here):
        return ""
    return (f"; the parser reads this line as part of the block that starts on line {block + 1} "
            f"({brief(lines[block].strip())}), whose entries are indented {indent(lines[first])} spaces "
            f"(line {first + 1}); this line has {indent(here)}: one of these lines is indented wrongly")


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


__all__ = ["DEFAULT_LIMITS", "Document", "Limits", "compose", "display_path", "parse_yaml_bytes", "path_str",
           "read_yaml_file"]
