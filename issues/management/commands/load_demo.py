"""Loads demo accounts and a few demo issues written for this project.

Idempotent: accounts are reset to the demo password, issues that already
exist are left alone.
"""

import datetime
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from issues import notifications, workflow
from issues.documents import write_document
from issues.housefmt import parse
from issues.models import Issue, Publication

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "digest-demo"
ACCOUNTS = [
    ("editor", "editor", False),
    ("editor2", "editor", False),
    ("reviewer", "reviewer", False),
    ("admin", None, True),
]
# Demo issues and where each one stands in the workflow.
STATES = {
    "2026-10-13": "published",
    "2026-10-27": "published",
    "2026-11-10": "published",
    "2026-11-24": "in_review",
}
DEMO_FOOTER = (
    "微信公众号：嵌入式AI简报（示例）  \n"
    "编辑：示例编辑部  \n"
    "项目：[https://example.com/digest](https://example.com/digest)"
)


class Command(BaseCommand):
    help = "Create the demo accounts and load the demo issues."

    def handle(self, *args, **options):
        # The demo's own reviews would otherwise queue a dozen notification e-mails.
        with notifications.muted():
            self.load()

    @transaction.atomic
    def load(self):
        users = {}
        for username, group, superuser in ACCOUNTS:
            user, _created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.is_staff = True
            user.is_superuser = superuser
            user.set_password(DEMO_PASSWORD)
            user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
            users[username] = user

        publication = Publication.load()
        if not publication.footer:
            publication.footer = DEMO_FOOTER
            publication.save()

        loaded = 0
        for path in sorted(DEMO_DIR.glob("*.md")):
            doc = parse(path.read_text(encoding="utf-8"))
            if Issue.objects.filter(publication_date=doc.publication_date).exists():
                continue
            issue = write_document(doc, Issue(), user=users["editor"])
            workflow.record_save(issue, users["editor"])
            state = STATES.get(doc.publication_date.isoformat(), "draft")
            if state in {"in_review", "published"}:
                workflow.submit_for_review(issue, users["editor"])
            if state == "published":
                workflow.approve(issue, users["reviewer"])
                # Date the demo publication on its issue day, not on load day.
                go_live = timezone.make_aware(
                    datetime.datetime.combine(doc.publication_date, datetime.time(9, 0))
                )
                issue.revisions.ever_approved().update(go_live_at=go_live)
            loaded += 1
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {loaded} issue(s) loaded, {len(users)} accounts.")
        )
