"""The admin site: the editorial workspace's name, its home page and its clock.

Installed through ``digest.apps.DigestAdminConfig`` (Django's documented way
to replace the default site), so nothing changes the global site at import
time.
"""

import functools

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DigestAdminSite(admin.AdminSite):
    site_header = _("简报编辑部")
    site_title = _("简报编辑部")
    index_title = _("编辑与审核")
    index_template = "admin/digest_index.html"

    def admin_view(self, view, cacheable=False):
        """Every admin page first catches up with the clock.

        A scheduled issue whose time has come is public already; recording it
        as published here means editors and reviewers see the true status
        everywhere in the admin whether or not the scheduler has run.
        """

        @functools.wraps(view)
        def caught_up(request, *args, **kwargs):
            from issues import workflow

            workflow.publish_due()
            return view(request, *args, **kwargs)

        return super().admin_view(caught_up, cacheable)

    def index(self, request, extra_context=None):
        from issues.dashboard import desk

        return super().index(request, {**desk(request.user), **(extra_context or {})})
