import csp.constants
import csp.middleware
import csp.utils
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the site-wide policy built once.

    django-csp builds the header from the settings on every response, which
    costs a twentieth of an uncached page. A response whose request used no
    nonce and whose view set no policy of its own (``csp.decorators``) always
    gets the same headers, so those are built once per process (again when a
    test changes the settings). Everything else goes through django-csp.
    """

    # What a view or the request can set that changes the headers.
    PER_RESPONSE = (
        "_csp_exempt",
        "_csp_exempt_ro",
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )
    _site_headers = None

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self.PER_RESPONSE
        ):
            return super().process_response(request, response)
        headers = CSPMiddleware._site_headers
        if headers is None:
            headers = CSPMiddleware._site_headers = _site_csp_headers()
        if headers is False:  # DEBUG or excluded paths: django-csp decides per response
            return super().process_response(request, response)
        for header, value in headers:
            if header not in response:
                response[header] = value
        # As django-csp does: asking for a nonce once the header is written is an error.
        request.csp_nonce = csp.middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response


def _site_csp_headers():
    """The headers for responses without nonce or per-view policy, or False."""
    policies = (
        (csp.constants.HEADER, getattr(settings, "CONTENT_SECURITY_POLICY", None)),
        (
            csp.constants.HEADER_REPORT_ONLY,
            getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None),
        ),
    )
    if settings.DEBUG or any((policy or {}).get("EXCLUDE_URL_PREFIXES") for _h, policy in policies):
        return False
    headers = [
        (csp.constants.HEADER, csp.utils.build_policy()),
        (csp.constants.HEADER_REPORT_ONLY, csp.utils.build_policy(report_only=True)),
    ]
    return [(header, value) for header, value in headers if value]


@receiver(setting_changed)
def _forget_csp_headers(setting, **kwargs):
    if setting in ("DEBUG", "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        CSPMiddleware._site_headers = None
