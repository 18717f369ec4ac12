"""Template filters of the issue page's composer."""

from django import template

from issues.admin.composer import hostname as _hostname

register = template.Library()


@register.filter
def hostname(url):
    return _hostname(url)


@register.filter
def entry_mark(marks, pk):
    """ "new" or "changed" since the last approval, from ``composer_marks``; else ""."""
    if not marks or pk is None:
        return ""
    return marks.get(pk, "")
