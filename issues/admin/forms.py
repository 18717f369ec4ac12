"""The issue change form: its guard against lost edits."""

from django import forms

from issues import workflow
from issues.models import Issue


class IssueAdminForm(forms.ModelForm):
    """Refuses a save based on an older version of the issue.

    The form carries the version it was loaded with. ``clean()`` asks the
    workflow to lock the issue's row (the admin runs the whole request in one
    transaction) and compare: a concurrent save or transition either finished
    first, and this save is refused, or waits for this one to commit. The
    admin then writes the next version.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Issue
        fields = ["publication_date", "headline", "preamble"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = None
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        self.locked = workflow.lock_for_edit(
            self.instance, self.user, cleaned_data.get("loaded_version")
        )
        return cleaned_data

    def save(self, commit=True):
        if "headline" in self.changed_data:
            # Legacy imports keep whatever stood between the date and the
            # headline; once an editor changes the headline the house form wins.
            self.instance.headline_separator = "：" if self.instance.headline else ""
        return super().save(commit)
