"""Candidate-sentence features beyond `evidence.candidates`' own: does a sentence cover the asked thing, or only
repeat the names that frame the question?

Audit questions carry their frame ("… i X kommun enligt revisorernas granskning"): a title line, a cover line or
an introduction ("PwC har av X kommuns revisorer fått i uppdrag att granska …") repeats those words and outscores
the sentence that answers. Three signals tell them apart, all computed from the candidates themselves:
- specificity: a question word that most candidate sentences match (the place, "granskning") says little about
  which one answers; one that few match says much. `spec_own` weighs each question word by its IDF times
  log(1 + N / (1 + n)), n of the N candidates matching it; `spec_gap` against the best candidate's;
- the frame: the share of the sentence's matched weight that falls on words of its document's metadata names
  (municipality, auditor, issuer), `frame_share`;
- the shape: a heading or cover fragment (`fragment`), a sentence that asks (`asks`), and the kind of outline
  section the passage starts in (an assessment or summary, `sec_judged`; front matter or contents, `sec_front`).
"""

from __future__ import annotations

import math
import re

from granska.qa.evidence import MATCH_AT, Scored, Weights, match, text_grams
from granska.qa.statement import fragment

from granska.text import content_words

EXTRA_FEATURES = ("spec_own", "spec_gap", "frame_share", "fragment", "asks", "sec_judged", "sec_front")
_JUDGED = frozenset({"summary", "assessment", "findings", "recommendations", "answer", "actions", "decision"})
_FRONT = frozenset({"front", "toc"})
_ASKS = re.compile(r"\?\W*$")


def add_extra(question: str, cands: list[Scored], weights: Weights) -> None:
    """Adds EXTRA_FEATURES to every candidate's features (in place). question: as matched."""
    words = content_words(question)
    idf = {w: weights.idf(w) for w in words}
    got = [{w: match(w, text_grams(c.span.text)) for w in words} for c in cands]
    n = len(cands)
    df = {w: sum(1 for g in got if g[w] > 0) for w in words}
    spec = {w: idf[w] * math.log(1 + n / (1 + df[w])) for w in words}
    total = sum(spec.values())
    names: dict[int, frozenset[str]] = {}
    for c, g in zip(cands, got, strict=True):
        meta = c.hit.meta
        key = id(meta)
        if key not in names:
            line = text_grams(" ".join(x for x in (meta.municipality, meta.auditor, meta.issuer) if x))
            names[key] = frozenset(w for w in words if match(w, line) >= MATCH_AT)
        held = sum(idf[w] * g[w] for w in words)
        framed = sum(idf[w] * g[w] for w in names[key])
        c.features.update(
            {
                "spec_own": sum(spec[w] * g[w] for w in words) / total if total > 0 else 0.0,
                "frame_share": framed / held if held > 0 else 0.0,
                "fragment": float(fragment(c.span.text)),
                "asks": float(bool(_ASKS.search(c.span.text))),
                "sec_judged": float(c.hit.section in _JUDGED),
                "sec_front": float(c.hit.section in _FRONT),
            }
        )
    best = max((c.features["spec_own"] for c in cands), default=0.0)
    for c in cands:
        c.features["spec_gap"] = c.features["spec_own"] - best
