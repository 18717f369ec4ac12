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
