"""Page types of the portal, the province pages and each commune's site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


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
        if commune is not None and commune.site_id:
            context["identity"] = CommuneIdentity.for_site(commune.site)
        return context


class CommuneHomePage(CommunePage):
    """The root of one commune's site; provisioning creates it with its standard sections."""

    intro = RichTextField(_("Lời giới thiệu"), blank=True, help_text=_("Vài dòng giới thiệu ngắn hiện ở trang chủ."))

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["pages.ProvincePage"]
    subpage_types = [
        "news.NewsIndexPage",
        "guidance.DocumentIndexPage",
        "procedures.ProcedureIndexPage",
        "videos.VideoIndexPage",
        "pages.StandardPage",
        "pages.ContactPage",
    ]

    class Meta:
        verbose_name = _("Trang chủ xã/phường")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().in_menu().specific()
        return context


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
    subpage_types = ["pages.StandardPage"]

    class Meta:
        verbose_name = _("Trang nội dung")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class ContactPage(StandardPage):
    """Liên hệ: how to reach the commune's people's committee."""

    parent_page_types = ["pages.CommuneHomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("Trang liên hệ")


@register_setting(icon="site")
class CommuneIdentity(BaseSiteSetting):
    """Footer and identity of one commune's site: who runs it and how to reach them."""

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

    panels = [
        FieldPanel("agency_name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("responsible_person"),
    ]

    class Meta:
        verbose_name = _("Thông tin chân trang")
