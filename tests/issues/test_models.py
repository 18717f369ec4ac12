import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from issues import workflow
from issues.models import Entry, Issue, Publication, Section, Status
from tests.factories import make_issue, publish


def test_publication_settings_start_with_the_house_defaults(db):
    publication = Publication.load()
    assert publication.name == "嵌入式AI简报"
    assert publication.section_titles() == ["业界新闻", "论文", "开源项目", "博文"]


def test_publication_is_a_single_row(db):
    assert Publication.load().pk == Publication.load().pk
    assert Publication.objects.count() == 1


def test_duplicate_publication_date_is_refused_with_a_message(issue_factory):
    issue = issue_factory()
    duplicate = Issue(publication_date=issue.publication_date)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "这一天已经有一期简报了" in str(error.value)


def test_duplicate_publication_date_is_refused_by_the_database(issue_factory):
    issue = issue_factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(publication_date=issue.publication_date)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.com/x"],
)
def test_entry_url_must_be_http_or_https(issue_factory, url):
    section = issue_factory().sections.first()
    entry = Entry(section=section, title="标题", url=url, position=99)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "url" in error.value.message_dict


def test_database_refuses_a_javascript_url_that_skipped_validation(issue_factory):
    section = issue_factory().sections.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(section=section, title="标题", url="javascript:alert(1)", position=99)


def test_entry_without_title_is_refused(issue_factory):
    section = issue_factory().sections.first()
    entry = Entry(section=section, title="", position=99)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "title" in error.value.message_dict


def test_section_title_left_empty_is_refused(issue_factory):
    issue = issue_factory()
    with pytest.raises(ValidationError) as error:
        Section(issue=issue, title="", position=9).full_clean()
    assert "title" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(issue=issue, title="", position=9)


def test_two_sections_cannot_share_a_position(issue_factory):
    issue = issue_factory(sections=[("业界新闻", 0)])
    with pytest.raises(ValidationError):
        Section(issue=issue, title="论文", position=0).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(issue=issue, title="论文", position=0)


def test_metadata_lines_need_a_key(issue_factory):
    section = issue_factory().sections.first()
    entry = Entry(
        section=section, title="标题", position=99, metadata="论文：https://x.org\n没有冒号"
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "metadata" in error.value.message_dict


def test_metadata_pairs_split_at_the_first_full_width_colon():
    entry = Entry(metadata="代码：https://github.com/a/b\n项目地址：见：主页\n")
    assert entry.metadata_pairs() == [
        ("代码", "https://github.com/a/b"),
        ("项目地址", "见：主页"),
    ]


def test_sections_and_entries_come_back_in_position_order(issue_factory):
    issue = issue_factory(sections=[("业界新闻", 3)])
    section = issue.sections.get()
    first, second, third = section.entries.all()
    first.position, third.position = 10, 0
    first.save()
    third.save()
    assert [entry.pk for entry in section.entries.all()] == [third.pk, second.pk, first.pk]


def test_issue_str_is_its_date_without_a_query(issue_factory, django_assert_num_queries):
    issue = issue_factory(datetime.date(2026, 3, 30))
    with django_assert_num_queries(0):
        assert str(issue) == "2026-03-30"
    assert issue.get_absolute_url() == "/issues/2026-03-30/"


def test_an_issue_links_to_the_date_readers_see_until_a_new_date_is_approved(editor, reviewer):
    issue = make_issue(datetime.date(2026, 3, 30), user=editor, status=Status.PUBLISHED)
    publish(issue)
    issue.publication_date = datetime.date(2026, 3, 31)
    issue.updated_by = editor
    issue.save()
    workflow.record_save(issue, editor)
    assert issue.get_absolute_url() == "/issues/2026-03-30/"

    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer)
    assert issue.get_absolute_url() == "/issues/2026-03-31/"
