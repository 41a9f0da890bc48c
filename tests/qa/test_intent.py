"""Question intent: accuracy on labelled questions (Swedish dev/audits questions and English ones), targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from granska.qa import asked_type, intent
from granska.qa.evidence import answer_type
from granska.qa.intent import INTENTS, kind, read

LABELS = Path(__file__).resolve().parents[2] / "eval" / "data" / "intent_labels.jsonl"


def labelled() -> list[dict]:
    return [json.loads(x) for x in LABELS.read_text(encoding="utf-8").splitlines() if x.strip()]


def test_intent_accuracy_on_labelled_questions():
    rows = labelled()
    assert len(rows) >= 100 and {r["intent"] for r in rows} <= set(INTENTS)
    right = sum(kind(r["question"]) == r["intent"] for r in rows)
    assert right / len(rows) >= 0.9
    english = [r for r in rows if r["id"].startswith("en-")]
    assert sum(kind(r["question"]) == r["intent"] for r in english) / len(english) >= 0.9


@pytest.mark.parametrize(
    ("sv", "en", "want"),
    [
        ("Vem undertecknade svaret?", "Who signed the answer?", "signed_by"),
        ("Hur svarade nämnden på revisorernas rekommendation?", "How did the board answer the auditors?", "response"),
        ("Vilka rekommendationer har inte besvarats?", "Which recommendations have not been answered?", "status"),
        ("Vad fann revisorerna om uppföljningen?", "What did the auditors find about the follow-up?", "findings"),
        ("Vilken period omfattade granskningen?", "Which period did the audit cover?", "period"),
    ],
)
def test_swedish_and_english_read_alike(sv: str, en: str, want: str):
    assert kind(en) == want and kind(sv) == want


def test_targets_body_municipality_number():
    i = read("Hur svarade socialnämnden i Kävlinge kommun på rekommendation 2 om förhandsbedömningar?")
    assert i.kind == "response" and i.path == "responses"
    assert i.bodies == ("Socialnämnden",) and i.municipality == "Kävlinge" and i.number == "2"
    assert "forhandsbedomningar" in i.topic and "socialnamnden" not in i.topic
    known = read("Vem ansvarar för integrationen i Motala?", places=["Motala kommun"])
    assert known.municipality == "Motala kommun" and known.kind == "responsible"


@pytest.mark.parametrize(
    ("question", "want"),
    [
        # Phrasings officials use (eval/data/kinds.jsonl), beyond the test phrasings above.
        ("Vem har skrivit under kommunstyrelsens svar på revisionsrapporten?", "signed_by"),
        ("Who chairs the auditors of the municipality?", "signed_by"),
        ("Vilka har godkänt kommunstyrelsens synpunkter på granskningen?", "signed_by"),
        ("Vilka av rekommendationerna har nämnden inte besvarat i yttrandet?", "status"),
        ("Vilka rekommendationer besvaras inte av kommunstyrelsens synpunkter?", "status"),
        ("Hur långt har man kommit med åtgärderna efter granskningarna?", "status"),
        ("Has the executive board acted on the recommendations?", "status"),
        ("På vilket sätt tänker kommunstyrelsen omhänderta rekommendationerna?", "response"),
        ("Hur ställer sig regionstyrelsen till kritiken om uppsikten?", "response"),
        ("Hur ser revisorerna på den interna kontrollen?", "assessment"),
        ("Vad kom revisorerna fram till om styrdokumenten?", "findings"),
        ("Vilken nämnd tar hand om mottagandet av nyanlända?", "responsible"),
        ("När beslutade nämnden att arbeta med förbättringsområdena?", "when"),
        ("Vilken tidsperiod avgränsades granskningen till?", "period"),
        ("For which financial year were the accounts audited?", "period"),
        ("Ingick sjukhusstyrelsen i granskningen?", "yes_no"),
        ("Vad säger nämnden om rekommendation 2?", "response"),
        ("What does the executive board think of the criticism?", "response"),
        ("Hur har nämnden hanterat rekommendationerna?", "response"),
        ("Which recommendations are still open?", "status"),
        ("Has the board answered the recommendations?", "status"),
        ("What shortcomings did the auditors identify?", "findings"),
        ("Vem granskade kommunens årsredovisning?", "auditor"),
        ("Vilken rekommendation gav revisorerna om rutiner?", "recommendations"),
        # unchanged: "Sedan när har X ansvaret" stays with the responsibilities (their rows carry the date since)
        ("Sedan när har kommunstyrelsen det övergripande ansvaret för integrationsfrågorna?", "responsible"),
    ],
)
def test_official_phrasings(question: str, want: str):
    assert kind(question) == want


def test_english_wordings_read_as_their_swedish_twins():
    # The English of rules that had only their Swedish wording (issue #10, audits_en2): the engagement lead signs,
    # "the date of" asks when, the auditors' answer to an audit question is their assessment, not a response.
    pairs = [
        ("Vem var uppdragsansvarig för granskningen?", "Who was the engagement lead for the review?"),
        ("Vilket datum har granskningsrapporten?", "What is the date of the audit report?"),
        (
            "Vad svarade revisorerna på revisionsfrågan om rekryteringsrutinerna?",
            "How did the auditors answer the audit question about the recruitment routines?",
        ),
    ]
    for sv, en in pairs:
        assert intent.rule_kind(en) == intent.rule_kind(sv), (sv, en)
    assert intent.rule_kind("How did the board answer the auditors?") == "response"


def test_folded_are_is_not_a_year_and_how_much_of_is_no_amount():
    """Folded, "vilka är de" reads "vilka ar de": no year is asked when the subject of "är" follows. "How much of
    the work" asks how far, a topic's "costs" no amount; "What did KPMG say" asks what the audit said."""
    assert intent.rule_kind("Hur många fokusområden finns det, och vilka är de?") == "amount"
    assert intent.rule_kind("Vilka år omfattade granskningen?") == "period"
    assert intent.rule_kind("vilka ar omfattade granskningen") == "period"
    assert asked_type.meets("Vilka är de?", "Det gäller fem områden.")
    assert not asked_type.meets("Vilka år omfattade granskningen?", "Granskningen omfattade fem områden.")
    assert intent.rule_kind("How much of the region's work do the auditors examine each year?") != "amount"
    assert intent.rule_kind("Does the audit look at the instructions for recording consultancy costs?") == "yes_no"
    assert intent.rule_kind("How much did the region spend on consultants?") == "amount"
    assert intent.rule_kind("What did KPMG say should be part of the consolidated accounts?") != "response"
    assert intent.rule_kind("What did the board say about the recommendation?") == "response"


def test_how_much_of_a_thing_is_no_sum_and_a_second_vice_chair_is_a_role():
    assert answer_type("How much steering power does the programme have today?") is None
    assert answer_type("How much did the region spend on consultants?") is not None
    assert intent.rule_kind("How much steering power does the programme have today?") != "amount"
    assert intent.rule_kind("Who is second vice chair of the auditors?") == "signed_by"


@pytest.mark.parametrize(
    ("question", "want"),
    [
        # Everyday words for the intents' own (session 33): what the audit wanted to find out is its purpose,
        # "omdöme" its assessment, "uppmanas"/"asked to do" a recommendation, "by when" a time, and
        # "who gave the approval" the approval block's signatories.
        ("Vad ville stadsrevisionen ta reda på när den granskade integrationen?", "purpose"),
        ("What was the point of the audit of income support?", "purpose"),
        ("What did the auditors want to find out about the payments?", "purpose"),
        ("Vad blev revisorernas samlade omdöme om styrningen?", "assessment"),
        ("Vad uppmanas socialnämnden att göra med sina rutiner?", "recommendations"),
        ("What is the social services committee asked to do?", "recommendations"),
        ("By when does the committee have to present a revised programme?", "when"),
        ("Who gave the final approval of the statement, and on what date?", "signed_by"),
    ],
)
def test_everyday_words_for_an_intent(question: str, want: str):
    assert intent.rule_kind(question) == want


def test_a_polite_request_frame_is_read_past_in_intent_and_coverage():
    """ "Skulle ni kunna berätta vad …": the request asks nothing itself (its words weigh neither way)."""
    q = "Skulle ni kunna berätta vad regionstyrelsen själv menar brister?"
    assert intent.without_frame(q) == "vad regionstyrelsen själv menar brister?"
    assert intent.rule_kind(q) == "findings"
    assert intent.without_frame("Vad är syftet med granskningen?") == "Vad är syftet med granskningen?"
