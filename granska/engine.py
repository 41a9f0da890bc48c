"""The library entry point the CLI, the server and the evaluation all call: ingest, search, ask, manage docs."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from granska.errors import IndexMismatchError, IndexMissingError, UnknownDocumentError, UnreadableFileError
from granska.index import originals
from granska.index.db import with_outlines
from granska.index.embedders import Embedder, Locked, embedder_fingerprint, get_embedder
from granska.index.outlines import Outlines
from granska.index.search import Searcher, parse_filters
from granska.index.store import Store, Upsert, open_store
from granska.index.vectors import Worker
from granska.ingest import outline as outlining
from granska.ingest import pipeline
from granska.ingest.chunking import CHUNKER_VERSION
from granska.ingest.pipeline import IngestReport, Skipped
from granska.qa import dispatch, followup, intent, llm, place_names, places, rerank, routes, scorer, tracker
from granska.qa.answer import abstention, answer
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.qa.verify import Verdict, verify
from granska.settings import Settings
from granska.tables import Tables
from granska.types import Answer, DocMeta, Document, Hit, Outline, Span

TRACKER_KEYS = ("addressee", "body", "status")
COMMIT_CHUNKS = 2000  # chunks per commit while ingesting: searchable early, without a commit per file
LLM_PASSAGES = 8  # passages offered to a model, before the token budget trims them
BUNDLED_CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
log = logging.getLogger("granska")


class Engine:
    """One index directory with the settings that built it. Thread-safe for concurrent queries."""

    def __init__(self, settings: Settings, *, store: Store | None = None) -> None:
        self.settings = settings
        self.store: Store = store or open_store(settings.store or settings.index_dir)
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()  # guards the cached searcher and tables; held only briefly
        self._write = threading.Lock()  # one writer at a time; readers never wait for it
        self._vectors = Worker(self.store, lambda: Locked(self.embedder()), batch=settings.embedder.batch_size)
        # Outlines are stored at ingest; an older index's are computed at first use and stored then.
        self._outlines = Outlines(self.store, code=outlining.code(), compute=outlining.outline)
        # The tracker's tables, maintained per document; they share the engine's writer and reader locks.
        self.tables = Tables(self.store, write=self._write, lock=self._lock, documents=self.documents)
        self._places: tuple[object, list[str]] = (None, [])  # (the store's metadata it was read from, places)

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
            # Never the store's address itself: it may hold a password.
            where = "the PostgreSQL store" if self.settings.store else str(self.settings.index_dir)
            print(f"No index in {where}: building one from the bundled demo corpus…", file=sys.stderr)
            report = self.ingest([BUNDLED_CORPUS], progress=True)
            for s in report.skipped:
                print(s.line(), file=sys.stderr)

    def dense_on(self) -> bool:
        """Vectors are computed only for a fusion that uses them."""
        return self.settings.search.w_dense > 0

    def ingest(
        self,
        paths: list[Path],
        *,
        progress: bool = False,
        uploaded: bool = False,
        tables_later: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Add or replace the documents at `paths`; unreadable files are reported, never fatal.

        Documents are committed in small batches as they are read, each searchable by its words at once;
        with dense search on, their vectors are computed afterwards by a background worker.
        uploaded: the files were staged from an upload, so they are known by name, not by where they sit.
        tables_later: return once the documents are searchable and their own tracker rows stored; their
        municipalities' recommendation links (a cost that grows with the municipality) finish in the
        background (`wait_for_tracker()`). By default ingest returns with the tables current.
        on_progress: called with (files done, files planned) after each file (an upload job's progress).
        """
        with self._write:
            existing = self.store.document_heads() if self.has_index() else {}
            if existing:
                self.check_compatible()
            files, skipped = pipeline.collect(paths, uploaded=uploaded)
            report = IngestReport(skipped=list(skipped))
            batch: list[pipeline.Loaded] = []
            touched: dict[str, DocMeta | None] = {}  # documents committed by this call, with their old metadata
            planned = list(pipeline.plan(files, existing))
            for done, item in enumerate(_progress(planned, progress, "reading")):
                if on_progress is not None:
                    on_progress(done, len(planned))
                if isinstance(item, Skipped):
                    report.skipped.append(item)
                elif item.status == "unchanged":
                    report.unchanged.append(item.doc)
                else:
                    try:
                        batch.append(pipeline.load_one(item.source, item.row, self.settings.ingest, doc=item.doc))
                    except UnreadableFileError as exc:
                        report.skipped.append(Skipped(exc.path, exc.reason))
                        continue
                    (report.replaced if item.status == "changed" else report.added).append(item.doc)
                    originals.keep_original(self.settings.index_dir, item.source.path, item.doc)
                    if sum(len(loaded.chunks) for loaded in batch) >= COMMIT_CHUNKS:
                        report.chunks_embedded += self._commit(batch, touched)
                        batch = []
            if batch:
                report.chunks_embedded += self._commit(batch, touched)
            if touched:  # once per call: a municipality's rows are rebuilt once, not after every batch
                self._after_write(set(touched), {n: m for n, m in touched.items() if m is not None})
            if on_progress is not None:
                on_progress(len(planned), len(planned))
            if not tables_later:
                self.tables.wait_relinked()
            return report

    def original_path(self, doc: str) -> Path:
        """Where the original file of a PDF document is kept (ingested or uploaded), so its pages can be shown."""
        return originals.original_path(self.settings.index_dir, doc)

    def _commit(self, loaded: list[pipeline.Loaded], touched: dict[str, DocMeta | None]) -> int:
        """One commit of these documents (their text now, vectors later; tracker rows when the ingest ends,
        journalled as pending until then); returns the chunks queued to embed."""
        upserts = [Upsert(item.document, item.chunks, outline_code=self._outlines.code) for item in loaded]
        old = self.store.metas() if self.has_index() else {}
        names = [u.document.doc for u in upserts]
        for n in names:
            touched.setdefault(n, old.get(n))
        self.tables.mark_pending(touched)
        self.store.apply(upserts=upserts, deletes=[], fingerprint=self.fingerprint())
        if self.dense_on():
            self._vectors.kick()
        return sum(len(u.chunks) for u in upserts) if self.dense_on() else 0

    def wait_for_vectors(self) -> None:
        """Block until the background worker has embedded every document (dense search on)."""
        self._vectors.wait()

    def document_status(self) -> dict[str, dict[str, Any]]:
        """Per document: sha256, chunks, and whether its vectors are in (what `docs list` shows)."""
        return self.store.status() if self.has_index() else {}

    def remove(self, doc: str, *, tables_later: bool = False) -> int:
        """Delete a document and all of its chunks and vectors; returns how many chunks went (`tables_later`:
        as for `ingest`)."""
        with self._write:
            # The metadata the writer keeps (carried over its own commits), not a status read of every document.
            meta = self.store.metas().get(doc) if self.has_index() else None
            if meta is None:
                raise UnknownDocumentError(f"no document named {doc!r} in the index (see `granska docs list`)")
            chunks = len(self.store.doc_chunks(doc))
            self.tables.mark_pending({doc: meta})
            self.store.apply(upserts=[], deletes=[doc], fingerprint=self.store.fingerprint())
            self._after_write({doc}, {doc: meta})
            self.original_path(doc).unlink(missing_ok=True)
            if not tables_later:
                self.tables.wait_relinked()
            return chunks

    def documents(self) -> Mapping[str, Document]:
        """The indexed documents, each with its outline (derived from the stored text, cached per file hash);
        a lazy view: a document's text and outline are read only when it is looked up."""
        return with_outlines(self.store.documents() if self.has_index() else {}, self.outline)

    def _outline_of(self, name: str) -> Outline | None:
        """A passage's document outline, for the searcher: stored at ingest, read without the document's text."""
        return self._outlines.by_name(name) if self.has_index() else None

    def _section_at(self, span: Span) -> str | None:
        """The kind of the outline section a cited span stands in."""
        o = self._outline_of(span.doc)
        return o.kind_at(span.start) if o is not None else None

    def outline(self, doc: Document) -> Outline:
        return self._outlines.of(doc)

    def _after_write(self, docs: set[str], old: dict[str, DocMeta]) -> None:
        """Tracker rows for the documents touched now (their municipalities' links in the background); then
        vectors."""
        self.tables.after_write(docs, old)
        if self.dense_on():
            self._vectors.kick()

    def wait_for_tracker(self, timeout: float | None = None) -> bool:
        """Block until the stored tracker rows cover every committed document (the background relinking);
        False when `timeout` seconds went by first."""
        return self.tables.wait(timeout)

    # --- query ---------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        with self._lock:
            if self._searcher is None:
                if not self.has_index():
                    raise IndexMissingError(f"no index in {self.settings.index_dir}; run `granska ingest PATH` first")
                self.check_compatible()
                # A learned abstainer that reads the query's cosine to the best passage needs the embedder too.
                learned = self.settings.answer.scorer == "learned" and self.settings.answer.abstainer == "learned"
                reads_cosine = learned and scorer.shipped().reads_cosine()
                embedder = Locked(self.embedder()) if self.dense_on() or reads_cosine else None
                self._searcher = Searcher(self.store, embedder, self.settings.search, outlines=self._outline_of)
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
        return followup.resolve(question, history, places=self.places())

    # --- the tracker --------------------------------------------------------------------------
    def _table_rows(self, filters: Any) -> tuple[list[Recommendation], list[Responsibility]]:
        """The tracker's rows under `filters`, judged by the documents' metadata (never their texts)."""
        metas = self.store.metas() if self.has_index() else {}
        return self.tables.filtered(parse_filters(filters, extra=TRACKER_KEYS), metas)

    def recommendations(self, *, filters: Any = None, search: str | None = None) -> list[Recommendation]:
        """The tracker's rows, filtered; with `search`, only rows matching its topic words, best first."""
        self.wait_for_tracker()  # the table itself is asked for: it covers every committed document
        rows = self._table_rows(filters)[0]
        if not search:
            return rows
        # Dense matching where the index has a real model (eval/data/tracker_search.jsonl: recall 0.54 -> 0.65).
        return tracker.search_rows(rows, search, encoder=Locked(self.embedder()) if self.dense_on() else None)

    def responsibilities(self, *, filters: Any = None) -> list[Responsibility]:
        self.wait_for_tracker()
        return self._table_rows(filters)[1]

    def places(self) -> list[str]:
        """The municipalities of every document, sorted: read once per store version (the store hands out one
        metadata dict per version), not once per question over every document."""
        metas = self.store.metas()  # what the searcher reads too: one dict per store version
        seen, places = self._places
        if seen is not metas:
            places = sorted({m.municipality for m in metas.values() if m.municipality})
            self._places = (metas, places)
        return places

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
        # "NSR" is searched and read as the name the documents' metadata gives ("Norra Skogslandsregionen").
        stood = self.resolve(question, history)
        resolved = place_names.spelled_out(stood, self.places())
        hits = self.searcher().search(resolved, k=max(k, 20), filters=parsed)
        ranker = rerank.shipped() if self.settings.search.rerank else None
        if ranker is not None:
            hits = rerank.rerank(resolved, hits, ranker)
        asked = intent.read(resolved, places=self.places())
        seen = {"intent": asked.kind, "targets": asked.as_dict()}
        if hits and (place := places.not_held(resolved, self.places(), hits)) is not None:
            # "… i Xköping?" with no document from Xköping: another municipality's passages are no answer.
            gone = {"generator": "extractive", **seen, "path": "place", "place_not_in_index": place}
            return Answer(question, places.message(question, place), True, [], hits[:k], qid, resolved, gone)
        if hits:
            # The searcher already holds every document's metadata: no second copy on this hot path.
            recs, resps = self.tables.filtered(parsed, self.searcher().metas)
            tabled = dispatch.table_answer(resolved, asked, hits[:k], recs, resps, parsed, self.documents())
            if tabled is not None:
                tabled = self.tables.caveat(tabled)  # while the tables are rebuilt after an upgrade, it says so
                ordered = dispatch.citing_first(hits, tabled.citations, self.searcher().hit_at)
                # The table's own "intent" note (the tracker answered a question read otherwise) stands over the reader's.
                notes: dict[str, Any] = {**seen, **tabled.notes, "path": tabled.notes.get("generator")}
                said = (tabled.answer, tabled.abstained, tabled.citations)  # "no answer to it" abstains (routes)
                return Answer(question, *said, ordered[:k], qid, resolved, notes)
        kind = asked.kind if asked.kind in routes.CUES else None
        result = answer(
            place_names.unnamed(stood, self.places()),  # the place limits the passages (`place`), not the words
            hits,
            self.settings.answer,
            qid=qid,
            cue=routes.cue_for(kind, resolved),
            sections=routes.SECTIONS.get(kind, set()) if kind else set(),
            lists=asked.plural or asked.kind == "recommendations",
            # Only the passages' documents: reading every outline per question would cost the whole corpus.
            outlines={h.chunk.doc: o for h in hits if (o := self._outline_of(h.chunk.doc)) is not None},
            roles={"response"} if asked.kind == "response" else set(),
            cue_share=routes.CUED_SHARE.get(asked.kind, routes.CUED_SHARE["default"]),
            follow_cue=asked.kind == "response",
            purpose=asked.kind == "purpose",
            confined=asked.kind == "response",
            place=routes.of_the_place(resolved, asked, hits),
        )
        if (
            routes.names_no_one(asked, result)  # "Vem undertecknade …" is answered by a person's name or not at all
            or routes.names_no_firm(resolved, asked, result)
            or routes.recommends_nothing(asked, resolved, result, self._section_at)
        ):
            result = replace(result, abstained=True, citations=[])
        notes = {"generator": "extractive", **seen, "path": "section" if kind else "open", **result.notes}
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
                    {"generator": "llm", **seen, "path": "llm", **gen.notes},
                )
            except llm.LLMError as exc:
                notes = {**notes, "llm_error": str(exc), **exc.notes}
        text = abstention(question) if result.abstained else result.answer
        # Where the intent chose the section, or the learned selector chose the sentence, the passage holding the
        # quoted sentence leads; the rule selector's open answers keep retrieval order (reordering those was
        # measured to lose first-passage hits on SweQUAD-MC dev; the learned selector's reordering was not).
        reranked = bool(kind) or self.settings.answer.scorer == "learned"
        if ranker is not None and hits and result.citations and result.citations[0].doc != hits[0].chunk.doc:
            reranked = False  # the reranker's first document leads over a quote from another (docs/answers.md)
        shown = (
            dispatch.citing_first(hits, result.citations, self.searcher().hit_at)
            if reranked and not result.abstained
            else hits
        )
        return Answer(question, text, result.abstained, result.citations, shown[:k], qid, resolved, notes)

    def verify(self, claim: str, *, k: int = 5, filters: Any = None, qid: str | None = None) -> Verdict:
        read = place_names.spelled_out(claim, self.places())  # "NSR" as the metadata names it
        hits = self.searcher().search(read, k=max(k, 20), filters=parse_filters(filters))
        asked = intent.read(read, places=self.places())
        # "… omfattar 28 sidor" / "… är daterad den …" are judged by the document's facts (its first page's mark,
        # its date), any other claim by its sentences.
        v = routes.facts_verdict(read, asked, hits, dict(self.documents()), qid=qid) or verify(read, hits, qid=qid)
        # The passage that holds the sentence the verdict rests on comes first.
        return Verdict(
            claim,
            v.verdict,
            v.explanation,
            v.citations,
            dispatch.citing_first(hits, v.citations, self.searcher().hit_at)[:k],
            id=qid,
        )


def _progress(items: Any, on: bool, label: str, total: int | None = None) -> Any:
    if not on:
        return items
    from tqdm import tqdm

    return tqdm(
        items, desc=label, total=total, unit="batch" if label == "embedding" else "file", file=sys.stderr, leave=False
    )
