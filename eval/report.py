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


def rows_overall(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    head = ["system", "n", *[LABELS[m] for m in METRICS], "median ms"]
    body = []
    for name, sys_ in results["systems"].items():
        s = sys_["summary"]["all"]
        body.append([name, str(s["n"]), *[_cell(s[m]) for m in METRICS], _cell(sys_["latency_ms"]["median"])])
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

    console = Console(width=max(Console().width, 170))
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
