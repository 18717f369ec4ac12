"""Security headers and the media route (digest/settings.py, digest/urls.py).

The policy itself was checked in Chromium against the admin (change list,
nested inlines with drag and drop, markdownx live preview) and the public
pages: no violations with the enforced policy; without 'unsafe-inline' in
style-src the admin's inline styles are refused.
"""

from http import HTTPStatus

import pytest
from csp.utils import build_policy
from django.urls import reverse


@pytest.fixture
def enforced_csp(settings):
    """The production arrangement: the same policy, enforced instead of report-only."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    if policy:
        settings.CONTENT_SECURITY_POLICY = policy
        del settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    return settings.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_pages_send_the_content_security_policy(client, db, enforced_csp, path):
    response = client.get(path, follow=True)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/", "/archive/", "/admin/login/", "/static/css/site.css"])
def test_every_response_carries_the_policy_django_csp_builds_from_the_settings(
    client, db, enforced_csp, path
):
    for _ in range(2):  # built on the first response, remembered for the second
        response = client.get(path, follow=True)

        assert response["Content-Security-Policy"] == build_policy()


@pytest.mark.urls("tests.digest.urls")
def test_a_view_with_its_own_policy_keeps_it(client, db, enforced_csp):
    client.get("/")

    policy = client.get("/own-policy/")["Content-Security-Policy"]

    assert "https://images.example.org" in policy
    assert "img-src 'self' data: https: https://images.example.org" in policy


def test_a_changed_policy_reaches_the_next_response(client, db, enforced_csp, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert client.get("/")["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_pages_send_nosniff_referrer_policy_and_deny_framing(client, db, path):
    response = client.get(path, follow=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_development_reports_policy_violations_without_enforcing_them(settings):
    # tests run with DJANGO_DEBUG unset, i.e. the development arrangement
    assert settings.CONTENT_SECURITY_POLICY_REPORT_ONLY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_media_route_refuses_paths_outside_media_root(client, db):
    response = client.get(reverse("media", args=["../digest/settings.py"]))

    # 404: not an image type; 400 (SuspiciousFileOperation) would do as well
    assert response.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}
    assert b"SECRET_KEY" not in response.content


def test_media_route_answers_404_for_a_missing_upload(client, db):
    response = client.get("/media/markdownx/no-such-image.png")

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "url",
    ["/search/?q=%00", "/search/?q=a%00b", "/sources/%00/", "/issues/2026-01-01%00/"],
)
def test_nul_characters_in_a_url_are_a_bad_request_not_a_server_error(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content
