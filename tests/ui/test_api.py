"""The JSON API against a real server process on 127.0.0.1."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from granska.engine import BUNDLED_CORPUS
from tests.conftest import dev_items
from tests.ui.conftest import Server, start_server, stop_server


def test_health_and_documents(server: Server):
    assert httpx.get(f"{server.url}/api/health").json()["documents"] == 5
    docs = httpx.get(f"{server.url}/api/documents").json()["documents"]
    assert [d["doc"] for d in docs] == sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))
    assert {"municipality", "role", "date", "year", "chunks"} <= docs[0].keys()


def test_ask_returns_the_cli_contract_with_exact_spans(server: Server):
    r = httpx.post(
        f"{server.url}/api/ask",
        json={"question": "Vem gav EY i uppdrag att granska integrationsarbetet?", "k": 3},
        timeout=30,
    )
    assert r.status_code == 200
    obj = r.json()
    assert {"question", "answer", "abstained", "citations", "passages"} <= obj.keys() and len(obj["passages"]) == 3
    for span in obj["citations"] + obj["passages"]:
        text = (BUNDLED_CORPUS / span["doc"]).read_text(encoding="utf-8")
        assert text[span["start"] : span["end"]] == span["text"]
    assert "Kommunrevisionen" in obj["answer"]


def test_followup_history_over_http(server: Server):
    r = httpx.post(
        f"{server.url}/api/ask",
        json={"question": "Och i Trollhättan?", "history": ["Vilka rekommendationer fick kommunstyrelsen i Borås?"]},
        timeout=30,
    )
    assert r.json()["resolved_question"] == "Vilka rekommendationer fick kommunstyrelsen i Trollhättan?"


def test_verify_and_search(server: Server):
    v = httpx.post(
        f"{server.url}/api/verify",
        json={"claim": "Det finns en beslutad struktur för projekt i Trollhättan."},
        timeout=30,
    )
    assert v.status_code == 200 and v.json()["verdict"] == "contradicted"
    s = httpx.post(
        f"{server.url}/api/search",
        json={"query": "Eidar", "k": 2, "filters": {"municipality": "Trollhättan"}},
        timeout=30,
    )
    assert [p["doc"] for p in s.json()["passages"]] == ["003_f15778b1dd09b2e4.txt"] * 2


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/api/ask", {"question": ""}, 422, "question: String should have at least 1 character"),
        ("/api/ask", {"question": "x", "k": 0}, 422, "k: Input should be greater than or equal to 1"),
        ("/api/ask", {"question": "x", "filters": {"kommun": "Motala"}}, 400, "unknown filter key 'kommun'"),
        ("/api/ask", {"question": "x", "extra": 1}, 422, "extra: Extra inputs are not permitted"),
        ("/api/verify", {}, 422, "claim: Field required"),
        ("/api/search", {"query": "x", "k": 1000}, 422, "k: Input should be less than or equal to 100"),
    ],
)
def test_invalid_input_is_a_clear_4xx(server: Server, path: str, body: dict, status: int, message: str):
    r = httpx.post(f"{server.url}{path}", json=body, timeout=30)
    assert r.status_code == status
    assert message in r.json()["error"]


def test_malformed_json_and_unknown_document_are_4xx(server: Server):
    r = httpx.post(f"{server.url}/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and "invalid request" in r.json()["error"]
    r = httpx.delete(f"{server.url}/api/documents/nope.txt")
    assert (
        r.status_code == 404
        and r.json()["error"] == "no document named 'nope.txt' in the index (see `granska docs list`)"
    )


def test_openapi_documents_the_api(server: Server):
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    assert {
        "/api/ask",
        "/api/verify",
        "/api/search",
        "/api/documents",
        "/api/documents/{doc}",
        "/api/health",
    } <= paths.keys()


def test_sixteen_concurrent_clients_get_the_single_client_answers(server: Server):
    questions = [i["question"] for i in dev_items()]

    def ask(q: str) -> dict:
        r = httpx.post(f"{server.url}/api/ask", json={"question": q}, timeout=120)
        r.raise_for_status()
        return r.json()

    single = [ask(q) for q in questions]
    with ThreadPoolExecutor(max_workers=16) as pool:
        concurrent = list(pool.map(ask, questions * 2))
    assert concurrent == single * 2


def test_delete_document_over_http(tmp_path: Path):
    s = start_server(tmp_path / "idx")
    try:
        r = httpx.delete(f"{s.url}/api/documents/003_f15778b1dd09b2e4.txt", timeout=60)
        assert r.status_code == 200 and r.json()["removed_chunks"] > 0
        hits = httpx.post(f"{s.url}/api/search", json={"query": "Eidar Trollhättan", "k": 10}, timeout=30).json()[
            "passages"
        ]
        assert all(h["doc"] != "003_f15778b1dd09b2e4.txt" for h in hits)
    finally:
        stop_server(s)


def test_basic_auth_when_configured(tmp_path: Path):
    s = start_server(tmp_path / "idx", GRANSKA_AUTH="revisor:hemligt")
    try:
        assert httpx.get(f"{s.url}/api/documents").status_code == 401
        assert httpx.get(f"{s.url}/", follow_redirects=True).status_code == 401
        assert httpx.get(f"{s.url}/api/documents", auth=("revisor", "fel")).status_code == 401
        ok = httpx.post(
            f"{s.url}/api/ask", json={"question": "Vem gav EY i uppdrag?"}, auth=("revisor", "hemligt"), timeout=30
        )
        assert ok.status_code == 200 and json.loads(ok.text)["answer"]
        assert httpx.get(f"{s.url}/api/health").status_code == 200  # for load balancers
    finally:
        stop_server(s)


def test_recommendations_and_responsibilities_endpoints(server: Server):
    r = httpx.get(f"{server.url}/api/recommendations", params={"municipality": "Trollhättan"}, timeout=30)
    rows = r.json()["recommendations"]
    assert r.status_code == 200 and len(rows) == 4 and {x["status"] for x in rows} == {"no_response_in_corpus"}
    assert {"id", "municipality", "addressee", "recommendation", "response", "status", "auditor", "date"} <= rows[
        0
    ].keys()
    assert httpx.get(f"{server.url}/api/recommendations", params={"nope": "x"}).status_code == 400
    resp = httpx.get(f"{server.url}/api/responsibilities", params={"municipality": "Motala"}, timeout=30).json()[
        "responsibilities"
    ]
    assert resp and all(x["municipality"] == "Motala kommun" for x in resp)
