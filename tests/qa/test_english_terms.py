"""English questions in the audit vocabulary's phrasal verbs and compounds (issue #10 item 5, session 29), on
the real audits documents: "rent arrears", "preliminary assessments", "make sure", "spot checks" are read as
the Swedish terms the documents use, and "Where …" asks a place, not an assessment."""

from __future__ import annotations

import pytest
from granska.eval.metrics import key_found
from granska.qa.intent import kind

from granska.engine import Engine
from granska.text import content_words, for_matching


def test_phrasal_verbs_and_compounds_become_the_swedish_terms():
    assert "säkerställa" in for_matching("Who should make sure the committee follows up its work?")
    assert "stickprov" in for_matching("What did the spot checks show?")
    assert "hyresskulder" in for_matching("How are rent arrears handled?")
    assert "årligen" in for_matching("Is it reported every year?")
    assert "sektorsövergripande" in for_matching("What should cross-sector cooperation make possible?")
    # A frame verb ("want", "bring … back") says nothing a Swedish sentence must hold; "group" is a group.
    assert content_words(for_matching("What did the auditors want?")) == ["revisorer"]
    assert "grupp" in for_matching("What group has the board decided to set up?")
    assert kind("Where will the review of preliminary assessments be reported?") == "other"
    assert kind("Where does the main responsibility for premises supply lie?") == "responsible"


@pytest.mark.parametrize(
    ("question", "key"),
    [
        (
            "What change to delegating decisions on rent arrears did Deloitte suggest to Härjedalen's social committee?",
            "beloppsgräns",
        ),
        ("How does Kävlinge's social committee intend to keep track of preliminary assessments?", "nyckeltal"),
        ("Where will Kävlinge's review of preliminary assessments be reported every year?", "kvalitetsrapporten"),
        ("What did EY's sample checks of direct purchases in Uddevalla show?", "avvikelser"),
        ("What did Region Uppsala's auditors look into in their 2021 review?", "ekonomiska uppföljningen"),
        ("Is internal control in Skellefteå good enough, in PwC's view?", "övervägande del"),
        ("Who should Härnösand's executive board send its reply on the audit of the 2020 accounts to?", "Lena Medin"),
    ],
)
def test_an_english_question_in_the_fields_terms_is_answered(audits_engine: Engine, question: str, key: str):
    a = audits_engine.ask(question)
    assert not a.abstained and key_found(key, a.answer), a.answer


def test_a_finance_system_that_works_well_is_read_in_the_fields_words(audits_engine: Engine):
    """ "finance system" is the field's "ekonomisystem", "work well" its "fungerar bra" (session 33): the claim that
    Huddinge's payments through the finance system work well is supported by the audit's own sentence."""
    assert "ekonomisystem fungerar bra" in for_matching("Do payments through the finance system work well?")
    v = audits_engine.verify("The Huddinge audit found that payments through the finance system work well.")
    assert v.verdict == "supported", v


def test_performance_targets_are_the_fields_resultatmal(both_engine: Engine):
    """ "performance targets" is the field's "resultatmål" (session 33): the sentence naming integration's
    resultatmål answers, not an abstention."""
    a = both_engine.ask("Which of Motala's performance targets is integration linked to?")
    assert not a.abstained and "Meningsfull sysselsättning" in a.answer, a.answer
