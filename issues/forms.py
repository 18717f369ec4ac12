"""Forms of the issue admin: the change form's lost-edit guard and the workflow actions' input.

The workflow actions' forms only read what was typed; the rules (a comment
is required, a schedule lies in the future, a share link lives 1–90 days)
are the workflow's, and the admin shows the workflow's message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

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
        from issues import workflow

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


class WorkflowActionForm(forms.Form):
    """What a workflow button posts; ``issue`` gives the version being looked at."""

    def __init__(self, data=None, *, issue=None, **kwargs):
        super().__init__(data, **kwargs)
        if issue is not None and "version" in self.fields:
            self.fields["version"].initial = issue.version


class ApproveForm(WorkflowActionForm):
    # The version the reviewer looked at: approval is of that content only.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("页面缺少审阅的版本号，请重新打开此页后再批准。")},
    )


class ScheduleForm(ApproveForm):
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("请选择发布时间。")},
    )


class RequestChangesForm(WorkflowActionForm):
    comment = forms.CharField(
        label=_("修改意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


class UnpublishForm(WorkflowActionForm):
    reason = forms.CharField(
        label=_("撤回原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(label=_("有效天数"), initial=7)
