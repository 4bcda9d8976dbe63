"""StreamField blocks shared by every content type (articles, pages, notices).

Each block renders with its own small template under templates/blocks/. Labels and help texts are
Vietnamese because commune officers pick these blocks in the editor.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class ParagraphBlock(blocks.RichTextBlock):
    """Formatted text: headings, lists, bold and links; no raw HTML so officers cannot break the page."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        kwargs.setdefault("label", _("Đoạn văn"))
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"


class ImageStructValue(blocks.StructValue):
    def alt(self):
        """The alt text written for this use, or the image's own description."""
        image = self.get("image")
        return self.get("alt_text") or (getattr(image, "description", "") if image else "")


class ImageBlock(blocks.StructBlock):
    """A picture inside the text, with its caption and its alternative text for screen readers."""

    image = ImageChooserBlock(label=_("Hình ảnh"))
    caption = blocks.CharBlock(
        label=_("Chú thích ảnh"), required=False, max_length=255, help_text=_("Dòng chữ hiện dưới ảnh.")
    )
    alt_text = blocks.CharBlock(
        label=_("Mô tả ảnh cho người khiếm thị"),
        required=False,
        max_length=255,
        help_text=_("Tả ngắn gọn nội dung ảnh. Để trống thì dùng phần mô tả đã nhập khi tải ảnh lên."),
    )

    class Meta:
        icon = "image"
        label = _("Hình ảnh")
        template = "blocks/image_block.html"
        value_class = ImageStructValue


class VideoEmbedBlock(EmbedBlock):
    """A video or post from YouTube, Facebook…, shown from its address."""

    class Meta:
        icon = "media"
        label = _("Video/nội dung nhúng")
        help_text = _("Dán đường dẫn video YouTube hoặc bài đăng Facebook, ví dụ: https://www.youtube.com/watch?v=…")
        template = "blocks/embed_block.html"


class DocumentBlock(blocks.StructBlock):
    """A file to download (PDF, Word, Excel) attached inside the article."""

    document = DocumentChooserBlock(label=_("Tệp đính kèm"))
    title = blocks.CharBlock(
        label=_("Tên hiển thị"),
        required=False,
        max_length=255,
        help_text=_("Để trống thì dùng tên của tệp trong thư viện tài liệu."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Tệp đính kèm")
        template = "blocks/document_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation set apart from the text, with who said it."""

    quote = blocks.TextBlock(label=_("Trích dẫn"))
    attribution = blocks.CharBlock(
        label=_("Người/nguồn trích dẫn"), required=False, max_length=255, help_text=_("Ví dụ: Chủ tịch UBND xã.")
    )

    class Meta:
        icon = "openquote"
        label = _("Trích dẫn")
        template = "blocks/quote_block.html"


class ContentStreamBlock(blocks.StreamBlock):
    """The body of an article or a page: text, pictures, videos, files and quotes in any order."""

    paragraph = ParagraphBlock()
    image = ImageBlock()
    embed = VideoEmbedBlock()
    document = DocumentBlock()
    quote = QuoteBlock()
