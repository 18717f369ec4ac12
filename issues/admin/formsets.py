"""Formsets that validate forty entries without asking the database forty times."""

import nested_admin
from django import forms
from django.core.exceptions import ValidationError


class LoadedRowField(forms.ModelChoiceField):
    """A formset row's hidden primary key, checked against the rows the formset loaded.

    Django's own field runs ``queryset.get(pk=…)`` for every row; the formset
    has already read all of its rows in one query, and a key that is not
    among them (another issue's entry, a row deleted meanwhile) is refused
    just the same.
    """

    def __init__(self, formset, *args, **kwargs):
        self.formset = formset
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            key = self.formset.model._meta.pk.to_python(value)
        except ValidationError:
            key = None
        row = self.formset._existing_object(key) if key is not None else None
        if row is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return row


class PositionedFormSet(nested_admin.NestedInlineFormSet):
    """Sections' and entries' formset: a save costs queries for what changed only."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self._pk_field.name
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, LoadedRowField):
            form.fields[name] = LoadedRowField(
                self,
                field.queryset,
                initial=field.initial,
                required=False,
                widget=field.widget,
            )

    def get_saved_instance_for_form(self, form, commit, form_instances=None):
        # nested-admin re-reads every existing row (twice) to see whether it
        # moved to another parent; a row the editor did not touch has nothing
        # to write and nothing to re-read.
        if form._is_initial and not form.has_changed() and not self._should_delete_form(form):
            return None
        return super().get_saved_instance_for_form(form, commit, form_instances)
