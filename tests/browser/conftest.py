"""Browser tests: the site served on 127.0.0.1 and driven by Debian's chromium.

Fixtures: `live_server` (its own SQLite database, emptied after each test;
`live_server.setup(fn)` runs `fn()` in the app context to create data through
the services), `page` (a fresh Playwright page that checks every page it
loads with axe-core), and `sign_in(page, email, password)`.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from app import create_app
from core.extensions import db
from tests.conftest import PASSWORD, empty_all_tables, missing_tool, test_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _browser_tools() -> None:
    """Skipped without chromium or axe-core, except under CI, where that fails."""
    missing = [what for what, path in (("chromium", CHROMIUM), ("axe-core", AXE))
               if not Path(path).exists()]  # fmt: skip
    if missing:
        missing_tool(f"{' and '.join(missing)} not installed")


def _buffered(app):
    """Read each response whole and close it before werkzeug writes it.

    When the browser drops a connection mid-download (it navigated on),
    werkzeug's dev server skips closing the response, leaving a static file
    open until the garbage collector finds it; the suite treats that warning
    as an error."""

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        app.config["SITE_URL"] = self.url  # links people copy (feeds, public pages) lead here
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)

    def setup(self, fn):
        """Run `fn()` in the app context and commit; returns what `fn` returns."""
        with self.app.app_context():
            result = fn()
            db.session.commit()
            return result


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(test_config(f"sqlite:///{folder / 'browser.sqlite'}", folder))
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def _live_server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()
    with live_app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(_live_server):
    yield _live_server
    with _live_server.app.app_context():
        empty_all_tables()
        db.session.remove()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def check_accessibility(page) -> None:
    """Fail on serious or critical WCAG 2.1 AA violations on the current page."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) allows it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
              values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(
            f"{n['html'][:160]} ({n.get('failureSummary', '')[:200]})" for n in v["nodes"][:3]
        )
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not problems, f"{page.url}: " + "; ".join(problems)


@pytest.fixture
def page(browser, live_server):
    """A fresh page; every document it loads is checked with axe-core."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    violations: list[str] = []
    page.checked_urls = []
    page.passed_urls = []  # left by the test before axe had finished with them
    page.axe_violations = violations  # what the automatic check found (tests may inspect it)

    def check_on_load(loaded_page):
        # An exception raised in an event handler is only logged by Playwright, so
        # what axe finds is collected here and fails the test when it ends.
        url = loaded_page.url
        try:
            if "text/html" in (loaded_page.evaluate("document.contentType") or ""):
                check_accessibility(loaded_page)
                page.checked_urls.append(url)
        except AssertionError as problem:
            violations.append(str(problem))
        except PlaywrightError:
            # The test moved on to the next page before this one could be checked (a
            # busy machine makes that likelier); that page is checked in turn.
            page.passed_urls.append(url)

    page.on("load", check_on_load)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert not violations, "Accessibility (axe-core, WCAG 2.1 AA): " + " | ".join(violations)
    assert not errors, f"JavaScript errors or CSP violations: {errors}"


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def pages_seen(page) -> int:
    """Pages the automatic axe check took up: checked, or left before it finished."""
    assert page.checked_urls, "axe-core checked no page at all"
    return len(page.checked_urls) + len(page.passed_urls)
