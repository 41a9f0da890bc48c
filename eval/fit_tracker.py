"""Refit the recommendation classifier: `python -m granska.eval.fit_tracker [--audits DIR] [--out FILE]`.

Training rows are the candidate units (`granska.qa.rec_units`) of the bundled corpus, labelled by today's
rules (checked 18/18 by reading the documents), and of the audits set, labelled by its gold table (a unit
is positive when it lies mostly inside a gold recommendation or holds one). Settings (C, class weights) and
the probability threshold are chosen by leave-one-municipality-out cross-validation on unit-level F1; the
model refitted on everything is written as JSON weights into the package (`qa/models/recommendations.json`).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from granska.eval.tracker_eval import Gold, _group, evaluate_tracker, load_folder, print_table, read_gold
from granska.qa import rec_model
from granska.qa.recommendations import unit_features

from granska.engine import BUNDLED_CORPUS
from granska.types import Document

AUDITS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "audits"
GRID_C = (0.1, 0.3, 1.0, 3.0, 10.0)
GRID_WEIGHT = (None, "balanced")
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 19))
LABEL_AT = 0.5  # share of a unit inside a gold span (or of the gold span inside the unit) to be positive
SEED = 0
PRECISION_FLOOR = 0.9  # unit-level LOMO precision a setting must keep (a margin over the 0.85 target)


@dataclass(slots=True)
class Rows:
    x: list[dict[str, float]]
    y: list[int]
    groups: list[str]


def _inside(a: tuple[int, int], b: tuple[int, int]) -> float:
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / max(1, a[1] - a[0])


def examples(documents: dict[str, Document], gold: list[Gold] | None) -> Rows:
    """Feature rows of every unit; labels from gold spans, or from the rule hits when gold is None."""
    rows = Rows([], [], [])
    for name, doc in sorted(documents.items()):
        spans = [(g.start, g.end) for g in gold or [] if g.doc == name]
        for u, x, hit in unit_features(doc):
            unit = (u.start, u.end)
            if gold is None:
                label = hit is not None
            else:
                label = any(_inside(unit, s) >= LABEL_AT or _inside(s, unit) >= LABEL_AT for s in spans)
            rows.x.append(x)
            rows.y.append(int(label))
            rows.groups.append(_group(doc))
    return rows


def training_rows(audits: Path = AUDITS) -> Rows:
    bundled = examples(load_folder(BUNDLED_CORPUS), None)
    audit = examples(load_folder(audits / "docs"), read_gold(audits / "recommendations.jsonl"))
    return Rows(bundled.x + audit.x, bundled.y + audit.y, bundled.groups + audit.groups)


def fit(rows: Rows, c: float, weight: str | None, threshold: float) -> rec_model.Model:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    clf = LogisticRegression(C=c, class_weight=weight, max_iter=2000, random_state=SEED)
    clf.fit(vec.fit_transform(rows.x), rows.y)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0]) if abs(w) > 1e-9}
    return rec_model.Model(weights, float(clf.intercept_[0]), threshold)


def _subset(rows: Rows, keep: list[bool]) -> Rows:
    return Rows(
        [x for x, k in zip(rows.x, keep) if k],
        [y for y, k in zip(rows.y, keep) if k],
        [g for g, k in zip(rows.groups, keep) if k],
    )


def cv_probabilities(rows: Rows, c: float, weight: str | None) -> list[float]:
    """Each unit's probability from the model fitted without its municipality."""
    probs = [0.0] * len(rows.y)
    for group in sorted(set(rows.groups)):
        train = _subset(rows, [g != group for g in rows.groups])
        if len(set(train.y)) < 2:
            continue
        model = fit(train, c, weight, 0.5)
        for i, g in enumerate(rows.groups):
            if g == group:
                probs[i] = model.probability(rows.x[i])
    return probs


def _f1(y: list[int], probs: list[float], t: float) -> tuple[float, float, float]:
    tp = sum(1 for a, p in zip(y, probs) if a and p >= t)
    fp = sum(1 for a, p in zip(y, probs) if not a and p >= t)
    fn = sum(1 for a, p in zip(y, probs) if a and p < t)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def choose(rows: Rows) -> tuple[float, str | None, float, tuple[float, float, float]]:
    """(C, class weight, threshold, LOMO unit P/R/F1): the highest LOMO recall whose LOMO precision stays at or
    above PRECISION_FLOOR (the issue's targets: recall >= 0.9 at precision >= 0.85), ties by F1; the best F1
    when no setting reaches the floor."""
    best: tuple[tuple[float, float, float], float, str | None, float, tuple[float, float, float]] | None = None
    for c in GRID_C:
        for weight in GRID_WEIGHT:
            probs = cv_probabilities(rows, c, weight)
            for t in THRESHOLDS:
                prf = _f1(rows.y, probs, t)
                key = (float(prf[0] >= PRECISION_FLOOR), prf[1] if prf[0] >= PRECISION_FLOOR else prf[2], prf[2])
                if best is None or key > best[0]:
                    best = (key, c, weight, t, prf)
    assert best is not None
    return best[1], best[2], best[3], best[4]


def lomo_models(*, held_out: dict[str, Document], audits: Path = AUDITS) -> dict[str, rec_model.Model]:
    """For each municipality of `held_out`, the shipped settings refitted without that municipality's rows."""
    shipped = rec_model.default()
    settings = json.loads(rec_model.MODEL_PATH.read_text(encoding="utf-8")).get("settings", {}) if shipped else {}
    c, weight = float(settings.get("C", 1.0)), settings.get("class_weight")
    threshold = shipped.threshold if shipped else 0.5
    rows = training_rows(audits)
    out = {}
    for group in sorted({_group(d) for d in held_out.values()}):
        train = _subset(rows, [g != group for g in rows.groups])
        out[group] = fit(train, c, weight, threshold)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--audits", type=Path, default=AUDITS, help="the audits dataset folder (docs/ + recommendations.jsonl)"
    )
    parser.add_argument("--out", type=Path, default=rec_model.MODEL_PATH, help="where to write the JSON model")
    args = parser.parse_args(argv)
    rows = training_rows(args.audits)
    c, weight, threshold, (p, r, f) = choose(rows)
    model = fit(rows, c, weight, threshold)
    fitted = _f1(rows.y, [model.probability(x) for x in rows.x], threshold)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = {
        **model.as_json(),
        "settings": {"C": c, "class_weight": weight},
        "units": {"rows": len(rows.y), "positives": sum(rows.y)},
        "lomo_units": {"precision": p, "recall": r, "f1": f},
        "fitted_units": {"precision": fitted[0], "recall": fitted[1], "f1": fitted[2]},
    }
    args.out.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rec_model.default.cache_clear()
    print(f"wrote {args.out}: C={c} class_weight={weight} threshold={threshold}")
    print(f"units: {len(rows.y)} ({sum(rows.y)} positive)")
    print(f"unit-level LOMO  P={p:.3f} R={r:.3f} F1={f:.3f}")
    print(f"unit-level fitted P={fitted[0]:.3f} R={fitted[1]:.3f} F1={fitted[2]:.3f}")
    for line in print_table(evaluate_tracker(args.audits / "recommendations.jsonl", args.audits / "docs")):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
