"""The scale benchmark's report: a markdown table with every figure against its same-run floor, a plot, and the
JSON (`granska bench --passages`; the measurements are granska.eval.scale's)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from granska.eval.scale import TRACKER_BUDGET_S


def table(results: dict[str, Any]) -> str:
    floors = results.get("floors", {})
    lines = [
        (
            "| passages | ingest passages/s | per CPU s | add one doc (CPU) | remove one doc (CPU) "
            "| first answer (CPU) | query p50 / p95 (CPU p50 / p95) | peak RSS (build) | serving RSS (minus imports) "
            "| on disk | load | store |"
        ),
        "|" + "---|" * 12,
    ]
    for r in results["rows"]:
        served = r["serving_rss"] - floors.get("imports_rss", 0)
        lines.append(
            f"| {r['passages']:,} "
            f"| {r['ingest_passages_per_s']:.0f} | {r.get('ingest_passages_per_cpu_s', 0):.0f} "
            f"| {r['add_one_s']:.2f} s ({r.get('add_one_cpu_s', 0):.2f} s) "
            f"| {r['remove_one_s']:.2f} s ({r.get('remove_one_cpu_s', 0):.2f} s) "
            f"| {r['first_answer_s']:.2f} s ({r.get('first_answer_cpu_s', 0):.2f} s) "
            f"| {r['query_p50_ms']:.1f} / {r['query_p95_ms']:.1f} ms "
            f"({r.get('query_cpu_p50_ms', 0):.1f} / {r.get('query_cpu_p95_ms', 0):.1f} ms) "
            f"| {r['peak_rss'] / 1e9:.2f} GB | {r['serving_rss'] / 1e9:.3f} GB ({served / 1e9:.3f} GB) "
            f"| {r['disk_bytes'] / 1e9:.3f} GB | {r.get('load', 0):.1f} | {r.get('store', 'local')} |"
        )
    lines += ["", *_ratios(results), *_server_cpu(results)]
    base = [r for r in results["rows"] if "baseline" in r]
    if base:
        lines += [
            "",
            "| passages | vs baseline: add one doc | query p50 | query p95 | peak RSS |",
            "|---|---|---|---|---|",
        ]
        for r in base:
            b = r["baseline"]
            lines.append(
                f"| {r['passages']:,} | {r['add_one_s'] / b['rebuild_s']:.3f}x ({b['rebuild_s']:.1f} s rebuild) "
                f"| {r['query_p50_ms'] / b['query_p50_ms']:.2f}x ({b['query_p50_ms']:.1f} ms) "
                f"| {r['query_p95_ms'] / b['query_p95_ms']:.2f}x ({b['query_p95_ms']:.1f} ms) "
                f"| {r['peak_rss'] / b['peak_rss']:.2f}x ({b['peak_rss'] / 1e9:.2f} GB) |"
            )
    return "\n".join(lines)


def _ratios(results: dict[str, Any]) -> list[str]:
    """Each figure against its floor from the same run: the empty index, the raw encoder, the bytes on disk."""
    floors = results.get("floors", {})
    enc = floors.get("encode_passages", 0) / max(floors.get("encode_s", 0), 1e-9)
    enc_cpu = floors.get("encode_passages", 0) / max(floors.get("encode_cpu_s", 0), 1e-9)
    lines = [
        (
            f"Floors (same run): raw encode {enc:.1f} passages/s ({enc_cpu:.1f} per CPU s); imports-only process "
            f"{floors.get('imports_rss', 0) / 1e9:.3f} GB RSS."
        ),
        "",
        (
            "| store | passages | add one / empty index (CPU) | remove one / empty (CPU) | ingest / raw encode "
            "| serving RSS / on disk (minus imports) | tables current: after build / after add (CPU) |"
        ),
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["rows"]:
        empty = floors.get(f"empty:{r.get('store', 'local')}")
        if empty is None:
            continue
        served = r["serving_rss"] - floors.get("imports_rss", 0)
        lines.append(
            f"| {r.get('store', 'local')} | {r['passages']:,} "
            f"| {r['add_one_s'] / empty['add_one_s']:.2f}x ({r['add_one_cpu_s'] / empty['add_one_cpu_s']:.2f}x) "
            f"| {r['remove_one_s'] / empty['remove_one_s']:.2f}x "
            f"({r['remove_one_cpu_s'] / max(empty['remove_one_cpu_s'], 1e-9):.2f}x) "
            f"| {r['ingest_passages_per_s'] / max(enc, 1e-9):.2f}x "
            f"| {r['serving_rss'] / r['disk_bytes']:.1f}x ({served / r['disk_bytes']:.1f}x) "
            f"| {_lag(r, 'build_tracker')} / {_lag(r, 'add_tracker')} (empty index: {_lag(empty, 'add_tracker')}) |"
        )
    return lines


def _server_cpu(results: dict[str, Any]) -> list[str]:
    """The database server's CPU seconds per step (a store whose server works beside the Python process)."""
    steps = ("build", "add", "remove", "first", "serve")
    rows = [r for r in results["rows"] if "build_server_cpu_s" in r]
    if not rows:
        return []
    lines = ["", "| store | passages | server CPU: " + " | ".join(steps) + " |", "|---|---|" + "---|" * len(steps)]
    for r in rows:
        cells = " | ".join(f"{r.get(f'{s}_server_cpu_s', float('nan')):.2f} s" for s in steps)
        lines.append(f"| {r['store']} | {r['passages']:,} | {cells} |")
    return lines


def _lag(r: dict[str, Any], name: str) -> str:
    wall, cpu = r.get(f"{name}_s"), r.get(f"{name}_cpu_s")
    return f"> {TRACKER_BUDGET_S:.0f} s" if wall is None else f"{wall:.1f} s ({cpu:.1f} s)"


def plot(results: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    for spec in sorted({r.get("store", "local") for r in results["rows"]}):
        rows = [r for r in results["rows"] if r.get("store", "local") == spec]
        n = [r["passages"] for r in rows]
        tag = "" if spec == "local" else f" ({spec.split(':', 1)[0]})"
        axes[0].plot(n, [r["query_p50_ms"] for r in rows], "o-", label="p50" + tag)
        axes[0].plot(n, [r["query_p95_ms"] for r in rows], "s--", label="p95" + tag)
        axes[1].plot(n, [r["add_one_s"] for r in rows], "o-", label="add one doc" + tag)
        axes[1].plot(n, [r["remove_one_s"] for r in rows], "s--", label="remove one doc" + tag)
        axes[1].plot(n, [r["first_answer_s"] for r in rows], "^:", label="first answer" + tag)
        axes[2].plot(n, [r["peak_rss"] / 1e9 for r in rows], "o-", label="peak RSS (build)" + tag)
        axes[2].plot(n, [r["serving_rss"] / 1e9 for r in rows], "s--", label="serving RSS" + tag)
        axes[2].plot(n, [r["disk_bytes"] / 1e9 for r in rows], "^:", label="on disk" + tag)
    for ax, title in zip(axes, ("query latency (ms, wall)", "seconds (wall)", "GB"), strict=True):
        ax.set(title=title, xscale="log", xlabel="passages")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write(results: dict[str, Any], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (out / "scale.md").write_text(table(results) + "\n", encoding="utf-8")
    return [out / "scale.json", out / "scale.md", plot(results, out / "scale.png")]
