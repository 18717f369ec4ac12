import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.housefmt import document_difference, parse, roundtrip_diff
from issues.models import Entry, Issue, Revision, Status
from tests.factories import make_issue, make_issue_in_state, make_user, publish

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


DAMAGED = FIXTURES.parent / "housefmt" / "legacy_damaged_entries.md"


def run_split(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_damaged_entries_are_kept_with_one_warning_each_and_the_rest_split(db):
    out, err = run_split("import_markdown", str(DAMAGED))
    assert err.splitlines() == [
        f"{DAMAGED}:15: entry kept as written: the link has no closing ')'",
        f"{DAMAGED}:19: entry kept as written: '[' is never closed",
        f"{DAMAGED}:25: entry kept as written: the link has no closing ')'",
        f"{DAMAGED}:32: entry kept as written: '[' is never closed",
    ]
    assert "Imported 1 issue(s)" in out
    assert "4 entries kept as written" in out
    assert Issue.objects.needing_attention().count() == 1
    assert Entry.objects.needing_attention().count() == 4
    sound = Entry.objects.get(url="https://example.com/news/voice-chip")
    assert (sound.title, sound.source, sound.attention) == (
        "示例芯片公司发布低功耗语音芯片",
        "芯闻速递",
        "",
    )
    paper = Entry.objects.get(label="1906.00002")
    assert paper.metadata_pairs() == [("代码", "https://example.com/sparse-mcu")]


def test_damaged_entries_export_byte_for_byte(db):
    run_split("import_markdown", str(DAMAGED))
    exported = run("export_markdown", "2019-06-02")
    original = DAMAGED.read_text(encoding="utf-8")
    content = original[original.index("# ") : original.index("## [往期回顾]")]
    assert content in exported


def _file_dated(tmp_path, source, date):
    text = source.read_text(encoding="utf-8")
    original_date = re.search(r"\((\d{4}-\d{2}-\d{2})\)", text).group(1)
    path = tmp_path / f"{date}.md"
    path.write_text(text.replace(f"({original_date})", f"({date})", 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("date", ["1989-12-31", "2201-01-01"])
def test_date_outside_the_archive_range_is_refused_with_file_and_line(db, tmp_path, date):
    path = _file_dated(tmp_path, GOOD[0], date)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_markdown", str(path), stdout=StringIO(), stderr=err)
    h1 = next(n for n, row in enumerate(path.read_text("utf-8").splitlines(), 1) if row[:2] == "# ")
    assert err.getvalue().strip() == f"{path}:{h1}: issue date {date} is outside 1990–2200"
    assert database_state() == (0, 0, 0)


def test_value_the_models_refuse_is_reported_with_its_line(db, tmp_path):
    path = tmp_path / "x.md"
    text = GOOD[0].read_text(encoding="utf-8")
    path.write_text(text.replace("https://example.com/chip", "ftp://example.com/chip"), "utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_markdown", str(path), stdout=StringIO(), stderr=err)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "example.com/chip" in row)
    assert err.getvalue().startswith(f"{path}:{line}: url: ")
    assert database_state() == (0, 0, 0)


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.SCHEDULED])
@pytest.mark.parametrize("options", [["--replace"], ["--replace", "--drafts"]])
def test_import_over_an_issue_in_review_or_scheduled_says_why_in_one_line(
    db, tmp_path, status, options
):
    author = make_user("author", groups=["editor"])
    issue = make_issue_in_state(
        status, author=author, approver=make_user("boss", groups=["reviewer"])
    )
    path = _file_dated(tmp_path, GOOD[0], issue.publication_date.isoformat())
    before = (database_state(), Issue.objects.get(pk=issue.pk).headline)
    with pytest.raises(CommandError) as caught:
        call_command("import_markdown", *options, str(path), stdout=StringIO(), stderr=StringIO())
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "cannot be replaced while it is" in message
    assert (database_state(), Issue.objects.get(pk=issue.pk).headline) == before


def test_check_over_an_issue_in_review_reports_a_line_not_a_traceback(db, tmp_path):
    author = make_user("author", groups=["editor"])
    issue = make_issue_in_state(Status.IN_REVIEW, author=author)
    path = _file_dated(tmp_path, GOOD[0], issue.publication_date.isoformat())
    out = StringIO()
    with pytest.raises(CommandError, match="0/1 files round-trip"):
        call_command("import_markdown", "--check", str(path), stdout=out, stderr=StringIO())
    assert f"FAIL {path}" in out.getvalue()
    assert "cannot be replaced while it is" in out.getvalue()
    assert "Traceback" not in out.getvalue()


def test_bullet_list_summary_survives_download_and_import_under_another_date(db, client, tmp_path):
    issue = make_issue(sections=(("业界新闻", 6), ("论文", 6)))
    entry = Entry.objects.filter(section__issue=issue).first()
    entry.summary = "要点：\n- 第一点\n- 第二点\n  - 细节\n\n## 不是栏目\n----"
    entry.save()
    publish(issue)
    response = client.get(f"/issues/{issue.publication_date.isoformat()}.md")
    assert response.status_code == 200
    downloaded = tmp_path / "downloaded.md"
    downloaded.write_bytes(response.content)
    copy = _file_dated(tmp_path, downloaded, "2030-01-06")

    run_split("import_markdown", str(copy))

    def rows(date):
        return list(
            Entry.objects.filter(section__issue__publication_date=date)
            .order_by("section__position", "position")
            .values_list("section__title", "title", "source", "url", "summary", "metadata")
        )

    assert len(rows("2030-01-06")) == 12
    assert rows("2030-01-06") == rows(issue.publication_date)


def test_file_cut_off_inside_its_last_link_is_imported_with_that_entry_kept(db, tmp_path):
    path = tmp_path / "2025-04-01.md"
    shutil.copy(FIXTURES / "truncated.md.txt", path)
    out, err = run_split("import_markdown", str(path))
    assert err.strip() == f"{path}:5: entry kept as written: the link has no closing ')'"
    entry = Entry.objects.get()
    assert entry.title == "[截断的标题 | 示例媒体](https://exam"
    exported = run("export_markdown", "2025-04-01")
    assert "\n- [截断的标题 | 示例媒体](https://exam  \n" in exported
    assert document_difference(parse(path.read_text("utf-8")), parse(exported)) is None
