"""The library entry point the CLI, the server and the evaluation all call: ingest, search, ask, manage docs."""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from granska.errors import IndexMismatchError, IndexMissingError, UnknownDocumentError, UnreadableFileError
from granska.index.embedders import Embedder, embedder_fingerprint, get_embedder
from granska.index.lexical import LexicalIndex
from granska.index.search import Searcher, parse_filters, section_matches
from granska.index.store import LocalStore, Store, Upsert
from granska.ingest import pipeline
from granska.ingest.chunking import CHUNKER_VERSION
from granska.ingest.outline import outline as read_outline
from granska.ingest.pipeline import IngestReport, Skipped
from granska.qa import followup, intent, llm, recommendations, responsibilities, routes, tracker
from granska.qa.answer import abstention, answer
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.qa.verify import Verdict, verify
from granska.settings import Settings
from granska.types import Answer, DocMeta, Document, Hit, Outline, Span

TRACKER_KEYS = ("addressee", "body", "status")
ROW_INTENTS = ("recommendations", "status", "addressee", "other")  # intents the recommendation table may answer
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
        self._outlines: dict[tuple[str, str], Outline] = {}
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
        """The indexed documents, each with its outline (derived from the stored text, cached per file hash)."""
        docs = self.store.documents() if self.has_index() else {}
        return {n: d if d.outline is not None else replace(d, outline=self.outline(d)) for n, d in docs.items()}

    def outline(self, doc: Document) -> Outline:
        key = (doc.doc, doc.doc_sha256)
        if key not in self._outlines:
            self._outlines[key] = read_outline(doc)
        return self._outlines[key]

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
                dense_on = self.settings.search.w_dense > 0
                self._searcher = Searcher(
                    self.store,
                    _Locked(self.embedder()) if dense_on else None,
                    lexical,
                    self.settings.search,
                    outlines={n: d.outline for n, d in self.documents().items() if d.outline is not None},
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
        recs, resps = tracker.filter_rows(recs, filters, metas), tracker.filter_rows(resps, filters, metas)
        if "section" in filters:  # a row stands where its recommendation (or statement) stands
            docs = self.documents()
            recs = [r for r in recs if _in_section(docs, r.recommendation, filters["section"])]
            resps = [r for r in resps if _in_section(docs, r.source, filters["section"])]
        return recs, resps

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
        places = sorted({m.municipality for m in self.searcher().metas.values() if m.municipality})
        asked = intent.read(resolved, places=places)
        seen = {"intent": asked.kind, "targets": asked.as_dict()}
        if hits:
            # The searcher already holds every document's metadata: no second copy on this hot path.
            recs, resps = self._table_rows(parsed, self.searcher().metas)
            tabled = self._routed(resolved, asked, hits, recs, resps, parsed, k)
            if tabled is not None:
                ordered = _citing_first(hits, tabled.citations, self.searcher())
                notes = {**tabled.notes, **seen, "path": tabled.notes.get("generator")}
                return Answer(question, tabled.answer, False, tabled.citations, ordered[:k], qid, resolved, notes)
        kind = asked.kind if asked.kind in routes.CUES else None
        result = answer(
            resolved,
            hits,
            self.settings.answer,
            qid=qid,
            cue=routes.CUES.get(kind) if kind else None,
            sections=routes.SECTIONS.get(kind, set()) if kind else set(),
            lists=asked.plural or asked.kind == "recommendations",
            outlines={n: d.outline for n, d in self.documents().items() if d.outline is not None},
            roles={"response"} if asked.kind == "response" else set(),
            cue_share=routes.CUED_SHARE.get(asked.kind, routes.CUED_SHARE["default"]),
            follow_cue=asked.kind == "response",
        )
        notes: dict[str, Any] = {"generator": "extractive", **seen, "path": "section" if kind else "open"}
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
        # Where the intent chose the section, the passage holding the quoted sentence leads; open answers keep
        # retrieval order (reordering those was measured to lose first-passage hits on SweQUAD-MC dev).
        shown = _citing_first(hits, result.citations, self.searcher()) if kind and not result.abstained else hits
        return Answer(question, text, result.abstained, result.citations, shown[:k], qid, resolved, notes)

    def _routed(
        self,
        question: str,
        asked: intent.Intent,
        hits: list[Hit],
        recs: list[Recommendation],
        resps: list[Responsibility],
        filters: dict[str, list[str]],
        k: int,
    ) -> Answer | None:
        """The answer from the place the question's intent points to (tables, facts), or None for passages."""
        docs = self.documents()
        wants_facts = asked.path == "facts" and not (asked.kind == "auditor" and asked.plural)
        if wants_facts and (found := routes.facts_answer(question, asked, hits[:k], docs)):
            return found
        if asked.kind == "response" and (found := routes.response_answer(question, asked, recs, hits[:k])):
            return found
        # A table answer must come from a document the passages point to: a list from another municipality's
        # report is no answer, however well its rows match.
        near = {h.chunk.doc for h in hits[:k]}
        tabled = tracker.recommendations_answer(question, recs, hits[:k]) if asked.kind in ROW_INTENTS else None
        if tabled is not None and not {c.doc for c in tabled.citations} & near:
            tabled = None
        if tabled is None and asked.kind == "recommendations":
            tabled = routes.recommendations_list(question, asked, hits[:k], docs)
        if tabled is None and asked.kind in ("responsible", "other"):
            tabled = tracker.responsibility_answer(question, resps, hits[:k])
        if tabled is None and asked.kind == "auditor":
            tabled = tracker.auditors_answer(question, docs, hits[:k], filters)
        if tabled is None and asked.kind == "when":
            tabled = routes.facts_answer(question, asked, hits[:k], docs)
        return tabled

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


def _in_section(docs: dict[str, Document], span: Span, values: list[str]) -> bool:
    doc = docs.get(span.doc)
    sec = doc.outline.section_at(span.start) if doc is not None and doc.outline is not None else None
    return sec is not None and section_matches(sec.kind, sec.path, values)


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
    # The passage holding most of the answer leads (a list's introduction may stand at the end of the passage
    # before its items); ties keep citation order.
    held = {
        id(h): sum(1 for c in citations if h.chunk.doc == c.doc and h.chunk.start <= c.start < h.chunk.end)
        for h in first
    }
    first = sorted(first, key=lambda h: -held[id(h)])
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
