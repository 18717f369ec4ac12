"""The project's URLs plus one view that fails, for the logging tests."""

from django.urls import path

from digest.urls import urlpatterns as project_urlpatterns


def fail_with_the_password(request):
    """Fails the way careless code does: the password ends up in the exception."""
    raise RuntimeError(
        f"could not sign in {request.POST['username']} with {request.POST['password']}"
    )


urlpatterns = [path("boom/", fail_with_the_password), *project_urlpatterns]
