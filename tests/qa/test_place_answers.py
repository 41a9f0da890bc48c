"""An open answer to a question that names a municipality quotes only that municipality's documents (issue #10):
another place's sentence about the same topic is no answer, however well it matches; when the question names a
place by more of its name ("Region X Y"), that place wins over another whose name shares one word ("Ys kommun")."""

from __future__ import annotations

from granska.eval.metrics import key_found
from granska.qa.intent import read
from granska.qa.routes import of_the_place
from granska.qa.tracker import places_named

from granska.engine import Engine


def _places(engine: Engine, docs: list[str]) -> set[str | None]:
    metas = engine.searcher().metas
    return {metas[d].municipality for d in docs}


def test_an_english_question_naming_a_municipality_quotes_only_its_documents(bundled_engine: Engine):
    question = "Who is responsible for coordinating integration work in Motala?"
    a = bundled_engine.ask(question)
    assert a.citations, a.answer
    places = _places(bundled_engine, [c.doc for c in a.citations])
    assert len(places) == 1 and all(p and p.startswith("Motala") for p in places), (places, a.answer)
    # The passages retrieved still come from several places: only the quoting is limited.
    assert len(_places(bundled_engine, [h.chunk.doc for h in a.passages])) > 1


def test_the_place_named_most_fully_wins(audits_engine: Engine):
    q = "Vilken paragraf i kommunallagen ger regionstyrelsen i Jämtland Härjedalen möjlighet att lämna förklaring?"
    metas = audits_engine.searcher().metas
    names = {m.municipality for m in metas.values() if m.municipality}
    region = next(n for n in names if n.startswith("Region") and "Härjedalen" in n)
    other = next(n for n in names if n != region and "Härjedalen" in n)  # shares one word of the name
    hits = audits_engine.searcher().search(q, k=20)
    assert places_named(q, hits) == {region}
    keep = of_the_place(q, read(q, places=sorted(names)), hits)
    assert keep is not None
    assert any(h.meta.municipality == region for h in hits if keep(h))
    assert not any(keep(h) for h in hits if h.meta.municipality == other)
    a = audits_engine.ask(q)
    assert not a.abstained and key_found("32 §", a.answer), a.answer
    assert _places(audits_engine, [c.doc for c in a.citations]) == {region}


def test_no_limit_when_the_question_names_no_place_of_the_passages(audits_engine: Engine):
    q = "Vilka rekommendationer lämnade revisorerna om intern kontroll?"
    hits = audits_engine.searcher().search(q, k=20)
    assert of_the_place(q, read(q), hits) is None
    assert places_named("Vem ansvarar i Xköping?", hits) == set()
