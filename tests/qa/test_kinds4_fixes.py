"""The general fixes for kinds4 failures (issue #10), on the real audits documents: a question word that asks for a
thing ("Vad ska LSS ge personer …") is no question for a person; a cost word in a purpose clause ("… för att sänka
kostnaderna") asks for a means, not a sum; a number followed by a unit ("inom 24 timmar") counts that unit, not the
thing a "hur många" question asks for; "vilken månad" asks for a time; an appendix is read from its entry in the
table of contents; a question for the audit firm is not answered by a text naming none; a claim that something
was done only by some means is gainsaid by the sentence stating other means; "how many recommendations" is
answered by the sentence giving their number."""

from __future__ import annotations

import pytest
from granska.eval.metrics import key_found
from granska.ingest.facts import auditor_names
from granska.qa.answer_quantity import about_the_asked
from granska.qa.appendix import asked_appendix, names_appendix
from granska.qa.evidence import answer_type
from granska.qa.intent import kind

from granska.engine import Engine


def test_a_question_for_what_persons_get_is_no_question_for_a_person():
    assert kind("Vad ska lagen ge personer med funktionshinder?") != "signed_by"
    # The question word asks for the person: still a question for who signed or holds the role.
    assert kind("Vilka personer har skrivit rapporten?") == "signed_by"
    assert kind("Vilken revisor skrev rapporten?") == "signed_by"


def test_what_lss_gives_persons_is_answered_from_the_report(audits_engine: Engine):
    a = audits_engine.ask("Vad garanterar LSS personer med omfattande och varaktiga funktionshinder i Uppsala?")
    assert not a.abstained and key_found("levnadsvillkor", a.answer), a.answer


def test_a_cost_word_in_a_purpose_clause_asks_for_no_sum():
    assert answer_type("Vad har förvaltningarna gjort för att sänka kostnaderna?") is None
    assert answer_type("What did the committees do in order to cut costs?") is None
    # A cost asked before the clause is still a question for a sum.
    assert answer_type("Hur mycket kostade det för att anlita konsulter?") is not None
    assert answer_type("Vad blev kostnaden för granskningen?") is not None


def test_the_means_to_lower_costs_is_answered_from_a_real_report(audits_engine: Engine):
    a = audits_engine.ask("Vad gjorde förvaltningarna i Västra Götalandsregionen för att sänka kostnaderna?")
    assert not a.abstained and a.citations[0].doc == "vgr-2012-konsultanvandning.txt", a.answer
    assert key_found("åtgärdsprogram", a.answer), a.answer


def test_a_number_with_a_unit_counts_the_unit_not_the_asked_thing():
    text = "Enhetschefen väljer ut ett antal ärenden där det kontrolleras om skyddsbedömning gjorts inom 24 timmar."
    assert not about_the_asked("Hur många ärenden väljer enhetschefen ut?", text)
    # Asked for the unit itself, or for a thing the number stands right before, the number answers.
    assert about_the_asked("Hur många timmar har man på sig för skyddsbedömningen?", text)
    assert about_the_asked("Hur många ärenden väljs ut?", "Enhetschefen väljer ut 24 ärenden per år.")


def test_a_count_the_report_does_not_give_is_not_answered_by_a_time_limit(audits_engine: Engine):
    a = audits_engine.ask("Hur många ärenden väljer enhetschefen i Kävlinge slumpmässigt ut?")
    assert a.abstained, a.answer


def test_which_month_asks_for_a_time():
    assert kind("Vilken månad kom rapporten?") == "when"
    assert kind("In which month was the report published?") == "when"
    assert answer_type("Vilken månad kom rapporten?") is answer_type("Vilket datum kom rapporten?")


def test_the_month_of_a_report_dated_only_in_its_heading(audits_engine: Engine):
    a = audits_engine.ask("Vilken månad kom rapporten om granskningen av hemsjukvården i Härnösand?")
    assert not a.abstained and key_found("Augusti 2015", a.answer), a.answer


def test_an_appendix_is_read_from_its_entry_in_the_contents():
    assert asked_appendix("Vad innehåller bilaga 4?") == "4" and asked_appendix("Vad beskriver bilagan?") == ""
    assert asked_appendix("Vad innehåller rapporten?") is None
    assert names_appendix("Vad står i bilaga 4?", "Bilaga 3 – Källförteckning Bilaga 4 – Bedömning av stickprov")
    assert not names_appendix("Vad står i bilaga 5?", "Bilaga 4 – Bedömning av stickprov")
    assert names_appendix("What is in appendix 7?", "Bil 6: Kompetens 34 Bil 7: Starka och svaga frågor")


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("Vad står det i bilaga 4 till Uddevallas rapport om inköp och upphandling?", "Bedömning av stickprov"),
        ("Vad handlar bilaga 7 om i Botkyrkas granskning av ekonomistyrning?", "Starka och svaga"),
        ("Vad tar bilagan till Marks rapport om LSS-verksamheten upp?", "personkretsar"),
    ],
)
def test_an_appendix_question_is_answered_from_a_real_report(audits_engine: Engine, question: str, key: str):
    a = audits_engine.ask(question)
    assert not a.abstained and key_found(key, a.answer), a.answer


def test_a_question_for_the_firm_is_not_answered_by_the_authors_cover_line(audits_engine: Engine):
    # Botkyrka's report names its authors on the cover, but no firm.
    a = audits_engine.ask("Vilken revisionsbyrå gjorde Botkyrkas granskning av ekonomistyrningen?")
    assert a.abstained, a.answer
    # Where a firm is named, the question is answered by it.
    b = audits_engine.ask("Vilken revisionsbyrå granskade försörjningsstödet i Härjedalen?")
    assert not b.abstained and key_found("Deloitte", b.answer), b.answer


def test_the_firms_a_text_names():
    assert auditor_names("På uppdrag av revisorerna har Deloitte genomfört en granskning.") == ["Deloitte"]
    assert auditor_names("Jan Nilsson Göran Person- Lingman Anders Hägg Maj 2012") == []


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        # The report says interviews, sample checks and document review: no survey, so "only a survey" is gainsaid.
        ("Granskningen av LSS-verksamheten i Marks kommun har utförts endast genom en webbenkät.", "contradicted"),
        ("Granskningen av LSS i Marks kommun genomfördes enbart via telefonintervjuer med brukare.", "contradicted"),
        # One of the means it names, or the means without "only", is no contradiction.
        ("Granskningen av LSS-verksamheten i Mark har utförts genom intervjuer.", "supported"),
    ],
)
def test_a_claim_of_only_one_means_is_gainsaid_by_the_means_stated(audits_engine: Engine, claim: str, verdict: str):
    v = audits_engine.verify(claim)
    assert v.verdict == verdict, (v.verdict, v.explanation)
    if verdict == "contradicted":
        assert v.citations and "intervjuer" in v.citations[0].text, v.citations


def test_how_many_recommendations_is_answered_by_the_sentence_giving_their_number(audits_engine: Engine):
    a = audits_engine.ask("Hur många rekommendationer ville revisorerna i Huddinge ha kommunstyrelsens kommentarer på?")
    assert not a.abstained and key_found("fyra rekommendationer", a.answer), a.answer
    assert len(a.citations) == 1, a.answer
    # Asked which they are, the items are listed as before.
    b = audits_engine.ask("Vilka rekommendationer ville revisorerna i Huddinge ha kommunstyrelsens kommentarer på?")
    assert len(b.citations) > 1 and key_found("logglista", b.answer), b.answer
