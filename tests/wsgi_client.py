"""Django's test client, through the WSGI application that gunicorn serves."""

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client

from digest.wsgi import application


class WSGIClient(Client):
    """Requests pass ``digest.wsgi.application``, WSGI middleware included.

    Django's own client calls its request handler directly, so what stands in
    front of Django in production (``issues.cache.RepeatedRequests``) would go
    untested. Responses carry status, headers, body and cookies as sent.
    """

    def request(self, **request):
        environ = self._base_environ(**request)
        sent = {}

        def start_response(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers

        # As Django's client does: the test's transaction must survive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = application(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

        response = HttpResponse(body, status=int(sent["status"].split()[0]))
        del response["Content-Type"]
        for name, value in sent["headers"]:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
            else:
                response[name] = value
        return response
