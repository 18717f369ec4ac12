"""The inbox in the admin: a short add form, search, filters, archive and pull actions."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from curation import services
from curation.forms import INBOX_FIELDS, PullForm, link_check_attrs
from curation.models import InboxItem
from curation.views import bookmarklet_code
from issues.models import Issue, Section, Status

# How many recent issues the pull action offers sections of.
PULL_TARGET_ISSUES = 12


class IntendedSectionFilter(admin.SimpleListFilter):
    title = _("打算放入的栏目")
    parameter_name = "intended_section"

    def lookups(self, request, model_admin):
        titles = (
            InboxItem.objects.exclude(intended_section="")
            .order_by("intended_section")
            .values_list("intended_section", flat=True)
            .distinct()
        )
        return [(title, title) for title in titles]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(intended_section=self.value())
        return queryset


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = [
        "display_title",
        "source",
        "intended_section",
        "status",
        "created_by",
        "created_at",
        "where_used",
    ]
    list_filter = [
        "status",
        IntendedSectionFilter,
        ("created_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "url", "source", "label", "note"]
    fields = INBOX_FIELDS
    readonly_fields = []
    actions = ["pull_into_section", "archive", "restore"]
    list_select_related = ["created_by", "used_issue"]
    date_hierarchy = "created_at"

    class Media:
        css = {"all": ["curation/curation.css"]}
        js = ["curation/texts.js", "curation/linkcheck.js"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return INBOX_FIELDS
        return [*INBOX_FIELDS, "status", "created_by", "created_at", "where_used"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["status", "created_by", "created_at", "where_used"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            item = getattr(request, "_curation_item_pk", None)
            kwargs["widget"] = forms.URLInput(
                attrs={**link_check_attrs("inbox", item=item), "class": "vURLField"}
            )
            kwargs["assume_scheme"] = "https"
        if db_field.name in {"summary", "note"}:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The link check must not report the item being edited as its own duplicate.
        request._curation_item_pk = object_id
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "bookmarklet": bookmarklet_code(request)}
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Stale items are archived, not deleted: the inbox is also the record
        # of what was considered. Superusers may still clean up.
        return request.user.is_superuser

    @admin.display(description=_("标题"), ordering="title")
    def display_title(self, obj):
        return obj.title or obj.url

    @admin.display(description=_("用于"))
    def where_used(self, obj):
        if obj.used_issue is None:
            return obj.used_section_title or "—"
        return format_html(
            '<a href="{}">{} · {}</a>',
            reverse("admin:issues_issue_change", args=[obj.used_issue_id]),
            f"{obj.used_issue.publication_date:%Y-%m-%d}",
            obj.used_section_title,
        )

    @admin.action(description=_("归档所选链接"), permissions=["change"])
    def archive(self, request, queryset):
        count = services.archive(list(queryset), request.user)
        self.message_user(
            request, ngettext("归档了 %d 条链接。", "归档了 %d 条链接。", count) % count
        )

    @admin.action(description=_("恢复所选的已归档链接"), permissions=["change"])
    def restore(self, request, queryset):
        count = services.restore(list(queryset), request.user)
        self.message_user(
            request, ngettext("恢复了 %d 条链接。", "恢复了 %d 条链接。", count) % count
        )

    @admin.action(description=_("加入某期的栏目…"), permissions=["change"])
    def pull_into_section(self, request, queryset):
        recent = list(
            Issue.objects.exclude(status__in=[Status.IN_REVIEW, Status.SCHEDULED])
            .order_by("-publication_date")
            .values_list("pk", flat=True)[:PULL_TARGET_ISSUES]
        )
        sections = (
            Section.objects.filter(issue__in=recent)
            .select_related("issue")
            .order_by("-issue__publication_date", "position")
        )
        form = PullForm(request.POST if "section" in request.POST else None, sections=sections)
        if form.is_valid():
            try:
                entries = services.pull_into_section(
                    list(queryset), form.cleaned_data["section"], request.user
                )
            except (ValidationError, PermissionDenied) as error:
                messages_list = getattr(error, "messages", None) or [str(error)]
                for message in messages_list:
                    self.message_user(request, message, messages.ERROR)
                return None
            section = form.cleaned_data["section"]
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext("%d 条链接已加入", "%d 条链接已加入", len(entries)) % len(entries),
                    reverse("admin:issues_issue_change", args=[section.issue_id]),
                    f"{section.issue.publication_date:%Y-%m-%d} · {section.title}",
                ),
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("加入某期的栏目"),
            "opts": self.model._meta,
            "items": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/curation/inboxitem/pull.html", context)
