"""Hostile and careless clients against a real server: limits (413), malformed bodies (4xx, never 500), uploads
through POST /api/documents, security headers and CORS."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_docx
from tests.ui.conftest import ALLOWED_ORIGIN, Server

JSON = {"content-type": "application/json"}


def test_health_names_no_path_and_headers_are_set(server: Server):
    r = httpx.get(f"{server.url}/api/health")
    assert r.json() == {"status": "ok", "documents": 5}
    assert str(server.index_dir) not in r.text
    page = httpx.get(f"{server.url}/", follow_redirects=True)
    for resp in (r, page):
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert "connect-src 'self'" in page.headers["content-security-policy"]


def test_cors_is_off_unless_the_origin_is_configured(server: Server, hostile_server: Server):
    evil = {"Origin": "http://localhost:9999"}
    pre = httpx.options(f"{server.url}/api/ask", headers={**evil, "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    for url in (f"{server.url}/api/documents", f"{server.url}/gradio_api/info", f"{server.url}/config"):
        assert not any(k.startswith("access-control-") for k in httpx.get(url, headers=evil).headers)
    ok = httpx.get(f"{hostile_server.url}/api/health", headers={"Origin": ALLOWED_ORIGIN})
    assert ok.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    other = httpx.get(f"{hostile_server.url}/api/health", headers=evil)
    assert "access-control-allow-origin" not in other.headers
    # A form POST needs no preflight and carries the user's credentials: refused from a foreign origin.
    forged = httpx.post(f"{server.url}/api/documents", files=[("files", ("csrf.txt", b"Text."))], headers=evil)
    assert forged.status_code == 403
    assert httpx.delete(f"{server.url}/api/documents/x.txt", headers=evil).status_code == 403
    assert "csrf.txt" not in httpx.get(f"{server.url}/api/documents").text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": "x" * 2001}, "question: String should have at most 2000 characters"),
        ({"question": "x", "history": ["y"] * 51}, "history: List should have at most 50 items"),
        ({"question": "x", "history": ["y" * 2001]}, "history.0: String should have at most 2000 characters"),
        ({"question": "x", "filters": {f"k{i}": "v" for i in range(11)}}, "filters: Dictionary should have at most 10"),
        ({"question": "x", "filters": {"municipality": ["v"] * 51}}, "List should have at most 50 items"),
        ({"question": "x", "filters": {"municipality": "v" * 201}}, "String should have at most 200 characters"),
    ],
)
def test_oversized_fields_are_413_and_not_echoed(server: Server, body: dict, message: str):
    r = httpx.post(f"{server.url}/api/ask", json=body, timeout=30)
    assert r.status_code == 413 and message in r.json()["error"]
    assert "x" * 2001 not in r.text and "y" * 2001 not in r.text  # the input is not sent back


def test_oversized_bodies_are_413_declared_or_streamed(server: Server):
    big = json.dumps({"question": "x" * 3_000_000}).encode()
    r = httpx.post(f"{server.url}/api/ask", content=big, headers=JSON, timeout=30)
    assert r.status_code == 413 and r.json()["error"].startswith("request body over 1 MB")

    def chunks():  # no Content-Length: the limit holds on what arrives
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    r = httpx.post(f"{server.url}/api/ask", content=chunks(), headers=JSON, timeout=30)
    assert r.status_code == 413


@pytest.mark.parametrize(
    ("content", "headers", "status"),
    [
        (b'{"question": "\\ud800 varf\\u00f6r?"}', JSON, 422),  # a lone surrogate
        (b'{"question": "ok", "history": ["\\udfff"]}', JSON, 422),
        (b'{"question": "ok", "filters": {"municipality": "\\ud83d"}}', JSON, 422),
        (b"Vem ansvarar?", {"content-type": "text/plain"}, 422),
        (b'{"question": "x"}', {"content-type": "text/plain"}, 422),
        (b'{"question": "\xff\xfe"}', JSON, 400),  # not UTF-8
        (b"[1, 2]", JSON, 422),
        (b"null", JSON, 422),
        (b'{"question": "x", "k": 1e400}', JSON, 422),
        (b'{"question": "x", "k": "5; DROP"}', JSON, 422),
        (b'{"question": {"$ne": 1}}', JSON, 422),
        (b"", JSON, 422),
    ],
)
def test_malformed_bodies_are_4xx_with_one_error_line(server: Server, content: bytes, headers: dict, status: int):
    for path in ("/api/ask", "/api/verify", "/api/search"):
        body = content.replace(
            b'"question"', {"/api/ask": b'"question"', "/api/verify": b'"claim"'}.get(path, b'"query"')
        )
        r = httpx.post(f"{server.url}{path}", content=body, headers=headers, timeout=30)
        assert r.status_code == status, (path, r.text)
        error = r.json()["error"]
        assert isinstance(error, str) and "\n" not in error


def test_upload_through_the_api_reports_like_the_cli(hostile_server: Server, tmp_path: Path):
    url = hostile_server.url
    good = make_docx(
        tmp_path / "svar_bygg.docx", ["Svar från byggnadsnämnden", "Byggnadsnämnden ansvarar för bygglov."]
    )
    files = [
        ("files", ("../../../etc/svar_bygg.docx", good.read_bytes(), "application/octet-stream")),
        ("files", ("tom.txt", b"", "text/plain")),
        ("files", ("bild.png", b"\x89PNG\r\n\x1a\n", "image/png")),
        ("files", ("bomb.docx", b"PK\x03\x04 nope", "application/octet-stream")),
    ]
    r = httpx.post(f"{url}/api/documents", files=files, timeout=300)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["added"] == ["svar_bygg.docx"] and report["replaced"] == []
    listed = {d["doc"]: d for d in httpx.get(f"{url}/api/documents", timeout=30).json()["documents"]}
    assert listed["svar_bygg.docx"]["chunks"] > 0  # indexed (vectors come only with dense search on)
    assert {s["path"]: s["reason"].split(" (")[0] for s in report["skipped"]} == {
        "tom.txt": "file is empty",
        "bild.png": "unsupported file type '.png'",
        "bomb.docx": "not a readable DOCX",
    }
    assert "/tmp" not in r.text  # staging paths stay on the server
    doc = httpx.get(f"{url}/api/documents/svar_bygg.docx").json()
    assert doc["text"] == "Svar från byggnadsnämnden\nByggnadsnämnden ansvarar för bygglov."
    again = httpx.post(f"{url}/api/documents", files=files[:1], timeout=300).json()
    assert again["unchanged"] == ["svar_bygg.docx"] and again["chunks_embedded"] == 0
    changed = make_docx(tmp_path / "v2.docx", ["Svar från byggnadsnämnden", "Nämnden ansvarar även för tillsynen."])
    swapped = httpx.post(
        f"{url}/api/documents", files=[("files", ("svar_bygg.docx", changed.read_bytes()))], timeout=300
    )
    assert swapped.json()["replaced"] == ["svar_bygg.docx"]
    names = [d["doc"] for d in httpx.get(f"{url}/api/documents").json()["documents"]]
    assert names.count("svar_bygg.docx") == 1 and len(names) == 6


def test_upload_limits(hostile_server: Server):
    url = hostile_server.url
    too_many = [("files", (f"f{i}.txt", b"Text.", "text/plain")) for i in range(21)]
    r = httpx.post(f"{url}/api/documents", files=too_many, timeout=60)
    assert r.status_code == 413 and "21 files" in r.json()["error"]
    big = httpx.post(f"{url}/api/documents", files=[("files", ("stor.txt", b"a " * 11_000_000))], timeout=60)
    assert big.status_code == 413  # over 20 files x 1 MB + 1 MB: refused before it is read
    one = httpx.post(f"{url}/api/documents", files=[("files", ("stor.txt", b"a " * 600_000))], timeout=60).json()
    assert one["skipped"] == [
        {"path": "stor.txt", "reason": "file is 1.2 MB, over the 1 MB limit (GRANSKA_INGEST__MAX_FILE_MB)"}
    ]
    assert httpx.post(f"{url}/api/documents", timeout=30).status_code == 422  # no files at all
    assert httpx.post(f"{url}/api/documents", json={"files": []}, timeout=30).status_code == 422


def test_hostile_document_is_escaped_in_every_json_and_html_view(hostile_server: Server):
    from granska.eval.hostile_files import XSS

    url = hostile_server.url
    r = httpx.post(f"{url}/api/documents", files=[("files", ("xss.txt", XSS.encode()))], timeout=300)
    assert r.json()["added"] == ["xss.txt"]
    text = httpx.get(f"{url}/api/documents/xss.txt").json()["text"]
    assert text == XSS  # stored as written: escaping is the renderer's job
    page = httpx.get(f"{url}/source/xss.txt", params={"start": 0, "end": 40})
    assert page.status_code == 200
    assert "<script>window" not in page.text and "&lt;script&gt;window" in page.text
    tags = _elements(page.text)
    assert {t for t, _ in tags} <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "div",
        "h3",
        "p",
        "code",
        "pre",
        "mark",
        "script",
    }
    assert all(not k.startswith("on") and "javascript" not in (v or "") for _, attrs in tags for k, v in attrs)
    assert sum(t == "script" for t, _ in tags) == 1  # our own scroll line, allowed by its hash
    assert "script-src 'sha256-" in page.headers["content-security-policy"]


def _elements(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element the browser would build from the page, with its attributes."""
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collect().feed(page)
    return found
