"""Document metadata: read from a metadata.tsv sidecar, and inferred from the text where missing."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from granska.ingest.encoding import BinaryContentError, decode, lines

from granska.text import fold
from granska.types import DocMeta

SIDECAR = "metadata.tsv"
ROLES = ("audit_report", "missive", "response", "other")

_ROLE_ALIASES = {
    "response": "response",
    "svar": "response",
    "yttrande": "response",
    "audit_missive": "missive",
    "missive": "missive",
    "missiv": "missive",
    "audit_summary": "audit_report",
    "audit_report": "audit_report",
    "report": "audit_report",
    "granskning": "audit_report",
}


def normalize_role(value: str | None) -> str:
    return _ROLE_ALIASES.get((value or "").strip().lower(), "other")


MAX_SIDECAR_BYTES = 10 << 20
MAX_CELL_CHARS = 2000  # a title or a name; longer is not metadata


def read_sidecar(directory: Path) -> dict[str, DocMeta]:
    """Rows of `directory/metadata.tsv` by file name; empty cells stay None so inference can fill them."""
    return read_sidecar_report(directory)[0]


def read_sidecar_report(directory: Path) -> tuple[dict[str, DocMeta], list[tuple[str, str]]]:
    """The sidecar's rows, and (path, reason) for each line that could not be read: the rest still applies.

    Read as UTF-8 (with or without BOM), UTF-16/32 with a BOM, or Windows-1252/Latin-1 line by line, as
    spreadsheet programs save it.
    """
    path = directory / SIDECAR
    if not path.is_file():
        return {}, []
    where = str(path)
    try:
        if path.stat().st_size > MAX_SIDECAR_BYTES:
            return {}, [(where, f"over {MAX_SIDECAR_BYTES >> 20} MB; not read")]
        data = path.read_bytes()
    except OSError as exc:
        return {}, [(where, exc.strerror or str(exc))]
    try:
        decoded = decode(data)
    except BinaryContentError as exc:
        return {}, [(where, str(exc).replace("a text file", "the sidecar"))]
    problems = [(where, f"line {n}: {reason}; the line was left out") for n, reason in decoded.bad_lines]
    header: list[str] | None = None
    out: dict[str, DocMeta] = {}
    for number, line in enumerate(lines(decoded.text), 1):
        if not line.strip():
            continue
        try:
            cells = next(csv.reader([line], delimiter="\t"))
        except csv.Error as exc:
            problems.append((where, f"line {number}: {exc}; the line was left out"))
            continue
        if header is None:
            header = [c.strip().lstrip("\ufeff").lower() for c in cells]
            continue
        row = dict(zip(header, cells, strict=False))
        too_long = [k for k, v in row.items() if len(v) > MAX_CELL_CHARS]
        if too_long:
            problems.append((where, f"line {number}: cell '{too_long[0]}' over {MAX_CELL_CHARS} characters; left out"))
            continue
        name = (row.get("file") or "").strip()
        if name:
            out[name] = _row_meta(row)
    return out, problems


def _row_meta(row: dict[str, str]) -> DocMeta:
    cell = {k: (v or "").strip() or None for k, v in row.items() if k}
    role = cell.get("doc_type") or cell.get("role")
    return DocMeta(
        municipality=cell.get("municipality"),
        role=normalize_role(role) if role else "",
        issuer=cell.get("issuer"),
        auditor=cell.get("auditor"),
        date=cell.get("date"),
        title=cell.get("title"),
    )


_MUNI = re.compile(r"\b([A-ZÅÄÖ][a-zåäöéA-ZÅÄÖ]+(?:-[A-ZÅÄÖ][a-zåäö]+)?)\s+(kommun|[Ss]tad)\b")
_MUNI_EMAIL = re.compile(r"@([a-zåäö]+)\.se\b")
_AUDITORS = ("PwC", "EY", "KPMG", "Deloitte", "Ernst & Young", "Stadsrevisionen", "Kommunrevisionen")
_ISO_DATE = re.compile(r"\b(19|20)\d{2}-[01]\d-[0-3]\d\b")
_NOT_PLACES = {"Den", "Denna", "Hela", "Vår", "Var", "Varje", "Samma", "Annan", "Egen", "Din", "Er", "Ny"}


def infer(text: str) -> DocMeta:
    """Best-effort metadata from the text alone (used where the sidecar is silent)."""
    munis = Counter(
        f"{m.group(1)} {'kommun' if m.group(2) == 'kommun' else 'Stad'}"
        for m in _MUNI.finditer(text)
        if m.group(1) not in _NOT_PLACES
    )
    municipality = munis.most_common(1)[0][0] if munis else None
    if municipality is not None:
        name, _, kind = municipality.rpartition(" ")
        municipality = f"{_whole_name(text, name)} {kind}"
    if municipality is None and (email := _MUNI_EMAIL.search(text)):
        municipality = f"{email.group(1).capitalize()} kommun"
    auditor = next((a for a in _AUDITORS if re.search(rf"\b{re.escape(a)}\b", text)), None)
    dates = sorted(m.group(0) for m in _ISO_DATE.finditer(text))
    title = next((line.strip() for line in text.splitlines() if len(line.strip()) > 8), None)
    return DocMeta(
        municipality=municipality,
        role=_infer_role(text),
        auditor=auditor,
        date=dates[-1] if dates else None,
        title=title[:200] if title else None,
    )


_CAPITALISED_BEFORE = re.compile(r"([A-ZÅÄÖ][a-zåäöé]+)[ \t]+$")


def _whole_name(text: str, name: str) -> str:
    """A place name with the capitalised word that belongs to it ("Östra Göinge", "Upplands Väsby").

    General rule, no list of names: a capitalised word that stands before (nearly) every mention of the
    name, at least once in the middle of a sentence (so it is not just a sentence-initial word), and at
    least once with the name but without "kommun"/"stad" after it (so it is not a heading such as
    "Hemsjukvården Xs kommun"), is part of the name."""
    mentions = [m.start() for m in re.finditer(rf"(?<![\w-]){re.escape(name)}\b", text)]
    before: Counter[str] = Counter()
    mid_sentence: set[str] = set()
    for pos in mentions:
        head = text[max(0, pos - 60) : pos]
        if m := _CAPITALISED_BEFORE.search(head):
            before[m.group(1)] += 1
            if re.search(r"[a-zåäö0-9,][ \t]+$", head[: m.start()]):
                mid_sentence.add(m.group(1))
    if not before or len(mentions) < 2:
        return name
    word, n = before.most_common(1)[0]
    alone = re.search(rf"{re.escape(word)}[ \t]+{re.escape(name)}\b(?![ \t]+(?:kommun|[Ss]tad))", text)
    return f"{word} {name}" if n >= 0.8 * len(mentions) and word in mid_sentence and alone else name


def _infer_role(text: str) -> str:
    low = fold(text)  # OCR-tolerant: "Vi 6nskar svar" reads as "vi onskar svar"
    if re.search(r"\b(svar pa|synpunkter|yttrande|kommunstyrelsens bedomning)", low[:3000]):
        return "response"
    # A missive ends by asking for answers ("Svar … emotses senast", "Vi önskar svar från …").
    if "missiv" in low or re.search(r"\bemotses\b|onskar svar", low):
        return "missive"
    if re.search(r"\bgranskning\b|revisionsrapport|rekommenderar vi", low[:3000]):
        return "audit_report"
    return "other"


def merge(given: DocMeta | None, inferred: DocMeta) -> DocMeta:
    """Sidecar values win; inference fills only what the sidecar left empty."""
    if given is None:
        return inferred
    return replace(
        given,
        municipality=given.municipality or inferred.municipality,
        role=given.role or inferred.role,
        issuer=given.issuer or inferred.issuer,
        auditor=given.auditor or inferred.auditor,
        date=given.date or inferred.date,
        title=given.title or inferred.title,
    )
