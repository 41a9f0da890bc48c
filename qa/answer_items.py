"""What an answer's best sentence needs after it to be complete, by general Swedish grammar and layout.

- A list of questions: "Följande revisionsfrågor har varit aktuella: Hur är X organiserad? Vilka … ? Hur …?"
  (flattened text: the introduction and the first question are one sentence, the others follow it, each ending
  in "?"). The answer is every question of the run, not the first.
- An announcing sentence: "Inom flera områden har granskningen visat att … fungerar bra." names a set it does
  not list; the next sentence does ("Det gäller bland annat …"). The answer quotes both.
- A consequence asked: "Vad behöver X göra, eftersom förarbetena inte ger stöd …?" names the reason; the sentence
  that states it is the premise, and the one right after it that draws the consequence ("X behöver därför …")
  answers.
"""

from __future__ import annotations

import re

from granska.qa.evidence import Scored

from granska.text import fold

QUESTION_ITEMS = 6  # questions quoted after the introduction (as answer.LIST_ITEMS)
GAP = 3  # characters between two sentences of one run (a space, a line break)
# An introduction that ends in ':' and then the first question ("…: Hur är hemsjukvården organiserad?"), or the
# introduction alone ("Följande kontrollmål är aktuella:").
_INTRO_THEN_QUESTION = re.compile(r":\s*[^:]*\?\W*$|:\s*$")
# A set named without its members: "flera områden", "ett antal brister", "några delar", "vissa rutiner".
_UNNAMED_SET = re.compile(r"\b(?:flera|ett antal|nagra|vissa|ett par|manga|olika)\b")
# The next sentence says which: "Det gäller …", "Detta gäller …", "Det handlar om …", "Bland annat …", "Dessa är …".
_SAYS_WHICH = re.compile(r"^\W*(?:(?:det|detta|dessa|de) (?:galler|handlar om|ar|var)\b|bland annat\b|exempel pa)")


def _is_question(text: str) -> bool:
    return text.rstrip(' "”’)').endswith("?")


def _run_after(best: Scored, following: list[Scored]) -> list[Scored]:
    """The sentences of best's document right after it, each within GAP characters of the one before."""
    run: list[Scored] = []
    end = best.span.end
    for s in sorted((x for x in following if x.span.doc == best.span.doc), key=lambda x: x.span.start):
        if s.span.start <= end:
            continue
        if s.span.start - end > GAP:
            break
        run.append(s)
        end = s.span.end
    return run


def question_items(best: Scored, following: list[Scored]) -> list[Scored]:
    """After an introduction of questions, the questions that follow it in one run, at most QUESTION_ITEMS."""
    if not _INTRO_THEN_QUESTION.search(best.span.text):
        return []
    items: list[Scored] = []
    for s in _run_after(best, following):
        if len(items) >= QUESTION_ITEMS or not _is_question(s.span.text):
            break
        items.append(s)
    # A run of one question after an introduction ending in ':' is a sentence, not a list of questions.
    return items if items and (_is_question(best.span.text) or len(items) > 1) else []


def says_which(best: Scored, following: list[Scored]) -> Scored | None:
    """The sentence right after an announcing one that names what it announced, or None."""
    if not _UNNAMED_SET.search(fold(best.span.text)):
        return None
    run = _run_after(best, following)
    return run[0] if run and _SAYS_WHICH.search(fold(run[0].span.text)) else None


# The question gives its reason ("…, eftersom …", "…, because …"); the answer draws the consequence ("därför").
_BECAUSE = re.compile(r"\b(?:eftersom|because|since(?! when)|given that)\b")  # "Since when …" asks a date
# A consequence drawn from the sentence before ("… behöver därför …", "Därav följer att …"; "därför att" gives
# its own reason).
THEREFORE = re.compile(
    r"\b(?:darfor(?! att)|darav|darmed|foljaktligen|alltsa|av den anledningen|mot (?:den|denna) bakgrund"
    r"|therefore|thus|hence|consequently)\b"
)
CONSEQUENCE_SHARE = 0.8  # the consequence covers this share of the premise's coverage (it restates less of it)


def consequence_first(question: str, ranked: list[Scored]) -> list[Scored]:
    """When the question gives a reason and the best sentence states it, the sentence right after it that draws
    the consequence leads."""
    if not ranked or not _BECAUSE.search(fold(question)):
        return ranked
    top = ranked[0]
    run = _run_after(top, ranked)
    if not run or not THEREFORE.search(fold(run[0].span.text)) or run[0].coverage < CONSEQUENCE_SHARE * top.coverage:
        return ranked
    return [run[0], *(s for s in ranked if s is not run[0])]
