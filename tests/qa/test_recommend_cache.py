"""Extracted recommendations are kept per document content: the same document gives the same rows without being
read again, a changed text is read afresh, and a model passed in (a LOMO fold) is never kept."""

from __future__ import annotations

import dataclasses

import pytest
from granska.eval.tracker_eval import load_folder
from granska.qa import rec_extract, rec_model, recommendations

from granska.engine import BUNDLED_CORPUS


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    docs = load_folder(BUNDLED_CORPUS)
    return max(docs.values(), key=lambda d: len(rec_extract._extract(d, rec_model.default())))


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents the real extraction reads from now on (it still runs: this only records its calls)."""
    reads: list[str] = []
    real = rec_extract._extract

    def counted(doc, model):  # type: ignore[no-untyped-def]
        reads.append(doc.doc)
        return real(doc, model)

    monkeypatch.setattr(rec_extract, "_extract", counted)
    return reads


def _rows(found: list) -> list[tuple]:  # type: ignore[type-arg]
    return [(f.span.start, f.span.end, f.span.text, f.addressee, f.label, f.section) for f in found]


def test_a_kept_document_gives_the_rows_a_fresh_read_gives(report, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    rec_extract._extracted.clear()
    fresh = recommendations.extract(report)
    assert len(fresh) >= 3
    reads = _count_reads(monkeypatch)
    again = recommendations.extract(report)
    assert reads == [] and _rows(again) == _rows(fresh)
    assert all(f.doc is report for f in again)  # the rows point at the document asked about, not a kept copy


def test_a_changed_text_or_a_model_passed_in_is_read_again(report, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    rec_extract._extracted.clear()
    before = recommendations.extract(report)
    reads = _count_reads(monkeypatch)
    cut = before[0].span.start
    shorter = dataclasses.replace(report, text=report.text[:cut], page_starts=None)
    assert _rows(recommendations.extract(shorter)) == []  # nothing of the cut-off part is kept
    recommendations.extract(report, model=rec_model.default())
    assert reads == [report.doc, report.doc]
