"""Extractive answers: quoted sentences with exact citations, and abstention where the documents are silent."""

from __future__ import annotations

from eval.metrics import covers, key_found
from granska.engine import Engine
from tests.conftest import dev_items


def test_answer_quotes_the_evidence_sentence_with_an_exact_citation(bundled_engine: Engine):
    a = bundled_engine.ask(
        "Sedan när har kommunstyrelsen i Motala det övergripande ansvaret för kommunens integrationsfrågor?"
    )
    assert not a.abstained
    assert "1 januari 2018" in a.answer
    docs = bundled_engine.documents()
    for c in a.citations:
        assert docs[c.doc].text[c.start : c.end] == c.text
    assert covers(a.citations[0].as_dict(), [{"doc": "004_bc115543fd4b41f8.txt", "start": 1951, "end": 2054}])
    assert len(a.answer) < 500


def test_answers_are_short_and_find_most_keys(bundled_engine: Engine):
    found = total = 0
    for item in dev_items():
        if item["type"] in ("claim", "unanswerable") or not item.get("keys"):
            continue
        a = bundled_engine.ask(item["question"])
        assert len(a.citations) <= 8  # a best sentence that introduces a list, plus its items
        total += len(item["keys"])
        found += sum(key_found(k, a.answer) for k in item["keys"])
    assert found / total >= 0.6


def test_abstains_where_the_documents_are_silent(bundled_engine: Engine):
    a = bundled_engine.ask("Hur stor budget avsatte Borås Stad för integrationsarbetet år 2022?")
    assert a.abstained and a.citations == [] and a.answer == "Det framgår inte av dokumenten."
    assert a.passages  # the passages looked at are still shown


def test_english_question_gets_english_abstention(bundled_engine: Engine):
    a = bundled_engine.ask("What was the budget of the football club in 1950?")
    assert a.abstained and a.answer == "The documents do not say."


def test_does_not_abstain_on_most_answerable_questions(bundled_engine: Engine):
    items = [i for i in dev_items() if i["evidence"] and i["type"] != "claim"]
    abstained = sum(bundled_engine.ask(i["question"]).abstained for i in items)
    assert abstained / len(items) <= 0.15
