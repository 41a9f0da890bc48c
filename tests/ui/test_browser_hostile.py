"""A hostile document through the real page in Chromium: uploaded, asked about, cited, opened in the viewer
and listed in the tables; no script of it runs, no handler fires, nothing is fetched from outside."""

from __future__ import annotations

from pathlib import Path

from granska.eval.hostile_files import XSS

from tests.ui.conftest import Server
from tests.ui.test_browser import LOCAL  # the Chromium fixture `browser` is shared from conftest

# A sentence of its own (other tests upload the shared payload too), with markup in the part an answer quotes.
OWN = (
    'Lekplatsnämnden <img src="http://203.0.113.9/q.png" onerror="window.__pwned=4"> ansvarar för kontrollen '
    "av lekplatser <script>window.__pwned=5</script> sedan 2020.\n"
)
PWNED = "() => window.__pwned === undefined && !document.querySelector('#chat img[src^=\"http\"]')"


def test_hostile_document_runs_nothing_and_fetches_nothing(browser, hostile_server: Server, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    dialogs: list[str] = []

    def gate(route, request):  # type: ignore[no-untyped-def]
        if request.url.startswith(LOCAL):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(hostile_server.url, wait_until="load")
    page.wait_for_selector("#question textarea", timeout=60000)

    doc = tmp_path / "fientlig.txt"
    doc.write_text(OWN + XSS, encoding="utf-8")
    page.get_by_role("tab", name="Dokument").click()
    page.set_input_files("#upload input[type=file]", [str(doc)])
    page.wait_for_timeout(1500)
    page.click("#add")
    page.wait_for_function("document.querySelector('#docs-table')?.innerText.includes('fientlig.txt')", timeout=180000)
    assert page.evaluate(PWNED)

    page.get_by_role("tab", name="Fråga").click()
    page.fill("#question textarea", "Vem ansvarar för kontrollen av lekplatser?")
    page.click("#send")
    page.wait_for_selector("#sources a", timeout=90000)
    chat = page.locator("#chat")
    items = page.locator("#sources li")  # each source: its link, then the file name and the span
    hostile = next(i for i in range(items.count()) if "fientlig.txt" in items.nth(i).inner_text())
    items.nth(hostile).locator("a").first.click()
    page.wait_for_selector("#viewer mark#hl", timeout=20000)
    viewer = page.locator("#viewer").inner_text()
    assert "<img" in viewer or "<script>" in viewer  # shown as text …
    assert page.locator("#viewer script, #viewer img, #viewer [onerror]").count() == 0  # … never as markup
    assert any(s in chat.inner_text() for s in ("<img", "<script>", "javascript:"))  # quoted as text
    assert chat.locator("img[src^='http'], a[href^='javascript'], script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(1000)  # give any injected handler a moment to fire
    assert page.evaluate(PWNED)
    assert dialogs == [] and outside == []
    context.close()
