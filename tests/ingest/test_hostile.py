"""Hostile and broken files: one clear UnreadableFileError each, from the same makers as the reliability suite;
encodings of text files and sidecars; document identity (same name in two folders, re-ingest, replacement)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from granska.eval.hostile_files import KINDS, XSS
from granska.index.store import LocalStore
from granska.ingest.encoding import decode
from granska.ingest.loaders import load
from granska.ingest.metadata import read_sidecar_report

from granska.engine import BUNDLED_CORPUS, Engine
from granska.errors import UnreadableFileError
from tests.conftest import hash_settings

SLOW = {
    "1000-page PDF",
    "PDF over the page limit (2100 pages)",
    "DOCX zip bomb (1 GB)",
    "HTML with 500,000 tags",
    "PDF page of 1.4M operators (runs for minutes)",  # in-process it runs for minutes: tests/ingest/test_isolate.py
}
SINGLE = [
    k
    for k in KINDS
    if k.name not in SLOW
    and "folder" not in k.name
    and "sidecar" not in k.name
    and "name" not in k.name
    and "200 MB" not in k.name
]


@pytest.mark.parametrize("kind", SINGLE, ids=[k.name for k in SINGLE])
def test_each_hostile_file_lands_or_gives_one_line(tmp_path: Path, kind):
    path = kind.make(tmp_path)
    try:
        doc = load(path, max_bytes=50_000_000)
    except UnreadableFileError as exc:
        assert kind.expected in ("skipped", "either"), str(exc)
        assert str(exc).startswith(f"cannot read {path}: ") and "\n" not in str(exc)
        return
    assert kind.expected in ("lands", "either"), kind.name
    assert doc.text.strip() and "\ud800" not in doc.text


def test_zip_bomb_is_refused_by_declared_size_without_unpacking(tmp_path: Path):
    bomb = next(k for k in KINDS if k.name == "DOCX zip bomb (1 GB)").make(tmp_path)
    with pytest.raises(UnreadableFileError, match=r"DOCX unpacks to 1074 MB \(over 200 MB\): zip bomb\?"):
        load(bomb, max_bytes=50_000_000)


def test_sparse_200_mb_file_is_refused_before_reading(tmp_path: Path):
    big = next(k for k in KINDS if k.name == "200 MB file").make(tmp_path)
    with pytest.raises(UnreadableFileError, match="file is 200.0 MB, over the 50 MB limit"):
        load(big, max_bytes=50_000_000)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Nämnden svarar".encode("cp1252"), "Nämnden svarar", "cp1252"),
        ("Nämnden – svarar”".encode("cp1252"), "Nämnden – svarar”", "cp1252"),
        ("Nämnden svarar".encode("utf-16"), "Nämnden svarar", "utf-16"),
        (b"\xef\xbb\xbf" + "Nämnden".encode(), "Nämnden", "utf-8-sig"),
        ("Åtgärd\n".encode() + "Nämnden".encode("latin-1"), "Åtgärd\nNämnden", "utf-8+cp1252"),
    ],
)
def test_text_encodings_are_detected(data: bytes, text: str, encoding: str):
    decoded = decode(data)
    assert (decoded.text, decoded.encoding, decoded.bad_lines) == (text, encoding, [])


def test_sidecar_in_excel_encodings_and_a_bad_line_reported_by_number(tmp_path: Path):
    rows = "file\tmunicipality\tdoc_type\na.txt\tÖrebygd kommun\tsvar\n"
    for enc in ("cp1252", "utf-16", "utf-8-sig"):
        (tmp_path / "metadata.tsv").write_bytes(rows.encode(enc))
        got, problems = read_sidecar_report(tmp_path)
        assert got["a.txt"].municipality == "Örebygd kommun" and got["a.txt"].role == "response" and not problems
    (tmp_path / "metadata.tsv").write_bytes(rows.encode("cp1252") + b"b.txt\t\x81\tsvar\nc.txt\tX kommun\tmissiv\n")
    got, problems = read_sidecar_report(tmp_path)
    assert sorted(got) == ["a.txt", "c.txt"]
    assert problems == [
        (
            str(tmp_path / "metadata.tsv"),
            "line 3: not valid UTF-8 or Windows-1252 (byte 0x81 at column 7); the line was left out",
        )
    ]


def test_same_name_in_two_folders_both_land_and_reingest_is_a_noop(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    for sub, word in (("a", "kulturnämnden"), ("b", "tekniska nämnden")):
        (corpus / sub).mkdir()
        (corpus / sub / "rapport.txt").write_text(f"Revisorerna granskade {word}. {XSS}", encoding="utf-8")
    engine = Engine(hash_settings(tmp_path / "idx"))
    first = engine.ingest([corpus])
    assert sorted(first.added) == sorted(
        [p.name for p in BUNDLED_CORPUS.glob("*.txt")] + ["a/rapport.txt", "b/rapport.txt"]
    )
    again = engine.ingest([corpus])
    assert not again.added and not again.replaced and again.chunks_embedded == 0 and len(again.unchanged) == 7
    # New content in one file replaces that document only.
    (corpus / "b" / "rapport.txt").write_text("Revisorerna granskade tekniska nämnden på nytt.", encoding="utf-8")
    third = engine.ingest([corpus])
    assert third.replaced == ["b/rapport.txt"] and len(third.unchanged) == 6
    docs = engine.documents()
    assert "kulturnämnden" in docs["a/rapport.txt"].text and "på nytt" in docs["b/rapport.txt"].text
    # Another file of an indexed name, from elsewhere, lands beside it under a distinct, readable id.
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "003_f15778b1dd09b2e4.txt").write_text("En helt annan granskning av bygglov.", encoding="utf-8")
    fourth = engine.ingest([other / "003_f15778b1dd09b2e4.txt"])
    (new_id,) = fourth.added
    assert new_id.startswith("003_f15778b1dd09b2e4~") and new_id.endswith(".txt") and not fourth.replaced
    assert "Eidar" in engine.documents()["003_f15778b1dd09b2e4.txt"].text
    assert engine.ingest([other / "003_f15778b1dd09b2e4.txt"]).unchanged == [new_id]


def test_a_bad_file_never_touches_the_index(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])
    generation = LocalStore(tmp_path / "idx").version()
    bad = tmp_path / "bad"
    bad.mkdir()
    for kind in KINDS[:5]:
        kind.make(bad)
    report = engine.ingest([bad])
    assert len(report.skipped) == 5 and not report.added
    assert LocalStore(tmp_path / "idx").version() == generation  # nothing was committed
