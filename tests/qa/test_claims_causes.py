"""Claim verification, one general cause per test (Session 31, issue #10 item 7), on the bundled corpus and the
real audits documents; each claim is worded anew, not an evaluation row."""

from __future__ import annotations

from granska.qa.antonyms import opposed
from granska.qa.claim_acts import acts, english_acts
from granska.qa.claim_numbers import years
from granska.qa.evidence import Weights
from granska.qa.verify import predicate_held, predicate_words

from granska.engine import Engine
from granska.text import for_matching


def test_an_english_word_is_read_in_the_sense_the_passages_use(bundled_hash_engine: Engine):
    """ "set" has the dictionary's senses "apparat flock grupp": each unused one counted as a word the source
    lacks, and the sentence stating the claim fell below the bar. Read in the sense the passages use, it holds."""
    claim = (
        "PwC notes that sub-goals and action plans for the integration work have not yet been set for all committees."
    )
    assert "apparat" in for_matching(claim)
    v = bundled_hash_engine.verify(claim)
    assert v.verdict == "supported" and "handlingsplaner" in v.citations[0].text, v.explanation


def test_a_body_in_an_ocr_reading_is_the_claims_body(bundled_hash_engine: Engine):
    """The scanned report writes "nämnder" as "ndmnder": it is still the body the claim names."""
    v = bundled_hash_engine.verify(
        "PwC konstaterar att delmål och handlingsplaner för integrationsarbetet ännu inte har fastställts för "
        "samtliga nämnder i kommunen."
    )
    assert v.verdict == "supported" and "ndmnder" in v.citations[0].text, v.explanation


def test_an_assessment_without_a_degree_word_is_not_partly(bundled_hash_engine: Engine):
    """ "bara delvis" is one degree (its "bara" no word to match); the auditors' unqualified assessment that the
    board ensures the work gainsays "delvis", and bears the unqualified claim out."""
    partly = bundled_hash_engine.verify(
        "PwC bedömer att socialnämnden bara delvis säkerställer ett ändamålsenligt integrationsarbete."
    )
    assert partly.verdict == "contradicted" and "'delvis'" in partly.explanation, partly.explanation
    fully = bundled_hash_engine.verify(
        "PwC bedömer att socialnämnden säkerställer ett ändamålsenligt integrationsarbete."
    )
    assert fully.verdict == "supported", fully.explanation


def test_full_is_a_degree_and_the_graded_sentence_judges_it(audits_engine: Engine):
    """ "fullständig" is the top degree, left out of the words to match; the sentence that grades the board's
    control ("delvis") judges it, not a nearly as close one describing the process."""
    v = audits_engine.verify(
        "Revisorerna bedömer att kommunstyrelsen i Uppsala har en fullständig styrning och kontroll över "
        "lokalförsörjningen."
    )
    assert v.verdict == "contradicted" and "delvis" in v.citations[0].text, v.explanation
    same = audits_engine.verify(
        "Revisorerna bedömer att kommunstyrelsen i Uppsala delvis har en tillräcklig styrning och kontroll över "
        "lokalförsörjningen."
    )
    assert same.verdict == "supported", same.explanation


def test_years_and_periods_are_compared_as_intervals(audits_engine: Engine):
    assert years("åren 2009–2010, 2011-12 och 2020 samt den 2014-06-22") == (
        [(2014, 2014), (2009, 2010), (2011, 2012), (2020, 2020)],
        "åren          ,         och      samt den 2014-06-22",
    )
    claim = "Revisorerna i Härnösand lät följa upp granskningar utförda åren {}."
    other = audits_engine.verify(claim.format("2012–2013"))
    assert other.verdict == "contradicted" and "2011–2012" in other.explanation, other.explanation
    assert audits_engine.verify(claim.format("2011–2012")).verdict == "supported"
    assert audits_engine.verify(claim.format("2012")).verdict == "supported"  # the period holds the year


def test_a_year_is_compared_not_matched(bundled_hash_engine: Engine):
    """A year the sentence does not share, weighed as a rare word, hid the sentence stating another year."""
    v = bundled_hash_engine.verify(
        "Kommunstyrelsen i Motala har sedan 2014 haft det övergripande ansvaret för integrationsfrågorna."
    )
    assert v.verdict == "contradicted" and "2018" in v.explanation, v.explanation
    same = bundled_hash_engine.verify(
        "Kommunstyrelsen i Motala har sedan 2018 haft det övergripande ansvaret för integrationsfrågorna."
    )
    assert same.verdict == "supported", same.explanation


def test_a_count_of_the_same_thing_gainsays_another(audits_engine: Engine):
    """ "cirka 850 medarbetare" gainsays "ungefär 90 medarbetare" though the two numbers differ in length."""
    v = audits_engine.verify("På stöd- och omsorgsförvaltningen i Lidingö arbetade ungefär 90 medarbetare.")
    assert v.verdict == "contradicted" and "850" in v.explanation, v.explanation
    assert audits_engine.verify(
        "På stöd- och omsorgsförvaltningen i Lidingö arbetade ungefär 850 medarbetare."
    ).verdict == ("supported")


def test_easy_and_difficult_are_opposites(bundled_hash_engine: Engine):
    v = bundled_hash_engine.verify(
        "The executive board in Motala says it is straightforward to draw up a complete division of responsibility "
        "in advance."
    )
    assert v.verdict == "contradicted" and "svårt" in v.citations[0].text, v.explanation


def test_english_essentially_is_the_mostly_degree(audits_engine: Engine):
    mostly = audits_engine.verify("The auditors in Skellefteå judge that internal control is essentially sufficient.")
    assert mostly.verdict == "supported", mostly.explanation
    fully = audits_engine.verify("The auditors in Skellefteå judge that internal control is fully sufficient.")
    assert fully.verdict == "contradicted", fully.explanation


def test_a_sentence_holding_the_claims_nouns_but_none_of_its_acts_does_not_bear_it_out(audits_engine: Engine):
    """The claim's acts are told by form: after an auxiliary, an infinitive after "att", a past in -ade. The
    sentence naming the system (or the year's accounts examined) says neither the decision nor the remark."""
    assert acts("Kommunstyrelsen har inte beslutat att byta ut systemet.") == ["byta"]  # "beslutat att" frames
    assert acts("Revisorerna riktade anmärkning mot nämnden för räkenskapsåret 2020.") == ["riktade"]
    assert acts("PwC bedömer att socialnämnden säkerställer ett ändamålsenligt arbete.") == []
    system = audits_engine.verify("Huddinges kommunstyrelse har beslutat att byta ut lönesystemet Heroma.")
    assert system.verdict == "not_found", (system.explanation, [c.text for c in system.citations])
    remark = audits_engine.verify(
        "Härnösands revisorer riktade anmärkning mot kommunstyrelsen för räkenskapsåret 2020."
    )
    assert remark.verdict == "not_found", (remark.explanation, [c.text for c in remark.citations])


def test_an_english_claims_acts_are_not_asked(audits_engine: Engine):
    """The Swedish rendering of an English claim has lost its verb forms: its held words are weighed alone."""
    hits = audits_engine.searcher().search("system", k=5)
    weights = Weights([h.chunk.text for h in hits])
    asked = predicate_held("Nämnden har beslutat att byta systemet.", weights)
    told = predicate_held("Nämnden har beslutat att byta systemet.", weights, acts=False)
    assert asked("Systemet används av nämnden.") == 0.0 < told("Systemet används av nämnden.")


def test_owning_and_renting_are_opposites(audits_engine: Engine):
    owns = audits_engine.verify("Kommunen i Härnösand äger samtliga sina verksamhetsfastigheter.")
    assert owns.verdict == "contradicted" and "'hyr'" in owns.explanation, owns.explanation
    rents = audits_engine.verify("Härnösands kommun hyr en betydande andel av verksamhetsfastigheterna.")
    assert rents.verdict == "supported", rents.explanation


def test_a_name_must_be_held_nearly_letter_for_letter(audits_engine: Engine):
    """A body need only be mentioned (OCR damages it), a person's name must be held: a surname sharing letters
    with the one the missive names is still no one the sources mention; its genitive is the person's. An English
    claim's name after a dropped function word ("to X") is a name too."""
    other = audits_engine.verify("Svaret på granskningen ska skickas till Lena Medsson på KPMG.")
    assert other.verdict == "not_found" and "medsson" in other.explanation, other.explanation
    own = audits_engine.verify("Svaret på granskningen ska skickas till Lena Medins adress på KPMG.")
    assert own.verdict == "supported", own.explanation
    english = audits_engine.verify("The answer to the audit is to be sent to Medsson at KPMG.")
    assert english.verdict == "not_found" and "medsson" in english.explanation, english.explanation
    assert audits_engine.verify("The answer to the audit is to be sent to Medin at KPMG.").verdict == "supported"


def test_an_act_is_read_word_by_word_in_any_inflection(audits_engine: Engine):
    """The sentence's letter n-grams taken whole hold pieces of "behålla" ("behöver", "kontrollen", "lön…",
    "ta del"); word by word they do not. "visat" is "visade" in another inflection."""
    hits = audits_engine.searcher().search("den interna kontrollen utbetalningar", k=5)
    weights = Weights([h.chunk.text for h in hits])
    keep = predicate_held("Kommunstyrelsen har beslutat att behålla kontrollen.", weights)
    said = (
        "EY har funnit att den interna kontrollen behöver förstärkas vid utbetalningar inom lönehanteringssystemet "
        "och vid utbetalningar av försörjningsstöd och kommunens revisorer önskar ta del av kommunstyrelsens "
        "kommentarer och slutsatser kring fyra rekommendationer."
    )
    assert keep(said) == 0.0
    shown = predicate_held("Granskningen visade att den interna kontrollen fungerar bra.", weights)
    assert shown("Inom flera områden har granskningen visat att den interna kontrollen fungerar bra.") > 0.5


def test_a_bare_committee_refers_back_to_the_named_one(audits_engine: Engine):
    """The report recommends "nämnden" (the social committee it is addressed to): the sentence speaks of the
    claim's "socialnämnden"."""
    v = audits_engine.verify(
        "Revisorerna i Härjedalen rekommenderar socialnämnden att införa strukturerade stickprovskontroller vid "
        "förvaltningen."
    )
    assert v.verdict == "supported" and "nämnden att" in v.citations[0].text, v.explanation


def test_a_light_verb_is_no_act(audits_engine: Engine):
    """ "har gjorts" where the source says "har skett": neither says what was done."""
    assert acts("Studier har gjorts i många kommuner och har fått stöd.") == []
    v = audits_engine.verify(
        "Studier med verktyget för att ta pulsen på ekonomistyrningen har gjorts i närmare 90 kommuner."
    )
    assert v.verdict == "supported", v.explanation


def test_improving_and_worsening_are_opposites(audits_engine: Engine):
    better = audits_engine.verify("Västra Götalandsregionens ekonomi förbättrades under 2011.")
    assert better.verdict == "contradicted" and "'försämrats'" in better.explanation, better.explanation
    assert audits_engine.verify("Västra Götalandsregionens ekonomi försämrades under 2011.").verdict == "supported"


def test_a_firm_is_compared_with_the_documents_not_matched(audits_engine: Engine):
    """The claim's firm is left out of the words a sentence must share (the place's report names another, and
    a report of no known place naming this one is not the place's); a report naming no firm is silent on it."""
    other = audits_engine.verify("The recruitment review in Härjedalen was carried out by PwC.")
    assert other.verdict == "contradicted" and "Deloitte" in other.explanation, other.explanation
    own = audits_engine.verify("The recruitment review in Härjedalen was carried out by Deloitte.")
    assert own.verdict == "supported", own.explanation
    silent = audits_engine.verify("Hemsjukvården i Härnösand granskades av KPMG.")
    assert silent.verdict == "not_found", (silent.explanation, [c.text for c in silent.citations])


def test_few_and_many_are_opposites_and_the_verb_get_is_no_count(audits_engine: Engine):
    assert opposed("Nämnden ska få fler uppdrag.", "Nämnden har många uppdrag.") is None
    few = audits_engine.verify("Stickproven i Uddevalla visade få avvikelser från lagen om offentlig upphandling.")
    assert few.verdict == "contradicted" and "'flertalet'" in few.explanation, few.explanation
    many = audits_engine.verify("Stickproven i Uddevalla visade flera avvikelser från lagen om offentlig upphandling.")
    assert many.verdict == "supported", many.explanation


def test_an_english_claims_opening_place_stays_a_name(audits_engine: Engine):
    """Read in the passages' senses, "Region Jämtland Härjedalen's" came back lower-cased, so its words were
    matched as words (and another year's sentence won); kept a name, the assessment's own sentence is found."""
    v = audits_engine.verify(
        "In Region Jämtland Härjedalen, the internal control was judged sufficient for the year 2020."
    )
    assert v.verdict == "contradicted" and "inte vara tillräcklig" in v.citations[0].text, v.explanation


def test_a_question_of_the_audit_is_no_finding(audits_engine: Engine):
    """ "Har kommunstyrelsen … vidtagit tillräckliga åtgärder …?" asks; the assessment answers."""
    v = audits_engine.verify(
        "Sollentuna's executive board has taken adequate measures to ensure that purchases are made against "
        "framework agreements."
    )
    assert v.verdict == "supported" and not v.citations[0].text.rstrip().endswith("?"), v.citations[0].text


def test_an_english_degree_word_is_kept_out_of_translation(audits_engine: Engine):
    """The dictionary renders "full" as "mätt" (sated): a word to match that no sentence holds, and no degree.
    Kept as it is, it is the top degree, gainsaid by the assessment's "delvis"."""
    v = audits_engine.verify(
        "In Uppsala, the executive board was judged to have full control over the provision of premises."
    )
    assert v.verdict == "contradicted" and "delvis" in v.citations[0].text, v.explanation


def test_an_english_claims_act_must_be_said_somewhere(audits_engine: Engine):
    """ "has abolished" is the claim's act; its Swedish senses appear in no passage searched, so the report on the
    payments, which names the board and the payments, is silent on it. The act is read as what the claim's
    translation loses without the word ("carried out" → "genomförts"), not word by word."""
    assert english_acts("The review was carried out by KPMG.", for_matching) == [["genomförts"]]
    assert english_acts("The board has taken adequate measures.", for_matching) == []  # a light verb
    v = audits_engine.verify("Huddinge's executive board has abolished the manual payments.")
    assert v.verdict == "not_found", (v.explanation, [c.text for c in v.citations])


def test_a_number_in_words_is_a_number_and_a_decimal_is_one(audits_engine: Engine):
    """ "fem system" against "tre system": the count of the same thing decides, though "4,5 miljarder" holds a 5."""
    v = audits_engine.verify("Utbetalningarna i Huddinge hanteras av förvaltningarna via fyra system.")
    assert v.verdict == "contradicted" and "inte 4" in v.explanation, v.explanation
    same = audits_engine.verify("Utbetalningarna i Huddinge hanteras av förvaltningarna via tre system.")
    assert same.verdict == "supported", same.explanation


def test_a_negating_prefix_is_read_in_any_inflection(bundled_hash_engine: Engine):
    """ "helt tydlig" against "i vissa delar otydliga"; "otillräckliga" against "tillräckliga" as before."""
    assert opposed("Hierarkin är tydlig.", "Hierarkin är i vissa delar otydliga.") == ("tydlig", "otydliga")
    assert opposed("Hierarkin är tydlig.", "Hierarkin är tydlig men delvis otydliga.") is None
    v = bundled_hash_engine.verify("I Trollhättan är hierarkin för de styrande dokumenten helt tydlig.")
    assert v.verdict == "contradicted" and "otydliga" in v.explanation, v.explanation


def test_a_word_of_the_audit_office_is_no_body_unless_it_is_the_office():
    """ "revisionsplanen" is what the claim says (a plan), not the auditors it is about."""
    assert "revisionsplanen" in predicate_words("Granskningen ingår i revisionsplanen för år 2022.")
    assert "revisionen" not in predicate_words("Revisionen har granskat nämnden.")


def test_an_english_claim_is_not_negated_by_its_translation(bundled_hash_engine: Engine):
    """The dictionary reads "notes" as "inte": a negation the English never says is no negation."""
    v = bundled_hash_engine.verify(
        "The Borås audit report notes that the city's integration work is good compared with other municipalities."
    )
    assert v.verdict == "supported", (v.explanation, [c.text for c in v.citations])


def test_a_verb_framing_a_clause_is_no_act(audits_engine: Engine):
    """ "har beslutat att behålla …": the act is keeping; a header line holding "beslut" does not bear it out."""
    assert acts("Revisorerna konstaterade att nämnden saknar rutiner.") == []
    v = audits_engine.verify("Huddinges kommunstyrelse har beslutat att behålla lönesystemet Heroma.")
    assert v.verdict == "not_found", (v.explanation, [c.text for c in v.citations])
