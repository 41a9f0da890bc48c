"""The contents route (qa/contents.py, issue #10) on the real audits documents: a question on a report's parts
(its appendices, a chapter's sections, a numbered or agenda point, the audit's own question headings) is answered
by the contents entries, each cited with its exact span; a content question is not. Questions are worded anew,
not taken from the eval sets, and name no municipality."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from granska.eval.metrics import key_found
from granska.eval.tracker_eval import load_folder
from granska.ingest.outline import outline
from granska.qa import contents

from granska.engine import Engine
from granska.text import oneline
from granska.types import Answer, Document
from tests.qa.conftest import AUDITS


@pytest.fixture(scope="module")
def outlined() -> dict[str, Document]:
    return {name: replace(d, outline=outline(d)) for name, d in load_folder(AUDITS / "docs").items()}


def _route(a: Answer) -> str | None:
    return a.notes.get("generator")


def test_every_entry_is_an_exact_span_inside_the_contents(outlined: dict[str, Document]):
    with_contents = 0
    for d in outlined.values():
        items = contents.entries(d)
        if not items:
            continue
        with_contents += 1
        assert d.outline is not None
        toc = next(s for s in d.outline.sections if s.kind == "toc")
        for x in items:
            span = d.text[x.start : x.end]
            assert toc.heading_end <= x.start < x.end <= toc.end, (d.doc, x)
            assert oneline(span).endswith(x.title), (d.doc, span, x.title)
            # The page number and the dot leader stay outside the span; the title starts with a capital.
            assert not re.search(r"\.{2,}|…", span) and x.title[:1].isupper(), (d.doc, span)
            if x.number:
                assert span.startswith(x.number), (d.doc, span)
    assert with_contents >= 8


def test_a_flattened_contents_is_split_at_capitals_but_keeps_a_name_of_two_words(outlined: dict[str, Document]):
    flat = [
        d
        for d in outlined.values()
        if (items := contents.entries(d))
        and len(items) > 8
        and d.outline
        and "\n" not in d.text[items[0].start : items[-1].end]
    ]
    assert len(flat) >= 3
    glue = re.compile(r"\b(?:i|av|och|för|över|med|om|på|till)$")
    two_capitals = 0
    for d in flat:
        for x in contents.entries(d):
            assert not glue.search(x.title), (d.doc, x.title)  # "… i | Xköping" is one entry
            words = x.title.split()
            two_capitals += len(words) > 1 and words[0][:1].isupper() and words[1][:1].isupper()
    # A proper name of two capitalised words ("Xby Ykommuns inköpspolicy") is not cut into two entries.
    assert two_capitals >= 1


def test_the_appendices_are_listed_each_with_its_entry(audits_engine: Engine):
    a = audits_engine.ask("Vilka bilagor finns med i revisionsrapporten om inköp, direktupphandling och avtalstrohet?")
    assert _route(a) == contents.GENERATOR, a.answer
    assert len(a.citations) == 4 and all(c.text.startswith("Bilaga") for c in a.citations), a.answer
    assert key_found("stickprov", a.answer) and key_found("Revisionskriterier", a.answer)
    a = audits_engine.ask("Which appendices come with the audit of direct procurement and contract loyalty?")
    assert _route(a) == contents.GENERATOR and key_found("stickprov", a.answer), a.answer


def test_appendices_of_one_sort_are_the_ones_the_question_names(audits_engine: Engine):
    a = audits_engine.ask("Vilka bilagor med lämnade kommentarer har granskningen av ekonomistyrningen?")
    assert _route(a) == contents.GENERATOR, a.answer
    assert len(a.citations) == 6 and all("kommentarer" in c.text for c in a.citations), a.answer
    assert not key_found("Interkommunala", a.answer)


def test_a_chapters_sections_by_number_by_kind_and_by_name(audits_engine: Engine):
    a = audits_engine.ask("Vad tar kapitel 3 upp i granskningen av sammanslagningen till omsorgs- och socialnämnden?")
    assert _route(a) == contents.GENERATOR, a.answer
    assert [c.text[:3] for c in a.citations] == ["3.1", "3.2", "3.3", "3.4"], a.answer
    a = audits_engine.ask("What does the findings chapter of the review of the merged care and social committee cover?")
    assert _route(a) == contents.GENERATOR and a.citations[0].text.startswith("3.1"), a.answer
    a = audits_engine.ask("Vilka delar har avsnittet om hur kommunstyrelsen utövar sin uppsiktsplikt?")
    assert _route(a) == contents.GENERATOR and key_found("förbunden", a.answer), a.answer
    assert not key_found("Källförteckning", a.answer)  # the next top entry is not under it


def test_a_numbered_point_and_an_agenda_item(audits_engine: Engine):
    a = audits_engine.ask("Vad stod som punkt 1 i regionstyrelsens beslut om förklaringen över anmärkningen 2023?")
    assert _route(a) == contents.GENERATOR and key_found("förklaring över anmärkning", a.answer), a.answer
    a = audits_engine.ask("Vad var den första punkten på dagordningen när regionstyrelsen sammanträdde 2021-04-08?")
    assert _route(a) == contents.GENERATOR and key_found("justerare", a.answer), a.answer


def test_an_audit_question_stated_only_as_a_heading(audits_engine: Engine):
    a = audits_engine.ask("Granskar revisionsenheten hur väl specificerade konsultfakturorna är?")
    assert _route(a) == contents.GENERATOR and not a.abstained, a.answer
    assert a.answer.startswith("Ja") and a.citations[0].text.endswith("?"), a.answer


def test_a_content_question_is_not_answered_by_the_contents(audits_engine: Engine):
    for q in (
        "Vilka revisionskriterier har använts i granskningen av inköp och upphandling?",
        "Vilka rekommendationer lämnar revisorerna om den interna kontrollen?",
        "Vad framkom om avtalstrohet hos socialnämnden?",
        "Which chapter of the Local Government Act says the executive board has to exercise oversight?",
        "Vad svarade nämnden på den första punkten?",  # a response to a recommendation, not a numbered item
    ):
        a = audits_engine.ask(q)
        assert _route(a) != contents.GENERATOR, (q, a.answer)


def test_an_english_yes_no_question_on_an_audit_question_heading(audits_engine: Engine):
    a = audits_engine.ask(
        "Does the review of consultancy use examine whether the administrations follow the instructions on"
        " accounting for consultancy costs?"
    )
    assert _route(a) == contents.GENERATOR and a.answer.startswith("Yes"), a.answer
    assert key_found("anvisningar", a.answer), a.answer


def test_the_chapters_are_the_top_entries_without_a_signature_after_them(audits_engine: Engine):
    a = audits_engine.ask("Vilka kapitel har rapporten om intern kontroll?")
    assert _route(a) == contents.GENERATOR, a.answer
    assert [c.text for c in a.citations][1:] == ["1. Inledning", "2. Iakttagelser och bedömningar", "3. Avslutning"]
    # A flattened contents numbering only its first entry lists all of them.
    a = audits_engine.ask("Vilka avsnitt finns i rapporten om LSS-verksamheten?")
    assert _route(a) == contents.GENERATOR and len(a.citations) > 10, a.answer


def test_entries_that_are_only_standard_headings_do_not_answer_what_a_report_takes_up(audits_engine: Engine):
    # The chapter on internal control holds only "Kontrollområden och iakttagelser" and "Bedömning".
    a = audits_engine.ask("Vad tar rapporten upp om intern kontroll?")
    assert _route(a) != contents.GENERATOR, a.answer
