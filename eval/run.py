"""`granska eval`: run Granska (and baselines, on the same chunks) over a dataset and score every answer."""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from granska.eval.metrics import Item, Scores, score_answer, summarize

from granska.engine import Engine
from granska.errors import BadRequestError
from granska.jsonl import numbered_lines
from granska.settings import SearchSettings, Settings

System = Callable[[Item], dict[str, Any]]


def read_dataset(path: Path) -> list[Item]:
    items: list[Item] = []
    for n, line in numbered_lines(path):
        try:
            items.append(Item.parse(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise BadRequestError(f"{path}:{n}: not a dataset line ({exc})") from exc
    return items


def granska_system(engine: Engine) -> System:
    def run(item: Item) -> dict[str, Any]:
        if item.type == "claim" and hasattr(engine, "verify"):
            return engine.verify(item.question).as_dict()
        return engine.ask(item.question, k=5).as_dict()

    return run


def variant(engine: Engine, **weights: float) -> Engine:
    """The same index, searched with other fusion weights (for the lexical-only and dense-only baselines)."""
    search = SearchSettings(**{**engine.settings.search.model_dump(), **weights})
    return Engine(engine.settings.model_copy(update={"search": search}), store=engine.store)


def retrieval_of(engine: Engine, status: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Which retrieval produced a system's row: its fusion weights, reranker and embedder, and how many of the
    index's passages had vectors (`status`: the engine's document status). An index built at w_dense 0 holds
    none, and a dense weight then fuses nothing: the row says so instead of standing for a model."""
    s = engine.settings.search
    return {
        "kind": "granska",
        "w_char": s.w_char,
        "w_word": s.w_word,
        "w_dense": s.w_dense,
        "rerank": s.rerank,
        "embedder": engine.settings.embedder.model,
        "passages": sum(int(d.get("chunks", 0)) for d in status.values()),
        "passages_with_vectors": sum(int(d.get("chunks", 0)) for d in status.values() if d.get("vectors")),
    }


def langchain_system(engine: Engine) -> tuple[System, dict[str, Any]]:
    """The plain recipe: RecursiveCharacterTextSplitter(1000, 200) + FAISS + the same embedder, top-5; with
    its retrieval record (as `retrieval_of`)."""
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, add_start_index=True)
    docs = splitter.split_documents(
        [LCDocument(page_content=d.text, metadata={"doc": n}) for n, d in engine.documents().items()]
    )
    store = FAISS.from_documents(docs, engine.embedder())
    retrieval = {
        "kind": "langchain",
        "splitter": "RecursiveCharacterTextSplitter(1000, 200)",
        "index": "FAISS",
        "w_dense": 1.0,
        "embedder": engine.settings.embedder.model,
        "passages": len(docs),
        "passages_with_vectors": len(docs),  # the recipe embeds its own chunks
    }

    def run(item: Item) -> dict[str, Any]:
        found = store.similarity_search_with_score(item.question, k=5)
        return {
            "passages": [
                {
                    "doc": d.metadata["doc"],
                    "start": d.metadata["start_index"],
                    "end": d.metadata["start_index"] + len(d.page_content),
                    "text": d.page_content,
                    "score": float(score),
                }
                for d, score in found
            ]
        }

    return run, retrieval


def evaluate(
    dataset: Path,
    *,
    settings: Settings,
    docs: Path | None = None,
    baselines: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Score every system on every item; returns the results.json structure."""
    items = read_dataset(dataset)
    with tempfile.TemporaryDirectory(prefix="granska-eval-") as tmp:
        if docs is not None:
            settings = settings.model_copy(update={"index_dir": Path(tmp)})
        engine = Engine(settings)
        if docs is not None:
            engine.ingest([docs], progress=progress)
        else:
            engine.ensure_index()
        engines = {"granska": engine}
        if baselines:
            engines["lexical only"] = variant(engine, w_dense=0.0)
            engines["char-BM25 only"] = variant(engine, w_word=0.0, w_dense=0.0)
            engines["dense only"] = variant(engine, w_char=0.0, w_word=0.0, w_dense=1.0)
            engines["hybrid (dense 0.1)"] = variant(engine, w_dense=0.1)
        systems = {name: granska_system(e) for name, e in engines.items()}
        status = engine.document_status()
        retrieval = {name: retrieval_of(e, status) for name, e in engines.items()}
        if baselines:
            systems["langchain FAISS recipe"], retrieval["langchain FAISS recipe"] = langchain_system(engine)
        return {
            "dataset": str(dataset),
            "docs": str(docs) if docs else None,
            "settings": json.loads(settings.model_dump_json()),
            "systems": {
                name: {**_run_system(system, items, progress), "retrieval": retrieval[name]}
                for name, system in systems.items()
            },
        }


def _counted(items: list[Item], on: bool) -> Any:
    """On a terminal, a bar over the questions: SweQUAD-MC train takes a minute or more and prints nothing else."""
    if not on:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="answering", unit="question", file=sys.stderr, leave=False)


def _run_system(system: System, items: list[Item], progress: bool = False) -> dict[str, Any]:
    rows: list[tuple[Item, Scores]] = []
    per_question: list[dict[str, Any]] = []
    latencies: list[float] = []
    for item in _counted(items, progress):
        t0 = time.perf_counter()
        out = system(item)
        latencies.append(time.perf_counter() - t0)
        scores = score_answer(out, item)
        rows.append((item, scores))
        per_question.append({"id": item.id, "type": item.type, "output": out, "scores": asdict(scores)})
    latencies.sort()
    return {
        "summary": summarize(rows),
        "latency_ms": {
            "median": round(statistics.median(latencies) * 1000, 1),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
        },
        "questions": per_question,
    }
