"""A question that names its document by the title: answered by what the document says about the question's other
words, not by the cover line that repeats the title."""

from __future__ import annotations

from granska.index.lexical import context_line
from granska.qa.evidence import Scored, Weights, match, text_grams

from granska.text import content_words, fold

TITLE_SHARE = 0.6  # of the title's content words, for a question to name its document by the title


def _repeats_title(s: Scored) -> bool:
    """The sentence holds the document's whole title as written (a cover line, a page header)."""
    title = " ".join(fold(s.hit.meta.title or "").split())
    return len(content_words(title)) >= 3 and title in " ".join(fold(s.span.text).split())


def title_after_content(ranked: list[Scored], question: str, weights: Weights) -> list[Scored]:
    """A question that names its document by its title ("… i granskningen av konsultanvändningen i X?") is
    answered by what the document says about the question's *other* words: the title's words only say which
    document (every sentence of it holds them through its context line). When they put a sentence repeating
    the title (a cover line) first, that document's sentences are ordered by how much of the other words they
    cover (the previous order breaks ties)."""
    if not ranked:
        return ranked
    words = content_words(question)
    lead = ranked[0]
    if not _repeats_title(lead):  # the order is the selector's unless the title's words put a cover line first
        return ranked
    title = content_words(lead.hit.meta.title or "")
    q_grams = text_grams(" ".join(words))
    if len(title) < 3 or sum(match(w, q_grams) > 0 for w in title) < TITLE_SHARE * len(title):
        return ranked
    ctx = text_grams(context_line(lead.hit.meta))
    idf = {w: weights.idf(w) for w in words if match(w, ctx) == 0.0}
    if not idf:
        return ranked

    def rest_cov(x: Scored) -> float:
        grams = text_grams(x.span.text)
        return sum(v * match(w, grams) for w, v in idf.items())

    home = [x for x in ranked if x.span.doc == lead.span.doc]
    order = {id(x): i for i, x in enumerate(home)}
    home.sort(key=lambda x: (-rest_cov(x), order[id(x)]))
    return [*home, *(x for x in ranked if x.span.doc != lead.span.doc)]
