"""The response passages of one municipality, analysed once, for `linking.best_response`.

Linking scores every recommendation against every passage of its municipality's responses. Done pair by pair
that is O(recommendations × passages) of Python work per change, with caches too small for a large
municipality. Here each passage is analysed once (its n-gram sets, character n-gram counts and norm, its cues),
kept in sparse matrices over all the municipality's response passages, and a recommendation is scored against
all of them at once through the columns of its own terms (an inverted index: only passages sharing a term are
touched). The arithmetic is the pair-by-pair one, operation for operation, so the scores are identical.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from granska.qa import addressees, bodies
from granska.qa.evidence import MATCH_AT, idf_of, text_grams
from granska.qa.evidence import _grams as word_grams
from granska.qa.rec_units import Unit, segment
from scipy import sparse

from granska.text import char_tokens, fold
from granska.types import Document

POOLS = 2  # municipalities' pools kept between calls (one build links one municipality at a time)
# Response documents' analysed units kept between relinks (a relink after one new document analyses only it),
# bounded by their units: about 1 kB each with their texts, so at most ~100 MB in a serving process.
FEATURE_UNITS = 100_000
# What reading one column through `rows_of` costs, in entries of a sparse product over the whole matrix
# (measured: ~20 us a call, ~10 ns an entry): a small pool, or a recommendation with common terms, takes the product.
DOTS_PER_COLUMN = 2000
DOTS_PER_ENTRY = 8
Vocab = dict[str, int]  # terms, one column id each (both kinds share the id space)


def _ids(vocab: Vocab, terms: list[str]) -> list[int]:
    return [vocab.setdefault(t, len(vocab)) for t in terms]


class Terms:
    """The process's numbering of terms: each analysed document's terms are numbered once, so a pool takes its
    columns from its documents' ids in C (numbering term by term in every pool cost ~1.5 s for 1.5M terms)."""

    def __init__(self) -> None:
        self.ids: Vocab = {}
        self.names: list[str] = []


# Past this many terms the numbering starts afresh (documents numbered before are numbered again when pooled):
# about 100 bytes a term, so at most ~400 MB in a long-lived process over a large corpus.
VOCAB_TERMS = 4_000_000
_TERMS = Terms()
_terms_lock = threading.Lock()  # numbering is not atomic (two threads may pool at once)


def _numbering() -> Terms:
    """The current numbering (under `_terms_lock`), a fresh one past VOCAB_TERMS."""
    global _TERMS
    if len(_TERMS.names) > VOCAB_TERMS:
        _TERMS = Terms()
    return _TERMS


def _numbered(d: DocFeatures, terms: Terms) -> np.ndarray:
    """d's terms in `terms`' numbering (under `_terms_lock`), numbered once per numbering."""
    if d.numbered is not None and d.numbered[0] is terms:
        return d.numbered[1]
    ids, names = terms.ids, terms.names
    out = []
    for t in d.terms:
        k = ids.get(t)
        if k is None:
            k = ids[t] = len(names)
            names.append(t)
        out.append(k)
    arr = np.array(out, np.int32)
    d.numbered = (terms, arr)
    return arr


@dataclass(slots=True)
class DocFeatures:
    """One response document's units and what linking reads of each, computed once."""

    doc: Document
    units: list[Unit]
    texts: list[str]
    starts: np.ndarray  # each unit's start offset
    labelled: list[int]  # units with a list label or naming one ("rekommendation b"), in order
    answerable: np.ndarray  # not a restatement of the auditors, not an introduction ending in ':'
    named: list[str | None]  # "rekommendation b" / "punkt 2" named in the unit
    cue: np.ndarray  # RESPONSE_CUE_BONUS where the unit decides or commits
    overall: np.ndarray  # the answer's overall stance ("välkomnar rapporten")
    form: np.ndarray  # the answer-form score where it does not depend on the recommendation
    refers: dict[int, str]  # units naming the recommendations they answer by topic: unit -> folded text
    grams: tuple[np.ndarray, np.ndarray]  # text_grams of the units: (unit, term id) pairs
    chars: tuple[np.ndarray, np.ndarray, np.ndarray]  # character n-gram counts of answerable units: (unit, id, n)
    norms: np.ndarray  # per unit, the norm of its character n-gram counts as `_cosine` takes it
    terms: list[str]  # the document's own term ids: a pool renumbers them into its columns
    speaking: dict[int, str | None] = field(default_factory=dict)  # body key of the speaker, by unit
    numbered: tuple[Terms, np.ndarray] | None = None  # `terms` in the process's numbering (`_numbered`)


def features(doc: Document, patterns: dict[str, re.Pattern[str]], cue_bonus: float) -> DocFeatures:
    """Analyse every unit of `doc` once, its terms numbered per document (patterns: the linking module's
    RESTATES, NAMED, RESPONDS, OVERALL, REFERS)."""
    vocab: Vocab = {}
    units = segment(doc)
    texts = [doc.text[u.start : u.end] for u in units]
    n = len(units)
    answerable, cue, overall, form = np.zeros(n, bool), np.zeros(n), np.zeros(n, bool), np.zeros(n)
    named: list[str | None] = []
    refers: dict[int, str] = {}
    g_rows: list[int] = []
    g_cols: list[int] = []
    c_rows: list[int] = []
    c_cols: list[int] = []
    c_vals: list[int] = []
    norms = np.zeros(n)
    for i, (u, text) in enumerate(zip(units, texts, strict=True)):
        f = fold(text)
        answerable[i] = not (patterns["restates"].search(f) or text.rstrip().endswith(":"))
        m = patterns["named"].search(f)
        named.append(m.group("l") if m else None)
        cue[i] = cue_bonus if patterns["responds"].search(f) else 0.0
        overall[i] = bool(patterns["overall"].search(f))
        if patterns["refers"].search(f):
            refers[i] = f
        elif u.intro is not None and u.marker and doc.meta.role == "response":
            intro = fold(doc.text[u.intro[0] : u.intro[1]])
            form[i] = float(
                intro.rstrip().endswith(":")
                and bool(patterns["responds"].search(intro))
                and not patterns["restates"].search(intro)
            )
        ids = _ids(vocab, list(text_grams(text)))
        g_rows.extend([i] * len(ids))
        g_cols.extend(ids)
        if answerable[i]:  # only answerable units are scored by their characters
            counts = Counter(char_tokens(text, drop_stopwords=True))
            c_rows.extend([i] * len(counts))
            c_cols.extend(_ids(vocab, list(counts)))
            c_vals.extend(counts.values())
            # The square root of the exact integer sum of squares, as `_cosine` takes it.
            norms[i] = math.sqrt(sum(v * v for v in counts.values()))
    grams = (np.array(g_rows, np.int32), np.array(g_cols, np.int32))
    chars = (np.array(c_rows, np.int32), np.array(c_cols, np.int32), np.array(c_vals, np.float32))
    starts = np.array([u.start for u in units], np.int64)
    labelled = [i for i, u in enumerate(units) if u.label or named[i]]
    return DocFeatures(
        doc, units, texts, starts, labelled, answerable, named, cue, overall, form, refers, grams, chars, norms,
        list(vocab),
    )  # fmt: skip


class Pool:
    """All units of a municipality's response documents, in order, as sparse term columns."""

    def __init__(self, docs: list[DocFeatures]) -> None:
        if not docs:
            raise ValueError("a pool needs at least one response document")
        self.docs = docs
        # Each document's term ids into the pool's columns, through the process's numbering: the pool's
        # columns are its documents' distinct terms in that numbering's order (which id a term has changes no
        # score: columns are looked up by term, their rows kept in order; the dot products and counts are
        # integer sums, exact in any order).
        with _terms_lock:
            terms = _numbering()
            numbered = [_numbered(d, terms) for d in docs]
        distinct, inverse = np.unique(np.concatenate(numbered), return_inverse=True)
        names = terms.names  # only appended to: the ids below are there
        self.vocab: Vocab = {names[g]: j for j, g in enumerate(distinct.tolist())}
        bounds = np.cumsum([len(x) for x in numbered])[:-1]
        remap = np.split(inverse.astype(np.int32).ravel(), bounds)
        sizes = [len(d.units) for d in docs]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.n = int(self.offsets[-1])
        self.doc_of = np.repeat(np.arange(len(docs)), sizes)
        self.cols = len(self.vocab)
        docs_, at = docs, self.offsets[:-1]
        self._g = _csc(
            np.concatenate([d.grams[0] + o for d, o in zip(docs_, at, strict=True)]),
            np.concatenate([m[d.grams[1]] for d, m in zip(docs_, remap, strict=True)]),
            None,
            self.n,
            self.cols,
        )
        self._c = _csc(
            np.concatenate([d.chars[0] + o for d, o in zip(docs_, at, strict=True)]),
            np.concatenate([m[d.chars[1]] for d, m in zip(docs_, remap, strict=True)]),
            np.concatenate([d.chars[2] for d in docs_]),
            self.n,
            self.cols,
        )
        self.norms = np.concatenate([d.norms for d in docs])
        self.answerable = np.concatenate([d.answerable for d in docs])
        self.cue = np.concatenate([d.cue for d in docs])
        self.overall = np.concatenate([d.overall for d in docs])
        self.form = np.concatenate([d.form for d in docs])
        self.refers = np.array([o + k for d, o in zip(docs, self.offsets, strict=False) for k in d.refers], np.int64)
        self._words: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._taken: dict[tuple[int, tuple[tuple[int, int], ...]], np.ndarray] = {}

    def rows_of(self, column_ids: list[int], matrix: str = "g") -> tuple[np.ndarray, np.ndarray]:
        """(rows, values) of these columns: the units holding each term (the inverted index)."""
        m = self._g if matrix == "g" else self._c
        parts = [(m.indptr[c], m.indptr[c + 1]) for c in column_ids if c < self.cols]
        if not parts:
            return np.zeros(0, np.int64), np.zeros(0)
        idx = np.concatenate([np.arange(a, b) for a, b in parts])
        return m.indices[idx], m.data[idx]

    def word(self, word: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where `word` matches (evidence.match, over every unit): (units, shares) with share ≥ MATCH_AT, and the
        word's IDF in each document (evidence.Weights over that document's units)."""
        got = self._words.get(word)
        if got is None:
            whole, stem, skeleton = word_grams(word)
            share = self._share(whole)
            if len(word) >= 7 and stem:
                share = np.maximum(share, 0.9 * self._count(stem) / len(stem))
            if len(word) >= 6:
                share = np.maximum(share, 0.85 * self._count(skeleton) / len(skeleton))
            units = np.flatnonzero(share >= MATCH_AT)
            df = np.bincount(self.doc_of[units], minlength=len(self.docs))
            idf = np.array([idf_of(word, int(df[i]), max(len(d.units), 1)) for i, d in enumerate(self.docs)])
            got = self._words[word] = (units, share[units], idf)
        return got

    def _count(self, terms: frozenset[str]) -> np.ndarray:
        rows, _ = self.rows_of([c for t in terms if (c := self.vocab.get(t)) is not None])
        return np.bincount(rows, minlength=self.n)

    def _share(self, whole: frozenset[str]) -> np.ndarray:
        return self._count(whole) / len(whole)

    def dots(self, counts: Counter[str]) -> np.ndarray:
        """The integer dot product of `counts` with every unit's character n-gram counts (exact in float64: every
        product and sum is an integer below 2**53, so any order of summing gives the same float)."""
        cols: list[int] = []
        values: list[int] = []
        for term, v in counts.items():
            c = self.vocab.get(term)
            if c is not None and c < self.cols:
                cols.append(c)
                values.append(v)
        out = np.zeros(self.n)
        if not cols:
            return out
        ids = np.array(cols, np.int64)
        m = self._c
        touched = int((m.indptr[ids + 1] - m.indptr[ids]).sum())
        if len(ids) * DOTS_PER_COLUMN + touched * DOTS_PER_ENTRY >= m.nnz:  # one sparse product over the matrix
            vector = np.zeros(self.cols)
            vector[ids] = values
            return np.asarray(m @ vector, dtype=np.float64).ravel()
        for c, v in zip(cols, values, strict=True):  # a few columns: only the units holding them
            rows, vals = self.rows_of([c], "c")
            out[rows] += v * vals
        return out

    def taken(self, i: int, spans: list[tuple[int, int]]) -> np.ndarray:
        """Units of document i that overlap a recommendation or a quotation of one."""
        key = (i, tuple(spans))
        got = self._taken.get(key)
        if got is None:
            got = self._taken[key] = np.array(
                [any(s < u.end and u.start < e for s, e in spans) for u in self.docs[i].units], bool
            )
        return got

    def speaking(self, i: int, k: int) -> str | None:
        """The body key of who speaks in unit k of document i (the first body named in its first 80 chars)."""
        d = self.docs[i]
        if k not in d.speaking:
            names = addressees.names(d.texts[k][:80])
            d.speaking[k] = bodies.key(names[0]) if names else None
        return d.speaking[k]


def _csc(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray | None, n: int, m: int) -> sparse.csc_matrix:
    """Columns = terms, rows = units (terms are unique per unit, so no entry is summed)."""
    data = np.ones(len(rows), np.uint8) if vals is None else vals
    mat = sparse.csc_matrix((data, (rows.astype(np.int64), cols.astype(np.int64))), shape=(n, m))
    mat.sum_duplicates()
    return mat


DocKey = tuple[str, str, int, str | None]
_POOLS: dict[tuple[DocKey, ...], Pool] = {}
_FEATURES: OrderedDict[DocKey, DocFeatures] = OrderedDict()
_feature_units = 0
_features_lock = threading.Lock()  # the relinking thread and the upgrade's rebuild may both analyse


def _key(d: Document) -> DocKey:
    return (d.doc, d.doc_sha256, hash(d.text), d.meta.role)


def pool_of(responses: list[Document], analyse: Callable[[Document], DocFeatures]) -> Pool:
    """The pool of these response documents (the last few municipalities' pools are kept until `release`;
    each document's analysis is kept longer, bounded by FEATURE_UNITS)."""
    key = tuple(_key(d) for d in responses)
    got = _POOLS.get(key)
    if got is None:
        while len(_POOLS) >= POOLS:
            _POOLS.pop(next(iter(_POOLS)))
        got = _POOLS[key] = Pool([analysed(d, analyse) for d in responses])
    return got


def pool_apart(docs: list[Document], analyse: Callable[[Document], DocFeatures]) -> Pool:
    """A pool of a few documents (those a relink added), not kept: the municipality's kept pools stay. A unit
    scores the same in it as in the municipality's pool (a word's rarity is counted per document)."""
    return Pool([analysed(d, analyse) for d in docs])


def analysed(doc: Document, analyse: Callable[[Document], DocFeatures]) -> DocFeatures:
    global _feature_units
    key = _key(doc)
    with _features_lock:
        got = _FEATURES.get(key)
        if got is not None:
            _FEATURES.move_to_end(key)
            return got
    got = analyse(doc)
    with _features_lock:
        if key not in _FEATURES:
            _FEATURES[key] = got
            _feature_units += len(got.units)
        while _feature_units > FEATURE_UNITS and len(_FEATURES) > 1:
            _feature_units -= len(_FEATURES.popitem(last=False)[1].units)
    return got


def release() -> None:
    """Drop the kept pools (their matrices are a few hundred bytes per passage): a serving process that has
    relinked keeps only the bounded per-document analyses."""
    _POOLS.clear()
