"""Answers from the recommendation and responsibility tables, for the questions officials ask most.

"Vilka rekommendationer fick kommunstyrelsen i Trollhättan?" lists the table's rows; "Vem ansvarar för
samordningen av integrationsarbetet i Borås?" quotes the best responsibility statement. Anything the
tables cannot answer falls through to the ordinary retrieval answer (these return None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from granska.index.search import meta_matches
from granska.qa import addressees, bodies
from granska.qa.evidence import coverage
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility

from granska.text import char_tokens, content_words, fold, for_matching, language, sentence_spans
from granska.types import Answer, DocMeta, Document, Hit, Span

Row = TypeVar("Row", Recommendation, Responsibility)
_ASKS_RECS = re.compile(r"\b(vilka|vad|vilken|which|what|list)\b.*\b(rekommend\w*|recommend\w*)", re.IGNORECASE)
_ASKS_RESP = re.compile(r"\b(vem|vilken|vilka|who|which)\b.*\b(ansvar\w*|responsib\w*)", re.IGNORECASE)
_AUDITORS = ("pwc", "ey", "kpmg", "deloitte", "stadsrevisionen", "kommunrevisionen")
_ASKS_AUDITORS = re.compile(
    r"\b(vilka|vilken|vem|which|who)\b.*\b(revisionsbyr\w*|revisionsf[öo]retag\w*|konsult\w*|audit firms?|auditing firms?)",
    re.IGNORECASE,
)
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
}


def _oneline(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _mentions_place(question: str, municipality: str | None) -> bool:
    if not municipality:
        return False
    head = fold(municipality.split()[0]).rstrip("s")
    return any(fold(w).startswith(head) for w in re.findall(r"[A-ZÅÄÖ][\wåäöé-]+", question))


def _only_places_named(question: str, rows: list[Row]) -> tuple[set[str], list[Row]]:
    """The municipalities the question names, and the rows from them (all rows when it names none)."""
    places = {r.municipality for r in rows if r.municipality and _mentions_place(question, r.municipality)}
    return places, [r for r in rows if r.municipality in places] if places else rows


def filter_rows(
    rows: Sequence[Recommendation | Responsibility], filters: dict[str, list[str]], metas: dict[str, DocMeta]
) -> list:
    """Metadata filters on each row's source document, plus 'addressee'/'body' and 'status' on the row."""
    extra = {k: v for k, v in filters.items() if k in ("addressee", "body", "status")}
    meta_filters = {k: v for k, v in filters.items() if k not in extra}
    out = []
    for row in rows:
        doc = row.recommendation.doc if isinstance(row, Recommendation) else row.source.doc
        if meta_filters and not meta_matches(doc, metas[doc], meta_filters):
            continue
        name = (row.addressee if isinstance(row, Recommendation) else row.body) or ""
        if any(
            k in ("addressee", "body") and not any(bodies.key(v) in bodies.key(name) for v in vals)
            for k, vals in extra.items()
        ):
            continue
        if "status" in extra and (not isinstance(row, Recommendation) or row.status not in extra["status"]):
            continue
        out.append(row)
    return out


def recommendations_answer(question: str, rows: list[Recommendation], hits: list[Hit]) -> Answer | None:
    if not _ASKS_RECS.search(question) or not rows:
        return None
    places, rows = _only_places_named(question, rows)
    named = {bodies.key(m) for m in re.findall(bodies.BODY, fold(question))}
    if named:
        rows = [r for r in rows if r.addressee and named & {bodies.key(n) for n in addressees.names(r.addressee)}]
    auditors = [a for a in _AUDITORS if re.search(rf"\b{a}\b", fold(question))]
    if auditors:
        rows = [r for r in rows if r.auditor and any(a in fold(r.auditor) for a in auditors)]
    rows, topical = _by_topic(question, rows)
    rows, dated = _by_year(question, rows)
    asked_year = bool(_SINCE.search(question) or _YEAR.search(question))
    if not rows or not (places or named or auditors or topical):
        return None
    en = language(question) == "en"
    who = (
        rows[0].addressee
        if rows[0].addressee and len({bodies.key(r.addressee or "") for r in rows}) == 1
        else ("the bodies" if en else "nämnderna")
    )
    where = f" i {rows[0].municipality}" if places and rows[0].municipality else ""
    n = len(rows)
    head = (
        f"{who}{where.replace(' i ', ' in ')} received {n} recommendation{'s' if n > 1 else ''}:"
        if en
        else f"{who}{where} fick {n} rekommendation{'er' if n > 1 else ''}:"
    )
    if asked_year and not dated:
        # No row from the years asked about: say so, and list the ones there are (never pass them off as asked).
        head = (
            "None from the years asked about in the documents; earlier: "
            if en
            else "Inga från de efterfrågade åren i dokumenten; tidigare: "
        ) + head
    cites = [
        Span(
            r.recommendation.doc,
            r.recommendation.start,
            r.recommendation.end,
            r.recommendation.page,
            r.recommendation.text,
            1.0,
        )
        for r in rows
    ]
    several = len({r.municipality for r in rows}) > 1
    body = " ".join(
        f"{f'{r.municipality}: ' if several and r.municipality else ''}”{_oneline(c.text)}” [{i}]"
        for i, (r, c) in enumerate(zip(rows, cites, strict=True), 1)
    )
    if _ASKS_ANSWER.search(question):
        # "… och vad svarade de?": each answer quoted after the recommendations, cited as well.
        answered = [r for r in rows if r.response is not None]
        parts = []
        for r in answered:
            s = r.response
            assert s is not None
            cites.append(Span(s.doc, s.start, s.end, s.page, s.text, 1.0))
            parts.append(f"({r.status}) ”{_oneline(s.text)}” [{len(cites)}]")
        label = "Answers" if en else "Svar"
        body += f" {label}: " + (
            " ".join(parts) if parts else ("none in the documents." if en else "inga i dokumenten.")
        )
    return Answer(question, f"{head} {body}", False, cites, hits, notes={"generator": "recommendations"})


_ASKS_ANSWER = re.compile(r"\b(svarade|svarat|svar|answered|respond\w*|replied)\b", re.IGNORECASE)
# "rekommendationer om intern kontroll", "granskningen av rutiner för rekrytering": the topic asked about.
_TOPIC = re.compile(
    r"\b(?:om|avseende|kring|rörande|granskning(?:en)? av|about|on)\s+(?P<t>[^?,]+?)"
    r"(?=\s+(?:i|inom|sedan|och|efter|till|från|in|since|and)\s|[?,]|$)",
    re.IGNORECASE,
)
_SINCE = re.compile(r"\b(?:sedan|efter|since|after)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _by_topic(question: str, rows: list[Recommendation]) -> tuple[list[Recommendation], bool]:
    """The rows of the audits whose recommendations or answers match the question's topic (unchanged if none do):
    every recommendation of a matching audit document, not only the sentence that holds the words."""
    m = _TOPIC.search(question)
    topic = _YEAR.sub(" ", m.group("t")) if m else ""  # the year is _by_year's business
    if not content_words(topic):
        return rows, False
    hits = search_rows(rows, topic)
    if not hits:
        return rows, False
    docs = {h.recommendation.doc for h in hits}
    return [r for r in rows if r.recommendation.doc in docs], True


def _by_year(question: str, rows: list[Recommendation]) -> tuple[list[Recommendation], bool]:
    """'sedan 2018' keeps rows dated 2018 or later; a bare year keeps that year's rows (unchanged if none match)."""
    since = _SINCE.search(question)
    years = _YEAR.findall(question)
    if since:
        kept = [r for r in rows if r.date and r.date[:4].isdigit() and r.date[:4] >= since.group(1)]
    elif years:
        kept = [r for r in rows if r.date and r.date[:4] in years]
    else:
        return rows, False
    return (kept, True) if kept else (rows, False)


def responsibility_answer(question: str, rows: list[Responsibility], hits: list[Hit]) -> Answer | None:
    if not _ASKS_RESP.search(question) or not rows:
        return None
    places, rows = _only_places_named(question, rows)
    matched = for_matching(question)
    words = [
        w
        for w in content_words(matched)
        if w not in _INTENT_WORDS and not any(_mentions_place(w.capitalize(), p) for p in places)
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
    s = best.source
    since = f" ({best.since})" if best.since else ""
    text = f"{best.body}{since}: ”{_oneline(s.text)}” [1]"
    return Answer(
        question,
        text,
        False,
        [Span(s.doc, s.start, s.end, s.page, s.text, best_cov)],
        hits,
        notes={"generator": "responsibilities"},
    )


def auditors_answer(
    question: str, documents: dict[str, Document], hits: list[Hit], filters: dict[str, list[str]]
) -> Answer | None:
    """'Vilka revisionsbyråer har granskat …?': the firms in the documents' metadata, each cited where the
    document first names it. In-house audit offices (Stadsrevisionen) are not firms."""
    if not _ASKS_AUDITORS.search(question):
        return None
    documents = {n: d for n, d in documents.items() if not filters or meta_matches(n, d.meta, filters)}
    places = {
        d.meta.municipality
        for d in documents.values()
        if d.meta.municipality and _mentions_place(question, d.meta.municipality)
    }
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
    quotes = " ".join(f"”{_oneline(c.text)}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(question, f"{listed}: {quotes}", False, cites, hits, notes={"generator": "metadata"})


SEARCH_AT = 0.6  # character-n-gram cosine a row needs to match a search
DENSE_Z = 2.0  # standard deviations above the rows' mean embedding cosine for a row to match on meaning alone


class Encoder(Protocol):
    """What dense search needs of an embedder (granska.index.embedders.Embedder has it)."""

    def encode(self, texts: list[str], *, query: bool = False) -> Any: ...


def _row_text(r: Recommendation) -> str:
    parts = [r.recommendation.text, r.response.text if r.response else "", r.addressee or "", r.section or ""]
    return " ".join(parts)


def lexical_scores(rows: Sequence[Recommendation], query: str) -> list[float]:
    """Share of the query's folded character n-grams each row holds (a long row is not penalised for saying more)."""
    import math
    from collections import Counter

    q = Counter(char_tokens(for_matching(query), drop_stopwords=True))
    qn = math.sqrt(sum(v * v for v in q.values()))
    if not qn:
        return [1.0] * len(rows)
    out = []
    for r in rows:
        g = Counter(char_tokens(_row_text(r), drop_stopwords=True))
        out.append(sum(min(v, g[k]) for k, v in q.items() if k in g) / sum(q.values()))
    return out


def dense_scores(rows: Sequence[Recommendation], query: str, encoder: Encoder) -> list[float]:
    """Cosine of the query's and each row's embedding (normalised vectors)."""
    if not rows:
        return []
    q = encoder.encode([query], query=True)[0]
    texts = [_row_text(r) for r in rows]
    cache = _VECTORS.setdefault(str(getattr(encoder, "fingerprint", id(encoder))), {})
    todo = [t for t in dict.fromkeys(texts) if t not in cache]
    if todo:  # rows are encoded once per process: the table changes rarely, queries often
        cache.update(zip(todo, encoder.encode(todo), strict=True))
    return [float(cache[t] @ q) for t in texts]


_VECTORS: dict[str, dict[str, Any]] = {}


def _standardised(values: list[float]) -> list[float]:
    if len(values) < 3:
        return [0.0] * len(values)
    mean = sum(values) / len(values)
    sd = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return [(v - mean) / sd if sd > 0 else 0.0 for v in values]


def search_rows(rows: Sequence[Recommendation], query: str, *, encoder: Encoder | None = None) -> list[Recommendation]:
    """Rows whose text, with its quotations and response, matches `query`, best first.

    Lexical: folded character n-grams (SEARCH_AT). With an `encoder`, a row also matches on meaning (DENSE_AT),
    so "recruitment" finds "rekrytering"; rows matching both rank first."""
    if not content_words(query):
        return list(rows)
    lex = lexical_scores(rows, query)
    dense = _standardised(dense_scores(rows, query, encoder)) if encoder is not None else [-9.0] * len(rows)
    # e5 cosines crowd together (0.78-0.90 for related and unrelated rows alike): a row matches on meaning
    # when it stands out from this query's other rows, not by an absolute cosine.
    scored = [
        ((x >= SEARCH_AT) + (d >= DENSE_Z), x + max(d, 0.0) / 10, r)
        for x, d, r in zip(lex, dense, rows, strict=True)
        if x >= SEARCH_AT or d >= DENSE_Z
    ]
    return [r for _, _, r in sorted(scored, key=lambda t: (-t[0], -t[1]))]
