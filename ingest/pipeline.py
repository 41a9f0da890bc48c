"""Batch ingest, up to chunks: find files, skip what is unchanged, load and chunk the rest, report the bad ones."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from granska.ingest import isolate, metadata
from granska.ingest.chunking import chunk
from granska.ingest.loaders import check_name, load
from granska.ingest.outline import outline

from granska.errors import UnreadableFileError
from granska.settings import IngestSettings
from granska.types import Chunk, DocMeta, Document

MAX_ID_CHARS = 400  # a document id is shown in every citation; deeper paths are refused, not cut
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def printable(text: str) -> str:
    """One line that encodes as UTF-8: control characters and undecodable name bytes shown as escapes."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str

    def __post_init__(self) -> None:
        # A file name may hold newlines or bytes that are not UTF-8: the report must stay one line each.
        object.__setattr__(self, "path", printable(self.path))
        object.__setattr__(self, "reason", printable(" ".join(self.reason.split())))

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


@dataclass(frozen=True, slots=True)
class Source:
    """A file to ingest: where it is, its path below the folder it was found in, and who it is."""

    path: Path  # resolved
    rel: str  # posix path relative to the ingested folder; the file name for a file named directly
    origin: str  # hash of the absolute path, or "upload:NAME": never the path itself (ids are shown to users)


@dataclass(frozen=True, slots=True)
class Planned:
    source: Source
    doc: str  # the document id it lands under
    row: DocMeta | None
    status: str  # "new" | "changed" | "unchanged"


def collect(paths: Iterable[Path], *, uploaded: bool = False) -> tuple[list[Source], list[Skipped]]:
    """Files named or found below named folders (hidden files and sidecars left out), sorted, de-duplicated.

    A link inside a folder that points outside it is refused: ingesting a folder reads only that folder.
    """
    files: dict[Path, Source] = {}
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            for p in sorted(path.rglob("*")):
                rel = p.relative_to(path)
                if p.name == metadata.SIDECAR or any(part.startswith(".") for part in rel.parts) or not p.is_file():
                    continue
                real = p.resolve()
                if root not in real.parents:
                    skipped.append(Skipped(str(p), "links to a file outside the ingested folder; not read"))
                    continue
                files.setdefault(real, _source(real, rel.as_posix(), uploaded=uploaded))
        elif path.is_file():
            real = path.resolve()
            files.setdefault(real, _source(real, path.name, uploaded=uploaded))
        else:
            skipped.append(Skipped(str(path), "no such file or folder"))
    return list(files.values()), skipped


def _source(path: Path, rel: str, *, uploaded: bool) -> Source:
    where = f"upload:{rel}" if uploaded else hashlib.sha256(os.fsencode(path)).hexdigest()[:16]
    return Source(path, rel, where)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plan(files: list[Source], existing: dict[str, Document]) -> Iterator[Planned | Skipped]:
    """What to do with each file: its document id and whether it is new, changed or unchanged.

    Identity is the file (its origin) plus its content: re-reading the same file is a no-op, new content in
    the same file replaces only its document, and another file that happens to share the id lands beside
    it under a distinct id. Documents from older indexes have no origin; a file of the same name adopts them.
    """
    sidecars: dict[Path, dict[str, DocMeta]] = {}
    by_origin = {d.origin: n for n, d in existing.items() if d.origin}
    claimed: dict[str, str] = {}  # id -> origin, for this batch
    for src in files:
        if len(src.rel) > MAX_ID_CHARS:
            yield Skipped(str(src.path), f"path below the folder is {len(src.rel)} characters (over {MAX_ID_CHARS})")
            continue
        try:
            check_name(src.path)
            sha = file_sha256(src.path)
        except UnreadableFileError as exc:
            yield Skipped(exc.path, exc.reason)
            continue
        except OSError as exc:
            yield Skipped(str(src.path), exc.strerror or str(exc))
            continue
        if src.path.parent not in sidecars:
            rows, problems = metadata.read_sidecar_report(src.path.parent)
            if not rows and not problems:
                # A dataset that keeps its metadata.tsv beside docs/ (set/metadata.tsv, set/docs/…): the folder
                # has none of its own, so the parent's rows for these file names apply (as `granska eval` reads it).
                rows, problems = metadata.read_sidecar_report(src.path.parent.parent)
            sidecars[src.path.parent] = rows
            yield from (Skipped(where, reason) for where, reason in problems)
        row = sidecars[src.path.parent].get(src.path.name)
        doc = _doc_id(src, sha, existing, by_origin, claimed)
        claimed[doc] = src.origin
        old = existing.get(doc)
        if old is None:
            yield Planned(src, doc, row, "new")
        else:
            same = old.doc_sha256 == sha and _sidecar_agrees(row, old.meta)
            yield Planned(src, doc, row, "unchanged" if same else "changed")


def _doc_id(
    src: Source, sha: str, existing: dict[str, Document], by_origin: dict[str, str], claimed: dict[str, str]
) -> str:
    known = by_origin.get(src.origin)
    if known is not None and known not in claimed:
        return known
    if src.rel not in claimed:
        old = existing.get(src.rel)
        if old is None:
            legacy = existing.get(src.path.name)  # older indexes named files below folders by name alone
            if (
                legacy is not None
                and legacy.origin is None
                and legacy.doc_sha256 == sha
                and src.path.name not in claimed
            ):
                return src.path.name
            return src.rel
        if old.origin in (None, src.origin) or old.doc_sha256 == sha:
            return src.rel  # the same file, a legacy entry for it, or the same bytes from elsewhere
    # Another file with this id: it lands beside it, named apart by a short hash of where it came from.
    tag = hashlib.sha256(src.origin.encode()).hexdigest()[:8]
    stem, dot, ext = src.rel.rpartition(".")
    return f"{stem}~{tag}.{ext}" if dot and stem else f"{src.rel}~{tag}"


def _sidecar_agrees(row: DocMeta | None, stored: DocMeta) -> bool:
    if row is None:
        return True
    return all(
        getattr(row, f) in (None, "", getattr(stored, f))
        for f in ("municipality", "role", "issuer", "auditor", "date", "title")
    )


def safe_name(name: str, *, limit: int = 120) -> str:
    """An uploaded file's name reduced to a plain file name: never a path, never hidden, never empty."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ]", "_", base).strip(" .")
    if len(base) > limit:  # keep the extension: it says how to read the file
        stem, dot, ext = base.rpartition(".")
        base = (stem[: limit - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else base[:limit]
    return base or "upload"


def load_one(path: Path | Source, row: DocMeta | None, settings: IngestSettings, *, doc: str | None = None) -> Loaded:
    """Load, attach id, origin and metadata, and chunk one file; raises UnreadableFileError.

    doc: the id it lands under (from `plan`); by default the file name, as before ids knew folders.
    """
    source = path if isinstance(path, Source) else None
    file = source.path if source is not None else Path(str(path))
    limits: dict[str, Any] = {
        "max_bytes": int(settings.max_file_mb * 1e6),
        "max_pages": settings.max_pages,
        "max_unpacked_bytes": int(settings.max_unpacked_mb * 1e6),
        "timeout_s": settings.file_timeout_s,
    }
    if settings.isolate and file.suffix.lower() in isolate.ISOLATED:
        loaded = isolate.load(file, max_memory_mb=settings.max_parse_mb, **limits)
    else:
        loaded = load(file, **limits)
    meta = metadata.merge(row, metadata.infer(loaded.text))
    document = replace(loaded, doc=doc or file.name, origin=source.origin if source else None, meta=meta)
    chunks = chunk(document, max_tokens=settings.chunk_tokens, overlap_sentences=settings.overlap_sentences)
    if not chunks:
        raise UnreadableFileError(str(file), "no text to index after extraction")
    # The outline is stored beside the document, so no query ever computes it (granska.index.outlines).
    return Loaded(replace(document, outline=outline(document)), chunks)
