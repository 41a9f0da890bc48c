"""A document's outline as stored beside it: compact JSON, decoded without any per-field reflection.

The outline (typed sections with heading paths, and facts) is computed at ingest (granska.ingest.outline)
and kept in the store, keyed by the document's name and hash and by the code that computed it, so a hit
reads its passage's section in well under a millisecond instead of recomputing the document's outline
(about 0.14 s of CPU for a 76-passage document) the first time a query lands on it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from granska.types import Document, Fact, Outline, Section

# Outlines a process keeps in memory (a few KB each): the documents recently hit. Bounded, so a server's memory
# does not grow with the corpus; a miss costs one indexed SQLite read and a JSON decode.
CACHE = 2048


def encode(outline: Outline) -> str:
    """One JSON text: sections and facts as positional lists (the field order of their dataclasses)."""
    sections = [[s.kind, s.heading, s.start, s.end, s.heading_end, s.level, list(s.path)] for s in outline.sections]
    facts = [[f.kind, f.value, f.start, f.end, f.role] for f in outline.facts]
    return json.dumps({"s": sections, "f": facts}, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Outline:
    """The Outline `encode` wrote (equal to the one it was given)."""
    data = json.loads(text)
    sections = tuple(Section(k, h, s, e, he, lv, tuple(p)) for k, h, s, e, he, lv, p in data["s"])
    facts = tuple(Fact(k, v, s, e, r) for k, v, s, e, r in data["f"])
    return Outline(sections=sections, facts=facts)


class Outlines:
    """Each document's outline for the query path: from a small in-memory cache, else from the store, else
    computed (documents of an index made before outlines were stored, or by other outline code) and stored,
    so each document is outlined once per index, not once per process."""

    def __init__(self, store: Any, *, code: str, compute: Callable[[Document], Outline], size: int = CACHE) -> None:
        self._store = store  # granska.index.store.Store (not imported: that module imports this one)
        self._code = code
        self._compute = compute
        self._size = size
        self._cache: OrderedDict[tuple[str, str], Outline] = OrderedDict()  # (name, sha256) -> outline
        self._current: tuple[int, dict[str, str]] = (-1, {})  # store version -> {name: sha256} seen at it
        self._lock = threading.Lock()

    @property
    def code(self) -> str:
        return self._code

    def of(self, doc: Document) -> Outline:
        """The outline of this version of `doc` (its own when it carries one)."""
        if doc.outline is not None:
            return doc.outline
        key = (doc.doc, doc.doc_sha256)
        got = self._get(key)
        if got is None:
            stored = self._store.outline(doc.doc, self._code, sha256=doc.doc_sha256)
            if stored is not None:
                got = stored[1]
            else:
                got = self._compute(doc)
                self._store.put_outline(doc.doc, doc.doc_sha256, self._code, got)
            self._put(key, got)
        return got

    def by_name(self, name: str) -> Outline | None:
        """The outline of the committed document `name` (None when there is none), reading its text only
        when no stored outline fits it."""
        version = self._store.version()
        with self._lock:
            if self._current[0] != version:
                self._current = (version, {})
            sha = self._current[1].get(name)
        if sha is not None and (got := self._get((name, sha))) is not None:
            return got
        stored = self._store.outline(name, self._code)
        if stored is not None:
            sha, outline = stored
        else:
            doc = self._store.documents().get(name)
            if doc is None:
                return None
            sha, outline = doc.doc_sha256, self.of(doc)
        with self._lock:
            if self._current[0] == version:
                self._current[1][name] = sha
        self._put((name, sha), outline)
        return outline

    def _get(self, key: tuple[str, str]) -> Outline | None:
        with self._lock:
            got = self._cache.get(key)
            if got is not None:
                self._cache.move_to_end(key)
            return got

    def _put(self, key: tuple[str, str], outline: Outline) -> None:
        with self._lock:
            self._cache[key] = outline
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
