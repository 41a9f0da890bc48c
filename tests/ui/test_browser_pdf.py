"""A PDF ingested with the CLI (`granska ingest`, not the page's upload) opens at its rendered page, with the
cited words highlighted on it. Its own server (one per module) over an index holding only that PDF; words
only (no model to load), so it starts in seconds."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import GRANSKA, make_pdf
from tests.ui.conftest import Server, start_server, stop_server

WORDS_ONLY = {"GRANSKA_SEARCH__W_DENSE": "0", "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def pdf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("cli-pdf")
    pdf = make_pdf(
        folder / "granskning_parker.pdf",
        [
            "Granskning av parkernas skötsel i Exempelby kommun\n2024-03-01",
            (
                "Utifrån granskningen rekommenderar vi tekniska nämnden att:\n"
                "- säkerställa en samlad uppföljning av parkernas skötsel.\n\nNämnden har ännu inte svarat."
            ),
        ],
    )
    index = folder / "index"
    done = subprocess.run(
        [GRANSKA, "ingest", "--index-dir", str(index), str(pdf)],
        env={**os.environ, **WORDS_ONLY},
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    s = start_server(index, **WORDS_ONLY)
    yield s
    stop_server(s)


def _highlighted_pixels(png: bytes) -> int:
    """Pixels of the viewer's highlight colour (yellow at 45 % over white paper) in the rendered page."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 235) & (g > 215) & (g < 245) & (b > 120) & (b < 180)).sum())


def test_cli_ingested_pdf_opens_at_its_rendered_page_with_the_words_highlighted(browser, pdf_server: Server):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(pdf_server.url, wait_until="load")
    page.wait_for_function("(document.querySelector('#counts') || {}).innerText?.includes('1 dokument')", timeout=60000)
    page.get_by_role("tab", name="Rekommendationer").click()
    page.wait_for_function(
        "document.querySelector('#rec-table')?.innerText.includes('parkernas skötsel')", timeout=30000
    )
    link = page.locator("#rec-table a[href*='granskning_parker.pdf']:visible").first
    href = link.get_attribute("href")
    link.click()
    found = re.search(r"/source/([^?]+)\?start=(\d+)&end=(\d+)", href)
    assert found, href
    doc, start, end = found.groups()
    text = httpx.get(f"{pdf_server.url}/api/documents/{doc}", timeout=30).json()["text"]
    page.wait_for_function(
        f"(document.querySelector('#viewer mark#hl') || {{}}).dataset?.start === '{start}'", timeout=20000
    )
    assert page.locator("#viewer mark#hl").inner_text() == text[int(start) : int(end)]
    assert "sida 2" in page.locator("#viewer").inner_text()
    assert page.locator("#viewer").get_by_text("Originalfilen finns inte sparad").count() == 0
    img = page.locator("#page-img img")
    img.wait_for(timeout=20000)
    src = img.get_attribute("src") or ""
    if src.startswith("data:"):
        png = base64.b64decode(src.split(",", 1)[1])
    else:
        png = httpx.get(src if src.startswith("http") else pdf_server.url + src, timeout=30).content
    assert _highlighted_pixels(png) > 500  # the cited words are marked on the page itself
    page.close()
