"""Two answer-step rules on the real audit documents, with questions written for this test (none is a dataset
question): a question naming its document by the title is answered by what it asks beyond the title, not by
the cover line that repeats the title; a "vilka/which X" question is answered by the list a sentence
introducing X ends in ':' before, items one to a line without bullets, whatever words the question adds."""

from __future__ import annotations

import pytest

from granska.engine import Engine
from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits" / "docs"
COVER = "Genomförd av: Revisionsenheten"  # the cover line of the consultancy report, which repeats its title


@pytest.fixture(scope="module")
def engine(audits_engine: Engine) -> Engine:
    return audits_engine


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            "Vilken fråga om konsultfakturor behandlas i granskningen av konsultanvändningen i Västra Götalandsregionen?",
            "hur väl specificerade är konsultfakturorna?",
        ),
        (
            "Vilken fråga om tidsperiod behandlas i granskningen av konsultanvändningen i Västra Götalandsregionen?",
            "Hur har konsultkostnaderna utvecklats över en längre tidsperiod?",
        ),
    ],
)
def test_a_question_naming_the_title_is_not_answered_by_the_cover_line(engine: Engine, question: str, expected: str):
    a = engine.ask(question)
    assert not a.abstained and a.citations
    assert expected in a.citations[0].text and COVER not in a.citations[0].text


@pytest.mark.parametrize(
    "question",
    [
        "Vilka granskningar ingick i uppföljningen av tidigare granskningar i Härnösands kommun?",
        "Which audits did Härnösand municipality follow up in 2014?",
    ],
)
def test_a_which_question_gets_the_list_its_noun_introduces(engine: Engine, question: str):
    a = engine.ask(question)
    assert not a.abstained
    texts = [c.text for c in a.citations]
    assert texts[0] == "De granskningar som följts upp är:"
    assert "Ägarstyrning (2011)" in texts and any("fritidshem (2011)" in t for t in texts)
    doc = engine.documents()[a.citations[0].doc].text
    assert all(doc[c.start : c.end] == c.text for c in a.citations)


def test_a_which_question_about_a_place_with_no_document_still_abstains(engine: Engine):
    assert engine.ask("Vilka granskningar följdes upp i Kiruna kommun?").abstained
