"""The issue admin: the list, the fields, and how a save is written."""

import datetime

import nested_admin
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from issues import workflow
from issues.admin import composer
from issues.admin.display import status_badge
from issues.admin.filters import AwaitingMyReviewFilter, MyDraftsFilter, NeedsAttentionFilter
from issues.admin.forms import IssueAdminForm
from issues.admin.inlines import EntryInline, SectionInline, positions_set_aside
from issues.admin.views import IssueViewsMixin
from issues.models import Issue, Publication, Status

# Issues come out every two weeks: a new issue is proposed for two weeks
# after the latest one.
ISSUE_INTERVAL = datetime.timedelta(days=14)


@admin.register(Issue)
class IssueAdmin(IssueViewsMixin, nested_admin.NestedModelAdmin):
    form = IssueAdminForm
    list_display = ["publication_date", "headline", "status_display", "entry_count", "updated_at"]
    list_filter = [AwaitingMyReviewFilter, MyDraftsFilter, NeedsAttentionFilter, "status"]
    search_fields = ["headline", "preamble", "sections__entries__title"]
    date_hierarchy = "publication_date"
    readonly_fields = ["status_display"]
    inlines = [SectionInline]
    formfield_overrides = {
        MarkdownxField: {"widget": composer.LazyMarkdownWidget(attrs={"rows": 4})}
    }

    class Media:
        css = {"all": ["admin/issues/composer.css", "curation/curation.css"]}
        js = [
            "admin/issues/composer.js",
            "curation/texts.js",
            "curation/linkcheck.js",
            "curation/inbox_picker.js",
        ]

    def view_on_site(self, obj):
        # Readers find the issue at the date of the revision they see, which a
        # correction in progress may have changed; an issue readers cannot see
        # yet would 404 on the site, so it opens its preview.
        live = obj.live_revision()
        if live is not None:
            return reverse("issues:detail", args=[live.publication_date.isoformat()])
        return reverse("issues:preview", args=[obj.publication_date.isoformat()])

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, SectionInline) and obj.pk is None:
            # A new issue starts with the publication's default sections.
            kwargs["initial"] = [
                {"title": title, "position": position}
                for position, title in enumerate(Publication.load().section_titles())
            ]
        return kwargs

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "publication_date" not in initial:
            latest = Issue.objects.order_by("-publication_date").first()
            if latest is not None:
                initial["publication_date"] = latest.publication_date + ISSUE_INTERVAL
        return initial

    def get_fields(self, request, obj=None):
        fields = ["publication_date", "headline", "preamble"]
        if obj is not None:
            fields.append("status_display")
            if self.has_change_permission(request, obj):
                fields.append("loaded_version")
        return fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(entry_total=Count("sections__entries", distinct=True))
        )

    @admin.display(description=_("条目数"), ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total

    @admin.display(description=_("状态"), ordering="status")
    def status_display(self, obj):
        return status_badge(obj.status)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Never delete what readers may be seeing; unpublish it instead.
        if obj is not None and obj.revisions.approved().exists():
            return False
        return super().has_delete_permission(request, obj)

    # The composer ------------------------------------------------------------

    def get_urls(self):
        entries = self.admin_site.admin_view(
            lambda request: composer.parse_entries_view(self, request)
        )
        return [
            path("composer/entries/", entries, name="issues_issue_composer_entries"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context.update(
            composer_config=composer.config_json(obj),
            composer_marks=composer.entry_marks(obj) if obj is not None else {},
            entry_field_help=EntryInline.field_help(),
            show_save_and_add_another=False,
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def response_change(self, request, obj):
        """A workflow button pressed with unsaved edits: they were saved, now do what it says."""
        response = super().response_change(request, obj)
        action = request.POST.get("_then_action")
        if not action:
            return response
        return HttpResponseRedirect(self._perform(request, obj, action))

    # Saving ------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # the form asks the workflow whether this user may save
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            # Status, submitter and version belong to the workflow: write the
            # values of the row locked while the form was validated, never
            # those read when the request began.
            locked = form.locked
            obj.status, obj.submitted_by_id = locked.status, locked.submitted_by_id
            obj.version = locked.version
            obj.bump_version()
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with positions_set_aside(form.instance if change else None):
            super().save_related(request, form, formsets, change)
        issue = form.instance
        was_published = issue.status == Status.PUBLISHED
        workflow.record_save(issue, request.user)
        if was_published:
            messages.info(
                request,
                gettext("已开始更正：读者继续看到已批准的版本，直到新版本审核通过。"),
            )
