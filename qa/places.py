"""A place the question names that the index holds no document of ("… i Xköping?", "Xköpings kommunstyrelse …",
"… in Xville?"): the answer abstains and says so, instead of quoting another municipality's documents.

A word is read as a place by its form and where it stands, never by a list of names: a capitalised name (not an
acronym like "EY", not a mixed-case firm like "PwC") after a preposition of place ("i", "in", "från", "from"), in
a genitive before a municipal noun ("Xs kommunstyrelse", "X:s revisorer", "X's executive board") or beside a
place word ("X kommun", "Region X", "Xregionen"). It is a place the index holds when it is a distinctive word of
a document's municipality (the metadata's names, genitive or not). A name that any retrieved passage or its
document's metadata carries is left alone (a system, a firm, a body the documents talk about), so only a name
the documents never mention counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from granska.qa import bodies, place_names

from granska.text import fold, folded_words, for_matching, language
from granska.types import Hit

_NAME = r"[A-ZÅÄÖ][a-zåäöéüø]{2,}"
# Words of a municipality's name that say what kind of place it is, not which one.
_KIND = place_names.PLACE_WORDS | {"kommuns", "kommunens", "stads", "stadens", "regions", "regionens"}
_KIND |= {"municipality", "city", "county", "council"}  # English
_MUNICIPAL_NOUN = (
    r"(?:kommun(?:s|en|ens|styrelse\w*|fullm\w*|revision\w*|ledning\w*)?|stad\w*|region\w*|landsting\w*|revisor\w*|fullm\w*ktige\w*|\w*n\w{1,3}mnd\w*|\w*styrelse\w*"
    r"|\w*forvaltning\w*|municipal\w*|council\w*|executive|auditor\w*|city|county|board\w*|committee\w*)"
)
_SLOTS = (
    re.compile(rf"(?:^|\s)(?:[Ii]|[Ii]n|[Ff]r[aå]n|[Ff]rom)\s+(?:[Rr]egion\s+)?({_NAME})"),
    re.compile(rf"\b({_NAME})(?::s|'s|s)\s+(?=\w)"),  # a genitive: its noun is checked below
    re.compile(rf"\b({_NAME})\s+(?:(?:[Kk]ommun|[Ss]tad|[Rr]egion|[Ll]andsting)s?|municipality|city|county)\b"),
    re.compile(rf"\b[Rr]egion\s+({_NAME})"),
    re.compile(r"\b([A-ZÅÄÖ][a-zåäö]{2,}?)(?:regionen|landstinget)s?\b"),
)
GENITIVE = 1
_GENITIVE_NOUN = re.compile(rf"(?::s|'s|s)\s+{_MUNICIPAL_NOUN}\b")


def candidates(question: str) -> list[tuple[str, str]]:
    """The capitalised names the question uses as places: (folded, as written), a genitive's -s left off."""
    found: dict[str, tuple[str, str]] = {}
    first = _first_word(question)
    for i, slot in enumerate(_SLOTS):
        for m in slot.finditer(question):
            name = m.group(1)
            if i == GENITIVE and m.start(1) == first:
                continue  # the question's first word is capitalised whatever it is ("Nämndens …")
            if i == GENITIVE and question[m.end(1)] != ":" and not _GENITIVE_NOUN.match(fold(question[m.end(1) :])):
                continue  # "Xs enkät" may be a person's; a genitive reads as a place before a municipal noun
            word = fold(name)
            if word not in _KIND and not re.fullmatch(bodies.UNIT, word):  # "i Kommunen", "i Socialnämnden"
                # one name read in two slots ("Xs" of a genitive, "Xs" of "Xs kommun"): keep it as written in full
                stem = word.removesuffix("s")
                if len(name) > len(found.get(stem, ("", ""))[1]):
                    found[stem] = (word, name)
    return list(found.values())


def _first_word(question: str) -> int:
    m = re.search(r"\w", question)
    return m.start() if m else -1


def _same_name(name: str, word: str) -> bool:
    """A name and a word of a place's name are one name, genitive or not ("xs" of "x", "x" of "xs kommun")."""
    a, b = name.removesuffix("s"), word.removesuffix("s")
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)))


def _held(name: str, places: Iterable[str]) -> bool:
    return any(_same_name(name, w) for p in places for w in folded_words(p) if w not in _KIND)


def _said(name: str, hits: list[Hit]) -> bool:
    """Any retrieved passage or its document's metadata names it (as a word: its stem at a word start)."""
    stem = name.removesuffix("s")
    for h in hits:
        m = h.meta
        text = " ".join(filter(None, (h.chunk.text, m.municipality, m.issuer, m.auditor, m.title)))
        # another spelling of it counts too ("Bankok" of "Bangkok"): one letter added, dropped or changed
        if any(w.startswith(stem) or (len(stem) >= 5 and _one_edit(stem, w)) for w in folded_words(text)):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by at most one letter inserted, deleted or replaced."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def not_held(question: str, places: Iterable[str], hits: list[Hit]) -> str | None:
    """The place the question names that no document of the index is from and no passage mentions (as written),
    or None. An English question's capitalised words the glossary reads ("Executive Board") are words, not names."""
    known = list(places)
    if not known:  # an index without municipalities in its metadata cannot say which places it lacks
        return None
    kept = set(folded_words(for_matching(question))) if language(question) == "en" else None
    for name, shown in candidates(question):
        if kept is not None and name not in kept:
            continue
        if not _held(name, known) and not _said(name, hits):
            return shown
    return None


def message(question: str, place: str) -> str:
    if language(question) == "en":
        return f"The documents do not say: the index holds no documents from {place}."
    return f"Det framgår inte av dokumenten: indexet har inga dokument från {place}."
