"""Candidate recommendations from layout: sentences and list items, each joined to its list introduction.

A document is cut into units: sentences (`granska.text.sentence_spans`), then list items inside them (bullets
"•", "-", the OCR readings "e"/"o" of a bullet, lettered "a)", numbered "1."), and the items after an
introduction that ends in a colon ("rekommenderar vi nämnden att: Ta fram … Se över …"). A unit broken by a
page break or a broken OCR line (no closing punctuation, the next piece starts in lower case) is one unit.
Offsets always point into the original text. The nearest heading above each unit is kept as its section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from granska.text import fold_keep, sentence_spans
from granska.types import Document

# A list marker at the start of a unit: bullets (and their OCR readings), lettered and numbered items.
_LEAD = re.compile(
    r"^[\s\"”“]*(?P<m>(?:[-–•❖*▪●◦]\s*)+|[eo]\s+(?=[a-zåäö])|(?P<letter>[a-hA-H])\)\s*|(?P<num>\d{1,2})[.)]\s+(?=[A-ZÅÄÖa-zåäö]))"
)
# Where a list item starts inside running text (flattened PDF text keeps no line breaks).
_INLINE = re.compile(
    r"(?<=\s)(?:[•❖▪●◦]|[-–](?=\s+[A-ZÅÄÖ])|[a-h]\)(?=\s+[A-ZÅÄÖ]))"
    r"|(?<=:)\s+(?=[A-ZÅÄÖ][a-zåäö]+\s)"  # "att: Ta fram …": the introduction ends at its colon
    r"|(?<=\n)[ \t]*(?=[eo][ \t]+[A-ZÅÄÖa-zåäö]{2})"  # an OCR'd bullet opening a line ("e Nämnden ska …")
    r"|(?<=\n)[ \t]*(?=\d{1,2}[.)][ \t]+[A-ZÅÄÖa-zåäö])"  # a numbered item opening a line ("…,\n2. säkerställa")
)
# An OCR'd bullet read as "e"/"o" before a capital: only where a line starts (elsewhere "e" may be a word).
_LINE_BULLET = re.compile(r"^[eo][ \t]+(?=[A-ZÅÄÖ][a-zåäö])")
# An "att …" item continuing a list item after a comma ("…, att utveckla rutinerna").
_ATT_ITEM = re.compile(r",\s+(?=att\s+[a-zåäö]{3,})")
_CLOSED = re.compile(r"[.!?:;”\"]\s*$")
# A heading: a short line of its own without closing punctuation, optionally numbered ("3.2 Rekommendationer").
_HEADING = re.compile(r"^[ \t]*(?:\d+(?:\.\d+)*\.?\s+)?[A-ZÅÄÖ][^\n.!?:;]{2,70}[ \t]*$", re.MULTILINE)
INTRO_REACH = 8  # units after a colon introduction that may still be its unmarked items


@dataclass(frozen=True, slots=True)
class Unit:
    start: int  # the item's text, after its list marker
    end: int
    marker: str  # "", "bullet", "letter", "number"
    label: str  # "a", "2" for lettered/numbered items, else ""
    index: int  # position in its list (0-based), -1 outside a list
    intro: tuple[int, int] | None  # the list introduction this unit belongs to, if any
    intro_distance: int  # units between the introduction and this unit (0 when none)
    section: str | None  # nearest heading above


def _pieces(text: str) -> list[tuple[int, int]]:
    """Sentences, cut further at inline list markers, joined back over page breaks, then "att …" items split off."""
    cut: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        cuts = [s] + [m.start() for m in _INLINE.finditer(text, s, e) if m.start() > s] + [e]
        for a, b in pairwise(cuts):
            a, b = _trim(text, a, b)
            if b > a:
                cut.append((a, b))
    out: list[tuple[int, int]] = []
    for a, b in _join_broken(text, cut):
        sub = [a] + ([m.end() for m in _ATT_ITEM.finditer(text, a, b)] if _LEAD.match(text[a:b]) else []) + [b]
        for x, y in pairwise(sub):
            x, y = _trim(text, x, y)
            if y > x:
                out.append((x, y))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


def _join_broken(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A sentence cut by a page break or a blank OCR line goes on in lower case: join it back."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        broken = out and not _CLOSED.search(text[out[-1][0] : out[-1][1]]) and text[s : s + 1].islower()
        if broken and not _LEAD.match(text[s:e]) and not (text[s - 1] == "\n" and _LINE_BULLET.match(text[s:e])):
            out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out


def headings(text: str) -> list[tuple[int, str]]:
    """(offset, heading text) of the lines that look like headings, in order."""
    return [(m.start(), m.group().strip()) for m in _HEADING.finditer(text) if len(m.group().split()) <= 10]


def segment(doc: Document) -> list[Unit]:
    """Every candidate unit of one document, in order."""
    return list(_segment(doc.text))


@lru_cache(maxsize=256)
def _segment(text: str) -> tuple[Unit, ...]:
    """Cached: linking asks for the units of every answer once per recommendation."""
    heads = headings(text)
    units: list[Unit] = []
    intro: tuple[int, int] | None = None
    intro_at = -1
    index = -1
    for n, (s, e) in enumerate(_pieces(text)):
        lead = _LEAD.match(text[s:e]) or (_LINE_BULLET.match(text[s:e]) if s and text[s - 1] == "\n" else None)
        marker, label, start = "", "", s
        if lead and lead.end() < e - s:
            groups = lead.groupdict()
            marker = "letter" if groups.get("letter") else "number" if groups.get("num") else "bullet"
            label = (groups.get("letter") or groups.get("num") or "").lower()
            start = s + lead.end()
        if marker:
            if index < 0 and units and intro is None:
                prev = units[-1]
                intro, intro_at = (prev.start, prev.end), n - 1
            index += 1
        elif intro is not None and n - intro_at <= INTRO_REACH and text[intro[1] - 1 : intro[1]] == ":":
            index += 1  # an unmarked item after "…att:"
        else:
            intro, intro_at, index = None, -1, -1
        section = next((h for off, h in reversed(heads) if off < s), None)
        units.append(Unit(start, e, marker, label, index, intro, n - intro_at if intro else 0, section))
        if text[s:e].rstrip().endswith(":"):
            intro, intro_at, index = (s, e), n, -1
    return tuple(units)


def folded(doc: Document) -> str:
    return fold_keep(doc.text)
