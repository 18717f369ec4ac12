"""Sections and their entries, edited on the issue page as nested inlines."""

import nested_admin
from django import forms
from django.db import models

from issues import workflow
from issues.admin.formsets import PositionedFormSet
from issues.models import Entry, Issue, Publication, Section

# Stored rows are moved this far aside while a formset rewrites positions.
POSITION_OFFSET = 1_000_000


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
    formset = PositionedFormSet
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
    formset = PositionedFormSet
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
