"""English words the glossary lacks, read in a general English–Swedish dictionary (the installed Debian package
dict-freedict-eng-swe; .ci/run installs it), and the words that only frame a question (issue #10)."""

from __future__ import annotations

import pytest
from granska.qa import intent
from granska.qa.answer_quantity import asks_deadline, gives_deadline
from granska.qa.statement import junk, letterhead

from granska import en_sv_dict, en_wordnet, text
from granska.engine import Engine
from granska.text import content_words, fold, for_matching
from tests.conftest import SHARED

needs_dictionary = pytest.mark.skipif(
    en_sv_dict.dictionary_dir() is None, reason="dict-freedict-eng-swe is not installed (.ci/run installs it)"
)


@needs_dictionary
def test_the_dictionary_fills_only_what_the_glossary_lacks():
    words = content_words(for_matching("Who prepared the report for the executive board?"))
    assert "forbereda" in words  # "prepared" -> prepare: not in the glossary, read in the dictionary
    assert "styrelsen" in words and "brade" not in words  # the glossary's "board" wins over the dictionary's
    # The entry of the word itself, not of a phrase filed under its first word ("make up" -> "smink").
    assert en_sv_dict.senses("make") == ["göra"]
    # Names stay as they are: a capitalised word inside the question, a part of a word with non-ASCII letters.
    kept = for_matching("What did the follow-up in Härnösand show about Far?")
    assert "Härnösand" in kept and "sand" not in kept.replace("Härnösand", "") and "Far" in kept
    # A caller that knows its text keeps only the senses it contains; with none left, the word stays English.
    assert content_words(for_matching("What did they find?", known=lambda w: w == "hitta")) == ["hitta"]
    assert content_words(for_matching("What did they find?", known=lambda w: False)) == ["find"]
    # Of the senses the text holds, only the one it uses most: one English word weighs as one word.
    uses = {"onska": 1, "langtan": 3}  # "desire": önska, längtan, önskan
    assert content_words(for_matching("What did they desire?", known=lambda w: uses.get(fold(w), 0))) == ["langtan"]


@needs_dictionary
def test_the_dictionary_can_be_turned_off(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(en_sv_dict.ENV_DIR, "off")
    en_sv_dict._entries.cache_clear()
    try:
        assert en_sv_dict.dictionary_dir() is None and en_sv_dict.senses("prepare") == []
        assert "prepared" in for_matching("Who prepared the report?")
    finally:
        monkeypatch.delenv(en_sv_dict.ENV_DIR)
        en_sv_dict._entries.cache_clear()


@needs_dictionary
def test_an_english_question_with_words_the_glossary_lacks_is_answered(audits_engine: Engine):
    # "employees", "support", "worked" come from the dictionary; before it this question abstained (kinds-052).
    a = audits_engine.ask("How many employees worked at Lidingö's care and support administration before the merger?")
    assert not a.abstained, a.notes
    assert any("850" in c.text for c in a.citations), a.answer


def test_the_words_that_frame_a_progress_question_do_not_count():
    q = "Hur långt har man kommit med åtgärderna efter de granskningar som Härnösand följde upp 2014?"
    assert "kommit" not in content_words(intent.without_frame(q)) and "langt" not in content_words(
        intent.without_frame(q)
    )
    assert {"atgarderna", "harnosand"} <= set(intent.read(q).topic) and "kommit" not in intent.read(q).topic
    # The subject between the frame's words stays; a length asked is no frame.
    assert "Uppsala board" in intent.without_frame("How far has the Uppsala board got with the actions?")
    assert intent.without_frame("Hur långt tillstånd får du?") == "Hur långt tillstånd får du?"


def test_one_reading_of_a_deadline_question():
    # Asked for the time itself: a text must give a day, a month or a term.
    assert asks_deadline("Senast när ska nämnden svara?") and not gives_deadline(
        "Senast när ska nämnden svara?", "2022"
    )
    # Naming its deadline and asking for something else: still a deadline question (no cover date answers it),
    # but a year is enough for what it asks.
    q = "Vilken nämnd ska senast 2022 lämna förslag på ett reviderat program?"
    assert asks_deadline(q) and gives_deadline(q, "Nämnden ska lämna förslag 2022.")
    assert not asks_deadline("När genomfördes granskningen?")


def test_one_notion_of_a_letterhead_line():
    text = (SHARED / "datasets/audits/docs/harnosand-2021-bokslut-arsredovisning-missiv.txt").read_text("utf-8")
    whole = next(x for x in text.splitlines() if x.startswith("Svaret skickas till"))
    # A statement with an e-mail address: quoted in a response it never is, but it is no bare contact line.
    assert letterhead(whole) and not junk(whole), whole
    assert letterhead("Telefon 08-535 303 11") and junk("Telefon 08-535 303 11")
    assert not letterhead("Nämnden ska redovisa åtgärderna senast 2019-07-30.")


@needs_dictionary
def test_an_un_word_the_dictionary_lacks_reads_as_swedish_o_before_its_base():
    """ "unclear" is not in FreeDict, "clear" is ("klar", "tydlig"): English "un-" is Swedish "o-", as the
    dictionary's own pairs show ("unkind"/"kind" -> "ovänlig"/"vänlig") in most of the cases where it has both."""
    pairs, held = en_sv_dict.negated()
    assert pairs >= 10 and held / pairs > 0.5
    uses = {"otydlig": 2}
    assert content_words(for_matching("What was unclear?", known=lambda w: uses.get(fold(w), 0))) == ["otydlig"]
    # a word the dictionary has keeps its own senses ("unhappy")
    assert content_words(for_matching("Who was unhappy?", known=lambda w: 1)) == content_words(
        " ".join(en_sv_dict.senses("unhappy")[:1])
    )


@needs_dictionary
def test_a_word_the_dictionary_lacks_reads_as_the_passages_cognate_of_it():
    """ "compensated", "installation" are not in FreeDict; Swedish spells them "kompenseras", "installation".
    The spelling correspondences are the dictionary's own (its near-identical pairs), and a cognate is read only
    where the passages hold a word with its stem."""
    rules = en_sv_dict.cognate_rules()
    assert ("c", "k") in rules and ("ph", "f") in rules
    assert all(any(ch not in "aeiouy" for ch in a) for a, _ in rules)  # no vowel-only change
    assert "fysikal" in en_sv_dict.cognate_forms("physical")
    # Over all the dictionary's Swedish words, the stem found is one of the English word's own senses most often.
    entries = en_sv_dict._entries()
    vocabulary = sorted({en_sv_dict._plain(s) for senses in entries.values() for s in senses})
    found = {en: text._cognate(en, vocabulary) for en in entries}
    right = [en for en, st in found.items() if st and any(en_sv_dict._plain(s).startswith(st) for s in entries[en])]
    read = [en for en, st in found.items() if st]
    assert len(read) > 300 and len(right) / len(read) > 0.8, (len(right), len(read))
    # In a question: only where the passages hold the word, and only for a word no sense renders.
    passage = "Personalen kompenseras för installationen av det nya systemet."
    vocabulary = sorted(set(text.words(passage)))
    read_as = for_matching("Was staff compensated for the installation?", known=lambda w: False, vocabulary=vocabulary)
    assert {"kompens", "installation"} <= set(content_words(read_as)), read_as
    assert "compensated" in for_matching("Was staff compensated?", known=lambda w: False, vocabulary=["annat"])
    assert text.untranslated("Was staff compensated?", known=lambda w: False, vocabulary=vocabulary) == frozenset()


needs_wordnet = pytest.mark.skipif(
    en_wordnet.wordnet_dir() is None, reason="wordnet-base is not installed (.ci/run installs it)"
)


@needs_wordnet
def test_wordnet_gives_base_forms_and_synonyms():
    # WordNet decides: its irregular forms, and morphy's endings only where the base is a WordNet lemma.
    assert ("verb", "take") in en_wordnet.bases("took") and ("verb", "pay") in en_wordnet.bases("paid")
    assert ("noun", "holder") in en_wordnet.bases("holders")
    assert not any(b == "hold" for _, b in en_wordnet.bases("holders"))
    assert en_wordnet.bases("xqzv") == []
    assert "advise" in en_wordnet.synonyms("suggest", synsets=2)
    assert all("_" not in s and s.isalpha() for s in en_wordnet.synonyms("account", synsets=5))


@needs_dictionary
@needs_wordnet
def test_a_word_freedict_lacks_reads_through_wordnet_where_the_passages_decide():
    """ "paid" is no FreeDict headword and no plain inflection of one ("pai"), but WordNet's base "pay" is
    ("betala"); "suggest" has a FreeDict sense ("utpeka") the passages need not use, and its WordNet synonym
    "advise" has "råda"."""
    uses = {"betala": 2, "rada": 1}
    read = content_words(for_matching("Who paid? What did they suggest?", known=lambda w: uses.get(fold(w), 0)))
    assert "betala" in read and "rada" in read, read
    # never where the passages do not use the sense, never where they hold the English word as it is
    assert "paid" in content_words(for_matching("Who paid?", known=lambda w: 0))
    held = {"betala": 2, "paid": 1}
    assert "paid" in content_words(for_matching("Who paid?", known=lambda w: held.get(fold(w), 0)))
    # and never in the query the index reads (no `known`): WordNet moves no passage's rank
    assert "betala" not in content_words(for_matching("Who paid?"))
