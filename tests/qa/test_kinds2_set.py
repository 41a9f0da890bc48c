"""The third question set (eval/data/kinds2.jsonl) is well formed: exact evidence spans, keys in the answer or quote."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from granska.eval.metrics import key_found

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DOC_DIRS = (SHARED / "datasets" / "audits" / "docs", ROOT / "granska" / "data" / "corpus")


def _rows() -> list[dict]:
    lines = (ROOT / "eval" / "data" / "kinds2.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _text(doc: str) -> str:
    for folder in DOC_DIRS:
        if (folder / doc).exists():
            return (folder / doc).read_text(encoding="utf-8")
    raise AssertionError(f"{doc}: in neither the audits docs nor the bundled corpus")


def test_every_evidence_span_is_the_quote() -> None:
    for row in _rows():
        for ev in row["evidence"]:
            assert _text(ev["doc"])[ev["start"] : ev["end"]] == ev["quote"], row["id"]


def test_forms_and_mix() -> None:
    rows = _rows()
    assert len({r["id"] for r in rows}) == len(rows)
    kinds = Counter(r["type"] for r in rows)
    # The mix the set was written to: unanswerable questions, claims of every label, English questions.
    assert kinds["unanswerable"] >= 10 and kinds["claim"] >= 10
    assert {r["label"] for r in rows if r["type"] == "claim"} == {"supported", "contradicted", "not_found"}
    assert sum(t.endswith("_en") for t in kinds.elements()) >= 15
    for row in rows:
        if row["type"] == "claim":
            assert bool(row["evidence"]) == (row["label"] != "not_found"), row["id"]
        elif row["type"] == "unanswerable":
            assert not row["evidence"] and not row["keys"], row["id"]
        else:
            assert row["evidence"] and row["keys"], row["id"]
            for key in row["keys"]:
                assert key_found(key, row["answer"]) or any(key_found(key, e["quote"]) for e in row["evidence"]), (
                    row["id"],
                    key,
                )
