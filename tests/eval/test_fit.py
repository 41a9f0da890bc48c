"""The one-command refit of the learned answer scorer runs, end to end, on a tiny subset of SweQUAD-MC."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from granska.qa import scorer


def test_refit_script_runs_on_a_tiny_subset_and_writes_a_loadable_model(tmp_path: Path):
    out = tmp_path / "answer.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "granska.eval.fit_answer",
            "--work",
            str(tmp_path / "work"),
            "--limit",
            "8",
            "--no-dense",
            "--out",
            str(out),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"wrote {out}" in done.stdout
    model = scorer.load(out)
    assert model.selector.features == scorer.SENTENCE_FEATURES and 0.0 <= model.threshold <= 1.0
    meta = json.loads(out.read_text(encoding="utf-8"))
    assert meta["questions"] == {"train": 8, "dev": 8}
    assert set(meta["fusion"]) == {"w_char", "w_word", "w_dense"} and meta["fusion"]["w_char"] >= 0
    figures = meta["figures"]
    assert {"train_fitted", "train_cv", "dev"} <= set(figures["fusion"])
    assert {"sentence_hit1", "abstain_unanswerable", "false_abstention"} <= set(figures["train_cv"])
