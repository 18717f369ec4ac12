"""Calling a WSGI application from inside the process, as a server would."""

from django.core import signals
from django.db import close_old_connections


def call_wsgi(application, environ):
    """The reply to ``environ``: (status line, header list, body bytes).

    Django closes the database connection after each request when a server
    calls it; here the caller keeps its connection (and any transaction it is
    in), as Django's own test client does.
    """
    sent = {}

    def start_response(status, headers, exc_info=None):
        sent["status"], sent["headers"] = status, headers

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return sent["status"], sent["headers"], body
