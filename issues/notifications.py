"""E-mails the workflow sends, always after its transaction has committed.

Each function takes the id of the ``IssueEvent`` that caused it, so it reads
what was committed. Reviewers (whoever holds ``issues.review_issue``, with an
address) hear about submissions; the editor who submitted hears about
requested changes, approval and publication. Nobody is told about their own
action. Links are absolute, built on ``settings.SITE_URL``.
"""

import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from issues.models import IssueEvent


def in_site_language(notify):
    """Mail goes out in the site's language, not in that of whoever's request
    happened to trigger it."""

    @functools.wraps(notify)
    def wrapper(event_id):
        with translation.override(settings.LANGUAGE_CODE):
            return notify(event_id)

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
        .objects.with_perm("issues.review_issue")
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


def _send(subject, body, recipients):
    if not recipients:
        return 0
    # One message per recipient: nobody sees the others' addresses.
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]
    return send_mass_mail(messages, fail_silently=False)


def _load(event_id):
    return IssueEvent.objects.select_related("issue", "issue__submitted_by", "actor").get(
        pk=event_id
    )


@in_site_language
def issue_submitted(event_id):
    event = _load(event_id)
    issue = event.issue
    change, review = _issue_links(issue)
    subject = _("[待审核] %(issue)s") % {"issue": issue}
    body = _(
        "%(actor)s 提交了 %(issue)s，等待审核。\n\n审核页面（含与上次发布的差异）：%(review)s\n"
        "编辑页面：%(change)s\n"
    ) % {"actor": _actor_name(event), "issue": issue, "review": review, "change": change}
    return _send(subject, body, reviewer_addresses(exclude=event.actor))


@in_site_language
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
    return _send(subject, body, _submitter_addresses(event))


@in_site_language
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
    return _send(subject, body, _submitter_addresses(event))


@in_site_language
def issue_published(event_id):
    event = _load(event_id)
    issue = event.issue
    subject = _("[已发布] %(issue)s") % {"issue": issue}
    body = _("%(issue)s 已按计划发布。\n\n读者页面：%(public)s\n") % {
        "issue": issue,
        "public": _absolute(issue.get_absolute_url()),
    }
    return _send(subject, body, _submitter_addresses(event))


@in_site_language
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
    return _send(subject, body, sorted(recipients))
