"""Claim verification on the dev claims and on constructed Swedish contradictions."""

from __future__ import annotations

import pytest

from granska.engine import Engine
from tests.conftest import dev_items


def test_dev_claims_reach_ninety_percent_with_reasons(bundled_engine: Engine):
    claims = [i for i in dev_items() if i["type"] == "claim"]
    correct = 0
    docs = bundled_engine.documents()
    for item in claims:
        v = bundled_engine.verify(item["question"])
        correct += v.verdict == item["label"]
        assert v.explanation.endswith(".") and "\n" not in v.explanation
        for c in v.citations:
            assert docs[c.doc].text[c.start : c.end] == c.text
        assert bool(v.citations) == (v.verdict != "not_found")
    assert correct / len(claims) >= 0.9


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        (
            "Sedan den 1 januari 2018 har kommunstyrelsen i Motala det övergripande ansvaret för integrationsfrågorna.",
            "supported",
        ),
        (
            "Sedan den 1 januari 2015 har kommunstyrelsen i Motala det övergripande ansvaret för integrationsfrågorna.",
            "contradicted",
        ),
        (
            "Kommunstyrelsen i Trollhättan har helt säkerställt en ändamålsenlig styrning av integrationsarbetet.",
            "contradicted",
        ),
        (
            "Det finns en beslutad struktur för hur projekt ska initieras eller följas upp i Trollhättan.",
            "contradicted",
        ),
        ("Kiruna kommun har byggt en ny simhall för nyanlända.", "not_found"),
        # Who does it: the sentence has the labour-market board, never the executive board, propose the programme.
        (
            "Arbetslivsnämnden i Borås ska senast 2022 ge kommunfullmäktige ett förslag på reviderat program.",
            "supported",
        ),
        (
            "Kommunstyrelsen i Borås ska senast 2022 ge kommunfullmäktige ett förslag på reviderat program.",
            "contradicted",
        ),
    ],
)
def test_constructed_claims(bundled_engine: Engine, claim: str, verdict: str):
    assert bundled_engine.verify(claim).verdict == verdict


def test_filter_matching_nothing_is_not_found(bundled_engine: Engine):
    v = bundled_engine.verify("Kommunstyrelsen har ansvaret.", filters=["municipality=Kiruna"])
    assert v.verdict == "not_found" and v.passages == [] and v.citations == []


def test_the_passage_holding_the_verdicts_evidence_comes_first(bundled_engine: Engine):
    v = bundled_engine.verify(
        "Socialnämnden bedömdes säkerställa ett ändamålsenligt integrationsarbete i PwC:s granskning."
    )
    c, first = v.citations[0], v.passages[0].chunk
    assert v.verdict == "supported" and first.doc == c.doc and first.start <= c.start < first.end


def test_degree_is_compared_where_the_sentence_does_not_name_the_place(audits_engine: Engine):
    """A finding's sentence seldom names its municipality (the passage's context does) nor the claim's degree
    word: both are left out of what the sentence must cover, then the degree is compared."""
    mostly = audits_engine.verify("Revisorerna i Skellefteå bedömer att den interna kontrollen är helt tillräcklig.")
    assert mostly.verdict == "contradicted" and "i huvudsak" in mostly.explanation
    assert "övervägande del" in mostly.citations[0].text
    same = audits_engine.verify(
        "Revisorerna i Skellefteå bedömer att den interna kontrollen till övervägande del är tillräcklig."
    )
    assert same.verdict == "supported"


def test_opposites_are_compared_not_matched(audits_engine: Engine):
    """A gradable antonym ("hög" where the source says "låg") and a negating prefix ("decentraliserad" where it
    says "centraliserad") contradict; the claim at the source's own pole is supported."""
    high = audits_engine.verify("Revisorerna i Region Jämtland Härjedalen pekar på att måluppfyllelsen är hög.")
    assert high.verdict == "contradicted" and "'låg'" in high.explanation
    assert "måluppfyllelsen är låg" in high.citations[0].text
    low = audits_engine.verify("Revisorerna i Region Jämtland Härjedalen pekar på att måluppfyllelsen är låg.")
    assert low.verdict == "supported"
    prefix = audits_engine.verify("Uppsala kommun har en decentraliserad lokalförsörjningsprocess.")
    assert prefix.verdict == "contradicted" and "'centraliserad'" in prefix.explanation


def test_a_verb_that_folds_to_a_negation_is_no_negation(audits_engine: Engine):
    """ "ingå" (be part of) folds to "inga" (none): the claim is read unfolded, so it is not a denial."""
    v = audits_engine.verify("KPMG anser att Mellersta Norrlands Pensionsstiftelse ska ingå i koncernredovisningen.")
    assert v.verdict == "supported"
    denied = audits_engine.verify(
        "KPMG anser att Mellersta Norrlands Pensionsstiftelse inte ska ingå i koncernredovisningen."
    )
    assert denied.verdict == "contradicted"


def test_a_claim_about_one_place_is_not_borne_out_by_anothers_sentence(audits_engine: Engine):
    """Region Uppsala's auditors are claimed to have remarked on a board; only Region Jämtland Härjedalen's
    response speaks of a remark (against another board): nothing in Region Uppsala's documents says so."""
    other = audits_engine.verify(
        "Region Uppsalas revisorer riktade en anmärkning mot vårdstyrelsen för verksamhetsåret 2020."
    )
    assert other.verdict == "not_found"
    own = audits_engine.verify(
        "Revisorerna i Region Jämtland Härjedalen riktade en anmärkning mot regionstyrelsen för år 2020."
    )
    assert own.verdict == "supported" and own.citations[0].doc.startswith("region-jamtland")


@pytest.mark.parametrize(
    ("firm", "verdict"),
    [("Ernst & Young", "supported"), ("EY", "supported"), ("KPMG", "contradicted")],
)
def test_a_firm_named_in_full_is_the_firm_not_an_unmentioned_name(audits_engine: Engine, firm: str, verdict: str):
    """Huddinge's report names its firm "EY": "Ernst & Young" is that firm (supported), not a name the sources
    never mention (which read as not_found); another firm is contradicted by the one the report names."""
    claim = f"Huddinge kommuns revisorer har med stöd av {firm} granskat utbetalningar kopplade till social- och äldreomsorgsförvaltningen."
    assert audits_engine.verify(claim).verdict == verdict
