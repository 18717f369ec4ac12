"""Django's test client, through the WSGI application that gunicorn serves."""

from django.http import HttpResponse
from django.test import Client

from digest.wsgi import application
from issues.inprocess import call_wsgi


class WSGIClient(Client):
    """Requests pass ``digest.wsgi.application``, WSGI middleware included.

    Django's own client calls its request handler directly, so what stands in
    front of Django in production (``issues.cache.RepeatedRequests``) would go
    untested. Responses carry status, headers, body and cookies as sent.
    """

    def request(self, **request):
        status, headers, body = call_wsgi(application, self._base_environ(**request))
        response = HttpResponse(body, status=int(status.split()[0]))
        del response["Content-Type"]
        for name, value in headers:
            if name.lower() == "set-cookie":
                self.cookies.load(value)
            else:
                response[name] = value
        return response
