"""Where an answer comes from when it is not open passage answering: the intent read from the question points to
document facts, the recommendation ↔ response table, a report's recommendation section, the responsibilities
table or the audit firms; and the passages that hold such an answer's citations come first."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from granska.qa import contents, intent, people, rec_list, routes, tracker
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility

from granska.types import Answer, Document, Hit, Span

ROW_INTENTS = ("recommendations", "status", "addressee", "other")  # intents the recommendation table may answer


def table_answer(
    question: str,
    asked: intent.Intent,
    hits: list[Hit],
    recs: list[Recommendation],
    resps: list[Responsibility],
    filters: dict[str, list[str]],
    docs: Mapping[str, Document],
) -> Answer | None:
    """The answer from the place the question's intent points to (tables, facts), or None for passages. `hits`
    are the passages the answer may stand on (the first k); `docs` the engine's documents view."""
    # A question on the document's parts ("Vilka bilagor har rapporten?", "Vad tar kapitel 3 upp?", "Vad gällde
    # punkt 1?") is answered by its table of contents or numbered items (qa/contents.py).
    if found := contents.contents_answer(question, asked, hits, docs):
        return found
    wants_facts = asked.path == "facts" and not (asked.kind == "auditor" and asked.plural)
    # "Who gave the final approval …": the one approval block asked for ("Godkänt av: … Datum: …") names and dates it.
    approved = (
        routes.approval_answer(question, asked, hits, docs) if asked.kind == "signed_by" and not asked.plural else None
    )
    if wants_facts and (found := approved or routes.facts_answer(question, asked, hits, docs)):
        return found
    # "Vilka kommuner har fått rekommendationer om X, och vad svarade de?" asks the table across municipalities
    # (read as "response" for its "svarade"): the table answers, from whichever documents hold the rows.
    across = tracker.asks_across(question) and asked.kind in (*ROW_INTENTS, "response")
    if across and (found := tracker.recommendations_answer(question, recs, hits)):
        return found
    if asked.kind == "response" and (found := routes.response_answer(question, asked, recs, hits, documents=docs)):
        return found
    # A table answer must come from a document the passages point to: a list from another municipality's
    # report is no answer, however well its rows match.
    near = {h.chunk.doc for h in hits}
    tabled = tracker.recommendations_answer(question, recs, hits) if asked.kind in ROW_INTENTS else None
    if tabled is not None and not {c.doc for c in tabled.citations} & near:
        tabled = None
    if tabled is None and asked.kind == "recommendations":
        tabled = rec_list.recommendations_list(question, asked, hits, docs)
    if tabled is None and asked.kind in ("responsible", "other"):
        tabled = people.responsibility_answer(question, resps, hits)
    if tabled is None and asked.kind == "auditor":
        tabled = people.auditors_answer(question, docs, hits, filters)
    if tabled is None and asked.kind == "when":
        tabled = routes.approval_answer(question, asked, hits, docs) or routes.facts_answer(question, asked, hits, docs)
    if tabled is None and asked.kind == "amount":
        tabled = routes.pages_answer(question, asked, hits, docs)
    if tabled is None:  # "I vilken region …": the metadata's place of the first passage's document
        tabled = routes.place_answer(question, asked, hits, docs)
    return tabled


def citing_first(hits: list[Hit], citations: list[Span], hit_at: Callable[[str, int], Hit | None]) -> list[Hit]:
    """Passages that hold the answer's citations come first, in citation order (for answers from the tables
    and verdicts, whose evidence is found by other means than passage rank); the rest keep their order. A
    cited passage the search did not return is added, so every citation has its passage."""
    first: list[Hit] = []
    for c in citations:
        holder = next(
            (h for h in [*hits, *first] if h.chunk.doc == c.doc and h.chunk.start <= c.start < h.chunk.end), None
        )
        if holder is None:
            holder = hit_at(c.doc, c.start)
        if holder is not None and holder not in first:
            first.append(holder)
    # The passage holding most of the answer leads (a list's introduction may stand at the end of the passage
    # before its items); ties keep citation order.
    held = {
        id(h): sum(1 for c in citations if h.chunk.doc == c.doc and h.chunk.start <= c.start < h.chunk.end)
        for h in first
    }
    first = sorted(first, key=lambda h: -held[id(h)])
    return first + [h for h in hits if h not in first]
