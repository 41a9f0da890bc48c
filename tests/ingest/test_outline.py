"""The outline parser on real documents: the bundled corpus (some OCR-damaged) and the audits set."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from granska.ingest.outline import SECTION_KINDS, kind_of, outline

from granska.engine import BUNDLED_CORPUS
from granska.types import Document, Outline
from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits" / "docs"
ALL = sorted(BUNDLED_CORPUS.glob("*.txt")) + sorted(AUDITS.glob("*.txt"))


def read(path: Path) -> tuple[str, Outline]:
    text = path.read_text(encoding="utf-8")
    return text, outline(Document(path.name, "x", text))


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_sections_cover_the_text_in_order_and_facts_point_into_it(path: Path):
    text, o = read(path)
    assert o.sections[0].start == 0 and o.sections[-1].end == len(text)
    for a, b in zip(o.sections, o.sections[1:], strict=False):
        assert a.end == b.start and a.start <= a.heading_end <= a.end
    for s in o.sections:
        assert s.kind in SECTION_KINDS
        if s.heading:
            assert re.sub(r"\s+", " ", text[s.start : s.heading_end]).strip().startswith(s.heading[:10])
    for f in o.facts:
        assert re.sub(r"\s+", " ", text[f.start : f.end]).strip() == f.value


def test_headings_are_typed_and_give_each_offset_its_path():
    text, o = read(BUNDLED_CORPUS / "003_f15778b1dd09b2e4.txt")
    kinds = [s.kind for s in o.sections]
    assert "findings" in kinds and "assessment" in kinds
    inside = text.index("Hierarkin för de styrande dokumenten")
    assert o.kind_at(inside) == "findings"
    assert o.path_at(inside) == ["Resultat | Viktiga iakttagelser"]
    assert o.path_at(0) == []


def test_ocr_damaged_heading_is_read():
    # "Kommunstyrelsens bedémning": ö read as é; a body's own assessment is its answer, not the auditors'.
    text, o = read(BUNDLED_CORPUS / "000_4d997ea345fff442.txt")
    at = text.index("Kommunstyrelsens bed")
    assert o.section_at(at + 3).kind == "answer"
    assert kind_of("Revisionell bedömning") == "assessment"
    assert kind_of("Kommunstyrelsens svar") == "answer"
    assert kind_of("Innehållsförteckning") == "toc"


def test_flattened_report_keeps_its_table_of_contents_apart():
    # Lines flattened into paragraphs: the TOC lists "Sammanfattning", "Inledning", … which are no headings there.
    text, o = read(AUDITS / "skelleftea-2017-intern-kontroll.txt")
    toc = [s for s in o.sections if s.kind == "toc"]
    assert len(toc) == 1 and "Revisionskriterier" in text[toc[0].start : toc[0].end]
    summary = next(s for s in o.sections if s.kind == "summary")
    assert summary.start > toc[0].start and text[summary.start :].startswith("Sammanfattning")


def test_missive_facts_signatories_addressees_date_firm_period():
    _, o = read(AUDITS / "harnosand-2021-bokslut-arsredovisning-missiv.txt")
    people = {(f.value, f.role) for f in o.facts_of("signatory")}
    assert ("Sigge Tjernlund", "Ordförande") in people
    assert ("Ingrid Flodin", "Vice ordförande") in people
    assert ("Bo-Anders Öberg", "2:a vice ordförande") in people
    assert [f.value for f in o.facts_of("auditor")] == ["KPMG"]
    assert o.facts_of("report_date")[0].value == "2021-04-08"
    assert "Kommunstyrelsen" in o.facts_of("addressee")[0].value
    assert any("2020" in f.value for f in o.facts_of("period"))
    assert o.facts_of("issuer")[0].value.endswith("revisorer")


@pytest.mark.parametrize(
    ("name", "kind", "value"),
    [
        ("004_bc115543fd4b41f8.txt", "diarienummer", "18/KS 0257"),
        ("norrkoping-2016-uppsikt.txt", "diarienummer", "KR-2016/0006"),
        ("mark-2012-lss-verksamheten.txt", "signatory", "Ingrid Norman"),
        ("region-jamtland-harjedalen-2021-anmarkning-forklaring.txt", "paragraph", "§ 33"),
        ("region-jamtland-harjedalen-2021-anmarkning-forklaring.txt", "decision_date", "1 april 2021"),
        ("vgr-2012-konsultanvandning.txt", "signatory", "Kari Aartojärvi"),
    ],
)
def test_document_facts(name: str, kind: str, value: str):
    path = BUNDLED_CORPUS / name if (BUNDLED_CORPUS / name).exists() else AUDITS / name
    _, o = read(path)
    assert value in [f.value for f in o.facts_of(kind)]


def test_no_signatory_is_a_heading_or_a_place():
    for path in ALL:
        _, o = read(path)
        for f in o.facts_of("signatory"):
            assert not re.search(r"(?i)kommun|stad|region|sammanfattning|granskning|rapport", f.value), (path, f)
