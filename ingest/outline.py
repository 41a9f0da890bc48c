"""outline(document) -> Outline: the typed sections of an audit document, their heading paths, and its facts.

Headings are recognised from general layout and wording, never from any one file: a short line that is
numbered ("2.1 Bedömning"), written in upper case, or made of a heading word of audit documents
("Sammanfattning", "Iakttagelser", "Revisionell bedömning", "Rekommendationer", "Kommunstyrelsens svar");
and, in texts whose lines were flattened into paragraphs, the same heading words standing at a sentence
start right before a capitalised word ("Sammanfattning På uppdrag av …"). Matching runs on fold_keep()
text, so OCR readings (å/ä/ö as a, i, d, 6, é) match and offsets stay those of the original.
Tables of contents are a section of their own ("toc"), and no heading is read inside them.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from granska.ingest import facts as facts_module
from granska.ingest.facts import facts

from granska import text as text_module
from granska.text import content_words, fold, fold_keep
from granska.types import Document, Outline, Section

OUTLINE_VERSION = "1"
SECTION_KINDS = (
    "front",
    "toc",
    "summary",
    "introduction",
    "purpose",
    "scope",
    "method",
    "criteria",
    "findings",
    "assessment",
    "recommendations",
    "answer",
    "actions",
    "decision",
    "appendix",
    "other",
)
# A body's own assessment/answer ("Kommunstyrelsens bedömning", "Socialnämndens svar") is the answer, not the
# auditors' assessment: a genitive body before the heading word.
_BODY_GEN = r"[a-z]*(?:n[a-z]{1,3}mnd(?:en|ens|s)|styrelsens|fullm[a-z]{1,2}ktiges|forvaltningens)"
_AUDITORS_GEN = r"(?:revisorernas|revisionens|stadsrevisionens|kommunrevisionens|revisionell|revisionella)"
# (kind, heading words) in the order tried: the first kind whose words open the heading wins.
_KINDS: list[tuple[str, str]] = [
    ("toc", r"innehall(?:sforteckning)?"),
    ("answer", rf"{_BODY_GEN} (?:svar|yttrande|synpunkter|kommentar(?:er)?|bedomning|stallningstagande)"),
    ("decision", rf"forslag till beslut|{_BODY_GEN} beslut|beslut(?:sforslag)?|protokollsutdrag"),
    ("summary", r"sammanfattning|sammanfattande iakttagelser"),
    (
        "assessment",
        (
            rf"(?:(?:sammanfattande|samlad|sammantagen|overgripande|avslutande|{_AUDITORS_GEN}|var) )*"
            r"(?:revisionell )?bedomning(?:ar)?|slutsats(?:er)?|avslutande kommentarer|revisionell bedomning"
            r"|svar pa revisionsfrag\w*"
        ),
    ),
    ("recommendations", r"rekommendation(?:er)?|forbattringsomraden|forslag till (?:atgarder|forbattringar)"),
    (
        "findings",
        (
            r"(?:viktiga |vara |granskningens )?iakttagelser|(?:granskningens )?resultat(?:et)?(?: av granskningen)?"
            r"|granskningsresultat|fakta och bedomning"
        ),
    ),
    ("purpose", r"(?:granskningens )?syfte|revisionsfrag(?:a|or)|kontrollmal|fragestallning(?:ar)?|uppdrag(?:et)?"),
    ("introduction", r"inledning|bakgrund|arendebeskrivning|arendet"),
    ("scope", r"avgransning(?:ar)?|omfattning"),
    ("method", r"(?:revisions)?metod|granskningens genomforande|genomforande"),
    ("criteria", r"revisionskriterier|bedomningsgrunder"),
    ("answer", r"svar|yttrande|synpunkter|kommentarer|forklaring"),
    ("actions", r"(?:vidtagna |planerade )?atgarder|handlingsplan|atgardsplan"),
    ("appendix", r"bilag[aor]\w*|bil \d+|kallforteckning|referenser|kallor"),
]


def _ocr_tolerant(pattern: str) -> str:
    """Let every literal vowel of a pattern match the letters OCR reads it as ("bedémning", "nimnd", "f6r")."""
    out, in_class, escaped = [], False, False
    for ch in pattern:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "]":
            in_class = False
            out.append(ch)
        elif ch in "aeiouy" and not in_class:
            out.append("[aeiouy60]")
        else:
            out.append(ch)
    return "".join(out)


_KIND_RES = [(k, re.compile(rf"(?:{_ocr_tolerant(w)})\b")) for k, w in _KINDS]
_ANY_TERM = "|".join(f"(?:{_ocr_tolerant(w)})" for _, w in _KINDS)
_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=\S)")
MAX_HEADING = 80  # characters of a heading line
MAX_HEADING_WORDS = 10
# Flattened text: "<start or sentence end> [N.] Heading Capitalised-word".
_INLINE = re.compile(
    rf"(?:^|(?<=[.!?:;])\s+|(?<=\n)[ \t]*(?:\d{{1,3}}[ \t]+)?)(?P<h>(?:\d{{1,2}}(?:\.\d{{1,2}}){{0,3}}\.?\s+)?(?:{_ANY_TERM})"
    r"(?: (?:och|samt|&) [a-z]+)?)(?= +\w)",
    re.MULTILINE,
)
_TOC_ANYWHERE = re.compile(r"\binnehall(?:sforteckning)?\b(?= +\w)")
_TOC_LINE = re.compile(r"\.{3,}\s*\d+\s*$|\s\d{1,3}\s*$")


def kind_of(heading: str) -> str:
    """The section kind a heading names ("other" when it names none), from its folded words."""
    h = re.sub(r"^[\d.\s]+|[^a-z0-9 ]+", " ", fold_keep(heading)).strip()
    h = re.sub(r"\s+", " ", h)
    best: tuple[int, str] | None = None
    for kind, pattern in _KIND_RES:
        m = pattern.search(h)
        # The heading word opens the heading, or follows at most two words ("Allmänna synpunkter").
        opens = m is not None and (m.start() == 0 or h[m.start() - 1] == " ") and len(h[: m.start()].split()) <= 2
        if m is not None and opens and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else "other"


@cache
def code() -> str:
    """A hash of the code an outline is computed by (this module, the facts, the text folding): a stored
    outline made by other code is not used, it is computed again."""
    h = hashlib.sha256(OUTLINE_VERSION.encode())
    for module in (__file__, facts_module.__file__, text_module.__file__):
        h.update(Path(str(module)).read_bytes())
    return h.hexdigest()[:16]


def outline(doc: Document) -> Outline:
    """Sections (flat, ordered, covering the text) and facts of one document."""
    return Outline(sections=tuple(sections(doc.text)), facts=tuple(facts(doc.text)))


def sections(text: str) -> list[Section]:
    heads = _headings(text)
    out: list[Section] = []
    if not heads or heads[0][0] > 0:
        first = heads[0][0] if heads else len(text)
        out.append(Section("front" if heads else "other", None, 0, first, 0, 0, ()))
    stack: list[tuple[int, str, str]] = []  # (level, heading, kind)
    last_numbered = 0
    for i, (start, end, heading, numbered_level) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        if not heading:  # text after a table of contents whose first heading was not read
            stack.clear()
            out.append(Section("other", None, start, stop, start, 0, ()))
            continue
        kind = kind_of(heading)
        if numbered_level:
            level = numbered_level
            last_numbered = level
        else:
            level = last_numbered + 1 if last_numbered else 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        if kind == "other" and stack:
            kind = stack[-1][2]  # "2.1 Ändamålsenlighet" under "2. Iakttagelser" is findings
        label = re.sub(r"\s*\.{2,}\s*\d*\s*$", "", re.sub(r"\s+", " ", heading)).strip()
        stack.append((level, label, kind))
        out.append(Section(kind, label, start, stop, end, level, tuple(h for _, h, _ in stack)))
    return out


def _headings(text: str) -> list[tuple[int, int, str, int]]:
    """(start, end, heading text, numbering depth or 0) of every heading, in order, none inside a TOC."""
    folded = fold_keep(text)
    found: dict[int, tuple[int, int, str, int]] = {}
    lines = _lines(text)
    for i, (start, end) in enumerate(lines):
        line = text[start:end]
        # A heading stands after a blank line, a finished sentence or another heading, not inside a paragraph.
        after_break = i == 0 or "\n\n" in text[lines[i - 1][1] : start] or lines[i - 1][0] in found
        after_break = after_break or bool(re.search(r"[.:!?”\")]\s*$", text[lines[i - 1][0] : lines[i - 1][1]]))
        # … and the next line does not carry on its sentence in lower case.
        carries_on = (
            i + 1 < len(lines) and "\n\n" not in text[end : lines[i + 1][0]] and text[lines[i + 1][0]].islower()
        )
        if after_break and not carries_on and _is_heading_line(line, folded[start:end]):
            found[start] = (start, end, line, _depth(line))
    for m in _INLINE.finditer(folded):
        s, e = m.start("h"), m.end("h")
        nxt = re.match(r" +", text[e:])
        if not (text[s].isupper() or text[s].isdigit()) or not nxt or not text[e + nxt.end()].isupper():
            continue  # a heading starts with a capital (or its number) and a capital starts the text after it
        if any(a <= s < b for a, b, _, _ in found.values()):
            continue
        found[s] = (s, e, text[s:e], _depth(text[s:e]))
    for m in _TOC_ANYWHERE.finditer(folded):  # "2 Kommunens LSS-verksamhet Innehållsförteckning 1. …"
        # A contents heading is capitalised: "vilket innehåll som ska tas upp" is prose.
        if text[m.start()].isupper() and not any(a <= m.start() < b for a, b, _, _ in found.values()):
            found[m.start()] = (m.start(), m.end(), text[m.start() : m.end()], 0)
    heads = sorted(found.values())
    return _drop_toc_entries(text, heads)


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _is_heading_line(line: str, folded: str) -> bool:
    """A short line, not a sentence, that is numbered, upper case, or opens with a heading word."""
    if len(line) > MAX_HEADING or len(line.split()) > MAX_HEADING_WORDS or re.search(r"[.,;]\s*$", line):
        return False
    if not (line[0].isupper() or line[0].isdigit()) or re.match(r"^[-–•❖*▪●◦]", line):
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    body = _NUMBER.sub("", line)
    number = _NUMBER.match(line)
    numbered = number and body[:1].isupper() and not re.search(r"\d\s*$", body) and len(body.split()) <= 8
    # "2.1 Bedömning" is a heading; "1 Augusti 2015 Rapport …" (a page number and a cover line) is not.
    if numbered and number and ("." in number.group(0) or kind_of(body) != "other"):
        return True
    if sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(line.split()) <= 6:
        return True
    return kind_of(line) != "other" and len(line.split()) <= 6


def _depth(heading: str) -> int:
    m = _NUMBER.match(heading)
    return m.group(1).count(".") + 1 if m else 0


def _drop_toc_entries(text: str, heads: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str, int]]:
    """A table of contents ends where its paragraph ends (flattened text) or where its entry lines stop; the
    headings it lists are not headings."""
    out: list[tuple[int, int, str, int]] = []
    toc_end = -1
    for h in heads:
        if h[0] < toc_end:
            continue
        if toc_end >= 0 and h[0] - toc_end > 5 and text[toc_end : h[0]].strip():
            out.append((toc_end, toc_end, "", 0))  # the body after a TOC, before the next heading read
        toc_end = -1
        out.append(h)
        if kind_of(h[2]) == "toc":
            toc_end = _toc_end(text, h[1])
    if 0 <= toc_end < len(text) and text[toc_end:].strip():
        out.append((toc_end, toc_end, "", 0))
    return out


def _toc_end(text: str, after: int) -> int:
    """Where a table of contents ends: at its own line's end when its entries follow on that line (flattened
    text); otherwise at the first long line that is no entry, or the first line repeating an entry (the body's
    first heading)."""
    newline = text.find("\n", after)
    if newline == -1:
        newline = len(text)
    if newline - after > 60 or newline == len(text):
        return _flat_toc_end(text, after, newline)
    first: str | None = None
    for m in re.finditer(r"[^\n]+", text[newline:]):
        line = m.group().strip()
        key = _entry_key(line)
        if (len(line) > 100 and not _TOC_LINE.search(line)) or len(line) > 200 or (key and key == first):
            return newline + m.start()
        if key and first is None:
            first = key
    return len(text)


# A word of a flattened contents: its start, the word, and whether a sentence ends right after it.
_WORD = re.compile(r"\S+")
# A sentence ends in "?" / "!", or in "." after a word of two letters or more that is not a dot leader or a
# numbering ("1.", "2.1."), before a capital or the end ("… konsulttjänster? Vilka …", "… 2011. Granskningen").
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2})[?!.](?=\s+[^\W\d_]*[A-ZÅÄÖ]|\s*$)(?<!\.\.)")
MIN_SENTENCE_WORDS = 4  # a contents entry ending in "?" is a question heading of four words or more, a sentence


def _flat_toc_end(text: str, after: int, line_end: int) -> int:
    """Where a table of contents flattened onto one line ends: at the line's end, unless before it the body's
    first heading repeats the first entry ("Innehåll 1. Inledning 3 2. Resultat 5 1. Inledning Granskningen …")
    or the entries turn into sentences ("… Våra iakttagelser Hur stora är kostnaderna …? Hur …?"): contents
    entries are short titles, never sentences."""
    words = [(m.start() + after, m.group()) for m in _WORD.finditer(text[after:line_end])]
    end = line_end
    first = _first_entry(words)
    if first:
        key, n = first
        for i in range(n + 1, len(words) - len(key)):
            if [fold_keep(w) for _, w in words[i : i + len(key)]] == key and i + len(key) < len(words):
                number = i > 0 and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", words[i - 1][1])
                end = words[i - 1][0] if number else words[i][0]
                break
    stop = _SENTENCE_END.search(text, after, end)
    while stop is not None:
        start = _sentence_start(text, after, stop.start())
        if start is not None:
            return start
        stop = _SENTENCE_END.search(text, stop.end(), end)
    return end


def _first_entry(words: list[tuple[int, str]]) -> tuple[list[str], int] | None:
    """The first entry of a flattened contents as folded words, and the index of the word that opens it: its
    capitalised first word and the lower-case words after it (the next capital or number starts the next)."""
    for i, (_, w) in enumerate(words[1:], start=1):
        if w[:1].isupper():
            key = [fold_keep(w)]
            for _, nxt in words[i + 1 :]:
                if not nxt[:1].islower():
                    break
                key.append(fold_keep(nxt))
            return key, i
    return None


def _sentence_start(text: str, lo: int, stop: int) -> int | None:
    """The start of the sentence that ends at stop: the nearest capitalised word (not an acronym) before it
    that leaves the sentence at least MIN_SENTENCE_WORDS words; None when the words after lo are too few."""
    words = [(m.start() + lo, m.group()) for m in _WORD.finditer(text[lo : stop + 1])]
    for k in range(len(words) - MIN_SENTENCE_WORDS, -1, -1):
        w = words[k][1]
        if w[:1].isupper() and not w.isupper():
            return words[k][0]
    return None


def _entry_key(line: str) -> str:
    """A TOC entry or heading without its numbering, page number and dot leaders, folded."""
    return re.sub(r"[^a-z]+", " ", fold_keep(re.sub(r"\.{2,}\s*\d+\s*$|\s\d{1,3}\s*$", "", line))).strip()


# A page mark: "3(3)", "3 (11)", "Sida 2", "sida 2 av 5", "Page 2 of 5".
_PAGE_MARK = re.compile(r"\b\d{1,3}\s?\(\d{1,3}\)|\b(?:sida|page)\s+\d{1,3}(?:\s*(?:av|of|/)\s*\d{1,3})?\b")
# What a running header holds beside its page mark: the words that label the fields, dates, reference numbers.
_HEADER_FIELD = re.compile(
    r"\b(?:datum|sida|dnr|diarienr|diarienummer|beteckning|page|date|ref)\b|\b\d{4}-\d{2}-\d{2}\b|\b[\w-]*\d[\w/.:-]*"
)
HEADER_WORDS = 3  # content words (a sender's name) a header line keeps beside its page mark and fields


def page_header(text: str) -> bool:
    """A running page header or footer standing as its own line: a page mark ("3(3)", "Sida 2 av 5") with at
    most a few other words (the sender, a date), or nothing but field labels ("Datum Sida"). Layout, never a
    statement: it neither answers nor interrupts the list or sentence it falls inside."""
    folded = fold(text).strip()
    if not folded or re.search(r"[.!?]\W*$", folded) or len(folded) > 80:
        return False
    rest = _HEADER_FIELD.sub(" ", _PAGE_MARK.sub(" ", folded))
    if not re.search(r"\w", rest):
        return bool(_PAGE_MARK.search(folded) or re.search(r"\b(?:datum|sida|page|date)\b", folded))
    return bool(_PAGE_MARK.search(folded)) and len(content_words(rest)) <= HEADER_WORDS
