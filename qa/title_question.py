"""A question that names its document by the title: answered by what the document says about the question's other
words, not by the cover line that repeats the title."""

from __future__ import annotations

import re
from collections.abc import Callable

from granska.index.lexical import context_line
from granska.qa.evidence import Scored, Weights, match, text_grams

from granska.text import content_words, fold

STEM = 6  # words compared by their first letters: "socialnämnden" ~ "socialnämnd", "revisorerna" ~ "revisorer"
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


def beyond_frame(question: str, weights: Weights) -> Callable[[Scored], float]:
    """How much of the question a sentence covers beyond its document's frame: the IDF-weighted share of the
    question's words it holds that its document's context line (municipality, auditor, issuer, title) does not.
    Every sentence of a document holds those through its context line; a sentence that repeats them ("EY har på
    uppdrag av revisorerna i X granskat Y") says which document, not what it says about the question. A word is
    held here only by a word of the sentence with its first letters (`STEM`): character grams alone let a short
    word stand in a longer one ("vända" in "nödvändig")."""
    words = content_words(question)
    idf = {w: weights.idf(w) for w in words}
    total = sum(idf.values())
    frames: dict[str, frozenset[str]] = {}

    def own(s: Scored) -> float:
        if total <= 0:
            return 0.0
        ctx = frames.get(s.span.doc)
        if ctx is None:
            ctx = frames[s.span.doc] = text_grams(context_line(s.hit.meta))
        held = content_words(fold(s.span.text))
        return sum(v for w, v in idf.items() if _held(fold(w), held) and match(w, ctx) == 0.0) / total

    return own


def _held(word: str, held: list[str]) -> bool:
    """A word of the sentence is the question's word, or has its first letters (`STEM`, or all of the shorter
    word's when that has four or more: "prövas" ~ "pröva")."""
    for v in held:
        k = min(STEM, len(word), len(v))
        if v == word or (k >= 4 and v[:k] == word[:k]):
            return True
    return False


# A sentence telling that the audit was made, and by whom for whom ("EY har på uppdrag av de förtroendevalda
# revisorerna i X granskat Y", "PwC har fått i uppdrag att genomföra en granskning av Y"): audit reports open so.
_COMMISSION = re.compile(
    r"\bpa uppdrag av\b[^.]*\bgransk|\bi uppdrag att (?:\w+ ){0,3}?gransk"
    r"|\bhar (?:\w+ ){0,3}?(?:granskat|genomfort en (?:\w+ )?granskning)\b"
)


def tells_the_audit(text: str) -> bool:
    """The sentence tells that the audit was made, and by whom for whom (`_COMMISSION`)."""
    return bool(_COMMISSION.search(fold(text)))


# The question asks what was audited, when or by whom: the sentence telling so answers it.
_ASKS_AUDIT = re.compile(
    r"\bgransk(?:a|ade|at|as|ades)\b|\buppdrag\w*|\bgenomf\w+ granskning|granskningen\W+\w+ genomf\w+"
    r"|\b(?:audited|reviewed|examined|looked into|commissioned|carried out)\b"
    r"|\b(?:did|do|does|will)\b[^?]*\b(?:audit|review|examine|look into)\b"
)


def frame_after_content(
    question: str, ranked: list[Scored], beyond: Callable[[Scored], float], *, typed: Callable[[str], bool]
) -> list[Scored]:
    """A sentence telling that the audit was made yields its place to the next candidate that holds some of the
    question's words beyond its document's frame (and keeps it before those that hold none): it repeats the place,
    the firm and the title that made it rank (the frame of every sentence of the document), and at most the topic
    the question names, not what it asks about the topic. It keeps its place when the question asks what was
    audited or who commissioned it (`_ASKS_AUDIT`: "Vad har revisorerna låtit granska?", "uppdrag"), and when it
    gives what a typed question asks (`typed`: a date for "per vilket datum")."""
    if _ASKS_AUDIT.search(fold(question)):
        return ranked
    told = {id(x) for x in ranked if tells_the_audit(x.span.text) and not typed(x.span.text)}
    if not told:
        return ranked
    out = list(ranked)
    i = 0
    while i < len(out):  # each told sentence yields its place to the next candidate that says more
        if id(out[i]) in told:
            j = next((k for k in range(i + 1, len(out)) if id(out[k]) not in told and beyond(out[k]) > 0), None)
            if j is None:
                break
            out.insert(i, out.pop(j))
        i += 1
    return out


def repeats_frame(question: str, best: Scored, s: Scored, beyond: Callable[[Scored], float]) -> bool:
    """Quoted after `best`, `s` would only repeat its document's frame: it tells that the audit was made, behind a
    best sentence that does not (its place, firm and title words rank it, whatever its coverage and whatever topic
    word it repeats), unless the question asks what was audited; or it holds no question word beyond the frame,
    behind a best sentence that holds some, and covers the question less than that one (what it covers comes from
    its context)."""
    if tells_the_audit(s.span.text) and not tells_the_audit(best.span.text):
        return not _ASKS_AUDIT.search(fold(question))
    return beyond(s) == 0 < beyond(best) and s.coverage < best.coverage
