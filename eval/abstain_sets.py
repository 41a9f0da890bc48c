"""Abstention on every set that has unanswerable questions, claims or answerable questions to keep (one command):

    python -m granska.eval.abstain_sets --work /tmp/granska-abstain [--abstainer rules|learned] [--without] [--out FILE.json]

Each corpus is ingested once into a cached index under --work; every question is answered as `granska eval`
answers it (the engine's `ask` / `verify`), scored with `granska.eval.metrics`, and listed when it is an
unanswerable question answered or an answerable one abstained on, with the path that answered and the learned
abstainer's P(the documents answer) for the same evidence (`granska.qa.abstain`). The figures are those of
`granska eval` on the same set (same engine, same scoring); this is the cheaper loop for the abstention work.
--without also asks every answerable question over its corpus without its evidence documents (`silent`): the
"documents silent" abstention, a larger measure than the sets' few unanswerable questions.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from granska.eval.fitdata import SHARED
from granska.eval.metrics import Item, key_found, score_answer, summarize
from granska.eval.run import read_dataset

from granska.engine import Engine
from granska.settings import AnswerSettings, Settings

_REPO = Path(__file__).resolve().parents[1]
_AUDITS = SHARED / "datasets" / "audits"
# set name -> (dataset, corpus name); corpora are folders of documents (the "mixed" one is built from two)
SETS: dict[str, tuple[Path, str]] = {
    "dev": (SHARED / "eval" / "dev.jsonl", "corpus"),
    "audits": (_AUDITS / "questions.jsonl", "audits"),
    "swequad-dev": (SHARED / "datasets" / "swequad_mc" / "dev.jsonl", "swequad"),
    "kinds": (_REPO / "eval" / "data" / "kinds.jsonl", "mixed"),
    "kinds2": (_REPO / "eval" / "data" / "kinds2.jsonl", "mixed"),
    "dev_en": (_REPO / "eval" / "data" / "dev_en.jsonl", "corpus"),
    "audits_en": (_REPO / "eval" / "data" / "audits_en.jsonl", "audits"),
    "audits_en2": (_REPO / "eval" / "data" / "audits_en2.jsonl", "audits"),
    "audits_en3": (_REPO / "eval" / "data" / "audits_en3.jsonl", "audits"),
}
CORPORA = {
    "corpus": [SHARED / "corpus"],
    "audits": [_AUDITS / "docs"],
    "swequad": [SHARED / "datasets" / "swequad_mc" / "docs"],
}


def _mixed(work: Path) -> Path:
    """The kinds sets' folder: the audits and the bundled documents with one metadata.tsv (README, Evaluation)."""
    folder = work / "mixed-docs"
    if not (folder / "metadata.tsv").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for src in (_AUDITS / "docs", SHARED / "corpus"):
            for f in src.glob("*.txt"):
                (folder / f.name).write_bytes(f.read_bytes())
        audits = (_AUDITS / "metadata.tsv").read_text(encoding="utf-8").splitlines()
        corpus = (SHARED / "corpus" / "metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]
        text = "\n".join([*audits, *(row + "\t" for row in corpus)]) + "\n"
        (folder / "metadata.tsv").write_text(text, encoding="utf-8")
    return folder


def engine_for(work: Path, corpus: str, answer: AnswerSettings) -> Engine:
    """The corpus's cached index, answered with these answer settings."""
    settings = Settings(index_dir=work / f"{corpus}-index", answer=answer)
    engine = Engine(settings)
    if not engine.has_index():
        folders = [_mixed(work)] if corpus == "mixed" else CORPORA[corpus]
        engine.ingest(folders)
    engine.wait_for_tracker()
    return engine


def silent(engine: Engine, item: Item) -> bool | None:
    """Asked where its documents are silent (every document but its evidence's): did the answer abstain? None
    when a passage of another document still holds one of its answer keys (then that document answers it)."""
    own = {e["doc"] for e in item.evidence}
    others = {"doc": [n for n in sorted(engine.searcher().metas) if n not in own]}
    a = engine.ask(item.question, k=5, filters=others)
    text = " ".join(h.chunk.text for h in a.passages[:5])
    if item.keys and any(key_found(k, text) for k in item.keys):
        return None
    return a.abstained


def run_set(engine: Engine, dataset: Path, *, without: bool = False) -> dict[str, Any]:
    """Every question answered and scored; the misses (unanswerable answered, answerable abstained, claim wrong).
    without: each answerable question also asked without its evidence documents (`silent`)."""
    rows, misses, generated = [], [], []
    for item in read_dataset(dataset):
        if without and item.evidence and item.type != "claim" and (said := silent(engine, item)) is not None:
            generated.append({"id": item.id, "question": item.question, "abstained": said})
        if item.type == "claim":
            out = engine.verify(item.question).as_dict()
        else:
            out = engine.ask(item.question, k=5).as_dict()
        s = score_answer(out, item)
        rows.append((item, s))
        wrong = (
            s.abstained_unanswerable == 0.0
            or s.false_abstention == 1.0
            or (s.verdict_correct is not None and s.verdict_correct == 0.0)
        )
        if wrong:
            notes = out.get("notes", {})
            cites = out.get("citations", [])
            misses.append(
                {
                    "id": item.id,
                    "type": item.type,
                    "question": item.question,
                    "label": item.label,
                    "verdict": out.get("verdict"),
                    "abstained": out.get("abstained"),
                    "intent": notes.get("intent"),
                    "path": notes.get("path"),
                    "answer": (out.get("answer") or out.get("explanation") or "")[:240],
                    "cited": cites[0]["doc"] if cites else None,
                    "scores": asdict(s),
                }
            )
    summary = summarize(rows)["all"]
    if generated:
        summary["abstain_generated"] = round(sum(g["abstained"] for g in generated) / len(generated), 3)
        summary["n_generated"] = len(generated)
    return {"summary": summary, "misses": misses, "generated": generated}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the corpora's indexes")
    ap.add_argument("--abstainer", choices=("rules", "learned"), default=None, help="default: the setting's")
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    ap.add_argument("--without", action="store_true", help="also ask each question without its evidence documents")
    ap.add_argument("--out", type=Path, default=None, help="write the figures and misses as JSON")
    args = ap.parse_args()
    answer = AnswerSettings() if args.abstainer is None else AnswerSettings(abstainer=args.abstainer)
    engines: dict[str, Engine] = {}
    results: dict[str, Any] = {}
    for name in args.sets.split(","):
        dataset, corpus = SETS[name]
        if not dataset.is_file():
            continue
        engine = engines.get(corpus) or engines.setdefault(corpus, engine_for(args.work, corpus, answer))
        results[name] = run_set(engine, dataset, without=args.without)
        s = results[name]["summary"]
        print(
            f"{name:12s} n={s['n']:3d} key={s['key_recall']} hit1={s['hit1']} abst={s['abstained_unanswerable']}"
            f" false={s['false_abstention']} claims={s['verdict_correct']}"
            f" silent={s.get('abstain_generated')} (n={s.get('n_generated')})",
            flush=True,
        )
    if args.out is not None:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
