"""Display repair: OCR damage undone for reading, never in what is cited."""

from __future__ import annotations

from granska.eval.wordfreq import measure
from granska.qa import display

from granska.engine import BUNDLED_CORPUS

OCR_DOC = BUNDLED_CORPUS / "000_4d997ea345fff442.txt"  # a scan that lost its å/ä/ö
CLEAN_DOC = BUNDLED_CORPUS / "004_bc115543fd4b41f8.txt"


def test_scanned_letters_hyphens_and_bullets_are_repaired():
    text = OCR_DOC.read_text(encoding="utf-8")
    assert display.is_damaged(text)
    fixed = display.repair(text, damaged=True)
    for damaged, repaired in [("nimnden", "nämnden"), ("6ver", "över"), ("Arbetslivsnimnden", "Arbetslivsnämnden")]:
        assert damaged in text and repaired in fixed and f" {damaged} " not in fixed
    assert "\ne tydliggora" in text and "\n• tydliggöra" in fixed
    assert display.repair_word("f6r", damaged=True) == "för"
    assert display.repair("uppfölj-\nningen av planen") == "uppföljningen av planen"
    assert display.repair("integrations-\noch etableringsarbete") == "integrations- och etableringsarbete"


def test_clean_text_is_left_alone():
    text = CLEAN_DOC.read_text(encoding="utf-8")
    assert not display.is_damaged(text)
    assert display.repair(text).split() == text.split()


def test_display_field_extends_citations_and_keeps_the_exact_text():
    text = OCR_DOC.read_text(encoding="utf-8")
    start = text.index("Arbetslivsnimnden har sedan")
    end = text.index(".", start) + 1
    obj = {"citations": [{"doc": OCR_DOC.name, "start": start, "end": end, "page": None, "text": text[start:end]}]}
    display.add_display(obj, {OCR_DOC.name: True})
    c = obj["citations"][0]
    assert c["text"] == text[start:end] and c["display"].startswith("Arbetslivsnämnden har sedan granskningen")


def test_held_out_damage_is_mostly_restored_and_clean_words_kept():
    # Words damaged as scanners do, in SweQUAD-MC dev documents the frequency list was not built from.
    m = measure(docs=12)
    assert m["damaged_words"] > 500
    assert m["restored"] >= 0.9 and m["clean_kept"] >= 0.99, m
