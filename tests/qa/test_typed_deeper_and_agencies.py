"""Session 31 fixes (issue #10), on the real audits documents and the bundled corpus indexed together: national
agencies' English names are read as their Swedish names; the field's English phrases ("how far", "acted on",
"skills supply"); a municipality written in lower case or named in English ("the X municipality") selects its own
tracker rows; "vill <board> … ska omhändertas" asks the board's answer."""

from __future__ import annotations

from granska.eval.metrics import key_found
from granska.qa import intent

from granska.engine import Engine
from granska.text import for_matching
from tests.conftest import SHARED


def test_an_agencys_english_name_is_its_swedish_name(both_engine: Engine):
    assert "Arbetsförmedlingen" in for_matching("How does the Swedish Public Employment Service view the city?")
    assert "Skatteverket" in for_matching("Did the Swedish Tax Agency comment?")
    assert "Skatteverket" in for_matching("Did the Tax Agency comment?")
    a = both_engine.ask("How does the Swedish Public Employment Service view Borås as a partner?")
    assert not a.abstained and key_found("proaktiv", a.answer), a.answer


def test_how_far_acted_on_and_skills_supply_are_read(both_engine: Engine):
    read = for_matching("How far have the committees acted on the recommendations on skills supply?")
    assert "vilken utsträckning" in read and "åtgärdat" in read and "kompetensförsörjning" in read
    a = both_engine.ask(
        "How far have Uppsala's committees acted on the recommendations of the audit of strategic skills supply?"
    )
    assert not a.abstained and key_found("inte helt", a.answer), a.answer


def test_a_place_named_in_english_kind_words_is_the_municipality_not_the_region():
    names = {"Xby kommun", "Region Xby"}
    assert intent.places_in("recommendations to the xby municipality", names) == {"Xby kommun"}
    assert intent.places_in("recommendations to the county of xby", names) == {"Region Xby"}
    assert intent.places_in("rekommendationer till xby kommun", names) == {"Xby kommun"}


def test_a_municipality_in_lower_case_selects_its_own_recommendations(both_engine: Engine):
    a = both_engine.ask(
        "vilka fyra rekommendationer om utbetalningar vill huddinges revisorer ha kommunstyrelsens kommentarer pa"
    )
    assert not a.abstained and a.notes["intent"] == "recommendations", a.answer
    assert "Huddinge" in a.answer and key_found("Procapita", a.answer), a.answer
    assert "Härjedalen" not in a.answer, a.answer


def test_what_a_board_wants_taken_care_of_is_its_answer():
    for q in (
        "Vilka delar vill kommunstyrelsen ska omhändertas i programmet?",
        "Hur avser nämnden att bristerna ska hanteras?",
        "What parts does the board want handled in the programme?",
    ):
        assert intent.read(q).kind == "response", q
    assert intent.read("Vilka rekommendationer gav revisorerna?").kind == "recommendations"


def test_the_chair_of_another_body_is_not_the_chair_asked(both_engine: Engine):
    # The bundled response is signed by the executive board's chair; the labour-market board's chair is unnamed.
    a = both_engine.ask("Vem är ordförande i Arbetslivsnämnden i Borås?")
    assert a.abstained, a.answer
    a = both_engine.ask("Vem är kommunstyrelsens ordförande i Borås?")
    assert not a.abstained and "ordf" in a.answer.lower(), a.answer


def test_the_auditors_who_signed_the_report_did_not_sign_the_boards_answer(both_engine: Engine):
    a = both_engine.ask("Vem undertecknade Härjedalens kommunstyrelses svar på rekryteringsgranskningen?")
    assert a.abstained, a.answer
    a = both_engine.ask("Vem undertecknade rapporten om rekrytering i Härjedalen?")
    assert not a.abstained and "revisor" in a.answer.lower(), a.answer


def test_a_cover_page_run_into_its_contents_dates_only_the_report(both_engine: Engine):
    from granska.qa.statement import cover_block

    text = (SHARED / "datasets" / "audits" / "docs" / "skelleftea-2017-intern-kontroll.txt").read_text()
    start = text.index("www.pwc.se")
    cover = text[start : text.index("1.", text.index("Innehåll", start)) + 2]
    assert cover_block(cover), cover
    assert not cover_block("Kommunstyrelsen ansvarar för den interna kontrollen (se www.x.se/regler).")
    # Its date is the report's, not the date the board replied; its names still say who wrote the report.
    a = both_engine.ask("When did Skellefteå's executive board reply to PwC's report on internal control?")
    assert not any(c.start == start for c in a.citations), a.answer
    a = both_engine.ask("Vilka har skrivit PwC:s rapport om intern kontroll i Skellefteå, och vad har de för roller?")
    assert key_found("Susanna Huber", a.answer), a.answer


def test_a_list_announced_by_following_noun_answers_a_counted_which_question(both_engine: Engine):
    # "… att omhänderta rekommendationerna på följande sätt:" names the asked noun last; "vilka tre sätt" counts it.
    a = both_engine.ask("vilka tre satt vill kommunstyrelsen i boras att rekommendationerna omhandertas pa")
    assert not a.abstained and len(a.citations) >= 3, a.answer
    assert a.citations[0].text.rstrip().endswith(":") and key_found("bredare analys", a.answer), a.answer


def test_a_date_of_another_event_needs_a_sentence_naming_that_event(both_engine: Engine):
    from granska.qa.answer_quantity import tells_of_the_event

    q = "When did the regional council grant discharge to the regional board for 2022?"
    assert not tells_of_the_event(q, "Under 2022 har regionstyrelsen haft presidiedialoger.")
    assert tells_of_the_event(q, "Regionfullmäktige beviljade den 14 juni 2023 regionstyrelsen ansvarsfrihet.")
    assert tells_of_the_event("När beslutade fullmäktige om programmet?", "Den 5 februari 2018 beslutade fullmäktige.")
    a = both_engine.ask(
        "When did Region Jämtland Härjedalen's council decide whether to grant the executive board discharge from "
        "liability for 2020?"
    )
    assert a.abstained, a.answer


def test_an_enumeration_asked_whole_runs_on_past_its_first_sentence(both_engine: Engine):
    a = both_engine.ask(
        "Vad behöver socialnämnden i Kävlinge bli bättre på enligt EY:s granskning av barn som riskerar att fara "
        "illa? Ta med alla punkter."
    )
    assert not a.abstained and "a)" in a.answer and "d) Analysera" in a.answer, a.answer
    # One item asked: the enumeration is not quoted whole.
    a = both_engine.ask("Vad sa EY om standardformuleringar i Kävlinges granskning av barn som far illa?")
    assert "d) Analysera" not in a.answer, a.answer


def test_steps_taken_are_measures_taken(audits_engine: Engine):
    read = for_matching("The board has taken adequate steps.")
    assert "vidtagit" in read and "åtgärder" in read, read
    v = audits_engine.verify(
        "Sollentuna's executive board has essentially taken adequate steps to implement earlier recommendations."
    )
    assert v.verdict == "supported", v.explanation
