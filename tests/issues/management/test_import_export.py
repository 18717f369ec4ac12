import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.housefmt import roundtrip_diff
from issues.models import Entry, Issue, Revision

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "import"
GOOD = [FIXTURES / "2025-03-03.md", FIXTURES / "2025-03-17.md"]


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def database_state():
    return (Issue.objects.count(), Entry.objects.count(), Revision.objects.count())


def test_import_splits_every_entry_field(db):
    run("import_markdown", str(FIXTURES))
    issue = Issue.objects.get(publication_date="2025-03-03")
    assert issue.headline == "示例芯片/示例论文"
    assert issue.preamble.startswith("> 导读：本期 3 条")
    paper = Entry.objects.get(label="2503.00001")
    assert paper.title == "A Fictional Paper on Tiny Models"
    assert paper.url == "https://example.com/paper"
    assert paper.extra_links == "[[代码]](https://example.com/code)"
    assert paper.metadata_pairs() == [("代码", "https://example.com/code")]
    assert paper.summary.startswith("虚构的论文摘要。")
    assert "    2. 第二点。" in paper.summary
    news = Entry.objects.get(url="https://example.com/chip")
    assert (news.title, news.source) == ("示例公司发布边缘芯片", "示例媒体")
    linkless = Entry.objects.get(title="一个没有链接的条目")
    assert linkless.url == ""


def test_imported_issues_are_published_on_their_date(db):
    run("import_markdown", str(FIXTURES))
    assert set(Issue.objects.published().values_list("publication_date", flat=True)) == {
        Issue.objects.get(publication_date="2025-03-03").publication_date,
        Issue.objects.get(publication_date="2025-03-17").publication_date,
    }


def test_import_as_drafts_keeps_them_from_readers(db):
    run("import_markdown", "--drafts", str(FIXTURES))
    assert Issue.objects.count() == 2
    assert not Issue.objects.published().exists()


def test_existing_date_is_refused_without_replace(db):
    run("import_markdown", str(GOOD[0]))
    before = database_state()
    with pytest.raises(CommandError, match="2025-03-03.*--replace"):
        run("import_markdown", str(GOOD[0]))
    assert database_state() == before


def test_replace_overwrites_an_existing_issue(db):
    run("import_markdown", str(GOOD[0]))
    run("import_markdown", "--replace", str(GOOD[0]))
    assert Issue.objects.filter(publication_date="2025-03-03").count() == 1
    assert Entry.objects.filter(section__issue__publication_date="2025-03-03").count() == 3


@pytest.mark.parametrize(
    "bad, expected",
    [
        ("no-section.md.txt", r":6: no '## ' section"),
        ("no-h1.md.txt", r":1: "),
        ("bad-date.md.txt", r":1: .*2025-02-30"),
        ("junk.md.txt", r"bad\.md"),
    ],
)
def test_bad_file_reports_file_and_line_and_writes_nothing(db, tmp_path, bad, expected):
    shutil.copy(GOOD[0], tmp_path / "2025-03-03.md")
    shutil.copy(FIXTURES / bad, tmp_path / "bad.md")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_markdown", str(tmp_path), stdout=StringIO(), stderr=err)
    messages = err.getvalue().strip().splitlines()
    assert len(messages) == 1
    assert "bad.md" in messages[0]
    assert __import__("re").search(expected, messages[0]), messages[0]
    assert database_state() == (0, 0, 0)


def test_duplicate_date_within_one_run_is_refused(db, tmp_path):
    shutil.copy(GOOD[0], tmp_path / "a.md")
    shutil.copy(GOOD[0], tmp_path / "b.md")
    with pytest.raises(CommandError):
        call_command("import_markdown", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert database_state() == (0, 0, 0)


def test_check_reports_each_file_and_writes_nothing(db):
    output = run("import_markdown", "--check", str(FIXTURES))
    assert "ok   " in output
    assert "2/2 files round-trip." in output
    assert database_state() == (0, 0, 0)


def test_export_reproduces_the_imported_file(db):
    run("import_markdown", str(GOOD[0]))
    exported = run("export_markdown", "2025-03-03")
    assert roundtrip_diff(GOOD[0].read_text(encoding="utf-8"), exported) == []
    assert exported.startswith("---\nlayout: default\n---\n")


def test_export_ends_with_a_generated_archive_of_published_issues(db):
    run("import_markdown", str(FIXTURES))
    exported = run("export_markdown", "2025-03-17")
    assert "| 2 | 0 | 2 | 5 |" in exported
    assert "[2025-03-03](2025-03-03.md)" in exported
    # The issue's own cell is shown but not linked.
    assert "| 2025-03-17 |" in exported


def test_export_all_writes_one_file_per_issue(db, tmp_path):
    run("import_markdown", str(FIXTURES))
    run("export_markdown", "--all", "--output-dir", str(tmp_path / "out"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "2025-03-03.md",
        "2025-03-17.md",
    ]


def test_export_of_an_unknown_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no issue for 2025-01-01"):
        run("export_markdown", "2025-01-01")
    with pytest.raises(CommandError, match="not a date"):
        run("export_markdown", "yesterday")
