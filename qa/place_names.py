"""How a text names a place the index knows (a municipality or region of the documents' metadata): by the
words of its name, or by the initialism of that name ("NSR" for "Norra Skogslandsregionen").

Initialisms are read from each name itself, never from a list: the initials of its words, a compound that ends
in a place word ("Skogslandsregionen") counting as two ("Skogslands" + "regionen"). Only initialisms of three
letters or more are read, and only where the text writes them in capitals ("NSR", "NSR:s"): two letters ("BS")
are too often something else. A name that opens with a place word ("Region X Y") is named by its other words,
not by "Region", which "Regionstyrelsen" and "regionens" also start with.
"""

from __future__ import annotations

import re
from functools import lru_cache

from granska.text import fold

# The words of a place's name that say what kind of place it is, not which one.
PLACE_WORDS = frozenset(
    {"kommun", "kommunen", "stad", "staden", "region", "regionen", "landsting", "landstinget", "lan"}
)
_COMPOUND = re.compile(
    r"^(?P<head>[a-z]{3,}?)s?(?P<tail>regionen|region|kommunen|kommun|staden|stad|landstinget|landsting)$"
)
# An initialism as a text writes it: three to six capitals standing alone, perhaps with a genitive ("NSR:s").
_CAPITALS = re.compile(r"(?<![\w-])[A-ZÅÄÖ]{3,6}(?![a-zåäö\w-])")
_CAPITALS_GENITIVE = re.compile(r"(?<![\w-])([A-ZÅÄÖ]{3,6})(:s)?(?![a-zåäö\w-])")
MIN_LETTERS = 3


@lru_cache(maxsize=1024)
def initialisms(name: str) -> frozenset[str]:
    """The folded initialisms of a place's name: of all its words ("nsr"), and of its words less the place words
    ("raf" and "af" of "Region Älvby Fjällås"; only those of MIN_LETTERS letters or more are kept)."""
    parts: list[str] = []
    for word in re.findall(r"[a-z]+", fold(name)):
        m = _COMPOUND.match(word)
        parts += [m.group("head"), m.group("tail")] if m else [word]
    whole = "".join(p[0] for p in parts)
    own = "".join(p[0] for p in parts if p not in PLACE_WORDS)
    return frozenset(x for x in (whole, own) if len(x) >= MIN_LETTERS)


def says_initialism(text: str, name: str) -> bool:
    """The text writes the place's initialism in capitals ("NSR", "NSR:s")."""
    mine = initialisms(name)
    return bool(mine) and any(fold(m.group(0)) in mine for m in _CAPITALS.finditer(text))


def opens_with_place_word(name: str) -> bool:
    """ "Region X", "Landstinget Y": the name's first word says only what kind of place it is."""
    first = re.findall(r"[a-z]+", fold(name))[:1]
    return bool(first) and first[0] in PLACE_WORDS


def spelled_out(text: str, places: list[str]) -> str:
    """The text with each place initialism it writes replaced by the place's name ("NSR:s revisorer" ->
    "Norra Skogslandsregionens revisorer"), so search, intent and answering read the name the documents and
    their metadata use. An initialism that two places share is left as written."""

    def name(m: re.Match[str]) -> str:
        owners = [p for p in places if fold(m.group(1)) in initialisms(p)]
        if len(owners) != 1:
            return m.group(0)
        return owners[0] + ("s" if m.group(2) else "")

    return _CAPITALS_GENITIVE.sub(name, text)


def unnamed(text: str, places: list[str]) -> str:
    """The text less the place initialisms it writes ("What does the NSR board say" -> "What does the board
    say"): for reading which sentence answers, where the place is a limit on the passages, not a word to cover."""

    def drop(m: re.Match[str]) -> str:
        return "" if sum(fold(m.group(1)) in initialisms(p) for p in places) == 1 else m.group(0)

    return re.sub(r"\s{2,}", " ", _CAPITALS_GENITIVE.sub(drop, text)).strip()
