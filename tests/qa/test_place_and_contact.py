"""Which municipality or region, a mobile number, a street address (Session 32, issue #10), on the real audits
documents and the bundled corpus; questions worded anew, not evaluation rows."""

from __future__ import annotations

import re

from granska.qa.statement import PHONE

from granska.engine import Engine


def test_which_region_is_the_first_documents_place(both_engine: Engine):
    """No sentence of the report says "i region X" in so many words where it is asked; its metadata does, and
    the answer cites where the text names it."""
    a = both_engine.ask("I vilken region granskades konsultanvändningen?")
    assert not a.abstained and a.notes.get("generator") == "facts", a.answer
    place = both_engine.documents()[a.citations[0].doc].meta.municipality
    assert place and a.answer.startswith(place) and place in a.citations[0].text, a.answer


def test_which_other_municipalities_is_not_the_documents_own(both_engine: Engine):
    """ "Vilka kommuner jämförde X med …" asks for others than X: X's own name in a sentence is no answer."""
    doc = next(d for d in both_engine.documents().values() if "Jämförelser med andra kommuner" in d.text)
    a = both_engine.ask(
        f"Vilka kommuner jämförde {doc.meta.municipality} med när det gäller övergångar till arbete och studier?"
    )
    assert a.abstained, a.answer


def test_a_mobile_number_is_a_contact_detail(both_engine: Engine):
    a = both_engine.ask("Vilket mobilnummer står på kommunstyrelsens skrivelse om integrationsgranskningen?")
    assert not a.abstained and "Mobiltelefon" in a.answer and PHONE.search(a.citations[0].text), a.answer


def test_a_street_address_is_a_contact_detail(both_engine: Engine):
    a = both_engine.ask("Vilken gatuadress står i sidfoten på rapporten om kommunstyrelsens uppsikt?")
    assert not a.abstained and re.search(r"\w+gatan\b", a.citations[0].text), a.answer


def test_the_period_of_a_programme_is_not_the_audits(both_engine: Engine):
    """The audit's period fact answers a question about the audit; a programme's period is its own sentence's."""
    a = both_engine.ask("Vilken period gäller programmet för inkludering och social sammanhållning?")
    assert not a.abstained and "2018-2027" in a.citations[0].text, a.answer
    audit = both_engine.ask("Vilken period omfattade granskningen av integrationsarbetet med tillbakablick?")
    assert not audit.abstained and "2016-2017" in audit.answer, audit.answer


def test_which_recommendations_is_not_answered_by_a_sentence_that_recommends_nothing(both_engine: Engine):
    """A report whose opening pages hold no recommendation (only a contents entry naming them): its purpose
    sentence naming the body is no answer to "Vilka rekommendationer riktade X till Ynämnden?"; a report that
    holds them still answers."""
    doc = next(d for d in both_engine.documents().values() if "säkerställt avtalstrohet" in d.text)
    place = doc.meta.municipality
    a = both_engine.ask(f"Vilka rekommendationer riktade EY till samhällsbyggnadsnämnden i {place}?")
    assert a.abstained, a.answer
    given = both_engine.ask("Vilka rekommendationer fick socialnämnden om förhandsbedömningar och skyddsbedömningar?")
    assert not given.abstained and "förhandsbedömningar" in given.answer, given.answer
