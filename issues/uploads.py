"""The Markdown editor's image upload, refusing what it cannot read."""

from django.utils.translation import gettext as _
from markdownx.views import ImageUploadView as MarkdownxImageUploadView
from PIL import Image


class ImageUploadView(MarkdownxImageUploadView):
    """markdownx's upload view; a file that is not a readable image is a form
    error the editor sees, not a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            form.add_error(
                "image", _("无法读取这张图片，请上传 JPEG、PNG、GIF 或 WebP 格式的图片。")
            )
            return self.form_invalid(form)
