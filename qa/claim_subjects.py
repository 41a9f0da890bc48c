"""Who a claim is about: its bodies, names and audit firms, and whether the sources or a sentence speak of them.

A body ("socialnämnden", in any OCR reading: "ndmnder") need only be mentioned; a person's name must be held nearly
letter for letter; a firm is compared with the firms the source's document names. Split from `qa/verify.py`.
"""

from __future__ import annotations

import re

from granska.qa.bodies import NAMND
from granska.qa.display import repair_word
from granska.qa.evidence import Scored, match, text_grams

from granska.text import fold, words
from granska.types import Hit

# Audit firms of the trade (not of any document): a claim naming one the source's document does not is wrong.
FIRMS = re.compile(r"\b(pwc|ey|ernst & young|kpmg|deloitte|grant thornton|bdo)\b")
# A body: nämnd in its OCR readings (nimnd, ndmnd, naimnd), styrelse, revision, fullmäktige.
# "ovan nämnda" (mentioned) is no body: the plural of nämnd is "nämnder".
BODY = re.compile(
    r"\b(?!n[a-z]{1,3}mnda\b)[a-z]*(?:n[a-z]{1,3}mnd|styrels|fullm[a-z]ktig)[a-z]*\b"
    r"|\b[a-z]*revision(?:en|ens)?\b"  # the audit office, not "revisionsplanen", "revisionsrapport"
)
OCR_NAMND = re.compile(NAMND)
NAME_MATCH = 0.8  # the share of a name's letter n-grams a passage must hold (OCR may damage a letter or two)


def unmentioned(claim: str, hits: list[Hit]) -> str | None:
    """The claim's subject (a body, a person, a named thing) when no passage looked at mentions it. A body need
    only be mentioned (fuzzily: OCR damages its letters); a name must be held by a passage or its metadata
    (municipality, issuer, auditor, title) nearly letter for letter, or begin a word of it ("Exempelssons" is
    "Exempelsson"): "Anna Exempelström" is not "Anna Exempelsson"."""
    texts = _with_metadata(hits)
    grams = [text_grams(t) for t in texts]
    subjects = [(b, False) for b in bodies(claim) if not audit_office(b)]
    # Proper names inside the sentence ("Anna Exempelsson", "KPMG"): capitalised words not opening it. A firm's words
    # ("Ernst & Young") are compared as a firm (`other_firm`), not looked up one by one.
    firm_words = {w for f in FIRMS.findall(fold(claim)) for w in f.split()}
    subjects += [
        (w.lower(), True)
        for w in re.findall(r"(?<=[\w,] )[A-ZÅÄÖ][\wåäöé-]{2,}", claim)
        if not FIRMS.search(fold(w)) and fold(w) not in firm_words
    ]
    held: list[set[str]] = []
    for subject, name in subjects:
        parts = [p for p in re.split(r"[^a-z0-9]+", fold(subject)) if len(p) >= 3]
        if not name:
            if parts and not any(all(match(p, g) > 0 for p in parts) for g in grams):
                return subject
            continue
        held = held or [set(words(t)) for t in texts]
        if parts and not any(all(_holds_name(p, g, w) for p in parts) for g, w in zip(grams, held, strict=True)):
            return subject
    return None


# The part of a named body before its kind ("socialnämnden" → "social", "kommunstyrelsen" → "kommun").
_HEAD = re.compile(r"([a-z]{4,}?)(?:n[a-z]{1,3}mnd|styrels|fullm[a-z]ktig)")


def _head(body: str) -> str | None:
    """What names a body, when it is long enough to tell (at least four letters)."""
    m = _HEAD.match(body)
    return m.group(1) if m else None


def unnamed_body(claim: str, hits: list[Hit]) -> str | None:
    """The claim's named body (its head: "överförmyndar" of "överförmyndarnämnden") that no word of the passages
    or their metadata begins with, fuzzily (OCR damages letters), though their letter n-grams as a whole may hold
    it (`unmentioned`: "över", "för", "myndighet"). A sentence of no body cannot bear out a claim about this one;
    one naming another body still gainsays it."""
    texts = _with_metadata(hits)
    for body in bodies(claim):
        if (head := _head(body)) and not any(_word_begins(head, t) for t in texts):
            return _shown(body, claim)
    return None


def _with_metadata(hits: list[Hit]) -> list[str]:
    """Each passage's text with its document's metadata (municipality, issuer, auditor, title): where a name may
    stand though the passage itself does not hold it."""
    return [
        " ".join(filter(None, (h.chunk.text, h.meta.municipality, h.meta.issuer, h.meta.auditor, h.meta.title)))
        for h in hits
    ]


def _word_begins(head: str, text: str) -> bool:
    """One word of `text` begins with `head`, fuzzily: its first letters hold the head's n-grams ("socialndimnden"
    for "social"; not "informationsöverföring" for "överförmyndar", which holds them further in)."""
    return any(match(head, text_grams(w[: len(head) + 2])) > 0 for w in set(words(text)))


def _holds_name(part: str, grams: frozenset[str], held: set[str]) -> bool:
    if match(part, grams) >= NAME_MATCH:
        return True
    stem = part.removesuffix("s") if len(part) > 3 else part
    return any(w.startswith(stem) for w in held)


def subject_of(claim: str) -> str | None:
    """The body a claim is about: the first it names, the auditors aside."""
    return next((b for b in bodies(claim) if not audit_office(b)), None)


def specific(body: str) -> bool:
    """A named body ("socialnämnden", "kommunstyrelsen"), not a bare "nämnden" or "styrelsen"."""
    return bool(re.match(r"[a-z]{3,}(?:n[a-z]{1,3}mnd|styrels|fullm)", body))


def names_subject(claim: str, s: Scored) -> bool:
    subject = subject_of(claim)
    return subject is not None and any(same_body(subject, t) for t in bodies(s.span.text))


def subject_first(claim: str, candidates: list[Scored], *, share: float) -> Scored:
    """The best sentence, or a nearly as good one that names the claim's body when the best does not."""
    best = candidates[0]
    if names_subject(claim, best):
        return best
    near = [s for s in candidates if s.coverage >= share * best.coverage and names_subject(claim, s)]
    return near[0] if near else best


def other_body(claim: str, s: Scored) -> str | None:
    """'Kommunstyrelsen ska …' where the sentence has another named body do it and never names the claim's."""
    subject = subject_of(claim)
    if subject is None or names_subject(claim, s):
        return None
    theirs = [b for b in bodies(s.span.text) if specific(b) and not audit_office(b)]
    if not theirs or any(same_body(theirs[0], b) for b in bodies(claim)):
        return None
    return f"den anger {_shown(theirs[0], s.span.text)}, inte {_shown(subject, claim)}"


def _shown(body: str, text: str) -> str:
    """A body as the text writes it (OCR readings repaired for display), found by its folded form."""
    folded = fold(text)
    at = folded.find(body)
    if at < 0 or len(folded) != len(text):
        return body
    return repair_word(text[at : at + len(body)], damaged=True)


def other_firm(claim: str, s: Scored, hits: list[Hit]) -> set[str]:
    """'… genomfördes av KPMG' where the source's document names another firm and never this one: the firms
    it names (empty when there is no such conflict)."""
    named = firms_in(fold(claim))
    if not named:
        return set()
    theirs = doc_firms(s, hits)
    return theirs if theirs and not (named & theirs) else set()


def doc_firms(s: Scored, hits: list[Hit]) -> set[str]:
    """The audit firms the sentence's document names, in its passages searched or its metadata."""
    doc_text = " ".join(fold(h.chunk.text) for h in hits if h.chunk.doc == s.span.doc)
    return firms_in(doc_text) | firms_in(fold(s.hit.meta.auditor or ""))


def firms_in(folded: str) -> set[str]:
    """The audit firms a folded text names, one name each ("Ernst & Young" is EY)."""
    return {"ey" if f == "ernst & young" else f for f in FIRMS.findall(folded)}


def naming(ranked: list[Scored], best: Scored, firms: set[str]) -> Scored:
    """The best-covering sentence of the source's document that names one of its firms, else `best` (the
    firm may be named only in the metadata)."""
    found = [s for s in ranked if s.span.doc == best.span.doc and firms_in(fold(s.span.text)) & firms]
    return max(found, key=lambda s: s.coverage) if found else best


_OFFICE = re.compile(r"[a-z]*revision(?:en|ens)?")


def audit_office(body: str) -> bool:
    """The audit office ("revisionen", "stadsrevisionen", "kommunrevisionen"): who audits, not a body audited."""
    return bool(_OFFICE.fullmatch(body))


def bodies(text: str) -> list[str]:
    return BODY.findall(fold(text))


def same_body(a: str, b: str) -> bool:
    """Two folded bodies are one (fuzzily), their "nämnd" read alike in every OCR reading ("ndmnder" is
    "nämnder"): the damage of a short head would otherwise outweigh what the two share."""
    a, b = (OCR_NAMND.sub("namnd", x) for x in (a, b))
    return match(a, text_grams(b)) > 0


def aligned(claim: str, s: Scored) -> bool:
    """A sentence speaks of the claim's subject when, if both name bodies, they share one (fuzzily); a bare
    "nämnden" of the sentence refers back to a named one ("socialnämnden"). A bare "styrelsen" may be a
    company's board: it does not."""
    mine = [b for b in bodies(claim) if not audit_office(b)]
    theirs = bodies(s.span.text)
    if not mine or not theirs:
        return True
    return any(same_body(b, t) or (_bare_namnd(t) and OCR_NAMND.search(b)) for b in mine for t in theirs)


def _bare_namnd(body: str) -> bool:
    return not specific(body) and bool(OCR_NAMND.match(body))
