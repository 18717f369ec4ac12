"""issues/notifications.py: who hears about which transition, and only after commit."""

import contextlib
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.models import Status
from tests.factories import make_issue_in_state, make_user


@pytest.fixture
def silent_reviewer(db):
    user = make_user("silent", groups=["reviewer"])
    user.email = ""
    user.save()
    return user


@pytest.fixture
def committed(django_capture_on_commit_callbacks, run_task_worker):
    """Commit (run the on-commit hooks), then let the worker send what they queued."""

    @contextlib.contextmanager
    def commit():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        run_task_worker()

    return commit


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_submission_mails_every_reviewer_and_superuser_with_an_address(
    editor,
    editor2,
    reviewer,
    reviewer2,
    superuser,
    silent_reviewer,
    mailoutbox,
    committed,
    settings,
):
    settings.SITE_URL = "https://digest.example.org"
    issue = make_issue_in_state(Status.DRAFT, author=editor)
    with committed():
        workflow.submit_for_review(issue, editor)
    assert recipients(mailoutbox) == [
        "admin@example.com",
        "reviewer2@example.com",
        "reviewer@example.com",
    ]
    review_url = "https://digest.example.org" + reverse(
        "admin:issues_issue_review", args=[issue.pk]
    )
    assert review_url in mailoutbox[0].body
    assert str(issue) in mailoutbox[0].subject


def test_reviewer_submitting_is_not_mailed_about_it(reviewer, reviewer2, mailoutbox, committed):
    issue = make_issue_in_state(Status.DRAFT, author=reviewer)
    with committed():
        workflow.submit_for_review(issue, reviewer)
    assert recipients(mailoutbox) == ["reviewer2@example.com"]


def test_requested_changes_are_mailed_to_the_submitter_with_the_comment(
    editor, reviewer, mailoutbox, committed
):
    issue = make_issue_in_state(Status.IN_REVIEW, author=editor)
    with committed():
        workflow.request_changes(issue, reviewer, "第三条链接是 404")
    assert recipients(mailoutbox) == ["editor@example.com"]
    assert "第三条链接是 404" in mailoutbox[0].body


def test_approval_is_mailed_to_the_submitter(editor, reviewer, mailoutbox, committed, settings):
    settings.SITE_URL = "https://digest.example.org"
    issue = make_issue_in_state(Status.IN_REVIEW, author=editor)
    with committed():
        workflow.approve(issue, reviewer)
    assert recipients(mailoutbox) == ["editor@example.com"]
    assert "https://digest.example.org" + issue.get_absolute_url() in mailoutbox[0].body


def test_scheduling_and_publication_are_mailed_to_the_submitter(
    editor, reviewer, mailoutbox, committed
):
    issue = make_issue_in_state(Status.IN_REVIEW, author=editor)
    publish_at = timezone.now() + datetime.timedelta(days=2)
    with committed():
        workflow.approve(issue, reviewer, publish_at=publish_at)
    assert "[已排期]" in mailoutbox[0].subject
    assert f"{timezone.localtime(publish_at):%Y-%m-%d %H:%M}" in mailoutbox[0].body

    with committed():
        workflow.publish_due(now=publish_at + datetime.timedelta(minutes=1))
    assert len(mailoutbox) == 2
    assert "[已发布]" in mailoutbox[1].subject
    assert mailoutbox[1].to == ["editor@example.com"]


def test_no_mail_leaves_when_the_transaction_rolls_back(editor, reviewer, mailoutbox, committed):
    issue = make_issue_in_state(Status.DRAFT, author=editor)
    with committed() as callbacks:
        try:
            with transaction.atomic():
                workflow.submit_for_review(issue, editor)
                raise RuntimeError("something later in the request failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mailoutbox == []


def test_refused_transition_sends_nothing(editor, reviewer, mailoutbox, committed):
    issue = make_issue_in_state(Status.IN_REVIEW, author=reviewer)
    with committed(), pytest.raises(PermissionDenied):
        workflow.approve(issue, reviewer)
    assert mailoutbox == []


def test_unpublishing_is_mailed_to_the_submitter_and_the_other_reviewers_with_the_reason(
    editor, reviewer, reviewer2, mailoutbox, committed
):
    issue = make_issue_in_state(Status.PUBLISHED, author=editor)
    with committed():
        workflow.unpublish(issue, reviewer, "第二条的数据有误")
    assert recipients(mailoutbox) == ["editor@example.com", "reviewer2@example.com"]
    assert "第二条的数据有误" in mailoutbox[0].body


def test_mail_is_written_in_the_site_language_whatever_the_reviewer_reads(
    editor, reviewer, mailoutbox, committed
):
    from django.utils import translation

    issue = make_issue_in_state(Status.IN_REVIEW, author=editor)
    with translation.override("en"), committed():
        workflow.request_changes(issue, reviewer, "请补充来源")
    assert mailoutbox[0].subject.startswith("[需修改]")


def test_nothing_is_queued_while_mail_is_switched_off(
    editor, reviewer, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    issue = make_issue_in_state(Status.DRAFT, author=editor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(issue, editor)
    assert not DBTaskResult.objects.exists()
