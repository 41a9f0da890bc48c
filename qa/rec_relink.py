"""Exact incremental relinking: after a document comes or goes, only the links a change can move are recomputed.

A municipality's links depend on all of it: every topic score weighs the recommendation's words by their rarity
among the municipality's recommendations (`rec_index.Siblings`), so one new report moves every score a little.
What a link keeps from its last computation (`Link`) bounds how far that can move it:

- A topic score is `(1 - CHAR_SHARE) * L + CHAR_SHARE * chars + cue + ANSWER_FORM_BONUS * form`, where only L
  (a weighted mean of per-word matches in [0, 1], weights = the word's rarity in the passage's document × among
  the siblings) and, for a passage naming the recommendations it answers, `form` (the same kind of mean) read
  the siblings. When each sibling rarity is multiplied by f_x, lo <= f_x <= hi over the words involved, such a
  mean moves by at most (hi - lo) / (2 lo): the normalised weights become p f / mean_p(f), and the change of a
  mean of values in [0, 1] is at most the positive part of sum p (f / mean - 1), half of sum p |f - mean| / mean.
- The units scored near the top (within MARGIN of it, or of LINK_AT when nothing links; at most CONTENDERS) are
  kept as `Contender`s with what their score reads besides the siblings, and rescored exactly at every change
  (`linking.rescored`: the same operations, so the same float, ties broken in the documents' order as linking
  does). Every other unit is bounded: the best of their scores per `Segment` plus that segment's bound.
- The documents a relink adds are scored exactly (a pool of their own: a unit scores the same there) and become
  one more segment; documents removed only take units away (a segment's best stays an upper bound); a label
  answer reads no rarity (only an added label answer before it can move it).

So a link stands when the exact best contender beats every bound by EPS; a recommendation not linked by topic
stays so when no bound reaches LINK_AT. Anything else is computed exactly (`linking.best_response`'s steps): a
new recommendation, a label answer's document removed, an unproven bound, MAX_SEGMENTS changes since the last
exact computation. The follow-ups' verdicts are kept per (recommendation, follow-up document), and the siblings'
counts are updated by the texts that came or went (`Siblings.updated`): both exact by construction.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from granska.qa import link_pool, linking, rec_index
from granska.qa.rec_rules import Found
from granska.qa.rec_units import segment

from granska.text import content_words
from granska.types import Document, Span

EPS = 1e-9  # margin beyond float rounding (scores are sums of a few dozen float64 terms)
MAX_SEGMENTS = 8  # changes a link is carried through before it is computed exactly again
# What the memos may hold, in contenders (~0.5 kB each) and verdict pairs (~0.1 kB): ~250 MB at most, beyond
# the municipality built last (kept whatever its size).
MEMO_ENTRIES = 500_000
CONTENDERS = 16  # units per recommendation rescored exactly at each change (those scored nearest the top)
# ... and beyond that, the units whose score equals the top's, up to this many: a passage repeated in many answers
# (a quoted sentence) ties with the top, and a tie left in a segment proves nothing, so the link was computed in
# full at every relink, even when nothing it reads had changed.
TIED = 64
MARGIN = 0.1  # ... within this of the top score (or of LINK_AT, for a recommendation not linked by topic)
OPEN_FLOOR = linking.LINK_AT - MARGIN
SIBLING_SHARE = 1 - linking.CHAR_SHARE + linking.ANSWER_FORM_BONUS  # the score's weight on sibling-weighted means

DocKey = Any  # `recommendations._document_key`: name and a hash of text, pages and metadata
RecKey = tuple[Any, ...]
Result = tuple[Span | None, str]


@dataclass(frozen=True, slots=True)
class Segment:
    """Units scored together and not kept as contenders: the sibling rarities their scores used, and the best
    of those scores (an upper bound once documents went)."""

    ref: dict[str, float]
    best: float


@dataclass(frozen=True, slots=True)
class Contender:
    """A unit scored near the top: what its score reads besides the siblings (`linking.unit_terms`, its
    character cosine, cue and answer form; `refers`: the form is recomputed, it reads the siblings too)."""

    doc: DocKey
    unit: int
    terms: np.ndarray  # (2, words): `linking.unit_terms` (rarity in its document, share), float64
    fixed: tuple[float, float, float]
    refers: bool


@dataclass(frozen=True, slots=True)
class Link:
    """One recommendation's link as last computed: `kind` "label" (by its list label), "linked" or "open" (no
    topic link; `overall` = (document, unit) of the first overall stance that answers it, if any).
    `contenders`: the units scored close to the top (or to LINK_AT), rescored exactly at every change; the rest
    are bounded by `segments`."""

    docs: frozenset[DocKey]
    kind: str
    result: Result
    contenders: tuple[Contender, ...] = ()
    segments: tuple[Segment, ...] = ()
    overall: tuple[DocKey, int] | None = None
    hit: DocKey | None = None  # "label": the document of the passage under its label


@dataclass(slots=True)
class PlaceMemo:
    """What one municipality's last build leaves for the next: links, verdicts, the siblings' counts."""

    links: dict[RecKey, Link] = field(default_factory=dict)
    verdicts: dict[tuple[RecKey, DocKey], list[Any]] = field(default_factory=dict)  # [own, by title or None]
    siblings: rec_index.Siblings | None = None
    next_links: dict[RecKey, Link] = field(default_factory=dict)
    next_verdicts: dict[tuple[RecKey, DocKey], list[Any]] = field(default_factory=dict)

    def entries(self) -> int:
        return sum(len(x.contenders) + 1 for x in self.links.values()) + len(self.verdicts)


class Memo:
    """The memos of the municipalities built last (bounded by MEMO_ENTRIES); `stats` counts
    links reused and recomputed (what a relink re-examined)."""

    def __init__(self) -> None:
        self.places: OrderedDict[str, PlaceMemo] = OrderedDict()
        self.stats: Counter[str] = Counter()

    def place(self, key: str) -> PlaceMemo:
        got = self.places.get(key)
        if got is None:
            got = self.places[key] = PlaceMemo()
        self.places.move_to_end(key)
        return got

    def siblings(self, key: str, contexts: list[str]) -> rec_index.Siblings:
        pm = self.place(key)
        pm.siblings = (
            rec_index.Siblings(contexts) if pm.siblings is None else rec_index.Siblings.updated(pm.siblings, contexts)
        )
        return pm.siblings

    def finish(self, keys: set[str]) -> None:
        """The built municipalities keep only what this build used; the oldest memos go beyond MEMO_ENTRIES."""
        for key in keys:
            pm = self.place(key)
            pm.links, pm.next_links = pm.next_links, {}
            pm.verdicts, pm.next_verdicts = pm.next_verdicts, {}
        while len(self.places) > 1 and sum(p.entries() for p in self.places.values()) > MEMO_ENTRIES:
            self.places.popitem(last=False)


MEMO = Memo()  # the process's (the background worker keeps it between relinks)
MEMO_LOCK = threading.Lock()  # one build at a time updates it (a thread worker per in-memory store)


def rec_key(rec: Found, keys: dict[str, DocKey]) -> RecKey:
    """Everything of a recommendation its link and verdicts read (its document by content)."""
    s = rec.span
    return (keys[s.doc], s.start, s.end, rec.label, rec.context, rec.addressee)


class Context:
    """One municipality's responses in one build: their keys and order; the pool of all of them built only when
    a link is computed in full, the added documents' own pool when a link is re-examined (a unit scores the same there)."""

    def __init__(self, responses: list[Document], taken: dict[str, list[tuple[int, int]]], keys: dict[str, DocKey]):
        self.responses = responses
        self.taken = taken
        self.keys = [keys[d.doc] for d in responses]
        self.position = {k: i for i, k in enumerate(self.keys)}
        self.key_of = {d.doc: k for d, k in zip(responses, self.keys, strict=True)}
        self.docset = frozenset(self.keys)
        self._apart: dict[tuple[int, ...], link_pool.Pool] = {}

    def pool(self) -> link_pool.Pool:
        return link_pool.pool_of(self.responses, linking._features)

    def apart(self, which: tuple[int, ...]) -> link_pool.Pool:
        """A pool of the responses at these positions (those a relink added), kept for this build."""
        got = self._apart.get(which)
        if got is None:
            got = self._apart[which] = link_pool.pool_apart([self.responses[i] for i in which], linking._features)
        return got


def link(rec: Found, ctx: Context, siblings: rec_index.Siblings, own: set[str], pm: PlaceMemo, key: RecKey,
         stats: Counter[str]) -> Result:  # fmt: skip
    """`linking.best_response` of `rec`, from what its last computation left when that proves the answer."""
    if not ctx.responses:
        return None, "no_response_in_corpus"
    prior = pm.links.get(key)
    why: list[str] = []
    got = _reused(rec, prior, ctx, siblings, own, why) if prior is not None else None
    stats["reused" if got is not None else "computed"] += 1
    if got is None:
        stats[f"computed: {why[0] if why else 'new'}"] += 1
        got = _computed(rec, ctx, siblings, own)
    pm.next_links[key] = got
    return got.result


Source = Any  # a Contender (kept), or (pool, unit, chars, form) where the unit was just scored
Scored = list[tuple[float, int, int, Source]]  # (score, document position, unit within it, source)


def _scored(rec: Found, pool: link_pool.Pool, at: np.ndarray, siblings: rec_index.Siblings,
            which: list[int]) -> tuple[Scored, float]:  # fmt: skip
    """The units of `at` scored, the CONTENDERS best exactly (the highest first, then in the documents' order:
    the first is the one linking takes), and a bound on the scores of the others (`which`: each pool document's
    position among the responses).

    Only the units a bound cannot rule out are given their answer form, the part that costs (a unit naming the
    recommendations it answers weighs each named topic's words against this one: half of a full link's scoring
    at 131 documents). Proof that the kept units and their scores are those of scoring every unit: a unit's
    score is `combined(L, chars, cue, form)`, a sum of non-negative terms evaluated left to right, and IEEE
    addition and multiplication by a positive constant are monotone, so with form in [0, 1] the float with
    form = 0 (`lo`) is <= the exact float <= the float with form = 1 (`hi`); the other units' forms do not read
    the recommendation, so lo = hi = exact there. Let t be the CONTENDERS-th largest lo. A unit with hi < t
    scores below at least CONTENDERS others (each at least its lo >= t), so it is not among the first CONTENDERS
    in the order by score, and it cannot tie the top (>= t) that `_cut` extends by: it is never kept, and only
    the bound on the others reads it, where its hi stands (an upper bound is what a segment's `best` needs:
    `_bound` moves every unit's score from its value under the old rarities, and hi does not read them)."""
    lexical, chars = linking.topic_parts(rec, pool, siblings)
    refers = linking.refers_at(pool, at)
    form = pool.form.copy()
    form[refers] = 0.0
    lo = linking.combined(lexical, chars, pool, form)
    pruned = np.zeros(0, np.int64)
    if len(refers) and len(at) > CONTENDERS:
        form[refers] = 1.0
        hi = linking.combined(lexical, chars, pool, form)
        t = np.partition(lo[at], len(at) - CONTENDERS)[len(at) - CONTENDERS]  # the CONTENDERS-th largest lo
        pruned, refers = refers[hi[refers] < t], refers[hi[refers] >= t]
        form[pruned] = 0.0
    for k in refers:
        form[k] = linking.answer_form(rec, pool, int(k), siblings)
    score = linking.combined(lexical, chars, pool, form)  # exact but at `pruned` (there: lo)
    s = score[at]
    order = np.lexsort((at, -s))  # by score, highest first; equal scores in pool order
    out: Scored = []
    cut = _cut(s[order], CONTENDERS)
    for j in order[:cut]:
        k = int(at[j])
        i, u = _where(pool, k)
        out.append((float(s[j]), which[i], u, (pool, k, float(chars[k]), float(form[k]))))
    if len(pruned):
        score[pruned] = hi[pruned]  # the others are bounded, not scored
        s = score[at]
    return out, float(s[order[cut:]].max()) if len(order) > cut else -math.inf


def _cut(ranked: Any, n: int) -> int:
    """How many of these scores (highest first) to keep: n, and the ties with the first up to TIED."""
    cut = min(n, len(ranked))
    while 0 < cut < min(len(ranked), TIED) and ranked[cut] == ranked[0]:
        cut += 1
    return cut


def _contender(rec: Found, ctx: Context, pos: int, u: int, src: Source) -> Contender:
    if isinstance(src, Contender):
        return src
    pool, k, chars, form = src
    j = int(np.searchsorted(pool.refers, k))  # pool.refers is in unit order (np.isin sorted it per contender)
    refers = j < len(pool.refers) and int(pool.refers[j]) == k
    terms = np.array(linking.unit_terms(rec, pool, k), np.float64).reshape(2, -1)
    return Contender(ctx.keys[pos], u, terms, (chars, float(pool.cue[k]), form), refers)


def _rescored(rec: Found, ctx: Context, c: Contender, siblings: rec_index.Siblings) -> float:
    """A kept contender's score under these siblings (its document unchanged): as `linking._parts` gives it."""
    fixed = c.fixed
    if c.refers:  # the answer form weighs the named topics' words by the siblings' rarity
        fixed = (
            fixed[0],
            fixed[1],
            linking._answer_form(_unit(ctx, ctx.position[c.doc], c.unit), rec.context, siblings),
        )
    rarity, shares = c.terms.tolist()  # the float64 values, as Python floats
    return linking.rescored(_words(rec.context), (rarity, shares), fixed, siblings)


def _memo(rec: Found, ctx: Context, kind: str, result: Result, scored: Scored, rest: float, floor: float,
          ref: dict[str, float], old: tuple[Segment, ...] = (),
          overall: tuple[DocKey, int] | None = None) -> Link:  # fmt: skip
    """The link kept: the units scoring >= floor (at most CONTENDERS) as contenders; the best of the others
    (`rest`, and those of `scored` left out) bounds them as one more segment under `ref`."""
    ranked = sorted(scored, key=lambda t: (-t[0], t[1], t[2]))
    n = _cut([t[0] for t in ranked], min(sum(1 for t in ranked if t[0] >= floor), CONTENDERS))
    rest = max([rest, *(t[0] for t in ranked[n:])])
    segments = old + ((Segment(ref, rest),) if rest > -math.inf else ())
    contenders = tuple(_contender(rec, ctx, i, u, src) for _, i, u, src in ranked[:n])
    return Link(ctx.docset, kind, result, contenders, segments, overall)


def _computed(rec: Found, ctx: Context, siblings: rec_index.Siblings, own: set[str]) -> Link:
    """The exact computation (`linking.best_response`), keeping what bounds the next."""
    pool = ctx.pool()
    label, eligible = linking.scan(rec, pool, ctx.taken)
    if label is not None:
        return _labelled(ctx, label)
    at = np.flatnonzero(eligible)
    ref = _ref(rec, [(pool, at)], siblings)
    if not len(at):
        return Link(ctx.docset, "open", (None, linking.unanswered(ctx.responses, own)))
    scored, rest = _scored(rec, pool, at, siblings, list(range(len(ctx.responses))))
    top, i, u, _ = scored[0]  # the first of equal scores
    if top >= linking.LINK_AT:
        best = _passage(ctx, i, u)
        result = (linking._span(best), linking.status_of(best.text))
        return _memo(rec, ctx, "linked", result, scored, rest, top - MARGIN, ref)
    k = linking.fallback(rec, pool, at)
    if k is None:
        result = (None, linking.unanswered(ctx.responses, own))
        return _memo(rec, ctx, "open", result, scored, rest, OPEN_FLOOR, ref)
    p = linking._passage(pool, k)
    i, u = _where(pool, k)
    result = (linking._span(p), linking.status_of(p.text))
    return _memo(rec, ctx, "open", result, scored, rest, OPEN_FLOOR, ref, overall=(ctx.keys[i], u))


def _reused(
    rec: Found, prior: Link, ctx: Context, siblings: rec_index.Siblings, own: set[str], why: list[str]
) -> Link | None:
    """The link under the current documents and siblings when `prior` and the added documents prove it; None
    when they do not (the caller computes it exactly; `why` gets the reason)."""
    removed = prior.docs - ctx.docset
    added = tuple(i for i, k in enumerate(ctx.keys) if k not in prior.docs)
    if prior.kind == "label":  # a label answer reads no rarity: only an added label answer before it moves it
        if prior.hit in removed:
            why.append("label removed")
            return None
        label = linking.scan(rec, ctx.apart(added), ctx.taken)[0] if added else None
        if label is not None and ctx.position[ctx.key_of[label.doc.doc]] < ctx.position[prior.hit]:
            return _labelled(ctx, label)
        return Link(ctx.docset, "label", prior.result, hit=prior.hit)
    if len(prior.segments) >= MAX_SEGMENTS:
        why.append("segments")
        return None
    if prior.overall is not None and prior.overall[0] in removed:
        why.append("overall removed")
        return None
    upper = max((seg.best + _bound(seg.ref, siblings) for seg in prior.segments), default=-math.inf) + EPS
    # Exactly: the contenders still there, and every unit of the added documents (a pool of their own).
    scored: Scored = [
        (_rescored(rec, ctx, c, siblings), ctx.position[c.doc], c.unit, c)
        for c in prior.contenders
        if c.doc in ctx.position
    ]
    overall: tuple[int, int] | None = None  # the first overall stance of the added documents that may answer
    parts: list[tuple[link_pool.Pool, np.ndarray]] = []
    rest = -math.inf
    if added:
        sub = ctx.apart(added)
        label, eligible = linking.scan(rec, sub, ctx.taken)
        if label is not None:
            why.append("label answer added")
            return None
        at = np.flatnonzero(eligible)
        if len(at):
            near, rest = _scored(rec, sub, at, siblings, list(added))
            scored.extend(near)
            parts.append((sub, at))
            if (k := linking.fallback(rec, sub, at)) is not None:
                i, u = _where(sub, k)
                overall = (added[i], u)
    best = min(scored, key=lambda t: (-t[0], t[1], t[2])) if scored else None  # the first of equal scores
    ref = _ref(rec, parts, siblings)
    upper = max(upper, rest)  # the added units left out of `scored` (exact scores)
    if best is not None and best[0] >= linking.LINK_AT:
        if best[0] - EPS <= upper:
            why.append("linked: bound")
            return None
        p = _passage(ctx, best[1], best[2])
        result = (linking._span(p), linking.status_of(p.text))
        return _memo(rec, ctx, "linked", result, scored, rest, best[0] - MARGIN, ref, prior.segments)
    if prior.kind == "linked":  # no longer linked by topic: the overall stance of the old documents is not kept
        why.append("linked: link lost")
        return None
    if upper >= linking.LINK_AT:
        why.append("open: bound")
        return None
    # No passage answers by topic: the first overall stance in the documents' order, old or added.
    old = (ctx.position[prior.overall[0]], prior.overall[1]) if prior.overall is not None else None
    first = min((w for w in (old, overall) if w is not None), default=None)
    if first is None:
        result = (None, linking.unanswered(ctx.responses, own))
        return _memo(rec, ctx, "open", result, scored, rest, OPEN_FLOOR, ref, prior.segments)
    if first == old:
        result, where = prior.result, prior.overall
    else:
        p = _passage(ctx, *first)
        result, where = (linking._span(p), linking.status_of(p.text)), (ctx.keys[first[0]], first[1])
    return _memo(rec, ctx, "open", result, scored, rest, OPEN_FLOOR, ref, prior.segments, overall=where)


def _labelled(ctx: Context, label: linking.Passage) -> Link:
    return Link(
        ctx.docset, "label", (linking._span(label), linking.status_of(label.text)), hit=ctx.key_of[label.doc.doc]
    )


def _passage(ctx: Context, pos: int, u: int) -> linking.Passage:
    """Unit u of the response at `pos`, as the link (a heading stands for its section)."""
    return linking._section(_unit(ctx, pos, u))


def _unit(ctx: Context, pos: int, u: int) -> linking.Passage:
    """Unit u of the response at `pos`: its units as `link_pool.features` numbers them (the same `segment`), without
    analysing the document (a new worker holds no analyses: a reused link reads only its passage)."""
    doc = ctx.responses[pos]
    unit = segment(doc)[u]
    return linking.Passage(doc, unit, doc.text[unit.start : unit.end])


def _where(pool: link_pool.Pool, k: int) -> tuple[int, int]:
    """(document position in the pool, unit within it) of unit k."""
    i = int(pool.doc_of[k])
    return i, int(k - pool.offsets[i])


def _ref(rec: Found, parts: list[tuple[link_pool.Pool, np.ndarray]], siblings: rec_index.Siblings) -> dict[str, float]:
    """The sibling rarities scores read: the recommendation's words and the topics named by the units scored."""
    words = set(_words(rec.context))
    for pool, at in parts:
        words |= linking.refers_words(pool, at)
    return {x: siblings.idf(x) for x in words}


@functools.lru_cache(maxsize=4096)
def _words(context: str) -> list[str]:
    """The recommendation's content words (asked for each of its contenders)."""
    return content_words(context)


def _bound(ref: dict[str, float], siblings: rec_index.Siblings) -> float:
    """How far any score computed under the rarities `ref` can move under `siblings` (module docstring)."""
    if not ref:
        return 0.0
    ratios = [siblings.idf(x) / v for x, v in ref.items()]
    lo, hi = min(ratios), max(ratios)
    return SIBLING_SHARE * 0.5 * (hi - lo) / lo
