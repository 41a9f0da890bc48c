"""Sentence-level evidence: which sentences of the retrieved passages answer the question, and how well.

Coverage is the IDF-weighted share of the question's content words found in a sentence (fuzzy, so OCR
damage like "nimnden" still matches "nämnden"), with the document's context line (municipality,
auditor, title) counting at half weight. It is both the ranking signal and the abstention signal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from granska.index.lexical import context_line

from granska.text import char_ngrams, content_words, language, sentence_spans, words
from granska.types import Hit, Span

if TYPE_CHECKING:
    from granska.qa.scorer import AnswerModel, Linear

ANSWER_TYPE_BONUS = 0.1
_MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
_DATE = re.compile(rf"\b(?:1[89]|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?\b|\b\d{{1,2}} (?:{_MONTHS})\b", re.IGNORECASE)
# A count: not a year, not part of a date or a phone number.
_COUNT = re.compile(
    rf"(?<![\d-])\d{{1,3}}(?:[ .]\d{{3}})*(?:,\d+)?(?![\d-])(?! (?:{_MONTHS}))"
    r"|\b(?:två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen)\b"
    # "mer än en sökande", "minst ett": one counted in words ("en" / "ett" alone are articles)
    r"|\b(?:mer|fler|färre|mindre) än (?:en|ett)\b|\b(?:minst|högst|endast|bara|enbart|exakt) (?:en|ett)\b",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"\d[\d .,]*\s*(?:kr|kronor|sek|mkr|tkr|msek|miljon\w*|miljard\w*|tusen)\b|\b(?:kr|sek)\s*\d", re.IGNORECASE
)
# A time of day ("13:00", "9.30"): what "At what time …?" asks for, which no date or count answers.
TIME_OF_DAY = re.compile(r"(?<![\d:.])(?:[01]?\d|2[0-3])[:.][0-5]\d(?![\d:.])")
_ASKS_TIME = re.compile(r"\bwhat time\b|\bvilket klockslag\b", re.IGNORECASE)
_ASKS_DATE = re.compile(
    r"^\W*(när|sedan när|senast när|when|since when)\b|\b(vilket (datum|år)|vilken månad|(?:what|which) (?:date|year|month))\b",
    re.IGNORECASE,
)
# A Swedish question asks for an amount when it asks what something cost, how large a cost, budget or sum was,
# which amount, "i kronor", or money: "budgeten" and "kostnaderna" alone also name a topic ("Vad ville förvaltningarna
# dra ner på enligt budgeten?", "… sagt om bemanningsföretagen i sina budgetar"), and read as asking an amount they
# kept no sentence at all (as the English side found in session 25).
_MONEY_NOUN = r"\w*(?:kostnad|budget|belopp|summa|avvikelse|overskrid|överskrid|underskott|overskott|överskott)\w*"
_ASKS_MONEY = re.compile(
    r"\b(?:kostade|kostar|kostat|pengar|cost\w*|spen[dt])\b|\bi kronor\b"
    rf"|\bhur (?:stor|stort|stora|hög|högt|höga|hog|hogt|hoga)\b[^?]*\b{_MONEY_NOUN}"
    r"|\b(?:vilket|vilka|vilken) (?:\w+ )?(?:belopp|summa)\w*"
    r"|\bvad (?:var|är|ar|blev) (?:den |de )?(?:totala )?(?:kostnad|budget)\w*",
    re.IGNORECASE,
)
# An English question asks for an amount only when it asks "how much", "how large a budget", or what something
# cost or was spent: "cost" and "budget" also name a topic ("What can a failed recruitment cost an
# organisation?", "budget holders"), and read as asking for an amount they kept no sentence at all, so the
# answer abstained (audits_en5, docs/english.md Session 25). Swedish questions keep _ASKS_MONEY.
_ASKS_MONEY_EN = re.compile(
    r"\bhow much\b(?! of)(?= (?:money|funding|did|does|do|was|were|is|are|will|would|has|have|had)\b|\W*$)"
    r"|\bhow (?:large|big|high|great)\b[^?]*\b(?:budget|cost|costs|sum|amount)\b"
    r"|\bwhat (?:did|does|do|will|would)\b[^?]*\b(?:cost|spen[dt])\b"
    r"|\bwhat (?:was|were|is|are)\b[^?]*\b(?:cost|costs|budget|amount)\b",
    re.IGNORECASE,
)
_ASKS_COUNT = re.compile(r"\b(hur många|how many|antal\w*)\b", re.IGNORECASE)
# A purpose clause names what the asked thing is for ("… för att sänka kostnaderna", "… in order to cut costs"):
# a cost or count word in it is not what the question asks for.
_PURPOSE_CLAUSE = re.compile(r"\b(?:för att|in order to|so as to)\b.*$", re.IGNORECASE | re.DOTALL)


def answer_type(question: str) -> re.Pattern[str] | None:
    """What the answer must contain, when the question says: a time of day, a date, an amount of money, a count."""
    if _ASKS_TIME.search(question):
        return TIME_OF_DAY
    if _ASKS_DATE.search(question):
        return _DATE
    asked = _PURPOSE_CLAUSE.sub("", question)  # "Vad infördes för att sänka kostnaderna?" asks a means, no sum
    if (_ASKS_MONEY_EN if language(question) == "en" else _ASKS_MONEY).search(asked):
        return _MONEY
    if _ASKS_COUNT.search(asked):
        return _COUNT
    return None


def asks_date(question: str) -> bool:
    """The question asks for a date or a year ("när", "vilket år", "per vilket datum")."""
    return answer_type(question) is _DATE


def gives_answer_type(question: str, text: str, *, strict: bool = False) -> bool:
    """True unless the question asks for a date/amount/count and the text gives none beyond those it names.

    strict: only amounts and counts must be there; "när" is answered by "vid resa utomlands" as often as by a date.
    """
    expected = answer_type(question)
    if expected is None or (strict and expected is _DATE):
        return True
    named = {m.group(0).lower() for m in expected.finditer(question)}
    return any(m.group(0).lower() not in named for m in expected.finditer(text))


MATCH_AT = 0.6  # share of a word's char n-grams that must occur in the sentence
NEIGHBOUR_DISCOUNT = 0.8
SHORT_ABSENT_CAP = 1.0
# An English question word no glossary term or dictionary sense put into Swedish ("consolidated", "arrears") is
# found in no Swedish passage whatever they say: its absence is a gap in our vocabulary, not a missing topic, so
# it weighs as a short absent word does. Chosen on the English dev sets (docs/english.md, Session 24).
FOREIGN_ABSENT_CAP = 1.0


@dataclass(frozen=True, slots=True)
class Scored:
    span: Span
    coverage: float  # 0..1
    rank: int  # rank of the passage it came from
    hit: Hit
    prior: float = 0.0  # tie-breakers added to coverage when ranking by rule
    prob: float = 0.0  # the learned selector's probability that this sentence answers (when a model ranked)
    features: dict[str, float] = field(default_factory=dict, compare=False, repr=False)


_VOWELS = str.maketrans("aeiouy", "******")


def _skeleton(word: str) -> str:
    """OCR confuses vowels (ä→a/i/d, ö→6/é): compare consonant shapes too, marked so they never meet real grams."""
    return "~" + word.translate(_VOWELS)


@lru_cache(maxsize=4096)
def _grams(word: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The word's 3-grams, those of its first 70% (its stem, roughly: bedömdes ~ bedömning), of its skeleton."""
    stem = word[: max(5, -(-7 * len(word) // 10))]
    return (
        frozenset(char_ngrams(word, 3, 3)),
        frozenset(char_ngrams(stem, 3, 3)[:-1]),
        frozenset(char_ngrams(_skeleton(word), 4, 4)),  # 4-grams: a vowel wildcard makes 3-grams too common
    )


@lru_cache(maxsize=2048)
def text_grams(text: str) -> frozenset[str]:
    ws = words(text)
    return frozenset(g for w in ws for g in (*char_ngrams(w, 3, 3), *char_ngrams(_skeleton(w), 4, 4)))


def match(word: str, grams: frozenset[str]) -> float:
    whole, stem, skeleton = parts = _grams(word)
    # Only the intersections `gram_share` reads are taken (this runs for every word of every passage read).
    held = (
        len(whole & grams),
        len(stem & grams) if len(word) >= 7 and stem else 0,
        len(skeleton & grams) if len(word) >= 6 else 0,
    )
    share = gram_share(word, parts, held)
    return share if share >= MATCH_AT else 0.0


def gram_share(
    word: str, parts: tuple[frozenset[str], frozenset[str], frozenset[str]], held: tuple[int, int, int]
) -> float:
    """How much of `word` a text holds, from how many of its (whole, stem, skeleton) character n-grams
    (`_grams`) the text holds: the one definition `match` and the siblings' n-gram index both use."""
    whole, stem, skeleton = parts
    share = held[0] / len(whole)
    if len(word) >= 7 and stem:
        share = max(share, 0.9 * held[1] / len(stem))
    if len(word) >= 6:
        share = max(share, 0.85 * held[2] / len(skeleton))
    return share


class Weights:
    """IDF of question words over the searchable passages, by fuzzy presence."""

    def __init__(self, passages: list[str], *, foreign: frozenset[str] = frozenset()) -> None:
        self._n = max(len(passages), 1)
        self._df: dict[str, int] = {}  # the passages never change: each word is counted once
        self.foreign = foreign
        self._read(passages)

    def _read(self, passages: list[str]) -> None:
        """Keep what `df` counts in; a subclass may defer the n-grams (rec_index.Siblings reads them lazily)."""
        self._grams = [text_grams(p) for p in passages]

    def reading(self, foreign: frozenset[str]) -> Weights:
        """The same passages (and counts), with `foreign` the words of a question that stayed in another
        language than the passages': found nowhere, they weigh no more than FOREIGN_ABSENT_CAP."""
        view = Weights([], foreign=foreign)
        view._grams, view._n, view._df = self._grams, self._n, self._df
        return view

    def df(self, word: str) -> int:
        got = self._df.get(word)
        if got is None:
            got = self._df[word] = sum(1 for g in self._grams if match(word, g) > 0)
        return got

    def idf(self, word: str) -> float:
        df = self.df(word)
        if df == 0 and word in self.foreign:
            return min(idf_of(word, df, self._n), FOREIGN_ABSENT_CAP)
        return idf_of(word, df, self._n)


def passage_vocabulary(hits: list[Hit]) -> list[str]:
    """The sorted folded words of the passages `Weights` reads (the first 20): where an English word's reading
    looks for the passages' own word (`granska.text.for_matching`'s `vocabulary`)."""
    return sorted({w for h in hits[:20] for w in words(h.chunk.text)})


def idf_of(word: str, df: int, n: int) -> float:
    """The IDF `Weights` gives a word found in `df` of `n` passages (also used where df is counted in bulk)."""
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    # A short word found nowhere is most often a light verb ("fick", "blev"), not the missing topic
    # ("budget", "kostade"): it may lower coverage, but not decide abstention on its own.
    return min(idf, SHORT_ABSENT_CAP) if df == 0 and len(word) < 6 else idf


def coverage(words: list[str], weights: dict[str, float], text: str, context: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    g_text, g_ctx = text_grams(text), text_grams(context)
    got = sum(weights[w] * max(match(w, g_text), 0.5 * match(w, g_ctx)) for w in words)
    return got / total


def _covered(words: list[str], weights: dict[str, float], matched: dict[str, float]) -> float:
    total = sum(weights.values())
    return sum(weights[w] * matched[w] for w in words) / total if total > 0 else 0.0


def candidates(question: str, hits: list[Hit], weights: Weights, *, passages: int = 5) -> list[Scored]:
    """Every sentence of the top passages, scored by rule and with the learned selector's features; unsorted."""
    words = content_words(question)
    w = {word: weights.idf(word) for word in words}
    expected = answer_type(question)
    out: list[Scored] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, hit in enumerate(hits[:passages]):
        c = hit.chunk
        g_ctx = text_grams(context_line(hit.meta))
        in_ctx = {x: 0.5 * match(x, g_ctx) for x in words}
        spans = sentence_spans(c.text)
        # Each word's match per sentence, once; a window's match is the best of its sentences'.
        per = [{x: max(match(x, text_grams(c.text[s:e])), in_ctx[x]) for x in words} for s, e in spans]
        for i, (s, e) in enumerate(spans):
            key = (c.doc, c.start + s, c.start + e)
            if key in seen:  # passages overlap by a sentence
                continue
            seen.add(key)
            text = c.text[s:e]
            own = _covered(words, w, per[i])
            # A short sentence ("Kommunstyrelsen bör i detta avseende:") borrows from its neighbours, discounted.
            near = per[max(i - 1, 0) : i + 2]
            window = _covered(words, w, {x: max(m[x] for m in near) for x in words})
            cov = max(own, NEIGHBOUR_DISCOUNT * window)
            given = expected is not None and gives_answer_type(question, text)
            prior = 0.1 * own - 0.02 * rank + 0.05 * hit.score + (ANSWER_TYPE_BONUS if given else 0.0)
            feats = {
                "cov": cov,
                "own": own,
                "window": window,
                "rank_inv": 1.0 / (rank + 1),
                "score": hit.score,
                "char": hit.parts.get("char", 0.0),
                "word": hit.parts.get("word", 0.0),
                "dense": hit.parts.get("dense", 0.0),
                "type_asked": float(expected is not None),
                "type_given": float(given),
                "pos": i / len(spans),
                "doc_start": float(key[1] == 0),
                "log_len": math.log1p(len(text)),
                "density": _density(text, per[i]),
                "list_intro": float(bool(_LIST_INTRO.search(text))),
            }
            span = Span(c.doc, key[1], key[2], c.page, text, cov)
            out.append(Scored(span, cov, rank, hit, prior, features=feats))
    best_cov = max((x.coverage for x in out), default=0.0)
    best_own = max((x.features["own"] for x in out), default=0.0)
    for x in out:
        x.features["cov_gap"] = x.coverage - best_cov
        x.features["own_gap"] = x.features["own"] - best_own
    return out


_LIST_INTRO = re.compile(r"(:|att)\s*$")


def _density(text: str, matched: dict[str, float]) -> float:
    """Share of the sentence's content words that a question word matches: a short, on-topic sentence scores high."""
    own = content_words(text)
    hits = sum(1 for v in matched.values() if v > 0)
    return min(hits / len(own), 1.0) if own else 0.0


def sentences(
    question: str, hits: list[Hit], weights: Weights, *, passages: int = 5, model: AnswerModel | None = None
) -> list[Scored]:
    """Every sentence of the top passages, scored; best first (ties go to the better passage).

    With a model, the learned selector ranks (and `prob` holds its probability); without, the rule does.
    """
    out = candidates(question, hits, weights, passages=passages)
    if model is None:
        # Coverage first; near-ties go to the sentence's own words, the expected answer type, the better passage.
        out.sort(key=lambda x: -(x.coverage + x.prior))
        return out
    return rank_by(out, model.selector)


def rank_by(cands: list[Scored], selector: Linear) -> list[Scored]:
    """Candidates best first by a learned selector; `prob` and features["logit"] hold its verdict."""
    from granska.qa.scorer import SENTENCE_FEATURES, sigmoid

    rows = np.array([[x.features[f] for f in SENTENCE_FEATURES] for x in cands], dtype=np.float64)
    logits = selector.logits(rows.reshape(len(cands), len(SENTENCE_FEATURES)))
    order = sorted(range(len(cands)), key=lambda i: -logits[i])  # stable: ties keep passage order
    return [
        replace(cands[i], prob=sigmoid(float(logits[i])), features={**cands[i].features, "logit": float(logits[i])})
        for i in order
    ]


def question_features(question: str, ranked: list[Scored], hits: list[Hit], weights: Weights) -> dict[str, float]:
    """The abstainer's features for a question whose candidates a selector has ranked (best first)."""
    from granska.qa.scorer import question_row

    words = content_words(question)
    idf = {x: weights.idf(x) for x in words}
    total = sum(idf.values())
    missing = sum(v for x, v in idf.items() if weights.df(x) == 0) / total if total > 0 else 1.0
    asked = answer_type(question) is not None
    return question_row(
        [x.features.get("logit", 0.0) for x in ranked[:2]],
        [x.features for x in ranked],
        cosine=hits[0].parts.get("cosine", 0.0) if hits else 0.0,
        missing=missing,
        n_words=len(words),
        type_unmet=asked and not any(x.features["type_given"] for x in ranked),
    )


def answerable(question: str, ranked: list[Scored], hits: list[Hit], weights: Weights, model: AnswerModel) -> float:
    """P(the documents answer the question), by the learned abstainer over the selector's ranking."""
    return model.answerable(question_features(question, ranked, hits, weights))
