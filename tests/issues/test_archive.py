"""The archive grid (往期回顾): issues/archive.py and the pages showing it."""

import datetime
import re

from issues.archive import archive_rows, neighbours
from tests.factories import make_issue, publish

D = datetime.date


def texts(rows):
    return [[cell.text for cell in row.cells] for row in rows]


def test_each_year_opens_with_a_row_of_its_digits():
    rows = archive_rows([D(2021, 3, 1)])
    assert rows[0].kind == "year"
    assert texts(rows)[0] == ["2", "0", "2", "1"]


def test_years_and_issues_run_newest_first_four_to_a_row_with_padding():
    dates = [D(2020, 1, 6), D(2021, 1, 4), D(2021, 2, 1)] + [
        D(2020, month, 2) for month in range(2, 8)
    ]
    assert texts(archive_rows(dates)) == [
        ["2", "0", "2", "1"],
        ["2021-02-01", "2021-01-04", "", ""],
        ["2", "0", "2", "0"],
        ["2020-07-02", "2020-06-02", "2020-05-02", "2020-04-02"],
        ["2020-03-02", "2020-02-02", "2020-01-06", ""],
    ]


def test_a_full_row_is_not_followed_by_an_empty_padding_row():
    rows = archive_rows([D(2022, month, 1) for month in range(1, 5)])
    assert len(rows) == 2
    assert all(cell.kind == "issue" for cell in rows[1].cells)


def test_every_row_has_four_cells():
    rows = archive_rows([D(2019, 1, 1) + datetime.timedelta(days=14 * n) for n in range(60)])
    assert {len(row.cells) for row in rows} == {4}


def test_every_issue_appears_exactly_once_even_if_given_twice():
    dates = [D(2021, 5, 1), D(2021, 5, 1), D(2020, 5, 1)]
    cells = [cell.date for row in archive_rows(dates) for cell in row.cells if cell.kind == "issue"]
    assert cells == [D(2021, 5, 1), D(2020, 5, 1)]


def test_only_the_current_issue_is_marked():
    rows = archive_rows([D(2021, 5, 1), D(2021, 6, 1)], current=D(2021, 5, 1))
    current = [cell.date for row in rows for cell in row.cells if cell.current]
    assert current == [D(2021, 5, 1)]


def test_no_issues_make_no_rows():
    assert archive_rows([]) == []


def test_neighbours_are_the_older_and_newer_published_issue():
    dates = [D(2021, 1, 1), D(2021, 2, 1), D(2021, 3, 1)]
    assert neighbours(dates, D(2021, 2, 1)) == (D(2021, 1, 1), D(2021, 3, 1))
    assert neighbours(dates, D(2021, 1, 1)) == (None, D(2021, 2, 1))
    assert neighbours(dates, D(2021, 3, 1)) == (D(2021, 2, 1), None)


def test_archive_page_lists_every_published_issue_once_and_nothing_else(client, db):
    for date in (D(2020, 12, 7), D(2021, 1, 4), D(2021, 1, 18)):
        publish(make_issue(date))
    make_issue(D(2021, 2, 1))  # a draft
    html = client.get("/archive/").content.decode()
    linked = re.findall(r'href="/issues/(\d{4}-\d{2}-\d{2})/"', html)
    assert sorted(linked) == ["2020-12-07", "2021-01-04", "2021-01-18"]
    assert "2021-02-01" not in html
    assert html.index(">2021-01-18<") < html.index(">2021-01-04<") < html.index(">2020-12-07<")


def test_issue_page_marks_its_own_cell_without_linking_it(client, db):
    for date in (D(2021, 1, 4), D(2021, 1, 18)):
        publish(make_issue(date))
    html = client.get("/issues/2021-01-04/").content.decode()
    grid = html[html.index('class="archive-grid"') :]
    assert 'aria-current="page"><span>2021-01-04</span>' in grid
    assert 'href="/issues/2021-01-04/"' not in grid
    assert 'href="/issues/2021-01-18/"' in grid


def test_issue_pages_carry_recent_years_of_the_grid_and_the_archive_all_of_them(client, db):
    for year in range(2015, 2022):
        publish(make_issue(D(year, 5, 3), sections=()))
    old_issue = client.get("/issues/2016-05-03/").content.decode()
    grid = old_issue[old_issue.index('class="archive-grid"') :]
    years = re.findall(r'<tbody id="y(\d{4})">', grid)
    assert years == ["2021", "2020", "2016"]  # the newest two, and the issue's own year
    assert 'href="/archive/"' in old_issue
    home = client.get("/").content.decode()
    assert re.findall(r'<tbody id="y(\d{4})">', home) == ["2021", "2020"]
    archive = client.get("/archive/").content.decode()
    assert len(re.findall(r'<tbody id="y(\d{4})">', archive)) == 7
