"""Who answers from the tables and the metadata: the body a responsibility statement names ("Vem ansvarar för
…?") and the audit firms the documents name ("Vilka revisionsbyråer har granskat …?"). These return None when
the question asks something else or the tables hold no good enough row, so the ordinary answer takes over.
"""

from __future__ import annotations

import re

from granska.index.search import meta_matches
from granska.qa.evidence import coverage
from granska.qa.intent import places_in
from granska.qa.responsibilities import Responsibility
from granska.qa.tracker import mentions_place, only_places_named, quoted_answer

from granska.text import content_words, fold, for_matching, language, oneline, sentence_spans
from granska.types import Answer, Document, Hit, Span

_ASKS_RESP = re.compile(
    r"\b(vem|vilken|vilka|who|which)\b.*\b(ansvar\w*|responsib\w*|tar hand om|sköter|takes care of|handles)",
    re.IGNORECASE,
)
_ASKS_AUDITORS = re.compile(
    r"\b(vilka|vilken|vem|which|who)\b.*\b(revisionsbyr\w*|revisionsf[öo]retag\w*|konsult\w*|audit firms?|auditing firms?)",
    re.IGNORECASE,
)
# "Var framgår det vem som ansvarar …?", "Where is it set out who is responsible …?": the question asks where (or
# how, why, when), and "vem" opens only its object clause; the body responsible is no answer to it.
_ASKS_OTHER_FIRST = re.compile(r"^\W*(?:var|vart|hur|varfor|nar|where|how|why|when)\b")
RESPONSIBILITY_AT = 0.5  # coverage of the question's topic a statement needs to be the answer
_INTENT_WORDS = {
    "vem",
    "vilken",
    "vilka",
    "ansvarar",
    "ansvaret",
    "ansvar",
    "who",
    "responsible",
    "responsibility",
    "has",
    "tar",
    "hand",
    "sköter",
    "takes",
    "care",
    "handles",
}


def responsibility_answer(question: str, rows: list[Responsibility], hits: list[Hit]) -> Answer | None:
    if not _ASKS_RESP.search(question) or not rows or _ASKS_OTHER_FIRST.search(fold(question)):
        return None
    places, rows = only_places_named(question, rows)
    matched = for_matching(question)
    words = [
        w
        for w in content_words(matched)
        if w not in _INTENT_WORDS and not any(mentions_place(w.capitalize(), p) for p in places)
    ]
    if not rows or not words:
        return None
    weights = {w: 1.0 for w in words}
    scored = [
        (coverage(words, weights, f"{r.body} {r.responsibility} {r.source.text}", ""), r.since is not None, r)
        for r in rows
    ]
    best_cov, _, best = max(scored, key=lambda x: (x[0], x[1]))
    if best_cov < RESPONSIBILITY_AT:
        return None
    since = f" ({best.since})" if best.since else ""
    return quoted_answer(
        question, f"{best.body}{since}", best.source, best_cov, hits, {"generator": "responsibilities"}
    )


def auditors_answer(
    question: str, documents: dict[str, Document], hits: list[Hit], filters: dict[str, list[str]]
) -> Answer | None:
    """'Vilka revisionsbyråer har granskat …?': the firms in the documents' metadata, each cited where the
    document first names it. In-house audit offices (Stadsrevisionen) are not firms."""
    if not _ASKS_AUDITORS.search(question):
        return None
    documents = {n: d for n, d in documents.items() if not filters or meta_matches(n, d.meta, filters)}
    # The place named most fully ("Region X Ys revisorer" is Region X Y, not Ys kommun), else by its first word.
    held = {d.meta.municipality for d in documents.values() if d.meta.municipality}
    places = places_in(question, held) or {m for m in held if mentions_place(question, m)}
    cites: list[Span] = []
    names: list[str] = []
    for name, doc in sorted(documents.items()):
        firm = doc.meta.auditor
        if not firm or "revision" in fold(firm) or (places and doc.meta.municipality not in places):
            continue
        short = firm.split()[0]
        if fold(short) in {fold(n.split()[0]) for n in names}:
            continue
        hit = re.search(rf"\b{re.escape(short)}\b", doc.text)
        if hit is None:
            continue
        start, end = next(
            ((s, e) for s, e in sentence_spans(doc.text) if s <= hit.start() < e), (hit.start(), hit.end())
        )
        cites.append(Span(name, start, end, doc.page_at(start), doc.text[start:end], 1.0))
        names.append(firm)
    if not cites:
        return None
    listed = (
        ", ".join(names[:-1]) + (" och " if language(question) == "sv" else " and ") + names[-1]
        if len(names) > 1
        else names[0]
    )
    quotes = " ".join(f"”{oneline(c.text)}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(question, f"{listed}: {quotes}", False, cites, hits, notes={"generator": "metadata"})
