"""cxcoach's import graph, read statically from the source: module-level and function-level imports alike.

An edge A -> B means that some `import` statement in A that can run (anywhere
in the file, inside functions too, but not in an `if TYPE_CHECKING:` block,
which never runs) names B. For `from P import x`, the edge goes to `P.x` when
that is a module and to `P` otherwise. Parent packages a dotted import runs
implicitly are not edges.
"""

from __future__ import annotations

import ast
from pathlib import Path

import cxcoach

PACKAGE = Path(cxcoach.__file__).parent


def module_files() -> dict[str, Path]:
    """Every module of cxcoach by its dotted name (packages by their `__init__.py`)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("cxcoach", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The cxcoach modules that `name` (read from `path`) imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _runnable(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = ".".join(p for p in (base if node.level else "", node.module or "") if p)
            for alias in node.names:
                out.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
    return {target for target in out if target in modules and target != name}


def _runnable(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but those under `if TYPE_CHECKING:`."""
    out, todo = [], [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo += node.orelse
        else:
            todo += ast.iter_child_nodes(node)
    return out


def graph() -> dict[str, set[str]]:
    modules = module_files()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def closure(start: str, edges: dict[str, set[str]]) -> set[str]:
    """Every module reachable from `start`, itself included."""
    seen, todo = {start}, [start]
    while todo:
        for target in edges[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen
