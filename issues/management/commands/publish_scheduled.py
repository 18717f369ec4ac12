"""Record the publication of scheduled issues whose time has come.

Readers already see a scheduled issue from its ``go_live_at`` on; this job
only moves its status to published, writes the audit event and tells the
editor. Run it every few minutes from cron; running it twice is harmless.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from issues import workflow


class Command(BaseCommand):
    help = "Mark scheduled issues whose publication time has passed as published."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the issues that are due without changing anything.",
        )

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        if dry_run:
            due = list(workflow.due_for_publication(now))
            for issue in due:
                self.stdout.write(f"would publish {issue.publication_date.isoformat()}")
            self.stdout.write(f"{len(due)} issue(s) due (dry run, nothing changed).")
            return
        events = workflow.publish_due(now)
        for event in events:
            self.stdout.write(f"published {event.issue.publication_date.isoformat()}")
        self.stdout.write(self.style.SUCCESS(f"{len(events)} issue(s) published."))
