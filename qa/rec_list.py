"""'Vilka rekommendationer lämnade granskningen …?' answered from the documents themselves: the sentence that
introduces a report's recommendations and the items after it, each cited (the tracker's rows answer when they
hold the question's municipality; this reads the text when they do not)."""

from __future__ import annotations

import re

from granska.qa.answer import abstention
from granska.qa.answer_quantity import about_the_asked, asked_terms
from granska.qa.asked_type import states_only_status
from granska.qa.evidence import coverage
from granska.qa.intent import Intent
from granska.qa.routes import doc_span, docs_in_order, docs_of_the_place, named_role_first

from granska.text import content_words, fold, folded_words, for_matching, oneline, sentence_spans
from granska.types import Answer, Document, Hit

# A recommendation section's introduction: "rekommenderar vi nämnden att:", "följande rekommendationer
# prioriteras:", "identifierat följande förbättringsområden/rekommendationer:", "Granskningen rekommenderar att X".
_REC_INTRO = re.compile(r"\b(?:rekommend\w*|forbattringsomrad\w*)")
_SHOULD_LIST = re.compile(r"\bbor\b.{0,80}:\s*$")  # "Kommunstyrelsen bör i detta avseende:"
_HOW = re.compile(r"^\W*(?:hur|how|varfor|why)\b(?!\s+(?:manga|mycket|many|much)\b)")
LIST_BONUS = 0.15
SHORT_INTRO = 60  # an introduction this short is quoted with the sentence before it
_OPENS_LIST = re.compile(r"(?::|\batt|\bfoljande|\brekommendationer(?:na)?\.?|\b[a-z]+(?:namnden|styrelsen))\s*$")
_ITEM = re.compile(r"(?:^|\s)(?:[-–•❖*▪●◦]|[a-h]\)|\d{1,2}[.)])\s+(?=\S)")
LIST_ITEMS = 8
ITEM_CHARS = 300
REC_DOCS = 2  # documents (in passage order) searched for the recommendations' introduction


def recommendations_list(
    question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]
) -> Answer | None:
    """'Vilka rekommendationer lämnade granskningen …?' read from the documents the passages point to: the
    sentence that introduces the recommendations and every item after it (bullets, a)–h), or the sentences of
    its paragraph), each cited. None when those documents have no such introduction."""
    if _HOW.search(fold(question)):
        return None  # "Hur ska X finansiera arbetet med rekommendationerna?" asks how (or why), not which
    words = [w for w in content_words(for_matching(question)) if len(w) > 2]
    weights = {w: 1.0 for w in words}
    best: tuple[float, Document, int, int] | None = None
    # Another municipality's recommendations are no answer to a question that names one (its report may be
    # indexed without its recommendation pages); the kind of document the question names ("… enligt missivet")
    # is read first, then the one holding more of its words.
    near = named_role_first(question, docs_of_the_place(question, intent, docs_in_order(hits, documents)))
    for doc in named_role_first(question, _about_the_question(words, near[:REC_DOCS])):
        spans = sentence_spans(doc.text)
        refused = False
        for i, (s, e) in enumerate(spans):
            folded = fold(doc.text[s:e])
            if not (_REC_INTRO.search(folded) or _SHOULD_LIST.search(folded)):
                continue
            if doc.outline is not None and doc.outline.kind_at(s) == "toc":
                continue
            if states_only_status(question, doc.text[s:e]):
                refused = True  # a follow-up's "X har ej vidtagit åtgärder med hänsyn till … rekommendationer"
                continue
            # An introduction followed by its items is the answer to a list question more than a lone sentence;
            # it is judged with its items and the sentence before it ("Kommunstyrelsen bör i detta avseende:").
            items = _items(doc.text, e) if _OPENS_LIST.search(folded) else []
            opens = bool(items) or ":" in folded
            block = " ".join([doc.text[spans[i - 1][0] : spans[i - 1][1]] if i else "", doc.text[s:e]])
            block += " " + " ".join(doc.text[a:b] for a, b in items)
            score = coverage(words, weights, block, "") + LIST_BONUS * opens
            if best is None or score > best[0]:
                points_back = not _REC_INTRO.search(folded)  # "… bör i detta avseende:" leans on the sentence before
                lead = spans[i - 1][0] if i and e - s < SHORT_INTRO and opens and points_back else s
                best = (score, doc, lead, e)
        if best is not None:  # the first document with an introduction is the one the question is about
            break
        if refused:  # the question's document speaks of the recommendations only as followed up: it does not
            # say which they were, and another document's list is no answer either
            notes = {"generator": "recommendations-section", "silent": "status only"}
            return Answer(question, abstention(question), True, [], hits, notes=notes)
    if best is None:
        return None
    _, doc, s, e = best
    intro_text = fold(doc.text[s:e])
    colon = re.search(r"(?:rekommender\w*|forbattringsomrad\w*|foljande)[^:]{0,80}:", intro_text)
    if colon:  # "… rekommenderar vi nämnden att: Införa …": the items start inside the same "sentence"
        e_intro = s + colon.end()
        items = _items(doc.text, e_intro)
    elif _OPENS_LIST.search(intro_text) or _ITEM.match(doc.text[e : e + 8]):
        e_intro, items = e, _items(doc.text, e)
    else:
        e_intro, items = e, []
    cites = [doc_span(doc, s, e_intro)] + [doc_span(doc, a, b) for a, b in items]
    if _counted_in(question, cites[0].text):
        cites = cites[:1]  # "Hur många rekommendationer …?": the introduction giving their number answers it
    body = " ".join(f"”{oneline(c.text, join_breaks=True)}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(question, body, False, cites, hits, notes={"generator": "recommendations-section"})


def _about_the_question(words: list[str], docs: list[Document]) -> list[Document]:
    """The documents in passage order, those that hold more of the question's words (as words) first: a report on
    another topic that happens to rank high ("Region X's report on access" for a question on secondary jobs in X)
    is not the one whose recommendations are asked for."""
    held = {}
    for d in docs:
        present = set(folded_words(d.text))
        held[id(d)] = sum(any(p.startswith(w[: max(4, len(w) - 2)]) for p in present) for w in set(words))
    return sorted(docs, key=lambda d: -held[id(d)])


def _items(text: str, after: int) -> list[tuple[int, int]]:
    """The list items right after offset `after`, in the same paragraph or its bulleted lines; an item ends at
    its first full stop (flattened text runs on into the next page's header)."""
    stop = len(text)
    blank = re.compile(r"\n[ \t]*\n(?![ \t]*(?:[-–•❖*▪●◦]|[a-h]\)|\d{1,2}[.)])\s)")
    if m := blank.search(text, after + 1):
        stop = m.start()
    region = text[after:stop]
    marks = list(_ITEM.finditer(region))
    out: list[tuple[int, int]] = []
    if marks and not region[: marks[0].start()].strip():
        bounds = [m.end() for m in marks]
        starts = [m.start() for m in marks[1:]] + [len(region)]
        for b, nxt in zip(bounds, starts, strict=False):
            a = after + b
            z = after + nxt
            if full := re.search(r"[.!?](?=\s+[A-ZÅÄÖ])", text[a:z]):
                z = a + full.end()
            out.append((a, min(z, a + ITEM_CHARS)))
    else:  # plain sentences after the introduction
        out = [(after + a, after + b) for a, b in sentence_spans(region) if b - a <= ITEM_CHARS]
    trimmed = []
    for a, z in out:
        while z > a and text[z - 1].isspace():
            z -= 1
        while a < z and text[a].isspace():
            a += 1
        if z > a:
            trimmed.append((a, z))
    return trimmed[:LIST_ITEMS]


def _counted_in(question: str, text: str) -> bool:
    """The question asks how many of a thing, and the text gives that number beside the thing's word ("kring fyra
    rekommendationer")."""
    return bool(asked_terms(question)) and about_the_asked(question, text)
