"""The CLI at a terminal (a real pseudo-terminal of a set width) and for machines: tables sized to the terminal,
`docs list --csv/--xlsx`, and the exit codes in every command's --help."""

from __future__ import annotations

import csv
import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import termios
from pathlib import Path

import pytest

from granska.engine import BUNDLED_CORPUS
from tests.cli.test_cli import run
from tests.conftest import GRANSKA

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def at_terminal(*args: str, index_dir: Path, columns: int) -> str:
    """`granska ARGS` with stdout on a terminal `columns` wide; what it showed, without colour codes."""
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {**os.environ, "GRANSKA_INDEX_DIR": str(index_dir), "GRANSKA_EMBEDDER__MODEL": "hash",
           "COLUMNS": str(columns), "TERM": "xterm"}  # fmt: skip
    proc = subprocess.Popen([GRANSKA, *args], stdout=side, stderr=subprocess.DEVNULL, env=env)
    os.close(side)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # the other end closed: the process is done writing
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(main)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r\n", "\n")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    idx = tmp_path_factory.mktemp("cli-tty") / "index"
    assert run("ingest", str(BUNDLED_CORPUS), index_dir=idx).returncode == 0
    return idx


@pytest.mark.parametrize("args", [["docs", "list"], ["recommendations"], ["responsibilities"]])
def test_tables_fit_the_terminal_with_headers(index_dir: Path, args: list[str]):
    for columns in (80, 140):
        shown = at_terminal(*args, index_dir=index_dir, columns=columns)
        lines = [line for line in shown.splitlines() if line.strip()]
        assert max(len(line) for line in lines) <= columns  # nothing runs past the edge
        assert max(len(line) for line in lines) >= columns - 2  # and the table uses the width it has
        assert "Kommun" in lines[1] or "Kommun" in lines[2]  # a header row, in Swedish
        assert "\t" not in shown


def test_ask_at_a_terminal_lists_its_sources_in_a_table(index_dir: Path):
    shown = at_terminal("ask", "Vem har ansvaret för integrationsfrågorna i Motala?", index_dir=index_dir, columns=90)
    assert "┃ Nr" in shown and "Citat" in shown and "[1]" in shown
    table = [line for line in shown.splitlines() if line[:1] in "┏┃┡│├└"]
    assert table and max(len(line) for line in table) <= 90


def test_docs_list_for_machines(index_dir: Path, tmp_path: Path):
    out = run("docs", "list", "--csv", "--xlsx", str(tmp_path / "docs.xlsx"), index_dir=index_dir)
    assert out.returncode == 0, out.stderr
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["doc", "title", "municipality", "role", "date", "chunks", "vectors", "sha256"]
    assert len(rows) == 6 and {r[0] for r in rows[1:]} == {p.name for p in BUNDLED_CORPUS.glob("*.txt")}
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "docs.xlsx").active
    assert [c.value for c in sheet[1]] == rows[0] and sheet.max_row == 6
    piped = run("docs", "list", index_dir=index_dir).stdout  # piped: the old tab-separated lines, unchanged
    assert len(piped.splitlines()) == 5 and all(line.count("\t") >= 4 for line in piped.splitlines())


@pytest.mark.parametrize(
    "args", [[], ["ask"], ["verify"], ["ingest"], ["recommendations"], ["responsibilities"], ["docs", "list"]]
)
def test_exit_codes_are_in_every_commands_help(args: list[str], tmp_path: Path):
    out = run(*args, "--help", index_dir=tmp_path / "none")
    assert out.returncode == 0
    assert "Exit codes: 0 done; 1 error" in " ".join(out.stdout.split())


def test_ask_at_a_terminal_shows_quotes_repaired_and_piped_output_as_cited(index_dir: Path):
    """A person at a terminal reads an OCR-damaged scan's quote repaired (as in the web UI); a script reading the
    piped output gets the answer exactly as cited."""
    question = "Hur svarade kommunstyrelsen i Borås på revisionsrapporten?"
    piped = run("ask", question, index_dir=index_dir)
    assert piped.returncode == 0, piped.stderr
    cited = piped.stdout.splitlines()[0]
    shown = at_terminal("ask", question, index_dir=index_dir, columns=200).splitlines()[0]
    assert "Utifrain" in cited and "Utifrain" not in shown and "Utifrån" in shown  # the scan's "å" read as "ai"
    assert re.findall(r"\[\d+\]", shown) == re.findall(r"\[\d+\]", cited)  # the same quotes, the same markers
