"""issues/uploads.py: an upload is stored as the image its bytes are, or not at all,
and media are served as images that can run nothing.

The files here are polyglots, not honest images: each is what an editor
trying to run a script on the site's origin would send.
"""

import io
import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from issues.uploads import MEDIA_POLICY

SCRIPT = b"<script>fetch('/admin/')</script>"


def encoded(fmt, frames=("red",), size=(8, 8)):
    buffer = io.BytesIO()
    pictures = [Image.new("RGB", size, colour) for colour in frames]
    pictures[0].save(
        buffer, fmt, save_all=len(pictures) > 1, append_images=pictures[1:], duration=40
    )
    return buffer.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file())


def upload(client, name, content, content_type):
    return client.post(
        reverse("markdownx_upload"),
        {"image": SimpleUploadedFile(name, content, content_type=content_type)},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


def uploaded_url(response):
    image_code = json.loads(response.content)["image_code"]
    assert image_code.startswith("![](") and image_code.endswith(")")
    return image_code[4:-1]


@pytest.mark.parametrize(
    "name, content, content_type, stored_as",
    [
        ("a.js", encoded("GIF") + SCRIPT, "image/gif", ".gif"),
        ("a.html", encoded("GIF") + b"<html><body>" + SCRIPT, "image/gif", ".gif"),
        ("a.png", encoded("PNG") + b"<html>" + SCRIPT, "image/png", ".png"),
        ("a.html", encoded("PNG"), "image/png", ".png"),
        ("photo.gif", encoded("JPEG"), "image/gif", ".jpg"),
        ("a.svg", encoded("WEBP") + SCRIPT, "image/svg+xml", ".webp"),
    ],
)
def test_upload_is_stored_under_the_extension_of_its_real_format_without_what_was_appended(
    client, editor, media_root, name, content, content_type, stored_as
):
    client.force_login(editor)
    response = upload(client, name, content, content_type)
    assert response.status_code == HTTPStatus.OK, response.content
    [stored] = stored_files(media_root)
    assert stored.suffix == stored_as
    assert stored.stem != name.rsplit(".", 1)[0]  # the server names it
    data = stored.read_bytes()
    assert b"<script" not in data and b"<html" not in data
    with Image.open(io.BytesIO(data)) as image:
        image.load()
    assert uploaded_url(response).endswith(stored.name)


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("a.js", b"GIF89a=1;alert(document.domain)//", "image/gif"),
        ("a.html", b"GIF89a<html><body>" + SCRIPT + b"</body></html>", "image/gif"),
        ("a.png", b"\x89PNG\r\n\x1a\n<html>" + SCRIPT, "image/png"),
        ("a.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/svg+xml"),
        (
            "a.gif",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/gif",
        ),
        ("a.bmp", b"BM" + encoded("BMP")[2:], "image/png"),
        ("a.html", b"<!doctype html>" + SCRIPT, "text/html"),
    ],
)
def test_upload_that_is_not_a_decodable_jpeg_png_gif_or_webp_is_refused_with_a_message(
    client, editor, media_root, name, content, content_type
):
    client.force_login(editor)
    response = upload(client, name, content, content_type)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "JPEG、PNG、GIF 或 WebP" in json.loads(response.content)["image"][0]
    assert stored_files(media_root) == []


def test_animated_gif_keeps_its_frames(client, editor, media_root):
    client.force_login(editor)
    content = encoded("GIF", frames=("red", "green", "blue"))
    response = upload(client, "anim.gif", content + SCRIPT, "image/gif")
    assert response.status_code == HTTPStatus.OK
    [stored] = stored_files(media_root)
    with Image.open(stored) as image:
        assert image.format == "GIF"
        assert image.n_frames == 3


def test_huge_canvas_in_a_small_file_is_refused(client, editor, media_root):
    client.force_login(editor)
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, "PNG")
    response = upload(client, "big.png", buffer.getvalue(), "image/png")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert stored_files(media_root) == []


def test_uploaded_image_is_served_as_an_image_that_runs_nothing(client, editor, media_root):
    client.force_login(editor)
    response = upload(client, "a.html", encoded("GIF") + SCRIPT, "image/gif")
    served = client.get(uploaded_url(response))
    assert served.status_code == HTTPStatus.OK
    assert served["Content-Type"] == "image/gif"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Security-Policy"] == MEDIA_POLICY
    assert served["Content-Disposition"].startswith("inline; filename=")
    assert b"<script" not in b"".join(served.streaming_content)


@pytest.mark.parametrize("name", ["a.html", "a.js", "a.svg", "a.HTML", "a.gif.html", "a"])
def test_media_file_without_an_image_extension_is_never_served(client, db, media_root, name):
    """Files put there before uploads were re-encoded, or by anything but the uploader."""
    (media_root / "markdownx").mkdir()
    (media_root / "markdownx" / name).write_bytes(b"GIF89a" + SCRIPT)
    response = client.get(f"/media/markdownx/{name}")
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_legacy_polyglot_with_an_image_extension_is_served_as_an_image_in_a_sandbox(
    client, db, media_root
):
    (media_root / "markdownx").mkdir()
    (media_root / "markdownx" / "old.gif").write_bytes(b"GIF89a<html>" + SCRIPT)
    response = client.get("/media/markdownx/old.gif")
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def test_media_path_cannot_leave_media_root(client, db, media_root):
    (media_root.parent / "outside.png").write_bytes(encoded("PNG"))
    client.raise_request_exception = False
    response = client.get(f"/media/../{media_root.parent.name}/outside.png")
    assert response.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}
    response = client.get("/media/%2e%2e/outside.png")
    assert response.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}
