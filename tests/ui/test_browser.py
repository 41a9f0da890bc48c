"""The UI in a real browser: Debian's Chromium driven by Playwright, against a real server, network closed.

One page per test; the server is shared (tests/ui/conftest.py). The upload test deletes what it added, so
the other tests see the bundled corpus.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_pdf
from tests.ui.conftest import Server

QUESTION = "Sedan när har kommunstyrelsen i Motala det övergripande ansvaret för kommunens integrationsfrågor?"
LOCAL = ("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:")
TABS = ("Fråga", "Granska påstående", "Rekommendationer", "Ansvar", "Dokument")


def _open(browser, server: Server, width: int = 1440, height: int = 1000):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.external_requests = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: None if r.url.startswith(LOCAL) else pg.external_requests.append(r.url))
    pg.goto(server.url, wait_until="load")
    pg.wait_for_selector("#question textarea", timeout=60000)
    pg.wait_for_function("document.querySelector('#counts')?.innerText.includes('dokument')", timeout=30000)
    return pg


@pytest.fixture()
def page(browser, server: Server):  # type: ignore[no-untyped-def]
    pg = _open(browser, server)
    yield pg
    pg.context.close()


def tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open a tab by name; at phone width the last tabs sit behind Gradio's "More tabs" button (its label
    in the page's language)."""
    button = page.get_by_role("tab", name=name)
    if button.count() == 0:
        page.click('button[aria-label="Fler flikar"], button[aria-label="More tabs"]')
        page.locator(".overflow-dropdown button", has_text=name).click()
    else:
        button.click()
    page.wait_for_timeout(300)


def _ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("#question textarea", question)
    page.click("#send")


def _api(server: Server, path: str) -> dict:
    return httpx.get(f"{server.url}{path}", timeout=30).json()


def _viewer_shows_exact_span(page, server: Server, href: str) -> None:  # type: ignore[no-untyped-def]
    found = re.search(r"/source/([^?]+)\?start=(\d+)&end=(\d+)", href)
    assert found, href
    doc, start, end = found.groups()
    text = _api(server, f"/api/documents/{doc}")["text"]
    page.wait_for_function(
        f"(document.querySelector('#viewer mark#hl') || {{}}).dataset?.start === '{start}'", timeout=20000
    )
    assert page.locator("#viewer mark#hl").inner_text() == text[int(start) : int(end)]


def test_ask_open_citations_from_chat_and_sources_the_same_way(page, server: Server):
    _ask(page, QUESTION)
    page.wait_for_selector("#sources a", timeout=60000)
    assert "1 januari 2018" in page.locator("#chat").inner_text()
    chat_link = page.locator("#chat a[href*='/source/']").first
    href = chat_link.get_attribute("href")
    chat_link.click()
    _viewer_shows_exact_span(page, server, href)
    viewer = page.locator("#viewer").inner_text()
    assert "Motala kommun" in viewer and "2019-01-08" in viewer and "Synpunkter gällande" in viewer
    source_link = page.locator("#sources a").last  # the answer may stand on one sentence: its source opens too
    href2 = source_link.get_attribute("href")
    source_link.click()
    _viewer_shows_exact_span(page, server, href2)
    # An empty question changes nothing: the last answer's sources stay.
    page.fill("#question textarea", "")
    page.press("#question textarea", "Enter")
    page.wait_for_timeout(800)
    assert page.locator("#sources a").count() >= 1
    assert page.external_requests == []  # nothing fetched from the internet


def test_abstention_looks_different(page):
    _ask(page, "Hur stor budget avsatte Borås Stad för integrationsarbetet år 2022?")
    page.wait_for_function("document.querySelector('#chat')?.innerText.includes('Det framgår inte')", timeout=60000)
    assert "⚠️" in page.locator("#chat").inner_text()
    assert page.locator("#sources a").count() == 0


def test_claim_check_uses_its_own_filters_not_the_ask_tabs(page):
    # A filter on the Ask tab that would hide the evidence...
    page.click("#ask-filters button, #ask-filters .label-wrap")
    _pick(page, "#a-muni", "Motala kommun")
    tab(page, "Granska påstående")
    page.fill("#claim textarea", "Det finns en beslutad struktur för hur projekt ska initieras i Trollhättan.")
    page.click("#check")
    # ...does not apply here: the Trollhättan report still contradicts the claim.
    page.wait_for_function("document.querySelector('#verdict')?.innerText.includes('Motsägs')", timeout=60000)
    assert "Det finns inte någon beslutad struktur" in page.locator("#verdict").inner_text()
    # And the claim tab's own filter does apply.
    _pick(page, "#v-muni", "Motala kommun")
    page.click("#check")
    page.wait_for_function("document.querySelector('#verdict')?.innerText.includes('Framgår inte')", timeout=60000)


def _choices(page, selector: str) -> str:  # type: ignore[no-untyped-def]
    page.click(f"{selector} input")
    page.wait_for_timeout(200)
    text = page.locator("[role=listbox]").inner_text() if page.locator("[role=listbox]").count() else ""
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    return text


def _pick(page, selector: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"{selector} input")
    page.keyboard.press("Control+A")  # a single choice shows its current value in the box
    page.keyboard.type(value)
    page.wait_for_selector(f"[role=option]:has-text('{value}')", timeout=10000)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})


def test_upload_appears_everywhere_then_delete_removes_it_everywhere(page, server: Server, tmp_path: Path):
    town = "Exempelby"
    pdf = make_pdf(
        tmp_path / "granskning_exempelby.pdf",
        [
            "Granskning av bibliotekens styrning i Exempelby kommun\n2024-03-01",
            (
                "Utifrån granskningen rekommenderar vi kulturnämnden att:\n"
                "- säkerställa en samlad uppföljning av bibliotekens utlåning.\n\n"
                "Kulturnämnden ansvarar för biblioteken i Exempelby kommun sedan 2020."
            ),
        ],
    )
    bad = tmp_path / "tom.txt"
    bad.write_bytes(b"")
    before = page.locator("#counts").inner_text()
    tab(page, "Dokument")
    page.set_input_files("#upload input[type=file]", [str(pdf), str(bad)])
    page.wait_for_timeout(1000)
    page.click("#add")
    page.wait_for_function("document.querySelector('#report')?.innerText.includes('tom.txt')", timeout=120000)
    assert "1 nya" in page.locator("#report").inner_text()
    assert "tom.txt: filen är tom" in page.locator("#report").inner_text()  # the reason in the page's language
    page.wait_for_function(
        "document.querySelector('#docs-table')?.innerText.includes('Granskning av bibliotekens styrning')",
        timeout=30000,
    )
    assert page.locator("#counts").inner_text() != before
    # Without a reload: every filter offers the new municipality, the tracker tables hold its rows.
    assert town in _choices(page, "#d-muni")
    tab(page, "Fråga")
    page.click("#ask-filters button, #ask-filters .label-wrap")
    assert town in _choices(page, "#a-muni")
    tab(page, "Granska påstående")
    assert town in _choices(page, "#v-muni")
    tab(page, "Rekommendationer")
    assert town in _choices(page, "#r-muni")
    _pick(page, "#r-muni", town)
    page.wait_for_function("document.querySelector('#rec-table')?.innerText.includes('bibliotekens utlåning')")
    tab(page, "Ansvar")
    assert town in _choices(page, "#p-muni")
    _pick(page, "#p-muni", town)
    page.wait_for_function("document.querySelector('#resp-table')?.innerText.includes('biblioteken i Exempelby')")
    # A citation into the PDF opens the real page, rendered, beside the extracted text.
    link = page.locator("#resp-table a[href*='granskning_exempelby.pdf']:visible").first
    href = link.get_attribute("href")
    link.click()
    _viewer_shows_exact_span(page, server, href)
    page.wait_for_selector("#page-img img", timeout=20000)
    assert "sida 2" in page.locator("#viewer").inner_text()
    # Delete, with confirmation: gone from every table, filter and count.
    tab(page, "Dokument")
    _pick(page, "#delete-pick", "granskning_exempelby.pdf")
    page.click("#delete")
    page.wait_for_selector("#delete-confirm", timeout=10000)
    assert "granskning_exempelby.pdf" in page.locator("#delete-ask").inner_text()
    page.click("#delete-confirm")
    page.wait_for_function(
        "!document.querySelector('#docs-table')?.innerText.includes('granskning_exempelby.pdf')", timeout=30000
    )
    page.wait_for_function(f"document.querySelector('#counts')?.innerText === {before!r}", timeout=30000)
    assert town not in _choices(page, "#d-muni")
    tab(page, "Rekommendationer")
    assert town not in _choices(page, "#r-muni")
    assert town not in page.locator("#rec-table").inner_text()  # its filter value went with it: all rows show
    assert "Borås Stad" in page.locator("#rec-table").inner_text()
    assert "granskning_exempelby.pdf" not in [d["doc"] for d in _api(server, "/api/documents")["documents"]]


def test_tables_read_well_export_and_plot(page, server: Server):
    tab(page, "Rekommendationer")
    table = page.locator("#rec-table")
    page.wait_for_function("document.querySelector('#rec-table')?.innerText.includes('Överväga att besluta')")
    text = table.inner_text()
    assert "Svar saknas i underlaget" in text and "Besvarad" in text and "not_answered" not in text
    font = page.evaluate("getComputedStyle(document.querySelector('#rec-table td')).fontFamily")
    assert "mono" not in font.lower()
    # The status plot and its figures come from the same rows as the API's.
    page.wait_for_selector("#status-plot img, #status-plot svg", timeout=20000)
    recs = _api(server, "/api/recommendations")["recommendations"]
    page.click("#status-figures button, #status-figures .label-wrap")
    figures = page.locator("#status-summary").inner_text()
    assert sum(int(n) for n in re.findall(r" (\d+)$", figures, re.MULTILINE)) == len(recs)
    # Export: the CSV and the XLSX parse back to the rows shown.
    page.click("#rec-export")
    page.wait_for_selector("#rec-files a[href*='.csv']", timeout=20000)
    files = {a.get_attribute("href").split("?")[0].rsplit(".", 1)[-1]: a.get_attribute("href")
             for a in page.locator("#rec-files a[href]").all()}  # fmt: skip
    url = lambda h: h if h.startswith("http") else server.url + h
    rows = list(csv.reader(io.StringIO(httpx.get(url(files["csv"])).content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kommun", "År", "Mottagare"] and len(rows) == 1 + len(recs)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(httpx.get(url(files["xlsx"])).content)).active
    assert sheet.max_row == 1 + len(recs) and sheet.cell(1, 4).value == "Rekommendation"
    original = [c for c in rows[0] if c.endswith("(original)")]
    assert original, rows[0]


def _rows(page, table: str) -> int:  # type: ignore[no-untyped-def]
    return page.locator(f"#{table} .virtual-row").count()


def _first_cell(page, table: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        f"(document.querySelector('#{table} .virtual-row .body-cell') || {{}}).innerText?.trim() === {text!r}",
        timeout=20000,
    )


def _info(page, table: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(f"document.querySelector('#{table}-info').innerText.includes({text!r})", timeout=20000)


def test_tables_page_sort_and_search_over_every_row(page, server: Server):
    recs = _api(server, "/api/recommendations")["recommendations"]
    n = len(recs)
    assert n > 10
    tab(page, "Rekommendationer")
    _info(page, "rec", f"rad 1–{min(n, 25)} av {n}")
    assert _rows(page, "rec-table") == min(n, 25)
    page.click("#rec-size input")
    page.locator("[role=option]", has_text="10").first.click()
    _info(page, "rec", f"Sida 1 av {-(-n // 10)} · rad 1–10 av {n}")
    assert _rows(page, "rec-table") == 10
    page.click("#rec-next")
    _info(page, "rec", f"Sida 2 av {-(-n // 10)} · rad 11–{min(n, 20)} av {n}")
    assert _rows(page, "rec-table") == min(n, 20) - 10
    # Sorting sorts every row, not only the page shown: the first row is the first municipality of all.
    towns = [r["municipality"] for r in recs if r["municipality"]]
    _pick(page, "#rec-sort", "Kommun")
    _info(page, "rec", f"Sida 1 av {-(-n // 10)}")
    _first_cell(page, "rec-table", min(towns))
    page.click("#rec-desc input")
    _first_cell(page, "rec-table", max(towns))
    _pick(page, "#rec-sort", "Standardordning")
    # The search box is the engine's search (`granska recommendations --search`, /api/recommendations?q=):
    # the same rows, best first.
    found = _api(server, "/api/recommendations?q=uppföljning")["recommendations"]
    assert 0 < len(found) < n
    page.fill("#rec-search textarea, #rec-search input", "uppföljning")
    _info(page, "rec", f"rad 1–{min(10, len(found))} av {len(found)}")
    best = found[0]["recommendation"]
    href = page.locator("#rec-table .virtual-row").first.locator("a[href*='/source/']").first.get_attribute("href")
    assert f"start={best['start']}&end={best['end']}" in href
    # The responsibilities and documents tables search too (all words, any case or accent).
    tab(page, "Ansvar")
    resps = _api(server, "/api/responsibilities")["responsibilities"]
    _info(page, "resp", f"rad 1–{len(resps)} av {len(resps)}")
    page.fill("#resp-search textarea, #resp-search input", "MOTALA")
    motala = sum(1 for r in resps if r["municipality"] == "Motala kommun")
    _info(page, "resp", f"rad 1–{motala} av {motala}")
    assert 0 < motala < len(resps) and _rows(page, "resp-table") == motala
    assert all("motala" in row.lower() for row in page.locator("#resp-table .virtual-row").all_inner_texts())


def test_language_switch(page):
    tab(page, "Dokument")
    page.wait_for_selector("#upload", timeout=20000)
    assert "Släpp fil här" in page.locator("#upload").inner_text()  # Gradio's own strings follow the page
    with page.expect_navigation():
        page.get_by_label("English").check()
    assert page.url.endswith("?lang=en")
    page.wait_for_function("(document.querySelector('#send') || {}).innerText?.trim() === 'Ask'", timeout=60000)
    assert page.get_by_role("tab", name="Recommendations").count() == 1
    assert page.evaluate("document.documentElement.lang") == "en"
    _ask(page, "Who gave EY the task of auditing integration work in Trollhättan?")
    page.wait_for_selector("#sources a", timeout=60000)
    assert "Sources" in page.locator("#sources").inner_text()
    tab(page, "Recommendations")
    page.wait_for_function("document.querySelector('#rec-table')?.innerText.includes('No response in the documents')")
    _info(page, "rec", "Page 1 of")
    assert page.locator("#rec-search").get_by_label("Search the recommendations").count() == 1
    tab(page, "Documents")
    upload = page.locator("#upload").inner_text()
    assert "Drop File Here" in upload and "Släpp fil här" not in upload
    with page.expect_navigation():  # and back
        page.get_by_label("Svenska").check()
    page.wait_for_function("(document.querySelector('#send') || {}).innerText?.trim() === 'Fråga'", timeout=60000)
    assert page.evaluate("document.documentElement.lang") == "sv"


@pytest.mark.parametrize("width,height", [(1440, 1000), (390, 844)])
def test_axe_finds_no_serious_violation_on_any_tab(browser, server: Server, width: int, height: int):
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, server, width, height)
    _ask(page, QUESTION)
    page.wait_for_selector("#sources a", timeout=60000)
    page.locator("#sources a").first.click()
    page.wait_for_selector("#viewer mark#hl", timeout=20000)
    axe = Axe()
    found, english = [], set()
    for name in TABS:
        tab(page, name)
        for v in axe.run(page).response["violations"]:
            if v["impact"] in ("serious", "critical"):
                found.append((name, v["id"], [n["target"] for n in v["nodes"][:3]]))
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, name  # no sideways scroll
        english |= {(name, s) for s in page.evaluate(_STRINGS_JS) if _gradio_english(s)}
    page.context.close()
    assert found == []
    assert english == set()  # the Swedish page has none of Gradio's English strings


def test_upload_box_holding_files_has_no_control_inside_a_control(page, tmp_path: Path):
    """Once files are chosen Gradio nests its "add files" button inside an icon button (axe: nested-interactive);
    the page script makes the outer a group out of the tab order; the inner control still opens the chooser."""
    from axe_playwright_python.sync_playwright import Axe

    chosen = tmp_path / "vald.txt"
    chosen.write_text("Kommunstyrelsen bör säkerställa en samlad uppföljning.", encoding="utf-8")
    tab(page, "Dokument")
    page.set_input_files("#upload input[type=file]", [str(chosen)])
    page.wait_for_selector("#upload button.upload-container", state="attached", timeout=10000)
    page.wait_for_timeout(500)
    serious = [v["id"] for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    inner = page.locator("#upload button.upload-container")
    assert inner.get_attribute("tabindex") == "0"  # the keyboard's stop: the control that opens the chooser
    assert page.locator("#upload [role=group]").first.get_attribute("tabindex") == "-1"  # the outer is none
    with page.expect_file_chooser(timeout=10000):
        inner.click()


# Every string a person (or a screen reader) meets: visible text and the labels, titles, alt texts and
# placeholders of every element.
_STRINGS_JS = """() => { const out = new Set();
  document.querySelectorAll('*').forEach((el) => {
    for (const a of ['aria-label', 'title', 'placeholder', 'alt']) { const v = el.getAttribute(a); if (v) out.add(v.trim()); }
    if (el.offsetParent !== null) for (const n of el.childNodes) if (n.nodeType === 3 && n.textContent.trim()) out.add(n.textContent.trim());
  }); return [...out]; }"""


def _gradio_english(text: str) -> bool:
    """One of the strings Gradio writes in English (its English dictionary's words for our components, and
    the ones it never translates), or a translation key shown raw ("common.complete")."""
    from granska.ui.messages import GRADIO_ENGLISH_SV

    english = {k for k in GRADIO_ENGLISH_SV if not k.endswith(":")}
    english |= {"Drop File Here", "Click to Upload", "- or -", "Use via API", "Built with Gradio", "Loading..."}
    prefixes = tuple(k for k in GRADIO_ENGLISH_SV if k.endswith(":"))
    return text in english or text.startswith(prefixes) or bool(re.fullmatch(r"[a-z_]+\.[a-z_]+", text))


def test_keyboard_only_ask_and_open_a_citation(page, server: Server):
    page.focus("#question textarea")
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector("#sources a", timeout=60000)
    page.focus("#sources a >> nth=0")
    href = page.locator("#sources a").first.get_attribute("href")
    page.keyboard.press("Enter")
    _viewer_shows_exact_span(page, server, href)


def test_screenshot_command_writes_where_told(browser, server: Server, tmp_path: Path):
    from granska.ui.screenshot import capture

    written = capture(server.url, tmp_path, browser=browser)
    assert [p.name for p in written] == ["screenshot.png", "ui-recommendations.png", "ui-documents.png", "ui-phone.png"]
    assert all(p.stat().st_size > 10_000 and p.read_bytes()[:4] == b"\x89PNG" for p in written)
