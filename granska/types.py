"""The provenance record that every stage shares: Document -> Chunk -> Hit -> Answer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What we know about a document, from its sidecar row or inferred from its text."""

    municipality: str | None = None
    role: str = "other"  # audit_report | missive | response | other
    issuer: str | None = None
    auditor: str | None = None
    date: str | None = None  # ISO date or year as written
    title: str | None = None

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date and self.date[:4].isdigit() else None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["year"] = self.year
        return out


@dataclass(frozen=True, slots=True)
class Section:
    """A typed part of a document: from its heading (or the document start) to the next heading."""

    kind: str  # summary | introduction | purpose | scope | method | criteria | findings | assessment |
    #           recommendations | answer | actions | decision | appendix | toc | front | other
    heading: str | None  # the heading as written (None for the front matter before any heading)
    start: int  # offsets into Document.text; the heading is text[start:heading_end]
    end: int
    heading_end: int
    level: int = 1
    path: tuple[str, ...] = ()  # headings from the outermost down to this one

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "heading": self.heading,
            "start": self.start,
            "end": self.end,
            "heading_end": self.heading_end,
            "level": self.level,
            "path": list(self.path),
        }


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing a document states about itself, with the span that states it."""

    kind: str  # issuer | addressee | auditor | report_date | decision_date | paragraph | diarienummer |
    #           period | signatory | contact (a person named beside their own e-mail address)
    value: str
    start: int
    end: int
    role: str | None = None  # a signatory's role as written ("Ordförande", "Cert. kommunal revisor")

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "value": self.value, "start": self.start, "end": self.end}
        if self.role is not None:
            out["role"] = self.role
        return out


@dataclass(frozen=True, slots=True)
class Outline:
    """A document's structure: typed sections in order (covering the text) and its facts."""

    sections: tuple[Section, ...] = ()
    facts: tuple[Fact, ...] = ()

    def section_at(self, offset: int) -> Section | None:
        """The innermost section holding `offset` (sections are flat and ordered, so the last that starts before)."""
        found = None
        for s in self.sections:
            if s.start <= offset:
                found = s
            else:
                break
        return found

    def path_at(self, offset: int) -> list[str]:
        """Heading path of an offset, outermost first ([] in the front matter)."""
        s = self.section_at(offset)
        return list(s.path) if s else []

    def kind_at(self, offset: int) -> str:
        s = self.section_at(offset)
        return s.kind if s else "other"

    def facts_of(self, kind: str) -> list[Fact]:
        return [f for f in self.facts if f.kind == kind]

    def as_dict(self) -> dict[str, Any]:
        return {"sections": [s.as_dict() for s in self.sections], "facts": [f.as_dict() for f in self.facts]}


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded file: its original extracted text and where each page starts in it."""

    doc: str  # file name as ingested (path relative to the ingested folder for files below it)
    doc_sha256: str  # hash of the file's bytes
    text: str
    page_starts: tuple[int, ...] | None = None  # offsets of pages 1..n, None when unpaged
    meta: DocMeta = field(default_factory=DocMeta)
    # Who the file is, apart from its name: a hash of the path it was read from ("upload:NAME" for uploads),
    # so another file of the same name gets its own id instead of replacing this one. None in older indexes.
    origin: str | None = None
    outline: Outline | None = None  # derived from text at load (granska.ingest.outline); not stored

    def page_at(self, offset: int) -> int | None:
        """1-based page holding `offset`, or None for unpaged formats."""
        if self.page_starts is None:
            return None
        page = 1
        for i, start in enumerate(self.page_starts):
            if start <= offset:
                page = i + 1
        return page


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str  # stable: hash of (doc_sha256, start, end)
    doc: str
    doc_sha256: str
    start: int  # character offsets into the document's original decoded text
    end: int
    page: int | None  # 1-based, None for unpaged formats
    text: str  # == original_text[start:end]

    @staticmethod
    def make_id(doc_sha256: str, start: int, end: int) -> str:
        return hashlib.sha256(f"{doc_sha256}:{start}:{end}".encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved chunk with its fused score and the scores behind it."""

    chunk: Chunk
    score: float
    meta: DocMeta
    parts: dict[str, float] = field(default_factory=dict)
    section: str | None = None  # kind of the outline section the passage starts in
    headings: tuple[str, ...] = ()  # heading path at the passage start

    def meta_dict(self) -> dict[str, Any]:
        """The document's metadata plus the passage's place in its outline (when known)."""
        out = self.meta.as_dict()
        if self.section is not None:
            out["section"] = self.section
            out["headings"] = list(self.headings)
        return out


@dataclass(frozen=True, slots=True)
class Span:
    """A cited span inside a document: sentence level, offsets into the original text."""

    doc: str
    start: int
    end: int
    page: int | None
    text: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "text": self.text,
            "score": round(float(self.score), 4),
        }


def hit_span(hit: Hit) -> Span:
    c = hit.chunk
    return Span(c.doc, c.start, c.end, c.page, c.text, hit.score)


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Span]
    passages: list[Hit]
    id: str | None = None
    resolved_question: str | None = None  # the question after follow-up resolution
    notes: dict[str, Any] = field(default_factory=dict)  # how the answer was made (generator, dropped ids…)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out.update(
            {
                "question": self.question,
                "answer": self.answer,
                "abstained": self.abstained,
                "citations": [c.as_dict() for c in self.citations],
                "passages": [{**hit_span(h).as_dict(), "meta": h.meta_dict()} for h in self.passages],
            }
        )
        if self.resolved_question and self.resolved_question != self.question:
            out["resolved_question"] = self.resolved_question
        if self.notes:
            out["notes"] = self.notes
        return out
