"""Engine.places(): the municipalities the question reader knows, read once per store version."""

from __future__ import annotations

import shutil
from pathlib import Path

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import SHARED, hash_settings


def test_places_are_read_once_per_store_version_and_follow_an_ingest(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("001_4163dba9df5f7a61.txt", "metadata.tsv"):
        shutil.copy(BUNDLED_CORPUS / name, corpus / name)
    engine = Engine(hash_settings(tmp_path / "index"))
    engine.ingest([corpus])
    first = engine.places()
    assert first and engine.places() is first  # the same list: not recomputed per question
    # A document of another municipality: the next store version's places hold it.
    audits = SHARED / "datasets" / "audits"
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(audits / "docs" / "uppsala-2016-lss-uppfoljningsrutiner.txt", other)
    rows = (audits / "metadata.tsv").read_text(encoding="utf-8").splitlines()
    (other / "metadata.tsv").write_text(
        "\n".join([rows[0], *(r for r in rows if r.startswith("uppsala-2016-lss"))]) + "\n", encoding="utf-8"
    )
    engine.ingest([other])
    after = engine.places()
    assert after is not first and set(first) < set(after) and "Uppsala kommun" in after
    assert (
        engine.ask("Vilka rekommendationer lämnade granskningen i Uppsala kommun?").notes["targets"]["municipality"]
        == "Uppsala kommun"
    )
