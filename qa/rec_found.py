"""Each document's extracted recommendations kept in the tracker tables, so a new worker process does not
extract every document again.

A relink reads every document of its municipality; what one document yields is kept per process
(`recommendations.extract`'s cache, keyed by the text's digest). A new process (a restart, a killed child)
started with an empty cache, and its first relink of a municipality extracted every document of it: ~0.2 s CPU
a document, 85 of the 107 s of a cold relink of a 450-document municipality. Here the background writes each
document's extraction as one row (key `found:<doc>`, kind "found": the text's digest, the tracker code, the
recommendations as offsets and strings) in the same transaction as its municipality's rows, and a worker reads
them back into the cache once, before its first relink. A row of another text or another code is ignored (the
document is extracted again): the rows it gives are those of an extraction, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from granska.qa import rec_extract as recs

from granska.types import Document

FOUND = "found:"  # key prefix of a document's stored extraction
KIND = "found"


def row(doc: Document, code: str) -> dict[str, Any] | None:
    """`doc`'s extraction as stored, if this process holds it (None: nothing to store)."""
    key = recs._document_key(doc)
    with recs._extracted_lock:
        kept = recs._extracted.get(key)
    if kept is None:
        return None
    return {
        "digest": key[1].hex(),
        "code": code,
        "found": [[a, s.start, s.end, c, label, sec, conf] for a, s, c, label, sec, conf in kept],
    }


def restore(doc: Document, stored: Any, code: str) -> bool:
    """Put a stored extraction of `doc` into the cache when it is of this text and this code (else False)."""
    key = recs._document_key(doc)
    try:
        if stored.get("code") != code or stored.get("digest") != key[1].hex():
            return False
        kept = [
            (a, recs._span(doc, int(s), int(e)), c, label, sec, float(conf))
            for a, s, e, c, label, sec, conf in stored["found"]
        ]
    except (AttributeError, KeyError, TypeError, ValueError):  # a row of another shape: extracted again
        return False
    with recs._extracted_lock:
        if key not in recs._extracted:
            recs._extracted[key] = kept
            if len(recs._extracted) > recs.EXTRACT_CACHE:
                recs._extracted.popitem(last=False)
    return True


class Kept:
    """What one worker knows of one store's stored extractions: the rows not read back yet (read once, at the
    first relink; each put into the cache when its document is first relinked, then dropped) and what the
    store holds per document (`code:digest`), so an unchanged extraction is not written again."""

    def __init__(self) -> None:
        self.unread: dict[str, Any] | None = None
        self.held: dict[str, str] = {}

    def restore(self, store: Any, group: Mapping[str, Document], code: str) -> int:
        """Stored extractions of these documents into the cache (the store's rows read at the first call);
        how many were of this text and code."""
        if self.unread is None:
            self.unread = {}
            for key, items in store.tracker(KIND):
                if key.startswith(FOUND) and items and isinstance(items[0], dict):
                    name = key[len(FOUND) :]
                    self.unread[name] = items[0]
                    self.held[name] = f"{items[0].get('code')}:{items[0].get('digest')}"
        return sum(restore(d, got, code) for n, d in group.items() if (got := self.unread.pop(n, None)) is not None)

    def rows(self, docs: Iterable[Document], code: str) -> dict[str, dict[str, list[Any]]]:
        """Rows to write for these documents: each one's extraction where the store does not hold it already."""
        out: dict[str, dict[str, list[Any]]] = {}
        for d in docs:
            got = row(d, code)
            if got is not None and self.held.get(d.doc) != (mark := f"{code}:{got['digest']}"):
                out[f"{FOUND}{d.doc}"] = {KIND: [got]}
                self.held[d.doc] = mark
        return out


def gone(names: Iterable[str]) -> dict[str, dict[str, list[Any]]]:
    """Rows deleting the stored extractions of documents no longer committed."""
    return {f"{FOUND}{n}": {KIND: []} for n in names}
