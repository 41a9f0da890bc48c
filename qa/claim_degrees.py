"""Degree words of a claim and its source: none < partly < mostly < fully, in Swedish and English.

Degrees are compared, never matched as words: `without_degrees` leaves them out of what a sentence must share, and
`keep_degrees` / `put_back` hold an English claim's out of translation ("full" is no "mätt"). Split from
`qa/verify.py`.
"""

from __future__ import annotations

import re

from granska.text import fold

# "endast delvis" is "delvis" said with regret: one degree, its "endast" no word a sentence must share.
PARTIAL = re.compile(r"\b((?:endast|bara|enbart|only) )?(delvis|till viss del|i viss man|partly|partially|in part)\b")
FULL = re.compile(
    r"\b(helt|fullt|full|fullo|fullstandig|fullstandigt|fullstandiga|fullgod|fullgott|fullgoda|fully|entirely|in full)\b"
)
# Degree as a scale: none < partly < mostly < fully. "saknas helt" is none, not full.
DEGREES: list[tuple[str, re.Pattern[str]]] = [
    ("none", re.compile(r"\b(saknas helt|helt saknas|inte alls|inte i nagon|not at all)\b")),
    (
        "mostly",
        re.compile(
            r"\b(i huvudsak|huvudsakligen|till overvagande del|i allt vasentligt|i stort sett|till stor del|largely|mostly"
            r"|essentially|substantially|to a large extent|in the main|for the most part|by and large)\b"
        ),
    ),
    ("partly", PARTIAL),
    ("fully", FULL),
]
# An auditor's assessment ("vår samlade bedömning är att …", "vi bedömer att …", "we assess that …").
ASSESSMENT = re.compile(r"\b(bedom\w*|assess\w*|judged?|concluded?)\b")


def degree(text: str) -> str | None:
    return next((name for name, p in DEGREES if p.search(text)), None)


def without_degrees(claim: str) -> str:
    """The claim without its degree words (compared as degrees, never matched as words)."""
    for _, pattern in DEGREES:
        claim = unfold_sub(pattern, claim)
    return claim


def unfold_sub(pattern: re.Pattern[str], text: str) -> str:
    """`text` without the words `pattern` (written for folded text) matches; folding keeps word positions."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    for m in reversed(list(pattern.finditer(folded))):
        text = text[: m.start()] + text[m.end() :]
    return text


def keep_degrees(claim: str) -> tuple[str, list[str]]:
    """The claim with its degree words held out of translation as numbered marks, and those words."""
    folded, spans = fold(claim), [m.span() for _, p in DEGREES for m in p.finditer(fold(claim))]
    if len(folded) != len(claim):
        return claim, []
    kept: list[str] = []
    out: list[str] = []
    at = 0
    for a, b in sorted(set(spans)):
        if a < at:
            continue
        out.append(claim[at:a] + f" §{len(kept)}§ ")
        kept.append(claim[a:b])
        at = b
    return "".join(out) + claim[at:], kept


def put_back(text: str, degrees: list[str]) -> str:
    return re.sub(r"§(\d+)§", lambda m: degrees[int(m.group(1))], text)
