"""Per-file budgets enforced by the kernel: a PDF page that would run for minutes is stopped at the time limit,
one that needs more memory than the cap is refused, each as one `skipped` line, and the batch goes on."""

from __future__ import annotations

import time
from pathlib import Path

from granska.eval.hostile_files import GOOD, operator_bomb_pdf
from granska.ingest import isolate, pipeline

from granska.engine import Engine
from granska.settings import IngestSettings
from tests.conftest import hash_settings, make_pdf


def test_a_page_that_runs_for_minutes_is_stopped_and_the_batch_lands(tmp_path: Path):
    batch = tmp_path / "batch"
    bomb = operator_bomb_pdf(batch / "operatorer.pdf", ops=400_000)  # in-process: minutes on one page
    make_pdf(batch / "god.pdf", [GOOD, "Nämnden ska redovisa åtgärderna senast i juni."])
    settings = hash_settings(tmp_path / "idx", ingest=IngestSettings(file_timeout_s=3))
    t0 = time.monotonic()
    report = Engine(settings).ingest([batch])
    took = time.monotonic() - t0
    assert [s.line() for s in report.skipped] == [
        f"skipped {bomb}: parsing took over 3 s (GRANSKA_INGEST__FILE_TIMEOUT_S); stopped"
    ]
    assert report.added == ["god.pdf"]  # read by a fresh worker after the stopped one
    assert took < 60, took


def test_a_parser_over_its_memory_cap_is_refused_with_the_limit_named(tmp_path: Path):
    bomb = operator_bomb_pdf(tmp_path / "minne.pdf", ops=1_400_000)
    ingest = IngestSettings(max_parse_mb=100, file_timeout_s=60)
    try:
        pipeline.load_one(bomb, None, ingest)
    except Exception as exc:  # noqa: BLE001 - the type is asserted below
        assert type(exc).__name__ == "UnreadableFileError"
        assert str(exc) == (
            f"cannot read {bomb}: needs more than 100 MB of memory to parse (GRANSKA_INGEST__MAX_PARSE_MB)"
        )
    else:
        raise AssertionError("a parser over its memory cap was not stopped")
    pid = isolate.worker_pid()
    assert pid is not None  # the worker survived its MemoryError and serves the next file
    good = make_pdf(tmp_path / "god.pdf", [GOOD])
    assert GOOD in pipeline.load_one(good, None, ingest).document.text
    assert isolate.worker_pid() == pid


def test_plain_text_is_read_in_process_and_isolation_can_be_turned_off(tmp_path: Path):
    txt = tmp_path / "a.txt"
    txt.write_text(GOOD, encoding="utf-8")
    assert pipeline.load_one(txt, None, IngestSettings()).document.text == GOOD
    pdf = make_pdf(tmp_path / "b.pdf", [GOOD])
    assert GOOD in pipeline.load_one(pdf, None, IngestSettings(isolate=False)).document.text
