"""Indexes that keep `recommendations.build` from comparing everything with everything in a municipality.

Grouping compared each recommendation with the first member of every group so far (pairwise: quadratic in the
municipality's recommendations), and the siblings' word rarity counted each word by a fuzzy match against
every recommendation of the place. Both now go through an inverted index (word shapes, character n-grams)
that yields only the candidates that can match, and then apply the same test in the same order: the groups
and the weights are identical to the pairwise ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from granska.qa.evidence import MATCH_AT, Weights, _grams, gram_share, match, text_grams
from granska.qa.rec_rules import Found

from granska.text import content_words

SAME_AT = 0.65  # word-shape Jaccard above which two texts are the same recommendation (recommendations.SAME_AT)

T = TypeVar("T")


def shape(text: str) -> frozenset[str]:
    """Content words with vowel runs collapsed: an OCR'd quotation and its clean original look alike."""
    return frozenset(re.sub(r"[aeiouy]+", "*", w) for w in content_words(text) if not w.isdigit())


def same_shapes(sa: frozenset[str], sb: frozenset[str]) -> bool:
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= SAME_AT


def group(
    found: Sequence[Found], *, place_of: Callable[[Found], str | None], same_body: Callable[[Found, Found], bool]
) -> list[list[Found]]:
    """Each recommendation joins the first group (in the order groups were made) of its place whose first
    member is the same body's and the same text (`same_shapes`), else starts one. Only groups sharing a word
    shape with it can pass the shape test (a Jaccard ≥ SAME_AT > 0 needs one word in common), so only those
    are tested, in creation order: the groups of the pairwise scan."""
    groups: list[list[Found]] = []
    shapes: list[frozenset[str]] = []
    index: dict[tuple[str | None, str], list[int]] = {}  # (place, word shape) -> groups, in creation order
    for f in found:
        sf = shape(f.span.text)
        here = place_of(f)
        candidates = sorted({g for w in sf for g in index.get((here, w), ())})
        home = next(
            (g for g in candidates if same_body(groups[g][0], f) and same_shapes(shapes[g], sf)),
            None,
        )
        if home is not None:
            groups[home].append(f)
            continue
        groups.append([f])
        shapes.append(sf)
        for w in sf:
            index.setdefault((here, w), []).append(len(groups) - 1)
    return groups


class Siblings(Weights):
    """`Weights` over a municipality's recommendations, each word's document frequency counted through a
    character n-gram index: a text can match a word only if it holds one of the word's n-grams, and the
    share is `evidence.gram_share` of the same integer counts, as in `evidence.match`."""

    def __init__(self, passages: list[str]) -> None:
        self._postings: dict[str, list[int]] | None = None
        super().__init__(passages)

    def _read(self, passages: list[str]) -> None:
        # The texts' n-grams are read only when a word is counted afresh (an updated table counts most words
        # from the one it follows, `updated`).
        self._passages = list(passages)

    @classmethod
    def updated(cls, old: Siblings, passages: list[str]) -> Siblings:
        """The table over `passages`, each word `old` counted recounted only in the texts that came or went
        (the same integer counts as counting afresh: a word's df is how many texts it matches)."""
        new = cls(passages)
        came, went = Counter(passages), Counter(old._passages)
        came, went = came - went, went - came
        if sum(came.values()) + sum(went.values()) > len(passages) // 2:
            return new  # most texts changed: counting afresh is cheaper
        diff = [(text_grams(t), n) for t, n in came.items()] + [(text_grams(t), -n) for t, n in went.items()]
        for word, df in old._df.items():
            new._df[word] = df + sum(n for grams, n in diff if match(word, grams) > 0)
        return new

    @property
    def _grams(self) -> list[frozenset[str]]:
        got = self.__dict__.get("_all_grams")
        if got is None:
            got = self.__dict__["_all_grams"] = [text_grams(p) for p in self._passages]
        return got

    def df(self, word: str) -> int:
        got = self._df.get(word)
        if got is None:
            got = self._df[word] = self._count(word)
        return got

    def _count(self, word: str) -> int:
        whole, stem, skeleton = _grams(word)
        if not whole:  # no n-grams: whatever `match` makes of it, the pairwise way
            return sum(1 for g in self._grams if match(word, g) > 0)
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for i, grams in enumerate(self._grams):
                for gram in grams:
                    postings.setdefault(gram, []).append(i)
            self._postings = postings
        parts = (whole, stem, skeleton)
        counts = [_counts(self._postings, part) for part in parts]
        n = 0
        for i in set(counts[0]) | set(counts[1]) | set(counts[2]):
            held = (counts[0].get(i, 0), counts[1].get(i, 0), counts[2].get(i, 0))
            n += gram_share(word, parts, held) >= MATCH_AT
        return n


def _counts(postings: dict[str, list[int]], grams: frozenset[str]) -> dict[int, int]:
    """How many of `grams` each text holds (texts holding none are left out)."""
    out: dict[int, int] = {}
    for gram in grams:
        for i in postings.get(gram, ()):
            out[i] = out.get(i, 0) + 1
    return out
