"""A document's date read from its running page header when its front matter has none (real OCR'd letter)."""

from __future__ import annotations

from granska.ingest.facts import facts

from granska.engine import BUNDLED_CORPUS
from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _dated(path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = [f for f in facts(text) if f.kind == "report_date"]
    assert all(text[f.start : f.end] == f.value for f in found)
    return [f.value for f in found]


def test_the_page_header_dates_a_letter_whose_first_page_has_no_date():
    # Borås's reply: the date stands only in "Bords Stad 2021-11-12 3(3)" under "Datum Sida", on page 3.
    assert _dated(BUNDLED_CORPUS / "000_4d997ea345fff442.txt") == ["2021-11-12"]


def test_a_date_in_the_front_matter_still_wins_and_a_deadline_is_no_header():
    assert _dated(AUDITS / "harnosand-2021-bokslut-arsredovisning-missiv.txt") == ["2021-04-08"]
    # Borås's missive names only a reply deadline ("emotses senast 2021-04-16") at its end: no document date.
    assert _dated(BUNDLED_CORPUS / "001_4163dba9df5f7a61.txt") == []
