"""The audits development set loaded once for every tracker test (loading and building it takes seconds)."""

from __future__ import annotations

import pytest
from granska.eval.tracker_eval import load_folder
from granska.qa.recommendations import Recommendation, build

from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits"


@pytest.fixture(scope="session")
def audit_docs() -> dict:
    return load_folder(AUDITS / "docs")


@pytest.fixture(scope="session")
def audit_rows(audit_docs: dict) -> list[Recommendation]:
    return build(audit_docs)
