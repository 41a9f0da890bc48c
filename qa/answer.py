"""answer(question, hits) -> Answer: quote the sentence(s) that answer, cite them, or abstain."""

from __future__ import annotations

import re

from granska.qa import scorer
from granska.qa.evidence import Scored, Weights, answerable, gives_answer_type, sentences

from granska.settings import AnswerSettings
from granska.text import fold, for_matching, language
from granska.types import Answer, Hit, Span

ABSTAIN_SV = "Det framgår inte av dokumenten."
ABSTAIN_EN = "The documents do not say."
_LIST_INTRO = re.compile(r"(:|att)\s*$")
_BULLET = re.compile(r"^\s*(?:[-–•❖*▪●◦]|[eo]\s+\w|\d+[.)]\s)")
LIST_ITEMS = 6  # list items quoted after an introducing sentence
LIST_REACH = 1500  # characters after the introduction within which its items stand
RUNNER_UP = 0.9  # a second sentence is quoted only when nearly as good as the best


def abstention(question: str) -> str:
    return ABSTAIN_EN if language(question) == "en" else ABSTAIN_SV


def answer(question: str, hits: list[Hit], settings: AnswerSettings, *, qid: str | None = None) -> Answer:
    """Extractive answer from the retrieved passages; abstains when the best evidence covers too little."""
    if not hits:
        return Answer(question, abstention(question), True, [], hits, id=qid)
    matched, weights = for_matching(question), Weights([h.chunk.text for h in hits[:20]])
    model = scorer.shipped() if settings.scorer == "learned" else None
    ranked = sentences(matched, hits, weights, model=model)
    learned_abstainer = model is not None and settings.abstainer == "learned"
    silent = learned_abstainer and answerable(matched, ranked, hits, weights, model) < scorer.threshold(settings)
    # A "how many"/"what did it cost" question is answered only by a sentence with a count/amount it did not name.
    ranked = [s for s in ranked if gives_answer_type(question, s.span.text, strict=True)]
    # The coverage rule reads the best coverage (the learned selector may rank a less-covering sentence first).
    best = (ranked[0].coverage if model is None else max(s.coverage for s in ranked)) if ranked else 0.0
    if silent or not ranked or best < settings.abstain_below:
        return Answer(question, abstention(question), True, [], hits, id=qid)
    chosen = _choose(ranked, settings.max_sentences)
    citations = [Span(s.span.doc, s.span.start, s.span.end, s.span.page, s.span.text, s.coverage) for s in chosen]
    text = " ".join(f"”{_display(c.text)}” [{i}]" for i, c in enumerate(citations, 1))
    return Answer(question, text, False, citations, hits, id=qid)


def _choose(ranked: list[Scored], limit: int) -> list[Scored]:
    """The best sentence first; then the items of a list it introduces, or a close runner-up."""
    best = ranked[0]
    after = sorted(
        (s for s in ranked if s.span.doc == best.span.doc and 0 < s.span.start - best.span.end < LIST_REACH),
        key=lambda s: s.span.start,
    )
    if _LIST_INTRO.search(best.span.text) and (items := _bullets(after)):
        # "rekommenderar vi kommunstyrelsen att:" — the answer is the list that follows, in order.
        return [best, *items]
    leads_in = bool(after) and after[0].span.start - best.span.end <= 3 and _LIST_INTRO.search(after[0].span.text)
    if leads_in and (items := _bullets(after[1:])):
        # The best sentence leads into a list ("… Kommunstyrelsen bör i detta avseende:"): quote the list too.
        return [best, after[0], *items]
    chosen = [best]
    for s in ranked[1:]:
        if len(chosen) >= limit or s.coverage < RUNNER_UP * best.coverage:
            break
        if fold(s.span.text) != fold(best.span.text):
            chosen.append(s)
    return chosen


def _bullets(following: list[Scored]) -> list[Scored]:
    """The bulleted items at the head of `following` (OCR bullets "e"/"o"/"❖" included), at most LIST_ITEMS."""
    items: list[Scored] = []
    for s in following[:LIST_ITEMS]:
        if not _BULLET.match(s.span.text):
            break
        items.append(s)
    return items


def _display(text: str) -> str:
    """Readable quote: hyphenated line breaks joined, whitespace collapsed. Citations keep the original."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.sub(r"\s+", " ", text).strip()
