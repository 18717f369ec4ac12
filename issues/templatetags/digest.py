from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import translation

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


@register.tag
def publication_fragment(parser, token):
    """``{% publication_fragment "name" value ... %}...{% endpublication_fragment %}``

    Renders its content once per publication state, language and values, on
    reader pages: for what shows only the publication settings, fixed
    addresses and translated texts (header, footer, headings), which would
    otherwise be rendered again on every uncached page. The fragments live in the process's
    catalogue (``issues.catalogue``), replaced with it when anything published
    changes. Elsewhere (previews, error pages) the content is rendered as usual.
    """
    name, *values = token.split_contents()[1:]
    nodelist = parser.parse(("endpublication_fragment",))
    parser.delete_first_token()
    return PublicationFragmentNode(
        nodelist, parser.compile_filter(name), [parser.compile_filter(value) for value in values]
    )


class PublicationFragmentNode(template.Node):
    # Its content is not searched for {% block %}s (which could not vary anyway):
    # {% extends %} walks every node of the parent template on every render.
    child_nodelists = ()

    def __init__(self, nodelist, name, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        catalogue = getattr(context.get("request"), "catalogue", None)
        if catalogue is None:
            return self.nodelist.render(context)
        key = (
            self.name.resolve(context),
            translation.get_language(),
            get_script_prefix(),
            *(value.resolve(context) for value in self.values),
        )
        html = catalogue.fragments.get(key)
        if html is None:
            html = catalogue.fragments[key] = self.nodelist.render(context)
        return html
