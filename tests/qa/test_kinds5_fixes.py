"""The general fixes for kinds5 / audits_en6 failures (issue #10), on the real audits documents and the bundled
corpus: a numbered table or "vilken bilaga …" is read from its entry in the table of contents (also when a
sentence split left the entry's word before its number); the place a question names is the one it names most
fully ("Region X" is neither another region nor "X kommun"); "vilken tid omfattade …" asks for a period; a
"när / when" answer is led by a dated sentence of the document when one covers the question nearly as well; a
claim that a body rejects what the source says it shares is contradicted; a claim's year is judged by a sentence
that states a year."""

from __future__ import annotations

import pytest
from granska.eval.metrics import key_found
from granska.qa.answer import asks_habit
from granska.qa.appendix import names_appendix
from granska.qa.intent import kind, places_in, read

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import hash_settings


@pytest.fixture(scope="module")
def bundled_hash_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = Engine(hash_settings(tmp_path_factory.mktemp("bundled-hash-index")))
    assert not engine.ingest([BUNDLED_CORPUS]).skipped
    return engine


def test_a_numbered_table_and_which_appendix_are_read_from_the_contents():
    assert names_appendix("Vad visar tabell 2?", "Tabell 1 Antal beslut Tabell 2 Jämförelse per åldersgrupp")
    assert not names_appendix("Vad visar tabell 3?", "Tabell 2 Jämförelse per åldersgrupp")
    # The sentence splitter read "2 Jämförelse …" as a numbered heading: the word "Tabell" is just before it.
    assert names_appendix("Vad visar tabell 2?", "2 Jämförelse per åldersgrupp", "statistik Tabell ")
    assert not names_appendix("Vad visar tabell 2?", "2 Jämförelse per åldersgrupp", "statistik ")
    # "Vilken bilaga …" may be answered by any numbered entry; "bilagan" alone keeps to an unnumbered one.
    assert names_appendix("I vilken bilaga finns jämförelserna?", "Bil 8: Interkommunala jämförelser per fråga")
    assert not names_appendix("Vad beskriver bilagan?", "Bil 8: Interkommunala jämförelser per fråga")


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Vad redovisar tabell 2 i rapporten om LSS i Marks kommun?", "åldersgrupper"),
        ("I vilken bilaga redovisar Botkyrkas rapport de starka och svaga frågorna?", "Bil 7"),
    ],
)
def test_a_table_or_appendix_question_is_answered_from_a_real_report(audits_engine: Engine, question: str, key: str):
    a = audits_engine.ask(question)
    assert not a.abstained and key_found(key, a.answer), a.answer


def test_the_place_named_most_fully(audits_engine: Engine, bundled_hash_engine: Engine):
    places = sorted({*audits_engine.places(), *bundled_hash_engine.places()})
    assert places_in("Vad granskade Region Uppsalas revisorer?", places) == {"Region Uppsala"}
    assert places_in("Vad fann Region Jämtland Härjedalens revisorer?", places) == {"Region Jämtland Härjedalen"}
    assert places_in("Vad fann revisorerna i Härjedalen?", places) == {"Härjedalens kommun"}
    assert places_in("Vad fann revisorerna i Uppsala kommun?", places) == {"Uppsala kommun"}
    assert places_in("Vad fann revisorerna?", places) == set()
    # The question's target: another region is not "Region Uppsala" because both begin with "Region".
    assert read("What did Region Uppsala's auditors examine?", places=places).municipality == "Region Uppsala"
    assert read("Vad fann revisorerna i Härjedalen?", places=places).municipality == "Härjedalens kommun"


def test_which_time_a_review_covered_asks_for_a_period():
    assert kind("Vilken tid omfattade granskningen av integrationsarbetet?") == "period"
    assert kind("Vilken tid avsåg uppföljningen?") == "period"
    assert kind("Vilken tid började mötet?") != "period"


def test_a_when_answer_is_led_by_the_dated_sentence(audits_engine: Engine):
    a = audits_engine.ask(
        "When did Region Jämtland Härjedalen's auditors deliver their audit statement for the year 2020?"
    )
    assert not a.abstained and key_found("31 mars 2021", a.answer), a.answer
    # A dated sentence sharing no word of the question ("Uppdraget ingår i revisionsplanen för 2019.") never leads.
    b = audits_engine.ask("När inrättades omsorgs- och socialnämnden på Lidingö?")
    assert not b.abstained and b.citations[0].text.startswith("Nämnden skapades"), b.answer


def test_a_habit_asked_with_when_is_not_answered_by_a_date():
    assert asks_habit("When does the board follow up the work?")
    assert asks_habit("När följer kommunstyrelsen upp arbetet?")
    assert asks_habit("När görs uppföljningen?")
    assert not asks_habit("När skapades nämnden?")
    assert not asks_habit("När är rapporten daterad?")
    assert not asks_habit("When did the auditors submit the report?")


def test_a_section_named_by_its_heading_is_answered_by_its_first_sentence(bundled_hash_engine: Engine):
    a = bundled_hash_engine.ask("Förslag till beslut i Motalas ärende om revisionens granskning av integrationen?")
    assert not a.abstained and key_found("godkännes", a.answer), a.answer


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        (
            "Kommunstyrelsen i Motala tillbakavisar revisionens syn på behovet av en översyn av ansvaret.",
            "contradicted",
        ),
        ("Kommunstyrelsen i Motala delar revisionens syn på behovet av en översyn av ansvaret.", "supported"),
        ("Sedan 2017 har kommunstyrelsen i Motala det övergripande ansvaret för integrationsfrågorna.", "contradicted"),
        ("Sedan 2018 har kommunstyrelsen i Motala det övergripande ansvaret för integrationsfrågorna.", "supported"),
    ],
)
def test_a_boards_stance_and_a_claims_year_are_compared(bundled_hash_engine: Engine, claim: str, verdict: str):
    assert bundled_hash_engine.verify(claim).verdict == verdict
