"""Crawls the public site in-process and reports broken internal links.

Follows every same-site link from the home page, the sitemap, robots.txt and
the feeds; fails on any link that does not answer 200 (after redirects) and on
any HTML page without a <title>.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes, urldefrag, urlsplit
from wsgiref.util import setup_testing_defaults

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand, CommandError

from issues.inprocess import call_wsgi

START = ["/", "/archive/", "/sitemap.xml", "/robots.txt", "/feed/", "/feed/atom/"]
XML_LINK = re.compile(r'<loc>([^<]+)</loc>|<link>([^<]+)</link>|href="([^"]+)"')
# Static files are checked where they are collected (the production boot check).
SKIP_PREFIXES = ("/admin/", "/markdownx/", "/_nested_admin/", "/i18n/", "/static/", "/media/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in {"a", "link"} and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in {"img", "script"} and attrs.get("src"):
            self.links.append(attrs["src"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def internal_path(link, site_host):
    link, _fragment = urldefrag(link)
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    if parts.netloc and parts.netloc != site_host:
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class InProcessSite:
    """GETs this project's pages in-process through its whole WSGI stack, over "https"."""

    MAX_REDIRECTS = 5

    def __init__(self, host):
        self.host = host
        self.handler = WSGIHandler()

    def get(self, path):
        """(status, content type, body) of ``path``, following same-site redirects."""
        for _ in range(self.MAX_REDIRECTS + 1):
            status, headers, body = self._request(path)
            location = headers.get("Location")
            if status not in {301, 302, 303, 307, 308} or not location:
                return status, headers.get("Content-Type", ""), body
            path = internal_path(location, self.host)
            if path is None:
                return status, "", b""
        return status, "", b""

    def _request(self, path):
        path_part, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            # WSGI passes the path decoded, as latin-1 characters.
            "PATH_INFO": unquote_to_bytes(path_part).decode("latin-1"),
            "QUERY_STRING": query,
            "HTTP_HOST": self.host,
            "wsgi.url_scheme": "https",
            "SERVER_PORT": "443",
        }
        setup_testing_defaults(environ)
        status, headers, body = call_wsgi(self.handler, environ)
        return int(status.split()[0]), dict(headers), body


class Command(BaseCommand):
    help = "Crawl the public site and fail on broken internal links or pages without a title."

    def handle(self, *args, **options):
        host = urlsplit(settings.SITE_URL).netloc or "localhost"
        broken, untitled, seen = self.crawl(InProcessSite(host), host)
        for path, status, referrer in broken:
            self.stdout.write(f"BROKEN {status} {path} (linked from {referrer})")
        for path in untitled:
            self.stdout.write(f"NO TITLE {path}")
        summary = f"{len(seen)} pages crawled, {len(broken)} broken, {len(untitled)} untitled."
        if broken or untitled:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))

    def crawl(self, site, host):
        queue = deque((path, "start") for path in START)
        seen, broken, untitled = set(), [], []
        while queue:
            path, referrer = queue.popleft()
            if path in seen or path.startswith(SKIP_PREFIXES):
                continue
            seen.add(path)
            status, content_type, body = site.get(path)
            if status != 200:
                broken.append((path, status, referrer))
                continue
            text = body.decode("utf-8", errors="replace")
            if "html" in content_type:
                parser = LinkParser()
                parser.feed(text)
                if not parser.title.strip():
                    untitled.append(path)
                links = parser.links
            elif "xml" in content_type:
                links = _xml_links(text)
            else:
                links = []
            for link in links:
                target = internal_path(link, host)
                if target and target not in seen:
                    queue.append((target, path))
        return broken, untitled, seen


def _xml_links(text):
    return [next(group for group in match if group) for match in XML_LINK.findall(text)]
