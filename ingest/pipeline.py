"""Batch ingest, up to chunks: find files, skip what is unchanged, load and chunk the rest, report the bad ones."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from granska.ingest import metadata
from granska.ingest.chunking import chunk
from granska.ingest.loaders import load

from granska.errors import UnreadableFileError
from granska.settings import IngestSettings
from granska.types import Chunk, DocMeta, Document


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str

    def line(self) -> str:
        return f"skipped {self.path}: {self.reason}"


@dataclass(slots=True)
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_embedded: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "chunks_embedded": self.chunks_embedded,
        }


@dataclass(frozen=True, slots=True)
class Loaded:
    document: Document
    chunks: list[Chunk]


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Skipped]]:
    """Files named or found below named folders (hidden files and sidecars left out), sorted, de-duplicated."""
    files: dict[Path, None] = {}
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if p.is_file() and p.name != metadata.SIDECAR and not any(part.startswith(".") for part in rel.parts):
                    files.setdefault(p.resolve(), None)
        elif path.is_file():
            files.setdefault(path.resolve(), None)
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    return list(files), skipped


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plan(files: list[Path], existing: dict[str, Document]) -> Iterator[tuple[Path, DocMeta | None, str | Skipped]]:
    """(file, sidecar row, "new"|"changed"|"unchanged") per file, or a Skipped for a name clash in the batch."""
    sidecars: dict[Path, dict[str, DocMeta]] = {}
    seen: dict[str, Path] = {}
    for path in files:
        if path.name in seen:
            yield (
                path,
                None,
                Skipped(
                    str(path),
                    f"another file named {path.name} is in this batch ({seen[path.name]}); document names must be unique",
                ),
            )
            continue
        seen[path.name] = path
        if path.parent not in sidecars:
            sidecars[path.parent] = metadata.read_sidecar(path.parent)
        row = sidecars[path.parent].get(path.name)
        old = existing.get(path.name)
        if old is None:
            yield path, row, "new"
            continue
        try:
            same = old.doc_sha256 == file_sha256(path) and _sidecar_agrees(row, old.meta)
        except OSError as exc:
            yield path, row, Skipped(str(path), exc.strerror or str(exc))
            continue
        yield path, row, "unchanged" if same else "changed"


def _sidecar_agrees(row: DocMeta | None, stored: DocMeta) -> bool:
    if row is None:
        return True
    return all(
        getattr(row, f) in (None, "", getattr(stored, f))
        for f in ("municipality", "role", "issuer", "auditor", "date", "title")
    )


def load_one(path: Path, row: DocMeta | None, settings: IngestSettings) -> Loaded:
    """Load, attach metadata and chunk one file; raises UnreadableFileError."""
    doc = load(path, max_bytes=int(settings.max_file_mb * 1e6))
    doc = replace(doc, meta=metadata.merge(row, metadata.infer(doc.text)))
    chunks = chunk(doc, max_tokens=settings.chunk_tokens, overlap_sentences=settings.overlap_sentences)
    if not chunks:
        raise UnreadableFileError(str(path), "no text to index after extraction")
    return Loaded(doc, chunks)
