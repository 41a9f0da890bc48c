"""To whom a recommendation is addressed, read from grammar, never guessed.

Bodies are recognised by their form (any "…nämnden", "…styrelsen", "styrelsen för …", "… AB", "…fullmäktige",
"övriga nämnder"), OCR-tolerant, on fold_keep() text. The addressee comes, in this order, from the unit itself
("rekommenderar vi X att", "X bör", "X vidareutvecklar …"), from its list introduction, from the body the
auditors assessed just before ("bedömer vi att X …"), or from the document's own addressee: a missive's "Till X",
the body answering in a response ("X ger följande svar", "X:s yttrande", "X har svarat", "X anser"), or the
single body on the title page. Several bodies in one phrase give one addressee naming them all; no body, None.
"""

from __future__ import annotations

import re

from granska.qa import bodies

from granska.text import fold_keep
from granska.types import Document

_FOR = r"styrelsen for (?:[a-z]+ ){0,3}?[a-z]+(?=[\s,.:;]|$)"
_OTHERS = r"(?:ovriga|samtliga|berorda) n[a-z]{1,3}mnder(?:na)?"
ONE = rf"(?:{_FOR}|{_OTHERS}|{bodies.BODY})"
_JOIN = r"(?:s?,\s*|s?\s+och\s+|s?\s+samt\s+)"
SEVERAL = rf"{ONE}(?:{_JOIN}{ONE})*"
_COMPANY = re.compile(r"\b(?:[A-ZÅÄÖ][\wåäöé&-]+\s+){1,4}AB\b|\bAB\s+(?:[A-ZÅÄÖ][\wåäöé&-]+\s*){1,4}")
_WHO = r"(?:vi|revisionen|revisorerna|granskningen|[a-z]*revisionen|kommunens revisorer)"
# The unit names its addressee: "rekommenderar vi X att", "X bör", "X rekommenderas", "X uppmanas", "X <verb>ar".
_IN_UNIT = [
    re.compile(
        rf"\brekommender(?:ar|as)\s+(?:{_WHO}\s+)?(?:(?:vidare|ocksa|aven|darfor)\s+)?(?:att\s+)?(?P<b>{SEVERAL})"
    ),
    re.compile(rf"^[\W\d]*(?P<b>{SEVERAL})\s+(?:bor|rekommenderas|uppmanas|behover|ska|[a-z]+(?:ar|er))\b"),
    re.compile(rf"\b(?:bor|uppmanas|uppdras)\s+(?P<b>{SEVERAL})\b"),
    re.compile(rf"\brekommendationer(?:na)?\s+(?:till|riktade till)\s+(?P<b>{SEVERAL})"),
]
_ASSESSED = re.compile(rf"\b(?:bedomer\s+vi|bedomning\w*\s+(?:ar\s+)?)\s*att\s+(?P<b>{SEVERAL})")
_TO = re.compile(
    rf"(?m)^\s*till\b[^\n]{{0,40}}\n(?:\s*\n)*\s*(?P<b>{ONE})|\btill:?\s+(?P<c>{ONE})\b(?!\s+for yttrande)"
)
_ANSWERING = [
    re.compile(rf"(?P<b>{ONE})\s+(?:ger foljande svar|har svarat|har lamnat (?:ett )?svar|svarar)"),
    re.compile(rf"(?P<b>{ONE})s\s+(?:forslag till\s+)?yttrande"),
    re.compile(rf"oversant[s]?\s+till\s+(?P<b>{ONE})\s+for\s+yttrande"),
    re.compile(rf"(?P<b>{ONE})\s+(?:anser|delar|instammer|ser positivt|valkomnar)\b"),
]
TITLE_PAGE = 400  # characters of a document read as its title page


def names(surface: str) -> list[str]:
    """The bodies of a phrase such as "kommunstyrelsen och övriga nämnders", displayed, in order, once each."""
    out: list[str] = []
    folded = fold_keep(surface)
    for m in re.finditer(ONE, folded):
        name = bodies.display(surface[m.start() : m.end()])
        if not any(bodies.key(name) == bodies.key(o) for o in out):
            out.append(name)
    return out


def joined(names_: list[str]) -> str | None:
    if not names_:
        return None
    rest = [n[:1].lower() + n[1:] if not n.isupper() and not n.endswith(" AB") else n for n in names_[1:]]
    return names_[0] if not rest else ", ".join([names_[0], *rest[:-1]]) + " och " + rest[-1]


def _first(patterns: list[re.Pattern[str]], text: str, folded: str, start: int, end: int) -> str | None:
    for p in patterns:
        if m := p.search(folded, start, end):
            g = "b" if m.group("b") else "c"
            return joined(names(text[m.start(g) : m.end(g)]))
    return None


def in_text(doc: Document, folded: str, start: int, end: int) -> str | None:
    """The addressee a span names by directive grammar (or a company it is about), else None."""
    found = _first(_IN_UNIT, doc.text, folded, start, end)
    if found:
        return found
    company = _COMPANY.search(doc.text, start, end)
    if company and re.search(r"\b(bor|ska|rekommender)", folded[start:end]) and company.start() - start < 40:
        return company.group().strip()
    return None


def assessed_before(doc: Document, folded: str, start: int) -> str | None:
    """The body the auditors assessed last before `start` ("bedömer vi att kommunstyrelsen …")."""
    last = None
    for m in _ASSESSED.finditer(folded, 0, start):
        last = m
    return joined(names(doc.text[last.start("b") : last.end("b")])) if last else None


def of_document(doc: Document, folded: str) -> str | None:
    """The document's own addressee: a missive's "Till X", the answering body of a response, the title page's body."""
    if m := _TO.search(folded, 0, min(len(folded), 3 * TITLE_PAGE)):
        g = "b" if m.group("b") else "c"
        return joined(names(doc.text[m.start(g) : m.end(g)]))
    if doc.meta.role == "response":
        hits = [m for p in _ANSWERING if (m := p.search(folded))]
        if hits:
            m = min(hits, key=lambda h: h.start())
            return joined(names(doc.text[m.start("b") : m.end("b")]))
    title = names(doc.text[:TITLE_PAGE])
    return title[0] if len(title) == 1 else None
