"""The learned abstention decision: do the retrieved documents answer the question at all?

A logistic model over features of the question's best evidence, fitted by `python -m granska.eval.fit_abstain`
on SweQUAD-MC train (each question asked over its split's index, and over the index without its own text) and on
the audit-domain sets' questions asked over their corpus and over the corpus without their evidence documents,
shipped as JSON coefficients (`qa/models/abstain.json`). It adds to the coverage rule: the answer abstains when
either says so, at a threshold chosen out of fold so that no set's false abstention rises over max(0.05, the
rule's own) (docs/abstain.md, Session 24).

Its features extend the selector-based ones of `granska.qa.scorer.QUESTION_FEATURES` with what the coverage rule
reads (the best coverage among the sentences that may stand as an answer at all) and with signals of whether the
asked thing is in one sentence or only spread over the passages: whether the question's rarest words stand in
that sentence (as words, not only as character grams) or only elsewhere in its document, whether the names the
question carries (a place, a body, a firm) are in any retrieved passage or its metadata, and whether the leading
sentence is another municipality's than the one the question names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from granska.qa.evidence import Scored, Weights, match, question_features, text_grams
from granska.qa.scorer import QUESTION_FEATURES, Linear, sigmoid

from granska.errors import GranskaError
from granska.text import content_words, fold, folded_words, for_matching, language
from granska.types import Hit

MODEL_PATH = Path(__file__).resolve().parent / "models" / "abstain.json"

FEATURES = (
    *QUESTION_FEATURES,
    "lead_cov",  # best coverage among the sentences that may lead an answer (what the coverage rule reads)
    "lead_own",  # ... by the sentence alone
    "lead_logit",  # the selector's logit for the best of those sentences
    "rare_found",  # the question's highest-IDF word matched in that sentence (0..1)
    "rare_share",  # that word's share of the question's IDF weight
    "no_lead",  # no sentence may lead at all (all were contact lines, headings, wrong answer type, …)
    # Session 24: is the asked thing in one sentence, or only spread over the passages?
    # (the rare words here: the rarest of those some retrieved passage has; a word none has is `missing`)
    "rare2_found",  # the question's two rarest words, the worse matched of them in that sentence (0..1)
    "rare_word",  # the rarest word stands in that sentence as a word (its stem at a word start), not as grams
    "rare_in_doc",  # ... or at least somewhere in that sentence's document's retrieved passages (0..1)
    "rare_share_top",  # the rare words' IDF share that the best sentence covers, against any passage's best
    "name_missing",  # share of the question's names (capitalised words) in no retrieved passage or its metadata
    "place_other",  # the question names a retrieved document's municipality; the leading sentence is another's
    "asks_noun",  # the question asks for a thing by its noun ("Vilka leverantörer …", "Vem är socialchef …")
    "noun_said",  # ... which stands as a word in that sentence (1), only in its document's passages (0.5), nowhere (0)
    "english",  # the question is English (read through the glossary: coverage runs lower)
)
RARE = 2  # how many of the question's rarest words the "asked thing" features read


@dataclass(frozen=True, slots=True)
class Abstainer:
    model: Linear
    threshold: float
    meta: dict[str, Any]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Abstainer:
        model = Linear.from_dict(d["model"])
        if model.features != FEATURES:
            raise GranskaError(
                "the abstention model's features differ from this code's; refit: python -m granska.eval.fit_abstain"
            )
        return cls(model, float(d["threshold"]), {k: v for k, v in d.items() if k not in ("model", "threshold")})

    def as_dict(self) -> dict[str, Any]:
        return {**self.meta, "threshold": round(self.threshold, 4), "model": self.model.as_dict()}

    def probability(self, row: dict[str, float]) -> float:
        """P(the documents answer the question)."""
        x = np.array([[row[f] for f in FEATURES]], dtype=np.float64)
        return sigmoid(float(self.model.logits(x)[0]))


def load(path: Path) -> Abstainer:
    try:
        return Abstainer.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as exc:
        raise GranskaError(f"cannot read the abstention model {path}: {exc}; refit: python -m granska.eval.fit_abstain")


def available() -> bool:
    """Whether the package ships a fitted model of this kind (the fit script writes it)."""
    return MODEL_PATH.is_file()


@lru_cache(maxsize=1)
def shipped() -> Abstainer:
    return load(MODEL_PATH)


def features(
    question: str,
    ranked: list[Scored],
    leads: list[Scored],
    hits: list[Hit],
    weights: Weights,
    *,
    question_asked: str | None = None,
) -> dict[str, float]:
    """The abstainer's features. question: as matched (English already in Swedish terms); ranked: every
    candidate, best first by the selector; leads: those that may stand as an answer, best first;
    question_asked: the question as the user wrote it (its language and the places it names)."""
    row = question_features(question, ranked, hits, weights)
    words = content_words(question)
    idf = {w: weights.idf(w) for w in words}
    total = sum(idf.values())
    best = max(leads, key=lambda s: s.coverage) if leads else None
    rare = max(idf, key=lambda w: idf[w]) if idf else None
    rarest = sorted((w for w in idf if weights.df(w) > 0), key=lambda w: -idf[w])[:RARE]
    found = found2 = worded = in_doc = share_top = 0.0
    if best is not None and rare is not None:
        found = match(rare, text_grams(best.span.text))
    if best is not None and rarest:
        grams = text_grams(best.span.text)
        found2 = min(match(w, grams) for w in rarest)
        worded = float(as_word(rarest[0], best.span.text))
        mine = " ".join(h.chunk.text for h in hits if h.chunk.doc == best.span.doc)
        in_doc = match(rarest[0], text_grams(mine))
        share_top = _rare_share(rarest, idf, best.span.text) / max(
            max((_rare_share(rarest, idf, h.chunk.text) for h in hits[:5]), default=0.0), 1e-9
        )
    asked = question_asked if question_asked is not None else question
    named = _places_named(asked, hits)
    lead_place = best.hit.meta.municipality if best is not None else None
    noun = asked_noun(asked)
    return {
        **row,
        "lead_cov": best.coverage if best is not None else 0.0,
        "lead_own": best.features.get("own", 0.0) if best is not None else 0.0,
        "lead_logit": leads[0].features.get("logit", -10.0) if leads else -10.0,
        "rare_found": found,
        "rare_share": idf[rare] / total if rare is not None and total > 0 else 0.0,
        "no_lead": float(not leads),
        "rare2_found": found2,
        "rare_word": worded,
        "rare_in_doc": in_doc,
        "rare_share_top": min(share_top, 1.0),
        "name_missing": _names_missing(asked, hits),
        "place_other": float(bool(named) and best is not None and lead_place not in named),
        "asks_noun": float(noun is not None),
        "noun_said": _noun_said(noun, best, hits) if noun is not None else 0.0,
        "english": float(language(asked) == "en"),
    }


# "Vilka leverantörer …", "Vilken nämnd …", "Vem är socialchef …", "Which suppliers …", "Who is the chair …"
_ASKS_NOUN = re.compile(
    r"^\W*(?:vilka|vilken|vilket|vem (?:ar|var)|which|who (?:is|was|are)(?: the)?)\s+(?:av\s+(?:de\s+)?)?(\w{4,})"
)


def asked_noun(question: str) -> str | None:
    """The noun a which/who question asks for, folded and read in Swedish terms ("suppliers" -> "leverantörer")."""
    m = _ASKS_NOUN.search(fold(question))
    if m is None:
        return None
    read = folded_words(for_matching(m.group(0)))
    return read[-1] if read and len(read[-1]) >= 4 else m.group(1)


def _noun_said(noun: str, best: Scored | None, hits: list[Hit]) -> float:
    if best is None:
        return 0.0
    if as_word(noun, best.span.text):
        return 1.0
    return 0.5 if any(as_word(noun, h.chunk.text) for h in hits[:5] if h.chunk.doc == best.span.doc) else 0.0


def as_word(word: str, text: str) -> bool:
    """The word stands in the text as a word: its stem (the word less an inflection's room) starts a word.
    Character grams find "socialchef" in "Enhetschefen"; a word start does not."""
    stem = word[: max(4, len(word) - 2)]
    return any(w.startswith(stem) for w in folded_words(text))


def _rare_share(rarest: list[str], idf: dict[str, float], text: str) -> float:
    grams = text_grams(text)
    return sum(idf[w] * match(w, grams) for w in rarest)


def _places_named(question: str, hits: list[Hit]) -> set[str]:
    """The retrieved documents' municipalities whose distinctive name the question carries ("X" of
    "X stad", "Ys" of "Region Y"): the place the question is about, from the metadata."""
    asked = set(folded_words(question))
    named = set()
    for place in {h.meta.municipality for h in hits if h.meta.municipality}:
        names = [w for w in folded_words(place) if w not in _PLACE_WORDS and len(w) >= 3]
        if names and all(any(a == n or a == n + "s" for a in asked) for n in names):
            named.add(place)
    return named


_NAME = re.compile(r"(?<!^)(?<![.?!:]\s)\b[A-ZÅÄÖ][a-zåäöé]{2,}")


def _names_missing(question: str, hits: list[Hit]) -> float:
    """The share of the question's names (capitalised words past its first) that no retrieved passage or its
    document's metadata carries: a question about a place, body or firm the documents never name."""
    # An English question's capitalised terms the glossary reads ("Executive Board") are words, not names.
    kept = set(folded_words(for_matching(question)))
    names = {n for m in _NAME.finditer(question.strip()) if (n := fold(m.group(0))) in kept}
    if not names:
        return 0.0
    said = set()
    for h in hits:
        m = h.meta
        said.update(folded_words(" ".join(filter(None, (h.chunk.text, m.municipality, m.issuer, m.auditor, m.title)))))
    # a genitive or definite form is the same name ("Xs" of "X", "Ys" of "Region Y")
    gone = [n for n in names if not any(w == n or w == n + "s" or n == w + "s" for w in said)]
    return len(gone) / len(names)


_PLACE_WORDS = frozenset({"kommun", "kommuns", "stad", "stads", "region", "regionen", "landsting", "city"})


def threshold(prob: float | None) -> float:
    """The threshold in force: the setting when given, else the one chosen on dev and shipped."""
    return shipped().threshold if prob is None else prob
