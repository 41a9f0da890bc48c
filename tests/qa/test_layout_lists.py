"""Lists quoted whole and no further (issue #10, Session 32), on real documents."""

from __future__ import annotations

from granska.engine import Engine


def test_a_subset_question_of_a_list_quotes_the_whole_list(audits_engine: Engine):
    # "Vilka av de uppföljda granskningarna …": the asked noun stands after a participle and in the definite
    # plural; the introduction "De granskningar som följts upp är:" names it, and its items, one to a line and
    # indented alike, run on into the next passage.
    a = audits_engine.ask("Vilka av de uppföljda granskningarna i Härnösand gjordes 2012?")
    assert not a.abstained, a.notes
    quoted = [c.text for c in a.citations]
    assert quoted[0].endswith("är:"), a.answer
    assert any("fakturering" in x for x in quoted) and any(x.startswith("Arvoden") for x in quoted), a.answer


def test_a_list_of_lines_ends_at_the_heading_after_it(audits_engine: Engine):
    # The heading after the last item stands flush left, the items one space in: it is no item.
    a = audits_engine.ask(
        "Vilka granskningar ingick i Härnösands kommuns uppföljning av tidigare granskningar (oktober 2014)?"
    )
    quoted = [c.text for c in a.citations]
    assert quoted[-1].startswith("Arvoden"), a.answer
    assert not any("revisionsfrågan" in x for x in quoted), a.answer
