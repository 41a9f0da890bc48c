"""Which passage of an answer responds to a recommendation, what it says, and what later follow-ups found.

A recommendation links to a passage of a response (svar, yttrande, tjänsteskrivelse) from the same place:
by its list label ("b) Nämndens svar: …", "Rekommendation b", "punkt 2"), else by topic (folded content
words weighted by how rare they are among the recommendation's siblings, plus folded character n-grams so OCR'd
wording still meets its clean original), else by the answer's overall stance ("Styrelsen välkomnar rapporten …").
A passage is never the recommendation itself, a quotation of one, an introduction ending in a colon, a sentence
restating the auditors, or (in the recommendation's own document) a passage before it.
Follow-ups ("Uppföljning av …") add dated verdicts: åtgärdad, delvis åtgärdad, ej åtgärdad, arbete pågår.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from granska.qa import addressees, bodies, link_pool
from granska.qa.evidence import Weights, coverage, match, text_grams
from granska.qa.rec_rules import Found
from granska.qa.rec_units import Unit, segment

from granska.text import char_tokens, content_words, fold
from granska.types import Document, Span

LINK_AT = 0.25  # topic score a response passage needs to answer a recommendation
RESPONSE_CUE_BONUS = 0.1  # a sentence that decides or commits ("ska", "beslutat", "delar") is more likely the answer
FOLLOW_UP_AT = 0.5  # topic score a follow-up's verdict needs to be about a recommendation
SECTION_SENTENCES = 4  # sentences of a section taken when the best match is its heading
ANSWER_CHARS = 40  # a passage under a label shorter than this is its heading ("Nämndens svar:"), not the answer
CHAR_SHARE = 0.5  # share of the topic score from character n-grams (the rest from weighted content words)
ANSWER_FORM_BONUS = 0.1  # a passage in the form of an answer to one recommendation (see _answer_form)
WORD_MATCH_AT = 0.7  # a recommendation's word counts as present in a passage only when matched this well

_REJECT = re.compile(
    r"\b(delar inte|delar ej|avser inte|ser inte|inget behov|ej aktuell|inte aktuell|avstar|avvisar|instammer inte"
    r"|anser inte)\b"
    # "… anser att kommunen redan har ändamålsenliga rutiner": what was recommended is said to exist already.
    r"|\banser att [^.]*\b(?:har|finns)\s+(?:[a-z]+\s+)?(?:sakerstallda|tillrackliga|andamalsenliga|fungerande|etablerade)\b"
    r"|\bredan (?:finns|har|sker)\b"
    # "Nämnden anser att ansvaret redan är tydligt beskrivet": the body holds that what was asked is in place.
    r"|\banser att [^.]*\bredan\b"
)
_RESTATES = re.compile(
    r"\b(rekommenderar|rekommenderas|konstaterar|granskningen visar|har genomfort en granskning|lamnar revisorerna"
    r"|revisorerna lamnar)\b"
)
_RESPONDS = re.compile(
    r"\b(ska|skall|kommer att|beslutat|beslutade|omhandertas|uppmanas|uppdras|delar|instammer|tillmotesga|anser"
    r"|valkomnar|avser|for avsikt|pagar)\b"
)
_OVERALL = re.compile(
    r"\b(ser positivt pa|delar|instammer i|valkomnar|tar till sig|har tagit del av)\s+(?:[a-z]+\s+){0,3}?"
    r"(slutsatserna|rapporten|revisionsrapporten|rekommendationerna|granskningen)\b"
)
# "rekommendationerna rörande uppföljning, spridning …", "rekommendationer avseende den årliga uppföljningen":
# the answer names the recommendations it responds to by their topic.
_REFERS = re.compile(
    r"\b(?:rekommendationerna|rekommendationen|[a-z]+s\s+rekommendation(?:er)?)\s+(?:r[a-z]rande|avseende|angaende|om|gallande|kring|kopplade till)\b"
)
_PARTLY = re.compile(r"\b(delvis|till viss del|i viss man)\b")
_NAMED = re.compile(r"\b(?:rekommendation(?:en)?|punkt(?:en)?|forslag)\s+(?P<l>[a-h]|\d{1,2})\b\)?")
_VERDICTS = [
    ("not_implemented", re.compile(r"\b(ej|inte) (har )?(atgardad\w*|vidtagit|genomfor\w*|hanterat\w*)")),
    ("partly_implemented", re.compile(r"\b(delvis|inte helt|till viss del)\b")),
    ("in_progress", re.compile(r"\b(arbete pagar|pagar|paborjat\w*)\b")),
    ("implemented", re.compile(r"\b(atgardad\w*|genomfor[dt]\w*|har vidtagit|vidtagits|omhandertagit\w*)\b")),
]
FOLLOW_UP = re.compile(r"\buppfoljning\w*|\buppfoljande\b")


@dataclass(frozen=True, slots=True)
class Passage:
    doc: Document
    unit: Unit
    text: str


@lru_cache(maxsize=256)
def _doc_weights(text: str) -> Weights:
    """Word rarity over one document's units (cached: asked once per recommendation)."""
    return Weights([text[u.start : u.end] for u in segment(Document("", "", text))])


def is_follow_up(doc: Document) -> bool:
    return doc.meta.role not in ("response", "missive", "audit_report") and bool(FOLLOW_UP.search(fold(doc.text[:400])))


@lru_cache(maxsize=4096)
def _grams(text: str) -> Counter[str]:
    return Counter(char_tokens(text, drop_stopwords=True))


def passages(doc: Document, taken: list[tuple[int, int]], after: int) -> list[Passage]:
    """The passages of a document that may answer: not a recommendation or quotation, not before `after`."""
    out = []
    for u in segment(doc):
        if u.start < after or any(s < u.end and u.start < e for s, e in taken):
            continue
        text = doc.text[u.start : u.end]
        f = fold(text)
        if _RESTATES.search(f) or text.rstrip().endswith(":"):
            continue
        out.append(Passage(doc, u, text))
    return out


def rec_marker(rec: Found) -> str:
    return "number" if rec.label.isdigit() else "letter"


def _answer_form(p: Passage, rec_text: str, siblings: Weights) -> float:
    """How much the passage is the body's answer to this recommendation rather than background (0..1).

    A passage naming the recommendations it responds to by topic ("rekommendationerna rörande uppföljning,
    spridning, analys …"): the share of the best-matching named topic found in the recommendation. An item of a
    list the answer introduces with its own decision ("… anser X att det är lämpligt att omhänderta
    rekommendationerna på följande sätt:"): 1."""
    f = _folded(p.text)
    if (items := _refers_items(f)) is not None:
        best = 0.0
        for words_ in items:
            w = {x: siblings.idf(x) for x in words_}
            total = sum(w.values())
            if total > 0:
                best = max(best, sum(w[x] for x in words_ if _matched(x, rec_text)) / total)
        return best
    if p.unit.intro is None or not p.unit.marker or p.doc.meta.role != "response":
        return 0.0
    intro = fold(p.doc.text[p.unit.intro[0] : p.unit.intro[1]])
    return float(intro.rstrip().endswith(":") and bool(_RESPONDS.search(intro)) and not _RESTATES.search(intro))


# A full link computation asks each unit naming the recommendations it answers for its topics once per
# recommendation of the municipality (84,746 asks for 169 recommendations, 8.6 of a relink's 19.9 profiled seconds at
# 131 documents: folding the same few hundred passages and matching the same words again). Both are pure
# functions of their strings, so they are cached: the same values.
_folded = lru_cache(maxsize=65536)(fold)


@lru_cache(maxsize=262144)
def _matched(word: str, rec_text: str) -> bool:
    """Whether a named topic's word is in the recommendation (`match` at WORD_MATCH_AT)."""
    return match(word, text_grams(rec_text)) >= WORD_MATCH_AT


def status_of(text: str) -> str:
    f = fold(text)
    return "rejected" if _REJECT.search(f) else "partly" if _PARTLY.search(f) else "answered"


def verdict_of(text: str) -> str | None:
    f = fold(text)
    return next((name for name, p in _VERDICTS if p.search(f)), None)


def best_response(
    rec: Found,
    responses: list[Document],
    taken: dict[str, list[tuple[int, int]]],
    siblings: Weights,
    own: set[str],
) -> tuple[Span | None, str]:
    """The response passage that answers `rec` and its status, or (None, not_answered/no_response_in_corpus).

    Scored against every passage of the responses at once (`link_pool`: each passage analysed once per
    municipality); the same scores, order and ties as scoring passage by passage (`_score`). The steps are
    `scan` (by label, else which passages may answer), `_scores` (by topic), `fallback` (the overall stance):
    `rec_relink` composes them to re-examine only what a change can move."""
    if not responses:
        return None, "no_response_in_corpus"
    pool = link_pool.pool_of(responses, _features)
    label, eligible = scan(rec, pool, taken)
    if label is not None:
        return _span(label), status_of(label.text)
    at = np.flatnonzero(eligible)
    if len(at):
        score = _scores(rec, pool, siblings, at)
        top = int(at[np.argmax(score[at])])  # the first of equal scores, as passage by passage
        if score[top] >= LINK_AT:
            best = _section(_passage(pool, top))
            return _span(best), status_of(best.text)
        if (k := fallback(rec, pool, at)) is not None:
            overall = _passage(pool, k)
            return _span(overall), status_of(overall.text)
    return None, unanswered(responses, own)


def scan(
    rec: Found, pool: link_pool.Pool, taken: dict[str, list[tuple[int, int]]]
) -> tuple[Passage | None, np.ndarray]:
    """The first passage (in pool order) under the recommendation's label, if any document answers it by label;
    else the units that may answer it by topic. Each document decides on its own (a document answering others by
    their labels answers none of this one's by topic), so a pool of some of the documents gives their part."""
    eligible = np.zeros(pool.n, bool)
    for i, feats in enumerate(pool.docs):
        spans = taken.get(feats.doc.doc, [])
        free = ~pool.taken(i, spans)
        if feats.doc.doc == rec.span.doc:
            free = free & (feats.starts >= rec.span.end)
        mine = feats.answerable & free
        if not mine.any():
            continue
        if rec.label:
            if (hit := _labelled_at(rec, feats, free, mine)) is not None:
                return hit, eligible
            if any(
                feats.units[k].label and feats.units[k].marker == rec_marker(rec) for k in feats.labelled if free[k]
            ):
                continue  # answers go by label here, and none carries this one's: the others' answers are not its
        eligible[pool.offsets[i] : pool.offsets[i + 1]] = mine
    return None, eligible


def fallback(rec: Found, pool: link_pool.Pool, at: np.ndarray) -> int | None:
    """The first unit of `at` stating the answer's overall stance ("välkomnar rapporten") that may answer `rec`
    (no speaker named, or its addressee speaking), when no passage answers it by topic."""
    keys = {bodies.key(n) for n in addressees.names(rec.addressee)} if rec.addressee else set()
    for k in at[pool.overall[at]]:
        i = int(pool.doc_of[k])
        speaking = pool.speaking(i, int(k - pool.offsets[i]))
        if speaking is None or not rec.addressee or speaking in keys:
            return int(k)
    return None


def unanswered(responses: list[Document], own: set[str]) -> str:
    """A separate answer that says nothing about it: not answered; only its own document: no answer in the corpus."""
    return "not_answered" if any(d.doc not in own for d in responses) else "no_response_in_corpus"


def refers_words(pool: link_pool.Pool, at: np.ndarray) -> set[str]:
    """The words of the topics named by the units of `at` that name the recommendations they answer
    (`_answer_form` weighs them by the siblings' rarity)."""
    out: set[str] = set()
    for k in _refers_at(pool, at):
        for item in _refers_items(_folded(_passage(pool, int(k)).text)) or ():
            out.update(item)
    return out


def refers_at(pool: link_pool.Pool, at: np.ndarray) -> np.ndarray:
    return _refers_at(pool, at)


def _refers_at(pool: link_pool.Pool, at: np.ndarray) -> np.ndarray:
    """The units of `at` that name the recommendations they answer, in pool order: `np.intersect1d` of the two
    without its sort of `at` (tens of thousands of units per recommendation in a large municipality)."""
    if not len(pool.refers):
        return pool.refers
    mask = np.zeros(pool.n, bool)
    mask[at] = True
    return pool.refers[mask[pool.refers]]


@lru_cache(maxsize=65536)
def _refers_items(f: str) -> tuple[tuple[str, ...], ...] | None:
    """The content words of each topic a folded passage names ("rekommendationerna rörande X, Y och Z")."""
    m = _REFERS.search(f)
    if m is None:
        return None
    topic = re.split(r"[.;:]", f[m.end() :], maxsplit=1)[0]
    return tuple(tuple(content_words(item)) for item in re.split(r",|\bsamt\b|\boch\b", topic))


def _scores(rec: Found, pool: link_pool.Pool, siblings: Weights, at: np.ndarray) -> np.ndarray:
    """`_score` of `rec` against every unit of the pool (meaningful at `at`), with its arithmetic."""
    return _parts(rec, pool, siblings, at)[0]


def _parts(
    rec: Found, pool: link_pool.Pool, siblings: Weights, at: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The scores of `_scores`, with the character cosine and the answer-form part of each unit."""
    lexical, chars = topic_parts(rec, pool, siblings)
    form = pool.form.copy()
    for k in _refers_at(pool, at):  # naming the recommendations it answers: depends on this one
        form[k] = _answer_form(_passage(pool, int(k)), rec.context, siblings)
    return combined(lexical, chars, pool, form), chars, form


def combined(lexical: np.ndarray, chars: np.ndarray, pool: link_pool.Pool, form: np.ndarray) -> np.ndarray:
    """The topic score from its parts, element by element (so a unit's float does not depend on the others)."""
    return (1 - CHAR_SHARE) * lexical + CHAR_SHARE * chars + pool.cue + ANSWER_FORM_BONUS * form


def answer_form(rec: Found, pool: link_pool.Pool, k: int, siblings: Weights) -> float:
    """The answer form of unit k, a unit naming the recommendations it answers (in [0, 1])."""
    return _answer_form(_passage(pool, k), rec.context, siblings)


def topic_parts(rec: Found, pool: link_pool.Pool, siblings: Weights) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's weighted word share (L) and character cosine with the recommendation."""
    words_ = content_words(rec.context)
    total = np.zeros(len(pool.docs))
    got = np.zeros(pool.n)
    for x in words_:
        units, share, idf = pool.word(x)
        weight = idf * siblings.idf(x)  # per document: its rarity there × among the siblings
        total = total + weight  # summed in word order, as `sum(weights.values())`
        strong = share >= WORD_MATCH_AT
        got[units[strong]] += weight[pool.doc_of[units[strong]]] * share[strong]
    totals = total[pool.doc_of]
    lexical = np.divide(got, totals, out=np.zeros(pool.n), where=totals > 0)
    grams = _grams(rec.context)
    na = math.sqrt(sum(v * v for v in grams.values()))
    norms = na * pool.norms
    chars = np.divide(pool.dots(grams), norms, out=np.zeros(pool.n), where=norms != 0)
    return lexical, chars


def unit_terms(rec: Found, pool: link_pool.Pool, k: int) -> tuple[list[float], list[float]]:
    """What `_parts` reads of unit k per word of the recommendation (in order), besides the siblings' rarity:
    the word's rarity in the unit's document, and its share in the unit where it counts (>= WORD_MATCH_AT; else 0).
    Neither changes while the document does not."""
    i = int(pool.doc_of[k])
    rarity: list[float] = []
    shares: list[float] = []
    for x in content_words(rec.context):
        units, share, idf = pool.word(x)
        rarity.append(float(idf[i]))
        j = int(np.searchsorted(units, k))
        held = j < len(units) and int(units[j]) == k and share[j] >= WORD_MATCH_AT
        shares.append(float(share[j]) if held else 0.0)
    return rarity, shares


def rescored(
    words_: list[str], terms: tuple[list[float], list[float]], fixed: tuple[float, float, float], siblings: Weights
) -> float:
    """One unit's `_parts` score from `unit_terms` and its (character cosine, cue, answer form), under these
    siblings: the same operations in the same order, so the same float."""
    total = 0.0
    got = 0.0
    for x, rarity, share in zip(words_, *terms, strict=True):
        weight = rarity * siblings.idf(x)
        total = total + weight
        if share >= WORD_MATCH_AT:
            got += weight * share
    lexical = got / total if total > 0 else 0.0
    chars, cue, form = fixed
    return (1 - CHAR_SHARE) * lexical + CHAR_SHARE * chars + cue + ANSWER_FORM_BONUS * form


def _labelled_at(rec: Found, feats: link_pool.DocFeatures, free: np.ndarray, mine: np.ndarray) -> Passage | None:
    """`_labelled` over the analysed units: the first answering passage under the recommendation's label."""
    for k in feats.labelled:
        if not free[k]:
            continue
        u = feats.units[k]
        if u.label == rec.label and u.marker == rec_marker(rec) or feats.named[k] == rec.label:
            under = [
                j for j in np.flatnonzero(mine) if feats.starts[j] >= u.start and len(feats.texts[j]) > ANSWER_CHARS
            ]
            return Passage(feats.doc, feats.units[under[0]], feats.texts[under[0]]) if under else None
    return None


def _passage(pool: link_pool.Pool, k: int) -> Passage:
    i = int(pool.doc_of[k])
    local = int(k - pool.offsets[i])
    d = pool.docs[i]
    return Passage(d.doc, d.units[local], d.texts[local])


_PATTERNS = {"restates": _RESTATES, "named": _NAMED, "responds": _RESPONDS, "overall": _OVERALL, "refers": _REFERS}


def _features(doc: Document) -> link_pool.DocFeatures:
    return link_pool.features(doc, _PATTERNS, RESPONSE_CUE_BONUS)


def _section(p: Passage) -> Passage:
    """A heading such as 'Synpunkter på rekommendationen angående …' stands for the section under it."""
    if not _is_heading(p.text):
        return p
    units = [u for u in segment(p.doc) if u.start >= p.unit.start]
    end = p.unit.end
    for u in units[1 : 1 + SECTION_SENTENCES]:
        if _is_heading(p.doc.text[u.start : u.end]):
            break
        end = u.end
    return Passage(p.doc, Unit(p.unit.start, end, "", "", -1, None, 0, p.unit.section), p.doc.text[p.unit.start : end])


def _is_heading(sentence: str) -> bool:
    return len(sentence) < 200 and not re.search(r"[.!?:;,”\"]\s*$", sentence)


def _span(p: Passage) -> Span:
    s, e = p.unit.start, p.unit.end
    return Span(p.doc.doc, s, e, p.doc.page_at(s), p.doc.text[s:e], 1.0)


def follow_ups(
    rec: Found,
    docs: list[Document],
    taken: dict[str, list[tuple[int, int]]],
    *,
    title: str = "",
    pools: dict[str, list[Passage]] | None = None,
) -> list[tuple[str, Span]]:
    """(verdict, passage) from each later follow-up that rules on `rec` or on the audit it came from (its title).

    Words are weighted by their rarity among the follow-up's passages, so "granskning" or "rekommendationer",
    present in every verdict, decide nothing; the audit's topic words do. `pools`: each follow-up's verdict
    passages kept across the calls of one build (they depend on the document and `taken` only)."""
    out = []
    for doc in docs:
        if doc.meta.date and rec.doc.meta.date and doc.meta.date[:4] < rec.doc.meta.date[:4]:
            continue  # a follow-up written before the audit cannot rule on it
        pool = pools.get(doc.doc) if pools is not None else None
        if pool is None:
            pool = [p for p in passages(doc, taken.get(doc.doc, []), 0) if verdict_of(p.text)]
            if pools is not None:
                pools[doc.doc] = pool
        if not pool:
            continue
        idf = _doc_weights(doc.text)
        best: tuple[float, Passage] | None = None
        for about in (rec.span.text, rec.context, title):
            words_ = content_words(about)
            weights = {x: idf.idf(x) for x in words_}
            for p in pool:
                score = coverage(words_, weights, p.text, "")
                if best is None or score > best[0]:
                    best = (score, p)
        if best is not None and best[0] >= FOLLOW_UP_AT:
            out.append((verdict_of(best[1].text) or "", _span(best[1])))
    return out
