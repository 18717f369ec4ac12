"""The issue list's filters: what is waiting for me, what needs repair."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from issues.models import Issue


class AwaitingMyReviewFilter(admin.SimpleListFilter):
    title = _("待我审核")
    parameter_name = "awaiting_my_review"

    def lookups(self, request, model_admin):
        return [("1", _("待我审核"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        return queryset & Issue.objects.approvable_by(request.user)


class MyDraftsFilter(admin.SimpleListFilter):
    title = _("我的草稿")
    parameter_name = "my_drafts"

    def lookups(self, request, model_admin):
        return [("1", _("我的草稿"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        return queryset & Issue.objects.drafts_of(request.user)


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("需要处理")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("有原样保留的条目"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needing_attention()
        return queryset
