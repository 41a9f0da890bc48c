"""Scoring one system's output against the dataset format of shared/eval/dev.jsonl."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from granska.text import fold


@dataclass(frozen=True, slots=True)
class Item:
    """One dataset line: id, type, question, answer, evidence [{doc, quote, start, end}], keys?, label?"""

    id: str
    type: str
    question: str
    answer: str
    evidence: list[dict[str, Any]]
    keys: list[str] = field(default_factory=list)
    label: str | None = None

    @classmethod
    def parse(cls, row: dict[str, Any]) -> Item:
        return cls(
            id=str(row["id"]),
            type=str(row.get("type", "factoid")),
            question=str(row["question"]),
            answer=str(row.get("answer", "")),
            evidence=list(row.get("evidence") or []),
            keys=list(row.get("keys") or []),
            label=row.get("label"),
        )


def covers(span: dict[str, Any], evidence: Sequence[dict[str, Any]]) -> bool:
    """A span counts when it overlaps an evidence span by at least half of the shorter of the two."""
    for ev in evidence:
        if ev["doc"] != span["doc"]:
            continue
        overlap = min(span["end"], ev["end"]) - max(span["start"], ev["start"])
        if overlap > 0 and overlap >= 0.5 * min(span["end"] - span["start"], ev["end"] - ev["start"]):
            return True
    return False


def key_found(key: str, answer: str) -> bool:
    """Folded, whitespace-insensitive containment, tolerant of OCR letter damage ("nimnden" ~ "nämnden")."""
    k, a = _squash(key), _squash(answer)
    if k in a:
        return True
    # One substituted letter per 8 characters of key.
    if len(k) < 5:
        return False
    return bool(re.search(_fuzzy_pattern(k), a))


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def _fuzzy_pattern(key: str) -> str:
    # Letters may be damaged, but the word shapes stay: allow any single letter where OCR often errs.
    return "".join("[a-z0-9]" if ch in "aeiou" else re.escape(ch) for ch in key)


@dataclass(slots=True)
class Scores:
    """Per-question outcomes, averaged by `summarize`."""

    hit1: float | None = None
    recall5: float | None = None
    mrr: float | None = None
    citation_precision: float | None = None
    key_recall: float | None = None
    answer_chars: int | None = None
    abstained_unanswerable: float | None = None
    false_abstention: float | None = None
    verdict_correct: float | None = None


def score_retrieval(passages: list[dict[str, Any]], item: Item) -> dict[str, float]:
    hits = [covers(p, item.evidence) for p in passages[:5]]
    first = next((i for i, h in enumerate(hits) if h), None)
    return {
        "hit1": float(bool(hits and hits[0])),
        "recall5": float(any(hits)),
        "mrr": 0.0 if first is None else 1.0 / (first + 1),
    }


def score_answer(out: dict[str, Any], item: Item) -> Scores:
    s = Scores()
    answerable = bool(item.evidence) and item.type != "claim"
    if item.evidence:
        r = score_retrieval(out.get("passages", []), item)
        s.hit1, s.recall5, s.mrr = r["hit1"], r["recall5"], r["mrr"]
    if "answer" in out:
        cites = out.get("citations", [])
        if answerable and cites:
            s.citation_precision = sum(covers(c, item.evidence) for c in cites) / len(cites)
        if answerable:
            s.false_abstention = float(bool(out.get("abstained")))
            if not out.get("abstained"):
                s.answer_chars = len(out["answer"])
            if item.keys:
                s.key_recall = sum(key_found(k, out["answer"]) for k in item.keys) / len(item.keys)
        if item.type == "unanswerable":
            s.abstained_unanswerable = float(bool(out.get("abstained")))
    if item.label and "verdict" in out:
        s.verdict_correct = float(out["verdict"] == item.label)
    return s


METRICS = (
    "hit1",
    "recall5",
    "mrr",
    "citation_precision",
    "key_recall",
    "answer_chars",
    "abstained_unanswerable",
    "false_abstention",
    "verdict_correct",
)


def summarize(rows: Iterable[tuple[Item, Scores]]) -> dict[str, dict[str, float | int | None]]:
    """Mean of each metric (median for answer length) per question type and overall, with counts."""
    groups: dict[str, list[Scores]] = {}
    for item, s in rows:
        groups.setdefault(item.type, []).append(s)
        groups.setdefault("all", []).append(s)
    out: dict[str, dict[str, float | int | None]] = {}
    for name, scores in groups.items():
        row: dict[str, float | int | None] = {"n": len(scores)}
        for m in METRICS:
            vals = [getattr(s, m) for s in scores if getattr(s, m) is not None]
            if not vals:
                row[m] = None
            elif m == "answer_chars":
                row[m] = int(statistics.median(vals))
            else:
                row[m] = round(sum(vals) / len(vals), 3)
        out[name] = row
    return out
