"""The reasons ingest gives for skipping a file, shown in Swedish on the Swedish page: every reason that real bad
files produce (the reliability suite's makers, one batch through the engine) has a translation."""

from __future__ import annotations

import re

import pytest
from granska.eval.hostile_files import KINDS
from granska.ui.skip_reasons import known, skip_reason

from granska.engine import Engine
from granska.settings import IngestSettings
from tests.conftest import hash_settings

# Too slow for a unit test (the reliability suite, `python -m granska.eval.hostile`, runs them).
SLOW = {"1000-page PDF", "PDF over the page limit (2100 pages)", "PDF page of 1.4M operators (runs for minutes)"}
# English words that would show a reason was left untranslated (the parser's own detail in parentheses aside).
ENGLISH = re.compile(r"\b(file|not|the|is|has|over|rename|folder|content|readable|empty|binary|line)\b")


@pytest.fixture(scope="module")
def reasons(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("skip")
    batch = (work / "batch").resolve()
    batch.mkdir()
    for kind in KINDS:
        if kind.name not in SLOW:
            kind.make(batch)
    settings = hash_settings(work / "index", ingest=IngestSettings(file_timeout_s=30.0))
    report = Engine(settings).ingest([batch, work / "saknas.txt"])
    return [s.reason for s in report.skipped]


def test_every_reason_real_files_give_is_translated(reasons: list[str]):
    assert len(reasons) >= 30  # the batch did produce its skips
    unknown = [r for r in reasons if not known(r)]
    assert unknown == []
    for reason in reasons:
        swedish = skip_reason(reason, "sv")
        outside_detail = re.sub(r"\([^()]*\)", "", swedish)
        assert swedish != reason and not ENGLISH.search(outside_detail), (reason, swedish)
        assert skip_reason(reason, "en") == reason  # the English page shows ingest's own words


@pytest.mark.parametrize(
    ("reason", "swedish"),
    [
        ("file is empty", "filen är tom"),
        ("no such file or folder", "filen eller mappen finns inte"),
        (
            "line 3: not valid UTF-8 or Windows-1252 (byte 0x81 at column 5) (and 2 more lines); save it as UTF-8",
            "rad 3: varken giltig UTF-8 eller Windows-1252 (byte 0x81 i kolumn 5) (och 2 rader till); spara filen som UTF-8",
        ),
        (
            "content is a PDF but the name ends in .txt; rename it to .pdf",
            "innehållet är en PDF men namnet slutar på .txt; byt namn till .pdf",
        ),
        ("DOCX part word/document.xml: malformed XML (unclosed token: line 1, column 25)",
         "DOCX-delen word/document.xml: felaktig XML (unclosed token: line 1, column 25)"),
        ("took too long (page 3 of 40); over the per-file time limit",
         "tog för lång tid (sida 3 av 40); över tidsgränsen per fil"),
        ("Permission denied", "Permission denied"),  # the operating system's words: left as they are
    ],
)  # fmt: skip
def test_a_reason_keeps_its_numbers_and_detail(reason: str, swedish: str):
    assert skip_reason(reason, "sv") == swedish
