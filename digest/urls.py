import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.urls import include, path, re_path
from markdownx.views import MarkdownifyView

from issues.uploads import ImageUploadView, serve_media

# The editor's live preview and image upload are for the people who edit
# issues, not for the open internet.
editors_only = permission_required("issues.change_issue", raise_exception=True)

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "markdownx/upload/",
        editors_only(ImageUploadView.as_view()),
        name="markdownx_upload",
    ),
    path(
        "markdownx/markdownify/",
        editors_only(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path("_nested_admin/", include("nested_admin.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("curation/", include("curation.urls")),
    path("", include("issues.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images on local disk, served as images only (issues.uploads).
    # A proxy in front serving MEDIA_ROOT itself is faster (then
    # DJANGO_SERVE_MEDIA=0) and must send the same headers; with
    # DJANGO_S3_BUCKET set the bucket serves them (the README's "Deploying" section).
    urlpatterns.append(
        re_path(
            rf"^{re.escape(urlsplit(settings.MEDIA_URL).path.lstrip('/'))}(?P<path>.+)$",
            serve_media,
            name="media",
        )
    )
