"""A question about a report's appendix or numbered table ("Vad innehåller bilaga 4?", "Vad beskriver bilagan?",
"What is in appendix 2?", "Vad visar tabell 2?", "Vilken bilaga redovisar …?") is answered by the entry that names
it: in a report the appendices and tables are listed in the table of contents, often the only place an extract
names them, so that entry may answer although a TOC line otherwise never does.
General Swedish and English words for an appendix and a table; no word of the documents."""

from __future__ import annotations

import re

from granska.text import fold

_ASKS = re.compile(
    r"\b(bilaga|bilagan|bilagor|bilagorna|appendix|appendices|annex|attachment|tabell|tabellen|table)\b(?:\s+(\d{1,2})\b)?"
)
# "Vilken bilaga redovisar X?" asks which of the listed entries holds X: any numbered entry may answer.
_WHICH = re.compile(r"\b(?:vilken|vilket|which|what)\s+(?:bilaga|appendix|annex|tabell|table)\b")
# The words an entry of each family starts with ("Bil 7:", "Bilaga 4 –", "Tabell 2 Jämförelse …").
_ENTRY = {"appendix": r"(?:bil(?:aga)?|appendix|annex)", "table": r"(?:tabell|table)"}


def _family(word: str) -> str:
    return "table" if word.startswith(("tabell", "table")) else "appendix"


def asked_appendix(question: str) -> str | None:
    """The appendix or table the question asks about: its number, "" when it names none, None when it asks none."""
    m = _ASKS.search(fold(question))
    return None if m is None else (m.group(2) or "")


def names_appendix(question: str, text: str, before: str = "") -> bool:
    """The text has an entry for the appendix or table the question asks about ("Bilaga 4 – …", "Bil 7: …",
    "Bilaga: …", "Tabell 2 …"); for "vilken bilaga …" any numbered entry of that family. before: the text just
    before it, where a sentence split left the entry's word ("… Tabell" | "2 Jämförelse …" reads as a
    numbered heading)."""
    q = fold(question)
    m = _ASKS.search(q)
    if m is None:
        return False
    word, number = _ENTRY[_family(m.group(1))], m.group(2)
    if number:
        entry = rf"\b{word}\.?\s*{number}\b"
    elif _WHICH.search(q):
        entry = rf"\b{word}\.?\s*\d{{1,2}}\b"
    else:
        return bool(re.search(rf"\b{word}\b\s*[.:–-]", fold(text)))
    if re.search(entry, fold(text)):
        return True
    numbered = rf"\s*{number}\b" if number else r"\s*\d{1,2}\b"
    return bool(re.search(rf"\b{word}\.?\s*$", fold(before)) and re.match(numbered, fold(text)))
