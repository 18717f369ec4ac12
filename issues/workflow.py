"""Every status change of an issue, who may make it, and what it leaves behind.

One function per transition (``submit_for_review``, ``request_changes``,
``approve``, ``unpublish``, plus ``publish_due`` for the scheduler,
``record_save`` after every admin save and ``restore_revision``). Each one runs
in a transaction, re-reads the issue with ``select_for_update()``, checks the
move against ``TRANSITIONS`` (else ``TransitionError``), checks the user with
the ``can_*`` predicates below (else ``PermissionDenied``), writes, records an
``IssueEvent`` and sends its e-mails once the transaction has committed.
Nothing else assigns ``Issue.status``; the admin asks ``available_actions()``
which buttons to show and the same predicates decide again when a button is
pressed, so a forged POST gets no further than a hidden button would.

Roles are the groups ``editor`` and ``reviewer``; superusers count as
reviewers. The four-eyes rule (``settings.DIGEST_FOUR_EYES``) lives in
``can_approve``.

Unpublishing withdraws every approved revision (readers stop seeing the issue
at once) and sends a published or scheduled issue back to draft, so that it
has to pass review again before it returns. A published issue that is being
corrected (its working copy back in draft, in review or with changes
requested) can be withdrawn too; its working-copy status is left as it is.
"""

import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import documents, notifications
from issues.models import Issue, IssueEvent, Revision, ShareLink, Status
from issues.publishing import freeze_revision

Action = IssueEvent.Action

EDITOR_GROUP = "editor"
REVIEWER_GROUP = "reviewer"
IMPORT = "import"

# action -> {status it may start from: status it leads to}
TRANSITIONS = {
    Action.SUBMIT: {
        Status.DRAFT: Status.IN_REVIEW,
        Status.CHANGES_REQUESTED: Status.IN_REVIEW,
    },
    Action.REQUEST_CHANGES: {Status.IN_REVIEW: Status.CHANGES_REQUESTED},
    Action.APPROVE: {Status.IN_REVIEW: Status.PUBLISHED},
    Action.SCHEDULE: {Status.IN_REVIEW: Status.SCHEDULED},
    Action.PUBLISH: {Status.SCHEDULED: Status.PUBLISHED},
    Action.UNPUBLISH: {
        Status.PUBLISHED: Status.DRAFT,
        Status.SCHEDULED: Status.DRAFT,
        # A correction in progress: readers still see the approved revision.
        Status.DRAFT: Status.DRAFT,
        Status.IN_REVIEW: Status.IN_REVIEW,
        Status.CHANGES_REQUESTED: Status.CHANGES_REQUESTED,
    },
    Action.CORRECT: {Status.PUBLISHED: Status.DRAFT},
    # Legacy issues come in already published (management command only).
    IMPORT: {status: Status.PUBLISHED for status in Status},
    Action.RESTORE: {
        Status.DRAFT: Status.DRAFT,
        Status.CHANGES_REQUESTED: Status.CHANGES_REQUESTED,
        Status.PUBLISHED: Status.DRAFT,
    },
}


class TransitionError(Exception):
    """The issue's status does not allow this move (whoever asks)."""


# --- Who may do what -------------------------------------------------------


def _in_group(user, name):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # Asked many times per admin page (every inline asks can_edit): read the
    # user's groups once per user object, i.e. once per request.
    names = getattr(user, "_digest_group_names", None)
    if names is None:
        names = user._digest_group_names = set(user.groups.values_list("name", flat=True))
    return name in names


def is_reviewer(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or _in_group(user, REVIEWER_GROUP)


def is_editor(user) -> bool:
    """Editors write issues; reviewers may write them too."""
    return _in_group(user, EDITOR_GROUP) or is_reviewer(user)


def can_edit(user, issue) -> bool:
    """May ``user`` change the working copy now? (``issue=None``: a new issue.)

    Content is frozen while in review or scheduled; editing a published issue
    starts a correction.
    """
    return is_editor(user) and (issue is None or issue.is_editable())


def can_submit(user, issue) -> bool:
    return is_editor(user)


def can_review(user, issue) -> bool:
    """May ``user`` send an issue in review back with comments."""
    return is_reviewer(user)


def can_approve(user, issue) -> bool:
    """The four-eyes rule: no approving what you submitted or edited last."""
    if not is_reviewer(user):
        return False
    if settings.DIGEST_FOUR_EYES and user.pk in {issue.submitted_by_id, issue.updated_by_id}:
        return False
    return True


def can_unpublish(user, issue) -> bool:
    return is_reviewer(user)


def can_share(user, issue) -> bool:
    """Share links show the working copy of an issue readers cannot see yet."""
    return is_reviewer(user) and issue.status != Status.PUBLISHED


def available_actions(issue, user) -> list[str]:
    """The transitions ``user`` may make on ``issue`` now, for the admin's buttons."""
    checks = [
        (Action.SUBMIT, can_submit),
        (Action.REQUEST_CHANGES, can_review),
        (Action.APPROVE, can_approve),
        (Action.SCHEDULE, can_approve),
        (Action.UNPUBLISH, can_unpublish),
    ]
    actions = []
    for action, allowed in checks:
        if issue.status not in TRANSITIONS[action]:
            continue
        if action == Action.UNPUBLISH and not issue.revisions.approved().exists():
            continue
        if allowed(user, issue):
            actions.append(action)
    return actions


# --- Transitions -----------------------------------------------------------


def _lock(issue) -> Issue:
    """The issue's row, locked until the transaction ends, with fresh values."""
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _target(issue, action) -> str:
    try:
        return TRANSITIONS[action][issue.status]
    except KeyError:
        label = Action(action).label if action in Action.values else action
        raise TransitionError(
            _("“%(action)s”不适用于状态为“%(status)s”的简报。")
            % {"action": label, "status": issue.get_status_display()}
        ) from None


def _check(allowed: bool):
    if not allowed:
        raise PermissionDenied(_("你没有权限执行此操作。"))


def _require_text(value, message, code):
    if not (value or "").strip():
        raise ValidationError(message, code=code)
    return value.strip()


def _sync(original):
    """Give the caller's instance the values just written."""
    original.refresh_from_db()


def _move(issue, action, user, *, to, comment="", revision=None, now=None, extra_fields=()):
    """Write the new status and its audit row."""
    from_status = issue.status
    issue.status = to
    issue.save(update_fields=["status", *extra_fields])
    return IssueEvent.objects.create(
        issue=issue,
        action=action,
        from_status=from_status,
        to_status=to,
        actor=user,
        comment=comment,
        revision=revision,
        created_at=now or timezone.now(),
    )


def _snapshot(issue, user, *, status=None, **fields) -> Revision:
    doc = documents.document_from_issue(issue)
    return Revision.objects.create(
        issue=issue,
        created_by=user,
        status=status or issue.status,
        data=documents.document_to_data(doc),
        **fields,
    )


def _latest_revision(issue):
    return issue.revisions.order_by("-created_at", "-pk").first()


@transaction.atomic
def submit_for_review(issue, user) -> IssueEvent:
    locked = _lock(issue)
    to = _target(locked, Action.SUBMIT)
    _check(can_submit(user, locked))
    locked.submitted_by = user
    event = _move(
        locked,
        Action.SUBMIT,
        user,
        to=to,
        revision=_latest_revision(locked),
        extra_fields=["submitted_by"],
    )
    transaction.on_commit(partial(notifications.issue_submitted, event.pk))
    _sync(issue)
    return event


@transaction.atomic
def request_changes(issue, user, comment) -> IssueEvent:
    locked = _lock(issue)
    to = _target(locked, Action.REQUEST_CHANGES)
    _check(can_review(user, locked))
    comment = _require_text(comment, _("要求修改时必须写明修改意见。"), "comment_required")
    event = _move(
        locked,
        Action.REQUEST_CHANGES,
        user,
        to=to,
        comment=comment,
        revision=_latest_revision(locked),
    )
    transaction.on_commit(partial(notifications.changes_requested, event.pk))
    _sync(issue)
    return event


@transaction.atomic
def approve(issue, user, publish_at=None) -> IssueEvent:
    """Freeze the working copy as an approved revision, public now or at ``publish_at``.

    Readers see the revision as soon as its ``go_live_at`` passes; no job has
    to run for that (``Issue.objects.published()``). A ``publish_at`` that is
    not in the future means "now".
    """
    now = timezone.now()
    if publish_at is not None and timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    scheduled = publish_at is not None and publish_at > now
    action = Action.SCHEDULE if scheduled else Action.APPROVE
    locked = _lock(issue)
    to = _target(locked, action)
    _check(can_approve(user, locked))
    revision = _snapshot(
        locked,
        user,
        status=to,
        approved_by=user,
        go_live_at=publish_at if scheduled else now,
        created_at=now,
    )
    freeze_revision(revision)
    event = _move(locked, action, user, to=to, revision=revision, now=now)
    transaction.on_commit(partial(notifications.issue_approved, event.pk))
    _sync(issue)
    return event


@transaction.atomic
def unpublish(issue, user, reason) -> IssueEvent:
    """Withdraw every approved revision: readers stop seeing the issue now."""
    now = timezone.now()
    locked = _lock(issue)
    to = _target(locked, Action.UNPUBLISH)
    approved = locked.revisions.approved()
    if not approved.exists():
        raise TransitionError(_("这一期没有已批准的版本，无需撤回。"))
    _check(can_unpublish(user, locked))
    reason = _require_text(reason, _("撤回发布时必须写明原因。"), "reason_required")
    withdrawn = approved.order_by("-go_live_at").first()
    approved.update(withdrawn_at=now)
    event = _move(
        locked, Action.UNPUBLISH, user, to=to, comment=reason, revision=withdrawn, now=now
    )
    transaction.on_commit(partial(notifications.issue_unpublished, event.pk))
    _sync(issue)
    return event


def due_for_publication(now=None):
    """Scheduled issues whose approved revision's time has come."""
    now = now or timezone.now()
    future = Revision.objects.approved().filter(issue=OuterRef("pk"), go_live_at__gt=now)
    due = Revision.objects.approved().filter(issue=OuterRef("pk"), go_live_at__lte=now)
    return (
        Issue.objects.filter(status=Status.SCHEDULED)
        .filter(Exists(due))
        .exclude(Exists(future))
        .order_by("publication_date")
    )


def publish_due(now=None) -> list[IssueEvent]:
    """Record SCHEDULED → PUBLISHED for every issue whose time has come.

    Readers already see these issues (visibility is computed); this only
    keeps the status and the audit trail true and tells the editors.
    """
    now = now or timezone.now()
    events = []
    for issue in due_for_publication(now):
        event = _publish_one(issue, now)
        if event is not None:
            events.append(event)
    return events


@transaction.atomic
def _publish_one(issue, now) -> IssueEvent | None:
    locked = _lock(issue)
    if not due_for_publication(now).filter(pk=locked.pk).exists():
        return None  # unpublished or published by a parallel run meanwhile
    to = _target(locked, Action.PUBLISH)
    revision = locked.revisions.approved().order_by("-go_live_at").first()
    event = _move(locked, Action.PUBLISH, None, to=to, revision=revision, now=now)
    transaction.on_commit(partial(notifications.issue_published, event.pk))
    return event


@transaction.atomic
def record_save(issue, user) -> Revision:
    """Snapshot the working copy after an admin save (sections and entries included).

    Saving a published issue starts a correction: the working copy goes back
    to draft while readers keep the approved revision until the next approval.
    ``user=None`` is a management command (the importer), not a person.
    """
    locked = _lock(issue)
    if not locked.is_editable():
        raise TransitionError(
            _("状态为“%(status)s”的简报不能修改。") % {"status": locked.get_status_display()}
        )
    _check(user is None or can_edit(user, locked))
    correcting = locked.status == Status.PUBLISHED
    to = _target(locked, Action.CORRECT) if correcting else locked.status
    revision = _snapshot(locked, user, status=to)
    if correcting:
        _move(locked, Action.CORRECT, user, to=to, revision=revision)
    _sync(issue)
    return revision


@transaction.atomic
def publish_imported(issue, *, go_live_at, user=None) -> IssueEvent:
    """Publish a legacy issue as it was, bypassing review (``import_markdown`` only).

    The archive was published long before this CMS existed, so there is nobody
    to review it; only a management command (``user=None``) or a superuser may
    do this. Earlier approved revisions are withdrawn so that exactly one
    stays live.
    """
    locked = _lock(issue)
    to = _target(locked, IMPORT)
    _check(user is None or user.is_superuser)
    locked.revisions.approved().update(withdrawn_at=timezone.now())
    revision = _snapshot(locked, user, status=to, approved_by=user, go_live_at=go_live_at)
    freeze_revision(revision)
    event = _move(
        locked,
        Action.PUBLISH,
        user,
        to=to,
        comment=_("从旧档案导入"),
        revision=revision,
    )
    _sync(issue)
    return event


@transaction.atomic
def restore_revision(revision, user) -> Revision:
    """Make an old revision's content the working copy again, as a new revision."""
    locked = _lock(revision.issue)
    to = _target(locked, Action.RESTORE)
    _check(can_edit(user, locked))
    locked.version += 1
    documents.write_document(revision.document(), locked, user=user)
    new_revision = _snapshot(locked, user, status=to)
    comment = _("恢复自 %(time)s 的修订") % {
        "time": f"{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}"
    }
    _move(locked, Action.RESTORE, user, to=to, comment=comment, revision=new_revision)
    _sync(revision.issue)
    return new_revision


# --- Share links -----------------------------------------------------------


@transaction.atomic
def create_share_link(issue, user, days=7) -> ShareLink:
    locked = _lock(issue)
    _check(can_share(user, locked))
    days = int(days)
    if not 1 <= days <= 90:
        raise ValidationError(_("有效期须在 1 到 90 天之间。"), code="share_days")
    now = timezone.now()
    return ShareLink.objects.create(
        issue=locked, created_by=user, created_at=now, expires_at=now + datetime.timedelta(days)
    )


@transaction.atomic
def revoke_share_link(link, user) -> ShareLink:
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    _check(is_reviewer(user))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
