"""Each document's extracted recommendations are stored beside the tracker rows, so a new worker process's first
relink reads them back instead of extracting every document again, with the same rows; a stored extraction of
another text is not used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from granska.qa import rec_extract, rec_found, rec_work
from granska.qa.rec_tables import place_key

from granska.engine import Engine
from tests.conftest import hash_settings
from tests.test_tables_upgrade import bundled_with_tables


def _places(rows: dict[str, dict[str, list[Any]]]) -> dict[str, list[str]]:
    return {k: [json.dumps(r, sort_keys=True) for r in v["recommendations"]] for k, v in rows.items()
            if k.startswith("place:") and v.get("recommendations")}  # fmt: skip


def test_a_new_worker_reads_the_stored_extractions_and_gives_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    idx = bundled_with_tables(tmp_path / "idx")[0]
    engine = Engine(hash_settings(idx))
    assert engine.wait_for_tracker(timeout=300)
    store = engine.store
    metas = store.metas()
    stored = dict(store.tracker(rec_found.KIND))
    assert set(stored) == {f"{rec_found.FOUND}{n}" for n in metas}  # written by the background beside the rows
    places = sorted({place_key(m, n) for n, m in metas.items()})
    extracted: list[str] = []
    real = rec_extract._extract
    monkeypatch.setattr(rec_extract, "_extract", lambda d, m: extracted.append(d.doc) or real(d, m))

    rec_extract._extracted.clear()  # a new process: nothing extracted yet
    fresh = rec_work.recommendation_rows(store, places)
    assert sorted(extracted) == sorted(metas)  # without the stored rows: every document extracted
    # One row per recommendation, under its document's prefix in its municipality (`rec_work.split`).
    keys = {rec_work.place_key_of(place_key(m, n), n) for n, m in metas.items()}
    assert _places(fresh) and {k.rsplit("|", 2)[0] for k in _places(fresh)} <= keys

    extracted.clear()
    rec_extract._extracted.clear()
    kept = rec_found.Kept()
    again = rec_work.recommendation_rows(store, places, kept=kept)
    assert extracted == []  # read back, not extracted
    assert _places(again) == _places(fresh)
    assert not any(k.startswith(rec_found.FOUND) for k in again)  # the store holds them already: not rewritten

    # A stored extraction of another text (the digest differs) is not used: that document is extracted again.
    name = min(metas)
    row = stored[f"{rec_found.FOUND}{name}"][0] | {"digest": "0" * 32}
    store.put_tracker({f"{rec_found.FOUND}{name}": {rec_found.KIND: [row]}}, code=rec_work.tracker_code())
    extracted.clear()
    rec_extract._extracted.clear()
    third = rec_work.recommendation_rows(store, places, kept=rec_found.Kept())
    assert extracted == [name] and _places(third) == _places(fresh)
    assert (
        third[f"{rec_found.FOUND}{name}"][rec_found.KIND][0]["digest"]
        == stored[f"{rec_found.FOUND}{name}"][0]["digest"]
    )
