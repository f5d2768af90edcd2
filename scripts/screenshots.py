#!/usr/bin/env python
"""Take the README's screenshots: explorer, hierarchy tree and learning path, at 1280 and 375 px,
in the light and the dark colour scheme, on the seed glossary.

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]     # default docs/screenshots

Serves a throwaway SQLite copy of the seed glossary with runserver and drives the system
Chromium (/usr/bin/chromium) through Playwright, as the browser tests do.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
READY = '[data-state="ready"]'
WIDTHS = {"wide": 1280, "phone": 375}
SCHEMES = ("light", "dark")


def site_env(database_url) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", "CACHE_URL": "dummy://"}


def serve(database_url, port):
    env = site_env(database_url)
    for command in (["migrate", "-v0"], ["loaddata", "fixtures/llm_glossary.json", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_database() -> str:
    """The URL of a throwaway SQLite database in a private folder."""
    return f"sqlite:///{tempfile.mkdtemp(prefix='screenshots_')}/seed.sqlite3"


def launch(playwright):
    return playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                      args=["--no-sandbox", "--disable-gpu"])


@contextmanager
def seeded_site(edits: str = ""):
    """A throwaway copy of the seed glossary, changed by the shell code ``edits``, served at a free
    port, and a browser: yields (browser, base URL); both stop on the way out."""
    port, database_url = free_port(), seed_database()
    server = serve(database_url, port)
    try:
        if edits:
            subprocess.run([sys.executable, "manage.py", "shell", "-v0", "-c", edits], cwd=ROOT,
                           env=site_env(database_url), check=True)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                yield browser, f"http://127.0.0.1:{port}"
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait()


def explorer(page):
    page.goto("/graph/")
    page.wait_for_selector(READY)
    page.fill("#graph-search", "RAG")
    page.press("#graph-search", "Enter")
    # Polled with evaluate: wait_for_function evals in the page, which the CSP forbids.
    for _ in range(100):
        if page.evaluate("window.graphNetwork.getSelectedNodes().length === 1"):
            break
        page.wait_for_timeout(50)
    page.wait_for_timeout(600)


def hierarchy(page):
    page.goto("/terms/machine-learning/")
    deep = page.locator('.tree-panel li.tree-item[data-slug="deep-learning"]').first
    deep.locator(":scope > .tree-row > .tree-toggle").click()
    deep.locator(":scope > ul li").first.wait_for()
    page.evaluate("document.getElementById('hierarchy-title').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)


def learning_path(page):
    page.goto("/terms/retrieval-augmented-generation/learn/?known=gradient-descent&known=matrix-multiplication")
    page.wait_for_selector(READY)
    page.wait_for_timeout(300)


PAGES = {"explorer": explorer, "hierarchy": hierarchy, "learning-path": learning_path}


def shoot(page, path: Path, *, full_page: bool = False) -> None:
    """Save what ``page`` shows as ``path`` and say where it went."""
    page.screenshot(path=path, full_page=full_page)
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with seeded_site() as (browser, base_url):
        for size, width in WIDTHS.items():
            for scheme in SCHEMES:
                context = browser.new_context(
                    base_url=base_url, viewport={"width": width, "height": 800},
                    color_scheme=scheme, has_touch=width < 500, is_mobile=width < 500,
                    device_scale_factor=1,
                )
                page = context.new_page()
                for name, show in PAGES.items():
                    show(page)
                    shoot(page, out / f"{name}-{size}-{scheme}.png")
                context.close()

if __name__ == "__main__":
    main()
