import nested_admin
from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from issues.models import Entry, Issue, Publication, Section

POSITION_OFFSET = 1_000_000


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


class EntryInline(nested_admin.NestedStackedInline):
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
    formfield_overrides = {}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name in ("extra_links", "metadata"):
            formset.form.base_fields[name].widget.attrs.update({"rows": 2})
        return formset


class SectionInline(nested_admin.NestedStackedInline):
    model = Section
    form = PositionedInlineForm
    extra = 0
    sortable_field_name = "position"
    fields = [("title", "position"), "note"]
    inlines = [EntryInline]

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(Publication.load().section_titles())
        return 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is None:
            # A new issue starts with the publication's default sections.
            initial = [
                {"title": title, "position": position}
                for position, title in enumerate(Publication.load().section_titles())
            ]
            formset.__init__ = _with_initial(formset.__init__, initial)
        return formset


def _with_initial(init, initial):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", initial)
        init(self, *args, **kwargs)

    return __init__


@admin.register(Issue)
class IssueAdmin(nested_admin.NestedModelAdmin):
    list_display = ["publication_date", "headline", "status", "entry_count", "updated_at"]
    list_filter = ["status"]
    search_fields = ["headline", "preamble", "sections__entries__title"]
    date_hierarchy = "publication_date"
    readonly_fields = ["status"]
    fields = ["publication_date", "headline", "preamble", "status"]
    inlines = [SectionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(entry_total=Count("sections__entries", distinct=True))
        )

    @admin.display(description=_("条目数"), ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
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


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    fields = ["name", "tagline", "default_section_titles", "archive_url", "footer", "licence"]

    def has_add_permission(self, request):
        return not Publication.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
