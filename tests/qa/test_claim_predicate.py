"""A claim is supported only by a sentence that says what it claims, not merely names whom it is about
(issue #10 item 7, session 29), on the bundled corpus and the real audits documents: a sentence naming the
claim's body and topic but not its predicate ("har beslutat att avsluta …", "riktade anmärkning mot …")
leaves the claim not_found; a supporting sentence further down is found; "ovan nämnda" is no body; an English
claim's degree ("largely lacks") is compared with the source's ("i huvudsak har")."""

from __future__ import annotations

from granska.qa.verify import predicate_words

from granska.engine import Engine


def test_the_predicate_is_the_claim_less_its_subject():
    words = predicate_words("Fritids- och kulturnämnden i Exempelby har beslutat att avsluta projektet.")
    assert words == ["beslutat", "avsluta", "projektet"]
    lead = predicate_words("Exempelby stads revisorer riktade anmärkning mot nämnden 2019.", frozenset({"exempelby"}))
    assert lead == ["riktade", "anmarkning"]


def test_a_sentence_naming_the_body_but_not_what_it_did_leaves_the_claim_not_found(bundled_hash_engine: Engine):
    v = bundled_hash_engine.verify(
        "Fritid- och folkhälsonämnden i Borås har beslutat att avsluta sitt integrationsarbete."
    )
    assert v.verdict == "not_found", (v.explanation, [c.text for c in v.citations])


def test_a_supporting_sentence_that_says_it_in_passing_is_found(bundled_hash_engine: Engine):
    v = bundled_hash_engine.verify(
        "Enligt Motalas kommunstyrelse finns sedan augusti 2018 en strategisk arbetsgrupp för sektorsövergripande "
        "samordning av integration."
    )
    assert v.verdict == "supported" and "strategisk arbetsgrupp" in v.citations[0].text, v.explanation


def test_an_unstated_remark_is_not_found_and_an_english_degree_is_compared(audits_engine: Engine):
    v = audits_engine.verify(
        "Lidingö stads revisorer riktade anmärkning mot omsorgs- och socialnämnden för verksamhetsåret 2019."
    )
    assert v.verdict == "not_found", (v.explanation, [c.text for c in v.citations])
    w = audits_engine.verify(
        "Region Uppsala's auditors concluded that the region largely lacks appropriate routines for financial follow-up."
    )
    assert w.verdict == "contradicted" and "i huvudsak" in w.citations[0].text, w.explanation
    s = audits_engine.verify(
        "Region Uppsala's auditors concluded that the region largely has appropriate routines for financial follow-up."
    )
    assert s.verdict == "supported", s.explanation
