"""Browser tests: Debian's Chromium driven by Python Playwright.

`make test` skips them with a reason when /usr/bin/chromium is absent;
`.ci/run` installs it and sets BEEFEED_REQUIRE_BROWSER=1, so there a missing
browser is a failure, not a skip. Never `playwright install`.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("BEEFEED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("BEEFEED_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium); .ci/run always runs these")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests still
    # touch the database directly between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class PageProblems:
    """Console errors and failed requests to our own server, collected per page."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.errors = []

    def watch(self, page):
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, msg):
        url = msg.location.get("url", "")
        # A map tile that cannot load (offline, as here) is the tile server's, and the pages that draw
        # maps do without it; a resource of our own that fails is ours.
        if msg.type == "error" and not (msg.text.startswith("Failed to load resource") and not self._ours(url)):
            self.errors.append(f"console: {msg.text} ({url})")

    def _ours(self, url):
        return url.startswith(self.base_url)

    def _failed(self, request):
        # A fetch cut short because the page moved on is not a server failure.
        if request.url.startswith(self.base_url) and "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"failed: {request.url} {request.failure}")

    def _response(self, response):
        if response.url.startswith(self.base_url) and response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")


def open_page(browser, live_server, viewport, **options):
    """A fresh browser context (a person) with its problems watched."""
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = PageProblems(live_server.url)
    page.problems.watch(page)
    return page


def _new_page(browser, live_server, viewport, request):
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = PageProblems(live_server.url)
    problems.watch(page)
    page.problems = problems
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert problems.errors == [], "the page reported problems"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def demo_district(transactional_db, settings):
    """The demo district from `load_demo`: 125 reports in every state, its staff and stations."""
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True  # load_demo insists
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


@pytest.fixture
def phone_page(browser, live_server, transactional_db, request):
    yield from _new_page(browser, live_server, PHONE, request)


@pytest.fixture
def desk_page(browser, live_server, transactional_db, request):
    yield from _new_page(browser, live_server, DESK, request)


def wait_until(page, expression, arg=None, *, timeout=10.0):
    """Wait until the JavaScript `expression` (a function of `arg`) is true in the page.

    Playwright's wait_for_function builds its predicate with eval inside the page, which the site's
    Content-Security-Policy (no 'unsafe-eval') may refuse; page.evaluate goes through the DevTools
    protocol, which the policy does not govern."""
    import time

    give_up = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        if time.monotonic() > give_up:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)
