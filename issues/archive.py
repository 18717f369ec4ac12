"""The archive grid (往期回顾), computed from the dates of the published issues.

One function, used by the archive page, the foot of every issue page and the
Markdown exporter, so the three never disagree. The grid has four columns
because a year has four digits: for each year, newest first, a row holding
the year's digits one per cell, then that year's issues newest first, four to
a row, the last row padded with empty cells. No queries: callers
hand in the dates (``Revision.objects.published_dates()``).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

COLUMNS = 4


@dataclass(frozen=True)
class Cell:
    """One cell: a digit of a year, an issue, or padding (``kind == "empty"``)."""

    kind: str  # "digit", "issue" or "empty"
    text: str = ""
    date: datetime.date | None = None
    year: int | None = None
    # The issue whose page shows the grid: marked, and not linked.
    current: bool = False
    url: str = ""


@dataclass(frozen=True)
class Row:
    kind: str  # "year" (the digits) or "issues"
    year: int
    cells: tuple[Cell, ...]


def archive_rows(
    dates: Iterable[datetime.date],
    current: datetime.date | None = None,
    link: Callable[[datetime.date], str] | None = None,
) -> list[Row]:
    """The grid as rows of four cells; every date appears exactly once.

    ``link(date)`` gives each issue cell its ``url`` (the web pages build it
    without one ``reverse()`` per cell; the exporter needs none).
    """
    rows: list[Row] = []
    ordered = sorted(set(dates), reverse=True)
    for year, in_year in groupby(ordered, key=lambda date: date.year):
        digits = tuple(Cell("digit", text=digit, year=year) for digit in f"{year:04d}")
        rows.append(Row("year", year, digits))
        cells = [
            Cell(
                "issue",
                text=date.isoformat(),
                date=date,
                year=year,
                current=date == current,
                url=link(date) if link else "",
            )
            for date in in_year
        ]
        for start in range(0, len(cells), COLUMNS):
            chunk = cells[start : start + COLUMNS]
            chunk += [Cell("empty", year=year)] * (COLUMNS - len(chunk))
            rows.append(Row("issues", year, tuple(chunk)))
    return rows


def neighbours(
    ascending: Sequence[datetime.date], current: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The published issues just before and just after ``current``: (older, newer).

    ``ascending`` holds distinct dates, oldest first (a bisection, not a scan:
    issue pages ask this of thousands of dates).
    """
    before = bisect.bisect_left(ascending, current)
    after = bisect.bisect_right(ascending, current)
    older = ascending[before - 1] if before else None
    newer = ascending[after] if after < len(ascending) else None
    return older, newer
