"""A question about a report's appendix ("Vad innehåller bilaga 4?", "Vad beskriver bilagan?", "What is in appendix
2?") is answered by the entry that names it: in a report the appendices are listed in the table of contents, often
the only place an extract names them, so that entry may answer although a TOC line otherwise never does.
General Swedish and English words for an appendix; no word of the documents."""

from __future__ import annotations

import re

from granska.text import fold

_ASKS = re.compile(r"\b(?:bilaga|bilagan|bilagor|bilagorna|appendix|appendices|annex|attachment)\b(?:\s+(\d{1,2})\b)?")


def asked_appendix(question: str) -> str | None:
    """The appendix the question asks about: its number, "" when it names none, None when it asks no appendix."""
    m = _ASKS.search(fold(question))
    return None if m is None else (m.group(1) or "")


def names_appendix(question: str, text: str) -> bool:
    """The text has an entry for the appendix the question asks about ("Bilaga 4 – …", "Bil 7: …", "Bilaga: …")."""
    number = asked_appendix(question)
    if number is None:
        return False
    entry = (
        rf"\b(?:bil(?:aga)?|appendix|annex)\.?\s*{number}\b"
        if number
        else r"\b(?:bil(?:aga)?|appendix|annex)\b\s*[.:–-]"
    )
    return bool(re.search(entry, fold(text)))
