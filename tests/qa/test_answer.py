"""Extractive answers: quoted sentences with exact citations, and abstention where the documents are silent."""

from __future__ import annotations

from granska.eval.metrics import covers, key_found

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


def test_pdf_and_docx_answers_cite_exact_spans_and_pages(tmp_path):
    from tests.conftest import hash_settings, make_docx, make_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    make_pdf(
        folder / "rapport.pdf",
        [
            "Granskning av äldreomsorgen i Exempelby kommun. Revisorerna har granskat omsorgsnämnden.",
            "Vi rekommenderar omsorgsnämnden att införa en rutin för avvikelserapportering senast 2025.",
        ],
    )
    make_docx(
        folder / "svar.docx",
        ["Svar från omsorgsnämnden", "Omsorgsnämnden har beslutat att rutinen ska vara klar i mars 2025."],
    )
    engine = Engine(hash_settings(tmp_path / "idx"))
    assert len(engine.ingest([folder]).added) == 2
    a = engine.ask("Vad rekommenderar revisorerna omsorgsnämnden att införa?")
    assert not a.abstained and a.citations[0].doc == "rapport.pdf" and a.citations[0].page == 2
    b = engine.ask("När ska rutinen vara klar enligt omsorgsnämnden?")
    assert b.citations[0].doc == "svar.docx" and b.citations[0].page is None
    docs = engine.documents()
    for c in a.citations + b.citations:
        assert docs[c.doc].text[c.start : c.end] == c.text


def test_a_budget_named_as_a_topic_asks_no_amount():
    """ "Vad ville förvaltningarna dra ner på enligt budgeten?" asks a thing; "Hur stor var budgetavvikelsen?",
    "Vad kostade granskningen?", "Vilket belopp …?" ask an amount (session 33)."""
    from granska.qa.evidence import answer_type

    assert answer_type("Vad ville förvaltningarna dra ner kraftigt på enligt budgeten för 2012?") is None
    assert answer_type("Vad har förvaltningarna sagt om bemanningsföretagen i sina budgetar?") is None
    for asks in (
        "Hur stor var regionstabens negativa budgetavvikelse 2020?",
        "Vad kostade granskningen?",
        "Vilket belopp betalades ut felaktigt?",
        "Hur mycket pengar avsattes?",
    ):
        assert answer_type(asks) is not None, asks


def test_more_than_one_is_a_count_for_how_many(audits_engine: Engine):
    """ "Intervjua regelmässigt mer än en sökande." answers "Hur många sökande …?": "mer än en" counts (session 33);
    the article alone counts nothing."""
    from granska.qa.evidence import gives_answer_type

    assert gives_answer_type("Hur många sökande?", "Intervjua mer än en sökande.")
    assert not gives_answer_type("Hur många sökande?", "Intervjua en sökande i taget.")
    a = audits_engine.ask("Hur många sökande bör intervjuas enligt rekryteringsgranskningen i Härjedalen?")
    assert not a.abstained and "mer än en sökande" in a.answer, a.answer
