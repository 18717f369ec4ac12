"""What is published now, held in memory for as long as it stays true.

The reader pages all need the same facts about the published layer: the
dates of the live issues (archive grid, previous/next links), which revision
each date shows, and the publication settings. Read from the database on every
request they cost more than the rest of the page (5,000 dates at scale); they
only change when the *publication state* changes (``issues.cache``: an
approval, an unpublish, a settings save, a scheduled issue going live). So
each process keeps one ``Catalogue`` and reads it again when the state it was
read under is no longer current: a page rendered from it is exactly as fresh
as the state check that guards the page cache, and costs no query for them.
"""

import json
import threading
from collections import defaultdict
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe

from issues.archive import Cell, archive_rows, neighbours
from issues.cache import current_state
from issues.documents import document_from_data
from issues.frames import Frame
from issues.models import Publication, Revision
from issues.rendering import (
    GRID_YEAR_END,
    grid_mark_current,
    grid_row_html,
    grid_table_html,
    issue_lead,
    issue_title,
)

# Issue pages carry this many years of the archive grid (plus the issue's own
# year), so their size does not grow with the catalogue; /archive/ has it all.
ISSUE_PAGE_YEARS = 2


class LiveIssue(NamedTuple):
    date: object
    body_html: str
    title: str
    lead: str


class Catalogue:
    """The live issues' dates and revisions, and the settings, under one publication state."""

    def __init__(self, version, now):
        self.version = version
        self.now = now
        self._years = {}
        self._recent_grids = {}
        # Revision pk -> (title, lead): what a page needs of the issue's document.
        self._heads = {}
        # Rendered page chrome ({% publication_fragment %}), by name, language and values.
        self.fragments = {}
        # Issue pages' and the archive's frames (``issues.frames``), by page and language.
        self._frames = {}

    # Each part is read on first use: a search page needs the settings only.
    @cached_property
    def _live(self):
        return list(
            Revision.objects.live(self.now)
            .order_by("-publication_date")
            .values_list("publication_date", "pk")
        )

    @cached_property
    def dates(self):
        """The live issues' dates, newest first."""
        return [date for date, _pk in self._live]

    @cached_property
    def revision_ids(self):
        """``date -> pk`` of the revision readers see under that date."""
        return dict(self._live)

    @cached_property
    def publication(self):
        return Publication.load()

    def live_issue(self, date):
        """What a reader page shows of the issue live under ``date``, or None."""
        pk = self.revision_ids.get(date)
        if pk is None:
            return None
        head = self._heads.get(pk)
        row = _revision_page(pk, with_data=head is None)
        if row is None:  # deleted since this state was read
            return None
        body_html, data = row
        if head is None:
            doc = document_from_data(json.loads(data))
            head = self._heads[pk] = (issue_title(doc), issue_lead(doc))
        # Rendered by issues.rendering at approval: template-escaped, Markdown sanitised by nh3.
        return LiveIssue(date, mark_safe(body_html), *head)  # noqa: S308

    def page_frame(self, template_name, request, slots, context):
        """``template_name`` rendered once as a ``Frame`` with ``slots`` open.

        One per page kind (``request``'s URL name) and language: ``context()``,
        called only then, gives what every page of that kind shows alike.
        """
        key = (
            template_name,
            request.resolver_match.url_name,
            translation.get_language(),
            get_script_prefix(),
        )
        frame = self._frames.get(key)
        if frame is None:
            template = get_template(template_name)
            frame = self._frames[key] = Frame(template, context(), request, slots)
        return frame

    @cached_property
    def _ascending(self):
        return self.dates[::-1]

    @cached_property
    def _by_year(self):
        by_year = defaultdict(list)  # newest year first, as the dates
        for date in self.dates:
            by_year[date.year].append(date)
        return by_year

    def neighbours(self, date):
        """The published issues just before and just after ``date``: (older, newer)."""
        return neighbours(self._ascending, date)

    def recent_years(self, current, count=ISSUE_PAGE_YEARS):
        """The newest ``count`` years and ``current``'s year, newest first: a bounded grid."""
        years = list(self._by_year)[:count]  # newest first, as the dates
        if current.year not in years:
            years.append(current.year)
        return years

    def recent_grid(self, current):
        """The grid of ``recent_years(current)``, ``current``'s cell marked."""
        years = tuple(self.recent_years(current))
        key = (translation.get_language(), years)
        grid = self._recent_grids.get(key)
        if grid is None:
            grid = self._recent_grids[key] = grid_table_html(
                [self.year_html(year) for year in years]
            )
        cell = Cell("issue", text=current.isoformat(), url=issue_path_builder()(current))
        return grid_mark_current(grid, cell)

    def full_grid(self):
        """Every year of the grid (/archive/, which keeps it in its frame)."""
        return grid_table_html([self.year_html(year) for year in self._by_year])

    def year_html(self, year):
        """One year of the grid, its ``<tbody>``, once per language."""
        key = (translation.get_language(), year)
        html = self._years.get(key)
        if html is None:
            link = issue_path_builder()
            rows = archive_rows(self._by_year[year], link=link)
            html = self._years[key] = "".join(map(grid_row_html, rows)) + GRID_YEAR_END
        return html


def _revision_page(pk, *, with_data):
    """``(body_html, data as JSON text)`` of revision ``pk`` (``data`` None unless asked).

    Every uncached issue page asks this. Django takes longer to build this
    query than the database takes to answer it, so it is one fixed statement.
    """
    quote = connection.ops.quote_name
    field = Revision._meta.get_field
    data = f"CAST({quote(field('data').column)} AS TEXT)" if with_data else "NULL"
    sql = (
        f"SELECT {quote(field('body_html').column)}, {data}"
        f" FROM {quote(Revision._meta.db_table)} WHERE {quote(field('id').column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def issue_path_builder():
    """``date -> /issues/<date>/`` without a ``reverse()`` per date, for grids of thousands."""
    head, tail = _issue_path_parts(get_script_prefix())
    return lambda date: f"{head}{date.isoformat()}{tail}"


@lru_cache(maxsize=16)
def _issue_path_parts(prefix):
    # Keyed by the script prefix, as ``reverse()`` is.
    placeholder = "0001-01-01"
    return tuple(reverse("issues:detail", args=[placeholder]).split(placeholder))


_current = None
_lock = threading.Lock()


def current_catalogue(now, state=None):
    """The catalogue of the state current at ``now`` (``state``, if read for this request)."""
    global _current
    if state is None or state.expired(now):
        state = current_state(now)
    catalogue = _current
    if catalogue is None or catalogue.version != state.version:
        # Read after the state: a change committed meanwhile gives later
        # readers a new state, so it can only make this copy newer than its
        # version says, never older.
        catalogue = Catalogue(state.version, now)
        with _lock:
            _current = catalogue
    return catalogue


def forget():
    """Drop the catalogue this process holds (a fresh process, for tests)."""
    global _current
    _current = None
