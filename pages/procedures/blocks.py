"""The structured parts of a catalogue procedure, edited as StreamFields.

A method (cách thức) holds its own list of fees, a nesting Wagtail's inline panels cannot edit;
blocks can. The stored JSON is read back as plain dicts by records.record_of, so listing and
detail pages never build block objects.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

CHANNEL_CHOICES = [("1", _("Trực tiếp")), ("2", _("Trực tuyến")), ("3", _("Bưu chính công ích"))]
TIME_UNIT_CHOICES = [
    ("ngày làm việc", _("ngày làm việc")),
    ("ngày", _("ngày")),
    ("giờ làm việc", _("giờ làm việc")),
    ("giờ", _("giờ")),
    ("tháng", _("tháng")),
    ("năm", _("năm")),
]


class StepCaseBlock(blocks.StructBlock):
    case = blocks.CharBlock(
        label=_("Trường hợp"), required=False, help_text=_("Để trống nếu áp dụng cho mọi trường hợp.")
    )
    steps = blocks.ListBlock(blocks.TextBlock(label=_("Bước")), label=_("Các bước, theo thứ tự"))

    class Meta:
        label = _("Trình tự (một trường hợp)")
        icon = "list-ol"


class FeeBlock(blocks.StructBlock):
    amount = blocks.IntegerBlock(label=_("Số tiền (đồng)"), min_value=0, help_text=_("Ghi 0 nếu miễn phí."))
    note = blocks.CharBlock(label=_("Mô tả"), required=False)

    class Meta:
        label = _("Phí, lệ phí")


class MethodBlock(blocks.StructBlock):
    channel = blocks.ChoiceBlock(choices=CHANNEL_CHOICES, label=_("Hình thức nộp"))
    time = blocks.DecimalBlock(
        label=_("Thời hạn giải quyết"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
        help_text=_("Chỉ ghi số, ví dụ: 3."),
    )
    unit = blocks.ChoiceBlock(choices=TIME_UNIT_CHOICES, label=_("Đơn vị thời gian"), default="ngày làm việc")
    time_note = blocks.CharBlock(label=_("Mô tả thời hạn"), required=False)
    fees = blocks.ListBlock(FeeBlock(), label=_("Phí, lệ phí"), min_num=0)

    class Meta:
        label = _("Cách thức thực hiện")
        icon = "form"


class PaperBlock(blocks.StructBlock):
    name = blocks.TextBlock(label=_("Tên giấy tờ"))
    originals = blocks.IntegerBlock(label=_("Số bản chính"), min_value=0, default=1)
    copies = blocks.IntegerBlock(label=_("Số bản sao"), min_value=0, default=0)
    form_name = blocks.CharBlock(label=_("Tên mẫu đơn, tờ khai"), required=False)
    form_url = blocks.URLBlock(label=_("Đường dẫn tải mẫu"), required=False)
    form = DocumentChooserBlock(label=_("Tệp mẫu đơn, tờ khai"), required=False)

    class Meta:
        label = _("Giấy tờ")


class DossierCaseBlock(blocks.StructBlock):
    case = blocks.CharBlock(
        label=_("Trường hợp"), required=False, help_text=_("Để trống nếu áp dụng cho mọi trường hợp.")
    )
    papers = blocks.ListBlock(PaperBlock(), label=_("Giấy tờ"))

    class Meta:
        label = _("Thành phần hồ sơ (một trường hợp)")
        icon = "doc-full"


class LegalBasisBlock(blocks.StructBlock):
    number = blocks.CharBlock(label=_("Số hiệu"), max_length=100, required=False)
    title = blocks.TextBlock(label=_("Tên văn bản"))

    class Meta:
        label = _("Văn bản")
        icon = "doc-full-inverse"
