"""Build the word-frequency list behind display repair, and measure the repair on held-out text.

    python -m granska.eval.wordfreq --out qa/data/sv_wordfreq.json.gz      # rebuild (SweQUAD-MC train docs)
    python -m granska.eval.wordfreq --measure                               # score on SweQUAD-MC dev docs

The list is counted from clean Swedish prose only (the SweQUAD-MC *train* documents). The measurement
damages the *dev* documents the way scanners do (å/ä → a/i, ö → o/6/é) and counts how many damaged words
the repair restores exactly and how many clean words it breaks.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections import Counter
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
TRAIN_DOCS = SHARED / "datasets" / "swequad_mc" / "train" / "docs"
DEV_DOCS = SHARED / "datasets" / "swequad_mc" / "docs"
_WORD = re.compile(r"[^\W\d_]+")
_DAMAGE = {"ä": ("a", "i"), "å": ("a",), "ö": ("o", "6", "é")}


def count(folder: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for path in sorted(folder.glob("*.txt")):
        counts.update(w.lower() for w in _WORD.findall(path.read_text(encoding="utf-8")))
    return counts


def write(counts: Counter[str], out: Path, *, min_count: int = 1) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    data = {w: n for w, n in counts.most_common() if n >= min_count and len(w) > 1 or w in {"i", "å", "ö"}}
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))


def damage(word: str, rng: random.Random) -> str:
    return "".join(rng.choice(_DAMAGE[ch]) if ch in _DAMAGE else ch for ch in word)


def measure(seed: int = 0, *, docs: int | None = None) -> dict[str, float]:
    """Restored share of damaged words, and share of clean words left intact (in a clean text, and in one
    judged damaged, where known words may yield to far more common variants), on the dev documents."""
    from granska.qa import display

    rng = random.Random(seed)
    paths = sorted(DEV_DOCS.glob("*.txt"))[:docs]
    words = [w for p in paths for w in _WORD.findall(p.read_text(encoding="utf-8"))]
    with_marks = [w for w in words if any(ch in _DAMAGE for ch in w.lower())]
    without = [w for w in words if not any(ch in _DAMAGE for ch in w.lower())]
    restored = sum(display.repair_word(damage(w, rng), damaged=True) == w for w in with_marks)
    kept = sum(display.repair_word(w) == w for w in without)
    kept_damaged = sum(display.repair_word(w, damaged=True) == w for w in without)
    return {
        "damaged_words": len(with_marks),
        "restored": round(restored / len(with_marks), 3),
        "clean_words": len(without),
        "clean_kept": round(kept / len(without), 3),
        "clean_kept_in_damaged_mode": round(kept_damaged / len(without), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="Write the frequency list here (.json.gz).")
    parser.add_argument("--measure", action="store_true", help="Score the repair on the dev documents.")
    args = parser.parse_args()
    if args.out:
        counts = count(TRAIN_DOCS)
        write(counts, args.out)
        print(f"wrote {args.out}: {len(counts)} words from {TRAIN_DOCS}")
    if args.measure:
        print(json.dumps(measure()))


if __name__ == "__main__":
    main()
