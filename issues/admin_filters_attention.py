"""Admin pieces for entries imported as written ("needs attention").

A legacy entry whose head line could not be split into fields is stored with
``Entry.attention`` saying why. Editors find such issues with the list filter
and see the badge on the entry until they repair it and clear the box.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class NeedsAttentionFilter(admin.SimpleListFilter):
    title = _("需要处理")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("有原样保留的条目"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needing_attention()
        return queryset


@admin.display(description=_("需要处理"))
def attention_badge(entry):
    """The badge on an entry kept as written; empty for a sound entry."""
    if not entry.attention:
        return ""
    return format_html(
        '<span class="attention-badge" title="{}">{}</span>',
        entry.attention,
        _("需要处理：原样保留"),
    )
