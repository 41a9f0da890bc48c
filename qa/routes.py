"""Answers chosen by what the question asks (granska.qa.intent): document facts, responses, section answers.

Each function returns an Answer or None; None means "this path cannot answer", and the caller falls through
to the next path and finally to open passage answering. Nothing here names a document's particulars: facts
come from the outline (granska.ingest.outline), sections by their kind, cues by general wording.
"""

from __future__ import annotations

import re
from dataclasses import replace

from granska.qa.evidence import coverage
from granska.qa.intent import Intent
from granska.qa.recommendations import Recommendation
from granska.qa.tracker import quoted_answer

from granska.text import content_words, fold, for_matching, language, sentence_spans
from granska.types import Answer, Document, Fact, Hit, Span

FACT_DOCS = 2  # documents (in passage order) whose facts may answer
RESPONSE_AT = 0.5  # coverage of the question's topic by a recommendation before its linked response answers
# Sentence cues per intent: the sentences that state an assessment, a finding, a purpose, a response.
CUES: dict[str, re.Pattern[str]] = {
    "assessment": re.compile(r"\b(?:bedom\w*|slutsats\w*|samlad\w*|sammantag\w*|sammanfattande|delvis|tillrackli\w*)"),
    "findings": re.compile(
        r"\b(?:konstater\w*|visa[rd]e?|visat|framkom\w*|framgar|iakttag\w*|brist\w*|saknas|avvikelse\w*|kritik\w*|anser)"
    ),
    "purpose": re.compile(
        r"\b(?:syfte\w*|revisionsfrag\w*|fragestallning\w*|bakgrund|initierad\w*|besvara\w*|granska om|bedoma om)"
    ),
    "recommendations": re.compile(r"\b(?:rekommend\w*|bor\b|forbattringsomrad\w*|foreslar)"),
    "response": re.compile(
        r"\b(?:anser|instammer|delar|kommer att|avser|ska\b|positiv\w*|beslut\w*|atgard\w*|ser \w+ pa)"
    ),
    "status": re.compile(r"\b(?:genomfor\w*|vidtag\w*|atgard\w*|implementer\w*|pagar|beslut\w*|oversand\w*)"),
    "addressee": re.compile(r"\b(?:rekommenderar|riktas|riktad\w*|till)\b"),
}
# A cued sentence leads when it covers at least this share of what the best sentence covers. A response
# restates the question's words less than the sentence that introduces it ("Nämnden har svarat på …").
CUED_SHARE = {"default": 0.6, "response": 0.35}
SECTIONS: dict[str, set[str]] = {
    "assessment": {"assessment", "summary"},
    "findings": {"findings", "summary", "assessment"},
    "purpose": {"purpose", "introduction", "summary", "scope"},
    "recommendations": {"recommendations", "summary", "assessment"},
    "response": {"answer", "decision", "actions"},
    "status": {"assessment", "summary", "findings", "decision"},
    "addressee": {"recommendations", "summary"},
}
_REPORT_DATE = re.compile(r"(?:rapport|report|missiv|daterad|dated|skrivelse)")
_DEADLINE = re.compile(r"\b(?:senast|deadline|by what date|behandlade|beslutade|bildades)\b")
_WANTS_FIRM = re.compile(r"\b(?:revisionsbyra\w*|revisionsforetag\w*|firm|company|foretag)\b")
_WANTS_PERSON = re.compile(r"\b(?:person\w*|vem|who|revisor\b|uppdragsansvarig|people)\b")


def _oneline(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)).strip()


def _docs_in_order(hits: list[Hit], documents: dict[str, Document]) -> list[Document]:
    seen: list[str] = []
    for h in hits:
        if h.chunk.doc not in seen:
            seen.append(h.chunk.doc)
    return [documents[n] for n in seen if n in documents]


def _span(doc: Document, start: int, end: int, score: float = 1.0) -> Span:
    return Span(doc.doc, start, end, doc.page_at(start), doc.text[start:end], score)


def _sentence_of(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The sentence holding a fact, when it is short enough to quote; else the fact itself."""
    for s, e in sentence_spans(doc.text):
        if s <= start < e:
            return (s, e) if e - s <= 300 else (start, end)
    return start, end


def facts_answer(question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]) -> Answer | None:
    """Signatories, issuer, auditor firm, diarienummer, period or report date, from the outline of the
    document the passages point to first."""
    q = fold(question)
    kinds: list[str]
    if intent.kind == "signed_by":
        kinds = ["signatory"] + (["auditor"] if _WANTS_FIRM.search(q) else [])
    elif intent.kind == "auditor":
        kinds = ["auditor"] + (["signatory"] if _WANTS_PERSON.search(q.split("revisionsbyr")[-1]) else [])
    elif intent.kind == "when" and _REPORT_DATE.search(q) and not _DEADLINE.search(q):
        kinds = ["report_date"]
    else:
        kinds = {"issuer": ["issuer"], "reference": ["diarienummer"], "period": ["period"]}.get(intent.kind, [])
    if not kinds:
        return None
    for doc in _docs_in_order(hits, documents)[:FACT_DOCS]:
        if doc.outline is None:
            continue
        primary = doc.outline.facts_of(kinds[0])
        if not primary:
            continue
        if kinds[0] != "signatory" and not (kinds[0] == "auditor" and intent.plural):
            primary = primary[:1]  # one date, one diarienummer, one firm per document
        extra = [f for k in kinds[1:] for f in doc.outline.facts_of(k)][:3]
        found = _facts_text(question, doc, primary + extra, intent)
        if "auditor" in kinds[1:] and not any(f.kind == "auditor" for f in extra) and doc.meta.auditor:
            # The firm is not named in the text, only in the document's metadata: say so, uncited.
            note = "revisionsbyrå enligt metadata" if language(question) != "en" else "audit firm per metadata"
            found = replace(found, answer=f"{found.answer} ({note}: {doc.meta.auditor})")
        return found
    return None


def _facts_text(question: str, doc: Document, found: list[Fact], intent: Intent) -> Answer:
    en = language(question) == "en"
    parts: list[str] = []
    cites: list[Span] = []
    for f in found:
        if f.kind in ("signatory",):
            cites.append(_span(doc, f.start, f.end))
            parts.append(f"{f.value} ({f.role})" if f.role else f.value)
        else:
            s, e = _sentence_of(doc, f.start, f.end) if f.kind in ("auditor", "issuer") else (f.start, f.end)
            cites.append(_span(doc, s, e))
            parts.append(f.value)
    listed = ", ".join(f"{p} [{i}]" for i, p in enumerate(parts, 1))
    label = {
        "signatory": "Named on the document" if en else "Angivna i dokumentet",
        "auditor": "Audit firm" if en else "Revisionsbyrå",
        "issuer": "Commissioned by" if en else "Uppdragsgivare",
        "diarienummer": "Reference number" if en else "Diarienummer",
        "report_date": "Dated" if en else "Daterad",
        "period": "Period",
    }[found[0].kind]
    quotes = ""
    if found[0].kind in ("auditor", "issuer") and cites[0].end - cites[0].start > len(found[0].value) + 5:
        quotes = f": ”{_oneline(cites[0].text)}”"
    text = (
        f"{label}: {listed}{quotes}"
        if not quotes
        else f"{label}: {parts[0]}{quotes} [1]" + "".join(f", {p} [{i}]" for i, p in enumerate(parts[1:], 2))
    )
    return Answer(question, text, False, cites, [], notes={"generator": "facts", "facts": [f.kind for f in found]})


def response_answer(question: str, intent: Intent, rows: list[Recommendation], hits: list[Hit]) -> Answer | None:
    """'Hur svarade nämnden på rekommendationen om X?': the response linked to the recommendation about X."""
    linked = [r for r in rows if r.response is not None]
    words = [w for w in intent.topic if len(w) > 2]
    if not linked or not words:
        return None
    weights = {w: 1.0 for w in words}
    scored = [
        (coverage(words, weights, r.recommendation.text + " " + " ".join(q.text for q in r.quoted_in), ""), r)
        for r in linked
    ]
    if intent.number:
        scored = [(c + 0.5, r) for c, r in scored if _numbered(r, intent.number)] or scored
    best_cov, best = max(scored, key=lambda x: x[0])
    if best_cov < RESPONSE_AT or best.response is None:
        return None
    notes = {"generator": "responses", "status": best.status}
    s = best.response
    return quoted_answer(question, str(best.addressee), s, best_cov, hits, notes, quote=_oneline(s.text))


def _numbered(row: Recommendation, number: str) -> bool:
    head = fold(row.recommendation.text[:6])
    return bool(re.match(rf"\W*{re.escape(number)}\b", head))


def topic_words(question: str) -> list[str]:
    return content_words(for_matching(question))


# A recommendation section's introduction: "rekommenderar vi nämnden att:", "följande rekommendationer
# prioriteras:", "identifierat följande förbättringsområden/rekommendationer:", "Granskningen rekommenderar att X".
_REC_INTRO = re.compile(r"\b(?:rekommend\w*|forbattringsomrad\w*)")
_SHOULD_LIST = re.compile(r"\bbor\b.{0,80}:\s*$")  # "Kommunstyrelsen bör i detta avseende:"
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
    words = [w for w in content_words(for_matching(question)) if len(w) > 2]
    weights = {w: 1.0 for w in words}
    best: tuple[float, Document, int, int] | None = None
    for doc in _docs_in_order(hits, documents)[:REC_DOCS]:
        spans = sentence_spans(doc.text)
        for i, (s, e) in enumerate(spans):
            folded = fold(doc.text[s:e])
            if not (_REC_INTRO.search(folded) or _SHOULD_LIST.search(folded)):
                continue
            if doc.outline is not None and doc.outline.kind_at(s) == "toc":
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
    cites = [_span(doc, s, e_intro)] + [_span(doc, a, b) for a, b in items]
    body = " ".join(f"”{_oneline(c.text)}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(question, body, False, cites, hits, notes={"generator": "recommendations-section"})


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
