from __future__ import annotations

from pathlib import Path

import pytest
from granska.ingest.metadata import infer, merge, read_sidecar

from granska.engine import BUNDLED_CORPUS
from granska.text import fold

# What the text alone says, checked against the sidecar of the bundled corpus.
EXPECTED = {
    "000_4d997ea345fff442.txt": ("Borås Stad", "response"),
    "001_4163dba9df5f7a61.txt": ("Borås Stad", "missive"),
    "002_63a26b5793253781.txt": (None, "missive"),
    "003_f15778b1dd09b2e4.txt": ("Trollhättans Stad", "audit_report"),
    "004_bc115543fd4b41f8.txt": ("Motala kommun", "response"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_inferred_from_text_alone(name: str):
    meta = infer((BUNDLED_CORPUS / name).read_text(encoding="utf-8"))
    municipality, role = EXPECTED[name]
    assert meta.role == role
    # 000 is OCR'd ("Boras Stad"): the text alone cannot restore the å.
    assert fold(meta.municipality or "") == fold(municipality or "")
    assert meta.title


def test_sidecar_wins_and_inference_fills_the_gaps(tmp_path: Path):
    rows = read_sidecar(BUNDLED_CORPUS)
    assert rows["002_63a26b5793253781.txt"].municipality is None and rows["002_63a26b5793253781.txt"].auditor == "PwC"
    merged = merge(rows["003_f15778b1dd09b2e4.txt"], infer((BUNDLED_CORPUS / "003_f15778b1dd09b2e4.txt").read_text()))
    assert merged.date is None or merged.date.startswith("20")
    assert (merged.auditor, merged.role, merged.municipality) == ("EY", "audit_report", "Trollhättans Stad")
