"""Signatories read from real documents' signature blocks, OCR-damaged ones included."""

from __future__ import annotations

from granska.ingest.facts import facts

from granska.engine import BUNDLED_CORPUS
from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _signed(path) -> dict[str, str | None]:
    text = path.read_text(encoding="utf-8")
    found = [f for f in facts(text) if f.kind == "signatory"]
    assert all(text[f.start : f.end] == f.value for f in found)
    return {f.value: f.role for f in found}


def test_ocr_damaged_columns_with_a_genitive_role():
    # "Ulf Olsson Svante Stomberg" over "Kommunstyrelsens ordférande Stadsdirektor" (OCR'd scan of a letter).
    signed = _signed(BUNDLED_CORPUS / "000_4d997ea345fff442.txt")
    assert signed == {"Ulf Olsson": "Kommunstyrelsens ordférande", "Svante Stomberg": "Stadsdirektor"}


def test_columns_keep_the_vice_chairs_apart():
    signed = _signed(AUDITS / "harnosand-2021-bokslut-arsredovisning-missiv.txt")
    assert signed["Sigge Tjernlund"] == "Ordförande" and signed["Ingrid Flodin"] == "Vice ordförande"
    assert signed["Bo-Anders Öberg"] == "2:a vice ordförande"
