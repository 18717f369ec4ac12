"""How an issue's status looks in the admin."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from issues.models import Status

STATUS_COLOURS = {
    Status.DRAFT: "#6c757d",
    Status.IN_REVIEW: "#b35c00",
    Status.CHANGES_REQUESTED: "#c0392b",
    Status.SCHEDULED: "#1f6fb2",
    Status.PUBLISHED: "#1e7e34",
}

READ_ONLY_REASONS = {
    Status.IN_REVIEW: _("此期正在审核中，内容只读。如需修改，请审稿人先“要求修改”。"),
    Status.SCHEDULED: _("此期已批准并排期发布，内容只读。如需修改，请先“撤回发布”。"),
}


def status_badge(status):
    return format_html(
        '<span class="status-badge" style="background:{};color:#fff;padding:1px 8px;'
        'border-radius:10px;white-space:nowrap">{}</span>',
        STATUS_COLOURS.get(status, "#6c757d"),
        Status(status).label,
    )
