"""The frame of a commune site that is not a page: banners, urgent notices and the main menu.

Banners and notices are commune-owned snippets (one commune's rows never show on another's site);
the menu is a per-site setting, so it follows the commune's Site like the footer does.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Orderable
from wagtail.search import index

from sites.snippets import CommuneOwned, CommuneOwnedForm

# --- Validators ---------------------------------------------------------------

# Only web links: "javascript:" or "data:" in a link an officer pastes would run in residents' browsers.
validate_web_url = URLValidator(
    schemes=["http", "https"], message=_("Hãy nhập một địa chỉ web bắt đầu bằng http:// hoặc https://.")
)

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST_WITH_WHITE = 4.5  # WCAG AA for normal text: the header's white text sits on this colour


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio between a #rrggbb colour and white."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)
    return 1.05 / (luminance + 0.05)


def validate_brand_colour(value: str) -> None:
    """A #rrggbb colour dark enough for white text on it (WCAG AA, 4.5:1)."""
    if not _HEX_COLOUR.match(value or ""):
        raise ValidationError(_("Màu phải có dạng #RRGGBB, ví dụ #A50E0E."), code="invalid")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST_WITH_WHITE:
        raise ValidationError(
            _(
                "Màu %(colour)s quá sáng: chữ trắng trên nền màu này khó đọc (độ tương phản %(ratio)s:1, "
                "cần ít nhất 4,5:1). Hãy chọn màu đậm hơn."
            ),
            code="low_contrast",
            params={"colour": value, "ratio": f"{ratio:.1f}".replace(".", ",")},
        )


# --- Links: an internal page or a web address ------------------------------------


class LinkTarget(models.Model):
    """A link an officer sets up: one of their own pages, or a web address elsewhere."""

    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("Trang trong trang web"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Chọn một trang của xã. Để trống nếu dùng địa chỉ web bên dưới."),
    )
    link_url = models.URLField(
        _("Hoặc địa chỉ web"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Địa chỉ đầy đủ, ví dụ https://dichvucong.gov.vn. Để trống nếu đã chọn trang ở trên."),
    )

    class Meta:
        abstract = True

    def clean_link(self, *, required: bool) -> None:
        if self.link_page_id and self.link_url:
            raise ValidationError({"link_url": _("Chỉ chọn một trang hoặc nhập một địa chỉ web, không cả hai.")})
        if required and not (self.link_page_id or self.link_url):
            raise ValidationError({"link_url": _("Hãy chọn một trang hoặc nhập một địa chỉ web.")})

    def href(self, request=None) -> str:
        if self.link_page_id and self.link_page:
            return self.link_page.get_url(request) or ""
        return self.link_url


def page_in_commune(page, commune) -> bool:
    """True when the page sits in the commune's own page tree."""
    home = commune.home_page if commune is not None else None
    return page is not None and home is not None and page.path.startswith(home.path)


# --- Banners ------------------------------------------------------------------------


class CommuneContentForm(CommuneOwnedForm):
    """Commune-owned form that also refuses links and images from another commune."""

    def target_commune(self):
        if self.instance.commune_id:
            return self.instance.commune
        return self._only_commune or self.cleaned_data.get("commune_choice")

    def clean(self):
        cleaned = super().clean()
        commune = self.target_commune()
        if commune is None:
            return cleaned
        page = cleaned.get("link_page")
        if page is not None and not page_in_commune(page, commune):
            self.add_error("link_page", _("Chỉ chọn được trang của chính xã/phường này."))
        image = cleaned.get("image")
        if image is not None and getattr(image, "commune_id", None) not in (None, commune.pk):
            self.add_error("image", _("Chỉ chọn được ảnh trong thư viện của chính xã/phường này."))
        return cleaned


class ActiveQuerySet(models.QuerySet):
    start_field = "starts_at"
    end_field = "ends_at"

    def active(self, now=None):
        """Rows whose display period covers `now` (an empty start or end means open-ended)."""
        now = now or timezone.now()
        start, end = self.start_field, self.end_field
        return self.filter(
            Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": now}),
            Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": now}),
        )


class Banner(index.Indexed, LinkTarget, CommuneOwned):
    """A picture with an optional link, shown at the top, between home sections or on the right."""

    search_fields = [
        index.SearchField("alt_text"),
        index.AutocompleteField("alt_text"),
        index.FilterField("commune"),
        index.FilterField("position"),
    ]

    class Position(models.TextChoices):
        TOP = "top", _("Banner trên")
        HORIZONTAL = "horizontal", _("Banner ngang")
        RIGHT = "right", _("Banner bên phải")

    position = models.CharField(
        _("Vị trí"),
        max_length=20,
        choices=Position.choices,
        default=Position.TOP,
        help_text=_(
            "Banner trên: đầu mọi trang, ngay dưới tên xã. Banner ngang: giữa các mục ở trang chủ. "
            "Banner bên phải: cột bên phải trang chủ (trên điện thoại hiện ở cuối trang)."
        ),
    )
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh"),
        on_delete=models.PROTECT,  # the admin shows where the picture is used and refuses to delete it
        related_name="+",
        help_text=_("Banner trên và ngang nên rộng khoảng 1200 điểm ảnh; banner bên phải khoảng 600."),
    )
    alt_text = models.CharField(
        _("Mô tả ảnh"),
        max_length=250,
        help_text=_(
            "Câu mô tả nội dung của ảnh. Phần mềm đọc màn hình sẽ đọc câu này cho người khiếm thị nghe, "
            "vì vậy hãy viết đúng chữ có trong ảnh, ví dụ: “Chào mừng 80 năm Cách mạng tháng Tám”."
        ),
    )
    starts_at = models.DateTimeField(_("Hiện từ"), null=True, blank=True, help_text=_("Để trống để hiện ngay khi lưu."))
    ends_at = models.DateTimeField(_("Hiện đến"), null=True, blank=True, help_text=_("Để trống để hiện mãi."))
    sort_order = models.PositiveSmallIntegerField(
        _("Thứ tự"), default=0, help_text=_("Số nhỏ hiện trước trong cùng vị trí.")
    )

    objects = ActiveQuerySet.as_manager()

    base_form_class = CommuneContentForm
    panels = [
        FieldPanel("position"),
        FieldPanel("image"),
        FieldPanel("alt_text"),
        MultiFieldPanel([FieldPanel("link_page"), FieldPanel("link_url")], heading=_("Liên kết khi bấm vào (nếu có)")),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Thời gian hiện")),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("Banner")
        verbose_name_plural = _("Banner")
        ordering = ["position", "sort_order", "pk"]

    def __str__(self):
        return f"{self.get_position_display()}: {self.alt_text}"

    def clean(self):
        super().clean()
        self.clean_link(required=False)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Thời điểm kết thúc phải sau thời điểm bắt đầu.")})

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.starts_at is None or self.starts_at <= now) and (self.ends_at is None or self.ends_at > now)

    is_active.boolean = True
    is_active.short_description = _("Đang hiện")


def active_banners(commune, request=None) -> dict[str, list[Banner]]:
    """The commune's banners showing now, by position: one query plus one for their renditions.

    Kept on the request, so the header, the home page and the sidebar share the same query.
    """
    if commune is None:
        return {}
    cached = getattr(request, "_xaso_banners", None)
    if cached is not None and cached[0] == commune.pk:
        return cached[1]
    from sites.page_cache import commune_fragment

    by_position = commune_fragment(request, commune, "banners", lambda: _banners_by_position(commune), scheduled=True)
    if request is not None:
        request._xaso_banners = (commune.pk, by_position)
    return by_position


def _banners_by_position(commune) -> dict[str, list[Banner]]:
    rows = (
        Banner.objects.active()
        .filter(commune=commune)
        .select_related("image", "link_page")
        .prefetch_related("image__renditions")
    )
    by_position: dict[str, list[Banner]] = {}
    for banner in rows:
        by_position.setdefault(banner.position, []).append(banner)
    return by_position


# --- Urgent notices ----------------------------------------------------------------------


class NoticeQuerySet(ActiveQuerySet):
    end_field = "expires_at"


class Notice(index.Indexed, CommuneOwned):
    """An urgent notice (thông báo khẩn) at the top of every page of the commune until it expires."""

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("text"),
        index.FilterField("commune"),
    ]

    title = models.CharField(_("Tiêu đề"), max_length=150, help_text=_("Ngắn gọn, ví dụ: “Cảnh báo mưa lũ đêm 12/9”."))
    text = models.TextField(
        _("Nội dung ngắn"), max_length=500, blank=True, help_text=_("Một hai câu; chi tiết để ở bài viết liên kết.")
    )
    link_url = models.URLField(
        _("Liên kết xem chi tiết"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Địa chỉ bài viết chi tiết (nếu có), bắt đầu bằng http:// hoặc https://."),
    )
    starts_at = models.DateTimeField(_("Hiện từ"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("Hết hạn lúc"), help_text=_("Sau thời điểm này thông báo tự ẩn khỏi trang web.")
    )

    objects = NoticeQuerySet.as_manager()

    base_form_class = CommuneOwnedForm
    panels = [
        FieldPanel("title"),
        FieldPanel("text"),
        FieldPanel("link_url"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("expires_at")], heading=_("Thời gian hiện")),
    ]

    class Meta:
        verbose_name = _("Thông báo khẩn")
        verbose_name_plural = _("Thông báo khẩn")
        ordering = ["-starts_at", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            raise ValidationError({"expires_at": _("Thời điểm hết hạn phải sau thời điểm bắt đầu hiện.")})

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.expires_at

    is_active.boolean = True
    is_active.short_description = _("Đang hiện")


def active_notices(commune, request=None) -> list[Notice]:
    if commune is None:
        return []
    from sites.page_cache import commune_fragment

    return commune_fragment(
        request, commune, "notices", lambda: list(Notice.objects.active().filter(commune=commune)), scheduled=True
    )


def next_scheduled_change(commune_id):
    """When the commune's banners, notices or province alerts next show or hide (the page cache stops there)."""
    now = timezone.now()
    moments = []
    for model, fields in ((Banner, ("starts_at", "ends_at")), (Notice, ("starts_at", "expires_at"))):
        found = model.objects.filter(commune_id=commune_id).aggregate(
            **{name: Min(name, filter=Q(**{f"{name}__gt": now})) for name in fields}
        )
        moments += [moment for moment in found.values() if moment is not None]
    # The province's alerts shown on this commune (pages.province_content) start and expire too.
    from pages.province_content.selectors import next_alert_change

    moments.append(next_alert_change(commune_id, now))
    # A consultation's page and section change when it opens or closes (pages.consultations).
    from pages.consultations.selectors import next_consultation_change

    moments.append(next_consultation_change(commune_id, now))
    return min((moment for moment in moments if moment is not None), default=None)


# --- Main menu ---------------------------------------------------------------------------


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting, ClusterableModel):
    """The commune's main menu; when empty, the header lists the home page's sections instead."""

    panels = [
        InlinePanel(
            "menu_items",
            heading=_("Các mục của menu chính"),
            label=_("Mục menu"),
            help_text=_("Để trống để tự động hiện các chuyên mục của trang chủ."),
        )
    ]

    class Meta:
        verbose_name = _("Menu chính")
        verbose_name_plural = _("Menu chính")


class MenuItem(LinkTarget, Orderable):
    """One entry of the main menu."""

    settings = ParentalKey(NavigationSettings, on_delete=models.CASCADE, related_name="menu_items")
    label = models.CharField(_("Tên hiển thị"), max_length=60, help_text=_("Chữ hiện trên menu, nên ngắn."))

    panels = [FieldPanel("label"), FieldPanel("link_page"), FieldPanel("link_url")]

    class Meta(Orderable.Meta):
        verbose_name = _("Mục menu")
        verbose_name_plural = _("Mục menu")

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        self.clean_link(required=True)
        try:
            site = self.settings.site if self.settings.site_id else None
        except NavigationSettings.DoesNotExist:
            site = None  # not attached yet; the page chooser already offers only the officer's pages
        if self.link_page_id and site is not None and not self.link_page.path.startswith(site.root_page.path):
            raise ValidationError({"link_page": _("Chỉ chọn được trang của chính xã/phường này.")})
