"""Answers chosen by what the question asks (granska.qa.intent): document facts, responses, section answers.

Each function returns an Answer or None; None means "this path cannot answer", and the caller falls through
to the next path and finally to open passage answering. Nothing here names a document's particulars: facts
come from the outline (granska.ingest.outline), sections by their kind, cues by general wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from granska.ingest import facts
from granska.qa import asked_type, bodies, claim_numbers, place_names, tracker
from granska.qa.answer_quantity import asks_deadline
from granska.qa.evidence import coverage
from granska.qa.intent import Intent, places_in
from granska.qa.recommendations import Recommendation
from granska.qa.statement import letterhead
from granska.qa.tracker import quoted_answer
from granska.qa.verify import Verdict

from granska.text import content_words, fold, for_matching, language, oneline, sentence_spans
from granska.types import Answer, Document, Fact, Hit, Span

FACT_DOCS = 2  # documents (in passage order) whose facts may answer
RESPONSE_AT = 0.5  # coverage of the question's topic by a recommendation before its linked response answers
# Sentence cues per intent: the sentences that state an assessment, a finding, a purpose, a response.
CUES: dict[str, re.Pattern[str]] = {
    "assessment": re.compile(r"\b(?:bedom\w*|slutsats\w*|samlad\w*|sammantag\w*|sammanfattande|delvis|tillrackli\w*)"),
    "findings": re.compile(
        r"\b(?:konstater\w*|visa[rd]e?|visat|framkom\w*|framgar|iakttag\w*|brist\w*|saknas|avvikelse\w*|kritik\w*|anser)"
    ),
    # "Svar på revisionsfrågan …" heads the auditors' answer to the question (their assessment), not the question.
    "purpose": re.compile(
        r"\b(?:syft(?:e|a)\w*|(?<!svar pa )revisionsfrag\w*|kontrollmal\w*|fragestallning\w*|bakgrund|initierad\w*|besvara\w*|granska om|bedoma om)"
    ),
    "recommendations": re.compile(r"\b(?:rekommend\w*|bor\b|forbattringsomrad\w*|foreslar)"),
    "response": re.compile(
        r"\b(?:anser|instammer|delar|kommer att|avser|ska\b|positiv\w*|beslut\w*|atgard\w*|ser \w+ pa)"
    ),
    "status": re.compile(r"\b(?:genomfor\w*|vidtag\w*|atgard\w*|implementer\w*|pagar|beslut\w*|oversand\w*)"),
    "addressee": re.compile(r"\b(?:rekommenderar|riktas|riktad\w*|till|for kannedom|\w*expedier\w*|sandlista)\b"),
    # How an audit was done: interviews, document studies, samples ("Granskningen har utförts genom intervjuer …").
    "method": re.compile(
        r"\b(?:intervju\w*|dokumentstud\w*|stickprov\w*|enkat\w*|metod\w*|genomfort?s? genom|utfort?s? genom|granskat\w* \w* ?dokument)"
    ),
}
# "Which … has the board *not* acted on?": the status sentences that say nothing was done ("ej har vidtagit",
# "inte genomförts") answer, not "inte helt" (partly done) unless the question asks about partly.
_NEGATED = re.compile(r"\b(?:inte|ej|icke|not|never|no)\b")
_PARTLY = re.compile(r"\b(?:helt|fullt|delvis|fully|partly|partially|completely)\b")
NOT_DONE = re.compile(
    r"\b(?:ej|inte|icke)\b(?! (?:helt|fullt|fullstandigt|tillrackligt))(?: \w+){0,3} "
    r"(?:vidtag\w*|genomfor\w*|atgard\w*|implementer\w*|paborja\w*)"
)


def cue_for(kind: str | None, question: str) -> re.Pattern[str] | None:
    """The sentence cue of an intent, read for the question's negation: a status question that asks what was not
    done is answered by the sentences that say it was not done at all."""
    if kind is None:
        return None
    q = fold(question)
    if kind == "status" and _NEGATED.search(q) and not _PARTLY.search(q):
        return NOT_DONE
    return CUES.get(kind)


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
    "addressee": {"recommendations", "summary", "front"},  # a letter's "Till: … För kännedom: …" is its front matter
    "method": {"method", "introduction", "scope", "purpose"},
}
_REPORT_DATE = re.compile(r"(?:rapport|report|missiv|daterad|dated|skrivelse)")
# A date asked of another event than the report (a deadline: answer_quantity.asks_deadline; a decision, a
# meeting, a founding): the report's date does not answer it.
_OTHER_EVENT = re.compile(r"\b(?:behandlade|beslutade|bildades)\b")
# "… behandlade / beslutade <body> …": the body's own handling; its answer document's date is that day.
_HANDLED = re.compile(r"\b(?:behandlade|beslutade|handled|decided)\b")
_WANTS_FIRM = re.compile(r"\b(?:revisionsbyra\w*|\w*foretag\w*|firms?|company|companies)\b")  # "konsultföretag" too
# "Vem är kontaktperson …", "Who is the contact person …": the contact facts answer.
_APPENDIX = re.compile(r"\b(?:bilaga\w*|appendix|appendices|annex\w*|attachment\w*)\b")
_ASKS_CONTACT = re.compile(r"\b(?:kontaktperson\w*|contact (?:persons?|people))\b")
_WANTS_PERSON = re.compile(r"\b(?:person\w*|vem|who|revisor\b|uppdragsansvarig|people)\b")


def docs_in_order(hits: list[Hit], documents: dict[str, Document]) -> list[Document]:
    seen: list[str] = []
    for h in hits:
        if h.chunk.doc not in seen:
            seen.append(h.chunk.doc)
    return [documents[n] for n in seen if n in documents]


def docs_of_the_place(question: str, intent: Intent, docs: list[Document]) -> list[Document]:
    """The documents of the municipality the question names (none when it names one no passage's document is
    from: another municipality's signatories or dates are no answer); all of them when it names none."""
    if not intent.municipality:
        return docs
    # The names it gives most fully, the question's own place among them: "Region X Ys revisorer" is not Ys kommun.
    known = {d.meta.municipality for d in docs if d.meta.municipality} | {intent.municipality}
    if named := places_in(question, known):
        return [d for d in docs if d.meta.municipality in named]
    return [d for d in docs if tracker.mentions_place(question, d.meta.municipality)]


# The kind of document a question names ("enligt missivet", "i revisionsrapporten", "in the board's reply"):
# the metadata role (granska.ingest.metadata.ROLES) of the document it asks about.
_NAMED_ROLE = [
    ("missive", re.compile(r"\b(?:missiv\w*|missives?|cover (?:letter|note)s?)\b")),
    ("audit_report", re.compile(r"\b(?:\w*rapport(?:en|ens)?|(?:audit |review )?reports?)\b")),
    ("response", re.compile(r"\b(?:yttrande\w*|svarsskrivelse\w*|repl(?:y|ies)|statement of opinion)\b")),
]


def named_role_first(question: str, docs: list[Document]) -> list[Document]:
    """`docs` with those of the kind of document the question names first (else in their order)."""
    folded = fold(question)
    roles = {role for role, p in _NAMED_ROLE if p.search(folded)}
    if not roles:
        return docs
    return sorted(docs, key=lambda d: d.meta.role not in roles)


def of_the_place(question: str, intent: Intent, hits: list[Hit]) -> Callable[[Hit], bool] | None:
    """Which passages an open answer may quote when the question names a municipality: those of the
    municipalities it names most fully (`tracker.places_named`: "Region X Y" over "Ys kommun" for "… i X Y"),
    and of documents with no municipality; another municipality's passages tell of another place. None (no
    limit) when it names none, or none of the passages is from it."""
    if not intent.municipality or not (named := tracker.places_named(question, hits)):
        return None
    return lambda h: not h.meta.municipality or h.meta.municipality in named


def _answered_by(doc: Document, bodies: tuple[str, ...]) -> bool:
    """The document is the answer (response, decision) the body itself issued: its metadata says so."""
    issuer = fold(doc.meta.issuer or "")
    return doc.meta.role == "response" and any(issuer.startswith(fold(b)) for b in bodies)


def doc_span(doc: Document, start: int, end: int, score: float = 1.0) -> Span:
    return Span(doc.doc, start, end, doc.page_at(start), doc.text[start:end], score)


def _sentence_of(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The sentence holding a fact, when it is short enough to quote; else the fact itself."""
    for s, e in sentence_spans(doc.text):
        if s <= start < e:
            return (s, e) if e - s <= 300 else (start, end)
    return start, end


# A period question about the audit itself ("granskningsperiod", "räkenskapsår", "the period audited") takes the
# document's period fact; one about another thing ("programmet", "avtalet") only when the fact's sentence names it.
_AUDIT_PERIOD = re.compile(
    r"\b(?:gransk\w*|revision\w*|reviderade|rakenskapsar\w*|verksamhetsar\w*|audit\w*|review\w*|financial year|fiscal year)\b"
)
PERIOD_TOPIC = 0.3


def facts_answer(question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]) -> Answer | None:
    """Signatories, issuer, auditor firm, diarienummer, period or report date, from the outline of the
    document the passages point to first."""
    q = fold(question)
    kinds: list[str]
    own: tuple[str, ...] = ()  # bodies whose own answer document alone may give the date asked
    if intent.kind == "signed_by":
        kinds = ["signatory"] + (["auditor"] if _WANTS_FIRM.search(q) else [])
    elif intent.kind == "auditor":
        kinds = ["auditor"] + (["signatory"] if _WANTS_PERSON.search(q.split("revisionsbyr")[-1]) else [])
    elif intent.kind == "when" and _REPORT_DATE.search(q) and not (asks_deadline(q) or _OTHER_EVENT.search(q)):
        kinds = ["report_date"]
    elif intent.kind == "when" and intent.bodies and _HANDLED.search(q) and not asks_deadline(q):
        # "Vilket datum behandlade regionstyrelsen sin förklaring?": the date of the body's own answer document.
        kinds, own = ["report_date"], intent.bodies
    else:
        kinds = {"issuer": ["issuer"], "reference": ["diarienummer"], "period": ["period"]}.get(intent.kind, [])
    if not kinds or (kinds[0] == "signatory" and _APPENDIX.search(q)):
        return None  # (an appendix names its own authors: the document's signatories did not write it)
    for doc in docs_of_the_place(question, intent, docs_in_order(hits, documents))[:FACT_DOCS]:
        if doc.outline is None or (own and not _answered_by(doc, own)):
            continue
        primary = doc.outline.facts_of(kinds[0])
        if kinds[0] == "signatory" and _ASKS_CONTACT.search(q):
            # "Vem är kontaktperson …": the person beside their own e-mail address, or one named in that role.
            primary = doc.outline.facts_of("contact") + [f for f in primary if "kontakt" in fold(f.role or "")]
        elif kinds[0] == "signatory" and (role := asked_role(q)) is not None:
            primary = [f for f in primary if _has_role(doc, f, role, _next_start(f, primary))]
            # "Vem är ordförande i Xnämnden?": the chair of another body ("Kommunstyrelsens ordförande") is not it.
            primary = [f for f in primary if not _role_of_another_body(f.role or "", intent.bodies)]
        if kinds[0] == "signatory" and _ASKS_ANSWER_SIGNER.search(q) and "revisor" not in q:
            # "Vem undertecknade nämndens svar?": the auditors who signed the report did not sign the answer.
            primary = [f for f in primary if not _AUDITOR_ROLE.search(fold(f.role or ""))]
        if not primary:
            continue
        if kinds[0] == "period":
            # "För vilket räkenskapsår …": the period whose sentence says what the question names, first on a tie.
            words = [w for w in topic_words(question) if len(w) > 2]
            weights = {w: 1.0 for w in words}
            said = {id(f): coverage(words, weights, _sentence_text(doc, f), "") for f in primary}
            primary = sorted(primary, key=lambda f: -said[id(f)])
            if not _AUDIT_PERIOD.search(q) and said[id(primary[0])] < PERIOD_TOPIC:
                return None  # "Vilken period gäller programmet?": not the audit's period; the passages may say
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


# A document's approval block ("Godkänt av: X / Titel: Y / Datum: 2019-01-08", as e-signed municipal papers end):
# "Vilket datum godkände kommundirektören …?", "When did the director approve …?" is answered by its date.
_ASKS_APPROVED = re.compile(r"\b(?:godkande|godkandes|godkant|approved?|approval)\b")
# "Who gave the final approval …", "Vem godkände slutligt …": of several approval blocks, the last one dated.
_FINAL = re.compile(r"\b(?:final\w*|last|latest|slutlig\w*|sist\w*)\b")
_APPROVAL = re.compile(
    r"Godk[äa]nt av:[ \t]*(?P<who>[^\n]+)\n(?:[ \t]*Titel:[ \t]*(?P<role>[^\n]+)\n)?[ \t]*Datum:[ \t]*(?P<date>\d{4}-\d{2}-\d{2})"
)


def approval_answer(question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]) -> Answer | None:
    """The date of the approval block whose approver (name or title) the question names, or the only one."""
    q = fold(question)
    if not _ASKS_APPROVED.search(q):
        return None
    said = set(re.findall(r"[a-z]{4,}", q))
    for doc in docs_of_the_place(question, intent, docs_in_order(hits, documents))[:FACT_DOCS]:
        blocks = list(_APPROVAL.finditer(doc.text))
        # The block naming most of the approver as the question does ("kommundirektören Peter Ingesson").
        held = {m.start(): sum(any(x.startswith(w[:6]) for x in said) for w in _words_of(m)) for m in blocks}
        most = max(held.values(), default=0)
        chosen = [m for m in blocks if held[m.start()] == most] if most else blocks
        if len(chosen) > 1 and _FINAL.search(q):
            chosen = [max(chosen, key=lambda m: m.group("date"))]
        if len(chosen) != 1:
            continue
        m = chosen[0]
        span = doc_span(doc, m.start(), m.end())
        return Answer(
            question,
            f"{m.group('date')}: ”{oneline(span.text)}” [1]",
            False,
            [span],
            hits,
            notes={"generator": "facts"},
        )
    return None


def _words_of(m: re.Match[str]) -> list[str]:
    return re.findall(r"[a-z]{4,}", fold(f"{m.group('who')} {m.group('role') or ''}"))


# "Hur många sidor är rapporten?", "How many pages …": the page count its page marks give ("1 av 39", "1(18)",
# "Sida 1 av 39" on the first page). Only the first page's mark counts: "10 av 12 nämnder" is no page mark.
_ASKS_PAGES = re.compile(r"\b(?:hur manga sidor|how many pages|antal(?:et)? sidor|number of pages)\b")
_PAGE_MARK = re.compile(r"(?:\b[Ss]ida |^|(?<=\n)|(?<=\s))1 ?(?:av|of) ?(\d{1,3})(?=\s*(?:\n|$))|\b1 ?\((\d{1,3})\)")


def pages_answer(question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]) -> Answer | None:
    """The page count of the document the passages point to first, cited at its first page's mark."""
    if not _ASKS_PAGES.search(fold(question)):
        return None
    for doc in docs_of_the_place(question, intent, docs_in_order(hits, documents))[:FACT_DOCS]:
        if (m := _PAGE_MARK.search(doc.text)) is None or int(m.group(1) or m.group(2)) < 2:
            continue
        span = doc_span(doc, m.start(), m.end())
        pages = m.group(1) or m.group(2)
        said = f"{pages} pages" if language(question) == "en" else f"{pages} sidor"
        return Answer(question, f"{said}: ”{span.text.strip()}” [1]", False, [span], hits, notes={"generator": "facts"})
    return None


PLACE_SENTENCE_WORDS = 4


def place_answer(question: str, intent: Intent, hits: list[Hit], documents: dict[str, Document]) -> Answer | None:
    """ "I vilken region granskades X?": the municipality or region of the document the passages point to first
    (its metadata), cited where its text first names it; None when the question names that place itself ("Vilka
    kommuner jämförde Xby med …" asks for others) or the text never names it."""
    if not hits or not asked_type.asks_place(question) or (doc := documents.get(hits[0].chunk.doc)) is None:
        return None
    place = doc.meta.municipality
    if not place or tracker.mentions_place(question, place):
        return None
    head = re.escape(place.split()[-1] if place_names.opens_with_place_word(place) else place.split()[0])
    found = [_sentence_of(doc, m.start(), m.end()) for m in re.finditer(rf"\b{head.rstrip('s')}", doc.text)]
    if not found:
        return None
    # The first sentence naming it, past a letterhead's bare name ("Xby" alone on its line).
    start, end = next(((a, b) for a, b in found if len(doc.text[a:b].split()) >= PLACE_SENTENCE_WORDS), found[0])
    span = doc_span(doc, start, end)
    return Answer(question, f"{place}: ”{oneline(span.text)}” [1]", False, [span], hits, notes={"generator": "facts"})


_CLAIMS_PAGES = re.compile(r"\b(\d{1,3}) (?:sidor|pages)\b")


# "Rapporten är daterad den 8 april 2020", "The report is dated …": the document's date, not a sentence's.
_CLAIMS_DATED = re.compile(r"\b(?:daterad\w*|dated)\b")


def facts_verdict(
    claim: str, intent: Intent, hits: list[Hit], documents: dict[str, Document], *, qid: str | None = None
) -> Verdict | None:
    """A claim about the document itself, judged by its facts: its page count or its date; None for any other."""
    return page_count_verdict(claim, intent, hits, documents, qid=qid) or report_date_verdict(
        claim, intent, hits, documents, qid=qid
    )


def report_date_verdict(
    claim: str, intent: Intent, hits: list[Hit], documents: dict[str, Document], *, qid: str | None = None
) -> Verdict | None:
    """ "X:s rapport är daterad den 8 april 2020": the report date of the document the passages point to first
    (its outline's fact, cited), compared as a whole date; None when the claim gives no date it is dated."""
    if not _CLAIMS_DATED.search(fold(claim)) or not (claimed := claim_numbers.full_dates(fold(claim))):
        return None
    for doc in docs_of_the_place(claim, intent, docs_in_order(hits, documents))[:FACT_DOCS]:
        dated = doc.outline.facts_of("report_date") if doc.outline is not None else []
        if not dated or not (its := claim_numbers.full_dates(dated[0].value)):
            continue
        span = doc_span(doc, dated[0].start, dated[0].end)
        if claimed & its:
            return Verdict(claim, "supported", "Källan säger samma sak som påståendet.", [span], hits, id=qid)
        said = f"Källan säger emot påståendet: dokumentet är daterat {dated[0].value}."
        return Verdict(claim, "contradicted", said, [span], hits, id=qid)
    return None


def page_count_verdict(
    claim: str, intent: Intent, hits: list[Hit], documents: dict[str, Document], *, qid: str | None = None
) -> Verdict | None:
    """A claim of a page count ("… omfattar 28 sidor") judged by the first page's mark ("1(18)", "1 av 39") of
    the document the passages point to first, the mark cited; None when the claim states no page count or no
    such document has a mark."""
    if not (m := _CLAIMS_PAGES.search(fold(claim))):
        return None
    for doc in docs_of_the_place(claim, intent, docs_in_order(hits, documents))[:FACT_DOCS]:
        if (mark := _PAGE_MARK.search(doc.text)) is None or int(mark.group(1) or mark.group(2)) < 2:
            continue
        span = doc_span(doc, mark.start(), mark.end())
        if (mark.group(1) or mark.group(2)) == m.group(1):
            return Verdict(claim, "supported", "Källan säger samma sak som påståendet.", [span], hits, id=qid)
        said = f"Källan säger emot påståendet: dokumentets första sida är märkt {span.text.strip()}."
        return Verdict(claim, "contradicted", said, [span], hits, id=qid)
    return None


# A role the question asks for ("Vem undertecknade som ordförande …", "Who chairs …", "uppdragsansvarig"): the
# ingest's role vocabulary, and "chair" for its English. The vice chair is not the chair, nor the second vice chair.
_ROLE_ASKED = re.compile(rf"\b(?:{facts.ROLES})\b|\b(?:(?:second|2nd) )?(?:(?:vice|deputy)[- ])?chair\w*")
ROLE_WINDOW = 80  # characters after a name where its role may stand ("Kjell Pettersson Certifierad … Uppdragsansvarig")
_VICE = re.compile(r"\b(?:vice|deputy)\b")
_SECOND_VICE = re.compile(r"(?:\b2:a|\b2:e|\bandre|\bsecond|\b2nd) (?:vice|deputy)\b")


def asked_role(folded_question: str) -> str | None:
    """The role the question asks for (folded; "chair", "vice chair" or "2nd vice chair" for any ordförande), or
    None."""
    if not (m := _ROLE_ASKED.search(folded_question)):
        return None
    asked = m.group(0)
    word = asked.split()[-1]
    if not (word.startswith("chair") or _CHAIR.search(word)):
        return word[:8]
    if _SECOND_VICE.search(asked):
        return "2nd vice chair"
    return "vice chair" if _VICE.search(asked) else "chair"


_CHAIR = re.compile(r"ord[a-z]{1,2}rande")


# A question for who signed a board's answer (its svar, yttrande, reply), and the roles of those who sign an audit.
_ASKS_ANSWER_SIGNER = re.compile(r"\b(?:svar(?:et)?|yttrande\w*|tjansteskrivelse\w*|answer|reply|response|statement)\b")
_AUDITOR_ROLE = re.compile(r"revisor|revision|granskare|uppdragsledare|projektledare|consultant|konsult|auditor")
# A word naming a body: a nämnd (as OCR reads it), a styrelse, a fullmäktige.
_BODY_WORD = re.compile(rf"[a-z]*(?:{bodies.NAMND}|styrels|fullm[a-z]{{1,2}}ktig)[a-z]*")


def _body_stem(name: str) -> str:
    """A body's name without its definite and genitive endings ("kommunstyrelsens" -> "kommunstyrels")."""
    return re.sub(r"(?:ernas|erna|ens|ets|en|et|e|s)$", "", bodies.key(name))


def _role_of_another_body(role: str, asked: tuple[str, ...]) -> bool:
    """The role names a body ("Kommunstyrelsens ordförande") and none of the bodies the question names."""
    held = [_body_stem(w) for w in _BODY_WORD.findall(fold(role))]
    wanted = [_body_stem(b) for b in asked]
    return bool(held and wanted) and not any(h.startswith(w) or w.startswith(h) for h in held for w in wanted)


def _next_start(f: Fact, signatories: list[Fact]) -> int:
    """Where the next signatory's name starts after f (the end of the text when none does)."""
    return min((g.start for g in signatories if g.start > f.start), default=f.end + ROLE_WINDOW)


def _has_role(doc: Document, f: Fact, role: str, until: int) -> bool:
    """The signatory's role, or the text right after the name (up to the next signatory's name: "Bo Rehnberg
    Cert. kommunal revisor Susanna Huber Revisionskonsult" gives the consultant's role to her alone), is the role
    asked; the chair is not a vice chair, the vice chair not the second vice chair."""
    own = fold(f.role or "")
    if role.endswith("chair"):
        if not _CHAIR.search(own):
            return False
        rank = "2nd vice chair" if _SECOND_VICE.search(own) else "vice chair" if _VICE.search(own) else "chair"
        return rank == role
    return role in f"{own} {fold(doc.text[f.end : min(f.end + ROLE_WINDOW, until)])}"


# A firm is named by one of the audit firms facts know, or by its company form ("Revisionsbyrån X AB").
_COMPANY = re.compile(r"\b(?:AB|HB|KB|Ltd|Inc|LLP)\b")


def names_no_firm(question: str, intent: Intent, found: Answer) -> bool:
    """A question for the audit firm ("Vilken revisionsbyrå anlitades …?"), answered by passages that name no firm
    (a cover line of the report's authors): no answer. A question for who audited, without the word for a firm,
    may be answered by a unit or its people ("Kommunal Sektor granskade …")."""
    return (
        intent.kind == "auditor"
        and bool(_WANTS_FIRM.search(fold(question)))
        and not found.abstained
        and not any(facts.auditor_names(c.text) or _COMPANY.search(c.text) for c in found.citations)
    )


def names_no_one(intent: Intent, found: Answer) -> bool:
    """A question for who signed or who holds a role, answered by passages that name no person: no answer."""
    return (
        intent.kind == "signed_by"
        and not found.abstained
        and not any(facts.person_names(c.text) for c in found.citations)
    )


def recommends_nothing(intent: Intent, question: str, found: Answer, kind_at: Callable[[Span], str | None]) -> bool:
    """ "Vilka rekommendationer riktade X till Ynämnden?" answered by passages none of whose quoted sentences
    recommends (no "rekommenderar", "bör", "föreslår") nor stands in a recommendations section: the documents
    give that body none, and a purpose sentence naming it is no answer."""
    if intent.kind != "recommendations" or found.abstained or not asked_type.asks_recommendations(question):
        return False
    cue = CUES["recommendations"]
    return not any(cue.search(fold(c.text)) or kind_at(c) == "recommendations" for c in found.citations)


def _sentence_text(doc: Document, f: Fact) -> str:
    s, e = _sentence_of(doc, f.start, f.end)
    return doc.text[s:e]


def _facts_text(question: str, doc: Document, found: list[Fact], intent: Intent) -> Answer:
    en = language(question) == "en"
    parts: list[str] = []
    cites: list[Span] = []
    for f in found:
        if f.kind in ("signatory", "contact"):
            cites.append(doc_span(doc, f.start, f.end))
            parts.append(f"{f.value} ({f.role})" if f.role else f.value)
        else:
            s, e = _sentence_of(doc, f.start, f.end) if f.kind in ("auditor", "issuer", "period") else (f.start, f.end)
            cites.append(doc_span(doc, s, e))
            parts.append(f.value)
    listed = ", ".join(f"{p} [{i}]" for i, p in enumerate(parts, 1))
    label = {
        "signatory": "Named on the document" if en else "Angivna i dokumentet",
        "contact": "Contact person" if en else "Kontaktperson",
        "auditor": "Audit firm" if en else "Revisionsbyrå",
        "issuer": "Commissioned by" if en else "Uppdragsgivare",
        "diarienummer": "Reference number" if en else "Diarienummer",
        "report_date": "Dated" if en else "Daterad",
        "period": "Period",
    }[found[0].kind]
    quotes = ""
    # A firm, an issuer or a period is quoted in its sentence ("avgränsat till … under 2018 med en tillbakablick på
    # åren 2016-2017"): the bare value leaves out what the sentence says around it.
    if found[0].kind in ("auditor", "issuer", "period") and cites[0].end - cites[0].start > len(found[0].value) + 5:
        quotes = f": ”{oneline(cites[0].text, join_breaks=True)}”"
    text = (
        f"{label}: {listed}{quotes}"
        if not quotes
        else f"{label}: {parts[0]}{quotes} [1]" + "".join(f", {p} [{i}]" for i, p in enumerate(parts[1:], 2))
    )
    return Answer(question, text, False, cites, [], notes={"generator": "facts", "facts": [f.kind for f in found]})


def response_answer(
    question: str,
    intent: Intent,
    rows: list[Recommendation],
    hits: list[Hit],
    *,
    documents: dict[str, Document] | None = None,
) -> Answer | None:
    """'Hur svarade nämnden på rekommendationen om X?': the response linked to the recommendation about X, quoted
    by its answering sentences (read on in the document, up to the next linked response, when given)."""
    linked = [r for r in rows if r.response is not None]
    # A recommendation no answer responds to: "no answer to it" is said only of a named municipality's rows.
    unanswered = [r for r in rows if r.response is None and r.status in tracker.OPEN_STATUSES]
    words = [w for w in intent.topic if len(w) > 2]
    if not words:
        return None
    if intent.municipality:
        # A question about one municipality's answer: another municipality's row is no answer, however well it matches.
        linked = _named_place_rows(question, linked)
        unanswered = _named_place_rows(question, unanswered)
    else:
        unanswered = []
    if not linked and not unanswered:
        return None
    weights = {w: 1.0 for w in words}
    scored = [
        (coverage(words, weights, r.recommendation.text + " " + " ".join(q.text for q in r.quoted_in), ""), r)
        for r in linked + unanswered
    ]
    if intent.number:
        scored = [(c + 0.5, r) for c, r in scored if _numbered(r, intent.number)] or scored
    best_cov, best = max(scored, key=lambda x: (x[0], x[1].response is not None))
    if best_cov < RESPONSE_AT:
        return None
    notes = {"generator": "responses", "status": best.status}
    if best.response is None:
        return _no_answer(question, best, best_cov, hits, notes)
    s = _answering_part(_read_on(best.response, linked, documents or {}), words)
    return quoted_answer(
        question, str(best.addressee), s, best_cov, hits, notes, quote=oneline(s.text, join_breaks=True)
    )


def _named_place_rows(question: str, rows: list[Recommendation]) -> list[Recommendation]:
    places, kept = tracker.only_places_named(question, rows)
    return kept if places else []


def _no_answer(question: str, row: Recommendation, score: float, hits: list[Hit], notes: dict) -> Answer:
    """The recommendation asked about, cited, and that the documents hold no answer to it (abstained)."""
    said = (
        "no answer to this recommendation in the documents"
        if language(question) == "en"
        else "inget svar på den rekommendationen i dokumenten"
    )
    found = quoted_answer(
        question, f"{row.addressee or ''} – {said}".strip(" –"), row.recommendation, score, hits, notes
    )
    # The answer asked for is not in the documents: an abstention, which shows the recommendation it looked for.
    return replace(found, abstained=True)


QUOTE_CHARS = 300  # a linked response longer than this is quoted by its answering sentences
READ_ON = 1500  # characters of the document after a linked response's start where its answering sentences may stand


def _read_on(s: Span, rows: list[Recommendation], documents: dict[str, Document]) -> Span:
    """The linked response as the document continues it: to the end of its section, the next linked response,
    or READ_ON characters, whichever comes first (a response's span may stop before the sentence that answers,
    "Kommunstyrelsen delar därför revisionens syn …", when the answer opens with the recommendation restated)."""
    doc = documents.get(s.doc)
    if doc is None:
        return s
    end = min(len(doc.text), s.start + READ_ON)
    if doc.outline is not None and (sec := doc.outline.section_at(s.start)) is not None:
        end = min(end, max(sec.end, s.end))
    later = [
        r.response.start
        for r in rows
        if r.response is not None and r.response.doc == s.doc and r.response.start > s.start
    ]
    end = min([end, *later])
    return s if end <= s.end else doc_span(doc, s.start, end, s.score)


def _answering_part(s: Span, words: list[str]) -> Span:
    """The sentences of a long linked response that answer: those with a response's wording ("delar", "anser",
    "kommer att"), the best covering the question's topic first (the earliest on a tie), with the next one while
    the quote stays short. An opening that only restates the recommendation has no such wording and gives way;
    a letterhead line (e-mail, telephone) never answers."""
    if len(s.text) <= QUOTE_CHARS:
        return s
    spans = [(a, b) for a, b in sentence_spans(s.text) if b - a <= QUOTE_CHARS and not letterhead(s.text[a:b])]
    cue = CUES["response"]
    weights = {w: 1.0 for w in words}
    cued = [
        (coverage(words, weights, s.text[a:b], ""), -i, a, b)
        for i, (a, b) in enumerate(spans)
        if cue.search(fold(s.text[a:b]))
    ]
    if not cued:
        return s
    _, neg_i, a, b = max(cued)
    nxt = spans[-neg_i + 1 : -neg_i + 2]
    if nxt and nxt[0][1] - a <= QUOTE_CHARS and cue.search(fold(s.text[nxt[0][0] : nxt[0][1]])):
        b = nxt[0][1]
    return Span(s.doc, s.start + a, s.start + b, s.page, s.text[a:b], s.score)


def _numbered(row: Recommendation, number: str) -> bool:
    head = fold(row.recommendation.text[:6])
    return bool(re.match(rf"\W*{re.escape(number)}\b", head))


def topic_words(question: str) -> list[str]:
    return content_words(for_matching(question))
