from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = _("简报")

    def ready(self):
        # Cached public pages follow every change of what is published.
        from issues.cache import connect_signals

        connect_signals()
