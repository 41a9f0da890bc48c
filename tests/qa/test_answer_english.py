"""English questions (glossary into Swedish terms), real quantities for "how many", and asking sentences."""

from __future__ import annotations

import json
from pathlib import Path

from granska.eval.metrics import covers, key_found
from granska.qa.answer import _asks_for_questions, _counted_text, _is_question
from granska.qa.evidence import gives_answer_type

from granska.engine import Engine
from granska.text import content_words, for_matching

DEV_EN = Path(__file__).resolve().parents[2] / "eval" / "data" / "dev_en.jsonl"


def test_english_terms_become_swedish_and_function_words_drop():
    words = content_words(
        for_matching("Which recommendations did the municipal executive board receive from the auditors?")
    )
    assert {"rekommendationer", "kommunstyrelsen", "revisorer"} <= set(words)
    assert not {"which", "did", "the", "from"} & set(words)
    # inflections and phrases; names and numbers kept as they are
    assert "uppfoljning" in content_words(for_matching("How was the follow-up of the audits done in Motala 2018?"))
    assert {"motala", "2018", "granskningar"} <= set(
        content_words(for_matching("Which audits were done in Motala 2018?"))
    )
    # Swedish questions are left alone
    assert for_matching("Vilka rekommendationer gav revisorerna?") == "Vilka rekommendationer gav revisorerna?"


def test_english_question_answers_from_the_swedish_evidence(bundled_engine: Engine):
    rows = [json.loads(x) for x in DEV_EN.read_text(encoding="utf-8").splitlines() if x.strip()]
    item = next(r for r in rows if r["id"] == "dev-001-en")
    a = bundled_engine.ask(item["question"])
    assert not a.abstained
    assert all(key_found(k, a.answer) for k in item["keys"])
    assert any(covers(c.as_dict(), item["evidence"]) for c in a.citations)


def test_english_claim_about_a_body_the_sources_name_is_not_called_unmentioned(bundled_engine: Engine):
    v = bundled_engine.verify("The municipal executive board in Motala has had the overall responsibility since 2018.")
    assert v.verdict != "not_found"


def test_heading_and_statute_numbers_are_no_quantity():
    q = "Hur många patienter hade hemsjukvården 2015?"
    heading = "3 Sammanfattning Uppdrag och bakgrund Hemsjukvård är vård som ges i hemmet."
    statute = "Våra bedömningsgrunder är: Hälso- och sjukvårdslagen (HSL 1982:763) Patientsäkerhetslagen (2010:656)."
    real = "Under året hade hemsjukvården cirka 450 patienter."
    assert gives_answer_type(q, heading, strict=True)  # a bare digit reads as a count ...
    assert not gives_answer_type(q, _counted_text(q, heading), strict=True)  # ... but not once layout is removed
    assert not gives_answer_type(q, _counted_text(q, statute), strict=True)
    assert gives_answer_type(q, _counted_text(q, real), strict=True)


def test_a_sentence_that_asks_answers_only_a_question_about_questions():
    asked = "Hur ser kommunstyrelsen på uppsikten och hur avser Ni att förbättra den?"
    assert _is_question(asked) and not _is_question("Nämnden avser att förbättra uppsikten.")
    assert _asks_for_questions("Vilken fråga ville revisorerna ha svar på?")
    assert _asks_for_questions("Which audit questions were to be answered?")
    assert not _asks_for_questions("Vad svarade kommunstyrelsen på revisorernas fråga?")


def test_english_words_nothing_renders_are_found_as_untranslated():
    from granska.text import untranslated

    q = "Which pension foundation should be part of Härnösand's consolidated books, according to KPMG?"
    left = untranslated(q, known=lambda w: False)
    assert "consolidated" in left  # neither the glossary nor the dictionary has it
    assert not {"harnosand", "kpmg", "which", "according"} & left  # names, and words the glossary drops
    assert untranslated("Vilka rekommendationer gav revisorerna?") == frozenset()
    # the dictionary renders "books" only where the caller allows its senses
    assert "books" in left and "books" not in untranslated(q, known=lambda w: True)


def test_an_untranslated_word_found_nowhere_weighs_no_more_than_a_short_absent_one():
    from granska.qa.evidence import FOREIGN_ABSENT_CAP, Weights

    passages = ["Revisorerna rekommenderar nämnden att se över rutinerna.", "Nämnden har svarat revisorerna."]
    plain = Weights(passages)
    read = plain.reading(frozenset({"consolidated"}))
    assert plain.idf("consolidated") > FOREIGN_ABSENT_CAP  # a long word found nowhere weighs most ...
    assert read.idf("consolidated") == FOREIGN_ABSENT_CAP  # ... unless it is a word we could not translate
    assert read.idf("rutinerna") == plain.idf("rutinerna")  # words the passages hold keep their weight
    assert read.idf("hushall") == plain.idf("hushall")  # a Swedish word found nowhere still says it is missing


def test_a_word_no_dictionary_renders_does_not_make_an_english_question_abstain(audits_engine: Engine):
    """ "income" is in neither the glossary nor FreeDict: found in no Swedish passage, it once outweighed
    everything the question shares with the audit question it asks for, and the answer abstained."""
    a = audits_engine.ask("What was the overall audit question in the 2013 review of income support in Härjedalen?")
    assert not a.abstained
    assert "Är rutinerna kring utbetalning av försörjningsstöd tillfredställande?" in a.answer
    assert a.citations[0].doc == "harjedalen-2013-forsorjningsstod.txt"


def test_at_what_time_is_answered_by_the_time_of_day(audits_engine: Engine):
    """ "At what time …?" asks for a time of day: the meeting line "13:00 - 13:10" answers it, not the sentence
    with the date the question names (kinds3-052). The time survives the layout numbers `_counted_text` drops."""
    q = "At what time did Region Jämtland Härjedalen's executive board meet on 8 April 2021?"
    assert gives_answer_type(q, _counted_text(q, "Regionstyrelsen 13:00 - 13:10 Ordförandens plats"))
    assert not gives_answer_type(q, "Den ska ha inkommit till fullmäktiges presidium senast den 8 april 2021.")
    a = audits_engine.ask(q)
    assert not a.abstained and "13:00 - 13:10" in a.answer


def test_an_english_question_naming_costs_or_budgets_asks_for_an_amount_only_when_it_says_so(audits_engine: Engine):
    """ "budget deficits", "extra costs", "budget holders" name a topic; "how much", "how large a budget", "what did
    it cost" ask for an amount. Read as asking for one, a topic question kept no sentence and abstained
    (audits-dev-050-en, audits_en5)."""
    from granska.qa.evidence import _MONEY, answer_type

    topic = (
        "According to the background of the review of consultant use, what had departments with budget deficits "
        "in Västra Götaland Region done?"
    )
    assert answer_type(topic) is not _MONEY
    assert answer_type("How was Härnösand compensated for the extra costs of taking over home health care?") is None
    for asks in (
        "How much did the review cost?",
        "How large a budget did the City of Borås set aside for the integration work in 2022?",
        "What did Västra Götaland Region spend on consultants in 2011?",
        "Vad kostade granskningen?",
    ):
        assert answer_type(asks) is _MONEY, asks
    a = audits_engine.ask(topic)
    assert not a.abstained and "åtgärdsprogram" in a.answer
