"""Browser tests: Playwright (sync API) driving Debian's Chromium against ``live_server``.

No browser is ever downloaded. Without Chromium the browser tests are skipped
with a one-line reason; on CI (``CI=true``) that is a failure instead, so a
broken runner cannot pass by skipping everything.

Set ``CHROMIUM`` to use another binary. Screenshots go to the git-ignored
``test-artifacts/screenshots/``; ``DIGEST_SCREENSHOT_DIR`` names a second
folder to copy them to (``docs/screenshots/update.sh`` uses it to refresh the
committed set).
"""

import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from issues import workflow
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Short enough that a missing element fails fast, long enough for a busy 2-core runner.
TIMEOUT_MS = 10_000


def find_chromium():
    """``$CHROMIUM`` if set (only that), else Debian's ``chromium`` on PATH or in /usr/bin."""
    if os.environ.get("CHROMIUM"):
        candidates = [os.environ["CHROMIUM"]]
    else:
        candidates = [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(reason):
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if executable is None:
        _unavailable("browser tests need Chromium: install Debian's chromium or set CHROMIUM")
    # Playwright's sync API runs an event loop in this thread, and Django then
    # refuses ORM calls here (SynchronousOnlyOperation). The test thread only
    # sets up data and waits for the browser, so allow it while the loop runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # With a loop running, Django's thread-critical ``connections`` switch to
    # context-var storage and would open *new* connection objects in this
    # thread, without the test database's serialized contents (so
    # ``serialized_rollback`` would silently restore nothing once another
    # test had run first). Keep using the connections we already have.
    current = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    for alias, connection in current.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts (separate cookie jars, i.e. separate people); all closed afterwards.

    The locale is Chinese, as for the editorial team: the admin follows the
    browser's Accept-Language.
    """
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, locale="zh-CN", **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def login(page, user, password=PASSWORD):
    """Log in through the admin login form, as a person would."""
    page.goto(reverse("admin:login"))
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(lambda url: "/admin/login/" not in url)
    return page


def screenshot(page, name, *, full_page=True):
    """Save ``name``.png under test-artifacts/screenshots/ (and DIGEST_SCREENSHOT_DIR)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    extra = os.environ.get("DIGEST_SCREENSHOT_DIR")
    if extra:
        target = Path(extra)
        if not target.is_absolute():
            target = ROOT / target
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
    return path


def has_no_horizontal_scroll(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


def open_site_nav(page, name):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def reader_journey(page, date, entry_title):
    """From any public page: archive → the issue → an entry's anchor → its Markdown → feed → search.

    ``date`` is the issue's ISO date, ``entry_title`` the title of one of its entries.
    """
    open_site_nav(page, "往期")
    page.wait_for_url("**/archive/")
    page.locator("main").get_by_role("link", name=date, exact=True).click()
    page.wait_for_url(f"**/issues/{date}/")
    expect(page.locator("main h1")).to_contain_text(date)

    # Every entry has a permalink; following it makes that entry the :target.
    entry = page.locator("article .entry", has_text=entry_title).first
    anchor = entry.locator("a.entry-anchor")
    fragment = anchor.get_attribute("href")
    assert fragment and fragment.startswith("#e-"), fragment
    anchor.click()
    page.wait_for_url(f"**/issues/{date}/{fragment}")
    assert page.evaluate("() => document.querySelector(':target')?.id") == fragment[1:]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Markdown 原文").click()
    download = download_info.value
    assert download.suggested_filename == f"{date}.md"
    markdown = Path(download.path()).read_text(encoding="utf-8")
    assert f"# 嵌入式AI简报 ({date})" in markdown
    assert entry_title in markdown

    feed = page.request.get("/feed/")
    assert feed.ok, feed.status
    assert "xml" in feed.headers["content-type"]
    links = [item.findtext("link") or "" for item in ET.fromstring(feed.body()).iter("item")]
    assert any(link.endswith(f"/issues/{date}/") for link in links), links

    open_site_nav(page, "搜索")
    page.wait_for_url("**/search/")
    page.get_by_role("searchbox").fill(entry_title)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=*")
    result = page.locator("main .result-title", has_text=entry_title)
    expect(result).to_have_count(1)
    result.click()
    page.wait_for_url(f"**/issues/{date}/#e-*")
    expect(page.locator(":target")).to_contain_text(entry_title)


# --- People and content ---------------------------------------------------------


@pytest.fixture
def publish(editor, reviewer):
    """Publish an issue the way the team does: the editor submits, the reviewer approves."""

    def publish(issue):
        workflow.submit_for_review(issue, editor)
        workflow.approve(issue, reviewer)
        issue.refresh_from_db()
        return issue

    return publish
