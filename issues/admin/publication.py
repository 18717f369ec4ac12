"""Publication settings: one row, shown on every page and feed."""

from django.contrib import admin
from django.db import models

from issues.models import Publication


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["name", "tagline", "default_section_titles", "archive_url", "footer", "licence"]

    def has_add_permission(self, request):
        return not Publication.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
