"""Search over the recommendation table: folded character n-grams, plus embedding cosines where a model is loaded.

`granska recommendations --search TEXT`, `GET /api/recommendations?q=TEXT` and the topic of a list question
("rekommendationer om intern kontroll") all go through `search_rows`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any, Protocol

from granska.qa.recommendations import Recommendation

from granska.text import char_tokens, content_words, for_matching

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


WORD_AT = 0.7  # share of a topic word's character n-grams a row must hold for the word to count as present


def holds_every_word(row: Recommendation, topic: str) -> bool:
    """Whether each content word of `topic` is closely present in the row ("intern" and "kontroll" in "den interna
    kontrollen"; not "intern" in "alternativt"): a list answer about a topic quotes only the rows about it, where
    the n-gram share of the whole topic lets one word's many n-grams carry a row."""
    grams = set(char_tokens(_row_text(row), drop_stopwords=True))
    for w in content_words(topic):
        own = set(char_tokens(w))
        if own and len(own & grams) < WORD_AT * len(own):
            return False
    return True
