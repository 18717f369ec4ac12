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


def _factory_user(username, group):
    # No address: the factories' people receive no notification mail.
    user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
    if created:
        user.groups.add(Group.objects.get(name=group))
    return user


def editor_for_factories():
    """The author of what the factories submit when the issue names nobody."""
    return _factory_user("factory-editor", "editor")


def reviewer_for_factories():
    """The reviewer who approves what the factories publish."""
    return _factory_user("factory-reviewer", "reviewer")


def _approve(issue, *, at=None, approver=None):
    """Send ``issue`` through review the way people do, approved live at ``at``.

    The workflow approves for now or a future time; a time in the past (an
    archive issue) is set on the approved revision afterwards.
    """
    from django.utils import timezone

    from issues import workflow
    from issues.models import Revision, Status

    issue.refresh_from_db()
    author = issue.created_by or issue.submitted_by or editor_for_factories()
    if issue.status == Status.PUBLISHED:
        workflow.record_save(issue, author)  # a correction
    if issue.status in (Status.DRAFT, Status.CHANGES_REQUESTED):
        workflow.submit_for_review(issue, author)
    approver = approver or reviewer_for_factories()
    future = at is not None and at > timezone.now()
    event = workflow.approve(issue, approver, publish_at=at if future else None)
    if at is not None and not future:
        Revision.objects.filter(pk=event.revision_id).update(go_live_at=at)
    return Revision.objects.get(pk=event.revision_id)


def publish(issue, at=None):
    """Approve ``issue``'s working copy through the workflow, live at ``at`` (default: now).

    Returns the frozen, approved revision.
    """
    return _approve(issue, at=at)


def make_approved_revision(issue, *, go_live_at, approved_by=None):
    """The approved, frozen revision ``approve()`` leaves, live at ``go_live_at``."""
    return _approve(issue, at=go_live_at, approver=approved_by)


def make_issue_in_state(status, *, author, approver=None, **kwargs):
    """An issue written by ``author`` and moved to ``status`` through the workflow.

    Published and scheduled issues get the approved revision they would have
    (live an hour ago, or a day from now).
    """
    from django.utils import timezone

    from issues import workflow
    from issues.models import Status

    issue = make_issue(user=author, **kwargs)
    if status == Status.DRAFT:
        return issue
    if status in (Status.PUBLISHED, Status.SCHEDULED):
        hours = -1 if status == Status.PUBLISHED else 24
        make_approved_revision(
            issue,
            go_live_at=timezone.now() + datetime.timedelta(hours=hours),
            approved_by=approver,
        )
    else:
        workflow.submit_for_review(issue, author)
        if status == Status.CHANGES_REQUESTED:
            workflow.request_changes(issue, approver or reviewer_for_factories(), "请修改")
    issue.refresh_from_db()
    return issue
