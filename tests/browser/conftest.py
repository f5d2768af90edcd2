"""Real-browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium).

Playwright cannot download browsers here, so the system Chromium is launched through
`executable_path`. Without it the browser tests are skipped with one loud line, unless
REQUIRE_BROWSER_TESTS=1 (CI), where its absence fails the run.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium():
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        message = (
            "BROWSER TESTS NEED CHROMIUM: none found at /usr/bin/chromium — "
            "install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)."
        )
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class PageWatch:
    """What a page did that a test may want to forbid: foreign requests, console errors, dialogs."""

    def __init__(self, base_url):
        self.base_host = urlparse(base_url).hostname
        self.foreign_requests = []
        self.console_errors = []
        self.dialogs = []

    def on_request(self, request):
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname not in (self.base_host, "localhost", "127.0.0.1"):
            self.foreign_requests.append(request.url)

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self):
        assert self.foreign_requests == [], f"requests to other hosts: {self.foreign_requests}"
        assert self.console_errors == [], f"console errors: {self.console_errors}"
        assert self.dialogs == [], f"dialogs opened (script ran): {self.dialogs}"


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live server; `page.watch` records foreign requests, errors, dialogs."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch = PageWatch(live_server.url)
    page.on("request", watch.on_request)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(str(error)))
    page.on("dialog", watch.on_dialog)
    page.watch = watch
    yield page
    context.close()


@pytest.fixture
def person(browser, live_server):
    """A new browser context, signed in to the admin as the given user (or anonymous with None):
    each person of a test has one, as several people would."""
    contexts = []

    def open_as(user, password=None):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            page.goto("/admin/login/")
            page.fill("#id_username", user.username)
            page.fill("#id_password", password)
            page.click("input[type=submit]")
            page.wait_for_selector("#user-tools")
        return page

    yield open_as
    for context in contexts:
        context.close()


def screenshot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=False)
