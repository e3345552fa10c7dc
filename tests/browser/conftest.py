"""Browser tests: the site served on 127.0.0.1 and driven by Debian's chromium.

Fixtures: `live_server` (its own SQLite database, emptied after each test;
`live_server.setup(fn)` runs `fn()` in the app context to create data through
the services), `demo_site` (the live server with the demo data), `page` (a fresh
Playwright page that checks every page it loads with axe-core and, on a phone's
screen, that it does not scroll sideways), `sign_in(page, email, password)`,
`sign_out(page)` and `fits(page)` (nothing wider than the window).

Every HTML document the browser loads from the live server is also kept as the server
sent it, and when the session ends (each xdist worker's own) the W3C Nu HTML checker
reads them all in one run: an error on any page fails the session's last test.
"""

import os
import random
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from app import create_app
from core.extensions import db
from demo import seed_demo
from tests.conftest import PASSWORD, empty_all_tables, missing_tool, test_config
from tests.nu_checker import describe, nu_errors

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
NARROW = 400  # a phone's screen, CSS px: no page may scroll sideways on one


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


def _buffered(app, keep_document):
    """Read each response whole and close it before werkzeug writes it.

    When the browser drops a connection mid-download (it navigated on),
    werkzeug's dev server skips closing the response, leaving a static file
    open until the garbage collector finds it; the suite treats that warning
    as an error. A document the browser navigated to is handed to
    `keep_document(environ, status, body)` when it is HTML."""

    def wsgi(environ, start_response):
        answer = {}

        def remember(status, headers, *args):
            answer["status"] = status
            answer["type"] = next((v for k, v in headers if k.lower() == "content-type"), "")
            return start_response(status, headers, *args)

        iterable = app(environ, remember)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        # Sec-Fetch-Dest tells a page the browser shows from a script's fetch or a test's
        # own request (page.request), which send no such header.
        # A redirect's body is never shown.
        shown = environ.get("HTTP_SEC_FETCH_DEST") == "document" and answer["status"][0] != "3"
        if shown and answer["type"].startswith("text/html"):
            keep_document(environ, answer["status"].split()[0], body)
        return [body]

    return wsgi


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.test = ""  # the test being run, to name the documents it loads
        self.documents: dict[str, str] = {}  # name → HTML, for the Nu checker
        self._server = make_server("127.0.0.1", 0, _buffered(app, self._keep), threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        app.config["SITE_URL"] = self.url  # links people copy (feeds, public pages) lead here
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _keep(self, environ, status: str, body: bytes) -> None:
        path = environ.get("PATH_INFO", "")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        number = len(self.documents) + 1
        name = f"{self.test} #{number} {environ['REQUEST_METHOD']} {path} ({status})"
        self.documents[name] = body.decode("utf-8", errors="replace")

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
    check_html(server.documents)


def check_html(documents: dict[str, str]) -> None:
    """Fail on any W3C Nu HTML checker error in the documents the browser loaded (one run
    of the checker for them all); nothing to do without Java, except under CI."""
    try:
        errors = nu_errors(documents)
    except pytest.skip.Exception:
        return
    assert not errors, (
        f"W3C Nu HTML checker: {len(errors)} errors on "
        f"{len({error.page for error in errors})} of the {len(documents)} pages "
        f"the browser tests loaded:\n{describe(errors, most=200)}"
    )


@pytest.fixture
def live_server(_live_server, request):
    _live_server.test = request.node.name
    yield _live_server
    with _live_server.app.app_context():
        empty_all_tables()
        db.session.remove()


@pytest.fixture
def demo_site(live_server):
    """The live server with the demo data (`flask seed-demo`), seeded the same each time."""
    live_server.setup(lambda: seed_demo(random.Random(2026)))
    return live_server


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


def check_accessibility_twice(page) -> None:
    """`check_accessibility`, and when it finds something, again a moment later: a page
    the test is already leaving (a click sent, the next document on its way) can be
    measured halfway, as on a busy machine the header's light text once was against no
    background at all. A real violation is there both times."""
    try:
        check_accessibility(page)
    except AssertionError:
        page.wait_for_timeout(300)
        check_accessibility(page)


def sideways_scroll(page) -> str | None:
    """On a narrow screen, how far the current page runs past the screen's width, if it does."""
    scrolled, wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if wide <= NARROW and scrolled > wide:
        return f"{page.url} is {scrolled} px wide on a {wide} px screen"
    return None


@pytest.fixture
def page(browser, live_server):
    """A fresh page; every document it loads is checked with axe-core and, on a screen
    at most NARROW px wide, for running past the screen's width (`page.too_wide`)."""
    # Reduced motion turns Bootstrap's transitions off, so axe never measures a
    # button's colours halfway through a hover fade.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    violations: list[str] = []
    page.checked_urls = []
    page.passed_urls = []  # left by the test before axe had finished with them
    page.axe_violations = violations  # what the automatic check found (tests may inspect it)
    page.too_wide = []  # pages that scrolled sideways on a narrow screen

    def check_on_load(loaded_page):
        # An exception raised in an event handler is only logged by Playwright, so
        # what axe finds is collected here and fails the test when it ends.
        url = loaded_page.url
        try:
            if "text/html" in (loaded_page.evaluate("document.contentType") or ""):
                if too_wide := sideways_scroll(loaded_page):
                    page.too_wide.append(too_wide)
                check_accessibility_twice(loaded_page)
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
    assert not page.too_wide, "Scrolls sideways on a phone: " + " | ".join(page.too_wide)
    assert not errors, f"JavaScript errors or CSP violations: {errors}"


def fits(page) -> None:
    """Nothing on the page is wider than the window (at 390 px, a phone's)."""
    wide = page.evaluate(
        """() => [document.documentElement.scrollWidth, innerWidth,
          [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .slice(0, 3).map(e => e.outerHTML.slice(0, 120))]"""
    )
    assert wide[0] <= wide[1] and not wide[2], f"{page.url} is wider than the window: {wide}"


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page, label: str = "Sign out") -> None:
    """ "Sign out" from the person menu (the header's name), as a person would."""
    open_main_menu(page)
    open_person_menu(page)
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def open_main_menu(page) -> None:
    """Below Bootstrap's lg width the main menu is folded behind its button; unfold it.
    Bootstrap's script must have loaded: a click before it does nothing."""
    if page.viewport_size and page.viewport_size["width"] < 992:
        page.wait_for_load_state("load")
        toggle = page.locator(".navbar-toggler")
        if toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
            page.locator("#main-nav.show").wait_for()


def open_person_menu(page) -> None:
    """Open the header's person menu; Bootstrap's script must have loaded to open it."""
    page.wait_for_load_state("load")
    page.locator("#person-menu").click()
    page.locator("#person-menu + .dropdown-menu.show").wait_for()  # opened, not mid-animation


def pages_seen(page) -> int:
    """Pages the automatic axe check took up: checked, or left before it finished.

    A heading can be visible before the page's load event, so this first waits
    (pumping Playwright's events) until the check has taken up the current page."""
    page.wait_for_load_state("load")
    for _ in range(100):
        if page.url in page.checked_urls or page.url in page.passed_urls:
            break
        page.wait_for_timeout(50)
    assert page.checked_urls, "axe-core checked no page at all"
    return len(page.checked_urls) + len(page.passed_urls)
