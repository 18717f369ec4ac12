from django.http import HttpResponseBadRequest

from digest import health


class ProbeMiddleware:
    """Answer the health probes before any other middleware runs.

    Load balancers and container runtimes probe by IP address over plain HTTP,
    so the probes must not depend on ``ALLOWED_HOSTS`` (``CommonMiddleware``
    would answer 400) or be redirected to HTTPS (``SecurityMiddleware``). Put
    this class first in ``MIDDLEWARE``. The probes read no session, cookie or
    user, and reveal nothing beyond which dependency is unavailable.
    """

    probes = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class RejectNulMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL character.

    PostgreSQL cannot store or compare text containing NUL, so such a value
    reaching a query would be a server error; no legitimate link contains one.
    (Form fields are already covered by Django's ProhibitNullCharactersValidator.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest(
                "Bad request: NUL characters are not allowed.", content_type="text/plain"
            )
        return self.get_response(request)
