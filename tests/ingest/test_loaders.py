from __future__ import annotations

from pathlib import Path

import pytest
from granska.eval.hostile_files import encrypted_pdf, image_only_pdf
from granska.ingest.chunking import chunk
from granska.ingest.loaders import load

from granska.errors import UnreadableFileError
from tests.conftest import make_docx, make_pdf

PAGE1 = "Granskning av integrationsarbetet. Revisorerna har granskat kommunstyrelsen."
PAGE2 = "Vi rekommenderar socialnämnden att säkerställa att rutinerna dokumenteras."


def test_pdf_keeps_pages_and_exact_offsets(tmp_path: Path):
    doc = load(make_pdf(tmp_path / "rapport.pdf", [PAGE1, PAGE2]), max_bytes=10**7)
    assert doc.page_starts is not None and len(doc.page_starts) == 2
    assert "socialnämnden" in doc.text
    chunks = chunk(doc, max_tokens=192, overlap_sentences=1)
    assert {c.page for c in chunks} == {1, 2}
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert doc.page_at(c.start) == c.page
    assert "socialnämnden" in next(c.text for c in chunks if c.page == 2)


def test_docx_paragraphs_are_read(tmp_path: Path):
    doc = load(make_docx(tmp_path / "svar.docx", ["Svar på revisionsrapport", PAGE2]), max_bytes=10**7)
    assert doc.text == "Svar på revisionsrapport\n" + PAGE2
    assert doc.page_starts is None


def test_html_text_without_scripts(tmp_path: Path):
    p = tmp_path / "sida.html"
    p.write_text(
        "<html><head><script>alert(1)</script></head><body><h1>Missiv</h1><p>Kommunstyrelsen bör agera.</p></body></html>"
    )
    assert load(p, max_bytes=10**7).text == "Missiv\nKommunstyrelsen bör agera."


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("tom.txt", lambda p: p.write_bytes(b""), "file is empty"),
        ("blank.txt", lambda p: p.write_bytes(b"  \n\n "), "file is empty"),
        ("binar.txt", lambda p: p.write_bytes(b"abc\x00\x01\x02def"), "binary content"),
        # Latin-1/Windows-1252 is read now (tests/ingest/test_hostile.py); 0x81 is in neither.
        ("odekodbar.txt", lambda p: p.write_bytes("Nämnden".encode("latin-1") + b" \x81\x8d"), "not valid UTF-8"),
        ("trasig.pdf", lambda p: p.write_bytes(b"%PDF-1.4\nthis is not really a pdf"), "not a readable PDF"),
        ("krypterad.pdf", lambda p: encrypted_pdf(p, [PAGE1]), "encrypted"),
        ("skannad.pdf", image_only_pdf, "no text layer"),
        ("trasig.docx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"), "not a readable DOCX"),
        ("bild.png", lambda p: p.write_bytes(b"\x89PNG\r\n"), "unsupported file type"),
    ],
)
def test_bad_input_raises_one_clear_error_naming_file_and_reason(tmp_path: Path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(UnreadableFileError) as info:
        load(path, max_bytes=10**7)
    message = str(info.value)
    assert message.startswith(f"cannot read {path}: ") and reason in message
    assert "\n" not in message


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    p = tmp_path / "stor.txt"
    p.write_text("x" * 5000)
    with pytest.raises(UnreadableFileError, match="over the 0 MB limit"):
        load(p, max_bytes=1000)
