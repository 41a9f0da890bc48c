"""Layout lines that may not stand in an answer, beyond granska.qa.statement's: the cover block's lines before
the first heading, and a running page header that the sentence splitter closed on the next heading's number.

A cover ("1 Revisionsrapport Granskning av … X kommun [author] … Maj 2012", "Ys kommun
Socialnämnden 13 November 2013", "Zs kommun.") holds the title, the municipality, the authors and a date: no
statement. What a question about the audit's content asks is never answered by it. Questions that ask for
what a cover does hold (who, to whom, when, which number) may still be answered by it. General layout only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from granska.ingest.outline import page_header
from granska.qa import intent
from granska.qa.evidence import Scored
from granska.qa.statement import cover_block

from granska.text import fold
from granska.types import Outline

# "4 Revisionsgranskning 2(18) 1.": the page header, then the number of the heading that opens the page.
_HEADING_NUMBER_END = re.compile(r"\s\d{1,2}(?:\.\d{1,2})*\.\s*$")
_PAGE_MARK = re.compile(r"\b\d{1,3}\s?\(\d{1,3}\)")  # "2(18)", "3 (11)"
_STOP_END = re.compile(r"[.!?]\W*$")
COVER_WORDS = 6  # a front-matter "sentence" of fewer words is a cover line even with a stop ("Xs kommun.")
# The intents whose answer is a statement of the audit's content: a cover line never answers them. Who signed,
# to whom, when, which number, how many pages: a cover may hold those.
CONTENT_INTENTS = frozenset(
    {
        "other",
        "findings",
        "assessment",
        "purpose",
        "method",
        "recommendations",
        "response",
        "status",
        "yes_no",
        "definition",
        "responsible",
    }
)


def header_with_number(text: str) -> bool:
    """A running page header that ends with the number of the heading after it ("4 Revisionsgranskning 2(18) 1.",
    "3 Revisionsrapport 1(18) Revisionskontoret KR-2016/0006 … Innehållsförteckning 1."): a page mark, and a bare
    heading number where a sentence would end."""
    m = _HEADING_NUMBER_END.search(text)
    if m is None or m.start() == 0:
        return False
    return page_header(text[: m.start()]) or bool(_PAGE_MARK.search(text[: m.start()]))


def front_line(s: Scored, outlines: Mapping[str, Outline]) -> bool:
    """A line of the front matter (the text before the document's first heading) that is no sentence: it ends
    without a stop, or it is only a few words. A letter's body in the front matter still answers."""
    o = outlines.get(s.span.doc)
    kind = o.kind_at(s.span.start) if o is not None else s.hit.section
    if kind != "front":
        return False
    text = s.span.text.strip()
    return not _STOP_END.search(text) or len(text.split()) < COVER_WORDS


_ASKS_AUTHORS = re.compile(
    r"\b(?:vem|vilka har (?:skrivit|gjort|utfort)|skrev|skrivit|forfatt\w*|roll(?:er|en)?|who|wrote|written|authors?|roles?)\b"
)


def asks_content(question: str) -> bool:
    """The question asks for a statement of what the audit says (not who, to whom, when, which number)."""
    return intent.rule_kind(question) in CONTENT_INTENTS


def not_layout(question: str, outlines: Mapping[str, Outline]) -> Callable[[Scored], bool]:
    """A filter for the candidates of one question: False for a page header closed on a heading's number, and,
    when the question asks for content, for a front-matter cover line."""
    content = asks_content(question)
    # A cover page run into its contents names the report's authors: it answers who wrote it, no content question.
    covers_out = content and not _ASKS_AUTHORS.search(fold(question))

    def keep(s: Scored) -> bool:
        if header_with_number(s.span.text) or (covers_out and cover_block(s.span.text)):
            return False
        return not (content and front_line(s, outlines))

    return keep
