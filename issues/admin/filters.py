"""The issue list's filters: what is waiting for me."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from issues import workflow
from issues.models import Issue, Status


class AwaitingMyReviewFilter(admin.SimpleListFilter):
    title = _("待我审核")
    parameter_name = "awaiting_my_review"

    def lookups(self, request, model_admin):
        return [("1", _("待我审核"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        user = request.user
        if not workflow.is_reviewer(user):
            return queryset.none()
        pending = queryset.filter(status=Status.IN_REVIEW)
        if settings.DIGEST_FOUR_EYES:
            pending = pending & Issue.objects.awaiting_review_by(user)
            pending = pending.exclude(updated_by=user)
        return pending


class MyDraftsFilter(admin.SimpleListFilter):
    title = _("我的草稿")
    parameter_name = "my_drafts"

    def lookups(self, request, model_admin):
        return [("1", _("我的草稿"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        return queryset & Issue.objects.drafts_of(request.user)
