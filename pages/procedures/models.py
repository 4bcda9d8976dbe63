"""Administrative procedures (thủ tục hành chính): one catalogue per province, local details per commune.

The catalogue (Procedure) holds the national record once per province; province admins keep it,
by hand or by import. A commune lists the procedures it handles (CommuneProcedure) and adds only
what is local: where to submit, opening hours, the officer in charge, notes and its how-to videos.
Pages read the catalogue live, so a catalogue change shows on every commune at once.

Procedures are not Wagtail pages: a province catalogue of 2,000 procedures shown by 100 communes
would be 200,000 pages to create, move and reindex. The commune's procedures section routes
/<slug>/ to the catalogue instead (ProcedureIndexPage).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.url_routing import RouteResult

from pages.models import SectionPage
from pages.validators import clean_phone_fields
from sites.models import Province
from sites.snippets import CommuneOwned, CommuneOwnedForm
from sites.text import search_words, vn_slugify, vn_sort_key

from . import blocks

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

PROCEDURE_CODE_RE = r"^\d\.\d{6}(\.[0-9A-Za-z]+)*$"
validate_procedure_code = RegexValidator(
    PROCEDURE_CODE_RE,
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


TIME_UNITS = tuple(value for value, _label in blocks.TIME_UNIT_CHOICES)


def procedure_slug(name: str, code: str) -> str:
    """The address of a procedure on every commune site: name and code, e.g. dang-ky-khai-sinh-1-001193."""
    return vn_slugify(f"{name[:60]} {code}")[:120].strip("-")


def is_commune_level(level: str) -> bool:
    """ "Cấp Xã", "cấp xã", "Cấp xã, Cấp tỉnh" all count; communes get these by default."""
    return "xa" in search_words(level.replace(",", " "))


class ProcedureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=ProcedureStatus.ACTIVE)

    def commune_level(self):
        return self.filter(commune_level=True)


class Procedure(models.Model):
    """One procedure of a province's catalogue, in the national database's fields (see docs/domain.md)."""

    province = models.ForeignKey(
        Province, verbose_name=_("Tỉnh/thành phố"), on_delete=models.CASCADE, related_name="procedures", editable=False
    )
    code = models.CharField(
        _("Mã thủ tục"),
        max_length=60,
        validators=[validate_procedure_code],
        help_text=_("Mã trên Cơ sở dữ liệu quốc gia về thủ tục hành chính, ví dụ: 1.001193."),
    )
    name = models.CharField(_("Tên thủ tục"), max_length=500)
    slug = models.CharField(max_length=130, editable=False)
    field = models.CharField(_("Lĩnh vực"), max_length=200, help_text=_("Ví dụ: Hộ tịch."))
    field_code = models.CharField(_("Mã lĩnh vực"), max_length=30, blank=True)
    level = models.CharField(_("Cấp thực hiện"), max_length=100, default="Cấp xã")
    publisher_code = models.CharField(
        _("Mã cơ quan công bố"), max_length=30, blank=True, help_text=_("Ví dụ: BTP (Bộ Tư pháp).")
    )
    agency = models.TextField(
        _("Cơ quan thực hiện"), default="Ủy ban nhân dân cấp xã", help_text=_("Mỗi cơ quan một dòng.")
    )
    applicants = models.TextField(
        _("Đối tượng thực hiện"), blank=True, help_text=_("Ai được làm thủ tục này; mỗi đối tượng một dòng.")
    )
    steps = StreamField([("case", blocks.StepCaseBlock())], verbose_name=_("Trình tự thực hiện"), blank=True)
    methods = StreamField([("method", blocks.MethodBlock())], verbose_name=_("Cách thức thực hiện"), blank=True)
    dossier = StreamField([("case", blocks.DossierCaseBlock())], verbose_name=_("Thành phần hồ sơ"), blank=True)
    results = models.TextField(_("Kết quả thực hiện"), blank=True, help_text=_("Mỗi kết quả một dòng."))
    legal_basis = StreamField([("document", blocks.LegalBasisBlock())], verbose_name=_("Căn cứ pháp lý"), blank=True)
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
        _("Tình trạng"), max_length=10, choices=ProcedureStatus.choices, default=ProcedureStatus.ACTIVE
    )
    updated_on = models.DateField(
        _("Ngày cập nhật"), null=True, blank=True, help_text=_("Ngày thủ tục được cập nhật lần cuối.")
    )
    # Derived on save.
    commune_level = models.BooleanField(default=True, editable=False)
    has_online_method = models.BooleanField(default=False, editable=False)
    search_text = models.TextField(editable=False, default="")
    modified_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    panels = [
        TabbedInterface(
            [
                ObjectList(
                    [
                        FieldPanel("name"),
                        FieldRowPanel([FieldPanel("code"), FieldPanel("field"), FieldPanel("field_code")]),
                        FieldRowPanel([FieldPanel("level"), FieldPanel("publisher_code")]),
                        FieldRowPanel([FieldPanel("status"), FieldPanel("online_level"), FieldPanel("updated_on")]),
                        FieldPanel("agency"),
                        FieldPanel("applicants"),
                        FieldPanel("results"),
                        FieldPanel("requirements"),
                    ],
                    heading=_("Thông tin chung"),
                ),
                ObjectList([FieldPanel("dossier")], heading=_("Thành phần hồ sơ")),
                ObjectList([FieldPanel("methods")], heading=_("Cách thức, thời hạn, phí")),
                ObjectList([FieldPanel("steps")], heading=_("Trình tự")),
                ObjectList([FieldPanel("legal_basis")], heading=_("Căn cứ pháp lý")),
            ]
        )
    ]

    class Meta:
        verbose_name = _("Thủ tục trong danh mục")
        verbose_name_plural = _("Danh mục thủ tục hành chính")
        ordering = ["field", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="procedure_unique_code_in_province"),
            models.UniqueConstraint(fields=["province", "slug"], name="procedure_unique_slug_in_province"),
        ]
        indexes = [models.Index(fields=["province", "status", "field"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        from .records import derived_fields

        for name, value in derived_fields(self).items():
            setattr(self, name, value)
        return super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == ProcedureStatus.ACTIVE

    @property
    def national_portal_url(self) -> str:
        return NATIONAL_DETAIL_URL.format(code=self.code)

    @cached_property
    def record(self) -> dict:
        """The procedure as plain data (see records.py): what templates, JSON and the importer read."""
        from .records import record_of

        return record_of(self)


class CommuneProcedureForm(CommuneOwnedForm):
    """Officers choose a procedure from their province's catalogue once; after that only local details change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("procedure")
        if field is None:
            return
        if self.instance.pk:
            field.disabled = True  # the catalogue entry of a listed procedure is fixed
            return
        commune = self.instance.commune if self.instance.commune_id else self._only_commune
        if commune is not None:
            taken = CommuneProcedure.objects.filter(commune=commune).values("procedure_id")
            field.queryset = Procedure.objects.filter(province_id=commune.province_id).active().exclude(pk__in=taken)
        else:
            from sites.tenancy import scope_for_user

            field.queryset = Procedure.objects.filter(province__in=scope_for_user(self._user).provinces()).active()

    def clean(self):
        cleaned = super().clean()
        procedure = cleaned.get("procedure")
        commune = (
            self.instance.commune if self.instance.commune_id else (self._only_commune or cleaned.get("commune_choice"))
        )
        if procedure and commune and not self.instance.pk:
            if procedure.province_id != commune.province_id:
                self.add_error("procedure", _("Thủ tục này không thuộc danh mục của tỉnh/thành phố của xã."))
            elif CommuneProcedure.objects.filter(commune=commune, procedure=procedure).exists():
                self.add_error("procedure", _("Xã đã có thủ tục này trong danh sách."))
        return cleaned


class CommuneProcedure(CommuneOwned):
    """A catalogue procedure as one commune handles it: the listing entry plus local details."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("Thủ tục"),
        on_delete=models.PROTECT,
        related_name="commune_entries",
        help_text=_("Chọn thủ tục trong danh mục của tỉnh. Nội dung thủ tục do tỉnh cập nhật."),
    )
    is_featured = models.BooleanField(
        _("Thủ tục thường dùng"), default=False, help_text=_("Đánh dấu để hiện thủ tục ở trang chủ.")
    )
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
    updated_at = models.DateTimeField(_("Cập nhật lúc"), auto_now=True)
    review_date = models.DateField(
        _("Ngày cần rà soát lại"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Ngày cần xem lại thông tin riêng của xã cho thủ tục này. Để trống nếu không cần."),
    )

    base_form_class = CommuneProcedureForm
    panels = [
        FieldPanel("procedure"),
        FieldPanel("is_featured"),
        MultiFieldPanel(
            [
                FieldPanel("submission_place"),
                FieldPanel("opening_hours"),
                FieldRowPanel([FieldPanel("officer_name"), FieldPanel("officer_phone")]),
                FieldPanel("local_notes"),
            ],
            heading=_("Thông tin riêng của xã"),
        ),
        FieldPanel("review_date"),
    ]

    class Meta:
        verbose_name = _("Thủ tục của xã")
        verbose_name_plural = _("Thủ tục hành chính của xã")
        constraints = [
            models.UniqueConstraint(fields=["commune", "procedure"], name="commune_procedure_unique"),
        ]

    def __str__(self):
        return str(self.procedure)

    def clean(self):
        super().clean()
        clean_phone_fields(self, "officer_phone")

    @property
    def has_local_details(self) -> bool:
        return any((self.submission_place, self.opening_hours, self.officer_name, self.local_notes))


# --- The commune's procedures section -------------------------------------------------


def procedure_search_filter(query: str) -> models.Q:
    """Every word of the query in the name or code, without diacritics ("dang ky khai sinh", "1.001193")."""
    words = models.Q()
    for word in search_words(query):
        words &= models.Q(procedure__search_text__contains=word)
    return words


def group_by_field(entries) -> list[tuple[str, list[CommuneProcedure]]]:
    """[(field, entries)] in Vietnamese alphabetical order, procedures by name within each field."""
    groups: dict[str, list] = {}
    for entry in entries:
        groups.setdefault(entry.procedure.field or "Khác", []).append(entry)
    return [
        (field, sorted(items, key=lambda e: vn_sort_key(e.procedure.name)))
        for field, items in sorted(groups.items(), key=lambda kv: vn_sort_key(kv[0]))
    ]


class ProcedureIndexPage(RoutablePageMixin, SectionPage):
    """The procedures section: the commune's procedures in force, grouped by field, and one page per procedure."""

    subpage_types = []

    class Meta:
        verbose_name = _("Chuyên mục thủ tục hành chính")

    @cached_property
    def commune(self):
        from sites.tenancy import commune_for_page

        return commune_for_page(self)

    def serve(self, request, *args, **kwargs):
        from sites.tenancy import commune_for_request

        commune = commune_for_request(request)
        if commune is not None:
            self.__dict__.setdefault("commune", commune)
        return super().serve(request, *args, **kwargs)

    def route(self, request, path_components):
        # Wagtail routes "a/b" as "/a/b/"; the file routes (ma-qr.png, du-lieu.json) end without a slash.
        if self.live and path_components and "." in path_components[-1]:
            resolver_match = self.resolve_subpage("/" + "/".join(path_components))
            request.routable_resolver_match = resolver_match
            return RouteResult(self, args=tuple(resolver_match))
        return super().route(request, path_components)

    def entries(self):
        """This commune's procedures in force, with their catalogue record (one query)."""
        if self.commune is None:
            return CommuneProcedure.objects.none()
        return (
            CommuneProcedure.objects.filter(commune=self.commune, procedure__status=ProcedureStatus.ACTIVE)
            .select_related("procedure")
            .order_by("procedure__name")
        )

    def entry_or_404(self, slug: str) -> CommuneProcedure:
        if self.commune is None:
            raise Http404
        entry = (
            CommuneProcedure.objects.filter(commune=self.commune, procedure__slug=slug)
            .select_related("procedure")
            .first()
        )
        if entry is None:
            raise Http404("Xã không có thủ tục này.")
        return entry

    def procedure_url(self, entry_or_procedure, request=None, *, full=False) -> str:
        procedure = getattr(entry_or_procedure, "procedure", entry_or_procedure)
        base = self.get_full_url(request) if full else self.get_url(request)
        return base + self.reverse_subpage("detail", args=[procedure.slug])

    @path("")
    def listing(self, request):
        entries = self.entries()
        fields = sorted({e.procedure.field for e in entries}, key=vn_sort_key)
        selected_field = request.GET.get("field", "")
        if selected_field not in fields:
            selected_field = ""
        query = request.GET.get("q", "").strip()[:200]
        shown = entries
        if selected_field:
            shown = shown.filter(procedure__field=selected_field)
        if query:
            shown = shown.filter(procedure_search_filter(query))
        return self.render(
            request,
            context_overrides={
                "fields": fields,
                "selected_field": selected_field,
                "query": query,
                "groups": group_by_field(shown),
                "is_filtered": bool(selected_field or query),
                "procedures_base": self.get_url(request),
            },
        )

    @path("<str:slug>/")
    def detail(self, request, slug):
        from .views import procedure_detail

        return procedure_detail(request, self, self.entry_or_404(slug))

    @path("<str:slug>/in/")
    def print_sheet(self, request, slug):
        from .views import procedure_print_sheet

        return procedure_print_sheet(request, self, self.entry_or_404(slug))

    @path("<str:slug>/ma-qr.png")
    def qr_code(self, request, slug):
        from .views import procedure_qr_code

        return procedure_qr_code(request, self, self.entry_or_404(slug))

    @path("du-lieu.json")
    def json_listing(self, request):
        from .views import procedure_json_listing

        return procedure_json_listing(request, self)

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        if not base:
            return urls
        for entry in self.entries():
            urls.append(
                {
                    "location": base + self.reverse_subpage("detail", args=[entry.procedure.slug]),
                    "lastmod": max(entry.updated_at, entry.procedure.modified_at),
                }
            )
        return urls


def render_gone(request, index_page, entry) -> TemplateResponse:
    """An abolished procedure's address says so (410), instead of a bare 404."""
    context = index_page.get_context(request)
    context.update(entry=entry, procedure=entry.procedure)
    return TemplateResponse(request, "procedures/procedure_gone.html", context, status=410)
