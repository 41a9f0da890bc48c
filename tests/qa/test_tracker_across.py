"""Questions across municipalities answered from the recommendation table, on an index of the bundled corpus and
the audits set: "Vilka kommuner har fått rekommendationer om TOPIC [sedan YEAR], och vad svarade de?" in Swedish
and English, routed to the tracker whatever the intent reader makes of "svarade", answered with the municipalities,
only the recommendations about the topic, each one's answer or status, every item cited."""

from __future__ import annotations

import json

import pytest

from granska.engine import BUNDLED_CORPUS, Engine
from granska.text import fold
from granska.types import Answer
from tests.conftest import SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits"
SV = "Vilka kommuner har fått rekommendationer om intern kontroll sedan 2018, och vad svarade de?"
EN = "Which municipalities have received recommendations about internal control since 2018, and what did they answer?"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # The routing does not depend on retrieval quality (the table answers whatever the passages are): hash embedder.
    engine = Engine(hash_settings(tmp_path_factory.mktemp("across-index")))
    report = engine.ingest([BUNDLED_CORPUS, AUDITS / "docs"])
    assert len(report.added) == 27 and not report.skipped
    return engine


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    lines = (AUDITS / "recommendations.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _checked(engine: Engine, a: Answer) -> None:
    """Every citation is the document's own text at its offsets, and every [n] in the answer has its citation."""
    docs = engine.documents()
    for c in a.citations:
        assert docs[c.doc].text[c.start : c.end] == c.text
    for i in range(1, len(a.citations) + 1):
        assert f"[{i}]" in a.answer
    assert f"[{len(a.citations) + 1}]" not in a.answer


def _rows_cited(engine: Engine, a: Answer) -> list:
    spans = {(c.doc, c.start, c.end) for c in a.citations}
    rows = engine.recommendations()
    return [r for r in rows if (r.recommendation.doc, r.recommendation.start, r.recommendation.end) in spans]


def test_the_tracker_answers_which_municipalities_got_recommendations_on_a_topic(engine: Engine, gold: list[dict]):
    a = engine.ask(SV)
    assert a.notes["intent"] == "recommendations" and a.notes["generator"] == "recommendations"
    assert not a.abstained
    _checked(engine, a)
    cited = _rows_cited(engine, a)
    # Only the recommendations about internal control, not every row of an audit that has one.
    assert cited and all("kontroll" in fold(r.recommendation.text) for r in cited)
    assert not any("delegeringsordningen" in r.recommendation.text for r in cited)  # same Härjedalen audit
    # The gold rows about internal control (checked by reading the documents) are among them, with their places.
    about = [
        g for g in gold if "kontroll" in fold(g["recommendation"]["quote"]) and "intern" in g["recommendation"]["quote"]
    ]
    assert {g["municipality"] for g in about} == {"Uppsala kommun", "Skellefteå kommun"}
    for g in about:
        assert any(r.recommendation.doc == g["recommendation"]["doc"] for r in cited)
        assert g["municipality"] in a.answer
    # Nothing from 2018 or later is about internal control: the answer says so first, and lists only earlier rows,
    # each with its date, so no citation stands for a year it is not from.
    assert a.answer.startswith("Inga rekommendationer om intern kontroll från 2018 eller senare i dokumenten.")
    assert all(r.date and r.date[:4] < "2018" and r.date in a.answer for r in cited)
    # "… och vad svarade de?": each recommendation's fate is stated (none of these has an answer in the documents).
    assert a.answer.count("inget svar i dokumenten") == len(cited)


def test_the_english_question_gets_the_same_rows(engine: Engine):
    sv, en = engine.ask(SV), engine.ask(EN)
    assert en.notes["intent"] == "recommendations"
    _checked(engine, en)
    assert [(c.doc, c.start, c.end) for c in en.citations] == [(c.doc, c.start, c.end) for c in sv.citations]
    assert en.answer.startswith("No recommendation about internal control from 2018 or later in the documents.")
    assert "no answer in the documents" in en.answer


def test_answers_and_their_status_are_quoted_after_each_recommendation(engine: Engine):
    a = engine.ask("Vilka kommuner har fått rekommendationer om integration sedan 2018, och vad svarade de?")
    assert a.notes["intent"] == "recommendations"
    _checked(engine, a)
    rows = _rows_cited(engine, a)
    assert {r.municipality for r in rows} >= {"Borås Stad", "Motala kommun"}
    assert all(r.date and r.date[:4] >= "2018" for r in rows)
    assert a.answer.startswith("2 kommuner har fått")  # Borås and Motala; one bundled report names no municipality
    answered = [r for r in rows if r.response is not None]
    assert answered
    cited = [(c.doc, c.start, c.end) for c in a.citations]
    for r in answered:
        # The answer's passage is cited right after its recommendation.
        at = cited.index((r.recommendation.doc, r.recommendation.start, r.recommendation.end))
        assert cited[at + 1] == (r.response.doc, r.response.start, r.response.end)


@pytest.mark.parametrize(
    "question",
    [
        "Vilka kommuner har fått rekommendationer kring rekrytering?",
        "Which municipalities received recommendations regarding recruitment, and how did they respond?",
        "Vilka rekommendationer om rekrytering har kommunerna fått?",
        "Har några kommuner fått rekommendationer om rekrytering, och vad svarade de i så fall?",
        "Have any municipalities received recommendations about recruitment?",
    ],
)
def test_other_phrasings_route_to_the_table(engine: Engine, question: str):
    a = engine.ask(question)
    assert a.notes["intent"] == "recommendations" and a.notes["scope"] == "municipalities"
    _checked(engine, a)
    rows = _rows_cited(engine, a)
    assert rows and {r.municipality for r in rows} == {"Härjedalens kommun"}
    assert all(r.recommendation.doc == "harjedalen-2014-rekrytering.txt" for r in rows)


def test_a_topic_no_row_is_about_is_not_answered_with_other_rows(engine: Engine):
    # No recommendation in the table is about procurement: the table must not list the years' other rows as if.
    a = engine.ask("Vilka kommuner har fått rekommendationer om upphandling sedan 2018?")
    assert a.notes.get("scope") != "municipalities"
    assert not any("upphandl" not in fold(c.text) for c in a.citations if a.notes["generator"] == "recommendations")


def test_a_question_about_one_place_still_lists_that_places_rows(engine: Engine):
    a = engine.ask("Vilka rekommendationer fick socialnämnden i Kävlinge?")
    assert a.notes["generator"] == "recommendations" and "scope" not in a.notes
    _checked(engine, a)
    assert len(a.citations) >= 5 and all(c.doc == "kavlinge-2016-barn-som-far-illa-yttrande.txt" for c in a.citations)


def test_since_includes_the_year_and_after_does_not(engine: Engine):
    since = engine.ask("Vilka kommuner har fått rekommendationer om intern kontroll sedan 2017?")
    assert since.answer.startswith("1 kommun har fått 1 rekommendation om intern kontroll från 2017 eller senare")
    assert [c.doc for c in since.citations] == ["skelleftea-2017-intern-kontroll.txt"]
    after = engine.ask("Vilka kommuner har fått rekommendationer om intern kontroll efter 2017?")
    assert after.answer.startswith("Inga rekommendationer om intern kontroll från 2018 eller senare i dokumenten.")
