from django.contrib.admin.apps import AdminConfig


class DigestAdminConfig(AdminConfig):
    default_site = "digest.admin.DigestAdminSite"
