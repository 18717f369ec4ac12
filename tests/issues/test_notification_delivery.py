"""A mail server that is down never fails a transition or the scheduler; the
mail is retried in the background and delivered once the server is back.

"Down" is a real closed port on this machine, not a mock: Django's SMTP
backend gets a refused connection, exactly as in production.
"""

import datetime
import io
import logging
import socket
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from issues import notifications, workflow
from issues.models import Issue, IssueEvent, Status
from tests.factories import make_issue_in_state

# Transactional: the workflow's on-commit hooks run inside the request, as in
# production, instead of after the test's outer transaction.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMTP = "django.core.mail.backends.smtp.EmailBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2


def post_action(client, issue, action):
    """What the button posts; approval carries the version the reviewer looked at."""
    issue.refresh_from_db()
    return client.post(
        reverse("admin:issues_issue_transition", args=[issue.pk, action]),
        {"version": issue.version},
    )


def time_passes():
    """Make every queued retry due, as the clock would."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def queued(status):
    return DBTaskResult.objects.filter(status=status)


def test_submit_and_approve_succeed_while_the_mail_server_is_down_and_mail_follows_later(
    client, editor, reviewer, mail_server_down, run_task_worker, settings, mailoutbox
):
    issue = make_issue_in_state(Status.DRAFT, author=editor)

    client.force_login(editor)
    response = post_action(client, issue, IssueEvent.Action.SUBMIT)
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=issue.pk).status == Status.IN_REVIEW

    client.force_login(reviewer)
    response = post_action(client, issue, IssueEvent.Action.APPROVE)
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=issue.pk).status == Status.PUBLISHED
    page = client.get(reverse("admin:issues_issue_change", args=[issue.pk]))
    assert page.status_code == HTTPStatus.OK

    # one message to the reviewer about the submission, one to the editor about approval
    assert queued("READY").count() == 2
    run_task_worker()
    assert queued("FAILED").count() == 2  # each attempt, with its traceback, for staff
    assert queued("READY").filter(run_after__gt=timezone.now()).count() == 2  # retries
    assert "ConnectionRefusedError" in queued("FAILED").first().exception_class_path

    run_task_worker()  # not due yet: nothing is sent, nothing is lost
    assert queued("READY").count() == 2

    settings.EMAIL_BACKEND = WORKING  # the mail server is back
    time_passes()
    run_task_worker()
    assert sorted(message.to[0] for message in mailoutbox) == [
        editor.email,
        reviewer.email,
    ]
    assert queued("READY").count() == 0
    assert queued("SUCCESSFUL").count() == 2


def test_failed_attempts_are_listed_for_staff_in_the_admin(
    client, editor, superuser, mail_server_down, run_task_worker
):
    issue = make_issue_in_state(Status.DRAFT, author=editor)
    client.force_login(editor)
    post_action(client, issue, IssueEvent.Action.SUBMIT)
    run_task_worker()

    client.force_login(superuser)
    response = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    )
    assert response.status_code == HTTPStatus.OK
    assert "send_message" in response.content.decode()
    failed = queued("FAILED").get()
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    )
    assert "ConnectionRefusedError" in detail.content.decode()


def test_scheduler_publishes_every_due_issue_while_the_mail_server_is_down(
    editor, reviewer, mail_server_down, run_task_worker
):
    due = [make_issue_in_state(Status.SCHEDULED, author=editor) for _ in range(3)]
    DBTaskResult.objects.all().delete()
    # Scheduled for tomorrow by the factory; let the time come.
    for issue in due:
        issue.revisions.update(go_live_at=timezone.now() - datetime.timedelta(minutes=1))

    call_command("publish_scheduled", stdout=io.StringIO())

    assert set(Issue.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert queued("READY").count() == 3
    run_task_worker()
    assert queued("READY").count() == 3  # all three retried later


def test_retries_are_bounded_and_the_last_failure_is_logged_as_an_error(
    editor, reviewer, mail_server_down, run_task_worker, caplog
):
    issue = make_issue_in_state(Status.DRAFT, author=editor)
    workflow.submit_for_review(issue, editor)  # one message: to the reviewer
    with caplog.at_level(logging.WARNING, logger="issues.notifications"):
        for _attempt in range(len(notifications.RETRY_DELAYS) + 3):
            time_passes()
            run_task_worker()
    assert queued("FAILED").count() == len(notifications.RETRY_DELAYS) + 1
    assert queued("READY").count() == 0
    gave_up = [
        record
        for record in caplog.records
        if record.name == "issues.notifications" and record.levelno == logging.ERROR
    ]
    assert len(gave_up) == 1
    assert "giving up" in gave_up[0].getMessage()
