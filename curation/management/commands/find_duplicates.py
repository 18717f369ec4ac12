"""Lists every link that appears more than once across all issues (and the inbox)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from curation.duplicates import duplicate_groups
from curation.models import InboxItem


class Command(BaseCommand):
    help = _("列出在多期简报（及收集箱）中重复出现的链接。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--inbox",
            action="store_true",
            help=_("也报告收集箱里与往期或彼此重复的链接。"),
        )

    def handle(self, *args, inbox=False, **options):
        groups = duplicate_groups(include_inbox=inbox)
        for key, rows in groups.items():
            self.stdout.write(f"{key}  ({len(rows)}×)")
            for row in rows:
                if isinstance(row, InboxItem):
                    where = f"{_('收集箱')} · {row.get_status_display()}"
                    title = row.title or row.url
                else:
                    issue = row.section.issue
                    where = f"{issue.publication_date.isoformat()} · {row.section.title}"
                    title = row.title
                self.stdout.write(f"    {where} · {title}\n      {row.url}")
        summary = _("%(count)d 个链接重复出现。") % {"count": len(groups)}
        self.stdout.write(self.style.SUCCESS(summary) if not groups else summary)
