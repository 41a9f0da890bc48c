from __future__ import annotations

import re

import pytest
from granska.ingest.chunking import chunk
from granska.ingest.loaders import load

from granska.engine import BUNDLED_CORPUS
from granska.text import char_tokens, count_tokens, fold, sentence_spans, words
from granska.types import Document

DOCS = sorted(p for p in BUNDLED_CORPUS.glob("*.txt"))


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_every_chunk_is_an_exact_span_of_the_original(path):
    doc = load(path, max_bytes=10**7)
    assert doc.text == path.read_bytes().decode("utf-8")  # no newline translation
    chunks = chunk(doc, max_tokens=192, overlap_sentences=1)
    assert chunks
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text
        assert c.page is None and c.doc == path.name


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_chunks_cover_the_whole_document(path):
    doc = load(path, max_bytes=10**7)
    covered = bytearray(len(doc.text))
    for c in chunk(doc, max_tokens=64, overlap_sentences=0):
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    missed = [i for i, ch in enumerate(doc.text) if not ch.isspace() and not covered[i]]
    assert missed == []


def test_passages_respect_the_token_budget_unless_one_sentence_is_longer():
    doc = load(DOCS[4], max_bytes=10**7)
    for c in chunk(doc, max_tokens=64, overlap_sentences=1):
        if count_tokens(c.text) > 64:
            assert len(sentence_spans(c.text)) == 1


def test_run_on_ocr_text_without_full_stops_is_cut_into_pieces():
    text = " ".join(["integrationsarbetet"] * 400)
    doc = Document(doc="x.txt", doc_sha256="0" * 64, text=text)
    chunks = chunk(doc, max_tokens=50, overlap_sentences=0)
    assert len(chunks) > 5
    assert all(count_tokens(c.text) <= 50 and text[c.start : c.end] == c.text for c in chunks)


def test_sentences_split_at_ocr_bullets_and_list_introductions():
    text = "rekommenderar vi kommunstyrelsen att:\n\ne Sakerstilla att ansvaret tydliggors.\n\no Sakerstélla att planer tas fram."
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == [
        "rekommenderar vi kommunstyrelsen att:",
        "e Sakerstilla att ansvaret tydliggors.",
        "o Sakerstélla att planer tas fram.",
    ]


def test_folding_repairs_diacritics_and_digit_ocr_errors():
    assert fold("Nämnden för Överförmyndare") == "namnden for overformyndare"
    assert fold("f6r uppf6ljning 6ver") == "for uppfoljning over"


def test_words_broken_across_lines_are_joined_with_and_without_hyphen():
    ws = words("kommunstyrelsen delvis sikerstal-\nler ett integrations\narbete")
    assert "sikerstaller" in ws and "integrationsarbete" in ws


def test_ocr_damaged_word_shares_most_char_ngrams_with_the_clean_word():
    clean, damaged = set(char_tokens("nämnden")), set(char_tokens("nimnden"))
    assert len(clean & damaged) / len(clean) >= 0.4
    assert re.fullmatch(r"[#a-z]+", "".join(damaged))
