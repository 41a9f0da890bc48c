"""The library entry point the CLI, the server and the evaluation all call: ingest, search, ask, manage docs."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from granska.errors import IndexMismatchError, IndexMissingError, UnknownDocumentError, UnreadableFileError
from granska.index.embedders import Embedder, embedder_fingerprint, get_embedder
from granska.index.lexical import LexicalIndex
from granska.index.search import Searcher, parse_filters
from granska.index.store import LocalStore, Store, Upsert
from granska.ingest import pipeline
from granska.ingest.chunking import CHUNKER_VERSION
from granska.ingest.pipeline import IngestReport, Skipped
from granska.qa import followup, llm, recommendations, responsibilities, scorer, tracker
from granska.qa.answer import abstention, answer
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.qa.verify import Verdict, verify
from granska.settings import Settings
from granska.types import Answer, DocMeta, Document, Hit, Span

TRACKER_KEYS = ("addressee", "body", "status")
LLM_PASSAGES = 8  # passages offered to a model, before the token budget trims them
BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
log = logging.getLogger("granska")


class Engine:
    """One index directory with the settings that built it. Thread-safe for concurrent queries."""

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        self.settings = settings
        self.store: Store = store or LocalStore(settings.index_dir)
        self._searcher: Searcher | None = None
        self._tables: tuple[list[Recommendation], list[Responsibility]] | None = None
        self._lock = threading.RLock()

    # --- identity ------------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, Any]:
        s = self.settings
        return {
            "embedder": embedder_fingerprint(s.embedder.model),
            "chunk_tokens": s.ingest.chunk_tokens,
            "overlap_sentences": s.ingest.overlap_sentences,
            "chunker": CHUNKER_VERSION,
        }

    def embedder(self) -> Embedder:
        return get_embedder(self.settings.embedder.model)

    def has_index(self) -> bool:
        return self.store.exists()

    def check_compatible(self) -> None:
        have = self.store.fingerprint()
        want = self.fingerprint()
        if have != want:
            diff = ", ".join(
                f"{k}: index has {have.get(k)!r}, settings say {want.get(k)!r}"
                for k in want
                if have.get(k) != want.get(k)
            )
            raise IndexMismatchError(
                f"the index in {self.settings.index_dir} was built with other settings ({diff}); "
                f"rebuild it: delete that folder (or pick another --index-dir) and run `granska ingest` again"
            )

    # --- ingest --------------------------------------------------------------------------------
    def ensure_index(self) -> None:
        """With no index yet, build one from the bundled demo corpus (so a new user can ask at once)."""
        if not self.has_index():
            print(f"No index in {self.settings.index_dir}: building one from the bundled demo corpus…", file=sys.stderr)
            report = self.ingest([BUNDLED_CORPUS], progress=True)
            for s in report.skipped:
                print(s.line(), file=sys.stderr)

    def ingest(self, paths: list[Path], *, progress: bool = False) -> IngestReport:
        """Add or replace the documents at `paths`; unreadable files are reported, never fatal."""
        with self._lock:
            existing = self.store.documents() if self.has_index() else {}
            if existing:
                self.check_compatible()
            files, skipped = pipeline.collect(paths)
            report = IngestReport(skipped=list(skipped))
            todo: list[pipeline.Loaded] = []
            for path, row, status in _progress(list(pipeline.plan(files, existing)), progress, "reading"):
                if isinstance(status, Skipped):
                    report.skipped.append(status)
                elif status == "unchanged":
                    report.unchanged.append(path.name)
                else:
                    try:
                        todo.append(pipeline.load_one(path, row, self.settings.ingest))
                    except UnreadableFileError as exc:
                        report.skipped.append(Skipped(exc.path, exc.reason))
                        continue
                    (report.replaced if status == "changed" else report.added).append(path.name)
            if todo:
                upserts = self._embed(todo, progress=progress)
                report.chunks_embedded = sum(len(u.chunks) for u in upserts)
                self.store.apply(upserts=upserts, deletes=[], fingerprint=self.fingerprint())
                self._after_write()
            return report

    def _embed(self, loaded: list[pipeline.Loaded], *, progress: bool) -> list[Upsert]:
        import numpy as np

        emb = self.embedder()
        texts = [c.text for item in loaded for c in item.chunks]
        batch = self.settings.embedder.batch_size
        parts = [
            emb.encode(texts[i : i + batch])
            for i in _progress(
                range(0, len(texts), batch), progress, "embedding", total=len(range(0, len(texts), batch))
            )
        ]
        vectors = np.concatenate(parts) if parts else np.zeros((0, emb.dim), dtype=np.float32)
        out: list[Upsert] = []
        row = 0
        for item in loaded:
            n = len(item.chunks)
            out.append(Upsert(item.document, item.chunks, vectors[row : row + n]))
            row += n
        return out

    def remove(self, doc: str) -> int:
        """Delete a document and all of its chunks and vectors; returns how many chunks went."""
        with self._lock:
            docs = self.store.documents() if self.has_index() else {}
            if doc not in docs:
                raise UnknownDocumentError(f"no document named {doc!r} in the index (see `granska docs list`)")
            n = sum(1 for c in self.store.chunks() if c.doc == doc)
            self.store.apply(upserts=[], deletes=[doc], fingerprint=self.store.fingerprint())
            self._after_write()
            return n

    def documents(self) -> dict[str, Document]:
        return self.store.documents() if self.has_index() else {}

    def _after_write(self) -> None:
        self._searcher = None
        self._tables = None
        self.searcher()  # build and cache the lexical index for the new generation now, not on first query

    # --- query ---------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                if not self.has_index():
                    raise IndexMissingError(f"no index in {self.settings.index_dir}; run `granska ingest PATH` first")
                self.check_compatible()
                chunks = self.store.chunks()
                metas = {n: d.meta for n, d in self.store.documents().items()}
                cache = self.store.cache_dir()
                lexical = LexicalIndex.load(cache, len(chunks))
                if lexical is None:
                    lexical = LexicalIndex.build(chunks, metas)
                    try:
                        lexical.save(cache)
                    except OSError as exc:  # a read-only index still answers; it just rebuilds next time
                        log.warning("could not cache the lexical index in %s: %s", cache, exc)
                # A learned abstainer that reads the query's cosine to the best passage needs the embedder too.
                learned = self.settings.answer.scorer == "learned" and self.settings.answer.abstainer == "learned"
                dense_on = self.settings.search.w_dense > 0 or (learned and scorer.shipped().reads_cosine())
                self._searcher = Searcher(
                    self.store, _Locked(self.embedder()) if dense_on else None, lexical, self.settings.search
                )
            return self._searcher

    def search(self, query: str, *, k: int = 5, filters: Any = None) -> list[Hit]:
        return self.searcher().search(query, k=k, filters=parse_filters(filters))

    def resolve(self, question: str, history: list[str] | None) -> str:
        """Make a follow-up stand alone: by the LLM when one is configured, else by rules."""
        if not history:
            return question
        if llm.configured(self.settings):
            try:
                return llm.rewrite_followup(question, history, self.settings)
            except llm.LLMError as exc:
                log.warning("LLM rewrite failed, using rules: %s", exc)
        places = {d.meta.municipality for d in self.documents().values() if d.meta.municipality}
        return followup.resolve(question, history, places=sorted(places))

    # --- the tracker --------------------------------------------------------------------------
    def _tracker(self) -> tuple[list[Recommendation], list[Responsibility]]:
        with self._lock:
            if self._tables is None:
                docs = self.documents()
                self._tables = (recommendations.build(docs), responsibilities.build(docs))
            return self._tables

    def _table_rows(
        self, filters: dict[str, list[str]], metas: dict[str, DocMeta]
    ) -> tuple[list[Recommendation], list[Responsibility]]:
        recs, resps = self._tracker()
        return tracker.filter_rows(recs, filters, metas), tracker.filter_rows(resps, filters, metas)

    def recommendations(self, *, filters: Any = None) -> list[Recommendation]:
        metas = {n: d.meta for n, d in self.documents().items()}
        return self._table_rows(parse_filters(filters, extra=TRACKER_KEYS), metas)[0]

    def responsibilities(self, *, filters: Any = None) -> list[Responsibility]:
        metas = {n: d.meta for n, d in self.documents().items()}
        return self._table_rows(parse_filters(filters, extra=TRACKER_KEYS), metas)[1]

    def ask(
        self,
        question: str,
        *,
        k: int = 5,
        filters: Any = None,
        qid: str | None = None,
        history: list[str] | None = None,
    ) -> Answer:
        parsed = parse_filters(filters)
        resolved = self.resolve(question, history)
        hits = self.searcher().search(resolved, k=max(k, 20), filters=parsed)
        if hits:
            # The searcher already holds every document's metadata: no second copy on this hot path.
            recs, resps = self._table_rows(parsed, self.searcher().metas)
            tabled = (
                tracker.recommendations_answer(resolved, recs, hits[:k])
                or tracker.responsibility_answer(resolved, resps, hits[:k])
                or tracker.auditors_answer(resolved, self.documents(), hits[:k], parsed)
            )

            if tabled is not None:
                ordered = _citing_first(hits, tabled.citations, self.searcher())
                return Answer(
                    question, tabled.answer, False, tabled.citations, ordered[:k], qid, resolved, tabled.notes
                )
        result = answer(resolved, hits, self.settings.answer, qid=qid)
        notes: dict[str, Any] = {"generator": "extractive"}
        if llm.configured(self.settings) and hits:
            try:
                gen = llm.generate(resolved, hits[:LLM_PASSAGES], self.settings)
                text = gen.answer if not gen.abstained else abstention(question)
                return Answer(
                    question,
                    text,
                    gen.abstained,
                    gen.citations,
                    hits[:k],
                    qid,
                    resolved,
                    {"generator": "llm", **gen.notes},
                )
            except llm.LLMError as exc:
                notes = {"generator": "extractive", "llm_error": str(exc), **exc.notes}
        text = abstention(question) if result.abstained else result.answer
        # The learned selector reranks: the passage holding the sentence it chose comes first.
        reranked = result.citations and self.settings.answer.scorer == "learned"
        ordered = _citing_first(hits, result.citations, self.searcher()) if reranked else hits
        return Answer(question, text, result.abstained, result.citations, ordered[:k], qid, resolved, notes)

    def verify(self, claim: str, *, k: int = 5, filters: Any = None, qid: str | None = None) -> Verdict:
        hits = self.searcher().search(claim, k=max(k, 20), filters=parse_filters(filters))
        v = verify(claim, hits, qid=qid)
        # The passage that holds the sentence the verdict rests on comes first.
        return Verdict(
            v.claim,
            v.verdict,
            v.explanation,
            v.citations,
            _citing_first(hits, v.citations, self.searcher())[:k],
            id=qid,
        )


def _citing_first(hits: list[Hit], citations: list[Span], searcher: Searcher) -> list[Hit]:
    """Passages that hold the answer's citations come first, in citation order (for answers from the tables
    and verdicts, whose evidence is found by other means than passage rank); the rest keep their order. A
    cited passage the search did not return is added, so every citation has its passage."""
    first: list[Hit] = []
    for c in citations:
        holder = next(
            (h for h in [*hits, *first] if h.chunk.doc == c.doc and h.chunk.start <= c.start < h.chunk.end), None
        )
        if holder is None:
            holder = searcher.hit_at(c.doc, c.start)
        if holder is not None and holder not in first:
            first.append(holder)
    return first + [h for h in hits if h not in first]


class _Locked:
    """Serialises calls into an embedder whose native engine is not known to be thread-safe."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._lock = threading.Lock()

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        with self._lock:
            return self._inner.encode(texts, query=query)


def _progress(items: Any, on: bool, label: str, total: int | None = None) -> Any:
    if not on:
        return items
    from tqdm import tqdm

    return tqdm(
        items, desc=label, total=total, unit="batch" if label == "embedding" else "file", file=sys.stderr, leave=False
    )
