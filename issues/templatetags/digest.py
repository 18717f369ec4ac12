from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    """``path`` as an absolute URL on the host the page was requested from."""
    request = context.get("request")
    if request is None or not path:
        return path or ""
    return request.build_absolute_uri(path)


@register.simple_tag
def path(name, *args):
    """``{% url name args %}`` for the links every reader page carries, remembered.

    The same dozen addresses are on every page; ``reverse()`` costs more than
    a page's rendering otherwise does. Keyed by the script prefix, so a site
    mounted under a sub-path gets its own.
    """
    return _path(get_script_prefix(), name, args)


@lru_cache(maxsize=4096)
def _path(prefix, name, args):
    return reverse(name, args=args)
