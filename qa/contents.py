"""Questions about a document's parts, answered from its table of contents or its numbered items: "Vilka bilagor
har rapporten?", "Vilka kapitel finns?", "Vad tar kapitel 3 upp?", "What does the results chapter cover?",
"Vilka delar av X går rapporten igenom?", "Vilka X tar granskningen upp?" (X a contents entry with entries
under it), "Vad gällde punkt 1 i beslutet?", "Vilken var första punkten på mötet?".

A contents line never answers a content question (qa/layout_lines.py); here the question asks for the contents
itself, so each entry is quoted with its exact span, and a whole list when a list is asked. The entries are read
from the outline's "toc" section by general layout only: numbering ("2.", "2.1"), page numbers and dot leaders,
appendix labels ("Bil 1:", "Bilaga 2 –"), line breaks, and in a contents flattened onto one line the capital that
starts each entry. No word of any document."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from granska.ingest.outline import kind_of
from granska.qa.intent import Intent
from granska.qa.routes import FACT_DOCS, doc_span, docs_in_order, docs_of_the_place

from granska.text import content_words, fold, for_matching, language, oneline
from granska.types import Answer, Document, Hit

GENERATOR = "contents"  # notes.generator and notes.path of the answers given here; notes.contents says what
# was read: "entries" (contents entries, notes.entries of them), "point" (a numbered item) or "question" (the
# audit's own question heading)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a table of contents: [start, end) is its numbering or label and title, without page number."""

    start: int
    end: int
    number: str  # "2.1" ("" when unnumbered)
    appendix: bool  # opens with an appendix label ("Bil 1:", "Bilaga 2 –", "Appendix A")
    title: str  # the words after the numbering or label
    level: int
    page: str  # "" when none is given


# Tokens of a contents: a dot leader with its page ("....5", "… 12"), a number, or a word (cut before a leader).
_TOKEN = re.compile(
    r"(?P<leader>(?:\.{2,}|…+)\s*(?P<lp>\d{1,3})\b)|(?P<word>[^\s.…]+(?:\.(?!\.)[^\s.…]*)*(?:\.(?!\.))?)"
)
_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2})*\.?")
_LABEL = re.compile(r"(?:bil|bilaga|bilagor|appendix|annex|attachment)\.?:?", re.IGNORECASE)
_TABLE_LABEL = re.compile(r"(?:tabell|table|figur|figure|diagram)", re.IGNORECASE)
_LABEL_NO = re.compile(r"(?:\d{1,2}|[A-Z])[:.–-]?")
# An entry does not end on a preposition, conjunction or article: the capital after it is a name ("… i Xköping").
_GLUE = re.compile(
    r"(?:i|av|for|over|och|med|om|pa|till|fran|vid|mot|inom|under|efter|samt|enligt|hos|mellan|kring|utan|an"
    r"|of|and|in|on|to|from|with|by|at|the|a)"
)


def entries(doc: Document) -> list[Entry]:
    """The entries of the document's table of contents (its outline's first "toc" section), in order."""
    if doc.outline is None:
        return []
    toc = next((s for s in doc.outline.sections if s.kind == "toc"), None)
    if toc is None:
        return []
    text, lo, hi = doc.text, toc.heading_end, toc.end
    flat = text.count("\n", lo, hi) < 3  # a contents flattened onto one line: entries split at capitals
    toks = [(m.start(), m.end(), m) for m in _TOKEN.finditer(text, lo, hi)]
    out: list[Entry] = []
    cur: dict[str, object] | None = None  # start, end, number, appendix, words, title_start
    group: int | None = None  # the level of the numbered entry whose unnumbered children follow (flat text)

    def close(page: str = "") -> None:
        nonlocal cur
        if cur is not None and cur["title_start"] is not None:
            ts = int(str(cur["title_start"]))
            title = oneline(text[ts : int(str(cur["end"]))]).strip(" :–-")
            if title[:1].isupper() and content_words(title):
                number = str(cur["number"])
                level = int(str(cur["level"]))
                out.append(
                    Entry(
                        int(str(cur["start"])), int(str(cur["end"])), number, bool(cur["appendix"]), title, level, page
                    )
                )
        cur = None

    def open_entry(start: int, number: str, appendix: bool, level: int) -> None:
        nonlocal cur
        close()
        cur = {
            "start": start,
            "end": start,
            "number": number,
            "appendix": appendix,
            "level": level,
            "title_start": None,
            "last": "",
        }

    i = 0
    while i < len(toks):
        s, e, m = toks[i]
        nxt = toks[i + 1][2].group() if i + 1 < len(toks) else ""
        prev_end = toks[i - 1][1] if i else lo
        broke = "\n" in text[prev_end:s]
        if m.group("leader"):
            close(m.group("lp"))
            group = None
            i += 1
            continue
        word = m.group("word")
        if _NUMBER.fullmatch(word):
            prev = toks[i - 1][2].group() if i else ""
            numbering = nxt[:1].isupper() and (
                not i or broke or "." in word or bool(_NUMBER.fullmatch(prev)) or cur is None
            )
            if numbering:
                level = word.rstrip(".").count(".") + 1
                open_entry(s, word.rstrip("."), False, level)
                group = level
            else:  # a page number closes the entry before it
                close(word)
                group = None
            i += 1
            continue
        table = bool(_TABLE_LABEL.fullmatch(word)) and bool(_LABEL_NO.fullmatch(nxt))
        if (_LABEL.fullmatch(word) or table) and word[:1].isupper():
            has_no = bool(_LABEL_NO.fullmatch(nxt))
            open_entry(s, "", not table, 1)
            group = None
            i += 2 if has_no else 1
            if has_no:
                assert cur is not None
                cur["end"] = toks[i - 1][1]
            continue
        if cur is not None and cur["title_start"] is not None:
            last = str(cur["last"])
            split = broke or (
                flat
                and word[:1].isupper()
                and not (len(word) > 1 and word.isupper())
                and not _GLUE.fullmatch(fold(last))
                and not last.endswith((",", "–", "-"))
                and not _said_elsewhere(text, lo, hi, last, word)
            )
            if split:
                level = (group + 1) if (flat and group is not None) else 1
                open_entry(s, "", False, level)
        if cur is None:
            open_entry(s, "", False, (group + 1) if (flat and group is not None) else 1)
        assert cur is not None
        if cur["title_start"] is None:
            cur["title_start"] = s
        cur["end"] = e
        cur["last"] = word
        i += 1
    close()
    # Pages only grow down a contents: a lower number is a date or a signature's, not an entry's page.
    top = 0
    for k, x in enumerate(out):
        if x.page and int(x.page) < top:
            out[k] = Entry(x.start, x.end, x.number, x.appendix, x.title, x.level, "")
        top = max(top, int(out[k].page or 0))
    # Lines after the last page number that are no appendix are not contents (an address footer on the page).
    paged = [k for k, x in enumerate(out) if x.page]
    if paged:
        out = out[: paged[-1] + 1] + [x for x in out[paged[-1] + 1 :] if x.appendix or kind_of(x.title) == "appendix"]
    return out


def _said_elsewhere(text: str, lo: int, hi: int, last: str, word: str) -> bool:
    """Two words the body also writes together ("Xstad Ykommun", "Xstads"): one name, not the end and start of
    two entries."""
    pair = re.compile(rf"(?<!\w){re.escape(last)} {re.escape(word[: max(4, len(word) - 3)])}")
    return any(not lo <= m.start() < hi for m in pair.finditer(text))


def children(items: list[Entry], k: int) -> list[Entry]:
    """The entries under entry k: the deeper ones after it. An unnumbered entry of a flattened contents has no
    depth of its own: the entries after it up to the next numbered entry or section heading stand under it."""
    head = items[k]
    out: list[Entry] = []
    for x in items[k + 1 :]:
        if head.number or head.appendix or x.level != head.level:
            if x.level <= head.level or x.appendix:
                break
        elif x.number or x.appendix or kind_of(x.title) != "other":
            break
        out.append(x)
    return out


# What a question asks of the contents.
_APPENDICES = re.compile(r"\b(?:bilagor|bilagorna|appendices|annexes|attachments)\b")
_PARTS = re.compile(
    r"\b(?:kapitel|kapitlet|kapitlen|avsnitt|avsnittet|avsnitten|delar|delarna|rubriker|rubrikerna|underrubriker"
    r"|innehallsforteckning(?:en)?|chapters?|parts|headings|contents)\b"
)
_NUMBERED_PART = re.compile(r"\b(?:kapitel|avsnitt|chapter|section|del|part)\s+(\d{1,2}(?:\.\d{1,2})*)\b")
_COVERS = re.compile(
    r"\b(?:tar\b.{0,80}\bupp|gar\b.{0,80}\bigenom|behandla[rs]?|tas upp|cover(?:s|ed)?|look(?:s|ed)? (?:at|into)"
    r"|deal(?:s|t)? with|go(?:es)? through)\b"
)
# "Vilket kapitel i kommunallagen …?", "Which chapter of the Act says …?": where a law or the report says a thing,
# not which parts the report has.
_LOCATES = re.compile(
    r"\b(?:vilket|vilken|which|what)\s+(?:kapitel|chapter|avsnitt|section|del|part|paragraf)\b"
    r"|\b(?:act|law|\w*lag(?:en|ens)?)\b|§"
)
_ROW_KINDS = ("response", "recommendations", "status", "addressee")  # intents the recommendation table answers
_TOP = re.compile(
    r"\b(?:vilka|which|what) (?:kapitel|avsnitt|rubriker|chapters|sections|headings)\b"
    r"|\bvilka delar (?:har|finns i|bestar) (?:rapport|revisionsrapport|granskning)\w*"
)
# English and Swedish names of a chapter's kind, as the outline types its heading.
_KIND_WORDS = {
    "findings": r"results?|findings|observations|resultat(?:et|kapitlet)?|iakttagelser(?:na)?",
    "introduction": r"background|introduction|bakgrund(?:en)?|inledning(?:en)?",
    "method": r"method|methods|metod(?:en)?",
    "recommendations": r"recommendations?|rekommendation(?:er|erna)?",
    "assessment": r"assessments?|conclusions?|bedomning(?:ar|en|arna)?|slutsatser(?:na)?",
    "summary": r"summary|sammanfattning(?:en)?",
    "criteria": r"criteria|revisionskriterier(?:na)?",
}
_ORDINALS = {
    w: n
    for n, ws in enumerate(
        [("forsta", "first"), ("andra", "second"), ("tredje", "third"), ("fjarde", "fourth"), ("femte", "fifth")], 1
    )
    for w in ws
}
_POINT = re.compile(
    r"\bpunkt(?:en)?\s+(\d{1,2})\b|\b(?:item|point)\s+(\d{1,2})\b"
    rf"|\b({'|'.join(_ORDINALS)})\s+(?:punkt(?:en)?|item|point|arendet)\b"
)
# A numbered item standing as its own line ("1. X"), or an agenda's number on a line of its own before the item.
_ITEM = r"(?m)^[ \t]*(?:[•·▪*-][ \t]*)?{n}\.?[ \t]+(?P<t>[A-ZÅÄÖ][^\n]{{3,200}})$"
_AGENDA = r"(?m)^[ \t]*[•·▪*-]?[ \t]*{n}[ \t]*\n(?:[ \t]*\n)*[ \t]*(?P<t>[A-ZÅÄÖ][^\n]{{3,200}})$"
# Words naming the document, never what part of it is asked for.
_DOC_WORDS = re.compile(
    r"^(?:rapport\w*|revisionsrapport\w*|granskning\w*|report\w*|audit\w*|review\w*|kommun(?:en|ens|s)?|region(?:en|ens|s)?|vilka|vilken"
    r"|which|what|finns|har|does|gar|stad|landsting\w*|list\w*|tar|upp|igenom|cover\w*|look\w*|kapitel\w*|avsnitt\w*|delar\w*|bilag\w*"
    r"|chapter\w*|section\w*|part\w*|contents?|innehall\w*|rubrik\w*)$"
)


MIN_TOPS = 2  # numbered top entries of a contents whose numbering is read
COMPOUND_PART = 6  # letters of a word found as the last part of a compound


def _stems_meet(a: str, b: str) -> bool:
    """One word is the other's stem ("uppsikt" / "uppsiktsplikt"), or the last part of its compound ("kostnader" /
    "konsultkostnaderna")."""
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 4 and long_.startswith(short) and (len(short) >= 5 or short == long_):
        return True
    return len(short) >= COMPOUND_PART and long_.find(short) > 0


def _shared(question_words: list[str], title: str) -> int:
    return sum(any(_stems_meet(q, t) for q in question_words) for t in content_words(title))


def contents_answer(question: str, asked: Intent, hits: list[Hit], docs: Mapping[str, Document]) -> Answer | None:
    """The entries of a table of contents, or a numbered item, the question asks for; None when it asks none or
    the first documents of the passages hold none."""
    q = fold(question)
    # "Vad svarade nämnden på den första punkten?" asks the answer to a recommendation, not what the point says.
    wants_point = _POINT.search(q) if asked.kind not in _ROW_KINDS else None
    wants_appendices = bool(_APPENDICES.search(q))
    wants_parts = (bool(_PARTS.search(q)) or bool(_NUMBERED_PART.search(q))) and not _LOCATES.search(q)
    wants_named = bool(_COVERS.search(q))
    wants_question = bool(_ASKS_QUESTION.search(q))
    if not (wants_point or wants_appendices or wants_parts or wants_named or wants_question):
        return None
    said = content_words(question)
    if language(question) == "en":  # an English question is matched to Swedish contents by its glossary terms
        said += [w for w in content_words(for_matching(question)) if w not in said]
    asked_words = [w for w in said if not _DOC_WORDS.match(w)]
    for doc in docs_of_the_place(question, asked, docs_in_order(hits, docs))[:FACT_DOCS]:
        # The document's place names it, not a part of it ("Xköpingsrapporten", "i Xköping").
        place = [p.rstrip("s") for p in content_words(doc.meta.municipality or "") if not _DOC_WORDS.match(p)]
        words = [w for w in asked_words if not any(w.startswith(p) for p in place if len(p) >= 4)]
        if wants_point:
            found = _point(question, wants_point, doc, hits)
            if found is not None:
                return found
            continue
        if wants_question and (found := _audit_question(question, words, doc, hits)):
            return found
        items = entries(doc)
        if not items:
            continue
        chosen = _chosen(q, words, items, wants_appendices, wants_parts, wants_named, doc)
        if chosen:
            return _listed(question, doc, chosen, hits)
    return None


def _chosen(
    q: str, words: list[str], items: list[Entry], appendices: bool, parts: bool, named: bool, doc: Document
) -> list[Entry]:
    if appendices:
        found = [x for x in items if x.appendix or (kind_of(x.title) == "appendix" and x.number)]
        found = [x for x in found if not re.fullmatch(r"(?i)bilagor|appendices", x.title)]
        # "Vilka bilagor med kommentarer …": the entries naming the question's own words, when some do.
        title_words = [w for w in words if w not in content_words(doc.meta.title or "")]
        some = [x for x in found if _shared(title_words, x.title)]
        return some if some and len(some) < len(found) else found
    if parts and re.search(r"\b(?:vilka kapitel|which chapters|innehallsforteckning|table of contents)\b", q):
        return _tops(items)  # "Vilka kapitel har rapporten om X?": X is the report's topic, not a chapter
    if parts and (m := _NUMBERED_PART.search(q)):
        k = next((k for k, x in enumerate(items) if x.number == m.group(1)), None)
        return [] if k is None else children(items, k)
    if parts:
        for kind, pattern in _KIND_WORDS.items():
            if re.search(rf"\b(?:{pattern})\b", q):
                for k, x in enumerate(items):
                    if x.level == 1 and kind_of(x.title) == kind and (under := children(items, k)):
                        return under
    if not (parts or named):
        return []
    # A named entry with entries under it: the most of the question's words (two at least), the shallowest first.
    # Entries that are only standard headings ("Iakttagelser", "Bedömning") say nothing of what it takes up.
    best: tuple[int, int, int] | None = None
    for k, x in enumerate(items):
        if not any(kind_of(c.title) == "other" for c in children(items, k)):
            continue
        shared = _shared(words, x.title)
        whole = shared == len(content_words(x.title))
        # Only a question on the parts may name a heading word's entry ("Vilka delar har bakgrunden?"); a
        # content question "Vilka revisionskriterier tar rapporten upp?" is no question on the contents.
        if kind_of(x.title) != "other" and not parts:
            continue
        # "… under direct procurement": a numbered chapter named whole by one word.
        named_under = whole and bool(x.number) and bool(re.search(r"\bunder\b", q))
        if shared >= 2 and (parts or whole) or named_under:
            key = (shared, -x.level, -k)
            if best is None or key > best:
                best = key
    if best is not None:
        return children(items, -best[2])
    # "Vilka avsnitt finns i rapporten?", "Vilka delar har granskningen?": the top entries.
    return _tops(items) if parts and _TOP.search(q) else []


def _tops(items: list[Entry]) -> list[Entry]:
    """The top entries; all of them when a flattened contents numbers only its first (everything stands under it)."""
    tops = [x for x in items if x.level == 1]
    return tops if sum(bool(x.number) for x in tops) >= MIN_TOPS else items


# "Granskar revisorerna hur …?", "Does the audit look at whether …?", "What does the audit ask about …?": the
# audit's own questions, which a report may state only as question headings in its contents.
_ASKS_QUESTION = re.compile(
    r"^(?:granskar|undersoker|bedomer|does|did|do)\b.{0,80}\b(?:hur|om|vilka|vad|whether|how|what|which|if)\b"
    r"|\b(?:fragar|asks?|ask about)\b"
)
# A question heading opens with a question word (in a flattened contents, right after the last entry).
_QUESTION = re.compile(
    r"\b(?:Hur|Vilka|Vilken|Vilket|Vad|När|Vem|Varför|Finns|Har|Är|Sker|Följer|How|What|Which|Who|When|Why|Is|Are"
    r"|Does|Do|Has|Have)\b[^?!.\n]{10,240}\?"
)
MIN_SHARED = 2  # content words a question heading shares with the question it answers


def _audit_question(question: str, words: list[str], doc: Document, hits: list[Hit]) -> Answer | None:
    """The question heading of the contents (or of the headless text right after it) that shares the most words
    with the question, when one does alone; quoted as the audit's question."""
    sections = doc.outline.sections if doc.outline else ()
    k = next((k for k, s in enumerate(sections) if s.kind == "toc"), None)
    if k is None:
        return None
    lo, hi = sections[k].heading_end, sections[k].end
    if k + 1 < len(sections) and sections[k + 1].heading is None:
        hi = sections[k + 1].end
    scored = [(_shared(words, m.group()), m) for m in _QUESTION.finditer(doc.text, lo, hi)]
    best = max((n for n, _ in scored), default=0)
    top = [m for n, m in scored if n == best]
    if best < MIN_SHARED or len(top) != 1:
        return None
    span = doc_span(doc, top[0].start(), top[0].end())
    yes = (
        ("Yes" if language(question) == "en" else "Ja")
        if not re.search(r"\b(?:ask|asks|fragar)\b", fold(question))
        else ""
    )
    said = f"{yes}: " if yes else ""
    return Answer(
        question,
        f"{said}”{oneline(span.text)}” [1]",
        False,
        [span],
        hits,
        notes={"generator": GENERATOR, "contents": "question"},
    )


def _listed(question: str, doc: Document, chosen: list[Entry], hits: list[Hit]) -> Answer:
    cites = [doc_span(doc, x.start, x.end) for x in chosen]
    body = " ".join(f"”{oneline(c.text)}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(
        question, body, False, cites, hits, notes={"generator": GENERATOR, "contents": "entries", "entries": len(cites)}
    )


def _point(question: str, m: re.Match[str], doc: Document, hits: list[Hit]) -> Answer | None:
    n = int(m.group(1) or m.group(2)) if (m.group(1) or m.group(2)) else _ORDINALS[m.group(3)]
    toc = [s for s in (doc.outline.sections if doc.outline else ()) if s.kind == "toc"]
    for pattern in (_AGENDA, _ITEM):
        for found in re.finditer(pattern.format(n=n), doc.text):
            s, e = found.start("t"), found.end("t")
            line = doc.text[s:e].rstrip()
            if any(t.start <= s < t.end for t in toc) or re.search(r"(?:\.{2,}|…)\s*\d+$|\s\d{1,3}$", line):
                continue  # a contents line with its page is no numbered item
            span = doc_span(doc, s, s + len(line))
            notes = {"generator": GENERATOR, "contents": "point", "point": n}
            return Answer(question, f"”{oneline(span.text)}” [1]", False, [span], hits, notes=notes)
    return None
