"""The comparison site's page: a lead and a stream of headed link entries, like an issue."""

from django.db import models  # noqa: F401 - Wagtail's app template imports it
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page


class EntryBlock(blocks.StructBlock):
    label = blocks.CharBlock(required=False)
    title = blocks.CharBlock()
    source = blocks.CharBlock(required=False)
    url = blocks.URLBlock(required=False)
    summary = blocks.RichTextBlock(required=False)

    class Meta:
        template = "home/entry_block.html"


class HomePage(Page):
    lead = RichTextField(blank=True)
    body = StreamField([("entry", EntryBlock()), ("heading", blocks.CharBlock())], blank=True)
