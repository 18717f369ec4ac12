"""Re-renders the stored HTML of every approved revision.

Run after a change to the sanitiser or the issue templates: readers are
served stored HTML, which is otherwise rendered only once, at approval.
"""

from django.core.management.base import BaseCommand

from issues.models import Revision
from issues.publishing import freeze_revision


class Command(BaseCommand):
    help = "Re-render the stored HTML and search rows of every approved revision."

    def handle(self, *args, **options):
        count = 0
        for revision in Revision.objects.ever_approved().iterator():
            freeze_revision(revision)
            count += 1
        self.stdout.write(self.style.SUCCESS(f"Re-rendered {count} revision(s)."))
