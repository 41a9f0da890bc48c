"""The recommendation tracker: what the auditors recommended, to whom, and what the body answered.

Rule-based and general: a recommendation is a bulleted item under an introduction such as
"rekommenderar vi kommunstyrelsen att:" / "Kommunstyrelsen bör i detta avseende:", or a sentence like
"rekommenderar vi Arbetslivsnämnden att …", "Kommunstyrelsen bör …", "… rekommenderas kommunstyrelsen
att …". The same recommendation quoted in a missive and in a response is one recommendation. Each is
linked to the response sentence that best answers it (never to its own quotation), with a status.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from granska.qa import bodies
from granska.qa.evidence import Weights, coverage

from granska.text import content_words, fold, fold_keep, sentence_spans
from granska.types import Document, Span

STATUSES = ("answered", "partly", "rejected", "not_answered", "no_response_in_corpus")
SAME_AT = 0.65  # word-shape Jaccard above which two texts are the same recommendation
LINK_AT = 0.25  # coverage of a recommendation's words that a response sentence needs to answer it
RESPONSE_CUE_BONUS = 0.1  # a sentence that decides or commits ("ska", "beslutat", "delar") is more likely the answer
SECTION_SENTENCES = 4  # sentences of a section taken when the best match is its heading

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
_REJECT = re.compile(
    r"\b(delar inte|delar ej|avser inte|ser inte|inget behov|ej aktuell|inte aktuell|avstar|avvisar|instammer inte|anser inte)\b"
)
_RESTATES = re.compile(r"\b(rekommenderar|rekommenderas|konstaterar|granskningen visar|har genomfort en granskning)\b")
_RESPONDS = re.compile(
    r"\b(ska|skall|kommer att|beslutat|beslutade|omhandertas|uppmanas|uppdras|delar|instammer|tillmotesga|anser|valkomnar)\b"
)
_POINTS_BACK = re.compile(r"\b(detta|dessa|det|den)\b\W*$")
_PARTLY = re.compile(r"\b(delvis|till viss del|i viss man)\b")


@dataclass(slots=True)
class Recommendation:
    id: str
    municipality: str | None
    addressee: str
    recommendation: Span
    response: Span | None
    status: str
    auditor: str | None
    date: str | None
    quoted_in: list[Span] = field(default_factory=list)  # the same recommendation quoted elsewhere

    def as_dict(self) -> dict[str, Any]:
        def span(s: Span | None) -> dict[str, Any] | None:
            return None if s is None else {"doc": s.doc, "start": s.start, "end": s.end, "page": s.page, "text": s.text}

        return {
            "id": self.id,
            "municipality": self.municipality,
            "addressee": self.addressee,
            "recommendation": span(self.recommendation),
            "response": span(self.response),
            "status": self.status,
            "auditor": self.auditor,
            "date": self.date,
            "quoted_in": [span(s) for s in self.quoted_in],
        }


@dataclass(frozen=True, slots=True)
class _Found:
    doc: Document
    addressee: str
    span: Span
    context: str  # the text matched against responses: the recommendation, plus what "detta" points back to


def _span(doc: Document, start: int, end: int) -> Span:
    return Span(doc.doc, start, end, doc.page_at(start), doc.text[start:end], 1.0)


def extract(doc: Document) -> list[_Found]:
    """Every recommendation stated or quoted in one document, in order."""
    found: list[_Found] = []
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
                found.append(_Found(doc, body, _span(doc, bs, be), doc.text[s:e] + " " + doc.text[bs:be]))
                j += 1
            i = j
            continue
        single = next((m for p in _SINGLE if (m := p.search(f))), None)
        if single:
            body = bodies.display(doc.text[s + single.start("body") : s + single.end("body")])
            bullet = _BULLET.match(f)
            start = s + (bullet.end() if bullet else 0)
            previous = doc.text[spans[i - 1][0] : spans[i - 1][1]] if i and _POINTS_BACK.search(f) else ""
            found.append(_Found(doc, body, _span(doc, start, e), previous + " " + doc.text[start:e]))
        i += 1
    return found


def _shape(text: str) -> set[str]:
    """Content words with vowel runs collapsed: an OCR'd quotation and its clean original look alike."""
    return {re.sub(r"[aeiouy]+", "*", w) for w in content_words(text) if not w.isdigit()}


def _same(a: str, b: str) -> bool:
    sa, sb = _shape(a), _shape(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= SAME_AT


def _place(meta_municipality: str | None) -> str | None:
    return fold(meta_municipality.split()[0]).rstrip("s") if meta_municipality else None


def build(documents: dict[str, Document]) -> list[Recommendation]:
    """The tracker over a corpus: de-duplicated recommendations, each linked to its response if any."""
    found = [
        f for d in sorted(documents.values(), key=lambda d: (d.meta.role == "response", d.doc)) for f in extract(d)
    ]
    groups: list[list[_Found]] = []
    for f in found:
        home = next(
            (
                g
                for g in groups
                if _place(g[0].doc.meta.municipality) == _place(f.doc.meta.municipality)
                and bodies.key(g[0].addressee) == bodies.key(f.addressee)
                and _same(g[0].span.text, f.span.text)
            ),
            None,
        )
        if home is None:
            groups.append([f])
        else:
            home.append(f)
    quoted = {(f.span.doc, f.span.start) for f in found}
    # What sets a recommendation apart from its siblings ("spridningen", not "Program för ett integrerat samhälle").
    siblings = Weights([g[0].context for g in groups])
    responses = [d for d in documents.values() if d.meta.role == "response"]
    out = []
    for g in groups:
        first = g[0]
        meta = first.doc.meta
        rec_span = first.span
        response, status = _link(first, responses, quoted, siblings)
        out.append(
            Recommendation(
                id=hashlib.sha256(f"{rec_span.doc}:{rec_span.start}:{rec_span.end}".encode()).hexdigest()[:12],
                municipality=meta.municipality,
                addressee=first.addressee,
                recommendation=rec_span,
                response=response,
                status=status,
                auditor=meta.auditor,
                date=meta.date,
                quoted_in=[x.span for x in g[1:]],
            )
        )
    return out


def _link(
    rec: _Found, responses: list[Document], quoted: set[tuple[str, int]], siblings: Weights
) -> tuple[Span | None, str]:
    """The response passage that answers the recommendation, and what it says (answered/partly/rejected)."""
    place = _place(rec.doc.meta.municipality)
    mine = [d for d in responses if place and _place(d.meta.municipality) == place]
    if not mine:
        return None, "no_response_in_corpus"
    words_ = content_words(rec.context)
    best: tuple[float, Document, list[tuple[int, int]], int] | None = None
    for doc in mine:
        spans = sentence_spans(doc.text)
        folded = [fold(doc.text[s:e]) for s, e in spans]
        weights = Weights([doc.text[s:e] for s, e in spans])
        w = {x: weights.idf(x) * siblings.idf(x) for x in words_}
        for i, (s, e) in enumerate(spans):
            # Never a quoted recommendation, nor a sentence that restates what the auditors said.
            if any(d == doc.doc and s <= start < e for d, start in quoted) or _RESTATES.search(folded[i]):
                continue
            score = coverage(words_, w, doc.text[s:e], "") + (
                RESPONSE_CUE_BONUS if _RESPONDS.search(folded[i]) else 0.0
            )
            if best is None or score > best[0]:
                best = (score, doc, spans, i)
    if best is None or best[0] < LINK_AT:
        return None, "not_answered"
    _, doc, spans, i = best
    s, e = spans[i]
    if _is_heading(doc.text[s:e]):
        # "Synpunkter på rekommendationen angående …": the answer is the section under the heading.
        j = i + 1
        while j < len(spans) and j <= i + SECTION_SENTENCES and not _is_heading(doc.text[spans[j][0] : spans[j][1]]):
            j += 1
        e = spans[j - 1][1]
    text = fold(doc.text[s:e])
    status = "rejected" if _REJECT.search(text) else "partly" if _PARTLY.search(text) else "answered"
    return _span(doc, s, e), status


def _is_heading(sentence: str) -> bool:
    return len(sentence) < 200 and not re.search(r"[.!?:;,”\"]\s*$", sentence)
