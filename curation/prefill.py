"""Suggestions for a pasted link: title, site name, a summary draft, an arXiv label.

The page is fetched through ``curation.fetching`` (address-checked, size- and
time-limited) and read with the standard library's HTML parser: the Open
Graph and ``citation_*`` tags sites publish for link previews, else
``<title>`` and the description. Results, including "nothing", are cached by
the link's normalised key, so pasting a link twice costs one fetch. Any
failure is an empty suggestion; the reason is logged, never shown.
"""

import hashlib
import html
import logging
import re
from html.parser import HTMLParser

from django.conf import settings
from django.core.cache import cache

from curation.fetching import FetchRefused, fetch
from curation.normalize import arxiv_id, normalize_url

logger = logging.getLogger(__name__)

FIELD_LIMITS = {"title": 500, "source": 100, "summary": 1000, "label": 100}
FAILURE_CACHE_SECONDS = 300
_space = re.compile(r"\s+")


class _HeadReader(HTMLParser):
    """Collects ``<title>`` and ``<meta>`` values until ``<body>`` starts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = {}
        self.title_parts = []
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "body":
            self.done = True
        elif tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = dict(attrs)
            name = (values.get("property") or values.get("name") or "").strip().lower()
            content = values.get("content")
            if name and content and name not in self.meta:
                self.meta[name] = content

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title and not self.done:
            self.title_parts.append(data)


def _clean(value, limit):
    text = _space.sub(" ", html.unescape(value or "")).strip()
    return text[:limit]


def _decode(page):
    charset = page.charset
    if not charset:
        match = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", page.body[:4096], re.I)
        charset = match.group(1).decode("ascii") if match else "utf-8"
    try:
        return page.body.decode(charset, errors="replace")
    except LookupError:
        return page.body.decode("utf-8", errors="replace")


def suggestions_from_html(text: str) -> dict:
    reader = _HeadReader()
    reader.feed(text)
    meta = reader.meta
    first = lambda *names: next((meta[n] for n in names if meta.get(n)), "")  # noqa: E731
    return {
        "title": _clean(
            first("citation_title", "og:title", "twitter:title") or "".join(reader.title_parts),
            FIELD_LIMITS["title"],
        ),
        "source": _clean(first("og:site_name", "application-name"), FIELD_LIMITS["source"]),
        "summary": _clean(
            first("og:description", "description", "twitter:description"),
            FIELD_LIMITS["summary"],
        ),
    }


def _fetch_suggestions(url):
    try:
        page = fetch(url)
    except FetchRefused as refusal:
        logger.info("no prefill for %s: %s", url[:200], refusal)
        return {}
    if page.content_type not in {"text/html", "application/xhtml+xml"}:
        return {}
    return {key: value for key, value in suggestions_from_html(_decode(page)).items() if value}


def suggest(url: str) -> dict:
    """``{"title", "source", "summary", "label"}``, each only when there is something to say."""
    key = normalize_url(url)
    if not key:
        return {}
    cache_key = "curation:prefill:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    cached = cache.get(cache_key)
    if cached is None:
        cached = _fetch_suggestions(url.strip())
        timeout = settings.CURATION_PREFILL_CACHE_SECONDS if cached else FAILURE_CACHE_SECONDS
        cache.set(cache_key, cached, timeout)
    result = dict(cached)
    identifier = arxiv_id(url)
    if identifier:
        result["label"] = identifier
    return result
