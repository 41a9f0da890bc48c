"""The general fixes for kinds3 failures (issue #10), on the real audits documents: a dated statement that repeats
the report's title answers a "which year / which date" question, the audit questions run into their introduction
are listed, a list question is answered by the sentence naming the members it asks for, "syftade" and "har
skrivit" are read for what they ask, a letterhead block never comes second in an answer, the recommendations of
the audit named are not mixed with the municipality's other report's, and the answer to an audit question is not
taken for the question; a question giving its reason is answered by the consequence ("därför")."""

from __future__ import annotations

import pytest
from granska.eval.metrics import key_found
from granska.qa.evidence import Scored, Weights, sentences
from granska.qa.intent import kind
from granska.qa.routes import CUES
from granska.qa.statement import letterhead, statement, title_line

from granska.engine import Engine
from granska.text import fold, sentence_spans
from tests.qa.conftest import AUDITS


def _sentences_of(engine: Engine, question: str, doc: str) -> list[Scored]:
    """The scored sentences of one document's passages, as the answer step reads them."""
    hits = [h for h in engine.search(question, k=20) if h.chunk.doc == doc]
    return sentences(question, hits, Weights([h.chunk.text for h in hits]))


def test_a_dated_statement_is_told_from_a_cover_line_in_a_real_report(audits_engine: Engine):
    doc = "norrkoping-2016-uppsikt.txt"
    found = _sentences_of(audits_engine, "fördjupad granskning av kommunstyrelsens uppsikt 2014 2016", doc)
    dated = [s for s in found if "genomförde 2014" in s.span.text]
    cover = [s for s in found if s.span.text.startswith("Granskning av kommunstyrelsens uppsikt 2016")]
    assert dated and cover, [s.span.text for s in found]
    # The statement repeats the title's words; only a question for its time lets it stand (statements=True).
    assert statement(dated[0].span.text) and title_line(dated[0]) and not title_line(dated[0], statements=True)
    assert not statement(cover[0].span.text) and title_line(cover[0], statements=True)


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Vilket år gjorde kommunrevisionen i Norrköping en fördjupad granskning av kommunstyrelsens uppsikt?", "2014"),
        ("Per vilket datum har KPMG granskat Härnösands bokslut och årsredovisning?", "2020-12-31"),
    ],
)
def test_a_which_year_question_is_answered_by_the_statement_repeating_the_title(
    audits_engine: Engine, question: str, key: str
):
    a = audits_engine.ask(question)
    assert not a.abstained and key_found(key, a.answer), a.answer


def test_the_audit_questions_run_into_their_introduction_are_listed(audits_engine: Engine):
    a = audits_engine.ask("Vilka revisionsfrågor hade granskningen av hemsjukvården i Härnösand?")
    assert not a.abstained, a.answer
    for key in ("organiserad", "uppföljningar", "avvikelser", "informationsöverföring"):
        assert key_found(key, a.answer), (key, a.answer)


def test_a_short_introduction_naming_the_asked_noun_introduces_the_list(audits_engine: Engine):
    a = audits_engine.ask("Vilka granskningar följdes upp i Uppsala kommuns uppföljande granskning 2023?")
    for key in ("bisysslor", "klimatanpassning", "kompetensförsörjning"):
        assert key_found(key, a.answer), (key, a.answer)


def test_a_list_question_is_answered_by_the_sentence_naming_the_members(audits_engine: Engine):
    a = audits_engine.ask("Vilka nämnder omfattades av EY:s granskning av avtalstrohet i Uddevalla?")
    first = a.citations[0].text if a.citations else ""
    assert key_found("socialnämnden", first) and key_found("samhällsbyggnadsnämnden", first), a.answer


@pytest.mark.parametrize(
    ("question", "want"),
    [
        ("Vad syftade granskningen av manuella utbetalningar till?", "purpose"),
        ("Vad syftar uppföljningen till?", "purpose"),
        ("Vem har skrivit revisionsrapporten om LSS-verksamheten?", "signed_by"),
        ("Who has written the report on the LSS services?", "signed_by"),
    ],
)
def test_question_forms_are_read_for_what_they_ask(question: str, want: str):
    assert kind(question) == want


def test_the_author_is_named_with_the_role(audits_engine: Engine):
    a = audits_engine.ask("Vem har skrivit revisionsrapporten om LSS-verksamheten i Marks kommun?")
    assert key_found("Ingrid Norman", a.answer) and key_found("kommunal revisor", a.answer), a.answer


def test_the_purpose_is_quoted_without_the_letterhead_block(audits_engine: Engine):
    text = (AUDITS / "docs" / "huddinge-2014-manuella-utbetalningar-svar.txt").read_text(encoding="utf-8")
    assert any(letterhead(text[s:e]) for s, e in sentence_spans(text))  # the block is there to be left out
    a = audits_engine.ask("Vad syftade granskningen av manuella utbetalningar i Huddinge till?")
    assert key_found("utbetalningsprocesserna", a.answer), a.answer
    assert not any(letterhead(c.text) for c in a.citations), a.answer


def test_the_recommendations_of_the_audit_named_not_the_municipalitys_other_report(audits_engine: Engine):
    """Härjedalen has two reports with recommendations; the question names the recruitment audit, whose rows do
    not repeat its topic word: only that report's rows are listed, all of them."""
    a = audits_engine.ask(
        "Vilka rekommendationer lämnade Deloitte efter granskningen av rekryteringsrutinerna i Härjedalen?"
    )
    assert {c.doc for c in a.citations} == {"harjedalen-2014-rekrytering.txt"}, a.answer
    for key in ("provanställning", "Recruit", "jävsfrågor", "rekryteringsföretag", "mer än en sökande"):
        assert key_found(key, a.answer), (key, a.answer)


def test_the_answer_to_the_audit_question_is_not_the_audit_question(audits_engine: Engine):
    cue = CUES["purpose"]
    assert cue.search(fold("Övergripande revisionsfråga är om rutinerna är tillräckliga?"))
    assert not cue.search(
        fold("Svar på revisionsfrågan Utifrån vår granskning bedömer vi att rutinerna kan förbättras.")
    )
    a = audits_engine.ask("Vilken var den övergripande revisionsfrågan i granskningen av rekrytering i Härjedalen?")
    assert key_found("tillräckliga", a.answer) and "Svar på revisionsfrågan" not in a.answer, a.answer


def test_a_question_giving_its_reason_is_answered_by_the_consequence(audits_engine: Engine):
    a = audits_engine.ask(
        "Vad måste kommunstyrelsen i Norrköping göra, eftersom förarbetena inte ger stöd för hur uppsikten ska utformas?"
    )
    first = a.citations[0].text if a.citations else ""
    assert "därför själv definiera" in first, a.answer
    b = audits_engine.ask("Vad saknas stöd för i lagens förarbeten enligt Norrköpings kommunrevision?")  # no reason
    assert b.citations and "förarbeten" in b.citations[0].text, b.answer
