"""Today's hand-written recommendation rules, kept as the baseline row of `granska eval` and as a feature.

A recommendation is a bulleted item under an introduction such as "rekommenderar vi kommunstyrelsen att:" /
"Kommunstyrelsen bör i detta avseende:", or a sentence like "rekommenderar vi Arbetslivsnämnden att …",
"Kommunstyrelsen bör …", "… rekommenderas kommunstyrelsen att …". General Swedish directive grammar; the
learned extractor (`granska.qa.recommendations`) uses these hits as one feature among many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from granska.qa import bodies

from granska.text import fold_keep, sentence_spans
from granska.types import Document, Span

_WHO = r"(?:vi|revisionen|revisorerna|stadsrevisionen|kommunrevisionen|kommunens revisorer)"
_ALSO = r"(?:(?:vidare|ocksa|aven|dessutom|darfor|darutover) )?"
_BULLET = re.compile(r"^[\s\"”“]*(?:(?:[-–•❖*▪●◦]\s*)+|[eo]\s+(?=[a-z]))")
_INTRO = [
    re.compile(rf"rekommenderar {_ALSO}(?:{_WHO} )?{_ALSO}(?P<body>{bodies.BODY}) att\s*:?\s*$"),
    re.compile(rf"(?P<body>{bodies.BODY}) bor i detta avseende\s*:?\s*$"),
    re.compile(rf"(?P<body>{bodies.BODY}) rekommenderas(?: ocksa)? att\s*:?\s*$"),
    re.compile(rf"rekommendationer (?:till|riktade till) (?P<body>{bodies.BODY})\s*:\s*$"),
]
_SINGLE = [
    re.compile(rf"rekommenderar {_ALSO}(?:{_WHO} )?{_ALSO}(?P<body>{bodies.BODY}) att \S"),
    re.compile(rf"rekommenderas (?P<body>{bodies.BODY})(?: ocksa)? att \S"),
    re.compile(rf"^[\W\d]*(?P<body>{bodies.BODY}) (?:bor|rekommenderas(?: ocksa)? att) (?!i detta avseende)\S"),
]
_POINTS_BACK = re.compile(r"\b(detta|dessa|det|den)\b\W*$")


@dataclass(frozen=True, slots=True)
class Found:
    """One recommendation as stated or quoted in one document."""

    doc: Document
    addressee: str | None
    span: Span
    context: str  # the text matched against responses: the recommendation, plus what "detta" points back to
    label: str = ""  # its list label ("a", "2") when it has one, for "rekommendation b)" in answers
    section: str | None = None  # the nearest heading above it
    confidence: float = 1.0


def _span(doc: Document, start: int, end: int) -> Span:
    return Span(doc.doc, start, end, doc.page_at(start), doc.text[start:end], 1.0)


def extract(doc: Document) -> list[Found]:
    """Every recommendation stated or quoted in one document, in order."""
    found: list[Found] = []
    spans = sentence_spans(doc.text)
    folded = fold_keep(doc.text)
    i = 0
    while i < len(spans):
        s, e = spans[i]
        f = folded[s:e]
        intro = next((m for p in _INTRO if (m := p.search(f))), None)
        if intro:
            body = bodies.display(doc.text[s + intro.start("body") : s + intro.end("body")])
            j = i + 1
            while j < len(spans) and (b := _BULLET.match(folded[spans[j][0] : spans[j][1]])):
                bs, be = spans[j][0] + b.end(), spans[j][1]
                found.append(Found(doc, body, _span(doc, bs, be), doc.text[s:e] + " " + doc.text[bs:be]))
                j += 1
            i = j
            continue
        single = next((m for p in _SINGLE if (m := p.search(f))), None)
        if single:
            body = bodies.display(doc.text[s + single.start("body") : s + single.end("body")])
            bullet = _BULLET.match(f)
            start = s + (bullet.end() if bullet else 0)
            previous = doc.text[spans[i - 1][0] : spans[i - 1][1]] if i and _POINTS_BACK.search(f) else ""
            found.append(Found(doc, body, _span(doc, start, e), previous + " " + doc.text[start:e]))
        i += 1
    return found
