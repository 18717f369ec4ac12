from django import template
from django.utils.html import json_script

from curation.texts import script_texts

register = template.Library()


@register.simple_tag
def curation_texts():
    """The curation scripts' words for this page, as ``<script id="curation-text">``."""
    return json_script(script_texts(), "curation-text")
