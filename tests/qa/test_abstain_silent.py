"""Abstention where the documents are silent (issue #10, docs/abstain.md Session 26), on the real audits
documents: a place the question names that no document is from abstains and says so, whatever form names it
("i X", "Xs kommunstyrelse", "in X", "X:s revisorer"); a when-question about a decision is not answered by the
report's cover date or by a sentence that neither dates nor names the decision; a which-question is not answered
by a sentence that denies the question's own predicate ("inte helt har vidtagit åtgärder")."""

from __future__ import annotations

import pytest
from granska.eval.metrics import key_found
from granska.qa import places
from granska.qa.answer_quantity import asks_other_event, tells_of_the_event
from granska.qa.asked_type import denial, states_only_status

from granska.engine import Engine


@pytest.mark.parametrize(
    "question",
    [
        "Vem har huvudansvaret för lokalplaneringen i Norrvik?",
        "Hur svarade Östbyns kommunstyrelse på revisorernas granskning av intern kontroll?",
        "Vilka rekommendationer fick Sjöfors kommun om upphandling?",
        "Who is responsible for premises planning in Norrvik?",
        "What did Norrvik's executive board reply to the auditors?",
    ],
)
def test_a_place_no_document_is_from_abstains_and_says_so(audits_engine: Engine, question: str):
    a = audits_engine.ask(question)
    assert a.abstained and not a.citations, a.answer
    assert a.notes.get("place_not_in_index") in ("Norrvik", "Östbyn", "Sjöfors"), a.notes
    assert a.notes["place_not_in_index"] in a.answer


def test_a_place_the_index_holds_or_the_passages_name_is_answered(audits_engine: Engine):
    a = audits_engine.ask("Vem har huvudansvaret för lokalplaneringen i Uppsala?")
    assert not a.abstained and "place_not_in_index" not in a.notes, a.answer
    # A system the documents name stands where a place may ("i X"): it is no place the index lacks.
    a = audits_engine.ask("Hur ska rutinen för utbetalningar i Procapita ses över?")
    assert "place_not_in_index" not in a.notes, a.answer
    # A firm or a body in the slot of a place ("i Deloittes rapport", "i Socialnämnden") is no place.
    assert places.candidates("Vad stod i Deloittes rapport om rekrytering?") == [("deloittes", "Deloittes")]
    assert (
        places.not_held("Vad stod i Deloittes rapport?", ["X kommun"], audits_engine.search("Deloitte", k=20)) is None
    )
    assert places.candidates("Vad sa revisorerna i Socialnämnden?") == []


def test_an_index_without_places_names_none_missing(audits_engine: Engine):
    hits = audits_engine.search("lokalplanering", k=20)
    assert places.not_held("Vem ansvarar för lokalplaneringen i Norrvik?", [], hits) is None
    assert places.not_held("Vem ansvarar för lokalplaneringen i Norrvik?", ["Y kommun"], hits) == "Norrvik"


def test_a_decision_is_not_dated_by_the_cover_or_an_undated_sentence(audits_engine: Engine):
    assert asks_other_event("När beslutade fullmäktige om riktlinjerna?")
    assert not asks_other_event("När skrevs rapporten?")
    # Since session 31 a sentence must both name the event and date it: one naming the event gives no date, and a
    # date alone may be another event's ("Den 31 mars lämnade revisorerna sin berättelse").
    assert tells_of_the_event("När beslutade fullmäktige?", "Fullmäktige fattade beslut om detta den 12 mars 2019.")
    assert not tells_of_the_event("När beslutade fullmäktige?", "Fullmäktige fattade beslut om detta.")
    assert not tells_of_the_event("När beslutade fullmäktige?", "Den 12 mars 2019 lämnade revisorerna rapporten.")
    assert not tells_of_the_event("När beslutade fullmäktige?", "EY har granskat kommunens arbete.")
    a = audits_engine.ask("När beslutade kommunfullmäktige i Uddevalla om nya riktlinjer för avtalstrohet?")
    assert a.abstained, a.answer
    # The report's own date is still answered.
    a = audits_engine.ask("När är Uddevallas revisionsrapport om inköp och upphandling daterad?")
    assert not a.abstained and key_found("2021", a.answer), a.answer


def test_a_which_question_is_not_answered_by_a_sentence_denying_its_predicate(audits_engine: Engine):
    denies = denial("Vilka åtgärder har nämnden vidtagit för klimatanpassning?")
    assert denies is not None
    assert denies("Vi bedömer att nämnden inte helt har vidtagit åtgärder utifrån granskningen.")
    assert not denies("Nämnden har vidtagit åtgärder genom att införa en ny rutin.")
    # A question about what was not done is answered by the sentences saying so.
    assert denial("Vilka åtgärder har nämnden inte vidtagit?") is None
    a = audits_engine.ask("Vilka åtgärder har plan- och byggnadsnämnden i Uppsala vidtagit för klimatanpassning?")
    assert a.abstained, a.answer


def test_a_role_no_passage_of_the_document_names_abstains(audits_engine: Engine):
    # "socialchef" matches "Enhetschefen" by character grams; as a word it stands nowhere in the document.
    a = audits_engine.ask("Vem är socialchef i Kävlinge?")
    assert a.abstained, a.answer
    # A role the document names is still answered (the signature's "Uppdragsansvarig").
    a = audits_engine.ask("Vem var uppdragsansvarig för Deloittes granskning av rekrytering i Härjedalen?")
    assert not a.abstained, a.answer


def test_a_follow_ups_status_is_no_list_of_recommendations():
    status = "Vi bedömer att kommunstyrelsen ej har vidtagit åtgärder med hänsyn till revisorernas rekommendationer."
    assert states_only_status("Vilka rekommendationer lämnade revisorerna om bisysslor?", status)
    assert not states_only_status(
        "Vilka rekommendationer lämnade revisorerna?", "Vi rekommenderar att nämnden inför X."
    )
    # Asked what became of them, the status answers.
    assert not states_only_status("Vilka rekommendationer har nämnden inte genomfört?", status)
    assert not states_only_status("Vilka rekommendationer har kommunstyrelsen vidtagit åtgärder för?", status)


@pytest.mark.parametrize(
    "question",
    [
        "Vilka rekommendationer gav revisorerna i sin första granskning av de anställdas bisysslor i Uppsala?",
        "Vilka rekommendationer gav revisorerna om klimatanpassning i Uppsala?",
    ],
)
def test_recommendations_a_follow_up_only_says_were_acted_on_are_not_named(audits_engine: Engine, question: str):
    # Uppsala's follow-up names the audits only in "X har inte helt vidtagit åtgärder med hänsyn till revisorernas
    # rekommendationer …": which recommendations they were is nowhere, and Region Uppsala's report on another
    # topic is no answer either.
    a = audits_engine.ask(question)
    assert a.abstained and not a.citations, a.answer
    assert a.notes["path"] == "recommendations-section"


def test_a_report_listing_its_recommendations_still_answers_and_a_how_question_is_no_list(audits_engine: Engine):
    a = audits_engine.ask("Vad bör Härjedalen göra med rekryteringsrutinerna efter revisionen 2014?")
    assert not a.abstained and a.notes["path"] == "recommendations-section" and len(a.citations) >= 4, a.answer
    assert "rekommenderar vi" in a.citations[0].text
    # "Hur ska X bemanna arbetet med rekommendationerna?" asks how, which no list of recommendations says.
    a = audits_engine.ask("Hur ska Lidingö stad bemanna arbetet med revisorernas rekommendationer?")
    assert a.notes["path"] != "recommendations-section", a.answer
    a = audits_engine.ask("Varför lämnade revisorerna rekommendationer om rekryteringsrutinerna i Härjedalen?")
    assert a.notes["path"] != "recommendations-section", a.answer


def test_the_audit_firm_of_a_region_is_not_a_municipality_sharing_a_word_of_its_name(audits_engine: Engine):
    # Region Jämtland Härjedalen's documents name no audit firm; Härjedalens kommun's (Deloitte) are another's.
    a = audits_engine.ask("Which audit firm helped the auditors of Region Jämtland Härjedalen in 2020?")
    assert a.abstained and not a.citations, a.answer
    a = audits_engine.ask("Which audit firm did Härjedalen's auditors use for the income support review?")
    assert not a.abstained and "Deloitte" in a.answer, a.answer
