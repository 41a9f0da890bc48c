"""Each intent path end to end through Engine.ask, on the bundled corpus plus the audits documents; the
section filter; `granska docs show`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from granska.eval.metrics import key_found

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import GRANSKA, SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits" / "docs"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    # Search is lexical by default (w_dense=0), so the hash embedder answers exactly as the real one does.
    e = Engine(hash_settings(tmp_path_factory.mktemp("routes-index")))
    report = e.ingest([BUNDLED_CORPUS, AUDITS])
    assert not report.skipped
    return e


def exact(engine: Engine, answer) -> None:
    docs = engine.documents()
    for c in answer.citations:
        assert docs[c.doc].text[c.start : c.end] == c.text


@pytest.mark.parametrize(
    ("question", "intent", "path", "keys"),
    [
        (
            "Vilka undertecknade missivet om granskningen av bokslut och årsredovisning för Härnösands kommuns revisorer, och med vilka roller?",
            "signed_by",
            "facts",
            ["Sigge Tjernlund", "Ordförande", "Ingrid Flodin", "Vice ordförande", "Bo-Anders Öberg"],
        ),
        (
            "Who signed the audit report on the LSS activities in Mark municipality?",
            "signed_by",
            "facts",
            ["Ingrid Norman", "revisor"],
        ),
        (
            "Vilken revisionsbyrå granskade direktupphandling och avtalstrohet i Uddevalla kommun?",
            "auditor",
            "facts",
            ["EY"],
        ),
        (
            "Vem gav EY i uppdrag att granska styrning och uppföljning av integrationsarbetet i Trollhättan?",
            "issuer",
            "facts",
            ["Kommunrevisionen"],
        ),
        (
            "Vilket diarienummer har Motalas ärende om revisionens granskning av integrationsarbetet?",
            "reference",
            "facts",
            ["18/KS 0257"],
        ),
        (
            "Vilket datum har Uppsala kommuns granskningsrapport om uppföljningsrutiner vid myndighetsbeslut inom LSS?",
            "when",
            "facts",
            ["23 augusti 2016"],
        ),
        (
            "Vem ansvarar för integrationsfrågorna i Motala?",
            "responsible",
            "responsibilities",
            ["Kommunstyrelsen"],
        ),
        (
            "Vad var revisorernas samlade bedömning av kommunstyrelsens styrning och kontroll av lokalförsörjningen i Uppsala kommun?",
            "assessment",
            "section",
            ["delvis"],
        ),
        (
            "Vad var syftet med granskningen av hemsjukvården i Härnösands kommun 2015?",
            "purpose",
            "section",
            ["organisation"],
        ),
        (
            "Vilket bostadsbolag i Trollhättan rapporterar sitt arbete med social hållbarhet till moderbolaget?",
            "other",
            "open",
            ["Eidar"],
        ),
    ],
)
def test_intent_paths(engine: Engine, question: str, intent: str, path: str, keys: list[str]):
    a = engine.ask(question)
    assert a.notes["intent"] == intent and a.notes["path"] == path, a.notes
    assert not a.abstained and all(key_found(k, a.answer) for k in keys), a.answer
    exact(engine, a)
    if path != "open":  # where the intent chose the source, the passage holding the answer comes first
        first = a.passages[0].chunk
        assert first.doc == a.citations[0].doc and first.start <= a.citations[0].start < first.end


def test_response_path_quotes_the_answer_not_the_recommendation(engine: Engine):
    a = engine.ask(
        "Hur svarade socialnämnden i Kävlinge kommun på rekommendationen om kvalitetsgranskning av förhandsbedömningar?"
    )
    assert a.notes["intent"] == "response" and not a.abstained
    assert key_found("nyckeltal", a.answer), a.answer
    exact(engine, a)


def test_list_answer_gives_every_item_cited(engine: Engine):
    a = engine.ask("Vilka rekommendationer lämnade revisorerna i Huddinge kommun till kommunstyrelsen?")
    assert a.notes["intent"] == "recommendations" and not a.abstained
    assert len(a.citations) >= 4 and all(f"[{i}]" in a.answer for i in range(1, len(a.citations) + 1))
    exact(engine, a)


def test_contact_lines_never_stand_as_an_answer(engine: Engine):
    a = engine.ask("Vilken e-postadress och vilket telefonnummer har kommunstyrelsen i Kävlinge?")
    assert "@" not in a.answer and "046-73" not in a.answer


def test_answers_outside_lists_are_short(engine: Engine):
    rows = [json.loads(x) for x in (SHARED / "datasets" / "audits" / "questions.jsonl").read_text().splitlines()]
    lengths = []
    for r in rows:
        if r["type"] in ("claim", "unanswerable", "recommendations"):
            continue
        a = engine.ask(r["question"])
        if not a.abstained and len(a.citations) <= 2:
            lengths.append(len(a.answer))
    lengths.sort()
    assert lengths[len(lengths) // 2] <= 300


def test_section_filter_in_search_ask_and_tables(engine: Engine):
    hits = engine.search("bedömning", k=10, filters=["section=assessment"])
    assert hits and all(h.section == "assessment" for h in hits)
    by_heading = engine.search("styrning", k=10, filters=["section=Viktiga iakttagelser"])
    assert by_heading and all("Resultat | Viktiga iakttagelser" in h.headings for h in by_heading)
    assert engine.search("styrning", filters=["section=nosuchsection"]) == []
    a = engine.ask("Vad bedömde revisorerna?", filters=["section=assessment"])
    assert all(p["meta"]["section"] == "assessment" for p in a.as_dict()["passages"])
    recs = engine.recommendations(filters=["section=recommendations"])
    docs = engine.documents()
    outlines = [docs[r.recommendation.doc].outline for r in recs]
    assert all(o is not None for o in outlines)
    assert all(o.kind_at(r.recommendation.start) == "recommendations" for o, r in zip(outlines, recs, strict=True) if o)


def test_docs_show_prints_outline_and_facts(engine: Engine):
    index_dir = str(engine.settings.index_dir)
    env = {"GRANSKA_EMBEDDER__MODEL": "hash", "PATH": str(Path(GRANSKA).parent), "HF_HUB_OFFLINE": "1"}
    name = "harnosand-2021-bokslut-arsredovisning-missiv.txt"
    out = subprocess.run(
        [GRANSKA, "docs", "show", name, "--json", "--index-dir", index_dir],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    text = engine.documents()[name].text
    assert obj["doc"] == name and obj["sections"] and obj["facts"]
    sig = [f for f in obj["facts"] if f["kind"] == "signatory"]
    assert {"value": "Sigge Tjernlund", "role": "Ordförande"}.items() <= sig[0].items()
    assert text[sig[0]["start"] : sig[0]["end"]] == "Sigge Tjernlund"
    plain = subprocess.run(
        [GRANSKA, "docs", "show", name, "--index-dir", index_dir], check=False, capture_output=True, text=True, env=env
    )
    assert "[summary] Sammanfattning" in plain.stdout and "signatory: Sigge Tjernlund (Ordförande)" in plain.stdout
    bad = subprocess.run(
        [GRANSKA, "docs", "show", "nope.txt", "--index-dir", index_dir],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error: no document named 'nope.txt'")


def test_who_chairs_gives_the_chair_not_the_vice_chairs(engine: Engine):
    a = engine.ask("Who chairs the auditors of Härnösand municipality?")
    assert a.notes["intent"] == "signed_by" and a.notes["path"] == "facts", a.notes
    assert key_found("Sigge Tjernlund", a.answer) and "Ingrid Flodin" not in a.answer, a.answer
    exact(engine, a)


def test_signatories_of_an_ocr_damaged_answer(engine: Engine):
    a = engine.ask(
        "Vem har skrivit under kommunstyrelsens svar på revisionsrapporten om integration och etablering i Borås?"
    )
    assert a.notes["intent"] == "signed_by" and a.notes["path"] == "facts", a.notes
    assert key_found("Ulf Olsson", a.answer) and key_found("ordförande", a.answer), a.answer
    exact(engine, a)


def test_unanswered_recommendations_lists_only_the_open_rows(engine: Engine):
    a = engine.ask("Vilka av rekommendationerna om barn som far illa har socialnämnden i Kävlinge inte besvarat?")
    assert a.notes["intent"] == "status" and a.notes["path"] == "recommendations-open", a.notes
    assert key_found("delegationsordning", a.answer) and key_found("standardformuleringar", a.answer)
    assert "kvalitetsgranskning" not in a.answer, a.answer  # the one the answer responds to is not open
    exact(engine, a)


def test_response_quotes_the_sentence_that_answers(engine: Engine):
    # The linked answer opens by restating the recommendation; the sentence that answers stands further on.
    a = engine.ask(
        "Vad svarade kommunstyrelsen i Motala på rekommendationen om att se över ansvarsområdena för integration?"
    )
    assert a.notes["path"] == "responses", a.notes
    assert key_found("delar", a.answer) and key_found("översyn", a.answer) and len(a.answer) <= 300, a.answer
    exact(engine, a)


def test_a_count_of_staff_is_answered_by_any_word_for_staff(engine: Engine):
    a = engine.ask("Hur många anställda hade socialförvaltningen på Lidingö innan förvaltningarna slogs ihop?")
    assert not a.abstained and key_found("45", a.answer), a.answer


def test_not_acted_on_prefers_what_was_not_done_at_all(engine: Engine):
    a = engine.ask(
        "I vilken av de uppföljda granskningarna har kommunstyrelsen i Uppsala inte vidtagit några åtgärder alls?"
    )
    assert a.notes["intent"] == "status" and not a.abstained
    assert "bisysslor" in a.citations[0].text, a.answer


def test_responsibility_of_a_body_named_in_the_sentence_before(engine: Engine):
    # "Omsorgs- och socialnämnden ansvarar för … Nämnden ger även stöd … samt ansvarar för mottagning av nyanlända"
    a = engine.ask("Vilken nämnd på Lidingö tar hand om mottagandet av nyanlända?")
    assert a.notes["path"] == "responsibilities", a.notes
    assert a.answer.startswith("Omsorgs- och socialnämnden"), a.answer
    exact(engine, a)


def test_a_date_question_is_not_answered_by_a_sentence_without_a_day(engine: Engine):
    # The decision's date is not in the documents; the sentence about the remark gives only a year.
    a = engine.ask("Vilket datum godkände regionfullmäktige i Västra Götalandsregionen regionstyrelsens förklaring?")
    assert a.abstained, a.answer


def test_genitive_responsibility(engine: Engine):
    # "Hemsjukvården var tidigare landstingets ansvar och övertogs av kommunen …"
    a = engine.ask("Vem hade ansvaret för hemsjukvården i Härnösand innan kommunen tog över den?")
    assert a.notes["path"] == "responsibilities" and a.answer.startswith("Landstinget"), (a.notes, a.answer)
    exact(engine, a)


def test_who_chaired_abstains_when_no_passage_names_a_person(engine: Engine):
    # No document names the chair of Kävlinge's social committee; the passages found name no one.
    a = engine.ask("Vem var ordförande i socialnämnden i Kävlinge när yttrandet om barn som far illa lämnades?")
    assert a.notes["intent"] == "signed_by" and a.abstained, a.answer


def test_facts_come_from_the_municipality_asked_about(engine: Engine):
    # Motala's documents name no chair; Härnösand's missive does, and must not answer for Motala.
    a = engine.ask("Vem var ordförande i kommunstyrelsen i Motala?")
    assert "Tjernlund" not in a.answer, a.answer


def test_response_to_a_recommendation_no_answer_responds_to(engine: Engine):
    a = engine.ask("Vad säger socialnämnden i Kävlinge om rekommendationen om delegationsordningen?")
    assert a.notes["intent"] == "response" and a.notes["path"] == "responses", a.notes
    assert "inget svar" in a.answer and "delegationsordning" in a.citations[0].text, a.answer
    exact(engine, a)
