"""The answer must be about what was asked: a quantity of the asked thing, a board's answer from its answer,
a wrong firm contradicted where the document names its own.

Sentences are read from the real audit documents; the questions are written for this test (none is a dataset
question), so they check the general rule, not a tuned case."""

from __future__ import annotations

import re

import pytest
from granska.qa.answer_quantity import about_the_asked, asked_terms, asks_quantity

from granska.engine import Engine
from tests.conftest import SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits" / "docs"
SWEQUAD_DOCS = SHARED / "datasets" / "swequad_mc" / "docs"  # the dev split's texts


def sentence_with(folder, words: str) -> str:
    """The line of a real document that holds `words` (so the test reads the text as ingest does)."""
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if words in line:
                return line
    raise AssertionError(f"no document in {folder} holds {words!r}")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    e = Engine(hash_settings(tmp_path_factory.mktemp("sources-index")))
    assert not e.ingest([AUDITS]).skipped
    return e


def test_a_sum_of_something_else_is_no_cost():
    payments = sentence_with(AUDITS, "4,5 miljarder kr")
    assert not about_the_asked("Vad kostade granskningen av utbetalningarna?", payments)
    assert not about_the_asked("How much did the audit of the payments cost?", payments)
    # the same sum answers a question about the payments' value, which names no cost
    assert about_the_asked("Hur mycket pengar betalades ut via systemen?", payments)


def test_a_price_is_a_cost_and_a_count_must_count_the_asked_thing():
    price = sentence_with(SWEQUAD_DOCS, "för 100 kr")
    assert about_the_asked("Hur mycket kostar boken?", price)
    staff = sentence_with(AUDITS, "45 medarbetare")
    assert about_the_asked("Hur många medarbetare fanns på förvaltningen?", staff)
    assert asked_terms("How many employees worked at the department?")  # an English plural is a noun
    assert about_the_asked("How many employees worked at the department?", staff)
    assert not about_the_asked("Hur många ärenden granskades?", staff)


def test_only_a_question_that_asks_a_quantity_first_is_checked():
    assert asks_quantity("Hur många hemsjukvårdspatienter fanns det?")
    assert not asks_quantity("Med hjälp av vad räknar man ut hur många dagar man får stanna?")
    assert not asks_quantity("Vad gör man för att minska kostnaderna?")
    assert asked_terms("Hur många antogs till utbildningen?") == ()  # a verb: the counted thing is unnamed


def test_a_cost_the_documents_never_give_abstains(engine: Engine):
    a = engine.ask("Vad kostade KPMG:s granskning av omsorgs- och socialnämnden i Lidingö stad?")
    assert a.abstained, a.answer


def test_a_boards_answer_comes_only_from_an_answer(engine: Engine):
    # The LSS report of Mark has no answer from the board in the corpus: its findings are no answer.
    silent = engine.ask("Vad svarade socialnämnden i Marks kommun på revisorernas rapport om LSS-verksamheten?")
    assert silent.notes["intent"] == "response"
    assert silent.abstained, silent.answer
    # Where the answer is in the corpus, it answers, from the answer document.
    spoken = engine.ask("Hur svarade vårdstyrelsen i Region Uppsala på revisorernas rapport om tillgängligheten?")
    assert not spoken.abstained
    metas = engine.searcher().metas
    assert all(metas[c.doc].role == "response" for c in spoken.citations)


def test_a_question_about_the_question_put_is_not_a_response():
    from granska.qa import intent

    assert intent.read("Vilken fråga ville revisorerna ha nämndens svar på?").kind == "purpose"
    assert intent.read("By which date was the board to reply to the auditors?").kind == "when"


def test_a_claim_naming_the_wrong_firm_cites_where_the_document_names_its_firm(engine: Engine):
    v = engine.verify("Granskningen av direktupphandling och avtalstrohet i Uddevalla kommun gjordes av KPMG.")
    assert v.verdict == "contradicted", v.explanation
    assert v.citations and re.search(r"\bEY\b", v.citations[0].text), v.citations
    docs = engine.documents()
    assert docs[v.citations[0].doc].text[v.citations[0].start : v.citations[0].end] == v.citations[0].text
