"""The scale benchmark at smoke size: every figure is measured, in fresh processes, against a real store."""

from __future__ import annotations

import json
from pathlib import Path

from granska.eval import scale
from granska.ui.cli import app
from typer.testing import CliRunner


def test_scale_bench_smoke_measures_every_figure(tmp_path: Path):
    result = CliRunner().invoke(app, ["bench", "--passages", "0", "--smoke", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    row = json.loads((tmp_path / "scale.json").read_text())["rows"][0]
    assert row["docs"] == round(scale.SMOKE / scale.PASSAGES_PER_DOC)
    assert 0.5 * scale.SMOKE <= row["passages"] <= 1.5 * scale.SMOKE
    for key in ("ingest_passages_per_s", "add_one_s", "remove_one_s", "first_answer_s", "query_p50_ms"):
        assert row[key] > 0, key
    assert row["query_p95_ms"] >= row["query_p50_ms"]
    assert row["disk_bytes"] > 0 and row["serving_rss"] > 0 and row["peak_rss"] > 0
    assert row["baseline"]["passages"] == row["passages"] and row["baseline"]["rebuild_s"] > 0
    assert (tmp_path / "scale.png").stat().st_size > 1000
    assert "| passages | ingest passages/s |" in (tmp_path / "scale.md").read_text()
