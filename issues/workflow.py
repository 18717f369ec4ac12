"""Every status change of an issue, who may make it, and what it leaves behind.

This module is the one home of the editorial rules:

* **Who may.** Roles are Django permissions (``Issue.Meta.permissions``),
  granted to the ``editor`` and ``reviewer`` groups by migrations; the
  ``can_*`` predicates below ask ``user.has_perm()``. The four-eyes rule is
  ``can_approve`` and, for lists, ``Issue.objects.approvable_by(user)``.
* **What moves where.** ``ACTIONS`` is the registry of the actions people
  take on the issue page: name, label, the states it starts from and leads
  to, who may, the form it needs and the function that does it. The admin
  loops over ``available_actions()`` to draw its buttons and dispatches a
  POST with ``perform()``; nothing else knows the list. The moves nobody
  takes by hand (publishing at the scheduled time, starting a correction,
  importing, restoring) are in ``INTERNAL_TRANSITIONS``.
* **How.** One function per transition (``submit_for_review``,
  ``request_changes``, ``approve``, ``unpublish``, ``publish_due``,
  ``record_save``, ``restore_revision``, ``publish_imported``). Each runs in a
  transaction, locks the issue's row, checks the move (else
  ``TransitionError``) and the user (else ``PermissionDenied``), writes,
  bumps the issue's version (so a page loaded before the move cannot save
  over it), records an ``IssueEvent`` and queues its e-mails once the
  transaction has committed.

Adding an action means adding its function and one ``WorkflowAction`` entry.

Unpublishing withdraws every approved revision (readers stop seeing the issue
at once) and sends a published or scheduled issue back to draft, so that it
has to pass review again before it returns. A published issue that is being
corrected (its working copy back in draft, in review or with changes
requested) can be withdrawn too; its working-copy status is left as it is.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from issues import documents, forms, notifications
from issues.models import Issue, IssueEvent, Revision, ShareLink, Status
from issues.publishing import freeze_revision

Action = IssueEvent.Action
IMPORT = "import"

# The permissions behind the roles (see ``Issue.Meta.permissions``).
EDIT = "issues.change_issue"
REVIEW = "issues.review_issue"
APPROVE = "issues.approve_issue"
UNPUBLISH = "issues.unpublish_issue"
SHARE = "issues.share_issue"

SHARE_LINK_MAX_DAYS = 90

# The moves no button makes: status -> status they lead to.
INTERNAL_TRANSITIONS = {
    Action.PUBLISH: {Status.SCHEDULED: Status.PUBLISHED},
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


def _has(user, permission) -> bool:
    # ``has_perm`` is False for inactive users and True for active
    # superusers; Django caches a user's permissions on the user object.
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(permission)


def is_editor(user) -> bool:
    """Editors write issues; reviewers may write them too."""
    return _has(user, EDIT)


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
    return _has(user, REVIEW)


def can_approve(user, issue) -> bool:
    """The four-eyes rule: nobody approves what they submitted or wrote.

    Who counts as having written an issue is defined once, by
    ``IssueQuerySet.contributed_to_by``; ``Issue.objects.approvable_by``
    lists the issues this predicate allows.
    """
    if not _has(user, APPROVE):
        return False
    return not Issue.objects.four_eyes_excludes(user).filter(pk=issue.pk).exists()


def can_unpublish(user, issue) -> bool:
    return _has(user, UNPUBLISH) and issue.revisions.approved().exists()


def can_share(user, issue) -> bool:
    """Share links show the working copy of an issue readers cannot see yet."""
    return _has(user, SHARE) and issue.status in {
        Status.DRAFT,
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
    }


# --- The registry of actions -------------------------------------------------


@dataclass(frozen=True)
class WorkflowAction:
    """One button on the issue page, and everything that decides it."""

    name: str
    transitions: Mapping[str, str]
    allowed: Callable
    perform: Callable
    form_class: type | None = None
    success_message: str = ""
    style: str = ""

    @property
    def label(self):
        return Action(self.name).label

    def applies_to(self, issue) -> bool:
        return issue.status in self.transitions

    def is_available(self, issue, user) -> bool:
        return self.applies_to(issue) and self.allowed(user, issue)

    def form(self, data=None, issue=None):
        if self.form_class is None:
            return None
        return self.form_class(data, issue=issue, auto_id=f"id_{self.name}_%s")

    def run(self, issue, user, data) -> IssueEvent:
        """Validate ``data`` with the action's form and perform the action.

        State and permission are checked before the form, so a refused user
        learns nothing from the form's errors; ``perform`` checks both again
        under the row lock.
        """
        _target(issue, self.name)
        _check(self.allowed(user, issue))
        form = self.form(data, issue=issue)
        values = {}
        if form is not None:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            values = form.cleaned_data
        return self.perform(issue, user, **values)


ACTIONS: dict[str, WorkflowAction] = {}


def register(action: WorkflowAction) -> WorkflowAction:
    ACTIONS[action.name] = action
    return action


def available_actions(issue, user) -> list[WorkflowAction]:
    """The actions ``user`` may take on ``issue`` now, in button order."""
    return [action for action in ACTIONS.values() if action.is_available(issue, user)]


def perform(name, issue, user, data) -> IssueEvent:
    """Run the action called ``name`` with the submitted ``data`` (an admin POST)."""
    try:
        action = ACTIONS[name]
    except KeyError:
        raise TransitionError(_("没有这个操作。")) from None
    return action.run(issue, user, data)


def transitions(action) -> Mapping[str, str]:
    if action in ACTIONS:
        return ACTIONS[action].transitions
    return INTERNAL_TRANSITIONS[action]


# --- Helpers -------------------------------------------------------------------


def _lock(issue) -> Issue:
    """The issue's row, locked until the transaction ends, with fresh values."""
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _target(issue, action) -> str:
    try:
        return transitions(action)[issue.status]
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


def _check_reviewed_version(issue, reviewed_version):
    """Approval is of what the reviewer saw: refuse if the issue changed since."""
    if reviewed_version is not None and int(reviewed_version) != issue.version:
        raise ValidationError(
            _("你审阅之后这一期又有改动，未批准。请查看最新的差异后再决定。"),
            code="stale_review",
        )


def _check_date_free(issue):
    """Readers find an issue by its date: two issues must not go out on one day.

    Working-copy dates are unique, but an issue whose date was changed in a
    correction still stands at its old date for readers until it is approved.
    """
    newer = Revision.objects.approved().filter(
        issue=OuterRef("issue"), go_live_at__gt=OuterRef("go_live_at")
    )
    taken = (
        Revision.objects.approved()
        .filter(publication_date=issue.publication_date)
        .exclude(issue=issue)
        .exclude(Exists(newer))
    )
    if taken.exists():
        raise ValidationError(
            _("读者在 %(date)s 已经看到另一期简报（或它已排期），请先为这一期换个日期。"),
            code="date_taken",
            params={"date": issue.publication_date.isoformat()},
        )


def _sync(original):
    """Give the caller's instance the values just written."""
    original.refresh_from_db()


def _move(
    issue, action, user, *, to, comment="", revision=None, now=None, extra_fields=(), bump=True
):
    """Write the new status, bump the version (unless the content write just
    did) and record the audit row."""
    from_status = issue.status
    issue.status = to
    if bump:
        issue.bump_version()
    issue.save(update_fields=["status", "version", *extra_fields])
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


def _snapshot(issue, user, *, status=None, restored_from=None, **fields) -> Revision:
    data = documents.document_to_data(documents.document_from_issue(issue))
    previous = issue.revisions.order_by("-created_at", "-pk").values_list("data", flat=True)[:1]
    return Revision.objects.create(
        issue=issue,
        created_by=user,
        status=status or issue.status,
        data=data,
        content_changed=list(previous) != [data],
        restored_from=restored_from,
        **fields,
    )


def _latest_revision(issue):
    return issue.revisions.order_by("-created_at", "-pk").first()


def _end_share_links(issue, now):
    """A share link shows a draft; once the issue is public or withdrawn it has no use."""
    issue.share_links.valid(now).update(revoked_at=now)


# --- Transitions -----------------------------------------------------------


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
def approve(issue, user, publish_at=None, *, reviewed_version=None) -> IssueEvent:
    """Freeze the working copy as an approved revision, public now or at ``publish_at``.

    Readers see the revision as soon as its ``go_live_at`` passes; no job has
    to run for that (``Issue.objects.published()``). ``publish_at`` must be in
    the future. ``reviewed_version`` is the issue's version the reviewer
    looked at; approval is refused if the issue changed since.
    """
    now = timezone.now()
    scheduled = publish_at is not None
    if scheduled:
        if timezone.is_naive(publish_at):
            publish_at = timezone.make_aware(publish_at)
        if publish_at <= now:
            raise ValidationError(_("排期时间必须在将来。"), code="publish_at_past")
    action = Action.SCHEDULE if scheduled else Action.APPROVE
    locked = _lock(issue)
    to = _target(locked, action)
    _check(can_approve(user, locked))
    _check_reviewed_version(locked, reviewed_version)
    _check_date_free(locked)
    revision = _snapshot(
        locked,
        user,
        status=to,
        approved_by=user,
        go_live_at=publish_at if scheduled else now,
        created_at=now,
    )
    freeze_revision(revision)
    _end_share_links(locked, now)
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
    _end_share_links(locked, now)
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

    Readers already see these issues (visibility is computed); this keeps the
    status and the audit trail true and tells the editors. The admin calls it
    on every request, so editors and reviewers see the status follow the clock
    without any scheduler; ``publish_scheduled`` calls it for the e-mails.
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


def lock_for_edit(issue, user, loaded_version) -> Issue:
    """Lock ``issue`` for a save based on ``loaded_version``, or say why not.

    Called inside the saving transaction (the admin's change form), so the
    save and every transition are serialised on the same row lock: a page
    loaded before a submit, an approval or an import is refused, never
    written over the newer state.
    """
    locked = _lock(issue)
    if not locked.is_editable():
        raise ValidationError(
            _("状态为“%(status)s”的简报不能修改。"),
            code="not_editable",
            params={"status": locked.get_status_display()},
        )
    _check(can_edit(user, locked))
    if loaded_version != locked.version:
        who = locked.updated_by.get_username() if locked.updated_by else _("他人")
        raise ValidationError(
            _("此期已被 %(user)s 于 %(time)s 修改，请刷新后再编辑。"),
            code="stale_version",
            params={
                "user": who,
                "time": f"{timezone.localtime(locked.updated_at):%Y-%m-%d %H:%M}",
            },
        )
    return locked


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
    now = timezone.now()
    locked.revisions.approved().update(withdrawn_at=now)
    _end_share_links(locked, now)
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
    """Make an old revision's content the working copy again, as a new revision.

    The restored content counts as its author's for the four-eyes rule.
    """
    locked = _lock(revision.issue)
    to = _target(locked, Action.RESTORE)
    _check(can_edit(user, locked))
    documents.write_document(revision.document(), locked, user=user)
    new_revision = _snapshot(locked, user, status=to, restored_from=revision)
    comment = _("恢复自 %(time)s 的修订") % {
        "time": f"{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}"
    }
    _move(locked, Action.RESTORE, user, to=to, comment=comment, revision=new_revision, bump=False)
    _sync(revision.issue)
    return new_revision


# --- Share links -----------------------------------------------------------


@transaction.atomic
def create_share_link(issue, user, days=7) -> ShareLink:
    locked = _lock(issue)
    _check(can_share(user, locked))
    days = int(days)
    if not 1 <= days <= SHARE_LINK_MAX_DAYS:
        raise ValidationError(
            _("有效期须在 1 到 %(max)d 天之间。"),
            code="share_days",
            params={"max": SHARE_LINK_MAX_DAYS},
        )
    now = timezone.now()
    return ShareLink.objects.create(
        issue=locked, created_by=user, created_at=now, expires_at=now + datetime.timedelta(days)
    )


@transaction.atomic
def revoke_share_link(link, user) -> ShareLink:
    link = ShareLink.objects.select_for_update().get(pk=link.pk)
    _check(_has(user, SHARE))
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


# --- The registry's entries, in button order -----------------------------------


def _approve_now(issue, user, version):
    return approve(issue, user, reviewed_version=version)


def _schedule(issue, user, version, publish_at):
    return approve(issue, user, publish_at=publish_at, reviewed_version=version)


register(
    WorkflowAction(
        name=Action.SUBMIT,
        transitions={Status.DRAFT: Status.IN_REVIEW, Status.CHANGES_REQUESTED: Status.IN_REVIEW},
        allowed=can_submit,
        perform=submit_for_review,
        success_message=gettext_lazy("已提交审核，审稿人会收到通知。"),
        style="default",
    )
)
register(
    WorkflowAction(
        name=Action.APPROVE,
        transitions={Status.IN_REVIEW: Status.PUBLISHED},
        allowed=can_approve,
        perform=_approve_now,
        form_class=forms.ApproveForm,
        success_message=gettext_lazy("已批准并发布。"),
        style="default",
    )
)
register(
    WorkflowAction(
        name=Action.SCHEDULE,
        transitions={Status.IN_REVIEW: Status.SCHEDULED},
        allowed=can_approve,
        perform=_schedule,
        form_class=forms.ScheduleForm,
        success_message=gettext_lazy("已批准，将按排期时间发布。"),
    )
)
register(
    WorkflowAction(
        name=Action.REQUEST_CHANGES,
        transitions={Status.IN_REVIEW: Status.CHANGES_REQUESTED},
        allowed=can_review,
        perform=request_changes,
        form_class=forms.RequestChangesForm,
        success_message=gettext_lazy("已要求修改，提交者会收到通知。"),
    )
)
register(
    WorkflowAction(
        name=Action.UNPUBLISH,
        transitions={
            Status.PUBLISHED: Status.DRAFT,
            Status.SCHEDULED: Status.DRAFT,
            # A correction in progress: readers still see the approved revision.
            Status.DRAFT: Status.DRAFT,
            Status.IN_REVIEW: Status.IN_REVIEW,
            Status.CHANGES_REQUESTED: Status.CHANGES_REQUESTED,
        },
        allowed=can_unpublish,
        perform=unpublish,
        form_class=forms.UnpublishForm,
        success_message=gettext_lazy("已撤回发布，读者不再能看到此期。"),
        style="danger",
    )
)
