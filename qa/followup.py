"""Follow-up questions: make "Och i X?" or "Vem ansvarar för det?" stand alone, from the history.

Rule-based (no model needed): an elliptic follow-up takes the previous question and swaps in the new
place or body; a follow-up that points back ("det", "detta", "it") gets the previous question's topic
and place carried over. With an LLM configured, qa.llm.rewrite_followup is tried first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from granska.text import STOPWORDS, content_words, fold

_ELLIPTIC_START = re.compile(
    r"^\s*(och|men|samt|and|but|what about|how about|vad sägs om|hur är det med|gäller det)\b", re.IGNORECASE
)
_POINTER = re.compile(r"\b(det|detta|den|denna|dessa|dem|de|dit|där|it|this|that|they|them|there)\b", re.IGNORECASE)
_QUESTION_WORD = re.compile(
    r"\b(vad|vem|vilk\w+|hur|när|var|varför|who|what|which|how|when|where|why)\b", re.IGNORECASE
)
_BODY = re.compile(r"\b[\wåäöÅÄÖ]*(?:nämnd\w*|styrelse\w*|fullmäktige|revision\w*)\b", re.IGNORECASE)


def _places(text: str, known: Iterable[str]) -> list[str]:
    """Words of the text that name a known municipality ("X" names "Xs Stad"), as written."""
    heads = [fold(place.split()[0]) for place in known if place.strip()]
    found: list[str] = []
    for word in re.findall(r"[A-ZÅÄÖ][\wåäöéÅÄÖ-]{3,}", text):
        w = fold(word)
        if any(h.startswith(w) or w.startswith(h.rstrip("s")) for h in heads):
            found.append(word)
    return found


def _topic(question: str) -> str:
    """The previous question's content, without its question words (for "det" to point at)."""
    words = re.findall(r"[\wåäöÅÄÖ:/-]+", question)
    return " ".join(w for w in words if fold(w) not in STOPWORDS and not _QUESTION_WORD.fullmatch(w))


def resolve(question: str, history: list[str], *, places: Iterable[str] = ()) -> str:
    """The question as it would be asked without the conversation; unchanged when it already stands alone."""
    previous = next((h for h in reversed(history) if h.strip()), None)
    if previous is None:
        return question
    known = list(places)
    new_places, old_places = _places(question, known), _places(previous, known)
    new_bodies = _BODY.findall(question)
    short = len(question.split()) <= 6
    bare = len(content_words(question)) < 2  # "Sedan när?", "Varför?"
    elliptic = bool(_ELLIPTIC_START.search(question)) or (short and not _QUESTION_WORD.search(question)) or bare
    if elliptic and (new_places or new_bodies):
        resolved = previous
        for new, old in ((new_places, old_places), (new_bodies, _BODY.findall(previous))):
            if not new:
                continue
            if old:
                resolved = re.sub(re.escape(old[0]) + r"\w*", new[0], resolved, count=1)
            else:
                resolved = re.sub(r"\s*\?\s*$", "", resolved) + f" i {new[0]}?"
        return resolved
    if _POINTER.search(question) or elliptic:
        extra = _topic(previous)
        if old_places and not new_places and not any(p in extra for p in old_places):
            extra += f" i {old_places[0]}"
        return f"{question.rstrip()} ({extra})" if extra else question
    return question
