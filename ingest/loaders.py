"""load(path) -> Document for .txt, .md, .pdf, .docx and .html; every failure is an UnreadableFileError.

Files come from users and from attackers alike. Before a parser sees a file its name, size and magic bytes are
checked; a DOCX has its archive and XML checked by granska.ingest.guards; HTML its depth; a PDF its pages and
objects; and the whole load runs against a wall-clock budget checked between steps. Whatever a parser still
raises becomes one UnreadableFileError, so one bad file never stops a batch.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from granska.ingest import guards
from granska.ingest.encoding import BinaryContentError, decode

from granska.errors import UnreadableFileError
from granska.types import Document

SUPPORTED = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
PAGE_SEPARATOR = "\n\n"
MAX_NAME_CHARS = 255
MAX_PDF_OBJECTS = 2_000_000
# A page of text extracted without spaces is ~5,000 characters; a longer "word" is base64 or junk, and the
# passage splitter (which cuts at white space) and the n-gram index would spend minutes and gigabytes on it.
MAX_RUN = 20_000
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1}}}")
# Lone surrogates (from broken PDF font maps) cannot be written as UTF-8; NUL breaks downstream tools.
# Replaced one character for one, so offsets do not move.
_UNWRITABLE = re.compile(r"[\ud800-\udfff\x00]")


def load(
    path: Path,
    *,
    max_bytes: int,
    max_pages: int = 2000,
    max_unpacked_bytes: int = 200_000_000,
    timeout_s: float = 120.0,
) -> Document:
    """Read one file into a Document whose text is what every offset refers to."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnreadableFileError(
            str(path), f"unsupported file type '{suffix or '(none)'}' (supported: {', '.join(SUPPORTED)})"
        )
    check_name(path)
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
    guards.sniff(path, data[:1024], suffix)
    budget = guards.Budget(max_pages=max_pages, max_unpacked=max_unpacked_bytes, deadline=time.monotonic() + timeout_s)
    sha = hashlib.sha256(data).hexdigest()
    try:
        text, page_starts = _extract(path, suffix, data, budget)
    except UnreadableFileError:
        raise
    except MemoryError as exc:
        raise UnreadableFileError(str(path), "ran out of memory while parsing it") from exc
    except RecursionError as exc:
        raise UnreadableFileError(str(path), "nested too deeply to parse") from exc
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise UnreadableFileError(str(path), f"could not be parsed ({type(exc).__name__}: {first})") from exc
    if run := _LONG_RUN.search(text):
        raise UnreadableFileError(
            str(path), f"has a run of over {MAX_RUN} characters without white space at {run.start()}: not prose"
        )
    if not text.strip():
        reason = (
            "PDF has no text layer (scanned image?); run OCR on it first" if suffix == ".pdf" else "no text in file"
        )
        raise UnreadableFileError(str(path), reason)
    return Document(doc=path.name, doc_sha256=sha, text=_UNWRITABLE.sub("\ufffd", text), page_starts=page_starts)


def check_name(path: Path) -> None:
    """Names must print and store: valid UTF-8, no control characters, not absurdly long."""
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UnreadableFileError(str(path), "file name is not valid UTF-8; rename the file") from exc
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise UnreadableFileError(str(path), "file name contains control characters; rename the file")
    if len(name) > MAX_NAME_CHARS:
        raise UnreadableFileError(str(path), f"file name is {len(name)} characters (over {MAX_NAME_CHARS}); rename it")


def _extract(path: Path, suffix: str, data: bytes, budget: guards.Budget) -> tuple[str, tuple[int, ...] | None]:
    if suffix in (".txt", ".md"):
        return _decode_text(path, data), None
    if suffix in (".html", ".htm"):
        html = _decode_text(path, data)
        guards.check_html(path, html, budget)
        return _html_text(html), None
    if suffix == ".pdf":
        return _pdf_text(path, budget)
    guards.check_docx(path, budget)
    return _docx_text(path), None


def _decode_text(path: Path, data: bytes) -> str:
    try:
        decoded = decode(data)
    except BinaryContentError as exc:
        raise UnreadableFileError(str(path), str(exc)) from exc
    if decoded.bad_lines:
        line, reason = decoded.bad_lines[0]
        more = f" (and {len(decoded.bad_lines) - 1} more lines)" if len(decoded.bad_lines) > 1 else ""
        raise UnreadableFileError(str(path), f"line {line}: {reason}{more}; save it as UTF-8")
    return decoded.text


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(path: Path, budget: guards.Budget) -> tuple[str, tuple[int, ...]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):  # an empty user password opens "owner-only" locks
            raise UnreadableFileError(str(path), "PDF is encrypted; export an unencrypted copy")
        objects = int(reader.trailer.get("/Size", 0) or 0)
        if objects > MAX_PDF_OBJECTS:
            raise UnreadableFileError(str(path), f"PDF declares {objects} objects (over {MAX_PDF_OBJECTS})")
        n = len(reader.pages)
        if n > budget.max_pages:
            raise UnreadableFileError(
                str(path), f"PDF has {n} pages (over {budget.max_pages}; GRANSKA_INGEST__MAX_PAGES); split it"
            )
        pages = []
        for i, page in enumerate(reader.pages, 1):
            budget.check_time(path, f"page {i} of {n}")
            pages.append(page.extract_text() or "")
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
