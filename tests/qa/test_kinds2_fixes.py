"""The general fixes for kinds2 failures (issue #10), on the real audits documents: cover lines and page headers
never answer a content question, question forms read for what they ask, lists of audit questions and announcing
sentences quoted whole, answer types for "which year" / "which municipality", and a response the documents do
not hold is an abstention."""

from __future__ import annotations

import re

import pytest
from granska.ingest.outline import sections
from granska.qa.answer_items import _SAYS_WHICH, _UNNAMED_SET
from granska.qa.asked_type import meets
from granska.qa.intent import kind
from granska.qa.layout_lines import header_with_number

from granska.engine import Engine
from granska.text import fold, sentence_spans
from tests.qa.conftest import AUDITS

DOCS = AUDITS / "docs"


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_a_page_header_closed_on_a_heading_number_is_found_in_a_real_report():
    text = _text("norrkoping-2016-uppsikt.txt")
    lines = [text[s:e] for s, e in sentence_spans(text)]
    headers = [x for x in lines if header_with_number(x)]
    assert any("2(18)" in x for x in headers), headers
    # No statement of the report is taken for a header (its sentences with a finite verb).
    statements = [x for x in lines if re.search(r" (?:ska|har|är|kan|behöver) ", x)]
    assert len(statements) >= 3 and not any(header_with_number(x) for x in statements), headers


def test_the_cover_block_of_a_real_report_is_its_front_matter():
    text = _text("botkyrka-2012-ekonomistyrning.txt")
    front = [s for s in sections(text) if s.kind == "front"]
    assert front and "Maj 2012" in text[front[0].start : front[0].end]


def test_a_content_question_is_not_answered_by_a_cover_line_or_page_header(audits_engine: Engine):
    a = audits_engine.ask("Vad krävs enligt revisionsrapporten i Botkyrka för att ekonomistyrningen ska ge effekt?")
    assert not any("Maj 2012" in c.text for c in a.citations), a.answer
    b = audits_engine.ask(
        "According to Norrköping's municipal audit, what can weak oversight by the executive board lead to?"
    )
    assert not any("2(18)" in c.text for c in b.citations), b.answer
    assert not b.abstained and "samordningen" in " ".join(c.text for c in b.citations), b.answer


@pytest.mark.parametrize(
    ("question", "want"),
    [
        ("Kan du sammanfatta vad nämnden ville uppnå med sammanslagningen?", "other"),  # a request, not yes/no
        ("Kan du kort sammanfatta revisorernas bedömning?", "assessment"),
        ("Could you briefly summarise the auditors' assessment?", "assessment"),
        ("Hur gick granskningen av LSS-verksamheten till?", "method"),
        ("How was the audit carried out?", "method"),
        ("Vem fick missivet för kännedom?", "addressee"),
        ("To whom does the board submit its explanation?", "addressee"),
        ("Vilka kontrollmål hade granskningen?", "purpose"),
        ("Kan nämnden visa att rutinerna följs?", "yes_no"),  # "kan" without a request verb stays a question
        ("Har rekommendationerna genomförts?", "status"),
    ],
)
def test_question_forms_are_read_for_what_they_ask(question: str, want: str):
    assert kind(question) == want


def test_the_method_question_quotes_how_the_audit_was_done(audits_engine: Engine):
    a = audits_engine.ask("Hur gick granskningen av LSS-verksamheten i Marks kommun till?")
    assert a.notes["intent"] == "method" and "intervjuer" in " ".join(c.text for c in a.citations), a.answer


def test_a_list_of_audit_questions_is_quoted_whole(audits_engine: Engine):
    a = audits_engine.ask("Vilka revisionsfrågor ställdes i granskningen av hemsjukvården i Härnösand?")
    quoted = " ".join(c.text for c in a.citations)
    assert "organiserad?" in quoted and "avvikelser?" in quoted, a.answer


def test_an_announcing_sentence_is_quoted_with_the_one_that_names_what_it_announced(audits_engine: Engine):
    text = _text("huddinge-2014-manuella-utbetalningar-svar.txt")
    spans = [text[s:e] for s, e in sentence_spans(text)]
    i = next(i for i, x in enumerate(spans) if x.startswith("Inom flera områden"))
    assert _UNNAMED_SET.search(fold(spans[i])) and _SAYS_WHICH.search(fold(spans[i + 1]))
    a = audits_engine.ask("Inom vilka områden fungerade den interna kontrollen bra enligt granskningen i Huddinge?")
    assert "ekonomisystemet" in " ".join(c.text for c in a.citations), a.answer


def test_which_year_and_which_municipality_need_a_year_and_a_place():
    text = _text("harnosand-2015-hemsjukvarden.txt")
    statute = next(text[s:e] for s, e in sentence_spans(text) if "1982:763" in text[s:e])
    assert not meets("Which year did the municipality take over home care?", statute)  # a statute is no year
    assert meets("Vilket år togs granskningen upp?", "Granskningen ingick i revisionsplanen för år 2022.")
    assert not meets("I vilken kommun gjordes granskningen?", "Granskningen gjordes av PwC under våren.")
    assert meets("I vilken kommun gjordes granskningen?", "PwC har granskat Marks kommun.")
    assert meets("I vilken stad finns avdelningen?", "Den regionala avdelningen i Örebro har ett centralt ansvar.")


def test_a_response_the_documents_do_not_hold_is_an_abstention(audits_engine: Engine):
    a = audits_engine.ask(
        "Hur svarade kommunstyrelsen i Huddinge på rekommendationen om en logglista över ändringar i fast data?"
    )
    assert a.abstained and a.notes.get("status") in ("no_response_in_corpus", "not_answered"), a.answer
