"""The recommendation and responsibility tracker: checked against the bundled corpus (counted by reading
the documents) and against a new audit text and response written here, which the rules have never seen."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from granska.engine import Engine
from tests.conftest import hash_settings

# Counted by reading the five bundled documents: (municipality, addressee) -> recommendations.
EXPECTED = {
    ("Borås Stad", "Kommunstyrelsen"): 6,
    ("Borås Stad", "Arbetslivsnämnden"): 1,
    (None, "Kommunstyrelsen"): 4,  # PwC's report names no municipality
    (None, "Socialnämnden"): 1,
    ("Trollhättans Stad", "Kommunstyrelsen"): 4,
    ("Motala kommun", "Kommunstyrelsen"): 2,
}
# Our reading of which response passage answers each recommendation that has a response in the corpus.
LINKS = {
    "Kommunstyrelsen bör vid en revidering": (
        "ska ge\nKommunfullmiktige ett forslag pa reviderat program",
        "uppmanas att vid revideringen",
    ),
    "Tydliggöra vad Arbetslivsnämndens roll": ("uppmanas att vid revideringen",),
    "Utveckla uppföljningsprocessen": (
        "rekommendationerna rérande\nuppfoljning",
        "i samband med nista ars uppfoljningen",
    ),
    "Utveckla spridningen": ("rekommendationerna rérande\nuppfoljning",),
    "Utveckla den stadsövergripande analysen": (
        "inkludera en bredare analys",
        "rekommendationerna rérande\nuppfoljning",
    ),
    "När det gäller den årliga uppföljningen": ("avseende den arliga uppfélj",),
    "Kommunstyrelsen bör säkerställa att Arbetslivsnämnden": ("avseende den arliga uppfélj",),
    "I rapporten rekommenderas kommunstyrelsen att göra en översyn": ("angående översyn av ansvarsområden",),
    "Kommunstyrelsen rekommenderas också att utforma": ("angående specifika mål",),
}


def test_every_recommendation_is_found_once_with_an_exact_span(bundled_engine: Engine):
    recs = bundled_engine.recommendations()
    assert Counter((r.municipality, r.addressee) for r in recs) == EXPECTED
    docs = bundled_engine.documents()
    for r in recs:
        s = r.recommendation
        assert docs[s.doc].text[s.start : s.end] == s.text
        if r.response:
            assert docs[r.response.doc].text[r.response.start : r.response.end] == r.response.text
        assert r.id and r.status in ("answered", "partly", "rejected", "not_answered", "no_response_in_corpus")
    # The missive's recommendations are quoted in the response: one recommendation each, not two.
    boras = [r for r in recs if r.municipality == "Borås Stad"]
    assert all(r.recommendation.doc.startswith("001") for r in boras)
    assert all(any(q.doc.startswith("000") for q in r.quoted_in) for r in boras)


def test_status_and_links(bundled_engine: Engine):
    recs = bundled_engine.recommendations()
    assert {r.status for r in recs if r.municipality in (None, "Trollhättans Stad")} == {"no_response_in_corpus"}
    linked = [r for r in recs if r.municipality in ("Borås Stad", "Motala kommun")]
    assert all(r.response is not None and r.status == "answered" for r in linked)
    right = 0
    for r in linked:
        expected = next(v for k, v in LINKS.items() if r.recommendation.text.startswith(k))
        right += any(snippet in r.response.text for snippet in expected)
    assert right / len(linked) >= 0.6  # measured 6/9; see README


def test_filters_and_questions_answered_from_the_table(bundled_engine: Engine):
    tr = bundled_engine.recommendations(filters=["municipality=Trollhättan", "addressee=kommunstyrelsen"])
    assert len(tr) == 4
    a = bundled_engine.ask("Vilka rekommendationer fick kommunstyrelsen i Trollhättan?")
    assert a.notes["generator"] == "recommendations" and len(a.citations) == 4
    assert [c.start for c in a.citations] == [r.recommendation.start for r in tr]
    assert a.answer.startswith("Kommunstyrelsen i Trollhättans Stad fick 4 rekommendationer:")


def test_responsibilities(bundled_engine: Engine):
    rows = bundled_engine.responsibilities()
    motala = [r for r in rows if r.municipality == "Motala kommun" and r.since]
    assert motala and motala[0].body == "Kommunstyrelsen" and motala[0].since == "Sedan den 1 januari 2018"
    assert motala[0].responsibility == "kommunens integrationsfrågor"
    assert any(r.body == "ASI-enheten" for r in rows)
    assert any(
        r.body == "Kommunstyrelsen"
        and r.municipality == "Borås Stad"
        and "verksamheter och utveckling" in r.responsibility
        for r in rows
    )
    docs = bundled_engine.documents()
    assert all(docs[r.source.doc].text[r.source.start : r.source.end] == r.source.text for r in rows)
    a = bundled_engine.ask("Vem ansvarar för samordningen av integrationsarbetet i Borås?")
    assert a.notes["generator"] == "responsibilities" and "Arbetslivsnämnden" in a.answer
    assert "samordnande" in a.citations[0].text


MISSIVE = """Granskning av skolans elevhälsa

Revisorerna i Exempelby kommun har med stöd av KPMG granskat elevhälsan.

Utifrån granskningens resultat rekommenderar vi barn- och utbildningsnämnden att:

• Ta fram skriftliga rutiner för elevhälsans arbete med frånvaro.

• Säkerställa att skolsköterskornas bemanning motsvarar behoven.

Vi rekommenderar också kultur- och fritidsnämnden att se över avgifterna för lovaktiviteter.

Svar emotses senast 2024-03-01.
"""
RESPONSE = """Svar på revisionens granskning av elevhälsan

Barn- och utbildningsnämnden delar inte revisionens bedömning att skriftliga rutiner för frånvaro saknas, eftersom sådana rutiner redan finns.

Nämnden har beslutat att bemanningen av skolsköterskor ska ses över under våren och delvis utökas.
"""


def test_rules_work_on_texts_they_have_never_seen(tmp_path: Path):
    folder = tmp_path / "ny"
    folder.mkdir()
    (folder / "missiv.txt").write_text(MISSIVE, encoding="utf-8")
    (folder / "svar.txt").write_text(RESPONSE, encoding="utf-8")
    (folder / "metadata.tsv").write_text(
        "file\tmunicipality\tdoc_type\tissuer\tauditor\tdate\ttitle\n"
        "missiv.txt\tExempelby kommun\taudit_missive\tRevisorerna\tKPMG\t2024-01-15\tElevhälsa\n"
        "svar.txt\tExempelby kommun\tresponse\tBarn- och utbildningsnämnden\t\t2024-02-20\tSvar elevhälsa\n",
        encoding="utf-8",
    )
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([folder])
    recs = {r.recommendation.text: r for r in engine.recommendations()}
    assert set(recs) == {
        "Ta fram skriftliga rutiner för elevhälsans arbete med frånvaro.",
        "Säkerställa att skolsköterskornas bemanning motsvarar behoven.",
        "Vi rekommenderar också kultur- och fritidsnämnden att se över avgifterna för lovaktiviteter.",
    }
    assert (
        recs["Ta fram skriftliga rutiner för elevhälsans arbete med frånvaro."].addressee
        == "Barn- och utbildningsnämnden"
    )
    assert recs["Ta fram skriftliga rutiner för elevhälsans arbete med frånvaro."].status == "rejected"
    assert recs["Säkerställa att skolsköterskornas bemanning motsvarar behoven."].status == "partly"
    fritid = recs["Vi rekommenderar också kultur- och fritidsnämnden att se över avgifterna för lovaktiviteter."]
    assert fritid.addressee == "Kultur- och fritidsnämnden" and fritid.status == "not_answered"


def test_audit_firms_are_answered_from_metadata_with_citations(bundled_engine: Engine):
    a = bundled_engine.ask("Vilka revisionsbyråer har granskat kommunernas integrationsarbete i dokumenten?")
    assert a.notes["generator"] == "metadata"
    assert a.answer.startswith("PwC, EY och Deloitte AB:")
    assert [c.doc[:3] for c in a.citations] == ["002", "003", "004"]
    assert [(p.chunk.doc[:3]) for p in a.passages[:3]] == ["002", "003", "004"]  # the cited passages come first
    only = bundled_engine.ask("Vilken revisionsbyrå har granskat integrationsarbetet i Motala?")
    assert [c.doc[:3] for c in only.citations] == ["004"] and "Deloitte" in only.answer
