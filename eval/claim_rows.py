"""Every claim row of every eval set through the engine: id, label, verdict, the sentence cited and the reason.

    HF_HUB_OFFLINE=1 GRANSKA_EMBEDDER__MODEL=hash python -m granska.eval.claim_rows [--only SET ...] [--wrong]

Shows all verdicts at once (the eval's verdict_correct per row, with why), so failures are read side by side.
An index per document folder is kept under --cache and reused (delete it when the ingest code changes).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from granska.engine import Engine
from granska.settings import Settings

_ROOT = Path(__file__).resolve().parent.parent
_SHARED = _ROOT.parent / "shared"
# (set name, questions, documents): the kinds, claims_ and audits_en4+ sets read the audits documents and the bundled
# corpus together (the folder evals.sh makes); the others their own folder.
_KINDS_DOCS = Path("/tmp/kinds/docs")


def sets() -> list[tuple[str, Path, Path]]:
    data = _ROOT / "eval" / "data"
    out = [
        ("dev", _SHARED / "eval" / "dev.jsonl", _SHARED / "corpus"),
        ("dev_en", data / "dev_en.jsonl", _SHARED / "corpus"),
        ("audits", _SHARED / "datasets" / "audits" / "questions.jsonl", _SHARED / "datasets" / "audits" / "docs"),
    ]
    for path in sorted(data.glob("*.jsonl")):
        name = path.stem
        kinds = name.startswith(("kinds", "claims_"))  # claims_s31a/b: claims alone, on the same folder
        if kinds or (name.startswith("audits_en") and name[9:].isdigit() and int(name[9:]) >= 4):
            out.append((name, path, _KINDS_DOCS))
        elif name.startswith("audits_en"):
            out.append((name, path, _SHARED / "datasets" / "audits" / "docs"))
    return out


def engine_for(docs: Path, cache: Path) -> Engine:
    where = cache / docs.as_posix().strip("/").replace("/", "_")
    settings = Settings().model_copy(update={"index_dir": where})
    engine = Engine(settings)
    if not engine.has_index():
        engine.ingest([docs])
    return engine


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=None, help="set names to run (default: every set)")
    ap.add_argument("--wrong", action="store_true", help="print only rows whose verdict is not the label")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/claims-idx"))
    ap.add_argument("--json", type=Path, default=None, help="also write every row to this file")
    args = ap.parse_args()
    engines: dict[Path, Engine] = {}
    rows: list[dict[str, str]] = []
    totals: dict[str, list[int]] = {}
    for name, questions, docs in sets():
        if args.only and name not in args.only:
            continue
        claims = [r for r in map(json.loads, questions.read_text().splitlines()) if r.get("type") == "claim"]
        if not claims:
            continue
        engine = engines.get(docs) or engines.setdefault(docs, engine_for(docs, args.cache))
        for r in claims:
            v = engine.verify(r["question"], qid=r["id"])
            cited = v.citations[0].text.replace("\n", " ") if v.citations else ""
            ok = v.verdict == r.get("label")
            totals.setdefault(name, [0, 0])[0] += ok
            totals[name][1] += 1
            row = {"set": name, "id": r["id"], "label": str(r.get("label")), "verdict": v.verdict}
            rows.append({**row, "claim": r["question"], "cited": cited, "why": v.explanation})
            if args.wrong and ok:
                continue
            print(f"{'  ' if ok else 'XX'} {r['id']} {r.get('label')} -> {v.verdict}")
            print(f"     claim: {r['question']}")
            print(f"     cited: {cited[:300]}")
            print(f"     why:   {v.explanation}")
    for name, (ok, n) in totals.items():
        print(f"{name:12} {ok}/{n} = {ok / n:.3f}")
    if args.json:
        args.json.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")


if __name__ == "__main__":
    main()
