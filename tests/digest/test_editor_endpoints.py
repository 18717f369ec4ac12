"""The Markdown editor's preview and upload endpoints are for editors only."""

import io
import os
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def uploaded_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


def test_anonymous_visitor_cannot_upload_an_image(client, media_root):
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = client.post(reverse("markdownx_upload"), {"image": upload})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert uploaded_files(media_root) == []


def test_anonymous_visitor_cannot_use_the_preview(client, db):
    response = client.post(reverse("markdownx_markdownify"), {"content": "**x**"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_editor_preview_is_sanitised(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("markdownx_markdownify"),
        {"content": "**粗体** <script>alert(1)</script> [x](javascript:alert(1))"},
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<strong>粗体</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html


def test_editor_uploads_an_image_into_media_root(client, editor, media_root):
    client.force_login(editor)
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = client.post(
        reverse("markdownx_upload"), {"image": upload}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert len(uploaded_files(media_root)) == 1


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        ("x.html", b"<script>alert(1)</script>", "text/html"),
        ("fake.png", b"<script>alert(1)</script>", "image/png"),
        ("broken.png", PNG[:40], "image/png"),
    ],
)
def test_editor_upload_of_anything_but_a_readable_image_is_refused(
    client, editor, media_root, name, content, content_type
):
    client.force_login(editor)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(
        reverse("markdownx_upload"), {"image": upload}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert uploaded_files(media_root) == []


def test_image_over_the_size_limit_is_refused(client, editor, media_root, settings):
    side = 1200
    noise = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > settings.MARKDOWNX_UPLOAD_MAX_SIZE
    client.force_login(editor)
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = client.post(
        reverse("markdownx_upload"), {"image": upload}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert uploaded_files(media_root) == []
