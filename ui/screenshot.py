"""Regenerate the documentation's screenshots: `python -m granska.ui.screenshot --out docs/`.

Starts `granska serve` on a fresh index of the bundled corpus (or uses `--url`), drives Debian's Chromium
with Playwright (never a downloaded browser) and writes, at 1440 px and 390 px:
screenshot.png (an answer with its citation opened), ui-recommendations.png, ui-documents.png and
ui-phone.png. The test suite never writes into docs/; it calls `capture` with a temporary folder.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from granska.eval.serving import local_server

CHROMIUM = "/usr/bin/chromium"
QUESTION = "Sedan när har kommunstyrelsen det övergripande ansvaret för kommunens integrationsfrågor?"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def launch(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)


def capture(url: str, out: Path, *, browser=None) -> list[Path]:  # type: ignore[no-untyped-def]
    """Screens of the page at `url`, written into `out`; returns the files written. `browser`: a running
    Playwright browser to use (the tests'); by default one is started and closed here."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = launch(p)
            try:
                return capture(url, out, browser=own)
            finally:
                own.close()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(url, wait_until="load")
    page.wait_for_selector("#question textarea", timeout=60000)
    page.wait_for_function("document.querySelector('#counts').innerText.includes('dokument')", timeout=30000)
    page.fill("#question textarea", QUESTION)
    page.click("#send")
    page.wait_for_selector("#sources a", timeout=60000)
    page.locator("#sources a").first.click()
    page.wait_for_selector("#viewer mark#hl", timeout=20000)
    written.append(out / "screenshot.png")
    page.screenshot(path=str(written[-1]))
    page.click("#viewer-close")
    page.get_by_role("tab", name="Rekommendationer").click()
    page.wait_for_selector("#status-plot img, #status-plot svg, #status-plot canvas", timeout=20000)
    written.append(out / "ui-recommendations.png")
    page.screenshot(path=str(written[-1]), full_page=True)
    page.get_by_role("tab", name="Dokument").click()
    page.wait_for_function("document.querySelector('#docs-table').innerText.includes('.txt')", timeout=20000)
    page.wait_for_timeout(500)
    written.append(out / "ui-documents.png")
    page.screenshot(path=str(written[-1]))
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.goto(url, wait_until="load")
    phone.wait_for_selector("#question textarea", timeout=60000)
    phone.wait_for_function("document.querySelector('#counts').innerText.includes('dokument')", timeout=30000)
    phone.fill("#question textarea", QUESTION)
    phone.click("#send")
    phone.wait_for_selector("#sources a", timeout=60000)
    phone.wait_for_timeout(500)
    phone.evaluate("window.scrollTo(0, 0)")
    written.append(out / "ui-phone.png")
    phone.screenshot(path=str(written[-1]))
    page.close()
    phone.close()
    return written


def serve_bundled(index_dir: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """A `granska serve` over the bundled corpus on a free local port, once it answers."""
    try:
        proc, url = local_server(index_dir)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    return url, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("docs"), help="Folder for the PNG files.")
    parser.add_argument("--url", help="Use this running server instead of starting one.")
    args = parser.parse_args()
    if args.url:
        paths = capture(args.url, args.out)
    else:
        with tempfile.TemporaryDirectory(prefix="granska-shots-") as tmp:
            url, proc = serve_bundled(Path(tmp) / "index")
            try:
                paths = capture(url, args.out)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    for p in paths:
        print(f"wrote {p}")


if __name__ == "__main__":
    main()
