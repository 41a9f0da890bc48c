"""A line of front matter is split off the sentence it runs into (issue #10, Session 32), on real documents."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from granska.qa.layout_split import layout_spans

from granska.engine import Engine
from granska.text import sentence_spans
from tests.conftest import BUNDLED_CORPUS, SHARED

AUDIT_DOCS = SHARED / "datasets" / "audits" / "docs"
SWEQUAD_DOCS = SHARED / "datasets" / "swequad_mc" / "docs"
COVER_THEN_SUMMARY = "skelleftea-2017-intern-kontroll.txt"  # a contents line ending "1 av 10", then the summary


def _texts() -> list[tuple[str, str]]:
    paths = [
        *sorted(BUNDLED_CORPUS.glob("*.txt")),
        *sorted(AUDIT_DOCS.glob("*.txt")),
        *sorted(SWEQUAD_DOCS.glob("*.txt")),
    ]
    return [(p.name, p.read_text(encoding="utf-8")) for p in paths]


def _squeezed(text: str, spans: list[tuple[int, int]]) -> str:
    return re.sub(r"\s+", "", "".join(text[a:b] for a, b in spans))


def test_the_pieces_refine_the_sentences_and_lose_no_character():
    # Every piece lies inside one sentence of the plain splitter, in order, without overlap, and together the
    # pieces hold every non-space character the sentences hold: a cut only ever falls at a line break.
    for name, text in _texts():
        plain = sentence_spans(text)
        pieces = layout_spans(text)
        assert all(a < b for a, b in pieces), name
        assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(pieces)), name
        assert all(any(s <= a and b <= e for s, e in plain) for a, b in pieces), name
        assert _squeezed(text, pieces) == _squeezed(text, plain), name
        starts = {s for s, _ in plain}
        # a piece that opens no plain sentence follows a line break
        assert all("\n" in text[b:a] for (_, b), (a, _) in pairwise(pieces) if a not in starts)


def test_a_contents_line_ending_on_a_page_mark_is_cut_off_the_summary():
    text = (AUDIT_DOCS / COVER_THEN_SUMMARY).read_text(encoding="utf-8")
    plain = [text[a:b] for a, b in sentence_spans(text)]
    run_on = next(x for x in plain if "1 av 10" in x)
    assert "Sammanfattning På uppdrag" in run_on  # the plain splitter runs the contents into the summary
    pieces = [text[a:b] for a, b in layout_spans(text)]
    summary = next(x for x in pieces if x.startswith("Sammanfattning På uppdrag"))
    assert summary.endswith("riktlinjer för intern kontroll.") and "\n" not in summary
    assert any(x.endswith("1 av 10") for x in pieces)  # the contents line stands as its own (layout) line


@pytest.mark.parametrize(
    ("doc", "joined"),
    [
        # a wrapped paragraph whose short last line holds a sentence's start after a stop
        ("000_4d997ea345fff442.txt", "ska ge\nKommunfullm"),
        # a label and its value, a name and its title: a block of short lines, no sentence after
        ("004_bc115543fd4b41f8.txt", "Telefon\n0141"),
        ("004_bc115543fd4b41f8.txt", "Peter Ingesson\nKommundirekt"),
    ],
)
def test_a_wrapped_sentence_or_a_contact_block_is_not_cut(doc: str, joined: str):
    text = (BUNDLED_CORPUS / doc).read_text(encoding="utf-8")
    at = text.index(joined)
    assert any(a <= at and at + len(joined) <= b for a, b in layout_spans(text)), joined


def test_the_summary_after_a_cover_answers_what_was_audited(audits_engine: Engine):
    # The cover and contents run into the summary's first sentence; cut off, the sentence answers.
    a = audits_engine.ask("Vad var det PwC granskade i Skellefteå kommun?")
    assert not a.abstained, a.notes
    quoted = " ".join(c.text for c in a.citations)
    assert "riktlinjer för intern kontroll" in quoted, a.answer
    assert "1 av 10" not in quoted and "Innehåll" not in quoted, a.answer
