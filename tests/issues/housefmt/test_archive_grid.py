import datetime

from issues.housefmt import dump, dump_archive_grid, parse

from ._fixtures import read_fixture, without_lines


def day(text):
    return datetime.date.fromisoformat(text)


def link(text):
    return f"../digest/{text}.md"


def test_grid_lists_newest_year_first_four_per_row_with_padding():
    dates = [
        "2022-02-20",
        "2021-12-19",
        "2022-01-09",
        "2021-11-28",
        "2021-11-07",
        "2021-10-17",
        "2021-09-26",
        "2022-03-06",
    ]
    grid = dump_archive_grid([(day(d), link(d)) for d in dates], "https://example.com/digest")
    assert grid.split("\n") == [
        "## [往期回顾](https://example.com/digest)",
        "",
        "| 2 | 0 | 2 | 2 |",
        "|:---:|:---:|:---:|:---:|",
        "| [2022-03-06](../digest/2022-03-06.md) | [2022-02-20](../digest/2022-02-20.md)"
        " | [2022-01-09](../digest/2022-01-09.md) |  |",
        "| 2 | 0 | 2 | 1 |",
        "| [2021-12-19](../digest/2021-12-19.md) | [2021-11-28](../digest/2021-11-28.md)"
        " | [2021-11-07](../digest/2021-11-07.md) | [2021-10-17](../digest/2021-10-17.md) |",
        "| [2021-09-26](../digest/2021-09-26.md) |  |  |  |",
        "",
    ]


def test_own_issue_cell_is_not_linked():
    grid = dump_archive_grid([(day("2022-03-06"), None), (day("2022-02-20"), link("2022-02-20"))])
    assert "| 2022-03-06 | [2022-02-20](../digest/2022-02-20.md) |  |  |" in grid.split("\n")


def test_heading_without_url_is_plain():
    assert dump_archive_grid([(day("2022-03-06"), None)]).startswith(
        "## 往期回顾\n\n| 2 | 0 | 2 | 2 |\n"
    )


def test_empty_grid_is_only_the_heading():
    assert dump_archive_grid([], "u") == "## [往期回顾](u)\n"


def test_full_row_needs_no_padding():
    cells = [(day(f"2020-0{month}-01"), link(str(month))) for month in range(1, 5)]
    rows = dump_archive_grid(cells).split("\n")
    assert rows[4].count("[") == 4 and "|  |" not in rows[4]
    assert rows[5] == ""


def test_generated_grid_is_dropped_again_by_parse():
    original = read_fixture("legacy_plain_list.md")
    doc = parse(original)
    grid = dump_archive_grid([(doc.publication_date, None), (day("2019-04-15"), link("x"))], "u")
    exported = dump(doc, archive=grid, footer="----\n\nEditor: https://example.com/editor  ")
    assert without_lines(parse(exported)) == without_lines(doc)
