"""Tables of contents flattened onto one line end where the entries stop: at the body's first heading repeating
the first entry, or where the entries turn into sentences; prose saying "innehåll" is no contents."""

from __future__ import annotations

from pathlib import Path

from granska.ingest.loaders import load
from granska.ingest.outline import outline

from granska.types import Document
from tests.conftest import SHARED, make_docx

AUDITS = SHARED / "datasets" / "audits" / "docs"


def test_flat_contents_ends_where_its_entries_turn_into_questions():
    # A real report: the contents (one 909-character line) lists the audit questions as its last entries.
    text = (AUDITS / "vgr-2012-konsultanvandning.txt").read_text(encoding="utf-8")
    o = outline(Document("vgr", "x", text))
    toc = [s for s in o.sections if s.kind == "toc"]
    assert len(toc) == 1 and "Revisionskriterier" in text[toc[0].start : toc[0].end]
    for question in ("Hur stora är kostnaderna", "Hur är följsamheten mot regler", "Vilka anvisningar finns"):
        assert o.kind_at(text.index(question)) != "toc", question
    # The entries before the first question stay in the contents.
    assert o.kind_at(text.index("Våra iakttagelser och kommentarer")) == "toc"


def test_flat_contents_in_a_docx_ends_at_the_repeated_first_heading(tmp_path: Path):
    body = (
        "Innehåll 1. Inledning 3 1.1 Bakgrund 3 2. Iakttagelser 5 3. Rekommendationer 9 "
        "1. Inledning Nämnden har delegerat beslut till förvaltningen. Revisorerna har granskat uppföljningen. "
        "2. Iakttagelser Delegeringsordningen har inte reviderats sedan den antogs. "
        "3. Rekommendationer Vi rekommenderar nämnden att se över delegeringsordningen."
    )
    path = make_docx(tmp_path / "rapport.docx", ["Granskning av delegering", body])
    doc = load(path, max_bytes=10_000_000)
    o = outline(doc)
    text = doc.text
    toc = next(s for s in o.sections if s.kind == "toc")
    assert "2. Iakttagelser 5" in text[toc.start : toc.end] and "delegerat" not in text[toc.start : toc.end]
    assert o.kind_at(text.index("Nämnden har delegerat")) == "introduction"
    assert o.kind_at(text.index("Delegeringsordningen har inte")) == "findings"
    assert o.kind_at(text.index("Vi rekommenderar nämnden")) == "recommendations"


def test_prose_about_content_is_no_table_of_contents():
    # "… anger syftet med undervisningen, vilket innehåll som ska tas upp …": a lower-case word in a sentence.
    path = next((SHARED / "datasets" / "swequad_mc").rglob("swequad_81f2600ce13e.txt"))
    text = path.read_text(encoding="utf-8")
    o = outline(Document(path.name, "x", text))
    assert "vilket innehåll som" in text
    assert all(s.kind != "toc" for s in o.sections)
