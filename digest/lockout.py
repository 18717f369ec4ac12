"""Who a failed login is counted against (django-axes, configured in settings)."""

from django.conf import settings


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind a proxy the last address in
    ``settings.CLIENT_IP_HEADER``, the one the proxy appended itself (earlier
    entries come from the client and can say anything)."""
    if settings.CLIENT_IP_HEADER:
        meta_key = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = [part.strip() for part in request.META.get(meta_key, "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
