"""Claim verification, one general cause per test (Session 33, issue #10 item 7), on the bundled corpus and the
real audits documents; each claim is worded anew, not an evaluation row."""

from __future__ import annotations

from granska.qa.claim_acts import acts
from granska.qa.claim_degrees import quantity_conflict
from granska.qa.claim_subjects import audit_office
from granska.qa.verify import _prefix_negated, unframed

from granska.engine import Engine


def test_a_reporting_frames_verb_is_not_what_is_claimed(audits_engine: Engine):
    """ "Granskningen pekar på att X": the finding's sentence states X and seldom the frame's verb; counted as a
    word the source lacks, it kept the sentence below the not_found floor."""
    assert unframed("Granskningen i Skellefteå pekar på att kontrollen brister.") == (
        "Granskningen i Skellefteå kontrollen brister."
    )
    assert unframed("The auditors found internal control to be weak.") == "The auditors internal control weak."
    # Wanting and recommending are what a claim says, not its frame.
    assert unframed("Revisorerna vill att rutinerna ses över.") == "Revisorerna vill att rutinerna ses över."
    v = audits_engine.verify(
        "Granskningen i Skellefteå pekar på att den interna kontrollen till övervägande del är tillräcklig."
    )
    assert v.verdict == "supported" and "övervägande del vara tillräcklig" in v.citations[0].text, v.explanation


def test_another_body_saying_what_the_claim_says_gainsays_it(audits_engine: Engine):
    """The sentence that says who is responsible names another body than the claim: left out of the candidates
    for not naming the claim's body, it was never weighed, and the claim came back not_found."""
    v = audits_engine.verify(
        "Revisorerna i Uppsala kommun konstaterar att socialnämnden ansvarar för verksamhet enligt LSS."
    )
    assert v.verdict == "contradicted" and "Omsorgsnämnden" in v.explanation, v.explanation
    assert v.citations[0].text.startswith("Omsorgsnämnden ansvarar")


def test_a_body_no_word_names_is_not_borne_out(audits_engine: Engine):
    """ "räddningsnämndens": the passages' letter n-grams as a whole hold pieces of it ("rädd…", "nämndens"),
    but no word of them begins with its head; a sentence of no body does not bear out a claim about it."""
    v = audits_engine.verify("Revisorerna i Huddinge vill att räddningsnämndens rutiner för utbetalningar ses över.")
    assert v.verdict == "not_found" and "räddningsnämndens" in v.explanation, v.explanation
    # A body the passages name still gainsays a claim about another one (the source names who does it).
    other = audits_engine.verify(
        "Revisorerna i Uppsala kommun konstaterar att socialnämnden ansvarar för verksamhet enligt LSS."
    )
    assert other.verdict == "contradicted", other.explanation


def test_none_at_all_is_gainsaid_by_some(bundled_hash_engine: Engine):
    """ "inte något projekt … alls" against "Det finns dock exempel på projekt som inte följts upp alls": both
    negate, but the source's "exempel på" means some and so that others were followed up."""
    v = bundled_hash_engine.verify("Trollhättans revisorer menar att inte något projekt har följts upp alls.")
    assert v.verdict == "contradicted" and "'exempel på'" in v.explanation, v.explanation
    assert quantity_conflict("inga avvikelser alls har atgardats", "Vissa avvikelser har inte åtgärdats.")
    assert quantity_conflict("inga avvikelser alls har atgardats", "Inga avvikelser alls har åtgärdats.") is None
    # Of another thing, the source's "exempel på" says nothing of the claim's none.
    projects = "Det finns dock exempel på projekt som inte följts upp alls."
    assert quantity_conflict("inga utvecklingsomraden alls identifierades", projects) is None
    # Without the emphasis, "inga" is a negation compared as such, not a quantity.
    assert quantity_conflict("inga avvikelser har atgardats", "Vissa avvikelser har inte åtgärdats.") is None


def test_an_english_claims_untranslated_word_weighs_as_a_short_absent_one(audits_engine: Engine):
    """ "predominantly" is rendered by no glossary term nor dictionary sense: found in no Swedish sentence, it
    weighed as the rarest word there is and kept the sentence stating the claim below the not_found floor."""
    v = audits_engine.verify("In Skellefteå the internal control is judged to be predominantly sufficient.")
    assert v.verdict == "supported" and "övervägande del vara tillräcklig" in v.citations[0].text, v.explanation


def test_an_english_pole_of_opposites_is_not_foreign(both_engine: Engine):
    """ "straightforward" is in no dictionary but is a pole of lätt / svår: it is read (the claim with its
    opposite finds "svårt"), so it keeps its full weight and the sentence saying the opposite gainsays it."""
    v = both_engine.verify(
        "The Motala executive board thinks it is straightforward to achieve a complete division of responsibility "
        "in advance."
    )
    assert v.verdict == "contradicted" and "'svårt'" in v.explanation, v.explanation


def test_the_audit_office_is_who_audits_not_a_body_audited(bundled_hash_engine: Engine):
    """ "Stadsrevisionen" was read as the claim's body, so the sentence naming the bodies asked to answer
    ("nämnderna, bolagen och Kommunstyrelsen") spoke of another subject and was never weighed: the claim was
    judged by an unrelated sentence."""
    assert audit_office("stadsrevisionen") and audit_office("revisionen") and not audit_office("socialnamnden")
    said = bundled_hash_engine.verify("Stadsrevisionen i Borås ville ha svar senast den 16 april 2021.")
    assert said.verdict == "supported" and "emotses senast 2021-04-16" in said.citations[0].text, said.explanation
    other = bundled_hash_engine.verify("Stadsrevisionen i Borås ville ha svar senast den 16 maj 2021.")
    assert other.verdict == "contradicted" and "2021-04-16" in other.explanation, other.explanation


def test_done_well_and_failing_are_opposites(audits_engine: Engine):
    """ "fungerar … bra" / "beredde … väl" against "brister i" / "brustit i": the sentence shares every other word
    of the claim and said nothing against it."""
    v = audits_engine.verify(
        "I Västra Götalandsregionen fungerar styrningen och den interna kontrollen av verksamhet och ekonomi bra."
    )
    assert v.verdict == "contradicted" and "'brister'" in v.explanation, v.explanation
    w = audits_engine.verify(
        "Enligt revisorerna i Region Jämtland Härjedalen beredde styrelsen regionplanen för 2021 väl."
    )
    assert w.verdict == "contradicted" and "'brustit'" in w.explanation, w.explanation


def test_an_english_prefix_negated_adjective_is_read_as_not_its_base(audits_engine: Engine):
    """ "inadequate" is in neither the glossary nor the dictionary, but "adequate" is ("tillräcklig"): read as
    "not adequate", the sentence calling the routines "tillräckliga" is found and gainsays it. Before, the word
    was left in English: not_found, or a summary sentence bore the claim out."""
    assert _prefix_negated("The plan is incomplete and the intake inadequate.") == (
        "The plan is not complete and the intake not adequate."
    )
    v = audits_engine.verify(
        "In Härjedalen the existing routines for income support are inadequate according to the auditors."
    )
    assert v.verdict == "contradicted" and "tillräckliga" in v.citations[0].text, v.explanation
    w = audits_engine.verify("In Skellefteå the internal control is considered predominantly inadequate.")
    assert w.verdict == "contradicted" and "övervägande del vara tillräcklig" in w.citations[0].text, w.explanation


def test_room_for_improvement_gainsays_the_full_degree(audits_engine: Engine):
    """ "fullt tillräckliga" against "tillräckliga …, men … förbättringsmöjligheter": the sentence bears out the
    plain claim and gainsays the full one; "helt ändamålsenligt" against "ett utvecklingsområde" likewise."""
    full = audits_engine.verify(
        "Deloitte bedömer att rutinerna för utbetalning av försörjningsstöd i Härjedalen är fullt tillräckliga för "
        "att säkerställa den interna kontrollen."
    )
    assert full.verdict == "contradicted" and "'förbättringsmöjligheter'" in full.explanation, full.explanation
    plain = audits_engine.verify(
        "Deloitte bedömer att rutinerna för utbetalning av försörjningsstöd i Härjedalen är tillräckliga för att "
        "säkerställa den interna kontrollen."
    )
    assert plain.verdict == "supported", plain.explanation
    whole = audits_engine.verify(
        "Granskningen i Uddevalla visar att arbetet med direktupphandlingar är helt ändamålsenligt."
    )
    assert whole.verdict == "contradicted" and "'utvecklingsområde'" in whole.explanation, whole.explanation


def test_a_present_tense_after_a_body_opening_an_att_clause_is_an_act(audits_engine: Engine):
    """ "… vill att kommunstyrelsen avvecklar logglistan": the act is the present tense after the clause's body;
    the recommendation to implement the log list holds its nouns but not that act."""
    assert acts("Revisorerna vill att kommunstyrelsen inför ett nytt system.") == ["infor"]
    gone = audits_engine.verify(
        "Revisorerna i Huddinge vill att kommunstyrelsen avvecklar logglistan över förändringar i fast data."
    )
    assert gone.verdict == "not_found", gone.explanation
    said = audits_engine.verify(
        "Revisorerna i Huddinge vill att kommunstyrelsen implementerar en logglista över förändringar i fast data."
    )
    assert said.verdict == "supported" and "implementera en logglista" in said.citations[0].text, said.explanation
