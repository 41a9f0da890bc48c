"""The `granska` command: one thin module per command group, each registering on the app in `common`.

May import: the engine and the ground (granska.*), and the other ui modules lazily (serve).
"""

from __future__ import annotations

# Importing a group registers its commands; the order here is the order `granska --help` lists them.
from granska.ui.cli import documents, ask, reports, serve, measure  # noqa: F401  # isort: skip
from granska.ui.cli.common import app


def main() -> None:
    app()
