"""Where documents, chunks and vectors live. `Store` is the interface; `LocalStore` keeps them in a folder.

LocalStore writes each change as a new generation folder and then swaps one pointer file (CURRENT) with an
atomic rename, so a crash at any moment leaves the previous generation loadable.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from granska.index import dense

from granska.errors import IndexMissingError
from granska.types import Chunk, DocMeta, Document

FORMAT = 1
EXACT_FILTERED = 50_000  # filtered dense searches over at most this many rows are exact


@dataclass(frozen=True, slots=True)
class Upsert:
    """One document's new content: replaces any document of the same name."""

    document: Document
    chunks: list[Chunk]
    vectors: np.ndarray


class Store(Protocol):
    """What search and answering need from a store; a PostgreSQL/pgvector store implements the same."""

    def exists(self) -> bool: ...
    def fingerprint(self) -> dict[str, Any]: ...
    def documents(self) -> dict[str, Document]: ...
    def chunks(self) -> list[Chunk]: ...
    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]: ...
    def cache_dir(self) -> Path: ...
    def apply(self, *, upserts: list[Upsert], deletes: list[str], fingerprint: dict[str, Any]) -> None: ...


class LocalStore:
    """A folder: CURRENT names the live generation; each generation holds manifest, texts, chunks, vectors."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._gen: Path | None = None
        self._manifest: dict[str, Any] = {}
        self._docs: dict[str, Document] = {}
        self._chunks: list[Chunk] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._dense: Any = None
        self._sweep_partials()
        self._load()

    def _sweep_partials(self) -> None:
        """Remove half-written generations left by a killed writer, if no writer holds the lock right now."""
        if not any(self.root.glob("*.partial")):
            return
        try:
            with (self.root / ".lock").open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # a live writer: its .partial is not stale
                try:
                    for path in self.root.glob("*.partial"):
                        shutil.rmtree(path, ignore_errors=True)
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        except OSError:
            return  # a read-only index: leave it as it is

    # --- reading -------------------------------------------------------------------------------
    def exists(self) -> bool:
        return self._gen is not None

    def _load(self) -> None:
        pointer = self.root / "CURRENT"
        if not pointer.is_file():
            return
        gen = self.root / pointer.read_text().strip()
        self._manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        texts = {r["doc"]: r["text"] for r in _read_jsonl(gen / "texts.jsonl")}
        self._docs = {
            name: Document(
                doc=name,
                doc_sha256=d["sha256"],
                text=texts[name],
                page_starts=tuple(d["page_starts"]) if d["page_starts"] is not None else None,
                meta=DocMeta(**d["meta"]),
                origin=d.get("origin"),
            )
            for name, d in self._manifest["docs"].items()
        }
        self._chunks = [Chunk(**r) for r in _read_jsonl(gen / "chunks.jsonl")]
        self._vectors = np.load(gen / "vectors.npy")
        self._dense = dense.read(gen / "dense.faiss") if self._chunks else None
        self._gen = gen

    def fingerprint(self) -> dict[str, Any]:
        if self._gen is None:
            raise IndexMissingError(f"no index in {self.root}; run `granska ingest PATH` first")
        return dict(self._manifest["fingerprint"])

    def documents(self) -> dict[str, Document]:
        return dict(self._docs)

    def chunks(self) -> list[Chunk]:
        return self._chunks

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        if self._dense is None:
            return []
        if allowed is not None and len(allowed) <= EXACT_FILTERED:
            # A filtered search over an approximate index misses rows in unprobed lists: score them exactly.
            sims = self._vectors[allowed] @ query.astype(np.float32)
            top = np.argsort(-sims, kind="stable")[:k]
            return [(int(allowed[i]), float(sims[i])) for i in top]
        return dense.search(self._dense, query, k, allowed)

    def cache_dir(self) -> Path:
        """A folder for artefacts derived from this generation (the lexical index); dies with it."""
        if self._gen is None:
            raise IndexMissingError(f"no index in {self.root}")
        path = self._gen / "cache"
        path.mkdir(exist_ok=True)
        return path

    # --- writing -------------------------------------------------------------------------------
    def apply(self, *, upserts: list[Upsert], deletes: list[str], fingerprint: dict[str, Any]) -> None:
        """Write a new generation with these changes, then switch to it atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _locked(self.root / ".lock"):
            self._gen = None
            self._load()  # another process may have committed since we loaded
            gone = set(deletes) | {u.document.doc for u in upserts}
            docs = {n: d for n, d in self._docs.items() if n not in gone}
            keep = [i for i, c in enumerate(self._chunks) if c.doc not in gone]
            chunks = [self._chunks[i] for i in keep]
            parts = [self._vectors[keep]] if keep else []
            for u in upserts:
                docs[u.document.doc] = u.document
                chunks.extend(u.chunks)
                parts.append(u.vectors)
            vectors = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 0), dtype=np.float32)
            self._write_generation(docs, chunks, vectors, fingerprint)
        self._gen = None
        self._load()

    def _write_generation(
        self, docs: dict[str, Document], chunks: list[Chunk], vectors: np.ndarray, fingerprint: dict[str, Any]
    ) -> None:
        name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
        tmp = self.root / f"{name}.partial"
        tmp.mkdir()
        manifest = {
            "format": FORMAT,
            "fingerprint": fingerprint,
            "docs": {
                n: {
                    "sha256": d.doc_sha256,
                    "page_starts": list(d.page_starts) if d.page_starts is not None else None,
                    "meta": {k: v for k, v in d.meta.as_dict().items() if k != "year"},
                    "chunks": sum(1 for c in chunks if c.doc == n),
                    **({"origin": d.origin} if d.origin else {}),
                }
                for n, d in sorted(docs.items())
            },
        }
        _write_jsonl(tmp / "texts.jsonl", ({"doc": n, "text": d.text} for n, d in sorted(docs.items())))
        _write_jsonl(tmp / "chunks.jsonl", (asdict(c) for c in chunks))
        with open(tmp / "vectors.npy", "wb") as fh:
            np.save(fh, vectors)
            _sync(fh)
        if len(chunks):
            dense.write(dense.build(vectors), tmp / "dense.faiss")
        _write_text(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        final = self.root / name
        os.rename(tmp, final)
        _write_text(self.root / "CURRENT.tmp", name)
        os.replace(self.root / "CURRENT.tmp", self.root / "CURRENT")
        _fsync_dir(self.root)
        self._collect_garbage(keep=name)

    def _collect_garbage(self, *, keep: str) -> None:
        for path in self.root.iterdir():
            if path.is_dir() and path.name.startswith("gen-") and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)  # an old generation; losing it loses nothing live


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _write_jsonl(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        _sync(fh)


def _write_text(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text)
        _sync(fh)


def _sync(fh: Any) -> None:
    fh.flush()
    os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
