from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from curation.models import InboxItem

INBOX_FIELDS = ["url", "title", "source", "label", "summary", "intended_section", "note"]


def link_check_attrs(kind, *, check_on_load=False, item=None):
    """Attributes that make ``static/curation/linkcheck.js`` watch a URL input.

    ``kind`` is "entry" (the script sends the sibling ``id`` field so an entry
    is not reported as its own duplicate) or "inbox".
    """
    attrs = {
        "data-curation-duplicates-url": reverse_lazy("curation:duplicates"),
        "data-curation-prefill-url": reverse_lazy("curation:prefill"),
        "data-curation-kind": kind,
    }
    if check_on_load:
        attrs["data-curation-check-on-load"] = "1"
    if item is not None:
        attrs["data-curation-item"] = str(item)
    return attrs


class CollectForm(forms.ModelForm):
    """The bookmarklet's form: the link and what the editor wants to remember about it."""

    url = forms.URLField(
        label=InboxItem._meta.get_field("url").verbose_name,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs=link_check_attrs("inbox", check_on_load=True)),
    )

    class Meta:
        model = InboxItem
        fields = INBOX_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }


class PullForm(forms.Form):
    """Which section the selected inbox items go to (admin action)."""

    section = forms.ModelChoiceField(queryset=None, label=_("加入栏目"))

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections
        self.fields["section"].label_from_instance = lambda section: (
            f"{section.issue.publication_date:%Y-%m-%d} · {section.title}"
        )
