"""`granska eval` and `granska bench --smoke` as CI runs them: real runs, real files, sane numbers."""

from __future__ import annotations

import json
from pathlib import Path

from granska.eval.metrics import covers, key_found
from granska.ui.cli import app
from typer.testing import CliRunner

from tests.conftest import DEV


def test_metric_definitions():
    ev = [{"doc": "a", "start": 100, "end": 200}]
    assert covers({"doc": "a", "start": 150, "end": 400}, ev)  # 50 of the shorter 100: exactly half
    assert not covers({"doc": "a", "start": 151, "end": 400}, ev)
    assert not covers({"doc": "b", "start": 100, "end": 200}, ev)
    assert key_found("Arbetslivsnämnden", "Da Arbetslivsnimnden senast 2022")
    assert not key_found("Arbetslivsnämnden", "Kommunstyrelsen")


def test_eval_with_baselines_writes_report_results_and_chart(tmp_path: Path):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["eval", str(DEV), "--baselines", "--index-dir", str(tmp_path / "idx"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    results = json.loads((out / "results.json").read_text())
    systems = results["systems"]
    assert set(systems) == {
        "granska",
        "lexical only",
        "char-BM25 only",
        "dense only",
        "hybrid (dense 0.1)",
        "langchain FAISS recipe",
    }
    ours, recipe = systems["granska"]["summary"]["all"], systems["langchain FAISS recipe"]["summary"]["all"]
    assert ours["recall5"] >= 0.95 and ours["hit1"] > recipe["hit1"]
    assert ours["verdict_correct"] >= 0.9 and ours["abstained_unanswerable"] >= 0.66
    assert len(systems["granska"]["questions"]) == 26
    # Each row says which retrieval made it (extending the fields, none renamed): the index is built at the
    # default w_dense 0, so it holds no vectors and the dense rows say they fused none.
    assert all({"summary", "latency_ms", "questions", "retrieval"} <= set(s) for s in systems.values())
    retrieval = {name: s["retrieval"] for name, s in systems.items()}
    assert retrieval["granska"]["w_dense"] == 0.0 and retrieval["dense only"]["w_dense"] == 1.0
    assert retrieval["granska"]["passages"] > 0 and retrieval["dense only"]["passages_with_vectors"] == 0
    assert retrieval["langchain FAISS recipe"]["embedder"] == results["settings"]["embedder"]["model"]
    report_md = (out / "report.md").read_text()
    assert report_md.startswith("# Granska evaluation")
    search = results["settings"]["search"]
    assert f"| char {search['w_char']:g} + word {search['w_word']:g}, reranked |" in report_md
    assert "- dense only: the index holds no vectors (built at w_dense 0)" in report_md
    assert (out / "metrics.png").read_bytes()[:4] == b"\x89PNG"


def test_bench_smoke(tmp_path: Path):
    result = CliRunner().invoke(app, ["bench", "--smoke", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    b = json.loads((tmp_path / "bench.json").read_text())
    assert b["query_latency"]["ratio_p50"] > 0 and b["ingest"]["ratio"] > 0
    assert b["ingest"]["reingest_fraction"] < 0.05  # unchanged files are not re-read
    assert b["scale"]["index"] == "IndexFlatIP" and b["scale"]["query_p50_ms"] > 0
    assert "| query latency p50 / floor |" in (tmp_path / "bench.md").read_text()
