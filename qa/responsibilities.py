"""Who is responsible for what, as the documents state it: body, responsibility, since when, exact span.

Patterns (on folded text, OCR-tolerant): "<body> har (det övergripande) ansvaret för X", "Sedan … har <body>
det övergripande ansvaret för X", "<body> ansvarar för X", "<body>s roll som X", "<body>s roll innebär ett
särskilt ansvar för X", "<body> har ett helhetsansvar för X", "<unit> som (bland annat) arbetar med X", "<body> … sitt uppdrag att X", "<body> följer upp X".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from granska.qa import bodies

from granska.text import fold, fold_keep, sentence_spans
from granska.types import Document, Span

_ORG = r"(?:landstinget|regionen|kommunen|staten|lansstyrelsen|forsakringskassan|arbetsformedlingen)"
_GAP = r"(?:[\w\-.,]+ ){0,8}?"  # a few words between the body and its verb ("enligt X Stads styr- och …")
_PATTERNS = [
    re.compile(p.replace(" ", r"\s+"))
    for p in (
        rf"(?P<body>{bodies.UNIT}) {_GAP}(?:har|hade) (?:det |ett |sitt )?(?:overgripande |sarskilt |samlade |yttersta )?(?:helhets)?ansvar(?:et)? (?:for|over) (?P<what>[^.;]+)",
        rf"\bhar (?P<body>{bodies.UNIT}) (?:det |ett )?(?:overgripande |sarskilt |samlade )?(?:helhets)?ansvar(?:et)? (?:for|over) (?P<what>[^.;]+)",
        rf"(?P<body>{bodies.UNIT}) (?:ansvarar|svarar) for (?P<what>[^.;]+)",
        rf"(?P<body>{bodies.UNIT})s? roll (?:inneb[a-z]r|ar) (?:ett |att )?(?:sarskilt )?(?:ansvar for )?(?P<what>[^.;]+)",
        rf"(?P<body>{bodies.UNIT})s? roll som (?P<what>[^.;]+)",
        rf"(?P<body>{bodies.UNIT}) som (?:bland annat |framst |huvudsakligen )?arbetar med (?P<what>[^.;]+)",
        rf"ansvaret for (?P<what>[^.;]+?) (?:ligger hos|ligger pa|har) (?P<body>{bodies.UNIT})",
        rf"(?P<body>{bodies.UNIT}) {_GAP}sitt uppdrag att (?P<what>[^.;]+)",
        rf"(?P<body>{bodies.BODY}) foljer upp (?P<what>[^.;]+)",
        # "<body> ger stöd åt … samt ansvarar för X": the responsibility as the second of coordinated verbs.
        rf"(?P<body>{bodies.UNIT}) (?:[\w\-.,]+ ){{1,15}}?(?:samt|och) (?:ansvarar|svarar) for (?P<what>[^.;]+)",
        # "Hemsjukvården var tidigare landstingets ansvar": X is the genitive's responsibility (a body or an
        # organisation of the public sector).
        rf"^\W*(?P<what>[^.;]{{3,80}}?) (?:var|ar|blev) (?:tidigare |numera |formellt |ytterst )?(?P<body>{bodies.UNIT}|{_ORG})s ansvar\b",
        # "Nämnden … ansvarar för X" after a sentence naming the body: the body is the one named before.
        r"^\W*(?P<anaphor>namnden|styrelsen) (?:[\w\-.,]+ ){0,15}?(?:(?:samt|och) )?(?:ansvarar|svarar) for (?P<what>[^.;]+)",
    )
]
# A word each pattern spells out literally (in the same order as _PATTERNS): a sentence without it cannot
# match, so the pattern is not tried (most sentences hold none of them; trying all nine, each starting
# with a body name that can begin anywhere, was most of the cost of ingest). The result is unchanged.
_NEEDS = (
    "ansvar",
    "ansvar",
    "svarar",
    "roll",
    "roll",
    "arbetar",
    "ansvaret",
    "uppdrag",
    "foljer",
    "svarar",
    "s ansvar",
    "svarar",
)
_BODY_RE = re.compile(bodies.BODY)
ANAPHOR_SENTENCES = 2  # "Nämnden" refers to a body named at most this many sentences before
_SINCE = re.compile(
    r"\b(?:sedan|fran och med|fr\.?o\.?m\.?)\s+(?:den\s+)?(?:\d{1,2}\s+[a-z]+\s+\d{4}|[a-z]+\s+\d{4}|\d{4}(?:-\d\d-\d\d)?)"
)


@dataclass(frozen=True, slots=True)
class Responsibility:
    id: str
    municipality: str | None
    body: str
    responsibility: str
    since: str | None
    source: Span

    def as_dict(self) -> dict[str, Any]:
        s = self.source
        return {
            "id": self.id,
            "municipality": self.municipality,
            "body": self.body,
            "responsibility": self.responsibility,
            "since": self.since,
            "source": {"doc": s.doc, "start": s.start, "end": s.end, "page": s.page, "text": s.text},
        }


def extract(doc: Document) -> list[Responsibility]:
    out: list[Responsibility] = []
    folded = fold_keep(doc.text)
    named: list[tuple[int, str]] = []  # (sentence number, body) of the bodies named so far, for "Nämnden …"
    for i, (s, e) in enumerate(sentence_spans(doc.text)):
        f = folded[s:e]
        m = next((m for p, w in zip(_PATTERNS, _NEEDS, strict=True) if w in f and (m := p.search(f))), None)
        if m is not None and "anaphor" in m.groupdict():
            before = [b for n, b in named if i - n <= ANAPHOR_SENTENCES]
            body = before[-1] if before else None
        elif m is not None:
            body = bodies.display(doc.text[s + m.start("body") : s + m.end("body")])
        if body_m := list(_BODY_RE.finditer(f)):
            named.append((i, doc.text[s + body_m[-1].start() : s + body_m[-1].end()]))
        if m is None or body is None:
            continue
        body = bodies.display(body)
        what = re.sub(r"\s+", " ", doc.text[s + m.start("what") : s + m.end("what")]).strip(" ,")
        what = re.sub(r"-\s+(?=[a-zåäö])", "", what)
        what = re.split(r"\s+(?:är|ar|dr|&r) det\b|,|\s+vilket\b|\s+men\b", what)[0]
        what = re.sub(r"\s+(innebär|innebar|innebir|är|ar)$", "", what)
        since_m = _SINCE.search(f)
        since = re.sub(r"\s+", " ", doc.text[s + since_m.start() : s + since_m.end()]) if since_m else None
        if since and since.lower().startswith("sedan dess"):
            since = None
        out.append(
            Responsibility(
                id=hashlib.sha256(f"{doc.doc}:{s}:{e}".encode()).hexdigest()[:12],
                municipality=doc.meta.municipality,
                body=body,
                responsibility=what,
                since=since,
                source=Span(doc.doc, s, e, doc.page_at(s), doc.text[s:e], 1.0),
            )
        )
    return out


def _key(r: Responsibility) -> tuple[str, str, str]:
    """One statement: the same place, body and responsibility, however the sentence around it is worded."""
    place = fold(r.municipality or "")
    return place, bodies.key(r.body), " ".join(fold(r.responsibility).split())


def build(documents: dict[str, Document]) -> list[Responsibility]:
    """Every statement once, over these documents in name order (see `unique`)."""
    return unique(r for name in sorted(documents) for r in extract(documents[name]))


def unique(rows: Iterable[Responsibility]) -> list[Responsibility]:
    """Every statement once: a repeated sentence (a summary restating the body of a text, or the same sentence
    in another document) is one row, the one that says since when where one does."""
    out: dict[tuple[str, str, str], Responsibility] = {}
    for r in rows:
        k = _key(r)
        if k not in out or (out[k].since is None and r.since is not None):
            out[k] = r
    return list(out.values())
