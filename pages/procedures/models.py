"""Administrative procedures (thủ tục hành chính) the commune handles.

Field names follow the national TTHC database (MATTHC, LINHVUCTHUCHIEN, CACHTHUCTHUCHIEN…, see
docs/domain.md) so a later shared province catalogue can import into the same shape.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
    TitleFieldPanel,
)
from wagtail.models import Orderable, Page
from wagtail.search import index

from pages.guidance.widgets import DatalistInput
from pages.models import CommunePage, SectionPage
from sites.text import search_words, vn_sort_key

NATIONAL_PORTAL_URL = "https://dichvucong.gov.vn"
NATIONAL_DETAIL_URL = NATIONAL_PORTAL_URL + "/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc={code}"

FIELD_SUGGESTIONS = (
    "Hộ tịch",
    "Chứng thực",
    "Bảo trợ xã hội",
    "Người có công",
    "Đất đai",
    "Hộ kinh doanh",
    "Hòa giải cơ sở",
    "Tôn giáo",
    "Nuôi con nuôi",
    "Thi đua – Khen thưởng",
    "Giáo dục và Đào tạo",
    "Văn hóa",
)

validate_procedure_code = RegexValidator(
    r"^\d\.\d{6}(\.[\w.]+)?$",
    message=_("Mã thủ tục không đúng định dạng. Ví dụ đúng: 1.001193 hoặc 2.000815.000.00.00.H55."),
    code="invalid_procedure_code",
)


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không")


class ProcedureStatus(models.TextChoices):
    ACTIVE = "active", _("Còn hiệu lực")
    ABOLISHED = "abolished", _("Đã bãi bỏ")


class Channel(models.IntegerChoices):
    """KENH in the national data: 1 in person, 2 online, 3 public postal service."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "ngày làm việc", _("ngày làm việc")
    DAY = "ngày", _("ngày")
    WORKING_HOUR = "giờ làm việc", _("giờ làm việc")
    HOUR = "giờ", _("giờ")
    MONTH = "tháng", _("tháng")


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


class ProcedureIndexPage(SectionPage):
    """The procedures section: the commune's procedures in force, grouped by field."""

    subpage_types = ["procedures.ProcedurePage"]

    class Meta:
        verbose_name = _("Chuyên mục thủ tục hành chính")

    def procedures(self):
        """This section's published procedures in force; abolished ones are kept but not listed."""
        return ProcedurePage.objects.child_of(self).live().public().filter(status=ProcedureStatus.ACTIVE)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        procedures = self.procedures()
        fields = sorted(set(procedures.values_list("field", flat=True)), key=vn_sort_key)
        selected_field = request.GET.get("field", "")
        if selected_field not in fields:
            selected_field = ""
        query = request.GET.get("q", "").strip()[:200]
        if selected_field:
            procedures = procedures.filter(field=selected_field)
        if query:
            procedures = procedures.filter(procedure_search_filter(query))
        context.update(
            fields=fields,
            selected_field=selected_field,
            query=query,
            groups=group_by_field(procedures),
            is_filtered=bool(selected_field or query),
        )
        return context


def procedure_search_filter(query: str) -> Q:
    """Every word of the query in the name or code, without diacritics ("dang ky khai sinh", "1.001193")."""
    words = Q()
    for word in search_words(query):
        words &= Q(search_text__contains=word)
    return words


def group_by_field(procedures) -> list[tuple[str, list[ProcedurePage]]]:
    """[(field, procedures)] in Vietnamese alphabetical order, procedures by name within each field."""
    groups: dict[str, list] = {}
    for procedure in procedures:
        groups.setdefault(procedure.field or "Khác", []).append(procedure)
    return [
        (field, sorted(items, key=lambda p: vn_sort_key(p.title)))
        for field, items in sorted(groups.items(), key=lambda kv: vn_sort_key(kv[0]))
    ]


class ProcedurePage(CommunePage):
    """One administrative procedure as the commune applies it: the national record plus local details."""

    code = models.CharField(
        _("Mã thủ tục"),
        max_length=40,
        validators=[validate_procedure_code],
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ: 1.001193."),
    )
    field = models.CharField(
        _("Lĩnh vực"), max_length=100, help_text=_("Chọn trong gợi ý hoặc gõ lĩnh vực khác, ví dụ: Hộ tịch.")
    )
    level = models.CharField(
        _("Cấp thực hiện"), max_length=50, default="Cấp xã", help_text=_("Thường để nguyên “Cấp xã”.")
    )
    implementing_agency = models.CharField(
        _("Cơ quan thực hiện"),
        max_length=200,
        default="Ủy ban nhân dân cấp xã",
        help_text=_("Cơ quan giải quyết thủ tục."),
    )
    applicants = models.TextField(
        _("Đối tượng thực hiện"),
        help_text=_("Ai được làm thủ tục này; mỗi đối tượng một dòng, ví dụ: Công dân Việt Nam."),
    )
    result = models.TextField(
        _("Kết quả thực hiện"), help_text=_("Giấy tờ người dân nhận được, ví dụ: Giấy khai sinh.")
    )
    legal_basis = models.TextField(
        _("Căn cứ pháp lý"),
        blank=True,
        help_text=_("Mỗi văn bản một dòng: số hiệu – tên, ví dụ: 60/2014/QH13 – Luật Hộ tịch."),
    )
    requirements = models.TextField(
        _("Yêu cầu, điều kiện"), blank=True, help_text=_("Để trống nếu không có yêu cầu, điều kiện riêng.")
    )
    online_level = models.CharField(
        _("Dịch vụ công trực tuyến"),
        max_length=10,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
        help_text=_("Toàn trình: làm hoàn toàn trên mạng; Một phần: nộp trên mạng nhưng phải đến nhận kết quả."),
    )
    status = models.CharField(
        _("Tình trạng"),
        max_length=10,
        choices=ProcedureStatus.choices,
        default=ProcedureStatus.ACTIVE,
        help_text=_("Chọn “Đã bãi bỏ” để ẩn thủ tục khỏi danh sách mà vẫn giữ lại trang."),
    )
    is_featured = models.BooleanField(
        _("Thủ tục thường dùng"), default=False, help_text=_("Đánh dấu để hiện thủ tục ở trang chủ.")
    )
    # Local details: what only this commune knows.
    submission_place = models.TextField(
        _("Nơi nộp hồ sơ"),
        blank=True,
        help_text=_("Địa chỉ Bộ phận một cửa của xã, ví dụ: Bộ phận Một cửa, UBND xã, thôn Trung Tâm."),
    )
    opening_hours = models.CharField(
        _("Thời gian tiếp nhận"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu."),
    )
    officer_name = models.CharField(
        _("Cán bộ phụ trách"), max_length=150, blank=True, help_text=_("Họ tên và chức danh người tiếp nhận.")
    )
    officer_phone = models.CharField(_("Điện thoại cán bộ phụ trách"), max_length=30, blank=True)
    local_notes = models.TextField(
        _("Lưu ý của xã"), blank=True, help_text=_("Điều người dân cần biết thêm khi làm thủ tục ở xã mình.")
    )
    # Derived on save: name and code without diacritics, for search.
    search_text = models.TextField(editable=False, default="")

    content_panels = [
        # TitleFieldPanel fills the address (slug) from the title, as on every other page type.
        TitleFieldPanel(
            "title", help_text=_("Tên thủ tục, ví dụ: Đăng ký khai sinh."), classname="", placeholder=False
        ),
        FieldRowPanel([FieldPanel("code"), FieldPanel("field", widget=DatalistInput(suggestions=FIELD_SUGGESTIONS))]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("implementing_agency")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("online_level"), FieldPanel("is_featured")]),
        FieldPanel("applicants"),
        InlinePanel("dossier_items", heading=_("Thành phần hồ sơ"), label=_("Giấy tờ")),
        InlinePanel("methods", heading=_("Cách thức thực hiện"), label=_("Cách thức")),
        InlinePanel("steps", heading=_("Trình tự thực hiện"), label=_("Bước")),
        FieldPanel("result"),
        FieldPanel("requirements"),
        FieldPanel("legal_basis"),
    ]
    local_panels = [
        MultiFieldPanel(
            [
                FieldPanel("submission_place"),
                FieldPanel("opening_hours"),
                FieldRowPanel([FieldPanel("officer_name"), FieldPanel("officer_phone")]),
                FieldPanel("local_notes"),
            ],
            heading=_("Thông tin riêng của xã"),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Nội dung thủ tục")),
            ObjectList(local_panels, heading=_("Thông tin tại xã")),
            ObjectList(CommunePage.promote_panels, heading=_("Quảng bá")),
            ObjectList(CommunePage.settings_panels, heading=_("Cài đặt"), classname="settings"),
        ]
    )
    search_fields = Page.search_fields + [
        index.SearchField("code"),
        index.FilterField("code"),
        index.SearchField("field"),
        index.FilterField("field"),
        index.FilterField("status"),
    ]
    parent_page_types = ["procedures.ProcedureIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Thủ tục hành chính")
        verbose_name_plural = _("Thủ tục hành chính")

    def save(self, *args, **kwargs):
        self.search_text = " ".join(search_words(f"{self.code} {self.title} {self.field}"))
        return super().save(*args, **kwargs)

    @property
    def national_portal_url(self) -> str:
        return NATIONAL_DETAIL_URL.format(code=self.code)

    @property
    def is_active(self) -> bool:
        return self.status == ProcedureStatus.ACTIVE

    @property
    def applicant_list(self) -> list[str]:
        return _lines(self.applicants)

    @property
    def legal_basis_list(self) -> list[str]:
        return _lines(self.legal_basis)

    def search_summary(self) -> str:
        """The line under a procedure in search results."""
        return f"Lĩnh vực {self.field} · mã {self.code}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        methods = list(self.methods.all())
        context.update(
            dossier=list(self.dossier_items.select_related("form")),
            methods=methods,
            steps=list(self.steps.all()),
            has_online_method=any(m.channel == Channel.ONLINE for m in methods),
        )
        return context


class ProcedureStep(Orderable):
    """One step of the procedure (TRINHTUTHUCHIEN), optionally for one case (trường hợp)."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="steps")
    case = models.CharField(
        _("Trường hợp"),
        max_length=200,
        blank=True,
        help_text=_("Để trống nếu bước này áp dụng cho mọi trường hợp."),
    )
    description = models.TextField(_("Nội dung bước"), help_text=_("Việc người dân hoặc cán bộ làm ở bước này."))

    panels = [FieldPanel("case"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("Bước thực hiện")
        verbose_name_plural = _("Trình tự thực hiện")

    def __str__(self):
        return self.description[:80]


class ProcedureMethod(Orderable):
    """One way to submit (CACHTHUCTHUCHIEN): channel, processing time and fee."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="methods")
    channel = models.PositiveSmallIntegerField(
        _("Hình thức nộp"),
        choices=Channel.choices,
        default=Channel.IN_PERSON,
        help_text=_("Trực tiếp tại Bộ phận một cửa, trực tuyến, hoặc qua bưu chính công ích."),
    )
    processing_time = models.DecimalField(
        _("Thời hạn giải quyết"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Chỉ ghi số, ví dụ: 3. Để trống nếu giải quyết ngay trong ngày."),
    )
    time_unit = models.CharField(
        _("Đơn vị thời gian"), max_length=20, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAY
    )
    time_description = models.CharField(
        _("Ghi chú thời hạn"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: Trường hợp cần xác minh thì không quá 05 ngày làm việc."),
    )
    fee = models.PositiveIntegerField(
        _("Phí, lệ phí (đồng)"),
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Chỉ ghi số tiền bằng số, không có dấu chấm; ghi 0 nếu miễn phí."),
    )
    fee_description = models.CharField(
        _("Ghi chú phí, lệ phí"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: 2.000 đồng/trang, từ trang thứ ba thu 1.000 đồng/trang."),
    )

    panels = [
        FieldPanel("channel"),
        FieldRowPanel([FieldPanel("processing_time"), FieldPanel("time_unit")]),
        FieldPanel("time_description"),
        FieldRowPanel([FieldPanel("fee"), FieldPanel("fee_description")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Cách thức thực hiện")
        verbose_name_plural = _("Cách thức thực hiện")

    def __str__(self):
        return self.get_channel_display()

    @property
    def is_online(self) -> bool:
        return self.channel == Channel.ONLINE

    @property
    def processing_time_display(self) -> str:
        """ "05 ngày làm việc", "0,5 ngày"; "" when no amount is given."""
        if self.processing_time is None:
            return ""
        amount = self.processing_time.normalize()
        text = f"{amount:f}".replace(".", ",")
        if amount == amount.to_integral_value() and amount < 10:
            text = f"{int(amount):02d}"
        return f"{text} {self.time_unit}"


class DossierItem(Orderable):
    """One document to bring (THANHPHANHOSO/GIAYTO) with its originals/copies count and optional form."""

    page = ParentalKey(ProcedurePage, on_delete=models.CASCADE, related_name="dossier_items")
    name = models.CharField(_("Tên giấy tờ"), max_length=300, help_text=_("Ví dụ: Tờ khai đăng ký khai sinh."))
    case = models.CharField(
        _("Trường hợp"), max_length=200, blank=True, help_text=_("Để trống nếu ai cũng phải nộp giấy tờ này.")
    )
    originals = models.PositiveSmallIntegerField(_("Số bản chính"), default=1)
    copies = models.PositiveSmallIntegerField(_("Số bản sao"), default=0)
    form = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("Mẫu đơn, tờ khai"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Tệp mẫu để người dân tải về điền trước (nếu có)."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("case"),
        FieldRowPanel([FieldPanel("originals"), FieldPanel("copies")]),
        FieldPanel("form"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Giấy tờ trong hồ sơ")
        verbose_name_plural = _("Thành phần hồ sơ")

    def __str__(self):
        return self.name
