"""Checks a file must pass before a third-party parser sees it: sniffed type, archive sizes, XML and HTML shape.

Each check reads as little as it can and raises UnreadableFileError with one line naming what is wrong, so a
zip bomb, an entity-expansion payload or a million nested tags costs milliseconds, not gigabytes.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from xml.parsers import expat

from granska.errors import UnreadableFileError

# A real DOCX has tens of parts; one with images a few hundred.
MAX_ZIP_ENTRIES = 2000
# A text part this much smaller when compressed is a bomb, not prose (real document.xml: 5-15x).
MAX_ZIP_RATIO = 200
RATIO_FLOOR = 1 << 20  # small parts may compress freely (repeated XML boilerplate)
MAX_XML_PART = 40 << 20  # one XML part; python-docx builds a tree of it (about 10x its size in memory)
MAX_XML_DEPTH = 256
MAX_TEXT_NODE = 8 << 20  # lxml refuses text nodes over 10 MB; say so before it does
MAX_HTML_DEPTH = 512
MAX_HTML_TAGS = 400_000
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip
# Often left open in real pages; the tree parser closes them at the next sibling, so they add no depth.
_OPTIONAL_END = {"p", "li", "td", "th", "tr", "dt", "dd", "option", "thead", "tbody", "colgroup"}
_MAGIC = (
    (b"%PDF-", ".pdf", "a PDF"),
    (b"PK\x03\x04", ".docx", "a zip archive (DOCX?)"),
    (b"\x89PNG", None, "a PNG image"),
    (b"\xff\xd8\xff", None, "a JPEG image"),
    (b"GIF8", None, "a GIF image"),
    (b"II*\x00", None, "a TIFF image"),
    (b"MM\x00*", None, "a TIFF image"),
    (b"\x7fELF", None, "a program (ELF)"),
    (b"\x1f\x8b", None, "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", None, "an old Office file (.doc/.xls); save it as .docx or PDF"),
)


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one file: pages, unpacked bytes and a wall-clock deadline checked between steps."""

    max_pages: int = 2000
    max_unpacked: int = 200_000_000
    deadline: float = float("inf")  # time.monotonic() value

    def check_time(self, path: Path, what: str) -> None:
        if time.monotonic() > self.deadline:
            raise UnreadableFileError(str(path), f"took too long ({what}); over the per-file time limit")


def sniff(path: Path, head: bytes, suffix: str) -> None:
    """Refuse content whose magic bytes say it is something else than its extension says."""
    for magic, ext, what in _MAGIC:
        if head.startswith(magic):
            if ext == suffix:
                return
            if ext is None:
                raise UnreadableFileError(str(path), f"content is {what}, not a {suffix} document")
            raise UnreadableFileError(str(path), f"content is {what} but the name ends in {suffix}; rename it to {ext}")
    if suffix == ".pdf" and b"%PDF-" not in head[:1024]:
        raise UnreadableFileError(str(path), "not a readable PDF (no %PDF- header)")
    if suffix == ".docx":
        raise UnreadableFileError(str(path), "not a readable DOCX (not a zip archive)")


def check_docx(path: Path, budget: Budget) -> None:
    """Entry count, declared sizes and ratios of the archive, then every XML part streamed through expat."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise UnreadableFileError(
                    str(path), f"DOCX has {len(infos)} parts (over {MAX_ZIP_ENTRIES}); not a document"
                )
            total = sum(i.file_size for i in infos)
            if total > budget.max_unpacked:
                raise UnreadableFileError(
                    str(path),
                    f"DOCX unpacks to {total / 1e6:.0f} MB (over {budget.max_unpacked / 1e6:.0f} MB): zip bomb?",
                )
            for info in infos:
                if info.file_size > RATIO_FLOOR and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
                    raise UnreadableFileError(
                        str(path),
                        f"DOCX part {info.filename} unpacks {info.file_size // max(info.compress_size, 1)}x: zip bomb?",
                    )
                if info.filename.endswith((".xml", ".rels")):
                    if info.file_size > MAX_XML_PART:
                        raise UnreadableFileError(
                            str(path),
                            f"DOCX part {info.filename} is {info.file_size / 1e6:.0f} MB of XML (over {MAX_XML_PART >> 20} MB)",
                        )
                    with zf.open(info) as fh:
                        _scan_xml(path, info.filename, fh, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise UnreadableFileError(str(path), f"not a readable DOCX ({type(exc).__name__}: {exc})") from exc


def _scan_xml(path: Path, part: str, fh: object, budget: Budget) -> None:
    """Stream one XML part: no DTD, no entity declarations, bounded depth and text nodes."""
    parser = expat.ParserCreate()
    depth = 0
    text_run = 0

    def refuse(reason: str) -> None:
        raise UnreadableFileError(str(path), f"DOCX part {part}: {reason}")

    def start(_name: str, _attrs: object) -> None:
        nonlocal depth, text_run
        depth += 1
        text_run = 0
        if depth > MAX_XML_DEPTH:
            refuse(f"XML nested deeper than {MAX_XML_DEPTH} levels")

    def end(_name: str) -> None:
        nonlocal depth, text_run
        depth -= 1
        text_run = 0

    def chars(data: str) -> None:
        nonlocal text_run
        text_run += len(data)
        if text_run > MAX_TEXT_NODE:
            refuse(f"a text node over {MAX_TEXT_NODE >> 20} MB")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = lambda *_: refuse("has a DTD (<!DOCTYPE>); not allowed in a DOCX")
    parser.EntityDeclHandler = lambda *_: refuse("declares XML entities; not allowed in a DOCX")
    parser.ExternalEntityRefHandler = lambda *_: refuse("refers to an external entity")  # type: ignore[assignment,return-value]
    read = fh.read  # type: ignore[attr-defined]
    try:
        while block := read(1 << 20):
            parser.Parse(block, False)
            budget.check_time(path, f"scanning {part}")
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        refuse(f"malformed XML ({exc})")


class _Shape(HTMLParser):
    """Counts open tags and nesting depth without building a tree."""

    def __init__(self, path: Path) -> None:
        super().__init__(convert_charrefs=False)
        self.path = path
        self.depth = 0
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if self.tags > MAX_HTML_TAGS:
            raise UnreadableFileError(str(self.path), f"HTML has over {MAX_HTML_TAGS} tags")
        if tag not in _VOID and tag not in _OPTIONAL_END:
            self.depth += 1
            if self.depth > MAX_HTML_DEPTH:
                raise UnreadableFileError(str(self.path), f"HTML nested deeper than {MAX_HTML_DEPTH} levels")

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and tag not in _OPTIONAL_END:
            self.depth = max(0, self.depth - 1)


def check_html(path: Path, html: str, budget: Budget) -> None:
    """Refuse HTML too deep or too many tags for the tree parser that follows (it costs ~1 KB per tag)."""
    shape = _Shape(path)
    for i in range(0, len(html), 1 << 20):
        shape.feed(html[i : i + (1 << 20)])
        budget.check_time(path, "scanning HTML")
    shape.close()
