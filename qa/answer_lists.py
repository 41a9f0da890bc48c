"""The lists an answer quotes, and the sentence that names what a "vilka/which NOUN" question asks for.

- Items after an introduction: bulleted (OCR bullets too), one to a line without a bullet, or the sentences of
  its paragraph (flattened text).
- The introduction of the list the question names ("Vilka granskningar …?" — "De granskningar som följts upp
  är:"), also where flattened text runs it into the list's first question ("Följande revisionsfrågor har varit
  aktuella: Hur är …?").
- The asked noun: a sentence that names no such thing ("Vilka nämnder …?") cannot say which ones, so a nearly
  as good sentence of the same document that names them leads.
"""

from __future__ import annotations

import re
from itertools import pairwise

from granska.ingest.outline import page_header
from granska.qa.answer_items import question_items
from granska.qa.evidence import Scored, match, text_grams
from granska.qa.intent_frames import LIST_PREP
from granska.qa.statement import fragment

from granska.text import fold, for_matching
from granska.types import Hit

_BULLET = re.compile(r"^\s*(?:[-–•❖*▪●◦]|[eo]\s+\w|\d+[.)]\s)")
LIST_ITEMS = 6  # list items quoted after an introducing sentence
LIST_REACH = 1500  # characters after the introduction within which its items stand


def bullets(following: list[Scored]) -> list[Scored]:
    """The bulleted items at the head of `following` (OCR bullets "e"/"o"/"❖" included), at most LIST_ITEMS.
    A page header or footer between two items ("Datum Sida … 2021-11-12 3(3)") is skipped: the list goes on
    on the next page."""
    items: list[Scored] = []
    for s in following:
        if len(items) >= LIST_ITEMS:
            break
        if page_header(s.span.text):
            continue
        if not _BULLET.match(s.span.text):
            break
        items.append(s)
    return items


# A lettered or numbered enumeration run into the text ("… följande rekommendationer: a) Hitta … b) Ge …"): its
# markers stand after a space or at the start, with a closing parenthesis.
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))([a-h]|[1-9])\)\s")
CONTINUATION_GAP = 2  # sentences without a marker that may stand between two items of the enumeration


def _opened(text: str) -> list[str]:
    """The markers of the lettered or numbered enumeration the text opens ("a) … b) …", "1) … 2) …"); [] when
    it opens none."""
    marks = _ENUMERATOR.findall(text)
    return marks if len(marks) >= 2 and marks[0] in ("a", "1") and _in_sequence(marks) else []


def opens_enumeration(text: str) -> bool:
    """The text opens a lettered or numbered enumeration ("a) … b) …", "1) … 2) …")."""
    return bool(_opened(text))


def enumeration_rest(best: Scored, following: list[Scored]) -> list[Scored]:
    """The sentences after `best` that carry on the enumeration it opens ("a) … b) …" then "c) … d) …"), up to
    the last one with the next marker; none when `best` opens no enumeration from its first marker ("a)", "1)")."""
    if not (marks := _opened(best.span.text)):
        return []
    expected = chr(ord(marks[-1]) + 1)
    out: list[Scored] = []
    pending: list[Scored] = []
    end = best.span.end
    for s in following:
        if s.span.doc != best.span.doc or s.span.start < end or s.span.start - end > 3:
            break  # (only the sentences right after, one by one)
        end = s.span.end
        pending.append(s)
        found = _ENUMERATOR.findall(s.span.text)
        if found and found[0] == expected and _in_sequence(found):
            out += pending
            pending = []
            expected = chr(ord(found[-1]) + 1)
        elif len(pending) > CONTINUATION_GAP:
            break
    return out


def _in_sequence(marks: list[str]) -> bool:
    return all(ord(b) == ord(a) + 1 for a, b in pairwise(marks))


def line_items(intro: Scored, following: list[Scored]) -> list[Scored]:
    """After an introduction ending in ':', the items that stand one to a line without a bullet (the glyph lost in
    extraction): the sentences right after it that each open a line and end in no full stop, at most LIST_ITEMS."""
    if not intro.span.text.rstrip().endswith(":"):
        return []
    items: list[Scored] = []
    last = intro
    indent: str | None = None
    for s in following[:LIST_ITEMS]:
        gap, between = s.span.start - last.span.end, _between(last, s)
        if gap > 6 or "\n" not in between or re.search(r"[.!?]\W*$", s.span.text):
            break
        # The items stand indented alike; a line set otherwise (the next heading, flush left) ends the list.
        here = between.rsplit("\n", 1)[1]
        if indent is not None and here != indent:
            break
        indent = here
        items.append(s)
        last = s
    return items


def _between(a: Scored, b: Scored) -> str:
    """The characters between two sentences of one document, from a passage that holds them (an item may open
    the next passage: the line break before it stands in the passage of the item before)."""
    for c in (b.hit.chunk, a.hit.chunk):
        if c.doc == b.span.doc and c.start <= a.span.end <= b.span.start <= c.end:
            return c.text[a.span.end - c.start : b.span.start - c.start]
    return ""


def paragraph(intro: Scored, following: list[Scored]) -> list[Scored]:
    """The sentences right after an introduction, in its paragraph (no blank line between), at most LIST_ITEMS."""
    text = intro.hit.chunk.text
    items: list[Scored] = []
    end = intro.span.end
    for s in following[:LIST_ITEMS]:
        gap_start, gap_end = end - intro.hit.chunk.start, s.span.start - intro.hit.chunk.start
        if s.hit.chunk.doc != intro.hit.chunk.doc or gap_end > len(text) or "\n\n" in text[gap_start:gap_end]:
            break
        if s.span.start - end > 3:  # a sentence skipped (not among the scored): the run is broken
            break
        items.append(s)
        end = s.span.end
    return items


# A list introduction that names what a "vilka/which" question asks for answers with a share of the coverage
# an answer otherwise needs: the question's other words ("ingick", "oktober") describe the list, its items
# rarely repeat them.
LIST_INTRO_FLOOR = 0.5
# (a count may stand before the noun: "Vilka tre sätt …", "Which four recommendations …")
_COUNT = r"(?:tva|tre|fyra|fem|sex|sju|atta|nio|tio|\d+|two|three|four|five|six|seven|eight|nine|ten)\s+"
# (… and a participle after "av de": "Vilka av de uppföljda granskningarna …")
_ASKED_NOUN = re.compile(
    rf"^\W*(?:{LIST_PREP}\s+(?:vilka|vilken|vilket|which|what)|vilka|vilken|vilket|which)\s+(?:av\s+(?:de\s+(?:\w+(?:da|de|ta|te)\s+)?)?)?(?:{_COUNT})?(\w{{4,}})"
)
# A list question ("Vilka nämnder …", "Which committees …"): its answer names the members.
_ASKED_MEMBERS = re.compile(r"^\W*(?:vilka|which)\s+(\w{4,})")
INTRO_HEAD_WORDS = 4  # the asked noun stands among the introduction's first words ("De granskningar som …")
SHORT_INTRO = (
    12  # … or anywhere in a short one ("De bedömningar som lämnas utifrån respektive granskning framgår nedan:")
)


def list_intro_of_asked(question: str, leads: list[Scored], hits: list[Hit]) -> Scored | None:
    """In the first passage's document, a sentence ending in ':' that names the asked noun in its first words
    and is followed by bulleted items: the introduction of the list the question asks for."""
    m = _ASKED_NOUN.search(fold(question))
    if m is None or not hits:
        return None
    # Read as the question is matched ("Which audits" -> "granskningar"): its last word is the asked noun.
    noun, home = (fold(for_matching(m.group(0))).split() or [m.group(1)])[-1], hits[0].chunk.doc
    noun = _INDEFINITE.sub("", noun)  # "granskningarna": the introduction names "De granskningar som …"
    for s in leads:
        head = " ".join(s.span.text.split()[:INTRO_HEAD_WORDS])
        # Flattened text joins the introduction and the list's first question ("Följande revisionsfrågor har
        # varit aktuella: Hur är hemsjukvården organiserad?"); the questions after it are the other items.
        asks_on = _INTRO_THEN_QUESTION.search(s.span.text) is not None
        if s.span.doc != home or not (s.span.text.rstrip().endswith(":") or asks_on):
            continue
        # "… anser kommunstyrelsen att det är lämpligt att omhänderta rekommendationerna på följande sätt:" names
        # the asked noun last, after "följande".
        tail = " ".join(s.span.text.split()[-INTRO_HEAD_WORDS:])
        ends_naming = bool(_FOLLOWING_NOUN.search(fold(tail))) and match(noun, text_grams(tail)) >= 1.0
        if (
            match(noun, text_grams(head)) < 1.0
            and not (len(s.span.text.split()) <= SHORT_INTRO and match(noun, text_grams(s.span.text)) >= 1.0)
            and not ends_naming
        ):
            continue
        after = sorted(
            (x for x in leads if x.span.doc == home and 0 < x.span.start - s.span.end < LIST_REACH),
            key=lambda x: x.span.start,
        )
        if question_items(s, after) or bullets(after) or line_items(s, after):
            return s
    return None


_INTRO_THEN_QUESTION = re.compile(r":\s+[^:]*\?\W*$")
_INDEFINITE = re.compile(r"(?<=[aeo]r)na$")  # a definite plural's ending
_FOLLOWING_NOUN = re.compile(r"\bfoljande \w+\s*:\s*$")


def _asked_noun(question: str) -> str | None:
    """The noun a "vilka/vilken/which NOUN …" question asks for, as the question is matched ("nämnder")."""
    m = _ASKED_NOUN.search(fold(question))
    if m is None:
        return None
    return (fold(for_matching(m.group(0))).split() or [m.group(1)])[-1]


ASKED_SHARE = 0.8  # a sentence naming the asked noun leads when it covers this share of the best one's coverage


def naming_the_asked_first(question: str, ranked: list[Scored], floor: float) -> list[Scored]:
    """ "Vilka nämnder omfattades av granskningen?" (a list asked): when the best sentence names no such thing, a nearly as
    good one of the same document that does ("… om kommunstyrelsen, socialnämnden och samhällsbyggnadsnämnden
    säkerställt …") leads; a sentence without the asked noun cannot say which ones."""
    noun = _asked_noun(question) if _ASKED_MEMBERS.search(fold(question)) else None
    if noun is None or not ranked or match(noun, text_grams(ranked[0].span.text)) > 0:
        return ranked
    top = ranked[0]
    naming = [
        s
        for s in ranked[1:]
        if s.span.doc == top.span.doc
        and not fragment(s.span.text)
        and s.coverage >= max(floor, ASKED_SHARE * top.coverage)
        and match(noun, text_grams(s.span.text)) > 0
    ]
    if not naming:
        return ranked
    return [naming[0], *(s for s in ranked if s is not naming[0])]
