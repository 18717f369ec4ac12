"""Exports issues in the house Markdown format."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from issues.documents import document_from_issue
from issues.exporting import issue_markdown
from issues.models import Issue


class Command(BaseCommand):
    help = (
        "Print one issue in the house Markdown format, or write every issue to "
        "DIR/<YYYY-MM-DD>.md. A public issue is exported as readers see it, any other "
        "issue from its working copy."
    )

    def add_arguments(self, parser):
        parser.add_argument("date", nargs="?", help="The issue's date, YYYY-MM-DD.")
        parser.add_argument("--all", action="store_true", help="Export every issue.")
        parser.add_argument("--output-dir", help="With --all: the folder to write into.")
        parser.add_argument(
            "--working-copy",
            action="store_true",
            help="Export the working copy even when a published version exists.",
        )

    def handle(self, *args, date, all, output_dir, working_copy, **options):
        if all == bool(date):
            raise CommandError("give either one DATE or --all --output-dir DIR")
        if all:
            if not output_dir:
                raise CommandError("--all needs --output-dir DIR")
            folder = Path(output_dir)
            folder.mkdir(parents=True, exist_ok=True)
            count = 0
            for issue in Issue.objects.order_by("publication_date"):
                path = folder / f"{issue.publication_date.isoformat()}.md"
                path.write_text(self.markdown(issue, working_copy), encoding="utf-8")
                count += 1
            self.stdout.write(self.style.SUCCESS(f"Wrote {count} issue(s) to {folder}."))
            return
        try:
            day = datetime.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"not a date: {date!r} (expected YYYY-MM-DD)") from None
        issue = Issue.objects.filter(publication_date=day).first()
        if issue is None:
            raise CommandError(f"no issue for {day.isoformat()}")
        self.stdout.write(self.markdown(issue, working_copy), ending="")

    def markdown(self, issue, working_copy):
        revision = None if working_copy else issue.live_revision()
        doc = revision.document() if revision else document_from_issue(issue)
        return issue_markdown(doc)
