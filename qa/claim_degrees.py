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
    ("none", re.compile(r"\b(saknas (?:det |de |den )?helt|helt saknas|inte alls|inte i nagon|not at all)\b")),
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
# How many, as a scale of its own: few < some < most < all. A claim of "all" is gainsaid by a source of "most" or
# "some", one of "hardly any" by "most" or "all" ("flertalet avvikelser"). Held out of matching like degrees.
QUANTITIES: list[tuple[int, re.Pattern[str]]] = [
    (
        0,
        re.compile(
            r"\b(hardly any|scarcely any|almost no|very few|knappt (?:nagon|nagot|nagra)|nastan (?:inga|ingen|inget)|knappast (?:nagon|nagot|nagra))\b"
        ),
    ),
    (
        2,
        re.compile(
            r"\b(de flesta|flertalet|ett flertal|majoriteten|merparten|manga|ofta|most|many|often|the majority)\b"
        ),
    ),
    (1, re.compile(r"\b(vissa|nagra|ett fatal|en del|ibland|some|a few|certain|sometimes)\b")),
    (3, re.compile(r"\b(samtliga|alla|alltid|all|every|each|always)\b")),
]
# One and only one: "en enda process", "only one applicant", gainsaid by "en rad olika processer", "mer än en sökande".
_ONE = re.compile(r"\b(en enda|ett enda|endast en|endast ett|bara en|bara ett|only one|a single|one single)\b")
_MORE_THAN_ONE = re.compile(
    r"\b(en rad|flera|ett flertal|flertalet|manga|mer an en|mer an ett|fler an en|more than one|several|multiple|a number of|a range of)\b"
)


_ALWAYS = re.compile(r"\b(alltid|always)\b")
# None at all, said with emphasis ("inget projekt alls", "inte några avvikelser … alls"): gainsaid by a source of some or many, even one that says some were not ("exempel på projekt som inte
# följts upp"), as "samtliga" is by "vissa": a source saying so means that others were.
_NONE_AT_ALL = re.compile(
    r"\b(?:inget|ingen|inga|inte (?:nagot|nagon|nagra))\s+(?P<what>[a-z-]+)(?:\s+[a-z-]+){0,4}?\s+alls\b"
)
_SOME = re.compile(r"\b(exempel pa|examples? of|i vissa fall|in some cases|ett antal)\b")


def quantity(text: str) -> int | None:
    """The (folded) text's quantity on the scale, the first pattern found in the order above."""
    return next((q for q, p in QUANTITIES if p.search(text)), None)


def _names(none: re.Match[str], folded: str) -> bool:
    what = none.group("what")
    return what[: max(4, len(what) - 3)] in folded


def quantity_conflict(claim: str, sentence: str) -> str | None:
    """Why the sentence's quantity gainsays the (folded) claim's: "samtliga" against only "de flesta" / "vissa",
    "nästan inga" against "flertalet" / "alla", "en enda" against "en rad"; None when it does not. The reason
    quotes the sentence's own words."""
    folded = fold(sentence)

    def said(m: re.Match[str]) -> str:  # folding keeps positions, when it keeps the length
        return sentence[m.start() : m.end()] if len(folded) == len(sentence) else m.group()

    # ... of the same thing: the sentence names what the claim says none of ("projekt"), in some inflection.
    if (none := _NONE_AT_ALL.search(claim)) and not _NONE_AT_ALL.search(folded) and _names(none, folded):
        some = _SOME.search(folded) or next((m for q, p in QUANTITIES if q in (1, 2) and (m := p.search(folded))), None)
        if some:
            return f"den säger '{said(some)}', inte inget alls"
    if _ONE.search(claim) and not _ONE.search(folded) and (more := _MORE_THAN_ONE.search(folded)):
        return f"den säger '{said(more)}', inte en enda"
    mine = quantity(claim)
    found = {q: m for q, p in QUANTITIES if (m := p.search(folded))}
    if mine == 3 and found and 3 not in found:
        return f"den säger '{said(found[max(found)])}', inte alla"
    if mine == 0 and (more_of := [found[q] for q in (3, 2) if q in found]):
        return f"den säger '{said(more_of[0])}', inte nästan inga"
    return None


# Room for improvement ("kunde förbättras", "behöver stärkas", "ett utvecklingsområde", "förbättringsmöjligheter"):
# what is said of a thing that is not fully as it should be.
_ROOM = re.compile(
    r"\b(?:kan|kunde|behover|behovde|bor|borde|maste)\s+(?:[a-z]+\s+){0,2}?"
    r"(?:forbattras|forstarkas|utvecklas|starkas|tydliggoras|ses over)\b"
    r"|\b(?:forbattringsomrade|utvecklingsomrade|forbattringsmojlighet|forbattringspotential)\w*"
)


def room_conflict(claim: str, sentence: str) -> str | None:
    """A (folded) claim of the full degree ("fullt tillräcklig", "helt ändamålsenlig") against a sentence saying
    the thing could or should be improved: its words, quoted; None when there is no such conflict."""
    if degree(claim) != "fully":
        return None
    folded = fold(sentence)
    if not (m := _ROOM.search(folded)):
        return None
    said = sentence[m.start() : m.end()] if len(folded) == len(sentence) else m.group()
    return f"den säger '{said}', inte helt"


# An auditor's assessment ("vår samlade bedömning är att …", "vi bedömer att …", "we assess that …").
ASSESSMENT = re.compile(r"\b(bedom\w*|assess\w*|judged?|concluded?)\b")


def degree(text: str) -> str | None:
    return next((name for name, p in DEGREES if p.search(text)), None)


def without_degrees(claim: str) -> str:
    """The claim without its degree words (compared as degrees, never matched as words)."""
    for _, pattern in DEGREES:
        claim = unfold_sub(pattern, claim)
    # "knappt några", "alltid", "en enda": compared as quantities; "alla", "vissa" stay words too
    for pattern in (QUANTITIES[0][1], _ALWAYS, _ONE):
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
    patterns = [p for _, p in DEGREES] + [QUANTITIES[0][1], _ALWAYS, _ONE]
    folded, spans = fold(claim), [m.span() for p in patterns for m in p.finditer(fold(claim))]
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
