"""A reader's journeys through the public site, on the demo issues, at desktop and phone size."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from issues.models import Issue, PublicEntry
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    has_no_horizontal_scroll,
    reader_journey,
    screenshot,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture
def demo_dates(db):
    """The demo issues (``manage.py load_demo``), newest first; only published ones count."""
    call_command("load_demo", stdout=io.StringIO())
    dates = list(
        Issue.objects.published()
        .order_by("-publication_date")
        .values_list("publication_date", flat=True)
    )
    assert len(dates) >= 2, "load_demo should publish at least two issues"
    return [date.isoformat() for date in dates]


def test_reader_goes_from_the_latest_issue_through_the_archive_to_an_older_entry(page, demo_dates):
    latest, older = demo_dates[0], demo_dates[1]
    page.goto("/")
    expect(page.locator("main h1")).to_contain_text(latest)
    expect(page.locator("main article .entry").first).to_be_visible()
    for date in demo_dates:
        expect(page.locator("main .archive").get_by_text(date, exact=True)).to_be_visible()

    entry_title = (
        PublicEntry.objects.published().filter(publication_date=older).order_by("position")[1].title
    )
    reader_journey(page, older, entry_title)


def test_public_pages_fit_a_phone_screen_without_horizontal_scrolling(new_context, demo_dates):
    latest = demo_dates[0]
    paths = {
        "home": "/",
        "issue": f"/issues/{latest}/",
        "archive": "/archive/",
        "search": "/search/?q=NPU",
    }
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    too_wide = {}
    for name, path in paths.items():
        response = page.goto(path)
        assert response.ok, f"{path}: HTTP {response.status}"
        if not has_no_horizontal_scroll(page):
            too_wide[path] = _widest_elements(page)
        if name in {"issue", "archive"}:
            screenshot(page, f"{name}-phone")
    assert not too_wide, f"pages wider than a 390px phone: {too_wide}"


def test_issue_and_archive_pages_at_desktop_size(new_context, demo_dates):
    """Not a layout assertion beyond "no sideways scrolling": it records the desktop screenshots."""
    page = new_context(viewport=DESKTOP).new_page()
    for name, path in {"issue": f"/issues/{demo_dates[0]}/", "archive": "/archive/"}.items():
        assert page.goto(path).ok
        assert has_no_horizontal_scroll(page), path
        screenshot(page, f"{name}-desktop")


def _widest_elements(page, limit=3):
    """The elements sticking out furthest to the right: what to fix."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .map(el => [el, el.getBoundingClientRect().right])
            .filter(([, right]) => right > window.innerWidth + 0.5)
            .sort((a, b) => b[1] - a[1]).slice(0, limit)
            .map(([el, right]) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
                 + `${el.className && typeof el.className === 'string'
                      ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
                 + ` right=${Math.round(right)}`)""",
        limit,
    )
