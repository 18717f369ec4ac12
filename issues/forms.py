"""Forms of the issue admin: the change form's lost-edit guard and the workflow buttons."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from issues.models import Issue


class IssueAdminForm(forms.ModelForm):
    """Refuses a save based on an older version of the issue.

    The form carries the version it was loaded with. ``clean()`` locks the
    issue's row (``select_for_update``; the admin runs the whole request in
    one transaction) and compares: a concurrent save either finished first,
    and this one is refused, or waits for this one to commit. The admin then
    writes ``locked_version + 1``.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Issue
        fields = ["publication_date", "headline", "preamble"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked_version = None
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        current = Issue.objects.select_for_update().get(pk=self.instance.pk)
        loaded = cleaned_data.get("loaded_version")
        if loaded != current.version:
            who = current.updated_by.get_username() if current.updated_by else _("他人")
            raise ValidationError(
                _("此期已被 %(user)s 于 %(time)s 修改，请刷新后再编辑。"),
                code="stale_version",
                params={
                    "user": who,
                    "time": f"{timezone.localtime(current.updated_at):%Y-%m-%d %H:%M}",
                },
            )
        self.locked_version = current.version
        return cleaned_data

    def save(self, commit=True):
        if "headline" in self.changed_data:
            # Legacy imports keep whatever stood between the date and the
            # headline; once an editor changes the headline the house form wins.
            self.instance.headline_separator = "：" if self.instance.headline else ""
        return super().save(commit)


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("修改意见"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("要求修改时必须写明修改意见。")},
    )


class ScheduleForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("请选择发布时间。")},
    )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise ValidationError(_("排期时间必须在将来。"), code="publish_at_past")
        return publish_at


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"required": _("撤回发布时必须写明原因。")},
    )


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=90, initial=7)
