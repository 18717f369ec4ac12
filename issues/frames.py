"""Reader pages drawn in a frame rendered once per publication state.

Every issue page is the same template around a different issue: the head,
the header, the footer and the headings stay the same until something
published changes, and rendering them is most of what an uncached issue page
costs (``/archive/`` is all frame but for its address). A ``Frame`` renders
the template once with a marker where each value that differs between pages
goes (its *slots*), and keeps the text between the markers; a page is then
those texts joined with its own values, escaped as the template would have
escaped them. Frames live in the catalogue (``issues.catalogue``), replaced
with it when the publication state changes, as ``{% publication_fragment %}``s
are.

What the template may do with a slot: show it with a plain ``{{ name }}``
(no filter), and test whether it is empty. A marker is never empty, so a
frame holds only for values that are not either: ``fill`` answers None for an
empty value and the page is rendered from the template as usual.
"""

import re

from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

# NUL cannot reach rendered text: PostgreSQL text cannot hold it and requests
# carrying it are refused (``digest.middleware.RejectNulMiddleware``).
_MARKER = "\x00{}\x00"


class Frame:
    def __init__(self, template, context, request, slots):
        """``template`` (a loaded template) rendered with ``slots`` left open."""
        markers = {name: mark_safe(_MARKER.format(name)) for name in slots}  # noqa: S308
        rendered = template.render({**context, **markers}, request)
        names = "|".join(re.escape(name) for name in slots)
        parts = re.split(_MARKER.format(f"({names})"), rendered)
        # Kept encoded: a page of mostly frame (the archive) is then not
        # encoded again for every reader.
        self.texts = [text.encode() for text in parts[0::2]]
        self.slots = parts[1::2]

    def fill(self, values):
        """The page, UTF-8, with ``values`` (name -> value) in its slots; None if one is empty."""
        if not all(values[name] for name in self.slots):
            return None
        page = [self.texts[0]]
        for name, text in zip(self.slots, self.texts[1:], strict=True):
            page += (conditional_escape(values[name]).encode(), text)
        return b"".join(page)
