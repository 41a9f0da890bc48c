"""Opening a format-1 index (one folder per generation, named by CURRENT): its documents, chunks and vectors
move into the incremental store once, with nothing re-read or re-embedded; then the old folders go."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from granska.errors import IndexMismatchError
from granska.types import Chunk, DocMeta, Document

if TYPE_CHECKING:
    from granska.index.store import LocalStore


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def migrate_generations(store: LocalStore) -> None:
    from granska.index.store import Upsert

    root = store.root
    gen = root / (root / "CURRENT").read_text().strip()
    try:
        manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        texts = {r["doc"]: r["text"] for r in _read_jsonl(gen / "texts.jsonl")}
        chunks = [Chunk(**r) for r in _read_jsonl(gen / "chunks.jsonl")]
        vectors = np.load(gen / "vectors.npy")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexMismatchError(
            f"the index in {root} has an old format (generation folders) that cannot be read ({exc}); "
            f"rebuild it: delete that folder and run `granska ingest` again"
        ) from exc
    by_doc: dict[str, list[int]] = {}
    for i, c in enumerate(chunks):
        by_doc.setdefault(c.doc, []).append(i)
    upserts = []
    for name, d in manifest["docs"].items():
        doc = Document(
            doc=name,
            doc_sha256=d["sha256"],
            text=texts[name],
            page_starts=tuple(d["page_starts"]) if d["page_starts"] is not None else None,
            meta=DocMeta(**d["meta"]),
            origin=d.get("origin"),
        )
        rows = by_doc.get(name, [])
        vecs = vectors[rows] if len(vectors) == len(chunks) and rows else None
        upserts.append(Upsert(doc, [chunks[i] for i in rows], vecs))
    store.apply(upserts=upserts, deletes=[], fingerprint=manifest["fingerprint"])
    store.remove_old_generations()
