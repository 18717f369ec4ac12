"""What editors do with the inbox: collect a link, pull items into an issue, archive them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from curation.models import InboxItem
from issues import workflow
from issues.models import Entry, Issue, Section


def collect(user, **fields) -> InboxItem:
    """A new inbox item from ``fields``, validated like the admin form; ValidationError if bad."""
    item = InboxItem(created_by=user, **fields)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def pull_into_section(items, section: Section, user) -> list[Entry]:
    """Each new inbox item becomes an entry at the end of ``section``; all or nothing.

    The entries go through the model's own validation and the issue records
    a revision, as an admin save would. The inbox keeps where each item went.
    Raises ``ValidationError`` (item already used or archived, no title, issue
    frozen in review) or ``PermissionDenied``, and then nothing has changed.
    """
    issue = Issue.objects.select_for_update().get(pk=section.issue_id)
    if not workflow.can_edit(user, issue):
        if not issue.is_editable():
            raise ValidationError(
                _("状态为“%(status)s”的简报不能修改。") % {"status": issue.get_status_display()},
                code="issue_frozen",
            )
        raise PermissionDenied(_("你没有权限修改这期简报。"))
    items = list(InboxItem.objects.select_for_update().filter(pk__in=[i.pk for i in items]))
    if not items:
        raise ValidationError(_("没有选中任何收集的链接。"), code="nothing_selected")
    items.sort(key=lambda item: (item.created_at, item.pk))
    errors = []
    for item in items:
        if item.status != InboxItem.State.NEW:
            errors.append(
                _("“%(item)s”已经%(status)s，不能再加入。")
                % {"item": item, "status": item.get_status_display()}
            )
        elif not item.title.strip():
            errors.append(_("“%(url)s”还没有标题，请先补上标题。") % {"url": item.url})
    if errors:
        raise ValidationError(errors, code="not_pullable")

    last = section.entries.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    now = timezone.now()
    entries = []
    for item in items:
        position += 1
        entry = Entry(
            section=section,
            position=position,
            label=item.label,
            title=item.title.strip(),
            source=item.source,
            url=item.url,
            summary=item.summary,
        )
        try:
            entry.full_clean()
        except ValidationError as error:
            raise ValidationError(
                [f"{item}: {message}" for message in error.messages], code="invalid_entry"
            ) from None
        entry.save()
        item.status = InboxItem.State.USED
        item.used_entry = entry
        item.used_issue = issue
        item.used_section_title = section.title
        item.used_at = now
        item.used_by = user
        item.save()
        entries.append(entry)
    # An editor who has the issue open must reload before saving over these entries.
    Issue.objects.filter(pk=issue.pk).update(
        version=issue.version + 1, updated_by=user, updated_at=now
    )
    workflow.record_save(issue, user)
    return entries


@transaction.atomic
def archive(items, user) -> int:
    """Archive the new items among ``items`` (stale links); returns how many."""
    return InboxItem.objects.filter(
        pk__in=[item.pk for item in items], status=InboxItem.State.NEW
    ).update(status=InboxItem.State.ARCHIVED, archived_at=timezone.now())


@transaction.atomic
def restore(items, user) -> int:
    """Put archived items back among the new ones; returns how many."""
    return InboxItem.objects.filter(
        pk__in=[item.pk for item in items], status=InboxItem.State.ARCHIVED
    ).update(status=InboxItem.State.NEW, archived_at=None)
