"""load(path) -> Document for .txt, .md, .pdf, .docx and .html; every failure is an UnreadableFileError."""

from __future__ import annotations

import hashlib
from pathlib import Path

from granska.errors import UnreadableFileError
from granska.types import Document

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
PAGE_SEPARATOR = "\n\n"


def load(path: Path, *, max_bytes: int) -> Document:
    """Read one file into a Document whose text is what every offset refers to."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableFileError(
            str(path), f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED)})"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(
                str(path),
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit (GRANSKA_INGEST__MAX_FILE_MB)",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(str(path), exc.strerror or str(exc)) from exc
    if not data.strip():
        raise UnreadableFileError(str(path), "file is empty")
    sha = hashlib.sha256(data).hexdigest()
    page_starts: tuple[int, ...] | None = None
    if suffix in (".txt", ".md"):
        text = _decode_text(path, data)
    elif suffix in (".html", ".htm"):
        text = _html_text(_decode_text(path, data))
    elif suffix == ".pdf":
        text, page_starts = _pdf_text(path)
    else:
        text = _docx_text(path)
    if not text.strip():
        reason = (
            "PDF has no text layer (scanned image?); run OCR on it first" if suffix == ".pdf" else "no text in file"
        )
        raise UnreadableFileError(str(path), reason)
    return Document(doc=path.name, doc_sha256=sha, text=text, page_starts=page_starts)


def _decode_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(str(path), "binary content (NUL bytes) in a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            str(path), f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from exc


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(path: Path) -> tuple[str, tuple[int, ...]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise UnreadableFileError(str(path), "PDF is encrypted; export an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableFileError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise UnreadableFileError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for text in pages:
        starts.append(offset)
        parts.append(text)
        offset += len(text) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(parts), tuple(starts)


def _docx_text(path: Path) -> str:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(str(path), f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc
    blocks = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            blocks.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(blocks)
