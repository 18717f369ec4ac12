"""The admin site: the editorial workspace's name.

Installed through ``digest.apps.DigestAdminConfig`` (Django's documented way
to replace the default site), so nothing changes the global site at import
time.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class DigestAdminSite(admin.AdminSite):
    site_header = _("简报编辑部")
    site_title = _("简报编辑部")
    index_title = _("编辑与审核")
