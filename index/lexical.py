"""BM25 (Tantivy) over two Swedish-aware analyses of each chunk: folded char 3-5-grams and stemmed words.

Each chunk is indexed together with its document's context (municipality, auditor, issuer, title), so a
passage deep inside "PwC:s granskning" still matches a question that names PwC (contextual retrieval).

The analysis is ours (granska.text); Tantivy receives the terms already analysed, joined by spaces, in
fields whose tokenizer only splits on whitespace. Tantivy keeps the index in immutable segments: adding a
document writes a small new segment, deleting one marks its rows, merges run in the background, and
readers memory-map the files of the last commit.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from granska.index import bm25

from granska import text as analysis
from granska.types import Chunk, DocMeta

FIELDS = ("char", "word")
WRITER_HEAP = 128_000_000  # bytes the writer buffers before it flushes a segment (bounds ingest memory)
CANDIDATES = 20  # per field; the union of both fields' top lists is rescored exactly (granska.index.bm25)
# Postings per field Tantivy may walk to draw candidates. A question's 40-70 char n-grams include some held by
# most passages ("#oc", "en#"): at 1M passages the full disjunction walks ~12M postings (125 ms CPU, measured),
# while those terms add little BM25. So the rarest terms whose document frequencies sum to this budget draw
# the candidates (never fewer than MIN_DRAWING); every query term still scores the shortlist exactly. An index
# of N passages reaches it only for a question of more than POSTINGS / N distinct terms (2,463 at SweQUAD-MC's
# 406 passages, 100 at 10k), so small indexes draw exactly as before.
POSTINGS = 1_000_000
MIN_DRAWING = 8
WIDER = 1.5  # more candidates per field when common terms were left out of the drawing


def context_line(meta: DocMeta) -> str:
    return " ".join(x for x in (meta.municipality, meta.auditor, meta.issuer, meta.title) if x)


def indexed_text(chunk: Chunk, meta: DocMeta) -> str:
    """What a chunk is matched by: its document's context line, then its text."""
    return f"{context_line(meta)}\n{chunk.text}"


def analysed(counts: dict[str, int]) -> dict[str, str]:
    """The terms of each field, as Tantivy indexes them, from a chunk's folded word counts (the same tokens
    as granska.text.char_tokens / stem_tokens give; order is irrelevant without positions)."""
    char: list[str] = []
    word: list[str] = []
    for w, n in counts.items():
        char.extend(bm25.ngram_text(w, n))
        s = bm25.stem(w)
        if s is not None:
            word.extend([s] * n)
    return {"char": " ".join(char), "word": " ".join(word)}


def query_terms(query: str) -> dict[str, list[str]]:
    """The query's terms per field (the same analysis as the chunks; stopwords dropped from the n-grams)."""
    query = analysis.for_matching(query)
    return {"char": analysis.char_tokens(query, drop_stopwords=True), "word": analysis.stem_tokens(query)}


def drawing_terms(terms: list[str], dfs: dict[str, int], budget: int = POSTINGS) -> list[str]:
    """The query terms (repeats kept) that draw candidates: the rarest distinct ones, in increasing document
    frequency (then by term, so the choice is stable), while their frequencies sum to at most `budget`;
    always the MIN_DRAWING rarest. All of them when they fit, as on any small index."""
    known = sorted((dfs.get(t, 0), t) for t in set(terms))
    if sum(df for df, _ in known) <= budget:
        return terms
    keep: set[str] = set()
    spent = 0
    for df, t in known:
        if spent + df > budget and len(keep) >= MIN_DRAWING:
            break
        keep.add(t)
        spent += df
    return [t for t in terms if t in keep]


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("row", stored=True, indexed=True, fast=True)
    sb.add_text_field("doc", tokenizer_name="raw", index_option="basic")
    for field in FIELDS:
        # Term frequencies without positions: BM25 needs nothing more, and positions would double the size.
        sb.add_text_field(field, tokenizer_name="whitespace", index_option="freq")
    return sb.build()


class LexicalIndex:
    """A Tantivy index in `folder`; rows are the store's chunk row ids (never reused)."""

    def __init__(self, folder: Path) -> None:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(folder), reuse=True)
        # Readers move to a new commit only when the store says so (its SQLite commit): a writer's Tantivy
        # commit comes first, and seeing it early would change document frequencies before the state commits.
        self._index.config_reader(reload_policy="Manual")

    # --- writing (one writer at a time: the store holds its file lock around these) ----------------
    def writer(self) -> Any:
        return self._index.writer(heap_size=WRITER_HEAP, num_threads=1)

    def add(self, writer: Any, rows: Iterable[tuple[int, str, dict[str, int]]]) -> None:
        """(row, document name, folded word counts) per chunk."""
        import tantivy

        for row, doc, counts in rows:
            writer.add_document(tantivy.Document(row=row, doc=doc, **analysed(counts)))

    @staticmethod
    def delete_rows(writer: Any, rows: Iterable[int]) -> None:
        for row in rows:
            writer.delete_documents_by_term("row", int(row))

    def reload(self) -> None:
        self._index.reload()

    # --- reading -------------------------------------------------------------------------------
    def search(
        self,
        terms: dict[str, list[str]],
        *,
        k: int = CANDIDATES,
        docs: Sequence[str] | None = None,
        dfs: dict[str, dict[str, int]] | None = None,
    ) -> list[int]:
        """Rows in the union of each field's top-k (Tantivy's BM25). `docs` restricts the search to those
        documents (metadata filters). Unknown terms score nothing. With the terms' document frequencies
        (`dfs`) and no `docs`, a field's candidates are drawn by its rarest terms (see POSTINGS)."""
        searcher = self._index.searcher()
        restrict = self._docs_filter(docs)
        found: set[int] = set()
        for field in FIELDS:
            mine = terms.get(field, [])
            drawing = mine if dfs is None or docs is not None else drawing_terms(mine, dfs.get(field, {}))
            q = self._field_query(field, drawing, restrict)
            if q is not None:
                found.update(self._hits(searcher, q, k if len(drawing) == len(mine) else math.ceil(WIDER * k)))
        return sorted(found)

    def doc_freqs(self, terms: dict[str, list[str]]) -> dict[str, dict[str, int]]:
        """Passages holding each term, per field (for the exact BM25 of the shortlist)."""
        searcher = self._index.searcher()
        return {f: {t: int(searcher.doc_freq(f, t)) for t in set(terms.get(f, []))} for f in FIELDS}

    def _docs_filter(self, docs: Sequence[str] | None) -> Any:
        import tantivy

        return None if docs is None else tantivy.Query.term_set_query(self._schema, "doc", list(docs))

    def _field_query(self, field: str, terms: list[str], restrict: Any) -> Any:
        """Sum of BM25 over the query's terms; a term said twice counts twice (boosted once, not repeated)."""
        import tantivy

        if not terms:
            return None
        parts = []
        for term, n in Counter(terms).items():
            q = tantivy.Query.term_query(self._schema, field, term)
            parts.append((tantivy.Occur.Should, q if n == 1 else tantivy.Query.boost_query(q, float(n))))
        query = tantivy.Query.boolean_query(parts)
        if restrict is not None:
            # A filter that scores 0 leaves BM25 untouched.
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.const_score_query(restrict, 0.0))]
            )
        return query

    @staticmethod
    def _hits(searcher: Any, query: Any, k: int) -> dict[int, float]:
        if k <= 0:
            return {}
        result = searcher.search(query, limit=k, count=False)
        addresses = [a for _, a in result.hits]
        rows = searcher.fast_field_values("row", addresses) if addresses else []
        return {int(r): float(s) for (s, _), r in zip(result.hits, rows, strict=True) if r is not None}

    def num_docs(self) -> int:
        return int(self._index.searcher().num_docs)
