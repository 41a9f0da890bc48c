"""Reading JSON Lines inputs (datasets, gold tables, batch questions) with one error for an unreadable file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from granska.errors import BadRequestError


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for each non-blank line, so callers can name `file:line` in errors."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadRequestError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield n, line
