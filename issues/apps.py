from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("简报")

    def ready(self):
        # Cached public pages follow every change of what is published.
        from django.db.models.signals import post_delete

        from issues.cache import connect_signals
        from issues.models import PublicEntry, Revision

        connect_signals()
        # Deleting a later approved revision makes an earlier one live again.
        post_delete.connect(
            lambda instance, **kwargs: PublicEntry.objects.restamp([instance.issue_id]),
            sender=Revision,
            weak=False,
            dispatch_uid="restamp-on-revision-delete",
        )
