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

import threading
from collections import defaultdict

from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from issues.archive import COLUMNS, archive_rows, neighbours
from issues.cache import current_state
from issues.models import Publication, Revision
from issues.rendering import GRID_YEAR_END, grid_row_html, grid_table_html

# Issue pages carry this many years of the archive grid (plus the issue's own
# year), so their size does not grow with the catalogue; /archive/ has it all.
ISSUE_PAGE_YEARS = 2


class Catalogue:
    """The live issues' dates and revisions, and the settings, under one publication state."""

    def __init__(self, version, now):
        self.version = version
        self.now = now
        self._years = {}
        self._full_grids = {}
        # Revision pk -> (title, lead): what a page needs of the issue's document.
        self.heads = {}

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

    def recent_dates(self, current, count=ISSUE_PAGE_YEARS):
        """The dates of the newest ``count`` years and of ``current``'s year: a bounded grid."""
        years = list(self._by_year)[:count]  # newest first, as the dates
        if current.year not in years:
            years.append(current.year)
        return [date for year in sorted(years, reverse=True) for date in self._by_year[year]]

    def recent_grid(self, current):
        """The grid of ``recent_dates(current)``, ``current`` marked."""
        years = sorted({date.year for date in self.recent_dates(current)}, reverse=True)
        return grid_table_html(
            [
                self._year_marking(current) if year == current.year else self.year_html(year)
                for year in years
            ]
        )

    def full_grid(self):
        language = translation.get_language()
        grid = self._full_grids.get(language)
        if grid is None:
            grid = self._full_grids[language] = grid_table_html(
                [self.year_html(year) for year in self._by_year]
            )
        return grid

    def year_html(self, year):
        return "".join(self._year_rows(year)) + GRID_YEAR_END

    def _year_rows(self, year):
        """One year of the grid, row by row, once per language (its labels are translated)."""
        key = (translation.get_language(), year)
        rows = self._years.get(key)
        if rows is None:
            link = issue_path_builder()
            rows = self._years[key] = [
                grid_row_html(row) for row in archive_rows(self._by_year[year], link=link)
            ]
        return rows

    def _year_marking(self, current):
        """``current``'s year with its cell marked: only the row holding it is rendered again."""
        rows = list(self._year_rows(current.year))
        dates = self._by_year[current.year]
        if current in dates:
            index = dates.index(current) // COLUMNS
            chunk = dates[index * COLUMNS : (index + 1) * COLUMNS]
            # archive_rows: the year's digits, then its issues four to a row.
            _digits, row = archive_rows(chunk, current=current, link=issue_path_builder())
            rows[1 + index] = grid_row_html(row)
        return "".join(rows) + GRID_YEAR_END


def issue_path_builder():
    """``date -> /issues/<date>/`` with one ``reverse()``, for grids of thousands of links."""
    placeholder = "0001-01-01"
    head, tail = reverse("issues:detail", args=[placeholder]).split(placeholder)
    return lambda date: f"{head}{date.isoformat()}{tail}"


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
