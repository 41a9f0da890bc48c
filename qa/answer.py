"""answer(question, hits) -> Answer: quote the sentence(s) that answer, cite them, or abstain."""

from __future__ import annotations

import re

from granska.settings import AnswerSettings
from granska.types import Answer, Hit, Span
from index.analysis import fold
from qa.evidence import Scored, Weights, sentences

ABSTAIN_SV = "Det framgår inte av dokumenten."
ABSTAIN_EN = "The documents do not say."
_EN = {"the", "what", "who", "which", "how", "when", "does", "did", "is", "are", "was", "of", "for", "has", "have", "whom", "why"}
_SV = {"och", "att", "det", "som", "vad", "vem", "vilken", "vilka", "hur", "när", "har", "är", "för", "på", "av", "i"}
_LIST_INTRO = re.compile(r"(:|att)\s*$")


def language(question: str) -> str:
    words = re.findall(r"[a-zåäöé]+", question.lower())
    en = sum(w in _EN for w in words)
    sv = sum(w in _SV for w in words)
    return "en" if en > sv else "sv"


def abstention(question: str) -> str:
    return ABSTAIN_EN if language(question) == "en" else ABSTAIN_SV


def answer(question: str, hits: list[Hit], settings: AnswerSettings, *, qid: str | None = None) -> Answer:
    """Extractive answer from the retrieved passages; abstains when the best evidence covers too little."""
    if not hits:
        return Answer(question, abstention(question), True, [], hits, id=qid)
    ranked = sentences(question, hits, Weights([h.chunk.text for h in hits[:20]]))
    if not ranked or ranked[0].coverage < settings.abstain_below:
        return Answer(question, abstention(question), True, [], hits, id=qid)
    chosen = _choose(ranked, settings.max_sentences)
    citations = [Span(s.span.doc, s.span.start, s.span.end, s.span.page, s.span.text, s.coverage) for s in chosen]
    text = " ".join(f"”{_display(c.text)}” [{i}]" for i, c in enumerate(citations, 1))
    return Answer(question, text, False, citations, hits, id=qid)


def _choose(ranked: list[Scored], limit: int) -> list[Scored]:
    """The best sentence, plus the items of a list it introduces, plus close runners-up, in document order."""
    best = ranked[0]
    chosen = [best]
    if _LIST_INTRO.search(best.span.text):
        # "rekommenderar vi kommunstyrelsen att:" — the answer is the list that follows.
        following = sorted(
            (s for s in ranked if s.span.doc == best.span.doc and s.span.start > best.span.end),
            key=lambda s: s.span.start,
        )
        chosen.extend(following[:5])
    else:
        for s in ranked[1:]:
            if len(chosen) >= limit:
                break
            if s.coverage >= 0.8 * best.coverage and fold(s.span.text) != fold(best.span.text):
                chosen.append(s)
    return sorted(chosen, key=lambda s: (s.span.doc != best.span.doc, s.span.doc, s.span.start))


def _display(text: str) -> str:
    """Readable quote: hyphenated line breaks joined, whitespace collapsed. Citations keep the original."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()
