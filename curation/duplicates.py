"""Where a link has appeared before: any issue (published or not) and the inbox.

Every lookup is by the link's normalised key, which is indexed on entries,
published entries and inbox items, so it costs three index lookups however
large the archive is. A duplicate is a warning for the editor, never a block.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from curation.models import InboxItem
from curation.normalize import normalize_url
from issues.models import Entry, PublicEntry, Revision


@dataclass
class Appearance:
    kind: str  # "entry" (an issue's working copy), "published" or "inbox"
    title: str
    url: str
    where: str  # human-readable: "2024-03-01 · 论文", "收集箱"
    link: str  # the page that shows it
    issue_date: str = ""
    pk: int | None = None

    def as_json(self):
        return {
            "kind": self.kind,
            "title": self.title,
            "url": self.url,
            "where": self.where,
            "link": self.link,
            "issue_date": self.issue_date,
        }


def appearances(url, *, exclude_entry=None, exclude_item=None, limit=20) -> list[Appearance]:
    """Earlier appearances of ``url``; ``exclude_*`` leave out the row being edited."""
    key = normalize_url(url)
    if not key:
        return []
    found = []
    entries = (
        Entry.objects.filter(normalized_url=key)
        .select_related("section__issue")
        .order_by("-section__issue__publication_date", "section__position", "position")
    )
    if exclude_entry is not None:
        entries = entries.exclude(pk=exclude_entry)
    dates_with_entry = set()
    for entry in entries[:limit]:
        issue = entry.section.issue
        dates_with_entry.add(issue.publication_date)
        found.append(
            Appearance(
                kind="entry",
                title=entry.title,
                url=entry.url,
                where=f"{issue.publication_date.isoformat()} · {entry.section.title}",
                link=reverse("admin:issues_issue_change", args=[issue.pk]),
                issue_date=issue.publication_date.isoformat(),
                pk=entry.pk,
            )
        )
    # Published revisions can hold a link the working copy has since dropped.
    published = (
        PublicEntry.objects.filter(normalized_url=key, revision__in=Revision.objects.live())
        .exclude(publication_date__in=dates_with_entry)
        .order_by("-publication_date", "position")
    )
    for entry in published[:limit]:
        found.append(
            Appearance(
                kind="published",
                title=entry.title,
                url=entry.url,
                where=f"{entry.publication_date.isoformat()} · {entry.section_title}",
                link=entry.get_absolute_url(),
                issue_date=entry.publication_date.isoformat(),
                pk=entry.pk,
            )
        )
    items = InboxItem.objects.filter(normalized_url=key).select_related("created_by")
    if exclude_item is not None:
        items = items.exclude(pk=exclude_item)
    if exclude_entry is not None:
        items = items.exclude(used_entry=exclude_entry)  # where this entry came from
    for item in items[:limit]:
        who = item.created_by.get_username() if item.created_by else ""
        found.append(
            Appearance(
                kind="inbox",
                title=item.title or item.url,
                url=item.url,
                where=" · ".join(
                    part
                    for part in (
                        _("收集箱"),
                        item.get_status_display(),
                        who,
                        f"{item.created_at:%Y-%m-%d}",
                    )
                    if part
                ),
                link=item.get_admin_url(),
                pk=item.pk,
            )
        )
    return found


def duplicate_groups(*, include_inbox=False):
    """Every link that appears more than once across all issues, as ``{key: [rows]}``.

    Rows are entries of the issues' working copies (oldest issue first) and,
    with ``include_inbox``, inbox items.
    """
    keys = set(
        Entry.objects.exclude(normalized_url="")
        .values("normalized_url")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("normalized_url", flat=True)
    )
    groups = defaultdict(list)
    if include_inbox:
        inbox_keys = set(
            InboxItem.objects.exclude(normalized_url="").values_list("normalized_url", flat=True)
        )
        linked = set(
            Entry.objects.filter(normalized_url__in=inbox_keys).values_list(
                "normalized_url", flat=True
            )
        )
        keys |= linked
        repeated_in_inbox = (
            InboxItem.objects.exclude(normalized_url="")
            .values("normalized_url")
            .annotate(count=Count("pk"))
            .filter(count__gt=1)
            .values_list("normalized_url", flat=True)
        )
        keys |= set(repeated_in_inbox)
    entries = (
        Entry.objects.filter(normalized_url__in=keys)
        .select_related("section__issue")
        .order_by("section__issue__publication_date", "section__position", "position")
    )
    for entry in entries:
        groups[entry.normalized_url].append(entry)
    if include_inbox:
        for item in InboxItem.objects.filter(normalized_url__in=keys).order_by("created_at"):
            groups[item.normalized_url].append(item)
    return dict(sorted(groups.items()))
