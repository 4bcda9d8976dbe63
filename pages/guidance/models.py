"""Guiding documents (văn bản chỉ đạo điều hành) of the commune."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from pages.models import CommunePage, SectionPage
from pages.province_content.sharing import (
    SharedWithCommunes,
    SharingFormMixin,
    is_commune_section,
    mark_shared,
    own_or_shared,
    sharing_panel,
)
from sites.text import fold, search_words

from .widgets import DatalistInput

PAGE_SIZE = 20

# Offered as suggestions only: officers may type any other field.
FIELD_SUGGESTIONS = (
    "Hành chính – Tổng hợp",
    "Nội vụ",
    "Tư pháp – Hộ tịch",
    "Tài chính – Ngân sách",
    "Kinh tế",
    "Nông nghiệp và Môi trường",
    "Đất đai",
    "Xây dựng – Giao thông",
    "Văn hóa – Xã hội",
    "Giáo dục",
    "Y tế",
    "Lao động – Thương binh – Xã hội",
    "Quốc phòng – An ninh",
    "Chuyển đổi số",
)


class DocumentType(models.TextChoices):
    QUYET_DINH = "quyet-dinh", _("Quyết định")
    KE_HOACH = "ke-hoach", _("Kế hoạch")
    CONG_VAN = "cong-van", _("Công văn")
    THONG_BAO = "thong-bao", _("Thông báo")
    CHI_THI = "chi-thi", _("Chỉ thị")
    NGHI_QUYET = "nghi-quyet", _("Nghị quyết")
    BAO_CAO = "bao-cao", _("Báo cáo")
    TO_TRINH = "to-trinh", _("Tờ trình")
    GIAY_MOI = "giay-moi", _("Giấy mời")
    HUONG_DAN = "huong-dan", _("Hướng dẫn")
    KHAC = "khac", _("Khác")


class DocumentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("Còn hiệu lực")
    EXPIRED = "expired", _("Hết hiệu lực")


def number_key(value: str) -> str:
    """How a number/symbol is compared: "96/KH-UBND", "96/kh-ubnd" and "96 / KH-UBND" all give "96/kh-ubnd"."""
    return "".join(search_words(value))


class DocumentIndexPage(SectionPage):
    """The documents section: a filterable, paginated register of the commune's guiding documents."""

    subpage_types = ["guidance.GuidingDocumentPage"]
    # A province keeps its own documents section too ("Văn bản của tỉnh"), shared down to chosen communes.
    parent_page_types = ["pages.CommuneHomePage", "pages.ProvincePage"]

    class Meta:
        verbose_name = _("Chuyên mục văn bản chỉ đạo điều hành")

    def documents(self):
        """This section's published documents, newest first; never another commune's (children only),
        plus, for a commune, the documents its province shares with it and it did not hide."""
        if is_commune_section(self):
            found = own_or_shared(GuidingDocumentPage, self)
        else:
            found = GuidingDocumentPage.objects.child_of(self)
        return found.live().public().order_by("-date_issued", "-pk")

    def get_context(self, request, *args, **kwargs):
        from .forms import DocumentFilterForm

        context = super().get_context(request, *args, **kwargs)
        documents = self.documents()
        years = [d.year for d in documents.dates("date_issued", "year", order="DESC")]
        fields = sorted(
            {f for f in documents.exclude(field="").values_list("field", flat=True).distinct()},
            key=lambda s: fold(s).lower(),
        )
        form = DocumentFilterForm(request.GET, years=years, fields=fields)
        filtered = form.filter(documents)
        page_obj = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
        if is_commune_section(self):
            page_obj.object_list = mark_shared(page_obj.object_list, self.path[: -self.steplen])
        context.update(
            filter_form=form,
            is_filtered=form.has_filters(),
            documents=page_obj.object_list,
            page_obj=page_obj,
        )
        return context


class GuidingDocumentForm(SharingFormMixin, WagtailAdminPageForm):
    """Pre-fills the issuing body with the commune's people's committee; a province's document may be shared."""

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        self.setup_sharing(parent_page)
        if self.instance.pk or parent_page is None or self.initial.get("issuing_body"):
            return
        from sites.tenancy import commune_for_page

        commune = commune_for_page(parent_page)
        if commune is not None:
            # The instance's empty value sits in self.initial and would win over field.initial.
            self.initial["issuing_body"] = commune.agency_name

    def clean(self):
        return self.clean_sharing(super().clean())


class GuidingDocumentPage(SharedWithCommunes, CommunePage):
    """One guiding document: its register data (số/ký hiệu, loại, ngày ban hành, trích yếu…) and its files."""

    number = models.CharField(
        _("Số/ký hiệu"),
        max_length=60,
        help_text=_("Ghi đúng như trên văn bản, ví dụ: 96/KH-UBND hoặc 12/2025/QĐ-UBND."),
    )
    document_type = models.CharField(
        _("Loại văn bản"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.CONG_VAN,
        help_text=_("Chọn loại văn bản: Quyết định, Kế hoạch, Công văn…"),
    )
    issuing_body = models.CharField(
        _("Cơ quan ban hành"),
        max_length=200,
        blank=True,
        help_text=_("Để trống nếu là Ủy ban nhân dân xã mình; ghi tên cơ quan khác nếu văn bản của cấp trên."),
    )
    signer = models.CharField(
        _("Người ký"), max_length=150, blank=True, help_text=_("Họ tên và chức vụ, ví dụ: Nguyễn Văn A – Chủ tịch.")
    )
    date_issued = models.DateField(_("Ngày ban hành"), help_text=_("Ngày ghi trên văn bản (ngày/tháng/năm)."))
    date_effective = models.DateField(
        _("Ngày hiệu lực"), null=True, blank=True, help_text=_("Để trống nếu văn bản có hiệu lực từ ngày ký.")
    )
    summary = models.TextField(
        _("Trích yếu"),
        help_text=_("Nội dung tóm tắt ghi dưới số/ký hiệu, ví dụ: Kế hoạch tổ chức Tết Trung thu năm 2025."),
    )
    field = models.CharField(
        _("Lĩnh vực"),
        max_length=100,
        blank=True,
        help_text=_("Chọn trong gợi ý hoặc gõ lĩnh vực khác."),
    )
    status = models.CharField(
        _("Tình trạng hiệu lực"),
        max_length=10,
        choices=DocumentStatus.choices,
        default=DocumentStatus.IN_FORCE,
        help_text=_("Chọn “Hết hiệu lực” khi văn bản bị thay thế hoặc bãi bỏ."),
    )
    expiry_date = models.DateField(
        _("Ngày hết hiệu lực"),
        null=True,
        blank=True,
        help_text=_("Nếu biết trước ngày hết hiệu lực, ghi vào đây; qua ngày này văn bản tự hiện là hết hiệu lực."),
    )
    # Derived on save so the register can match numbers exactly and words without diacritics.
    number_key = models.CharField(max_length=60, editable=False, db_index=True, default="")
    search_text = models.TextField(editable=False, default="")

    base_form_class = GuidingDocumentForm
    content_panels = [
        # TitleFieldPanel fills the address (slug) from the title, as on every other page type.
        TitleFieldPanel(
            "title",
            help_text=_("Tiêu đề hiện trên trang, thường là trích yếu rút gọn."),
            classname="",
            placeholder=False,
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("number"), FieldPanel("document_type")]),
                FieldPanel("summary"),
                FieldPanel("field", widget=DatalistInput(suggestions=FIELD_SUGGESTIONS)),
            ],
            heading=_("Thông tin văn bản"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("issuing_body"),
                FieldPanel("signer"),
                FieldRowPanel([FieldPanel("date_issued"), FieldPanel("date_effective")]),
            ],
            heading=_("Ban hành"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("status"), FieldPanel("expiry_date")])],
            heading=_("Hiệu lực"),
        ),
        InlinePanel(
            "attachments",
            heading=_("Tệp đính kèm"),
            label=_("Tệp"),
            help_text=_("Nên đính kèm ít nhất một tệp (bản PDF của văn bản) để người dân tải về."),
        ),
        sharing_panel(),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("number"),
        index.FilterField("number"),
        index.FilterField("number_key"),
        index.SearchField("summary"),
        index.FilterField("document_type"),
        index.FilterField("date_issued"),
        index.FilterField("field"),
    ]
    parent_page_types = ["guidance.DocumentIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Văn bản chỉ đạo điều hành")
        verbose_name_plural = _("Văn bản chỉ đạo điều hành")

    def clean(self):
        super().clean()
        # A register that says a document lapsed before it was issued is a typing mistake.
        for start, message in (
            (self.date_issued, _("Ngày hết hiệu lực phải sau ngày ban hành (%(date)s).")),
            (self.date_effective, _("Ngày hết hiệu lực phải sau ngày hiệu lực (%(date)s).")),
        ):
            if self.expiry_date and start and self.expiry_date <= start:
                raise ValidationError({"expiry_date": message % {"date": f"{start:%d/%m/%Y}"}})

    def save(self, *args, **kwargs):
        self.number_key = number_key(self.number)
        self.search_text = " ".join(search_words(f"{self.number} {self.title} {self.summary}"))
        return super().save(*args, **kwargs)

    @property
    def is_in_force(self) -> bool:
        """In force unless marked expired or past its expiry date."""
        if self.status == DocumentStatus.EXPIRED:
            return False
        return self.expiry_date is None or self.expiry_date >= date.today()

    @property
    def type_label(self) -> str:
        return self.get_document_type_display()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = list(self.attachments.select_related("document"))
        return context


def search_filter(query: str) -> Q:
    """Exact number/symbol when the query has a "/", else every word in the number, title or summary."""
    key = number_key(query)
    if not key:
        return Q()
    if "/" in key:
        return Q(number_key=key)
    words = Q()
    for word in search_words(query):
        words &= Q(search_text__contains=word)
    # A bare number ("96") also finds 96/KH-UBND.
    return Q(number_key__startswith=key + "/") | words


class GuidingDocumentFile(Orderable):
    """A file attached to a guiding document (the signed PDF, appendices…)."""

    page = ParentalKey(GuidingDocumentPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("Tệp"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Chọn hoặc tải lên tệp PDF, Word… của văn bản."),
    )
    label = models.CharField(
        _("Tên hiển thị"),
        max_length=200,
        blank=True,
        help_text=_("Để trống sẽ dùng tên tệp; ví dụ: Phụ lục kèm theo."),
    )

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        verbose_name = _("Tệp đính kèm")
        verbose_name_plural = _("Tệp đính kèm")

    def __str__(self):
        return self.label or self.document.title

    @property
    def size(self) -> int | None:
        """File size in bytes; Wagtail fills it in lazily for files added outside its upload form."""
        return self.document.get_file_size()

    @property
    def extension(self) -> str:
        return self.document.file_extension.upper()
