"""Original PDF files kept in the index folder beside the store: the text is in the store, page images need
the file itself (`Engine.original_path`)."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from urllib.parse import quote

ORIGINALS = "originals"  # in the index folder: kept original PDFs, for page renders
log = logging.getLogger("granska")


def original_path(index_dir: Path, doc: str) -> Path:
    """Where the original file of a PDF document is kept (ingested or uploaded), so its pages can be shown."""
    name = quote(doc, safe="")  # one flat folder: "a/b.pdf" -> "a%2Fb.pdf"
    if len(name) > 200:  # file systems allow 255 bytes
        name = hashlib.sha256(doc.encode()).hexdigest() + ".pdf"
    return index_dir / ORIGINALS / name


def keep_original(index_dir: Path, source: Path, doc: str) -> None:
    """A copy of an ingested PDF (other formats are rendered from their text)."""
    if source.suffix.lower() != ".pdf":
        return
    target = original_path(index_dir, doc)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError as exc:  # the text is indexed either way; only the page render goes without it
        log.warning("could not keep a copy of %s for page renders: %s", source, exc)
