"""Answer types a question states by its question phrase, beyond granska.qa.evidence's dates, sums and counts.

"I vilket år …", "I vilket års revisionsplan …", "Which year …" ask for a year: a sentence without a year (other
than those the question names) does not answer. "I vilken kommun …", "Which municipality …" ask for a place: a
sentence that names no municipality, city or region does not answer. When no retrieved sentence meets the type,
the answer abstains (the documents are silent on what was asked). General Swedish and English question grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from granska.qa.statement import EMAIL, PHONE

from granska.text import content_words, fold, for_matching

# Folded, "vilka år" and "vilka är" are both "vilka ar": a year is asked unless what follows reads as the subject
# of "är" ("Vilka är de?", "Vilket är det viktigaste?", "Vilka är kraven / rekommendationerna?").
YEAR_AR = r"ars?\b(?! (?:de|det|dessa|den|denna|detta|dom|en|ett|[a-z]+(?:na|en|et))\b)"
_ASKS_YEAR = re.compile(rf"\b(?:vilket {YEAR_AR}|vilka {YEAR_AR}|which years?\b|what years?\b)")
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


# "Vilken e-postadress …", "Vilket telefonnummer …", "What is the e-mail address …": a contact detail is asked, which
# only a line carrying one gives (a letterhead or footer line, which answers nothing else).
_ASKS_EMAIL = re.compile(
    r"\b(?:e-?post|e-?mail|mejl|mail)-?adress\w*|\be-?mail address\w*|\b(?:vilken|which|what) e-?(?:post|mail)\b"
)
_ASKS_PHONE = re.compile(
    r"\b(?:(?:telefon|mobil|mobiltelefon)(?:nummer|numret|nummer\w*)|telefonnr|(?:tele|mobile |cell )?phone numbers?)\b"
)
# "Vilken gatuadress / besöksadress …", "What is the postal address …" (an e-mail address is asked above).
_ASKS_ADDRESS = re.compile(
    r"\b(?:vilken|vilket|vad ar|vad har|which|what(?: is| was)?(?: the)?)\b[^?]{0,40}?"
    r"(?<![\w-])(?:gatuadress|postadress|besoksadress|adress|(?:street|postal|visiting|mailing) address)\w*"
)  # the address is what is asked ("När måste du meddela din nya adress?" asks when)
# A street ("Xgatan 4", "Xvägen"), a post box or a postcode with its town: a line that gives an address.
_ADDRESS = re.compile(
    r"\b[A-ZÅÄÖ][a-zåäöé]+(?:gatan|vägen|torget|gränd|gränden|allén|backen|leden|stigen|plan)\b|\bBox \d+|\b\d{3} ?\d{2} [A-ZÅÄÖ][a-zåäö]+"
)


def asks_place(question: str) -> bool:
    """ "I vilken kommun …", "Which region …": the question asks for a municipality or region."""
    return bool(_ASKS_PLACE.search(fold(question)))


def asks_contact(question: str) -> bool:
    """The question asks for an e-mail address, a telephone number or a postal or street address."""
    q = fold(question)
    return bool(_ASKS_EMAIL.search(q) or _ASKS_PHONE.search(q) or _ASKS_ADDRESS.search(q))


def gives_contact(question: str, text: str) -> bool:
    """The text gives a contact detail of a kind the question asks for."""
    q = fold(question)
    return (
        bool(_ASKS_EMAIL.search(q) and EMAIL.search(text))
        or bool(_ASKS_PHONE.search(q) and PHONE.search(text))
        or bool(_ASKS_ADDRESS.search(q) and _ADDRESS.search(text))
    )


# "Hur ska arbetet finansieras?" is answered by a sentence on money, not one that names the work: near-silent
# documents (a "Finansiering" heading with nothing under it) otherwise answer with the work's best sentence.
_ASKS_FUNDING = re.compile(r"\b(?:finansier\w*|bekostas|bekostades|funded|financed|funding|financing)\b")
_FUNDING = re.compile(
    r"\b(?:finansier\w*|medel|medlen|budget\w*|anslag\w*|\w*bidrag\w*|kostnad\w*|kronor|kr|mkr|tkr|mnkr|betala\w*"
    r"|bekost\w*|resurs\w*|skattevaxling\w*|avgift\w*|intakt\w*)\b"
)


def meets(question: str, text: str) -> bool:
    """False when the question asks for a year, a place, a contact detail or how something is funded and the
    sentence gives none (beyond the question's)."""
    q = fold(question)
    if asks_contact(question):
        return gives_contact(question, text)
    if _ASKS_FUNDING.search(q):
        return bool(_FUNDING.search(fold(text)))
    if _ASKS_YEAR.search(q):
        named = set(_YEAR.findall(question))
        return any(y not in named for y in _YEAR.findall(text))
    if _ASKS_PLACE.search(q):  # a place beyond those the question names ("… i Xby Stad" answers no "vilka kommuner")
        return any(not _named_in(m.group(), q) for m in _PLACE.finditer(text))
    return True


def _named_in(place: str, folded_question: str) -> bool:
    """The place's name (its capitalised words, less a genitive s) is one the question names."""
    names = [fold(w).removesuffix("s") for w in re.findall(r"[A-ZÅÄÖ][\wåäöé-]+", place) if w not in ("Region",)]
    return bool(names) and all(n in folded_question for n in names if n not in ("kommun", "stad", "region"))


_WHICH = re.compile(r"^\W*(?:vilka|vilken|vilket|which|what)\b")
_NEGATION = re.compile(r"\b(?:inte|ej|icke|not|never|no)\b")
_DENIED = re.compile(r"\b(?:inte|ej|icke)\b((?:\s+\w+){1,4})")


def denial(question: str) -> Callable[[str], bool] | None:
    """ "Vilka åtgärder har nämnden vidtagit …?" is not answered by "… inte helt har vidtagit åtgärder …": a
    sentence that denies the question's own predicate says that (or how far) it was not done, not which were.
    The test for such sentences, or None when the question is no plain which-question (a question that asks what
    was not done is answered so)."""
    q = fold(question)
    if not _WHICH.search(q) or _NEGATION.search(q):
        return None
    stems = {w[: max(5, len(w) - 2)] for w in content_words(for_matching(question)) if len(w) >= 6}

    def denies(text: str) -> bool:
        return any(
            any(w.startswith(st) for w in m.group(1).split() for st in stems) for m in _DENIED.finditer(fold(text))
        )

    return denies if stems else None


_ASKS_RECOMMENDATIONS = re.compile(r"^\W*(?:vilka|vilken|vad|which|what)\b.*\b(?:rekommend\w*|recommend\w*)")
_ASKS_STATUS = re.compile(r"\b(?:vidtag\w*|genomfor\w*|atgard\w*|implementer\w*|status|hant\w*|done|taken|acted)\b")
_NOT_ACTED = re.compile(r"\b(?:ej|inte|icke)\b(?: \w+){0,3} (?:vidtag\w*|genomfor\w*|atgard\w*|implementer\w*)")


def asks_recommendations(question: str) -> bool:
    """ "Vilka rekommendationer …", "What did the auditors recommend …": which recommendations were given."""
    return bool(_ASKS_RECOMMENDATIONS.search(fold(question)))


def states_only_status(question: str, text: str) -> bool:
    """ "Vilka rekommendationer lämnade revisorerna …?" is not answered by a follow-up's "X har ej vidtagit
    åtgärder med hänsyn till revisorernas rekommendationer": it says what became of them, not which they were.
    A question about what was (not) done is answered so."""
    q = fold(question)
    if not _ASKS_RECOMMENDATIONS.search(q) or _ASKS_STATUS.search(q) or _NEGATION.search(q):
        return False
    return bool(_NOT_ACTED.search(fold(text)))
