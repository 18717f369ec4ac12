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
