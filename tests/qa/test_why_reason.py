"""A "why" question answered by a consequence ("… behöver därför …") quotes the sentence before it, which holds
the reason (Session 32, issue #10 item 6), on the real audits documents."""

from __future__ import annotations

from granska.engine import Engine


def test_a_why_question_gets_the_reason_before_its_therefore(both_engine: Engine):
    a = both_engine.ask("Varför måste kommunstyrelsen själv avgöra vad uppsikten innebär?")
    assert not a.abstained
    assert "därför själv definiera" in a.answer and "förarbeten" in a.answer, a.answer
    first, second = a.citations[:2]
    assert first.doc == second.doc and first.end < second.start  # in the document's order


def test_a_question_that_does_not_ask_why_keeps_its_one_sentence(both_engine: Engine):
    a = both_engine.ask("Vad behöver kommunstyrelsen själv definiera och avgöra när det gäller uppsikten?")
    assert not a.abstained and "därför själv definiera" in a.answer
    assert "förarbeten" not in a.citations[0].text, a.answer


def test_what_a_change_meant_quotes_the_sentence_saying_what_it_brought(both_engine: Engine):
    """ "Vad innebar X för Y?": the sentence naming X leads, the next one ("Ändringen medför …") holds the answer."""
    a = both_engine.ask("Vad innebar ändringen av nämndernas reglemente för kommunstyrelsen?")
    assert not a.abstained and "Ändringen medför" in a.answer, a.answer


def test_a_why_question_is_led_by_the_sentence_giving_a_cause(both_engine: Engine):
    """ "Med anledning av att revisorerna riktar anmärkning …" gives the cause a "varför" asks for."""
    doc = next(d for d in both_engine.documents().values() if "Med anledning av att regionens revisorer" in d.text)
    a = both_engine.ask(f"Varför måste regionstyrelsen i {doc.meta.municipality} lämna en förklaring?")
    assert not a.abstained and "Med anledning av att" in a.citations[0].text, a.answer
