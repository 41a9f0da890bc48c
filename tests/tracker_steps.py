"""What the stored-tracker tests share: a municipality to walk through adds and removes, the answers of each
municipality, a place's rows built from scratch, and a place's stored rows put back as they were."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from granska.eval.scale import write_corpus
from granska.eval.tracker_eval import load_folder
from granska.index import rows as tracker_rows
from granska.qa import rec_work, recommendations
from granska.qa.rec_tables import place_key

from granska.engine import BUNDLED_CORPUS, Engine
from granska.types import DocMeta, Document
from tests.conftest import hash_settings

Rows = dict[str, dict[str, list[Any]]]


@dataclass
class Walk:
    """The largest municipality of a synthetic corpus, an engine whose store takes its rows, and the "other"
    document and the answer a walk adds and removes."""

    group: dict[str, Document]
    engine: Engine
    names: list[str]
    other: str
    answer: str


def largest_synthetic_place(tmp_path: Path) -> Walk:
    write_corpus(tmp_path / "corpus", 3000, seed=5)
    places: dict[str, dict[str, Document]] = {}
    for n, d in sorted(load_folder(tmp_path / "corpus").items()):
        places.setdefault(place_key(d.meta, n), {})[n] = d
    group = max(places.values(), key=len)
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])  # a store for the rows (the synthetic municipality's keys are its own)
    names = sorted(group)
    other = next(n for n in names if group[n].meta.role == "other")
    answer = next(n for n in names if group[n].meta.role == "response")
    return Walk(group, engine, names, other, answer)


def responses_by_place(metas: dict[str, DocMeta]) -> dict[str, list[str]]:
    """Each municipality's answer documents."""
    responses: dict[str, list[str]] = {}
    for n, m in metas.items():
        if m.role == "response":
            responses.setdefault(place_key(m, n), []).append(n)
    return responses


def scratch_rows(store: Any, place: str) -> list[Any]:
    """The place's recommendation rows built from scratch (no memo) over the committed documents."""
    docs = store.documents()
    group = {n: docs[n] for n, m in store.metas().items() if place_key(m, n) == place}
    return [tracker_rows.dump(r) for r in recommendations.build(group)]


def put_back(store: Any, held: Rows, rows: Rows) -> None:
    """The rows the store holds now (`held`) replaced by `rows`, in one write (what a store of before a change,
    or a worker killed before writing its relink, leaves)."""
    gone: Rows = {k: {kind: [] for kind in kinds} for k, kinds in held.items()}
    store.put_tracker(
        {k: gone.get(k, {}) | rows.get(k, {}) for k in set(gone) | set(rows)}, code=rec_work.tracker_code()
    )
