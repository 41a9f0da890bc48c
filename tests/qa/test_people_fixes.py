"""Who holds a role, who is the contact person, and places written as initialisms (issue #10, session 26): "Vem
är vice ordförande …" asks for a person on the document; the vice chair is neither the chair nor the second vice
chair; a name beside its own e-mail address is a contact person; a role read after a name stops at the next name;
"VGR" is read from the metadata's "Västra Götalandsregionen" (never from a list) and "regionstyrelsen" names no
"Region X"; the day a body handled its own answer is its answer document's date. On the real audits documents and
on documents generated here (a signature block laid out as two lines in a DOCX, a letterhead in a PDF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from granska.eval.metrics import key_found
from granska.ingest.facts import facts
from granska.qa import place_names, tracker
from granska.qa.intent import kind, read
from granska.qa.routes import asked_role

from granska.engine import Engine
from granska.text import fold
from tests.conftest import SHARED, hash_settings, make_docx, make_pdf

AUDITS = SHARED / "datasets" / "audits" / "docs"


def test_a_role_asked_after_is_or_was_asks_for_a_person():
    assert kind("Vem är vice ordförande för revisorerna?") == "signed_by"
    assert kind("Vem var revisionskonsult i granskningen?") == "signed_by"
    assert kind("Who is the deputy chair of the auditors?") == "signed_by"
    # A question that names no role is not turned into one for a person.
    assert kind("Vem är ansvarig för lokalplaneringen?") != "signed_by"


def test_the_vice_chair_is_asked_apart_from_the_chair():
    assert asked_role(fold("Vem är ordförande för revisorerna?")) == "chair"
    assert asked_role(fold("Vem är vice ordförande för revisorerna?")) == "vice chair"
    assert asked_role(fold("Vem är 2:a vice ordförande?")) == "2nd vice chair"
    assert asked_role(fold("Who is the deputy chair?")) == "vice chair"
    assert asked_role(fold("Who chairs the auditors?")) == "chair"


@pytest.mark.parametrize(
    ("question", "name", "not_named"),
    [
        ("Vem var vice ordförande bland Härnösands revisorer när missivet skrevs?", "Ingrid Flodin", "Sigge Tjernlund"),
        ("Vem är 2:a vice ordförande för revisorerna i Härnösand?", "Bo-Anders Öberg", "Ingrid Flodin"),
        ("Who is the deputy chair of the auditors in Härnösand?", "Ingrid Flodin", "Bo-Anders Öberg"),
    ],
)
def test_a_signature_block_of_names_over_roles_answers_who_holds_a_role(
    audits_engine: Engine, question: str, name: str, not_named: str
):
    a = audits_engine.ask(question)
    assert not a.abstained and a.notes["path"] == "facts", a.answer
    assert key_found(name, a.answer) and not key_found(not_named, a.answer), a.answer


def test_a_role_read_after_a_name_stops_at_the_next_name(audits_engine: Engine):
    # "Bo Rehnberg Cert. kommunal revisor Susanna Huber Revisionskonsult": the consultant is she alone.
    a = audits_engine.ask("Vem var revisionskonsult för PwC:s rapport om intern kontroll i Skellefteå?")
    assert key_found("Susanna Huber", a.answer) and not key_found("Bo Rehnberg", a.answer), a.answer


def test_a_name_beside_its_own_e_mail_address_is_a_contact_person():
    text = (AUDITS / "kavlinge-2016-barn-som-far-illa-yttrande.txt").read_text(encoding="utf-8")
    found = [f for f in facts(text) if f.kind == "contact"]
    assert [f.value for f in found] == ["Mats Svedberg"] and text[found[0].start : found[0].end] == "Mats Svedberg"
    text = (AUDITS / "harnosand-2021-bokslut-arsredovisning-missiv.txt").read_text(encoding="utf-8")
    assert [f.value for f in facts(text) if f.kind == "contact"] == ["Lena Medin"]  # "(mailadress lena.medin@…)"
    # A name beside someone else's address, or a shared mailbox, names no contact person.
    assert not [f for f in facts("Handlingar till Anna Berg registrator@exempel.se") if f.kind == "contact"]


def test_the_contact_person_of_a_letterhead_answers(audits_engine: Engine):
    a = audits_engine.ask("Vem är kontaktperson för Kävlinges yttrande om barn som far illa?")
    assert not a.abstained and key_found("Mats Svedberg", a.answer), a.answer
    assert "@" not in a.answer, a.answer  # the name, not the letterhead's address


def test_a_generated_docx_signature_block_and_pdf_letterhead(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    make_docx(
        docs / "missiv.docx",
        [
            "Revisionsrapport om intern kontroll",
            "Revisorerna har granskat nämndens interna kontroll och lämnar rapporten till kommunstyrelsen.",
            "För kommunens revisorer",
            "Karin Lindqvist Per Sandberg",
            "Ordförande Vice ordförande",
        ],
    )
    make_pdf(
        docs / "svar.pdf",
        [
            (
                "Svar på revisionsrapporten om intern kontroll. Nämnden instämmer i revisorernas bedömning och "
                "kommer att se över rutinerna under året.\n\nSocialnämnden Eva Holmgren Eva.Holmgren@exempel.se "
                "Storgatan 1, 123 45 Exempelby 0123-45 67 89"
            )
        ],
    )
    engine = Engine(hash_settings(tmp_path / "index"))
    assert not engine.ingest([docs]).skipped
    a = engine.ask("Vem är vice ordförande för revisorerna?")
    assert key_found("Per Sandberg", a.answer) and not key_found("Karin Lindqvist", a.answer), a.answer
    a = engine.ask("Vem är kontaktperson för nämndens svar på revisionsrapporten?")
    assert key_found("Eva Holmgren", a.answer) and "@" not in a.answer, a.answer


def test_initialisms_are_read_from_the_names_themselves():
    assert place_names.initialisms("Västra Götalandsregionen") == {"vgr"}
    assert place_names.initialisms("Region Jämtland Härjedalen") == {"rjh"}
    assert place_names.initialisms("Borås Stad") == frozenset()  # two letters are too often something else
    places = ["Region Jämtland Härjedalen", "Västra Götalandsregionen"]
    assert place_names.spelled_out("Vad gör VGR:s revisorer?", places) == "Vad gör Västra Götalandsregionens revisorer?"
    assert place_names.unnamed("What does the VGR board say?", places) == "What does the board say?"
    # Lower case, or inside a word, is no initialism; an initialism no place has is left as written.
    assert place_names.spelled_out("Vad gör vgr och LSS?", places) == "Vad gör vgr och LSS?"


def test_a_place_word_alone_names_no_region():
    places = ["Härnösands kommun", "Region Jämtland Härjedalen", "Region Uppsala", "Uppsala kommun"]
    assert read("Vad svarade regionstyrelsen på anmärkningen?", places=places).municipality is None
    assert read("Vad svarade regionstyrelsen i Uppsala?", places=places).municipality == "Region Uppsala"
    assert read("Hur arbetar Uppsala kommun med LSS?", places=places).municipality == "Uppsala kommun"
    assert read("Hur arbetar Uppsala med LSS?", places=places).municipality == "Uppsala kommun"
    assert not tracker.mentions_place("Regionstyrelsen lämnade en förklaring.", "Region Jämtland Härjedalen")
    assert tracker.mentions_place("Regionstyrelsen i Jämtland Härjedalen svarade.", "Region Jämtland Härjedalen")
    assert tracker.mentions_place("Vad svarade VGR?", "Västra Götalandsregionen")


def test_a_region_asked_by_its_initialism_is_answered_from_its_documents(audits_engine: Engine):
    a = audits_engine.ask("Vad anser regionstyrelsen i VGR är det som brister, enligt förklaringen över anmärkningen?")
    assert not a.abstained and a.citations[0].doc == "vgr-2023-regionstyrelsen-forklaring-anmarkning.txt", a.answer
    assert key_found("genomförandet av fattade beslut", a.answer), a.answer
    a = audits_engine.ask("Delar regionstyrelsen i VGR revisorskollegiets syn på krisberedskapen?")
    assert not a.abstained and key_found("delar överlag", a.answer), a.answer
    # A firm the documents never name is still no answer, the region spelled out or not.
    assert audits_engine.ask("Vilket konsultföretag fick mest betalt av VGR?").abstained


def test_the_day_a_body_handled_its_own_answer_is_its_answer_documents_date(audits_engine: Engine):
    a = audits_engine.ask("Vilket datum behandlade regionstyrelsen i VGR förklaringen över anmärkningen?")
    assert not a.abstained and key_found("11 april 2023", a.answer), a.answer
    # A body that issued no answer document among the passages gets no date from another's.
    a = audits_engine.ask("När beslutade kommunfullmäktige i Uddevalla om nya riktlinjer för direktupphandling?")
    assert not key_found("2021", a.answer) or a.notes["path"] != "facts", a.answer
