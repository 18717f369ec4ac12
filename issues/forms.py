"""What the workflow's actions and the share form read from a POST.

These forms only read what was typed; the rules (a comment is required, a
schedule lies in the future, a share link lives 1–90 days) are the
workflow's, and the admin shows the workflow's message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _


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
