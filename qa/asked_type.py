"""Answer types a question states by its question phrase, beyond granska.qa.evidence's dates, sums and counts.

"I vilket år …", "I vilket års revisionsplan …", "Which year …" ask for a year: a sentence without a year (other
than those the question names) does not answer. "I vilken kommun …", "Which municipality …" ask for a place: a
sentence that names no municipality, city or region does not answer. When no retrieved sentence meets the type,
the answer abstains (the documents are silent on what was asked). General Swedish and English question grammar.
"""

from __future__ import annotations

import re

from granska.text import fold

_ASKS_YEAR = re.compile(r"\b(?:vilket ars?|vilka ar|which years?|what years?)\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b(?!\s*:\s*\d)")  # not a statute number ("1982:763")
_ASKS_PLACE = re.compile(
    r"\b(?:vilken|vilka) (?:kommun|kommuner|stad|region|landsting)\b|\b(?:which|what) (?:municipalit\w*|city|region|county)\b"
)
# A place named in a sentence: "Xs kommun", "X Stad", "Region Y", "Xregionen", or a
# name after a preposition of place ("avdelningen i Örebro"; not an acronym: "inom ASI-enheten").
_PLACE = re.compile(
    r"\b[A-ZÅÄÖ][\wåäöé-]+ (?:[Kk]ommun|[Ss]tad|[Rr]egion|[Ll]andsting)\b|\bRegion [A-ZÅÄÖ]\w+|\b[A-ZÅÄÖ]\w+(?:regionen|landstinget)\b"
    r"|\b(?:[Ii]|[Ii]n|[Ff]ran|[Ff]rån|[Ff]rom) [A-ZÅÄÖ][a-zåäöé]{2,}\b"
)


def meets(question: str, text: str) -> bool:
    """False when the question asks for a year or a place and the sentence gives none (beyond the question's)."""
    q = fold(question)
    if _ASKS_YEAR.search(q):
        named = set(_YEAR.findall(question))
        return any(y not in named for y in _YEAR.findall(text))
    if _ASKS_PLACE.search(q):
        return bool(_PLACE.search(text))
    return True
