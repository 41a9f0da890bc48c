"""Linking over the analysed pool (`linking.best_response`) gives exactly what scoring passage by passage gives
(`best_response_by_pairs` below, the previous code), on every recommendation of real and synthetic corpora."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from granska.eval.scale import write_corpus
from granska.eval.tracker_eval import load_folder
from granska.qa import addressees, bodies, linking, recommendations
from granska.qa.evidence import Weights, match, text_grams
from granska.qa.linking import (
    _NAMED,
    _OVERALL,
    _RESPONDS,
    ANSWER_CHARS,
    ANSWER_FORM_BONUS,
    CHAR_SHARE,
    LINK_AT,
    RESPONSE_CUE_BONUS,
    WORD_MATCH_AT,
    Passage,
    _answer_form,
    _doc_weights,
    _grams,
    _section,
    _span,
    passages,
    rec_marker,
    status_of,
)
from granska.qa.rec_rules import Found
from granska.qa.rec_units import segment

from granska.engine import BUNDLED_CORPUS
from granska.text import content_words, fold
from granska.types import Document, Span

AUDITS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "audits" / "docs"


def _folders(tmp: Path) -> list[Path]:
    write_corpus(tmp / "syn", 1200, seed=3)  # recombined real sentences with OCR noise, ~16 documents
    return [BUNDLED_CORPUS, AUDITS, tmp / "syn"] if AUDITS.is_dir() else [BUNDLED_CORPUS, tmp / "syn"]


def test_pool_linking_equals_passage_by_passage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[tuple[Span | None, str], tuple[Span | None, str]]] = []
    fast = linking.best_response

    def both(*args: object) -> object:
        got, want = fast(*args), best_response_by_pairs(*args)  # type: ignore[arg-type]
        seen.append((got, want))
        return want

    monkeypatch.setattr(linking, "best_response", both)
    for folder in _folders(tmp_path):
        recommendations.build(load_folder(folder))
    linked = [w for _, w in seen if w[0] is not None]
    assert len(seen) > 60 and len(linked) > 20  # enough recommendations, and answers among them
    assert [g for g, _ in seen] == [w for _, w in seen]


# --- the reference: the previous code, unchanged --------------------------------------------------
def best_response_by_pairs(
    rec: Found,
    responses: list[Document],
    taken: dict[str, list[tuple[int, int]]],
    siblings: Weights,
    own: set[str],
) -> tuple[Span | None, str]:
    """The previous `linking.best_response`, passage by passage: the reference the pool must equal."""
    if not responses:
        return None, "no_response_in_corpus"
    words_ = content_words(rec.context)
    grams = _grams(rec.context)
    best: tuple[float, Passage] | None = None
    overall: Passage | None = None
    for doc in responses:
        after = rec.span.end if doc.doc == rec.span.doc else 0
        pool = passages(doc, taken.get(doc.doc, []), after)
        if not pool:
            continue
        if hit := _labelled(rec, doc, pool, after, taken.get(doc.doc, [])):
            return _span(hit), status_of(hit.text)
        labelled = _labelled_units(doc, after, taken.get(doc.doc, []))
        if rec.label and any(p.unit.marker == rec_marker(rec) for p in labelled):
            continue  # answers go by label here, and none carries this one's: the others' answers are not its
        w_doc = _doc_weights(doc.text)
        weights = {x: w_doc.idf(x) * siblings.idf(x) for x in words_}
        for p in pool:
            score = _score(rec, p, words_, weights, grams, siblings)
            if best is None or score > best[0]:
                best = (score, p)
            if overall is None and _OVERALL.search(fold(p.text)) and _answers_for(p.text, rec.addressee):
                overall = p
    if best is not None and best[0] >= LINK_AT:
        return _span(_section(best[1])), status_of(_section(best[1]).text)
    if overall is not None:
        return _span(overall), status_of(overall.text)
    # A separate answer that says nothing about it: not answered; only its own document: no answer in the corpus.
    others = [d for d in responses if d.doc not in own]
    return None, "not_answered" if others else "no_response_in_corpus"


def _labelled(
    rec: Found, doc: Document, pool: list[Passage], after: int, taken: list[tuple[int, int]]
) -> Passage | None:
    """'b) Nämndens svar: …' or 'Rekommendation b': the first answering passage under the label."""
    if not rec.label:
        return None
    for u in segment(doc):
        if u.start < after or any(s < u.end and u.start < e for s, e in taken):
            continue  # the recommendation itself, or a quotation of it
        named = _NAMED.search(fold(doc.text[u.start : u.end]))
        if u.label == rec.label and u.marker == rec_marker(rec) or named and named.group("l") == rec.label:
            under = [p for p in pool if p.unit.start >= u.start and len(p.text) > ANSWER_CHARS]
            # The label's own unit when it holds the answer, else the passage right after it.
            return under[0] if under else None
    return None


def _labelled_units(doc: Document, after: int, taken: list[tuple[int, int]]) -> list[Passage]:
    """Lettered/numbered passages after `after` that are not recommendations or their quotations."""
    return [
        Passage(doc, u, doc.text[u.start : u.end])
        for u in segment(doc)
        if u.start >= after and u.label and not any(s < u.end and u.start < e for s, e in taken)
    ]


def _strict_coverage(words_: list[str], weights: dict[str, float], text: str) -> float:
    """Weighted share of the words present in `text`, where only a close match counts: a loose fuzzy match
    ("uppdatering" in "uppföljning") is what every passage about the same programme has, so it ranks nothing."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    grams = text_grams(text)
    got = 0.0
    for w in words_:
        m = match(w, grams)
        got += weights[w] * (m if m >= WORD_MATCH_AT else 0.0)
    return got / total


def _score(
    rec: Found, p: Passage, rec_words: list[str], weights: dict[str, float], grams: Counter[str], siblings: Weights
) -> float:
    lexical = _strict_coverage(rec_words, weights, p.text)
    chars = _cosine(grams, _grams(p.text))
    cue = RESPONSE_CUE_BONUS if _RESPONDS.search(fold(p.text)) else 0.0
    form = _answer_form(p, rec.context, siblings)
    return (1 - CHAR_SHARE) * lexical + CHAR_SHARE * chars + cue + ANSWER_FORM_BONUS * form


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _answers_for(text: str, addressee: str | None) -> bool:
    """A general answer speaks for its own body: it answers a recommendation to that body (or to nobody named)."""
    speaking = addressees.names(text[:80])
    if not speaking or not addressee:
        return True
    return bodies.key(speaking[0]) in {bodies.key(n) for n in addressees.names(addressee)}
