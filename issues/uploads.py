"""Images uploaded from the Markdown editor: what is stored and how it is served.

An upload is trusted for nothing but its bytes. The format is detected from
them by Pillow, the picture is decoded and encoded again (so nothing appended
to it or hidden in its metadata survives), and it is stored under a name the
server makes up with the extension of the detected format. Everything that is
not a JPEG, PNG, GIF or WebP Pillow can decode is refused. Animated GIF and
WebP keep their frames.

Media are served with the content type of their extension, ``nosniff``, a
Content-Security-Policy of their own that runs nothing (``sandbox``) and
``Content-Disposition: inline``; a path under the media URL whose extension is
not one of these image types is a 404, whatever the storage holds.
"""

import io
import posixpath
import uuid
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import static
from markdownx.settings import MARKDOWNX_IMAGE_MAX_SIZE
from markdownx.views import ImageUploadView as MarkdownxImageUploadView
from PIL import Image, ImageOps, ImageSequence

# Pillow format name → the one extension and content type it is stored and served as.
IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
CONTENT_TYPES = {extension: content_type for extension, content_type in IMAGE_FORMATS.values()}

# Bounds on the work one upload may cost: a small file can declare a huge
# canvas or thousands of frames.
MAX_PIXELS = 40_000_000
MAX_FRAMES = 300

MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"

UNREADABLE = gettext_lazy("无法读取这张图片，请上传 JPEG、PNG、GIF 或 WebP 格式的图片。")


class UnacceptableImage(ValueError):
    pass


def reencode(data):
    """Return ``(bytes, extension)`` of ``data`` decoded and encoded again.

    Raises UnacceptableImage for anything that is not a decodable JPEG, PNG,
    GIF or WebP within the bounds above.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise UnacceptableImage(UNREADABLE)
            if image.width * image.height > MAX_PIXELS:
                raise UnacceptableImage(_("图片尺寸过大。"))
            if getattr(image, "n_frames", 1) > MAX_FRAMES:
                raise UnacceptableImage(_("动图的帧数过多。"))
            extension, _content_type = IMAGE_FORMATS[image.format]
            return _encode(image), extension
    except UnacceptableImage:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        # UnidentifiedImageError and truncated data are OSErrors.
        raise UnacceptableImage(UNREADABLE) from None


def _fit(frame):
    frame.thumbnail(MARKDOWNX_IMAGE_MAX_SIZE["size"], Image.Resampling.LANCZOS)
    return frame


def _encode(image):
    out = io.BytesIO()
    fmt = image.format
    if getattr(image, "n_frames", 1) > 1:
        frames, durations = [], []
        for frame in ImageSequence.Iterator(image):
            frames.append(_fit(frame.convert("RGBA")))
            durations.append(frame.info.get("duration", 100))
        frames[0].save(
            out,
            fmt,
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=image.info.get("loop", 0),
            disposal=2,
        )
        return out.getvalue()
    image.load()  # decodes every byte: a truncated or corrupt file fails here
    picture = ImageOps.exif_transpose(image)
    if fmt == "JPEG":
        _fit(picture.convert("RGB")).save(out, "JPEG", quality=90, optimize=True)
    elif fmt == "GIF":
        _fit(picture.convert("RGBA")).save(out, "GIF")
    else:
        mode = "RGBA" if picture.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
        _fit(picture.convert(mode)).save(out, fmt)
    return out.getvalue()


class ImageUploadForm(forms.Form):
    image = forms.FileField()

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
            raise forms.ValidationError(
                _("图片不能超过 %(limit)s 字节。") % {"limit": settings.MARKDOWNX_UPLOAD_MAX_SIZE}
            )
        try:
            self.encoded, self.extension = reencode(upload.read())
        except UnacceptableImage as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def save(self, commit=True):
        # The client's file name and declared type are ignored on purpose.
        name = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, f"{uuid.uuid4().hex}.{self.extension}")
        stored = default_storage.save(name, ContentFile(self.encoded))
        return default_storage.url(stored)


class ImageUploadView(MarkdownxImageUploadView):
    form_class = ImageUploadForm


def media_host():
    """The host of a separate media origin (``DJANGO_MEDIA_URL``), or None."""
    return urlsplit(settings.MEDIA_URL).hostname


def serve_media(request, path):
    """Serve an uploaded image from MEDIA_ROOT, as an image and nothing else."""
    extension = posixpath.splitext(path)[1].lstrip(".").lower()
    if extension not in CONTENT_TYPES:
        raise Http404(_("不是图片。"))
    host = media_host()
    if host and request.get_host().partition(":")[0] != host:
        # With a media origin configured, media never come from the site's own origin.
        raise Http404(_("图片由单独的域名提供。"))
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = CONTENT_TYPES[extension]
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["Content-Disposition"] = f'inline; filename="{posixpath.basename(path)}"'
    return response
