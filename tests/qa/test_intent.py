"""Question intent: accuracy on labelled questions (Swedish dev/audits questions and English ones), targets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
