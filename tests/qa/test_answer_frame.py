"""The document's frame on the real audit documents, with questions written for this test (none is a dataset
question): a sentence telling that the audit was made ("På uppdrag av … revisorer har vi granskat …") holds the
place, the firm and the title that every sentence of its document holds through the context line; it neither
leads an answer nor follows one as a runner-up when another sentence holds what the question asks beyond them,
and it still answers a question about what was audited."""

from __future__ import annotations

import pytest
from granska.qa.title_question import tells_the_audit

from granska.engine import Engine


@pytest.fixture(scope="module")
def engine(audits_engine: Engine) -> Engine:
    return audits_engine


def test_the_runner_up_telling_of_the_audit_is_not_quoted(engine: Engine):
    a = engine.ask("Ingick Lidingös granskning av omsorgs- och socialnämnden i 2019 års revisionsplan?")
    assert not a.abstained
    assert [c.text for c in a.citations] == ["Uppdraget ingår i revisionsplanen för 2019."]


def test_the_sentence_telling_of_the_audit_yields_to_the_one_saying_what_is_asked(engine: Engine):
    a = engine.ask("Vad ska prövas enligt KPMG:s granskning av Härnösands årsredovisning 2020?")
    assert not a.abstained
    assert a.citations[0].text == "Revisorerna ska pröva om räkenskaperna är rättvisande."
    assert not any(tells_the_audit(c.text) for c in a.citations)
    doc = engine.documents()[a.citations[0].doc].text
    assert all(doc[c.start : c.end] == c.text for c in a.citations)


@pytest.mark.parametrize(
    "question", ["Vad har Lidingö stads revisorer låtit granska?", "What did the Lidingö auditors examine?"]
)
def test_a_question_about_what_was_audited_is_answered_by_the_sentence_telling_so(engine: Engine, question: str):
    a = engine.ask(question)
    assert not a.abstained
    assert tells_the_audit(a.citations[0].text) and "sammanslagningen av två nämnder" in a.citations[0].text
