"""Small factory functions for tests: explicit, no magic."""

import datetime
import itertools

from django.contrib.auth.models import Group, User

from issues.models import Entry, Issue, Section

PASSWORD = "test-pass-1234"
_dates = itertools.count()


def make_user(username, *, groups=(), superuser=False, password=PASSWORD):
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=password,
        is_staff=True,
        is_superuser=superuser,
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def next_date():
    return datetime.date(2024, 1, 1) + datetime.timedelta(days=14 * next(_dates))


def make_issue(
    publication_date=None,
    *,
    headline="端侧大模型与新芯片",
    preamble="> 导读：本期 3 条。",
    sections=(("业界新闻", 2), ("论文", 1)),
    user=None,
    **fields,
):
    """An issue with ``sections`` given as (title, number of entries)."""
    issue = Issue.objects.create(
        publication_date=publication_date or next_date(),
        headline=headline,
        preamble=preamble,
        created_by=user,
        updated_by=user,
        **fields,
    )
    for section_position, (title, count) in enumerate(sections):
        section = Section.objects.create(issue=issue, title=title, position=section_position)
        for position in range(count):
            Entry.objects.create(
                section=section,
                position=position,
                title=f"{title}条目{position + 1}：示例芯片发布",
                source="示例媒体",
                url=f"https://example.com/{issue.publication_date}/{section_position}/{position}",
                summary=f"这是{title}第 {position + 1} 条的摘要，介绍一款**端侧推理**芯片。",
            )
    return issue


def publish(issue, at=None):
    """Snapshot ``issue``'s working copy and approve it the way the workflow does.

    The revision goes live at ``at`` (default: now); returns the frozen revision.
    """
    from django.utils import timezone

    from issues.documents import document_from_issue, document_to_data
    from issues.models import Revision, Status
    from issues.publishing import freeze_revision

    revision = Revision.objects.create(
        issue=issue,
        status=Status.PUBLISHED,
        data=document_to_data(document_from_issue(issue)),
        go_live_at=at or timezone.now(),
    )
    return freeze_revision(revision)


def make_approved_revision(issue, *, go_live_at, approved_by=None):
    """An approved, frozen snapshot of ``issue``'s working copy, as approve() leaves it."""
    from issues.documents import document_from_issue, document_to_data
    from issues.models import Revision
    from issues.publishing import freeze_revision

    revision = Revision.objects.create(
        issue=issue,
        created_by=approved_by,
        status=issue.status,
        data=document_to_data(document_from_issue(issue)),
        approved_by=approved_by,
        go_live_at=go_live_at,
    )
    return freeze_revision(revision)


def make_issue_in_state(status, *, author, approver=None, **kwargs):
    """An issue written and (unless a draft) submitted by ``author``, already in ``status``.

    Published and scheduled issues get the approved revision they would have
    (live an hour ago, or a day from now).
    """
    from django.utils import timezone

    from issues.models import Status

    issue = make_issue(
        user=author,
        status=status,
        submitted_by=None if status == Status.DRAFT else author,
        **kwargs,
    )
    if status in (Status.PUBLISHED, Status.SCHEDULED):
        hours = -1 if status == Status.PUBLISHED else 24
        make_approved_revision(
            issue,
            go_live_at=timezone.now() + datetime.timedelta(hours=hours),
            approved_by=approver,
        )
    return issue
