import re

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from digest import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("markdownx/", include("markdownx.urls")),
    path("_nested_admin/", include("nested_admin.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("issues.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images on local disk. django.views.static.serve refuses paths
    # outside MEDIA_ROOT and answers conditional requests; a proxy in front
    # serving MEDIA_ROOT itself is faster (then DJANGO_SERVE_MEDIA=0), and with
    # DJANGO_S3_BUCKET set the bucket serves them (the README's "Deploying" section).
    urlpatterns.append(
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    )
