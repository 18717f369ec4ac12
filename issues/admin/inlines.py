"""Sections and their entries, edited on the issue page as nested inlines."""

from contextlib import contextmanager

import nested_admin
from django import forms
from django.contrib.admin.utils import flatten
from django.db import models, transaction
from django.db.models import F
from markdownx.models import MarkdownxField

from curation.forms import link_check_attrs
from issues import workflow
from issues.admin.composer import LazyMarkdownWidget
from issues.admin.formsets import PositionedFormSet
from issues.models import Entry, Issue, Publication, Section

# Stored rows are moved this far aside while the formsets rewrite positions.
POSITION_OFFSET = 1_000_000


@contextmanager
def positions_set_aside(issue):
    """Lets the issue page's formsets give rows each other's positions.

    Rows trade places within a section and entries move between sections, so
    a row may claim a position another row still holds in the database until
    a later formset saves it. Every stored section and entry of ``issue`` is
    moved out of the way first; rows no form rewrote move back afterwards.
    """
    if issue is None or issue.pk is None:
        yield
        return
    rows = [Section.objects.filter(issue=issue), Entry.objects.filter(section__issue=issue)]
    with transaction.atomic():
        for queryset in rows:
            queryset.update(position=F("position") + POSITION_OFFSET)
        yield
        for queryset in rows:
            queryset.filter(position__gte=POSITION_OFFSET).update(
                position=F("position") - POSITION_OFFSET
            )


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


def _has_entries_kept_as_written(request, section):
    """Whether the issue of ``section`` holds entries an import kept as written (asked once)."""
    if section is None or section.pk is None:
        return False
    cache = request.__dict__.setdefault("_digest_attention", {})
    if section.issue_id not in cache:
        entries = Entry.objects.filter(section__issue_id=section.issue_id)
        cache[section.issue_id] = entries.needing_attention().exists()
    return cache[section.issue_id]


class WorkflowGuardedInline:
    """Inlines are read-only whenever the issue is (in review, scheduled)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and _issue_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _issue_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _issue_editable(request, obj)


class ComposerInline:
    """An inline of the composer: light widgets, no per-row help, positions by order.

    A page may hold forty entries: text boxes are short (``textarea_rows``;
    the Markdown ones grow as you type), help texts are shown once per group
    by the template instead of on every row, Markdown fields preview lazily,
    and the position is a hidden field that follows the rows' order on the
    page (drag and drop or the move buttons), so no number box can promise a
    move that does not happen.
    """

    textarea_rows = {}
    unlabelled_ids = False
    formfield_overrides = {
        MarkdownxField: {"widget": LazyMarkdownWidget},
        # A link typed without a scheme is assumed to be https, as Django 6 will.
        # A plain input: the admin's "currently: … change: …" link doubles every URL.
        models.URLField: {"assume_scheme": "https", "widget": forms.URLInput},
    }

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["position"] = forms.HiddenInput
        formset = super().get_formset(request, obj, **kwargs)
        for name, field in formset.form.base_fields.items():
            field.help_text = ""
            # The composer's stylesheet sizes the boxes; the admin's classes are bytes x 40.
            field.widget.attrs.pop("cols", None)
            if field.widget.attrs.get("class") in {"vTextField", "vLargeTextField", "vURLField"}:
                del field.widget.attrs["class"]
            if self.unlabelled_ids and not field.widget.is_hidden:
                # The template wraps each box in its label, so it needs no id ("False" drops it).
                field.widget.attrs["id"] = False
            if name in self.textarea_rows:
                field.widget.attrs.update({"rows": self.textarea_rows[name]})
        return formset

    @classmethod
    def field_help(cls):
        """(label, help text) of this inline's fields, shown once above its rows."""
        fields = (cls.model._meta.get_field(name) for name in flatten(cls.fields))
        return [(field.verbose_name, field.help_text) for field in fields if field.help_text]


class PositionedInlineForm(forms.ModelForm):
    """Lets drag-and-drop swap positions.

    Two rows trading places collide with each other's *stored* position
    until both are saved, so the per-row database check skips ``position``;
    the formset still refuses two rows claiming the same position, and
    ``positions_set_aside`` moves the stored rows aside before writing.
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


class EntryInline(WorkflowGuardedInline, ComposerInline, nested_admin.NestedStackedInline):
    model = Entry
    form = PositionedInlineForm
    formset = PositionedFormSet
    extra = 0
    sortable_field_name = "position"
    template = "admin/issues/issue/composer/entries.html"
    fields = ["label", "title", "source", "url", "extra_links", "metadata", "summary", "position"]
    textarea_rows = {"extra_links": 1, "metadata": 2, "summary": 3}
    unlabelled_ids = True

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if _has_entries_kept_as_written(request, obj):
            # Legacy entries kept as written: the editor clears the reason once repaired.
            return ["attention", *fields]
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Duplicate warnings and suggestions for a pasted link (static/curation/linkcheck.js).
        formset.form.base_fields["url"].widget.attrs.update(link_check_attrs("entry"))
        return formset


class SectionInline(WorkflowGuardedInline, ComposerInline, nested_admin.NestedStackedInline):
    model = Section
    form = DefaultSectionForm
    formset = PositionedFormSet
    extra = 0
    sortable_field_name = "position"
    template = "admin/issues/issue/composer/sections.html"
    fields = ["title", "note", "position"]
    inlines = [EntryInline]
    # Section notes are a line or two ("> 注：…").
    textarea_rows = {"note": 1}

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(Publication.load().section_titles())
        return 0
