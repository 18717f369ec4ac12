"""E-mails the workflow sends, always after its transaction has committed.

Each public function takes the id of the ``IssueEvent`` that caused it, so it
reads what was committed. Reviewers (whoever holds ``issues.review_issue``,
with an address) hear about submissions; the editor who submitted hears about
requested changes, approval and publication. Nobody is told about their own
action. Links are absolute, built on ``settings.SITE_URL``.

Nothing here sends mail in the request. Each function writes its messages
(one per recipient, in the site's language) and queues one ``send_message``
task per message in the database (django-tasks); the worker
(``manage.py db_worker``) sends them. A message the mail server refuses or
cannot take is tried again later, a bounded number of times (``RETRY_DELAYS``),
each failed attempt recorded with its traceback in the admin's task results
and logged. So an unreachable mail server never fails a transition or the
scheduler, and a message is not lost while it is down.
"""

import contextlib
import contextvars
import datetime
import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from issues.models import IssueEvent

logger = logging.getLogger(__name__)

# Seconds to wait before each retry of a message that failed: about nine
# hours in all, then it is given up (and stays in the admin as failed).
RETRY_DELAYS = (60, 300, 1800, 7200, 21600)
MAIL_OFF = "django.core.mail.backends.dummy.EmailBackend"
_muted = contextvars.ContextVar("digest_notifications_muted", default=False)


@contextlib.contextmanager
def muted():
    """Queue no notification for what happens inside this block.

    The demo loader reviews and approves its own issues: that is nobody's news.
    """
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@task()
def send_message(subject, body, recipient, attempt=1):
    """Send one message; on failure queue the next attempt, then fail this one."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)
    except Exception as error:
        if attempt > len(RETRY_DELAYS):
            logger.error(
                "notification %r to %s failed %d times, giving up: %r",
                subject,
                recipient,
                attempt,
                error,
            )
        else:
            delay = RETRY_DELAYS[attempt - 1]
            send_message.using(
                run_after=timezone.now() + datetime.timedelta(seconds=delay)
            ).enqueue(subject, body, recipient, attempt + 1)
            logger.warning(
                "notification %r to %s failed (attempt %d), retrying in %d s: %r",
                subject,
                recipient,
                attempt,
                delay,
                error,
            )
        raise


def queued(notify):
    """Write the messages in the site's language, not in that of whoever's
    request happened to trigger them, and queue them. Never raises: a
    notification that cannot be queued is logged, the transition stands."""

    @functools.wraps(notify)
    def wrapper(event_id):
        if _muted.get() or settings.EMAIL_BACKEND == MAIL_OFF:
            return 0  # nothing to tell, or mail is switched off: queue nothing
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject, body, recipients = notify(event_id)
            # One message per recipient: nobody sees the others' addresses,
            # and a retry never repeats a message someone already has.
            for recipient in recipients:
                send_message.enqueue(subject, body, recipient)
            return len(recipients)
        except Exception:
            logger.exception(
                "could not queue the %s notification of event %s", notify.__name__, event_id
            )
            return 0

    return wrapper


def _absolute(path):
    return settings.SITE_URL + path


def _issue_links(issue):
    change = _absolute(reverse("admin:issues_issue_change", args=[issue.pk]))
    review = _absolute(reverse("admin:issues_issue_review", args=[issue.pk]))
    return change, review


def _actor_name(event):
    if event.actor is None:
        return _("系统")
    return event.actor.get_full_name() or event.actor.get_username()


def reviewer_addresses(exclude=None):
    users = (
        get_user_model()
        # Permissions come from the model backend (axes, beside it, only guards the login).
        .objects.with_perm(
            "issues.review_issue", backend="django.contrib.auth.backends.ModelBackend"
        )
        .filter(is_active=True)
        .exclude(email="")
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return sorted({user.email for user in users})


def _submitter_addresses(event):
    submitter = event.issue.submitted_by
    if submitter is None or not submitter.email or not submitter.is_active:
        return []
    if event.actor_id == submitter.pk:
        return []
    return [submitter.email]


def _load(event_id):
    return IssueEvent.objects.select_related("issue", "issue__submitted_by", "actor").get(
        pk=event_id
    )


@queued
def issue_submitted(event_id):
    event = _load(event_id)
    issue = event.issue
    change, review = _issue_links(issue)
    subject = _("[待审核] %(issue)s") % {"issue": issue}
    body = _(
        "%(actor)s 提交了 %(issue)s，等待审核。\n\n审核页面（含与上次发布的差异）：%(review)s\n"
        "编辑页面：%(change)s\n"
    ) % {"actor": _actor_name(event), "issue": issue, "review": review, "change": change}
    return subject, body, reviewer_addresses(exclude=event.actor)


@queued
def changes_requested(event_id):
    event = _load(event_id)
    issue = event.issue
    change, _review = _issue_links(issue)
    subject = _("[需修改] %(issue)s") % {"issue": issue}
    body = _("%(actor)s 要求修改 %(issue)s：\n\n%(comment)s\n\n编辑页面：%(change)s\n") % {
        "actor": _actor_name(event),
        "issue": issue,
        "comment": event.comment,
        "change": change,
    }
    return subject, body, _submitter_addresses(event)


@queued
def issue_approved(event_id):
    event = _load(event_id)
    issue = event.issue
    change, _review = _issue_links(issue)
    if event.action == IssueEvent.Action.SCHEDULE:
        go_live = timezone.localtime(event.revision.go_live_at)
        subject = _("[已排期] %(issue)s") % {"issue": issue}
        body = _("%(actor)s 批准了 %(issue)s，将于 %(time)s 发布。\n\n编辑页面：%(change)s\n") % {
            "actor": _actor_name(event),
            "issue": issue,
            "time": f"{go_live:%Y-%m-%d %H:%M}",
            "change": change,
        }
    else:
        subject = _("[已发布] %(issue)s") % {"issue": issue}
        body = _(
            "%(actor)s 批准并发布了 %(issue)s。\n\n读者页面：%(public)s\n编辑页面：%(change)s\n"
        ) % {
            "actor": _actor_name(event),
            "issue": issue,
            "public": _absolute(issue.get_absolute_url()),
            "change": change,
        }
    return subject, body, _submitter_addresses(event)


@queued
def issue_published(event_id):
    event = _load(event_id)
    issue = event.issue
    subject = _("[已发布] %(issue)s") % {"issue": issue}
    body = _("%(issue)s 已按计划发布。\n\n读者页面：%(public)s\n") % {
        "issue": issue,
        "public": _absolute(issue.get_absolute_url()),
    }
    return subject, body, _submitter_addresses(event)


@queued
def issue_unpublished(event_id):
    event = _load(event_id)
    issue = event.issue
    change, _review = _issue_links(issue)
    subject = _("[已撤回] %(issue)s") % {"issue": issue}
    body = _(
        "%(actor)s 撤回了 %(issue)s，读者已看不到它。原因：\n\n%(comment)s\n\n"
        "编辑页面：%(change)s\n"
    ) % {
        "actor": _actor_name(event),
        "issue": issue,
        "comment": event.comment,
        "change": change,
    }
    recipients = set(_submitter_addresses(event)) | set(reviewer_addresses(exclude=event.actor))
    return subject, body, sorted(recipients)
