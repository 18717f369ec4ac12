"""Public pages cached whole, and never stale.

Every public page (home, issues, archive, feeds, sitemap, source pages,
search, ``.md``) shows nothing but the published layer and the publication
settings. Instead of every workflow step remembering to purge, pages are
cached under a key that holds the *publication state*: the latest moment a
revision was frozen or withdrawn, the latest ``go_live_at`` that has passed,
and the settings' ``updated_at`` (one index-backed query), plus the language,
the host and a hash of the deployed code. Approval, a correction's approval,
unpublishing, an import, ``rerender``, a settings save and a scheduled
revision's time passing all change that state, whoever caused them and
whether or not any job ran; deleting an approved revision touches the settings
row. A change therefore simply means a new key: no reader can get the old page
once the change has committed. Entries never outlive the next go-live moment,
so the cache holds no dead weight.

How a request learns the current state depends on the cache (see
``current_state``): with per-process memory each request asks the database;
with a shared cache (Redis) a generation token, replaced by model signals
after every commit touching the published layer, spares the query.

The same state gives each page its validators without rendering it: the ETag
is a hash of the key, ``Last-Modified`` the latest of those moments. A
conditional request with a matching validator gets a 304; every page says
``Cache-Control: public, max-age=0, must-revalidate`` (plus ``s-maxage`` when
the operator purges a CDN, ``DIGEST_CACHE_S_MAXAGE``). Stored pages keep a
gzip and a brotli copy. Public pages carry no CSRF token, no cookie and nothing
about the user, which is what makes both caching and compressing them safe
(BREACH needs a secret on the page); a response that sets a cookie or varies
on it is never cached or compressed.

``PageCacheMiddleware`` serves hits before sessions, CSRF, authentication and
template rendering run; views opt in with ``public_page``. In front of Django,
``RepeatedRequests`` (the WSGI application in ``digest.wsgi``) answers a
request identical to one this process just answered with a public page, with
the same reply, for as long as the publication state has not changed.
"""

import datetime
import gzip
import hashlib
import threading
from collections import OrderedDict
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_http_date_safe

from issues.generations import current_generation, new_generation
from issues.models import Issue, Publication, Revision

try:
    import brotli
except ImportError:  # optional: gzip only
    brotli = None

CACHEABLE_STATUS = {200, 301}
# Headers the cache writes itself, on hits and misses alike.
OWN_HEADERS = {"etag", "last-modified", "cache-control", "content-length", "content-encoding"}
MIN_COMPRESS_BYTES = 200


def public_page(view, *, seconds=None):
    """Mark ``view`` as a public page: shows only published content, same for everyone.

    ``seconds`` keeps its pages for a shorter time than usual: search has as
    many pages as readers (and crawlers) type queries.
    """

    @wraps(view)
    def page(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    page.public_page = True
    page.page_seconds = seconds
    return page


def _code_version():
    """A hash of what renders pages, so a deploy never serves pages cached by the old code."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha1()
    for folder, pattern in (
        ("templates", "**/*.html"),
        ("issues", "**/*.py"),
        ("locale", "**/*.mo"),
    ):
        for path in sorted((root / folder).glob(pattern)):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()


def _state_sql():
    quote = connection.ops.quote_name
    revisions = quote(Revision._meta.db_table)
    settings_table = quote(Publication._meta.db_table)
    return (
        f"SELECT (SELECT MAX(frozen_at) FROM {revisions}),"
        f" (SELECT MAX(withdrawn_at) FROM {revisions}),"
        f" (SELECT MAX(go_live_at) FROM {revisions} WHERE go_live_at <= %s),"
        f" (SELECT MIN(go_live_at) FROM {revisions}"
        f"  WHERE go_live_at > %s AND withdrawn_at IS NULL),"
        f" (SELECT MAX(updated_at) FROM {settings_table})"
    )


class PublicationState:
    """What readers see, reduced to a few timestamps (one query)."""

    def __init__(self, now, generation=""):
        adapted = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(_state_sql(), [adapted, adapted])
            row = cursor.fetchone()
        frozen, withdrawn, last_live, self.next_live, updated = (_aware(value) for value in row)
        moments = [moment for moment in (frozen, withdrawn, last_live, updated) if moment]
        self.last_modified = max(moments) if moments else None
        if self.last_modified is not None:
            self.last_modified_second = int(self.last_modified.timestamp())
            self.last_modified_http = http_date(self.last_modified_second)
        self.version = hashlib.sha1(
            repr((generation, frozen, withdrawn, last_live, updated, CODE_VERSION)).encode()
        ).hexdigest()[:16]

    def expired(self, now):
        """A scheduled revision has gone live since this state was read."""
        return self.next_live is not None and now >= self.next_live

    def timeout(self, now):
        """Seconds a page may be kept: never past the next go-live moment."""
        longest = settings.DIGEST_PAGE_CACHE_SECONDS
        if self.next_live is None:
            return longest
        return max(1, min(longest, int((self.next_live - now).total_seconds()) + 1))


# --- Which state is current ----------------------------------------------------------------
#
# With a cache that only this process sees (the default, per-process memory),
# the database is the only thing all processes share: every request reads the
# state from it. With a shared cache (Redis: DIGEST_PAGE_CACHE_SHARED), the
# state is read from the database once per *generation*, a random token in the
# shared cache that is replaced after every committed change of the published
# layer (the signals below). A process keeps the state of the generation it
# last saw until the token changes or a scheduled revision's time comes. The
# token itself is pushed to every serving process before a change completes
# (``issues.generations``), so a cached page this process served lately
# (``_recent_pages``) costs no round trip at all.

_states: dict[int, PublicationState] = {}


def current_state(now) -> PublicationState:
    if not settings.DIGEST_PAGE_CACHE_SHARED:
        return PublicationState(now)
    # Pushed to this process by ``issues.generations`` (or read from the cache).
    generation = current_generation()
    state = _read_state(generation, now)
    if state is None:
        # Read after the token: a change committed since then replaces the
        # token, so this state can only ever be filed under a token readers
        # no longer use.
        state = PublicationState(now, generation)
        _states.clear()
        _states[generation] = state
    return state


def known_state(now):
    """The current state if this process has read it already, else None: never a query."""
    if not settings.DIGEST_PAGE_CACHE_SHARED:
        return None
    return _read_state(current_generation(), now)


def _read_state(generation, now):
    """The state this process read under ``generation``, unless a go-live moment has passed."""
    state = _states.get(generation)
    return None if state is None or state.expired(now) else state


def _published_layer_changed(sender, instance, **kwargs):
    # After the commit: a reader who then gets the token sees the new content
    # in the database.
    transaction.on_commit(new_generation, using=kwargs.get("using"))


def connect_signals():
    """Every write to what readers may see starts a new generation (``IssuesConfig.ready``)."""
    from issues.models import IssueEvent

    for model in (Revision, Publication, IssueEvent, Issue):
        post_save.connect(_published_layer_changed, sender=model, dispatch_uid=f"page-{model}")
        post_delete.connect(
            _published_layer_changed, sender=model, dispatch_uid=f"page-del-{model}"
        )
    post_delete.connect(
        _approved_revision_deleted, sender=Revision, dispatch_uid="page-revision-deleted"
    )


def _aware(value):
    # SQLite hands raw subquery results back as text, in UTC.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _approved_revision_deleted(sender, instance, **kwargs):
    """Deleting an issue removes its revisions: no timestamp above moves, so touch one."""
    if instance.go_live_at is not None:
        Publication.objects.update(updated_at=timezone.now())


class _Recent:
    """The last few things this process served, by key (thread-safe: gthread workers).

    What a key names never changes (the key holds the publication state), so
    keeping a copy in the process is as safe as the shared cache and saves
    fetching it again.
    """

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key, item):
        with self.lock:
            self.items[key] = item
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


# Stored pages (``PageCacheMiddleware``), by cache key.
_recent_pages = _Recent(size=100)

# The environ key under which ``PageCacheMiddleware`` says a reply may be repeated.
REPLY_STATE = "digest.page_cache.state"


def forget():
    """Drop what this process keeps besides the cache (a fresh process, for tests)."""
    _recent_pages.clear()
    _replies.clear()
    _states.clear()


@lru_cache(maxsize=4096)
def _public_view(urlconf, path):
    """The ``public_page`` view ``path`` leads to, or None (remembered: resolving is slow)."""
    try:
        view = resolve(path, urlconf).func
    except Resolver404:
        return None
    return view if getattr(view, "public_page", False) else None


@lru_cache(maxsize=4)
def _cache_control(s_maxage):
    cache_control = "public, max-age=0, must-revalidate"
    if s_maxage:
        cache_control += f", s-maxage={s_maxage}"
    return cache_control


def _accepted_encoding(request):
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    names = set()
    for part in accepted.lower().split(","):
        name, _semicolon, parameters = part.partition(";")
        if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            names.add(name.strip())
    if brotli is not None and "br" in names:
        return "br"
    if "gzip" in names:
        return "gzip"
    return None


def _storable(response):
    """Only what is the same for everyone: no cookie, nothing private, a final status."""
    cache_control = response.get("Cache-Control", "")
    return not (
        response.status_code not in CACHEABLE_STATUS
        or response.streaming
        or response.cookies
        or "cookie" in response.get("Vary", "").lower()
        or "private" in cache_control
        or "no-store" in cache_control
    )


class PageCacheMiddleware:
    """Serve public pages from the cache, answer conditional requests, compress.

    Put it after ``SecurityMiddleware`` (HTTPS redirect, security headers) and
    before the session, locale and CSRF middleware, whose work a hit skips.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not settings.DIGEST_PAGE_CACHE:
            return self.get_response(request)
        view = _public_view(settings.ROOT_URLCONF, request.path_info)
        if view is None:
            return self.get_response(request)

        now = timezone.now()
        state = current_state(now)
        # For the view on a miss (``issues.catalogue``): one state read per request.
        request.publication_state = state
        language = translation.get_language_from_request(request)
        identity = "|".join(
            (
                state.version,
                language,
                request.scheme,
                request.get_host(),
                request.get_full_path(),
            )
        )
        tag = hashlib.sha1(identity.encode()).hexdigest()[:24]
        encoding = _accepted_encoding(request)
        etag = f'"{tag}-{encoding}"' if encoding else f'"{tag}"'

        if self._not_modified(request, tag, state):
            response = HttpResponseNotModified()
            self._validators(response, etag, state, now)
            return response

        key = f"page:{tag}"
        head = request.method == "HEAD"
        stored = _recent_pages.get(key)
        if stored is None:
            stored = cache.get(key)
        if stored is None:
            response = self.get_response(request)
            if not _storable(response):
                return response
            if head:  # a HEAD response's body is not the page's: serve it, keep nothing
                self._validators(response, f'"{tag}"', state, now)
                return response
            timeout = state.timeout(now)
            if view.page_seconds:
                timeout = min(timeout, view.page_seconds)
            stored = self._store(key, response, timeout)
        _recent_pages.put(key, stored)
        response = self._response(stored, encoding, head=head)
        self._validators(response, etag, state, now)
        # ``RepeatedRequests`` may answer the same request again with this
        # reply while the state lasts; one without Last-Modified only until
        # the second it would claim is over.
        until = None
        if state.last_modified is not None and "Last-Modified" not in response:
            until = state.last_modified_second + 1
        request.environ[REPLY_STATE] = (state.version, until)
        return response

    def _not_modified(self, request, tag, state):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            return tag in if_none_match or if_none_match.strip() == "*"
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if not if_modified_since or state.last_modified is None:
            return False
        since = parse_http_date_safe(if_modified_since)
        if since is None:
            return False
        return int(state.last_modified.timestamp()) <= since

    def _store(self, key, response, timeout):
        body = response.content
        # Vary as every copy of the page will say it, so a hit need not patch it.
        patch_vary_headers(response, ("Accept-Language", "Accept-Encoding"))
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in OWN_HEADERS
        ]
        stored = {"status": response.status_code, "headers": headers, "identity": body}
        if len(body) >= MIN_COMPRESS_BYTES:
            stored["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
            if brotli is not None:
                stored["br"] = brotli.compress(body, quality=5)
        cache.set(key, stored, timeout)
        return stored

    def _response(self, stored, encoding, *, head):
        body = stored.get(encoding) if encoding else None
        if body is None:
            body, encoding = stored["identity"], None
        response = HttpResponse(b"" if head else body, status=stored["status"])
        for name, value in stored["headers"]:
            response[name] = value
        if encoding:
            response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(body))
        return response

    def _validators(self, response, etag, state, now):
        response["ETag"] = etag
        if state.last_modified is not None:
            # HTTP dates have whole seconds: a change later in the same second
            # would keep the same Last-Modified. Claim a second only once it is
            # over (clients revalidate with the ETag meanwhile).
            if now.timestamp() >= state.last_modified_second + 1:
                response["Last-Modified"] = state.last_modified_http
        response["Cache-Control"] = _cache_control(settings.DIGEST_CACHE_S_MAXAGE)
        patch_vary_headers(response, ("Accept-Language", "Accept-Encoding"))


# --- Repeated requests, answered before Django ---------------------------------------------------
#
# A cached page still costs Django's request cycle: a request object, six
# middleware and the response's headers, more than the page cache itself and
# most of what separates a cached page from what gunicorn can send. Public
# pages are the same for everyone and depend on nothing but the publication
# state and the request's address, language and accepted encodings, so the
# reply Django gave to one request is the reply to an identical one for as long
# as the state lasts.


def _request_key(environ):
    """Everything in a request that a public page's reply can depend on.

    Address (scheme, host, proxy headers, path, query), language (cookie and
    Accept-Language), encoding and method: at least what the page cache's own
    key and ``SecurityMiddleware`` read, as the client sent it.
    """
    cookie = environ.get("HTTP_COOKIE")
    language_cookie = None
    if cookie and settings.LANGUAGE_COOKIE_NAME in cookie:
        language_cookie = parse_cookie(cookie).get(settings.LANGUAGE_COOKIE_NAME)
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    return (
        environ.get("REQUEST_METHOD"),
        environ.get("wsgi.url_scheme"),
        environ.get(proxy_header[0]) if proxy_header else None,
        environ.get("HTTP_HOST"),
        environ.get("HTTP_X_FORWARDED_HOST"),
        environ.get("HTTP_X_FORWARDED_PORT"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
        environ.get("PATH_INFO"),
        environ.get("QUERY_STRING"),
        environ.get("HTTP_ACCEPT_LANGUAGE"),
        language_cookie,
        environ.get("HTTP_ACCEPT_ENCODING"),
    )


# Whole replies (``RepeatedRequests``), by request.
_replies = _Recent(size=200)


class RepeatedRequests:
    """WSGI middleware: answer a request identical to one just answered with a public page.

    ``digest.wsgi`` wraps Django's application with it. Only replies that
    ``PageCacheMiddleware`` marked are kept (a public page, whole, with its
    validators settled), filed under the request's key and the publication
    state's version. A request is answered from here only while this process
    already knows the current state without a query (a shared cache:
    ``known_state``) and that state is the reply's: after a change, or once a
    scheduled issue's time has come, every request goes to Django again.
    Conditional requests always go to Django, which answers 304.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or not settings.DIGEST_PAGE_CACHE
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
        ):
            return self.application(environ, start_response)
        key = _request_key(environ)
        reply = _replies.get(key)
        if reply is not None:
            (version, until), status, headers, body = reply
            now = timezone.now()
            state = known_state(now)
            if (
                state is not None
                and state.version == version
                and (until is None or now.timestamp() < until)
            ):
                start_response(status, list(headers))
                return [body]

        sent = []

        def remember_start_response(status, headers, exc_info=None):
            sent[:] = [status, list(headers)]
            return start_response(status, headers, exc_info)

        result = self.application(environ, remember_start_response)
        validity = environ.get(REPLY_STATE)
        if validity is None or not sent or int(sent[0][:3]) not in CACHEABLE_STATUS:
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        _replies.put(key, (validity, sent[0], sent[1], body))
        return [body]
