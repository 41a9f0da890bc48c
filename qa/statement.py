"""What is a statement that may answer, and what is not: contact lines, addresses, page headers and
table-of-contents lines (junk), cover lines that repeat the document's title, and heading fragments."""

from __future__ import annotations

import re

from granska.qa.evidence import Scored

from granska.text import content_words, fold

# A letterhead's contact details: an e-mail address, a web address, a telephone number.
EMAIL = re.compile(r"[\w.-]+@[\w-]+\.\w+")
PHONE = re.compile(r"\b0\d{1,3}[- ]\d{2,3}(?: \d{2,3}){1,3}\b|\b\d{2,4}-\d{2,3} ?\d{2} ?\d{2}\b")
_CONTACT = rf"{EMAIL.pattern}|\bwww\.|https?://|{PHONE.pattern}"
_CONTACT_RE = re.compile(_CONTACT)
# What never stands as an answer: contact lines, addresses, page headers, table-of-contents lines.
_JUNK = re.compile(
    rf"{_CONTACT}|\b(?:postadress|besoksadress|telefon|telefax|tfn|e-post|org\.?\s?nr|"
    r"organisationsnummer|bankgiro|plusgiro|innehall|innehallsforteckning)\b|\.{4,}\s*\d|\bsida \d+ av \d+\b"
)


def letterhead(text: str) -> bool:
    """The text carries a letterhead's contact details (e-mail, web address, telephone number): quoted as part
    of an answer it never is, even where it also says something (`junk` judges whether it may stand alone)."""
    return bool(_CONTACT_RE.search(fold(text)))


_CONTENTS = re.compile(r"\b(?:innehall|innehallsforteckning)\b|\w\.{3,}\s*\d")


def cover_block(text: str) -> bool:
    """A cover page run into its table of contents ("www.x.se Revisionsrapport … Mars 2017 Innehåll
    Sammanfattning...2"): it names the report's authors and date, so it may say who wrote it, but its date is the
    report's and nothing else's."""
    folded = fold(text)
    return bool(_CONTACT_RE.search(folded) and _CONTENTS.search(folded))


JUNK_WORDS = 6  # content words a sentence keeps beside its contact/TOC marks to still be a statement


def junk(text: str) -> bool:
    """A contact line, address, page header or TOC line: e-mail, phone number, address word or TOC mark, with
    little else. A statement that merely contains a link ("X ansvarar för … (se https://…)") still answers."""
    folded = fold(text)
    if not _JUNK.search(folded):
        return False
    rest = _JUNK.sub(" ", re.sub(r"\S*(?:https?://|www\.|@)\S*", " ", folded))
    return len(content_words(rest)) < JUNK_WORDS


STATEMENT_WORDS = 8  # a closed sentence this long states something, whatever title words it repeats


def title_line(s: Scored, *, statements: bool = False) -> bool:
    """A cover line or page header: the sentence is little more than the document's title repeated.

    statements: a closed sentence of STATEMENT_WORDS words or more is a statement ("Kommunrevisionen genomförde
    2014 en fördjupad granskning av kommunstyrelsens uppsikt (KR-2014/0002)."), not a cover line, though it names
    the title's words (the caller says when: a question for the time of what the title names)."""
    title = content_words(s.hit.meta.title or "")
    if len(title) < 3 or len(s.span.text) > len(s.hit.meta.title or "") + 60:
        return False
    if statements and statement(s.span.text):
        return False
    mine = set(content_words(s.span.text))
    return sum(w in mine for w in title) >= 0.6 * len(title)


_CLOSED = re.compile(r"[.!?][\s\"”’)]*$")


def statement(text: str) -> bool:
    """A closed sentence of STATEMENT_WORDS words or more."""
    return bool(_CLOSED.search(text)) and len(text.split()) >= STATEMENT_WORDS


def fragment(text: str) -> bool:
    """A heading, cover or page-header line rather than a sentence: short, few words, no closing stop."""
    return len(text) < 60 and len(text.split()) < 6 and not re.search(r"[.!?:]\W*$", text)
