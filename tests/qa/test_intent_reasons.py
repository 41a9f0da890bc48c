"""Question forms whose response word is not what they ask (issue #10, session 29), on the real audits
documents: a reason asked about an answer ("Varför ska svaret … skickas till X?") is answered from wherever
the reason stands; a polar question whose subject is an answer ("Har något förslag till förklaring tagits
fram?") asks whether; "Vilka rekommendationer riktade X till Y?" asks the recommendations, and another
municipality's recommendation section is no answer to it."""

from __future__ import annotations

from granska.eval.metrics import key_found
from granska.qa.intent import kind

from granska.engine import Engine


def test_a_reason_a_polar_question_and_named_addressee_are_read_for_what_they_ask():
    assert kind("Varför ska svaret på granskningen skickas till ekonomikontoret?") == "purpose"
    assert kind("Why does the executive board think the answer cannot be complete?") == "other"
    assert kind("Hur svarade nämnden på revisorernas rekommendationer?") == "response"
    assert kind("Har något förslag till förklaring över anmärkningen tagits fram?") == "yes_no"
    assert kind("Has an explanation been submitted to the council?") == "yes_no"
    assert kind("Vilka rekommendationer riktade revisorerna till socialnämnden?") == "recommendations"
    assert kind("Till vilka nämnder riktades rekommendationerna?") == "addressee"


def test_the_reason_for_sending_an_answer_is_quoted_from_the_missive(audits_engine: Engine):
    a = audits_engine.ask(
        "Varför ska svaret på granskningen av bokslut och årsredovisning i Härnösand skickas till KPMG?"
    )
    assert not a.abstained and key_found("för vidarebefordran till revisorerna", a.answer), a.answer


def test_whether_an_explanation_was_drawn_up_is_answered_by_the_sentence_saying_so(audits_engine: Engine):
    a = audits_engine.ask(
        "Har något förslag till förklaring över anmärkningen tagits fram i Region Jämtland Härjedalen?"
    )
    assert not a.abstained and key_found("förslag till förklaring har tagits fram", a.answer), a.answer


def test_recommendations_of_a_named_place_never_come_from_another_place(audits_engine: Engine):
    a = audits_engine.ask("Vilka rekommendationer riktade EY till samhällsbyggnadsnämnden i Uddevalla?")
    assert all(c.doc.startswith("uddevalla") for c in a.citations), [c.doc for c in a.citations]


def test_the_kind_of_document_a_question_names_is_read_first(bundled_hash_engine: Engine):
    # The board's answer quotes the recommendations' lead; the missive the question names lists all four.
    a = bundled_hash_engine.ask(
        "Vilka fyra saker bör kommunstyrelsen i Borås göra enligt Stadsrevisionens missiv om integration?"
    )
    assert not a.abstained and {c.doc for c in a.citations} == {"001_4163dba9df5f7a61.txt"}, a.answer
    for key in ("Arbetslivsnämndens roll", "spridningen av uppföljningen", "stadsövergripande analysen"):
        assert key_found(key, a.answer), a.answer
