"""Readers never wait for a writer: clients asking while a PDF uploads through the API get answers from the
previous generation until the commit, the new document after it; upload jobs report status and progress.
The full measurement (32 clients, 300 pages) is `python -m granska.eval.concurrency`."""

from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
from granska.eval.concurrency import run

from tests.ui.conftest import Server


def test_clients_asking_during_an_upload_get_the_previous_generation_then_the_new_document(tmp_path: Path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRANSKA_EMBEDDER__MODEL": "hash"}
    out = run(work=tmp_path, clients=4, pages=24, idle_per_client=7, embedder="hash", env=env)
    assert out["idle"]["errors"] == 0 and out["during_upload"]["errors"] == 0
    assert out["during_upload"]["requests"] >= 4  # every client asked while the job ran
    assert out["idle_answers_deterministic"]
    assert out["answers_before_commit_compared_to_idle"] > 0
    assert out["answers_before_commit_differing_from_idle"] == 0
    assert out["answers_before_commit_citing_new_doc"] == 0
    assert out["upload_job"]["status"] == "done" and out["upload_report"]["added"] == ["rapport_24_sidor.pdf"]
    assert out["progress_polls"] >= 1
    assert out["new_doc_found_by_search"] and out["new_doc_cited_in_answer"]
    assert out["documents_after"] == out["documents_before"] + 1


def test_an_upload_job_is_queued_and_reports_progress_and_its_report(hostile_server: Server):
    url = hostile_server.url
    files = [
        ("files", ("jobb_ett.txt", "Kommunstyrelsen ska senast i juni redovisa en plan för jobbkön.".encode())),
        ("files", ("jobb_två.txt", b"\xff\xfe\x00")),  # binary: skipped, named as uploaded
    ]
    queued = httpx.post(f"{url}/api/documents", params={"wait": "false"}, files=files, timeout=60)
    assert queued.status_code == 202
    job = queued.json()
    assert job["status"] in ("queued", "running", "done") and job["files"] == ["jobb_ett.txt", "jobb_två.txt"]
    assert job["url"] == f"/api/jobs/{job['job']}"
    deadline = time.monotonic() + 120
    while (status := httpx.get(f"{url}{job['url']}", timeout=30).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert status["status"] == "done" and status["done_files"] == status["total_files"] == 2
    assert status["report"]["added"] == ["jobb_ett.txt"]
    assert [s["path"] for s in status["report"]["skipped"]] == ["jobb_två.txt"]
    assert "granska-upload-" not in str(status)  # the staging folder is never shown
    listed = httpx.get(f"{url}/api/jobs", timeout=30).json()["jobs"]
    assert job["job"] in [j["job"] for j in listed]
    assert "jobb_ett.txt" in [d["doc"] for d in httpx.get(f"{url}/api/documents").json()["documents"]]
    # Waiting (the default) still answers with the report itself, now naming its job.
    again = httpx.post(f"{url}/api/documents", files=files[:1], timeout=60).json()
    assert again["unchanged"] == ["jobb_ett.txt"] and again["job"] != job["job"]
    missing = httpx.get(f"{url}/api/jobs/no-such-job", timeout=30)
    assert missing.status_code == 404 and "no-such-job" in missing.json()["error"]
