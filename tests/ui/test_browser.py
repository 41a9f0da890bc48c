"""The UI in a real browser: Debian's Chromium driven by Playwright, against a real server, network closed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_docx
from tests.ui.conftest import Server

DOCS = Path(__file__).resolve().parents[2] / "docs"
QUESTION = "Sedan när har kommunstyrelsen i Motala det övergripande ansvaret för kommunens integrationsfrågor?"
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser, server: Server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: None if r.url.startswith(LOCAL) else pg.external_requests.append(r.url))
    pg.goto(server.url, wait_until="load")
    pg.wait_for_selector("#question textarea", timeout=60000)
    yield pg
    context.close()


def _assert_link_highlights_its_span(page, server: Server, href: str) -> None:
    """Open a citation link in a new tab: the highlighted text is exactly source[start:end]."""
    doc, start, end = re.search(r"/source/([^?]+)\?start=(\d+)&end=(\d+)", href).groups()
    other = page.context.new_page()
    other.goto(server.url + href)
    text = httpx.get(f"{server.url}/api/documents/{doc}").json()["text"]
    assert other.locator("mark#hl").inner_text() == text[int(start) : int(end)]
    other.close()


def _ask(page, question: str) -> None:
    page.fill("#question textarea", question)
    page.click("#send")


def test_ask_see_citation_click_it_and_see_the_exact_span(page, server: Server):
    _ask(page, QUESTION)
    page.wait_for_selector("#sources label", timeout=60000)
    assert "1 januari 2018" in page.locator("#chat").inner_text()
    assert re.search(r"\[1\]", page.locator("#chat").inner_text())
    first = page.locator("#sources label").first
    label = first.inner_text()
    doc, start, end = re.search(r"(\S+\.txt) (\d+)–(\d+)", label).groups()
    first.click()
    mark = page.wait_for_selector("#viewer mark#hl", timeout=20000)
    source = httpx.get(f"{server.url}/api/documents/{doc}").json()
    assert mark.inner_text() == source["text"][int(start) : int(end)]
    assert (
        "Motala kommun" in page.locator("#viewer").inner_text() and "2019-01-08" in page.locator("#viewer").inner_text()
    )
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "screenshot.png"))
    assert page.external_requests == []  # nothing fetched from the internet


def test_citation_link_in_the_answer_opens_the_source_highlighted(page, server: Server):
    _ask(page, QUESTION)
    link = page.wait_for_selector("#chat a[href*='/source/']", timeout=60000)
    href = link.get_attribute("href")
    _assert_link_highlights_its_span(page, server, href)


def test_abstention_looks_different(page):
    _ask(page, "Hur stor budget avsatte Borås Stad för integrationsarbetet år 2022?")
    page.wait_for_function("document.querySelector('#chat').innerText.includes('Det framgår inte')", timeout=60000)
    chat = page.locator("#chat")
    assert "⚠️" in chat.inner_text() and chat.locator("blockquote").count() >= 1
    assert page.locator("#sources label").count() == 0


def test_check_a_claim(page):
    page.get_by_role("tab", name="Granska påstående · Check a claim").click()
    page.fill("#claim textarea", "Det finns en beslutad struktur för hur projekt ska initieras i Trollhättan.")
    page.click("#check")
    page.wait_for_function("document.querySelector('#verdict').innerText.includes('Motsägs')", timeout=60000)
    assert page.locator("#claim-viewer mark#hl").inner_text().startswith("- ❖ Det finns inte någon beslutad struktur")


def test_upload_with_progress_and_per_file_errors(page, tmp_path: Path):
    good = make_docx(
        tmp_path / "svar_kultur.docx",
        ["Svar från kulturnämnden", "Kulturnämnden ansvarar för biblioteken i Exempelby kommun."],
    )
    bad = tmp_path / "tom.txt"
    bad.write_bytes(b"")
    page.get_by_role("tab", name="Dokument · Documents").click()
    page.set_input_files("#upload input[type=file]", [str(good), str(bad)])
    page.wait_for_timeout(1500)
    page.click("#add")
    page.wait_for_function("document.querySelector('#report').innerText.includes('tom.txt')", timeout=120000)
    report = page.locator("#report").inner_text()
    assert "1 nya" in report and "tom.txt: file is empty" in report
    page.wait_for_function(
        "document.querySelector('#docs-table').innerText.includes('svar_kultur.docx')", timeout=20000
    )


def test_language_switch(page):
    page.get_by_label("English").check()
    page.wait_for_function("document.querySelector('#send').innerText.trim() === 'Ask'", timeout=20000)
    assert page.get_by_label("Your question").count() == 1
    _ask(page, "Who gave EY the task of auditing integration work in Trollhättan?")
    page.wait_for_selector("#sources label", timeout=60000)
    assert (
        "municipality unknown" in page.locator("#sources").inner_text()
        or "Trollhättans Stad" in page.locator("#sources").inner_text()
    )


def test_recommendation_table_links_to_the_exact_span(page, server: Server):
    page.get_by_role("tab", name="Rekommendationer · Recommendations").click()
    page.wait_for_function(
        "document.querySelector('#rec-table').innerText.includes('Överväga att besluta')", timeout=20000
    )
    table = page.locator("#rec-table")
    assert "no_response_in_corpus" in table.inner_text() and "answered" in table.inner_text()
    href = table.locator("a[href*='/source/']").first.get_attribute("href")
    _assert_link_highlights_its_span(page, server, href)
