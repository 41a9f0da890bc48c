"""Sentence-aware chunking. Every span is an (start, end) into the original text, never into a cleaned copy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from granska.text import count_tokens, sentence_spans, trimmed
from granska.types import Chunk, Document

# Bump when chunk boundaries change: it is part of the index fingerprint.
CHUNKER_VERSION = "2"


def _split_long(text: str, span: tuple[int, int], max_tokens: int) -> list[tuple[int, int]]:
    """Cut a run-on 'sentence' (OCR text often has no full stops) at whitespace into pieces of <= max_tokens."""
    start, end = span
    if count_tokens(text[start:end]) <= max_tokens:
        return [span]
    pieces: list[tuple[int, int]] = []
    piece_start, used = start, 0
    for m in re.finditer(r"\S+", text[start:end]):
        w_start = start + m.start()
        cost = count_tokens(" " + m.group())
        if used + cost > max_tokens and w_start > piece_start:
            pieces.extend(trimmed(text, piece_start, w_start))
            piece_start, used = w_start, 0
        used += cost
    pieces.extend(trimmed(text, piece_start, end))
    return pieces


def _page_ranges(doc: Document) -> list[tuple[int, int]]:
    if not doc.page_starts:
        return [(0, len(doc.text))]
    bounds = [*doc.page_starts, len(doc.text)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(doc.page_starts))]


def chunk(doc: Document, *, max_tokens: int, overlap_sentences: int) -> list[Chunk]:
    """Group sentences into passages of about max_tokens; passages never cross a page boundary."""
    chunks: list[Chunk] = []
    for page_start, page_end in _page_ranges(doc):
        sentences = [
            piece
            for span in sentence_spans(doc.text, page_start, page_end)
            for piece in _split_long(doc.text, span, max_tokens)
        ]
        # +1 per sentence for the whitespace between sentences, which is a token of its own.
        costs = [count_tokens(doc.text[s:e]) + 1 for s, e in sentences]
        for first, last in _groups(costs, max_tokens, overlap_sentences):
            start, end = sentences[first][0], sentences[last][1]
            chunks.append(
                Chunk(
                    chunk_id=Chunk.make_id(doc.doc_sha256, start, end),
                    doc=doc.doc,
                    doc_sha256=doc.doc_sha256,
                    start=start,
                    end=end,
                    page=doc.page_at(start),
                    text=doc.text[start:end],
                )
            )
    return chunks


def _groups(costs: list[int], max_tokens: int, overlap: int) -> Iterator[tuple[int, int]]:
    """(first, last) sentence indices of each passage; consecutive passages share `overlap` sentences."""
    i, n = 0, len(costs)
    while i < n:
        j, used = i, costs[i]
        while j + 1 < n and used + costs[j + 1] <= max_tokens:
            j += 1
            used += costs[j]
        yield (i, j)
        if j + 1 >= n:
            return
        # Step back `overlap` sentences, but always advance.
        i = max(j + 1 - overlap, i + 1)
