"""Answers from the recommendation and responsibility tables, for the questions officials ask most.

"Vilka rekommendationer fick kommunstyrelsen i X?" lists the table's rows; "Vem ansvarar för
samordningen av integrationsarbetet i Y?" quotes the best responsibility statement. Anything the
tables cannot answer falls through to the ordinary retrieval answer (these return None).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from granska.index.search import meta_matches
from granska.qa import addressees, bodies, intent, place_names
from granska.qa.evidence import match, text_grams
from granska.qa.recommend_search import holds_every_word, search_rows  # engine, tests: tracker.search_rows
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility

from granska.text import content_words, fold, for_matching, language, oneline
from granska.types import Answer, DocMeta, Hit, Span

Row = TypeVar("Row", Recommendation, Responsibility)
_ASKS_RECS = re.compile(r"\b(vilka|vad|vilken|which|what|list)\b.*\b(rekommend\w*|recommend\w*)", re.IGNORECASE)
_AUDITORS = ("pwc", "ey", "kpmg", "deloitte", "stadsrevisionen", "kommunrevisionen")


def mentions_place(question: str, municipality: str | None) -> bool:
    """The question names the municipality: a capitalised word starting with its name's first word ("Region X"
    by its other words, not by "Regionstyrelsen"), or its initialism ("NSR")."""
    if not municipality:
        return False
    if place_names.says_initialism(question, municipality):
        return True
    named = [fold(w) for w in re.findall(r"[A-ZÅÄÖ][\wåäöé-]+", question)]
    if place_names.opens_with_place_word(municipality):
        heads = [h.rstrip("s") for h in re.findall(r"[a-z]+", fold(municipality))]
        return len(heads) > 1 and all(any(w.startswith(h) for w in named) for h in heads)
    head = fold(municipality.split()[0]).rstrip("s")
    return any(w.startswith(head) for w in named)


def places_named(text: str, hits: list[Hit]) -> set[str]:
    """The municipalities of the passages searched (their metadata) that a claim or question names
    (`intent.places_in`: the fullest names win, "Region Xs" names Region X, not X kommun)."""
    return intent.places_in(text, {h.meta.municipality for h in hits if h.meta.municipality})


def only_places_named(question: str, rows: list[Row]) -> tuple[set[str], list[Row]]:
    """The municipalities the question names, and the rows from them (all rows when it names none). A name
    written in lower case ("rekommendationer till xby kommun", "in the xby municipality") is read as
    `intent.places_in` reads it, when no capitalised word names one."""
    places = {r.municipality for r in rows if r.municipality and mentions_place(question, r.municipality)}
    if not places:
        places = intent.places_in(question, {r.municipality for r in rows if r.municipality})
    return places, [r for r in rows if r.municipality in places] if places else rows


def filter_rows(
    rows: Sequence[Recommendation | Responsibility], filters: dict[str, list[str]], metas: dict[str, DocMeta]
) -> list:
    """Metadata filters on each row's source document, plus 'addressee'/'body' and 'status' on the row."""
    extra = {k: v for k, v in filters.items() if k in ("addressee", "body", "status")}
    meta_filters = {k: v for k, v in filters.items() if k not in extra}
    out = []
    for row in rows:
        doc = row.recommendation.doc if isinstance(row, Recommendation) else row.source.doc
        if meta_filters and not meta_matches(doc, metas[doc], meta_filters):
            continue
        name = (row.addressee if isinstance(row, Recommendation) else row.body) or ""
        if any(
            k in ("addressee", "body") and not any(bodies.key(v) in bodies.key(name) for v in vals)
            for k, vals in extra.items()
        ):
            continue
        if "status" in extra and (not isinstance(row, Recommendation) or row.status not in extra["status"]):
            continue
        out.append(row)
    return out


def asks_across(question: str) -> bool:
    """'Vilka kommuner har fått …', 'Which municipalities …': a question about the table across municipalities,
    whose answer need not come from the documents the passages point to."""
    return bool(_ACROSS.search(question))


def recommendations_answer(question: str, rows: list[Recommendation], hits: list[Hit]) -> Answer | None:
    across = asks_across(question)
    # "Har några kommuner fått rekommendationer om …?" asks for the list as well, without "vilka".
    if not (_ASKS_RECS.search(question) or across and _REC_WORD.search(question)) or not rows:
        return None
    places, rows = only_places_named(question, rows)
    # An English question names the body in English ("the social welfare committee"): its Swedish name is the
    # glossary's rendering ("socialnämnden"), which the rows' addressees write.
    said = f"{question} {for_matching(question)}" if language(question) == "en" else question
    named = {bodies.key(m) for m in re.findall(bodies.BODY, fold(said))}
    if named:
        rows = [r for r in rows if r.addressee and named & {bodies.key(n) for n in addressees.names(r.addressee)}]
    auditors = [a for a in _AUDITORS if re.search(rf"\b{a}\b", fold(question))]
    if auditors:
        rows = [r for r in rows if r.auditor and any(a in fold(r.auditor) for a in auditors)]
    rows, topical = _by_topic(question, rows)
    if places and not topical:
        rows = _of_the_audit_asked(question, rows, hits)
    rows, dated = _by_year(question, rows)
    asked_year = bool(_SINCE.search(question) or _YEAR.search(question))
    if not rows or not (places or named or auditors or topical or (across and dated)):
        return None
    if across and not topical and content_words(_topic_text(question)):
        return None  # a topic no row is about: listing the table's other rows would pass them off as about it
    if across:
        return _across_answer(question, rows, hits, dated=dated or not asked_year)
    en = language(question) == "en"
    if intent.asks_open(question):
        return _open_answer(question, rows, hits, en=en)
    who = _one_addressee(rows, en=en)
    where = f" i {rows[0].municipality}" if places and rows[0].municipality else ""
    n = len(rows)
    head = (
        f"{who}{where.replace(' i ', ' in ')} received {n} recommendation{'s' if n > 1 else ''}:"
        if en
        else f"{who}{where} fick {n} rekommendation{'er' if n > 1 else ''}:"
    )
    if asked_year and not dated:
        # No row from the years asked about: say so, and list the ones there are (never pass them off as asked).
        head = (
            "None from the years asked about in the documents; earlier: "
            if en
            else "Inga från de efterfrågade åren i dokumenten; tidigare: "
        ) + head
    cites = [_cite(r.recommendation) for r in rows]
    several = len({r.municipality for r in rows}) > 1
    body = " ".join(
        f"{f'{r.municipality}: ' if several and r.municipality else ''}”{oneline(c.text)}” [{i}]"
        for i, (r, c) in enumerate(zip(rows, cites, strict=True), 1)
    )
    if _ASKS_ANSWER.search(question):
        # "… och vad svarade de?": each answer quoted after the recommendations, cited as well.
        answered = [r for r in rows if r.response is not None]
        parts = []
        for r in answered:
            s = r.response
            assert s is not None
            cites.append(_cite(s))
            parts.append(f"({r.status}) ”{oneline(s.text)}” [{len(cites)}]")
        label = "Answers" if en else "Svar"
        body += f" {label}: " + (
            " ".join(parts) if parts else ("none in the documents." if en else "inga i dokumenten.")
        )
    return Answer(question, f"{head} {body}", False, cites, hits, notes={"generator": "recommendations"})


def _one_addressee(rows: list[Recommendation], *, en: bool) -> str:
    """The body every row is addressed to, or "the bodies" when they are several (or unnamed)."""
    if rows[0].addressee and len({bodies.key(r.addressee or "") for r in rows}) == 1:
        return rows[0].addressee
    return "the bodies" if en else "nämnderna"


OPEN_STATUSES = ("not_answered", "no_response_in_corpus")  # rows no answer responds to


def _open_answer(question: str, rows: list[Recommendation], hits: list[Hit], *, en: bool) -> Answer:
    """The rows no answer in the documents responds to, each cited; when every row has one, that is the answer,
    with the answers cited (a list of the answered rows passed off as open would be wrong)."""
    open_rows = [r for r in rows if r.status in OPEN_STATUSES]
    who = _one_addressee(rows, en=en)
    n = len(rows)
    if not open_rows:
        cites, limit = [_cite(r.response) for r in rows if r.response is not None], 200
        head = (
            f"All {n} recommendations to {who} have an answer in the documents:"
            if en
            else f"Alla {n} rekommendationer till {who} har svar i dokumenten:"
        )
    else:
        cites, limit = [_cite(r.recommendation) for r in open_rows], None
        head = (
            f"{len(open_rows)} of {n} recommendations to {who} have no answer in the documents:"
            if en
            else f"{len(open_rows)} av {n} rekommendationer till {who} saknar svar i dokumenten:"
        )
    body = " ".join(f"”{oneline(c.text)[:limit]}” [{i}]" for i, c in enumerate(cites, 1))
    return Answer(question, f"{head} {body}", False, cites, hits, notes={"generator": "recommendations-open"})


def _cite(s: Span | dict[str, Any]) -> Span:
    """A row's span as a citation (status_history spans are dicts once the rows were stored and read back)."""
    if isinstance(s, dict):
        return Span(s["doc"], s["start"], s["end"], s["page"], s["text"], 1.0)
    return Span(s.doc, s.start, s.end, s.page, s.text, 1.0)


def _across_answer(question: str, rows: list[Recommendation], hits: list[Hit], *, dated: bool) -> Answer:
    """The municipalities, then each matching recommendation with its date, addressee and what became of it (the
    linked answer quoted, or its status), every item cited. `dated` False: no row is from the years asked about,
    which the answer says first; the rows listed are then the earlier ones, each with its date."""
    en = language(question) == "en"
    unknown = "municipality not given" if en else "kommun ej angiven"
    places = list(dict.fromkeys(r.municipality for r in rows if r.municipality))
    listed = ", ".join(places) + (
        f" ({unknown}: {sum(not r.municipality for r in rows)})" if None in {r.municipality for r in rows} else ""
    )
    topic = _topic_text(question)
    about = (f" about {topic}" if en else f" om {topic}") if topic else ""
    n = len(rows)
    asked = _asked_years(question)
    if dated and asked:
        about += f" from {asked}" if en else f" från {asked}"
    if dated:
        head = (
            f"{len(places)} municipalit{'ies' if len(places) > 1 else 'y'} received {n} recommendation"
            f"{'s' if n > 1 else ''}{about}: {listed}."
            if en
            else f"{len(places)} kommun{'er' if len(places) > 1 else ''} har fått {n} rekommendation"
            f"{'er' if n > 1 else ''}{about}: {listed}."
        )
    else:
        head = (
            f"No recommendation{about} from {asked} in the documents. Earlier ones ({listed}):"
            if en
            else f"Inga rekommendationer{about} från {asked} i dokumenten. Tidigare ({listed}):"
        )
    cites: list[Span] = []
    parts: list[str] = []
    wants_answer = bool(_ASKS_ANSWER.search(question))
    for r in rows:
        cites.append(_cite(r.recommendation))
        who = ", ".join(x for x in (r.municipality or unknown, r.date, r.addressee) if x)
        part = f"{who}: ”{oneline(r.recommendation.text)}” [{len(cites)}]"
        if wants_answer or r.response is not None:
            part += " – " + _fate(r, cites, en=en)
        parts.append(part + ("" if part.endswith(".") else "."))
    notes = {"generator": "recommendations", "intent": "recommendations", "scope": "municipalities"}
    return Answer(question, f"{head} {' '.join(parts)}", False, cites, hits, notes=notes)


def _fate(r: Recommendation, cites: list[Span], *, en: bool) -> str:
    """What became of one recommendation: each dated step of its history (the answer, later follow-ups' verdicts)
    quoted and cited, oldest first; its status alone when nothing answered it."""
    labels = _STATUS_EN if en else _STATUS_SV
    steps = []
    for h in r.status_history:
        cites.append(_cite(h["span"]))
        steps.append(f"{labels.get(h['status'], h['status'])}: ”{oneline(cites[-1].text)}” [{len(cites)}]")
    return "; ".join(steps) or labels.get(r.status, r.status)


_STATUS_SV = {
    "answered": "svar",
    "partly": "delvis bemött",
    "rejected": "avvisad",
    "not_answered": "svaret säger inget om den",
    "no_response_in_corpus": "inget svar i dokumenten",
    "implemented": "åtgärdad enligt uppföljning",
    "partly_implemented": "delvis åtgärdad enligt uppföljning",
    "not_implemented": "ej åtgärdad enligt uppföljning",
    "in_progress": "arbete pågår enligt uppföljning",
}
_STATUS_EN = {
    "answered": "answer",
    "partly": "partly accepted",
    "rejected": "rejected",
    "not_answered": "the answer says nothing on it",
    "no_response_in_corpus": "no answer in the documents",
    "implemented": "implemented per follow-up",
    "partly_implemented": "partly implemented per follow-up",
    "not_implemented": "not implemented per follow-up",
    "in_progress": "in progress per follow-up",
}
_ACROSS = re.compile(
    r"\b(?:vilka|which|what)\s+(?:kommuner|regioner|kommuner och regioner|municipalit(?:y|ies)|regions|councils)\b"
    r"|\bi vilka kommuner\b|\bin which municipalit|\b(?:några|any)\s+(?:kommuner|regioner|municipalit\w*|regions)\b"
    r"|\b(?:kommunerna|regionerna)\b|\bthe (?:municipalities|regions)\b",
    re.IGNORECASE,
)
_REC_WORD = re.compile(r"\b(?:rekommend\w*|recommend\w*)", re.IGNORECASE)
_ASKS_ANSWER = re.compile(r"\b(svarade|svarat|svar|answer\w*|respond\w*|replied|reply)\b", re.IGNORECASE)
# "rekommendationer om intern kontroll", "granskningen av rutiner för rekrytering": the topic asked about.
_TOPIC = re.compile(
    r"\b(?P<p>om|avseende|kring|rörande|angående|gällande|beträffande|som gäller|granskning(?:en)? av|about|on"
    r"|regarding|concerning)\s+(?P<t>[^?,]+?)"
    r"(?=\s+(?:i|inom|sedan|och|efter|till|från|har|hade|fick|fått|gavs|in|since|and|after|from|has|have|had|were"
    r"|was|did|got)\s|[?,]|$)",
    re.IGNORECASE,
)
_AUDIT_TOPIC = re.compile(r"granskning", re.IGNORECASE)  # "granskningen av X" names an audit, not a row's topic
_SINCE = re.compile(r"\b(?P<w>sedan|efter|since|after)\s+(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


def _topic_text(question: str) -> str:
    """The topic as asked ("intern kontroll", "internal control"), without a year."""
    m = _TOPIC.search(question)
    return re.sub(r"\s+", " ", _YEAR.sub(" ", m.group("t"))).strip() if m else ""


def _asked_years(question: str) -> str:
    en = language(question) == "en"
    if first := _first_year(question):
        return f"{first} or later" if en else f"{first} eller senare"
    return (" or " if en else " eller ").join(_YEAR.findall(question))


def _by_topic(question: str, rows: list[Recommendation]) -> tuple[list[Recommendation], bool]:
    """The rows matching the question's topic (unchanged if none do). "rekommendationer om X": the rows about X;
    "granskningen av X": every recommendation of the audit documents whose rows match (the topic names the
    audit, and its rows need not repeat it)."""
    m = _TOPIC.search(question)
    topic = _topic_text(question)
    if language(question) == "en":
        # for_matching tells English by its function words; a bare topic ("internal control") has none of its own.
        topic = for_matching(f"the {topic}")
    if not m or not content_words(topic):
        return rows, False
    hits = search_rows(rows, topic)
    if not hits:
        return rows, False
    if not _AUDIT_TOPIC.match(m.group("p")):
        matched = {id(h) for h in hits if holds_every_word(h, topic)}
        return ([r for r in rows if id(r) in matched], True) if matched else (rows, False)
    docs = {h.recommendation.doc for h in hits}
    return [r for r in rows if r.recommendation.doc in docs], True


def _of_the_audit_asked(question: str, rows: list[Recommendation], hits: list[Hit]) -> list[Recommendation]:
    """ "Vilka rekommendationer lämnades efter granskningen av X i Y?": when Y's rows come from several reports and
    none of them repeats X, the rows of the report the passages rank first (the search reads X in the whole report,
    its title and findings; the other report of the same municipality is about something else)."""
    m = _TOPIC.search(question)
    docs = {r.recommendation.doc for r in rows}
    words = content_words(for_matching(_topic_text(question)))
    if not m or not _AUDIT_TOPIC.match(m.group("p")) or len(docs) < 2 or not words:
        return rows
    read = {d: text_grams(" ".join(h.chunk.text for h in hits if h.chunk.doc == d)) for d in docs}
    held = sorted(((sum(match(w, read[d]) for w in words), d) for d in docs), reverse=True)
    if held[0][0] <= held[1][0]:
        return rows  # the passages tell no report from the other
    return [r for r in rows if r.recommendation.doc == held[0][1]]


def _first_year(question: str) -> str | None:
    """The first year a "sedan 2018" / "efter 2017" question asks about ("since" includes the year, "after" not)."""
    if not (m := _SINCE.search(question)):
        return None
    year = int(m.group("y"))
    return str(year + 1 if fold(m.group("w")) in ("efter", "after") else year)


def _by_year(question: str, rows: list[Recommendation]) -> tuple[list[Recommendation], bool]:
    """'sedan 2018' keeps rows dated 2018 or later; a bare year keeps that year's rows (unchanged if none match)."""
    first = _first_year(question)
    years = _YEAR.findall(question)
    if first:
        kept = [r for r in rows if r.date and r.date[:4].isdigit() and r.date[:4] >= first]
    elif years:
        kept = [r for r in rows if r.date and r.date[:4] in years]
    else:
        return rows, False
    return (kept, True) if kept else (rows, False)


def quoted_answer(
    question: str, who: str, s: Span, score: float, hits: list[Hit], notes: dict[str, Any], *, quote: str | None = None
) -> Answer:
    """A table answer quoting one span: "{who}: ”{quote}” [1]" (the span's text on one line unless given), cited
    with the row's score."""
    text = f"{who}: ”{quote if quote is not None else oneline(s.text)}” [1]"
    return Answer(question, text, False, [Span(s.doc, s.start, s.end, s.page, s.text, score)], hits, notes=notes)
