"""Linking over the analysed pool (`linking.best_response`) gives exactly what scoring passage by passage gives
(`linking.best_response_by_pairs`, the previous code), on every recommendation of real and synthetic corpora."""

from __future__ import annotations

from pathlib import Path

import pytest
from granska.eval.scale import write_corpus
from granska.ingest import pipeline
from granska.qa import linking, recommendations
from granska.settings import Settings

from granska.engine import BUNDLED_CORPUS

AUDITS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "audits" / "docs"


def _load(folder: Path) -> dict:
    files, _ = pipeline.collect([folder])
    docs = {}
    for item in pipeline.plan(files, {}):
        loaded = pipeline.load_one(item.source, item.row, Settings().ingest, doc=item.doc)
        docs[loaded.document.doc] = loaded.document
    return docs


def _folders(tmp: Path) -> list[Path]:
    write_corpus(tmp / "syn", 1200, seed=3)  # recombined real sentences with OCR noise, ~16 documents
    return [BUNDLED_CORPUS, AUDITS, tmp / "syn"] if AUDITS.is_dir() else [BUNDLED_CORPUS, tmp / "syn"]


def test_pool_linking_equals_passage_by_passage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[object, object]] = []
    fast = linking.best_response

    def both(*args: object) -> object:
        got, want = fast(*args), linking.best_response_by_pairs(*args)
        seen.append((got, want))
        return want

    monkeypatch.setattr(linking, "best_response", both)
    for folder in _folders(tmp_path):
        recommendations.build(_load(folder))
    linked = [w for _, w in seen if w[0] is not None]
    assert len(seen) > 60 and len(linked) > 20  # enough recommendations, and answers among them
    assert [g for g, _ in seen] == [w for _, w in seen]
