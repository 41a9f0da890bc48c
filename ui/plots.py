"""The status overview: recommendations by status per municipality and year, from the engine's rows."""

from __future__ import annotations

from typing import Any

from granska.ui.messages import STATUS_COLOURS, Lang, msg, status_label
from granska.ui.tables import Snapshot, status_counts

STATUS_ORDER = ("answered", "partly", "rejected", "not_answered", "no_response_in_corpus")


def status_figure(snap: Snapshot, lang: Lang) -> Any:
    """A horizontal stacked bar per (municipality, year); one colour and legend label per status.
    The counts come from `tables.status_counts`, the same rows the recommendation table shows."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = status_counts(snap)
    bars = sorted({(m, y) for m, y, _, _ in counts})
    fig, ax = plt.subplots(figsize=(8, 0.5 * max(len(bars), 2) + 1.4), dpi=100)
    if not bars:
        ax.text(0.5, 0.5, msg("plot_empty", lang), ha="center", va="center", fontsize=12)
        ax.axis("off")
        return fig
    statuses = [s for s in STATUS_ORDER if any(c[2] == s for c in counts)]
    statuses += sorted({c[2] for c in counts} - set(statuses))
    left = [0] * len(bars)
    for status in statuses:
        widths = [sum(n for m, y, s, n in counts if (m, y) == bar and s == status) for bar in bars]
        ax.barh(
            [
                f"{m if m != '?' else msg('col_municipality', lang) + ' ' + msg('unknown', lang)} {y if y != '?' else ''}".strip()
                for m, y in bars
            ],
            widths,
            left=left,
            color=STATUS_COLOURS.get(status, "#333333"),
            label=status_label(status, lang),
        )
        for i, w in enumerate(widths):
            if w:
                ax.text(left[i] + w / 2, i, str(w), ha="center", va="center", color="white", fontsize=10)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.invert_yaxis()
    ax.set_xlabel(msg("col_count", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(len(statuses), 3), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def status_summary(snap: Snapshot, lang: Lang) -> str:
    """The plot's figures as text (its alternative for screen readers, and for anyone who would rather read)."""
    lines = []
    for m, y, status, n in status_counts(snap):
        place = m if m != "?" else f"{msg('col_municipality', lang)} {msg('unknown', lang)}"
        lines.append(f"- {place} {y if y != '?' else ''}: {status_label(status, lang)} {n}".replace("  ", " "))
    return "\n".join(lines) or msg("plot_empty", lang)
