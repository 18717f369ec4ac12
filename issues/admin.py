"""The editors' and reviewers' workspace.

Content is edited in nested inlines (sections, then entries, drag-and-drop
ordered). Status is never a field: the buttons on the issue page are the
transitions ``workflow.available_actions()`` offers this user, each posting
to a small admin view that calls ``issues.workflow`` and reports its refusal
as a message. The same page shows the audit timeline and the share links;
history, diff and review are admin views of their own.
"""

import datetime
import difflib

import nested_admin
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from issues import documents, housefmt, workflow
from issues.exporting import issue_markdown
from issues.forms import (
    IssueAdminForm,
    RequestChangesForm,
    ScheduleForm,
    ShareLinkForm,
    UnpublishForm,
)
from issues.models import Entry, Issue, Publication, Revision, Section, Status
from issues.workflow import Action, TransitionError

POSITION_OFFSET = 1_000_000

STATUS_COLOURS = {
    Status.DRAFT: "#6c757d",
    Status.IN_REVIEW: "#b35c00",
    Status.CHANGES_REQUESTED: "#c0392b",
    Status.SCHEDULED: "#1f6fb2",
    Status.PUBLISHED: "#1e7e34",
}

READ_ONLY_REASONS = {
    Status.IN_REVIEW: _("此期正在审核中，内容只读。如需修改，请审稿人先“要求修改”。"),
    Status.SCHEDULED: _("此期已批准并排期发布，内容只读。如需修改，请先“撤回发布”。"),
}


def status_badge(status):
    return format_html(
        '<span class="status-badge" style="background:{};color:#fff;padding:1px 8px;'
        'border-radius:10px;white-space:nowrap">{}</span>',
        STATUS_COLOURS.get(status, "#6c757d"),
        Status(status).label,
    )


# --- Inlines ----------------------------------------------------------------


def _issue_editable(request, obj):
    """Whether the issue behind ``obj`` (an issue, a section or None) may be edited now."""
    if obj is None:
        return workflow.can_edit(request.user, None)
    issue_id = obj.pk if isinstance(obj, Issue) else obj.issue_id
    if issue_id is None:
        return workflow.can_edit(request.user, None)
    cache = request.__dict__.setdefault("_digest_editable", {})
    if issue_id not in cache:
        issue = obj if isinstance(obj, Issue) else Issue.objects.get(pk=issue_id)
        cache[issue_id] = workflow.can_edit(request.user, issue)
    return cache[issue_id]


class WorkflowGuardedInline:
    """Inlines are read-only whenever the issue is (in review, scheduled)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _issue_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _issue_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _issue_editable(request, obj)


class CompactTextareas:
    """Inlines set ``textarea_rows`` to shorten their text boxes: a page may hold forty."""

    textarea_rows = {}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, rows in self.textarea_rows.items():
            if name in formset.form.base_fields:
                formset.form.base_fields[name].widget.attrs.update({"rows": rows})
        return formset


class PositionedInlineForm(forms.ModelForm):
    """Lets drag-and-drop swap positions.

    Two rows trading places collide with each other's *stored* position
    until both are saved, so the per-row database check skips ``position``;
    the formset still refuses two rows claiming the same position, and
    ``save_formset`` moves the stored rows aside before writing.
    """

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.add("position")
        return exclusions


class DefaultSectionForm(PositionedInlineForm):
    """A default section offered on a new issue is saved even if left untouched.

    Formsets skip extra forms whose data equals their initial values, which
    would silently drop the publication's default sections.
    """

    def has_changed(self):
        offered = self.instance._state.adding and bool(self.initial.get("title"))
        return super().has_changed() or offered


class EntryInline(WorkflowGuardedInline, CompactTextareas, nested_admin.NestedStackedInline):
    model = Entry
    form = PositionedInlineForm
    extra = 0
    sortable_field_name = "position"
    fields = [
        ("label", "title"),
        ("source", "url"),
        "extra_links",
        "metadata",
        "summary",
        "position",
    ]
    # A link typed without a scheme is assumed to be https, as Django 6 will.
    # A plain input: the admin's "currently: … change: …" link doubles every
    # entry's URL on a page that may hold forty of them.
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https", "widget": forms.URLInput(attrs={"size": 60})}
    }
    # Forty entries have to fit on one page: short boxes (the Markdown ones grow as you type).
    textarea_rows = {"extra_links": 1, "metadata": 2, "summary": 4}

    class Media:
        css = {"all": ["admin/issues/issue_form.css"]}


class SectionInline(WorkflowGuardedInline, CompactTextareas, nested_admin.NestedStackedInline):
    model = Section
    form = DefaultSectionForm
    extra = 0
    sortable_field_name = "position"
    fields = [("title", "position"), "note"]
    inlines = [EntryInline]
    # Section notes are a line or two ("> 注：…").
    textarea_rows = {"note": 2}

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(Publication.load().section_titles())
        return 0


# --- List filters -------------------------------------------------------------


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


# --- Diff -------------------------------------------------------------------------


def _segments(old, new):
    """Two versions of a line as [(changed, text)] pairs, for highlighting within it."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    old_parts, new_parts = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i2 > i1:
            old_parts.append((tag != "equal", old[i1:i2]))
        if j2 > j1:
            new_parts.append((tag != "equal", new[j1:j2]))
    return old_parts, new_parts


def diff_rows(old_text, new_text, context=3):
    """A unified line diff as rows for ``_diff_table.html`` (which escapes the text).

    Each row: ``kind`` (equal / delete / insert / skip), the old and new line
    numbers, and ``segments``: (changed, text) pairs, so that a changed line
    shows which characters changed.
    """
    old, new = old_text.splitlines(), new_text.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    rows = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number:
            rows.append({"kind": "skip"})
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    {
                        "kind": "equal",
                        "old_no": i + 1,
                        "new_no": j + 1,
                        "segments": [(False, old[i])],
                    }
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            deleted = [
                {"kind": "delete", "old_no": i + 1, "new_no": "", "segments": [(True, old[i])]}
                for i in range(i1, i2)
            ]
            inserted = [
                {"kind": "insert", "old_no": "", "new_no": j + 1, "segments": [(True, new[j])]}
                for j in range(j1, j2)
            ]
            for before, after in zip(deleted, inserted, strict=False):
                before["segments"], after["segments"] = _segments(
                    before["segments"][0][1], after["segments"][0][1]
                )
            rows.extend(deleted)
            rows.extend(inserted)
    return rows


def revision_text(revision):
    return housefmt.dump(revision.document())


def working_copy_text(issue):
    return housefmt.dump(documents.document_from_issue(issue))


# --- The issue admin --------------------------------------------------------------


admin.site.site_header = _("简报编辑部")
admin.site.site_title = _("简报编辑部")
admin.site.index_title = _("编辑与审核")

# Issues come out every two weeks: a new issue is proposed for two weeks
# after the latest one.
ISSUE_INTERVAL = datetime.timedelta(days=14)


@admin.register(Issue)
class IssueAdmin(nested_admin.NestedModelAdmin):
    form = IssueAdminForm
    list_display = ["publication_date", "headline", "status_display", "entry_count", "updated_at"]
    list_filter = [AwaitingMyReviewFilter, MyDraftsFilter, "status"]
    search_fields = ["headline", "preamble", "sections__entries__title"]
    date_hierarchy = "publication_date"
    readonly_fields = ["status_display"]
    inlines = [SectionInline]

    def view_on_site(self, obj):
        # An issue readers cannot see yet would 404 on the site: show its preview.
        if obj.is_public():
            return obj.get_absolute_url()
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

    # Saving ------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        else:
            obj.version = form.locked_version + 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_formset(self, request, form, formset, change):
        if formset.model not in (Section, Entry) or formset.instance.pk is None:
            return super().save_formset(request, form, formset, change)
        # Move the stored rows out of the way so reordered rows can take each
        # other's positions without tripping the unique constraint; rows the
        # form did not change are moved back afterwards.
        parent_field = "issue" if formset.model is Section else "section"
        siblings = formset.model.objects.filter(**{parent_field: formset.instance})
        siblings.update(position=F("position") + POSITION_OFFSET)
        super().save_formset(request, form, formset, change)
        siblings.filter(position__gte=POSITION_OFFSET).update(
            position=F("position") - POSITION_OFFSET
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        issue = form.instance
        was_published = issue.status == Status.PUBLISHED
        workflow.record_save(issue, request.user)
        if was_published:
            messages.info(
                request,
                gettext("已开始更正：读者继续看到已批准的版本，直到新版本审核通过。"),
            )

    # Views ----------------------------------------------------------------------

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        urls = [
            path(
                "<path:object_id>/workflow/<str:action>/",
                view(self.transition_view),
                name="issues_issue_transition",
            ),
            path("<path:object_id>/review/", view(self.review_view), name="issues_issue_review"),
            path("<path:object_id>/diff/", view(self.diff_view), name="issues_issue_diff"),
            path(
                "<path:object_id>/markdown/",
                view(self.markdown_view),
                name="issues_issue_markdown",
            ),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                view(self.restore_view),
                name="issues_issue_restore",
            ),
            path("<path:object_id>/share/", view(self.share_view), name="issues_issue_share"),
            path(
                "<path:object_id>/share/<int:link_id>/revoke/",
                view(self.revoke_share_view),
                name="issues_issue_share_revoke",
            ),
        ]
        return urls + super().get_urls()

    def _get_issue(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _change_url(self, issue):
        return reverse("admin:issues_issue_change", args=[issue.pk])

    def _workflow_context(self, request, issue):
        actions = workflow.available_actions(issue, request.user)
        preview_url = reverse("issues:preview", args=[issue.publication_date.isoformat()])
        share_links = list(issue.share_links.select_related("created_by"))
        for link in share_links:
            link.full_url = request.build_absolute_uri(link.get_absolute_url())
        return {
            "issue": issue,
            "status_badge": status_badge(issue.status),
            "workflow_actions": actions,
            "Action": Action,
            "request_changes_form": RequestChangesForm(),
            "schedule_form": ScheduleForm(),
            "unpublish_form": UnpublishForm(),
            "share_form": ShareLinkForm(),
            "can_share": workflow.can_share(request.user, issue),
            "share_links": share_links,
            "events": issue.events.select_related("actor", "revision"),
            "read_only_reason": READ_ONLY_REASONS.get(issue.status, ""),
            "is_correction": issue.status == Status.PUBLISHED,
            "live_revision": issue.live_revision(),
            "preview_url": preview_url,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if issue is not None and self.has_view_or_change_permission(request, issue):
            if request.method == "POST" and not issue.is_editable():
                messages.error(request, READ_ONLY_REASONS[issue.status])
                return HttpResponseRedirect(request.path)
            extra_context = {**self._workflow_context(request, issue), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _report(request, error):
        if isinstance(error, ValidationError):
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.error(request, str(error) or gettext("你没有权限执行此操作。"))

    def transition_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        try:
            self._transition(request, issue, action)
        except (PermissionDenied, TransitionError, ValidationError) as error:
            self._report(request, error)
        return HttpResponseRedirect(self._change_url(issue))

    def _transition(self, request, issue, action):
        user = request.user
        if action == Action.SUBMIT:
            workflow.submit_for_review(issue, user)
            messages.success(request, gettext("已提交审核，审稿人会收到通知。"))
        elif action == Action.REQUEST_CHANGES:
            form = RequestChangesForm(request.POST)
            # An empty comment goes to the workflow, which refuses it itself.
            comment = form.cleaned_data["comment"] if form.is_valid() else ""
            workflow.request_changes(issue, user, comment)
            messages.success(request, gettext("已要求修改，提交者会收到通知。"))
        elif action == Action.APPROVE:
            workflow.approve(issue, user)
            messages.success(request, gettext("已批准并发布。"))
        elif action == Action.SCHEDULE:
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            workflow.approve(issue, user, publish_at=form.cleaned_data["publish_at"])
            messages.success(request, gettext("已批准，将按排期时间发布。"))
        elif action == Action.UNPUBLISH:
            form = UnpublishForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            workflow.unpublish(issue, user, reason)
            messages.success(request, gettext("已撤回发布，读者不再能看到此期。"))
        else:
            raise Http404

    def review_view(self, request, object_id):
        issue = self._get_issue(request, object_id)
        base = (
            issue.revisions.filter(go_live_at__isnull=False).order_by("-go_live_at", "-pk").first()
        )
        current = working_copy_text(issue)
        context = {
            **self.admin_site.each_context(request),
            **self._workflow_context(request, issue),
            "opts": self.opts,
            "title": gettext("审核：%(issue)s") % {"issue": issue},
            "original": issue,
            "base": base,
            "rows": diff_rows(revision_text(base) if base else "", current),
            "first_publication": base is None,
        }
        return TemplateResponse(request, "admin/issues/issue/review.html", context)

    def markdown_view(self, request, object_id):
        """The working copy as a house-format file, for the team's git repository and WeChat."""
        issue = self._get_issue(request, object_id)
        markdown = issue_markdown(documents.document_from_issue(issue))
        response = HttpResponse(markdown, content_type="text/markdown; charset=utf-8")
        filename = f"{issue.publication_date.isoformat()}.md"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def diff_view(self, request, object_id):
        issue = self._get_issue(request, object_id)

        def side(key, default):
            value = request.GET.get(key, default)
            if value == "current":
                return None, working_copy_text(issue)
            try:
                revision = issue.revisions.get(pk=int(value))
            except (ValueError, TypeError, Revision.DoesNotExist):
                raise Http404 from None
            return revision, revision_text(revision)

        revisions = list(issue.revisions.order_by("-created_at", "-pk")[:2])
        default_old = str(revisions[1].pk) if len(revisions) > 1 else "current"
        old, old_text = side("from", default_old)
        new, new_text = side("to", "current")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("比较修订：%(issue)s") % {"issue": issue},
            "original": issue,
            "old": old,
            "new": new,
            "rows": diff_rows(old_text, new_text),
        }
        return TemplateResponse(request, "admin/issues/issue/diff.html", context)

    def history_view(self, request, object_id, extra_context=None):
        issue = self.get_object(request, unquote(object_id))
        if issue is not None:
            revisions = list(issue.revisions.select_related("created_by", "approved_by"))
            for revision, older in zip(revisions, revisions[1:], strict=False):
                revision.previous_pk = older.pk
            extra_context = {
                "revisions": revisions,
                "can_restore": workflow.can_edit(request.user, issue)
                and issue.status in workflow.TRANSITIONS[Action.RESTORE],
                **(extra_context or {}),
            }
        return super().history_view(request, object_id, extra_context)

    def restore_view(self, request, object_id, revision_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        revision = get_object_or_404(Revision, pk=revision_id, issue=issue)
        try:
            workflow.restore_revision(revision, request.user)
        except (PermissionDenied, TransitionError, ValidationError) as error:
            self._report(request, error)
        else:
            messages.success(request, gettext("已恢复该修订为当前草稿。"))
        return HttpResponseRedirect(self._change_url(issue))

    def share_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        form = ShareLinkForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            workflow.create_share_link(issue, request.user, days=form.cleaned_data["days"])
        except (PermissionDenied, ValidationError) as error:
            self._report(request, error)
        else:
            messages.success(request, gettext("已创建分享链接。"))
        return HttpResponseRedirect(self._change_url(issue))

    def revoke_share_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._get_issue(request, object_id)
        link = get_object_or_404(issue.share_links, pk=link_id)
        try:
            workflow.revoke_share_link(link, request.user)
        except PermissionDenied as error:
            self._report(request, error)
        else:
            messages.success(request, gettext("已撤销分享链接。"))
        return HttpResponseRedirect(self._change_url(issue))


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["name", "tagline", "default_section_titles", "archive_url", "footer", "licence"]

    def has_add_permission(self, request):
        return not Publication.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
