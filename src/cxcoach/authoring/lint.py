"""`cxcoach lint`: findings beyond validity, each with a stable code, position and fix hint.

Validation (`cxcoach validate`) says whether a playbook *can* be loaded; lint
says where it probably does not do what its author meant: rules that can
never fire, drill nodes nobody reaches, phrases the playbook itself forbids.
Checks live in `lint_rules/` (one module per family, codes listed in
`CODES`); this module runs them and applies suppressions:

* inline, on the line a finding points at: ``# cxcoach: noqa L201`` (several
  codes separated by spaces or commas; a bare ``# cxcoach: noqa`` silences
  every code on that line);
* in config: ``[tool.cxcoach.lint] ignore = ["L601", "L3"]`` in the nearest
  ``pyproject.toml``, or ``[lint]`` (or the same ``[tool.cxcoach.lint]``) in a
  ``.cxcoach.toml``, searched from the playbook upward. An entry is a code or
  a code prefix, as in ruff.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from ..errors import CxcoachError
from ..playbook.yamlsource import Document
from ..problems import Problem, ProblemList, Severity
from .lint_rules import ALL_CHECKS, CODES
from .lint_rules.base import LintContext

_NOQA = re.compile(r"#\s*cxcoach:\s*noqa\b:?\s*(?P<codes>[A-Z][0-9]+(?:[\s,]+[A-Z][0-9]+)*)?", re.IGNORECASE)


class LintConfig(msgspec.Struct, frozen=True):
    ignore: frozenset[str] = frozenset()
    source: str | None = None  # the config file the settings came from

    def ignores(self, code: str) -> bool:
        return any(code.startswith(entry) for entry in self.ignore)


class LintReport(msgspec.Struct, frozen=True):
    """What lint found in one playbook: validation problems (if it did not load) and findings."""

    path: str
    findings: tuple[Problem, ...]
    suppressed: int = 0
    loaded: bool = True

    @property
    def errors(self) -> int:
        return sum(p.severity is Severity.ERROR for p in self.findings)

    @property
    def warnings(self) -> int:
        return sum(p.severity is Severity.WARNING for p in self.findings)


class ConfigError(CxcoachError, ValueError):
    """An unreadable lint configuration file."""


def find_config(start: Path) -> LintConfig:
    """The nearest `.cxcoach.toml` or `pyproject.toml` with lint settings, from `start` upward."""
    folder = start.resolve()
    if folder.is_file():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        for name in (".cxcoach.toml", "pyproject.toml"):
            path = directory / name
            if not path.is_file():
                continue
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{path}: {exc}") from None
            section = data.get("tool", {}).get("cxcoach", {}).get("lint")
            if section is None and name == ".cxcoach.toml":
                section = data.get("lint")
            if section is None:
                continue
            ignore = section.get("ignore", [])
            if not isinstance(ignore, list) or not all(isinstance(x, str) for x in ignore):
                raise ConfigError(f"{path}: `ignore` must be a list of code strings, e.g. [\"L601\"]")
            return LintConfig(frozenset(x.strip().upper() for x in ignore), str(path))
    return LintConfig()


class _NoqaIndex:
    """Reads each file once and answers "is this code silenced on that line?"."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def _file(self, name: str) -> list[str]:
        if name not in self._lines:
            try:
                self._lines[name] = Path(name).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._lines[name] = []
        return self._lines[name]

    def silenced(self, problem: Problem) -> bool:
        lines = self._file(problem.file)
        if not 1 <= problem.line <= len(lines):
            return False
        found = _NOQA.search(lines[problem.line - 1])
        if found is None:
            return False
        codes = found.group("codes")
        if not codes:
            return True
        return problem.code.upper() in {c.upper() for c in re.split(r"[\s,]+", codes) if c}


def _raw_documents(root: Path) -> list[Document]:
    """The playbook's files parsed again, with positions, for checks that need what the model folds away.

    The files were just validated, so the schema is not run a second time.
    """
    from ..playbook.loader import playbook_files
    from ..playbook.yamlsource import read_yaml_file

    docs = []
    for path in playbook_files(root, ProblemList()):
        doc, _ = read_yaml_file(path)
        if doc is not None and isinstance(doc.data, dict):
            docs.append(doc)
    return docs


def lint_playbook(path: str | Path, *, config: LintConfig | None = None,
                  select: Sequence[str] = (), today: dt.date | None = None) -> LintReport:
    """Load and lint one playbook; an invalid playbook reports its validation errors instead.

    `today` (default: the real date) is where the calendar coverage check (L701) counts from.
    """
    from ..playbook import check_playbook

    root = Path(path)
    playbook, problems = check_playbook(root)
    if playbook is None:
        return LintReport(str(root), tuple(problems), loaded=False)
    config = config if config is not None else find_config(root)
    docs = _raw_documents(root)
    ctx = LintContext(playbook, docs, root=root) if today is None else LintContext(playbook, docs, today, root)
    raw: list[Problem] = [p for p in problems if p.severity is Severity.WARNING]  # validation warnings count too
    for check in ALL_CHECKS:
        try:
            raw.extend(check(ctx))
        except Exception as exc:  # a bug in one check must not hide the other findings
            raw.append(Problem(str(root), 0, 0, "L000", f"lint check {check.__module__} failed: "
                               f"{type(exc).__name__}: {exc}", Severity.ERROR, "please report this as a cxcoach bug"))
    raw = [p for p in raw if not ctx.shipped_elsewhere(p.file)]
    noqa = _NoqaIndex()
    kept, suppressed = [], 0
    seen: set[tuple[str, int, int, str, str]] = set()
    for problem in sorted(raw, key=lambda p: p.sort_key):
        key = (problem.file, problem.line, problem.col, problem.code, problem.message)
        if key in seen:
            continue
        seen.add(key)
        if select and not any(problem.code.startswith(s) for s in select):
            continue
        if config.ignores(problem.code) or noqa.silenced(problem):
            suppressed += 1
            continue
        kept.append(problem)
    return LintReport(str(root), tuple(kept), suppressed)


def explain_codes() -> Iterable[tuple[str, str]]:
    """Every lint code with its one-line summary, in code order."""
    return sorted(CODES.items())


__all__ = ["CODES", "ConfigError", "LintConfig", "LintReport", "explain_codes", "find_config", "lint_playbook"]
