"""The one-command refit of the learned abstainer runs, end to end, on a small slice (SweQUAD-MC train and one
audit-domain set) and writes a model the answer step loads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from granska.eval import fit_abstain
from granska.qa import abstain


def test_refit_command_runs_on_a_small_slice_and_writes_a_loadable_model(tmp_path: Path):
    out = tmp_path / "abstain.json"
    command = [sys.executable, "-m", "granska.eval.fit_abstain", "--work", str(tmp_path / "work")]
    command += ["--limit", "12", "--sets", "dev", "--out", str(out)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"wrote {out}" in done.stdout
    model = abstain.load(out)
    assert model.model.features == abstain.FEATURES and 0.0 <= model.threshold < 1.0
    meta = json.loads(out.read_text(encoding="utf-8"))
    figures = meta["figures"]
    # SweQUAD-MC train with and without each text, and the dev set's questions with and without their evidence
    assert set(figures["rule_alone"]) == {"swequad-train", "dev"}
    assert figures["rule_alone"]["dev"]["n_generated"] > 0 and meta["rows"]["unanswerable"] == 3
    # Reproducible: fitted again on the cached rows, the same model comes out.
    again, _ = fit_abstain.fit(tmp_path / "work", limit=12, sets=["dev"])
    assert again.as_dict() == abstain.load(out).as_dict()
