"""Refit the learned abstainer in one command (writes qa/models/abstain.json):

    python -m granska.eval.fit_abstain --work /tmp/granska-abstain     # ≈ 5 CPU-min; rows cached in --work

Rows (`granska.eval.abstain_data`): SweQUAD-MC train, each question asked over the train index (answerable) and
over the index without its own text (unanswerable); every audit-domain set's answerable questions asked over
their corpus and over the corpus without their evidence documents ("generated" unanswerables: the documents
are silent); the sets' own unanswerable questions. Fitted (scikit-learn, logistic, balanced): SweQUAD-MC train
and the generated audit-domain rows. The sets' own unanswerable questions are never fitted on: they measure.

Chosen (C and the threshold) on out-of-fold probabilities: each audit-domain set predicted by a model fitted
without that set's rows (leave one set out), SweQUAD-MC dev by the model fitted on everything else. The learned
decision adds to the coverage rule (the answer abstains when either says so), so the threshold is the highest
at which the learned model adds no false abstention that takes a set over max(0.05, its rule's figure) — read on
the rows, where the rule is "no sentence may lead, or the best covers less than abstain_below". Printed and
stored: per set, the rule alone and the rule with the learned model, on answerable, own unanswerable and
generated unanswerable questions.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path
from typing import Any

import numpy as np
from granska.eval.abstain_data import Row, as_json, domain, from_json, matrix, swequad_train
from granska.eval.fit_answer import _fit_linear
from granska.eval.fit_threshold import MAX_FALSE_ABSTAIN
from granska.qa import abstain
from granska.qa.scorer import Linear

from granska.settings import AnswerSettings

C_GRID = (0.03, 0.1, 0.3, 1.0)
T_GRID = tuple(round(t, 3) for t in np.arange(0.02, 0.61, 0.02))
HELD_OUT = "swequad-dev"  # chosen on, never fitted


def rows(
    work: Path, *, limit: int | None = None, sample: int | None = None, sets: list[str] | None = None
) -> list[Row]:
    """Every row, cached in work/abstain-rows.json (delete it after changing the features)."""
    tag = ("" if limit is None else f"-{limit}") + ("" if sample is None else f"-s{sample}")
    cache = work / f"abstain-rows{tag}{'' if sets is None else '-' + '-'.join(sets)}.json"
    if cache.is_file():
        data = from_json(json.loads(cache.read_text(encoding="utf-8")))
        if data and len(data[0].x) == len(abstain.FEATURES):
            return data
    stored = as_json(swequad_train(work, limit=limit, sample=sample) + domain(work, sets))
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(stored), encoding="utf-8")
    # The rows as the cache holds them (rounded), so this fit and any refit from the cache read the same numbers.
    return from_json(stored)


def _p(model: Linear, x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-model.logits(x)))


def _fitted_on(r: Row) -> bool:
    # Near-silent rows measure only: fitted on or chosen on, they moved no figure (docs/abstain.md, Session 28).
    return r.kind not in ("unanswerable", "near") and r.set != HELD_OUT


def out_of_fold(data: list[Row], c: float) -> np.ndarray:
    """Each domain set's rows predicted by a model fitted without that set (SweQUAD-MC train rows: in-fold)."""
    x, y = matrix(data)
    sets = np.array([r.set for r in data])
    fit = np.array([_fitted_on(r) for r in data])
    p = np.zeros(len(data))
    for name in dict.fromkeys(sets):
        held = sets == name
        model = _fit_linear(x[fit & ~held], y[fit & ~held], abstain.FEATURES, c, balanced=True)
        p[held] = _p(model, x[held])
    return p


def rule_abstains(x: np.ndarray, below: float) -> np.ndarray:
    """The coverage rule on the rows: no sentence may lead, or the best covers less than `below`."""
    return (x[:, abstain.FEATURES.index("no_lead")] > 0) | (x[:, abstain.FEATURES.index("lead_cov")] < below)


def per_set(data: list[Row], abstains: np.ndarray) -> dict[str, dict[str, float | None]]:
    """Per set: false abstention, abstention on its own unanswerable and on the generated ones."""
    out: dict[str, dict[str, float | None]] = {}
    for name in dict.fromkeys(r.set for r in data):
        row: dict[str, float | None] = {}
        for kind, label in (("answerable", "false_abstention"), ("unanswerable", "abstain_unanswerable")):
            m = np.array([r.set == name and r.kind == kind for r in data])
            row[label] = round(float(abstains[m].mean()), 3) if m.any() else None
        for kind in ("generated", "near"):
            m = np.array([r.set == name and r.kind == kind for r in data])
            row[f"abstain_{kind}"] = round(float(abstains[m].mean()), 3) if m.any() else None
            row[f"n_{kind}"] = int(m.sum())
        out[name] = row
    return out


def allowed(data: list[Row], rule: np.ndarray, both: np.ndarray) -> bool:
    """No set's false abstention goes over max(MAX_FALSE_ABSTAIN, the rule's own) with the learned model added."""
    before, after = per_set(data, rule), per_set(data, both)
    for name, row in after.items():
        fa, was = row["false_abstention"], before[name]["false_abstention"]
        if fa is not None and was is not None and fa > max(MAX_FALSE_ABSTAIN, was) + 1e-9:
            return False
    return True


def choose(data: list[Row], below: float) -> dict[str, Any]:
    """C and threshold: the most generated unanswerables abstained on (out of fold) within `allowed`."""
    x, _ = matrix(data)
    rule = rule_abstains(x, below)
    gen = np.array([r.kind == "generated" and r.set != "swequad-train" for r in data])
    best: dict[str, Any] = {"C": C_GRID[0], "threshold": 0.0, "generated": float(rule[gen].mean())}
    for c in C_GRID:
        p = out_of_fold(data, c)
        for t in T_GRID:
            both = rule | (p < t)
            score = float(both[gen].mean())
            if allowed(data, rule, both) and score > best["generated"] + 1e-9:
                best = {"C": c, "threshold": t, "generated": score, "p": p}
    return best


def fit(
    work: Path, *, limit: int | None = None, sample: int | None = None, sets: list[str] | None = None
) -> tuple[abstain.Abstainer, dict[str, Any]]:
    data = rows(work, limit=limit, sample=sample, sets=sets)
    below = AnswerSettings().abstain_below
    chosen = choose(data, below)
    x, y = matrix(data)
    fit_mask = np.array([_fitted_on(r) for r in data])
    model = _fit_linear(x[fit_mask], y[fit_mask], abstain.FEATURES, float(chosen["C"]), balanced=True)
    t = float(chosen["threshold"])
    rule = rule_abstains(x, below)
    p_oof = chosen.get("p", out_of_fold(data, float(chosen["C"])))
    figures: dict[str, Any] = {
        "C": chosen["C"],
        "threshold": round(t, 4),
        "threshold_chosen_on": "out-of-fold probabilities of every set (leave one set out); no set's false "
        f"abstention over max({MAX_FALSE_ABSTAIN}, the rule's own)",
        "coef": dict(zip(abstain.FEATURES, [round(float(v), 3) for v in model.coef], strict=True)),
        "rule_alone": per_set(data, rule),
        "rule_and_learned_out_of_fold": per_set(data, rule | (p_oof < t)),
        "rule_and_learned_fitted": per_set(data, rule | (_p(model, x) < t)),
    }
    meta = {
        "version": 2,
        "fitted": datetime.date.today().isoformat(),
        "data": "SweQUAD-MC train with and without each question's text, and the audit-domain sets' questions "
        "asked without their evidence documents (fit); every set out of fold (choose)",
        "rows": {k: int(sum(1 for r in data if r.kind == k)) for k in ("answerable", "generated", "unanswerable")},
        "mode": "with_rule",
        "figures": figures,
    }
    return abstain.Abstainer(model, t, meta), figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the indexes and the rows")
    ap.add_argument("--out", type=Path, default=abstain.MODEL_PATH, help="where to write the model")
    ap.add_argument("--limit", type=int, default=None, help="only the first N SweQUAD-MC train questions (quick run)")
    ap.add_argument("--sample", type=int, default=None, help="a seeded random N of the train questions (cheaper fit)")
    ap.add_argument("--sets", default=None, help="comma-separated audit-domain sets (default: all of abstain_sets)")
    args = ap.parse_args()
    sets = args.sets.split(",") if args.sets else None
    model, figures = fit(args.work, limit=args.limit, sample=args.sample, sets=sets)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.as_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
