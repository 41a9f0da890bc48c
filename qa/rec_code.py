"""Which code the stored tracker rows depend on, so that only a change to it rebuilds them.

The rows are computed by `recommendations.build` and `responsibilities.build` and stored in the shape of
`granska.index.rows` under keys of `rec_tables`; the modules they import (at module level, transitively, within
`granska`) are the code the rows depend on. Deriving the list from the imports keeps it current as modules are
split or added; answering code (`qa/answer.py`, the question-time tracker `qa/tracker.py`) and the background's
process code (`qa/rec_work.py`, `qa/rec_process.py`) are not imported by them, so a change there rebuilds nothing.
An import inside a function (evidence's lazy import of the answer scorer) is question-time code, not followed.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
from collections.abc import Callable
from pathlib import Path

from granska.qa import rec_model

ROOTS = (
    "granska.qa.recommendations",
    "granska.qa.responsibilities",
    "granska.qa.rec_tables",
    "granska.index.rows",
)
PACKAGE = "granska"


def _file(name: str) -> Path | None:
    """The source file of module `name`, None when it is not a module of ours (or a package's __init__)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py") or spec.submodule_search_locations:
        return None
    return Path(spec.origin)


def _imports(path: Path) -> set[str]:
    """The granska modules a file imports at module level (not under `if TYPE_CHECKING:`, not in functions)."""
    out: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)  # `from granska.qa import bodies`
    return {n for n in out if n == PACKAGE or n.startswith(PACKAGE + ".")}


def row_modules() -> dict[str, Path]:
    """Every module the tracker rows depend on: the roots and what they import, transitively, by name."""
    found: dict[str, Path] = {}
    todo = list(ROOTS)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = _file(name)
        if path is None:
            continue
        found[name] = path
        todo.extend(_imports(path))
    return dict(sorted(found.items()))


def code_digest(read: Callable[[Path], bytes] = Path.read_bytes) -> str:
    """A hash of the row modules' sources (`read` gives a file's bytes) and of the fitted classifier's."""
    h = hashlib.sha256()
    for name, path in row_modules().items():
        h.update(name.encode("utf-8") + b"\0")
        h.update(read(path))
    h.update(rec_model.digest())
    return h.hexdigest()[:16]
