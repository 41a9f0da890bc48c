"""The audits development set loaded once for every tracker test, and indexed once for the answering tests
(loading, building and indexing it take seconds)."""

from __future__ import annotations

import pytest
from granska.eval.tracker_eval import load_folder
from granska.qa.recommendations import Recommendation, build

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits"


@pytest.fixture(scope="session")
def audit_docs() -> dict:
    return load_folder(AUDITS / "docs")


@pytest.fixture(scope="session")
def audit_rows(audit_docs: dict) -> list[Recommendation]:
    return build(audit_docs)


@pytest.fixture(scope="session")
def audits_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The audits documents indexed with the hash embedder: search is lexical by default (w_dense=0), so it
    answers exactly as the real model does. Tests must not write into it."""
    engine = Engine(hash_settings(tmp_path_factory.mktemp("audits-index")))
    assert not engine.ingest([AUDITS / "docs"]).skipped
    return engine


@pytest.fixture(scope="session")
def bundled_hash_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled corpus indexed with the hash embedder (lexical search answers as with the real model)."""
    engine = Engine(hash_settings(tmp_path_factory.mktemp("bundled-hash")))
    assert not engine.ingest([BUNDLED_CORPUS]).skipped
    return engine


@pytest.fixture(scope="session")
def both_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The audits documents and the bundled corpus in one index, as an office holding both would have it: more
    passages compete, so a date may stand below the first five. Tests must not write into it."""
    engine = Engine(hash_settings(tmp_path_factory.mktemp("audits-and-bundled")))
    assert not engine.ingest([AUDITS / "docs", BUNDLED_CORPUS]).skipped
    return engine
