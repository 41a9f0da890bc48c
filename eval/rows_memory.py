"""`python -m granska.eval.rows_memory INDEX N`: peak memory and CPU of computing the own tracker rows of the
first N documents of an index, which is what the end of a large ingest does for every document it added (read
only: nothing is written). Session 23: 3,000 documents of the 2M index, 166 MB above the idle process before
(a view kept every text it read), 24 MB after (a fresh view per batch of documents)."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from granska.index.store import LocalStore
from granska.qa import rec_work


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(index: Path, n: int) -> str:
    store = LocalStore(index)
    names = sorted(store.metas())[:n]
    base, cpu = _peak_mb(), time.process_time()
    rows = rec_work.responsibility_rows(store, names)
    found = sum(len(r["responsibilities"]) for r in rows.values())
    return (
        f"docs={len(names)} rows={found} cpu={time.process_time() - cpu:.1f}s "
        f"rss_before={base:.0f}MB peak={_peak_mb():.0f}MB"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].isdigit():
        sys.exit("usage: python -m granska.eval.rows_memory INDEX_FOLDER DOCUMENTS")
    print(main(Path(sys.argv[1]), int(sys.argv[2])))
