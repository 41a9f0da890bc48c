"""Bytes to text for .txt/.md/.html files and metadata.tsv: BOMs, UTF-8, Windows-1252 (Latin-1), line by line.

Excel on Windows saves TSV as Windows-1252 or UTF-16; hand-edited files mix encodings between lines. Each line
is read as UTF-8 first and as Windows-1252 otherwise (Latin-1 is the same for every letter Swedish uses), so a
mixed file keeps its åäö. A line that is neither is reported with its number, never guessed into mojibake.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, newline, form feed and carriage return: text files have (almost) none.
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_BINARY_SHARE = 0.01


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252" or "utf-8+cp1252" (mixed)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (1-based line, reason); blank in text


class BinaryContentError(ValueError):
    """The bytes are not text in any encoding we read."""


def decode(data: bytes) -> Decoded:
    """Decode text bytes; raises BinaryContentError for binary content. Undecodable lines land in bad_lines."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name)
            except UnicodeDecodeError as exc:
                return Decoded("", name, [(1, f"not valid {name.upper().removesuffix('-SIG')} ({exc.reason})")])
    if b"\x00" in data:
        raise BinaryContentError("binary content (NUL bytes) in a text file")
    sample = data[: 1 << 16]
    if sample and len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample):
        raise BinaryContentError("binary content (control bytes) in a text file")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return _by_line(data)


def lines(text: str) -> list[str]:
    """Split as the decoder counted lines (CR, LF, CRLF only; not the Unicode separators str.splitlines knows)."""
    return re.split(r"\r\n|\r|\n", text)


def _by_line(data: bytes) -> Decoded:
    lines: list[str] = []
    bad: list[tuple[int, str]] = []
    used: set[str] = set()
    for number, raw in enumerate(data.splitlines(keepends=True), 1):
        try:
            lines.append(raw.decode("utf-8"))
            used.add("utf-8")
            continue
        except UnicodeDecodeError as exc:
            first = exc
        try:
            lines.append(raw.decode("cp1252"))
            used.add("cp1252")
        except UnicodeDecodeError:
            lines.append("\n" if raw.endswith((b"\n", b"\r")) else "")  # keeps later line numbers true
            bad.append(
                (
                    number,
                    f"not valid UTF-8 or Windows-1252 (byte 0x{raw[first.start]:02x} at column {first.start + 1})",
                )
            )
    encoding = "+".join(sorted(used, key=lambda e: e != "utf-8")) or "utf-8"
    return Decoded("".join(lines), encoding, bad)
