"""Sentence spans for answering, with a line of front matter split off the sentence it runs into (issue #10).

`granska.text.sentence_spans` ends a sentence at a stop before a capital, a blank line or a bullet. A line of
layout that ends without a stop runs into the sentence on the next line: a contents line that ends on a page
mark ("… Rekommendationer...10 Bilaga 1 … Mars 2017 1 av 10" + newline + "Sammanfattning På uppdrag av …"), a
letterhead's contact line, a heading line before body text. Such a run-on passes as one sentence: the real
sentence is quoted with the layout before it, or, where the run-on is dropped as a cover, not at all. Here it
is cut at the line break, so the sentence stands alone and the layout line becomes its own line (which
`granska.qa.layout_lines` keeps out of content answers).

A line break is a cut when the line before it is a line of layout (it ends on a page mark or a dot-leader page
number, carries contact details, or is short, stands whole in the run-on and does not break off mid-clause) and
the text after it is a sentence (it opens with a capital, ends on a stop and has words enough). General layout
evidence only: line lengths, page marks, dot leaders, contact patterns, capitalisation.

Flattened front matter, where a letterhead, the decision's headings and the decision stand on one line
("… 1 (11) HANDLÄGGARE … Förslag till beslut Kommunstyrelsens beslut Som svar på …"), is not cut: cut at its
headings, the decision's sentence lost the report title the letterhead names and with it three answers
(docs/layout.md, Session 32).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from granska.text import fold, sentence_spans, trimmed

# A line that ends on a page mark: "1 av 10", "2(18)", "3 (11)", a dot leader and its page "…...10", "(3)".
_PAGE_END = re.compile(r"(?:\b\d{1,3} ?(?:av|of|/) ?\d{1,3}|\b\d{1,3} ?\(\d{1,3}\)|\.{2,} ?\d{1,3}|^\(\d{1,3}\))\s*$")
# Contact details on a line: an e-mail or web address, a telephone number.
_CONTACT = re.compile(r"[\w.-]+@[\w-]+\.\w+|\bwww\.|https?://|\b0\d{1,3}-\d{2,3}(?: ?\d{2,3}){1,3}\b")
# A line that breaks off mid-clause: a comma, hyphen or conjunction, or a function word, at its end (folded).
_OPEN_END = re.compile(
    r"(?:[,;(&/–-]|\b(?:att|och|eller|samt|av|i|pa|for|som|till|med|om|en|ett|de|den|det|ar|har|vid|fran|under"
    r"|inom|mot|efter|enligt|utan|the|and|or|of|to|in|for|with|by|a|an))\s*$"
)
_STOP_END = re.compile(r"[.!?:]\W*$")
SHORT_LINE = 60  # characters of a layout line (a letterhead's, an address's, a heading's)
SHORT_WORDS = 8
SENTENCE_WORDS = 4  # words the text after a layout line holds to stand as a sentence of its own


def layout_spans(text: str) -> list[tuple[int, int]]:
    """`sentence_spans(text)`, each run-on of a layout line and a sentence cut at the line break between them."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        start = s
        for cut in _line_cuts(text, s, e):
            out.extend(trimmed(text, start, cut))
            start = cut
        out.extend(trimmed(text, start, e))
    return out


def _line_cuts(text: str, s: int, e: int) -> Iterator[int]:
    """Where a line of layout ends and a sentence opens the next line, inside text[s:e], in order."""
    for m in re.finditer(r"[ \t]*\n\s*", text[s:e]):
        after = s + m.end()
        if after >= e or not text[after].isupper():
            continue
        line_start = text.rfind("\n", 0, s + m.start()) + 1
        line = text[line_start : s + m.start()].strip()
        if not line or _STOP_END.search(line) or _OPEN_END.search(fold(line)):
            continue
        rest = text[after:e]
        if not (_STOP_END.search(rest) and len(rest.split()) >= SENTENCE_WORDS):
            continue
        # A short line is layout only where it stands whole in the run-on (a wrapped paragraph's last line
        # holds the start of a sentence after a stop: "… förnyas. Då nämnden senast 2022 ska ge").
        short = line_start >= s and len(line) <= SHORT_LINE and len(line.split()) <= SHORT_WORDS
        if short or _PAGE_END.search(line) or _CONTACT.search(line):
            yield after
