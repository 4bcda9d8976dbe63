"""Page types of the portal, the province pages and each commune's site."""

from django.conf import settings
from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

# Banners, notices and the menu live in their own module; imported here so Django registers them.
from .site_content import (  # noqa: F401
    Banner,
    LinkTarget,
    MenuItem,
    NavigationSettings,
    Notice,
    active_banners,
    validate_brand_colour,
    validate_web_url,
)

NATIONAL_PUBLIC_SERVICE_URL = "https://dichvucong.gov.vn"


class PortalHomePage(Page):
    """The portal at BASE_DOMAIN: lists provinces and their communes."""

    intro = RichTextField(_("Giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["pages.ProvincePage"]
    max_count = 1

    class Meta:
        verbose_name = _("Trang cổng thông tin")

    def get_context(self, request, *args, **kwargs):
        from sites.models import Province

        context = super().get_context(request, *args, **kwargs)
        context["provinces"] = Province.objects.prefetch_related("communes").order_by("slug")
        return context


class ProvincePage(Page):
    """A province under the portal; its communes are served beneath it as /<province>/<commune>/."""

    intro = RichTextField(_("Giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["pages.PortalHomePage"]
    subpage_types = ["pages.CommuneHomePage"]

    class Meta:
        verbose_name = _("Trang tỉnh/thành phố")

    def get_context(self, request, *args, **kwargs):
        from sites.models import Commune

        context = super().get_context(request, *args, **kwargs)
        context["communes"] = (
            Commune.objects.filter(province__page=self, status=Commune.Status.ACTIVE)
            .select_related("site", "home_page")
            .order_by("slug")
        )
        return context


class CommunePage(Page):
    """Base of every page inside a commune's site: knows its commune even when served by portal path."""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from sites.tenancy import commune_for_page, commune_for_request

        context = super().get_context(request, *args, **kwargs)
        commune = commune_for_request(request) or commune_for_page(self)
        context["current_commune"] = commune
        # Read the footer from the commune's own site, also when served by portal path.
        context["identity"] = identity_for(commune, request)
        return context

    def get_meta_description(self) -> str:
        """What search engines and Zalo/Facebook previews show under the title."""
        if self.search_description:
            return self.search_description
        intro = getattr(self, "intro", "") or ""
        return Truncator(" ".join(strip_tags(str(intro)).split())).chars(200)

    def get_meta_image(self):
        """The picture of a shared link; None falls back to the commune's emblem."""
        return None


class CommuneHomePage(CommunePage):
    """The root of one commune's site; provisioning creates it with its standard sections."""

    intro = RichTextField(_("Lời giới thiệu"), blank=True, help_text=_("Vài dòng giới thiệu ngắn hiện ở trang chủ."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["pages.ProvincePage"]

    class Meta:
        verbose_name = _("Trang chủ xã/phường")

    @classmethod
    def clean_subpage_models(cls):
        # Every standard section type (whichever app defines it), plus plain and contact pages.
        from wagtail.models import get_page_models

        sections = [m for m in get_page_models() if issubclass(m, SectionPage) and not m._meta.abstract]
        return sections + [StandardPage, ContactPage]

    def get_context(self, request, *args, **kwargs):
        from .home import home_sections

        context = super().get_context(request, *args, **kwargs)
        commune = context["current_commune"]
        banners = active_banners(commune, request)
        context["home_blocks"] = interleave_banners(home_sections(self, request), banners.get("horizontal", []))
        context["right_banners"] = banners.get("right", [])
        context["public_service_links"] = public_service_links(commune)
        return context


def interleave_banners(sections, banners) -> list[dict]:
    """Home blocks in order: each section followed by the next horizontal banner; spare banners at the end."""
    blocks = []
    banners = list(banners)
    for section, items in sections:
        blocks.append({"section": section, "items": items, "banner": banners.pop(0) if banners else None})
    blocks.extend({"section": None, "items": None, "banner": banner} for banner in banners)
    return blocks


def public_service_links(commune) -> list[dict]:
    """The National Public Service Portal, and the province's portal when it has one."""
    links = [{"title": _("Cổng Dịch vụ công quốc gia"), "url": NATIONAL_PUBLIC_SERVICE_URL}]
    if commune is not None and commune.province.public_service_url:
        links.append(
            {
                "title": _("Cổng Dịch vụ công %(province)s") % {"province": commune.province.name},
                "url": commune.province.public_service_url,
            }
        )
    return links


class SectionPage(CommunePage):
    """Base of the standard sections (news, documents, procedures, videos): a title, an intro and its items."""

    intro = RichTextField(_("Giới thiệu"), blank=True, help_text=_("Đoạn giới thiệu ngắn hiện ở đầu chuyên mục."))

    content_panels = CommunePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["pages.CommuneHomePage"]
    max_count_per_parent = 1
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = self.get_children().live().public().specific().order_by("-first_published_at")
        return context


class StandardPage(CommunePage):
    """A plain page of text: introduction pages, the law's required pages, articles until richer types exist."""

    intro = models.TextField(_("Tóm tắt"), blank=True, help_text=_("Một hai câu tóm tắt nội dung trang."))
    body = RichTextField(_("Nội dung"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["pages.StandardPage", "pages.OrganisationPage", "pages.MapPage"]

    class Meta:
        verbose_name = _("Trang nội dung")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class OrganisationPage(StandardPage):
    """Tổ chức bộ máy: the leaders with their biographies and duties, and the departments (Decree 224 Art. 9.1.c)."""

    departments = RichTextField(
        _("Các bộ phận, phòng ban"),
        blank=True,
        help_text=_("Tên, nhiệm vụ và số điện thoại của từng bộ phận chuyên môn."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("leaders", heading=_("Lãnh đạo"), label=_("Lãnh đạo")),
        FieldPanel("departments"),
        FieldPanel("body"),
    ]
    search_fields = StandardPage.search_fields + [index.SearchField("departments")]
    parent_page_types = ["pages.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Trang tổ chức bộ máy")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["leaders"] = self.leaders.select_related("photo").prefetch_related("photo__renditions")
        return context


class Leader(Orderable):
    """One leader of the commune: photo, position, short biography and duties."""

    page = ParentalKey(OrganisationPage, on_delete=models.CASCADE, related_name="leaders")
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh chân dung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh chân dung, nên chụp thẳng, tỉ lệ 3x4."),
    )
    full_name = models.CharField(_("Họ và tên"), max_length=100)
    position = models.CharField(_("Chức vụ"), max_length=150, help_text=_("Ví dụ: Bí thư Đảng ủy, Chủ tịch UBND xã."))
    biography = models.TextField(
        _("Tiểu sử tóm tắt"), blank=True, help_text=_("Năm sinh, quê quán, trình độ, quá trình công tác.")
    )
    duties = models.TextField(_("Nhiệm vụ được phân công"), blank=True, help_text=_("Mỗi nhiệm vụ một dòng."))

    panels = [
        FieldPanel("photo"),
        FieldPanel("full_name"),
        FieldPanel("position"),
        FieldPanel("biography"),
        FieldPanel("duties"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("Lãnh đạo")
        verbose_name_plural = _("Lãnh đạo")

    def __str__(self):
        return f"{self.full_name} – {self.position}"

    @property
    def duty_lines(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]


class MapPage(StandardPage):
    """Bản đồ địa giới hành chính: the boundary map as an image, with a description."""

    map_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh bản đồ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh chụp hoặc ảnh quét bản đồ địa giới hành chính của xã. Nên rộng ít nhất 1600 điểm ảnh."),
    )
    map_alt = models.CharField(
        _("Mô tả bản đồ"),
        max_length=250,
        blank=True,
        help_text=_("Câu mô tả bản đồ cho người khiếm thị, ví dụ: “Bản đồ xã Động Đạt, giáp xã Phú Đô ở phía Bắc…”."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("map_image"),
        FieldPanel("map_alt"),
        FieldPanel("body"),
    ]
    parent_page_types = ["pages.StandardPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Trang bản đồ địa giới")

    def get_meta_image(self):
        return self.map_image


class ContactPage(StandardPage):
    """Liên hệ: how to reach the commune's people's committee and its officials."""

    address = models.CharField(
        _("Địa chỉ"), max_length=300, blank=True, help_text=_("Để trống để dùng địa chỉ ở thông tin chân trang.")
    )
    phone = models.CharField(_("Điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    map_url = models.URLField(
        _("Liên kết bản đồ"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_(
            "Liên kết tới vị trí trụ sở trên OpenStreetMap, ví dụ "
            "https://www.openstreetmap.org/?mlat=21.59&mlon=105.85#map=17/21.59/105.85."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email"), FieldPanel("map_url")],
            heading=_("Trụ sở"),
        ),
        InlinePanel("officials", heading=_("Danh bạ cán bộ"), label=_("Cán bộ")),
        FieldPanel("body"),
    ]
    parent_page_types = ["pages.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Trang liên hệ")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["officials"] = list(self.officials.all())
        return context


class ContactOfficial(Orderable):
    """One entry of the contact directory: who to call for what."""

    page = ParentalKey(ContactPage, on_delete=models.CASCADE, related_name="officials")
    name = models.CharField(_("Họ và tên"), max_length=100)
    position = models.CharField(_("Chức vụ, lĩnh vực phụ trách"), max_length=200)
    phone = models.CharField(_("Điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("position"), FieldPanel("phone"), FieldPanel("email")]

    class Meta(Orderable.Meta):
        verbose_name = _("Cán bộ")
        verbose_name_plural = _("Danh bạ cán bộ")

    def __str__(self):
        return self.name


@register_setting(icon="site")
class CommuneIdentity(BaseSiteSetting, ClusterableModel):
    """Footer and identity of one commune's site: who runs it, how to reach them, its emblem and colour."""

    agency_name = models.CharField(
        _("Tên cơ quan"), max_length=200, blank=True, help_text=_("Ví dụ: Ủy ban nhân dân xã Động Đạt.")
    )
    address = models.CharField(_("Địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    responsible_person = models.CharField(
        _("Người chịu trách nhiệm nội dung"),
        max_length=200,
        blank=True,
        help_text=_("Họ tên và chức vụ, ví dụ: Nguyễn Văn A – Chủ tịch UBND xã."),
    )
    licence_line = models.CharField(
        _("Giấy phép"),
        max_length=300,
        blank=True,
        help_text=_("Dòng giấy phép hoặc quyết định thành lập, ví dụ: Giấy phép số 12/GP-STTTT ngày 05/03/2026."),
    )
    logo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Biểu trưng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Quốc huy hoặc biểu trưng hiện ở đầu trang; ảnh vuông, nền trong suốt càng tốt."),
    )
    primary_color = models.CharField(
        _("Màu chủ đạo"),
        max_length=7,
        blank=True,
        validators=[validate_brand_colour],
        help_text=_(
            "Màu nền đầu trang, dạng #RRGGBB, ví dụ #A50E0E (đỏ sẫm). Phải đủ đậm để chữ trắng dễ đọc. "
            "Để trống để dùng màu mặc định."
        ),
    )
    zalo_url = models.URLField(
        _("Trang Zalo OA"),
        blank=True,
        validators=[validate_web_url],
        help_text=_("Địa chỉ trang Zalo OA của xã, ví dụ https://zalo.me/123456789."),
    )
    facebook_url = models.URLField(
        _("Trang Facebook"),
        blank=True,
        validators=[validate_web_url],
        help_text=_("Địa chỉ trang Facebook (fanpage) của xã, ví dụ https://www.facebook.com/ubndxadongdat."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("agency_name"), FieldPanel("logo"), FieldPanel("primary_color")],
            heading=_("Nhận diện"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("responsible_person"),
                FieldPanel("licence_line"),
            ],
            heading=_("Thông tin chân trang"),
        ),
        MultiFieldPanel([FieldPanel("zalo_url"), FieldPanel("facebook_url")], heading=_("Mạng xã hội")),
        InlinePanel("footer_links", heading=_("Liên kết ở chân trang"), label=_("Liên kết")),
    ]

    class Meta:
        verbose_name = _("Thông tin chân trang")


class FooterLink(LinkTarget, Orderable):
    """A link listed in the footer (e.g. the province portal, the Party committee's page)."""

    identity = ParentalKey(CommuneIdentity, on_delete=models.CASCADE, related_name="footer_links")
    label = models.CharField(_("Tên hiển thị"), max_length=100)

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("Liên kết chân trang")
        verbose_name_plural = _("Liên kết chân trang")

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        self.clean_link(required=True)


def identity_for(commune, request=None):
    """The commune's footer/identity setting, read once per request."""
    if commune is None or not commune.site_id:
        return None
    cached = getattr(request, "_xaso_identity", None)
    if cached is not None and cached.site_id == commune.site_id:
        return cached
    identity = CommuneIdentity.for_site(commune.site)
    if request is not None:
        request._xaso_identity = identity
    return identity
