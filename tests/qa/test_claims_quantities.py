"""Claims on how many, how much and whether at all (Session 32, issue #10 item 7), on the real audits documents
and the bundled corpus; each claim is worded anew, not an evaluation row."""

from __future__ import annotations

from granska.qa.claim_acts import acts
from granska.qa.claim_degrees import quantity_conflict
from granska.qa.claim_numbers import date_conflict

from granska.engine import Engine
from granska.text import fold


def test_the_same_amount_in_another_scale_gainsays_the_claim(both_engine: Engine):
    """ "4,5 miljoner" shares every digit with the source's "4,5 miljarder": the scale word decides."""
    wrong = both_engine.verify("Förvaltningarna hanterar utbetalningar för drygt 4,5 miljoner kronor via tre system.")
    assert wrong.verdict == "contradicted" and "miljarder" in wrong.explanation, wrong.explanation
    right = both_engine.verify("Förvaltningarna hanterar utbetalningar för drygt 4,5 miljarder kronor via tre system.")
    assert right.verdict == "supported", right.explanation


def test_hardly_any_is_gainsaid_by_most(both_engine: Engine):
    """ "nästan inga" / "hardly any" is a quantity, compared with the source's "flertalet", never matched as
    words (which left the claim below the bar: not_found)."""
    for claim in (
        "Stickprovsgranskningen visade nästan inga avvikelser från lagen om offentlig upphandling.",
        "The sample checks found hardly any deviations from the public procurement act.",
    ):
        v = both_engine.verify(claim)
        assert v.verdict == "contradicted" and "flertalet" in v.explanation, (claim, v.explanation)
    same = both_engine.verify("Stickprovsgranskningen visade flertalet avvikelser från lagen om offentlig upphandling.")
    assert same.verdict == "supported", same.explanation


def test_all_is_gainsaid_by_most_and_some(both_engine: Engine):
    """A follow-up that finds the measures under way "i de flesta fall" and done "i vissa fall" says not all."""
    v = both_engine.verify(
        "Enligt uppföljningen har samtliga åtgärder efter revisorernas rekommendationer redan genomförts fullt ut."
    )
    assert v.verdict == "contradicted", v.explanation
    assert quantity_conflict(fold("alla nämnder har antagit planer"), "Vissa nämnder har antagit planer")
    assert quantity_conflict(fold("alla nämnder har antagit planer"), "Alla nämnder har antagit planer") is None


def test_lacking_entirely_is_gainsaid_by_a_source_that_states_it(both_engine: Engine):
    """ "Enligt X saknas det helt …": the attribution and the split degree ("saknas det helt") are no words the
    source must share; the source stating where the thing is set out gainsays it."""
    v = both_engine.verify(
        "Enligt revisorerna saknas det helt en ansvarsfördelning för arbetet med integration och social hållbarhet."
    )
    assert v.verdict == "contradicted" and "framgår" in v.citations[0].text, v.explanation


def test_an_inverted_clause_has_its_act_in_its_supine():
    """After "har" in inverted order comes who, not what was done: the act is the supine further on."""
    assert acts("I kommunen har samtliga åtgärder efter granskningen redan genomförts.") == ["genomforts"]
    assert acts("Kommunstyrelsen har beslutat att byta ut lönesystemet.") == ["byta"]


def test_one_and_always_are_gainsaid_by_many(both_engine: Engine):
    """ "en enda process" against "en rad olika processer", "alltid" against "i många fall"; an English claim
    with no question word is still read as English ("… should be interviewed")."""
    one = both_engine.verify("Kommunens lokalförsörjning består av en enda sammanhållen process.")
    assert one.verdict == "contradicted" and "en rad" in one.explanation, one.explanation
    many = both_engine.verify("Kommunens lokalförsörjningsprocess består av en rad olika processer.")
    assert many.verdict == "supported", many.explanation
    always = both_engine.verify(
        "Enligt kommunstyrelsen är det alltid självklart vilken förvaltning som ansvarar för vad inom fokusområdena."
    )
    assert always.verdict == "contradicted" and "många" in always.explanation, always.explanation
    english = both_engine.verify("The auditors recommend that, as a rule, only one applicant should be interviewed.")
    assert english.verdict == "contradicted" and "mer än en" in english.explanation, english.explanation


def test_a_page_count_is_judged_by_the_first_pages_mark(both_engine: Engine):
    """ "1(18)" on the first page: 18 pages bears the claim out, 28 gainsays it; the mark is the citation."""
    wrong = both_engine.verify("Rapporten om kommunstyrelsens uppsikt över nämnder och bolag omfattar 28 sidor.")
    assert wrong.verdict == "contradicted" and wrong.citations[0].text.strip() == "1(18)", wrong.explanation
    right = both_engine.verify("Rapporten om kommunstyrelsens uppsikt över nämnder och bolag omfattar 18 sidor.")
    assert right.verdict == "supported" and right.citations[0].text.strip() == "1(18)", right.explanation


def test_a_whole_date_is_compared_as_a_date():
    assert date_conflict(fold("daterad den 8 april 2020"), fold("per 2020-12-31 8:e april 2021"))
    assert date_conflict(fold("daterad den 8 april 2021"), fold("per 2020-12-31 8:e april 2021")) is None
    assert date_conflict(fold("beslutade 2021-04-08"), fold("den 8 april 2021")) is None


def test_a_claimed_report_date_is_judged_by_the_documents_date(both_engine: Engine):
    """ "… är daterad den 8 april 2020" against the report's own date: compared as a whole date, the date cited."""
    wrong = both_engine.verify("KPMG:s rapport om bokslut och årsredovisning är daterad den 8 april 2020.")
    assert wrong.verdict == "contradicted" and wrong.citations[0].text == "2021-04-08", wrong.explanation
    right = both_engine.verify("KPMG:s rapport om bokslut och årsredovisning är daterad den 8 april 2021.")
    assert right.verdict == "supported", right.explanation
