"""The project's URLs plus a view that fails (logging tests) and one with its own policy."""

from csp.decorators import csp_update
from django.http import HttpResponse
from django.urls import path

from digest.urls import urlpatterns as project_urlpatterns


def fail_with_the_password(request):
    """Fails the way careless code does: the password ends up in the exception."""
    raise RuntimeError(
        f"could not sign in {request.POST['username']} with {request.POST['password']}"
    )


@csp_update({"img-src": ["https://images.example.org"]})
def with_its_own_policy(request):
    return HttpResponse("an embed")


urlpatterns = [
    path("boom/", fail_with_the_password),
    path("own-policy/", with_its_own_policy),
    *project_urlpatterns,
]
