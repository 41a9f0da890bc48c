"""Page headers and cover lines never stand in or cut an answer (issue #10), on real documents."""

from __future__ import annotations

from granska.ingest.outline import page_header
from granska.qa.answer_quantity import asks_deadline
from granska.qa.evidence import sentence_spans

from granska.engine import Engine
from tests.conftest import BUNDLED_CORPUS


def test_a_list_of_actions_runs_on_past_a_page_header(bundled_engine: Engine):
    # The board's three actions stand on two pages; the header "Datum Sida … 2021-11-12 3(3)" falls between.
    a = bundled_engine.ask(
        "På vilket sätt tänker kommunstyrelsen i Borås omhänderta Stadsrevisionens rekommendationer?"
    )
    assert not a.abstained, a.notes
    quoted = " ".join(c.text for c in a.citations)
    assert "bredare analys" in quoted and "samordningen" in quoted, a.answer
    assert not any(page_header(c.text) for c in a.citations), a.answer


def test_the_header_lines_of_a_real_letter_are_page_headers():
    text = (BUNDLED_CORPUS / "000_4d997ea345fff442.txt").read_text(encoding="utf-8")
    lines = [text[s:e] for s, e in sentence_spans(text)]
    headers = [x for x in lines if page_header(x)]
    assert any("3(3)" in x for x in headers) and any(x.strip() == "Datum Sida" for x in headers), headers
    # Statements and list items of the same letter are not headers.
    assert not any(page_header(x) for x in lines if x.startswith("e Arbetslivsn")), headers


def test_a_cover_date_is_no_deadline(audits_engine: Engine):
    q = "When must Uddevalla's municipal executive board reply to the procurement audit?"
    assert asks_deadline(q) and not asks_deadline("När genomfördes granskningen av upphandling i Uddevalla?")
    a = audits_engine.ask(q)
    assert a.abstained or not any("Januari 2021" in c.text for c in a.citations), a.answer
