"""News: the commune's news section, its categories (mục tin) and articles."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from pages.blocks import ContentStreamBlock
from pages.models import CommunePage, SectionPage
from pages.province_content.sharing import (
    SharedWithCommunes,
    SharingFormMixin,
    mark_shared,
    own_or_shared,
    sharing_panel,
)
from sites.models import VietnameseOrderedName
from sites.snippets import CommuneOwned, CommuneOwnedForm
from sites.text import vn_slugify

ARTICLES_PER_PAGE = 10
FEED_ITEMS = 20
# Renditions used by the article card (templates/news/components/article_card.html); prefetched
# with the listing so a page of cards costs one rendition query, whatever its length.
CARD_IMAGE_SPECS = ["fill-{360x203,720x405}", "format-{webp,jpeg}"]
# Article slugs that would be shadowed by the news section's own routes.
RESERVED_SLUGS = frozenset({"muc", "rss", "atom"})


def expanded_specs(patterns) -> list[str]:
    """The filter specs Wagtail's {% picture %} tag builds from a brace pattern, e.g. for prefetching."""
    from wagtail.images.models import Filter

    return Filter.expand_spec(patterns)


def with_card_images(articles):
    """Articles with their featured image and its card renditions loaded in two queries in total."""
    rendition_model = get_image_model().get_rendition_model()
    renditions = rendition_model.objects.filter(filter_spec__in=expanded_specs(CARD_IMAGE_SPECS))
    return articles.select_related("featured_image").prefetch_related(
        Prefetch("featured_image__renditions", queryset=renditions, to_attr="prefetched_renditions")
    )


# --- Categories ------------------------------------------------------------------


class NewsCategory(index.Indexed, VietnameseOrderedName, CommuneOwned):
    """A news category (mục tin) that a commune's officers create themselves, e.g. "Chuyển đổi số"."""

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.FilterField("commune"),
    ]

    name = models.CharField(_("Tên mục tin"), max_length=100, help_text=_("Ví dụ: Tin hoạt động, Thông báo."))
    slug = models.SlugField(
        _("Đường dẫn"),
        max_length=120,
        editable=False,
        help_text=_("Tạo tự động từ tên mục tin; không đổi khi sửa tên để liên kết cũ vẫn dùng được."),
    )
    description = models.TextField(
        _("Mô tả"), blank=True, help_text=_("Một hai câu giới thiệu mục tin, hiện ở đầu trang danh sách.")
    )
    sort_order = models.PositiveSmallIntegerField(
        _("Thứ tự hiển thị"), default=0, help_text=_("Số nhỏ hiện trước. Để 0 nếu không cần sắp xếp.")
    )

    base_form_class = CommuneOwnedForm
    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("Mục tin")
        verbose_name_plural = _("Mục tin")
        ordering = ["sort_order", "sort_name"]
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="news_category_unique_slug")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # Two categories of one name on a commune's site: residents could not tell them apart.
        name = " ".join((self.name or "").split())
        if self.commune_id and name:
            same = NewsCategory.objects.filter(commune_id=self.commune_id, name__iexact=name).exclude(pk=self.pk)
            if same.exists():
                raise ValidationError(
                    {"name": _("Xã/phường đã có mục tin “%(name)s”; hãy đặt tên khác.") % {"name": name}}
                )

    def save(self, *args, **kwargs):
        # The slug is set once so a category's address survives renaming.
        if not self.slug:
            self.slug = unique_category_slug(self.commune_id, self.name)
        super().save(*args, **kwargs)


def unique_category_slug(commune_id: int, name: str) -> str:
    """vn_slugify(name), with -2, -3… added when the commune already has that slug."""
    base = vn_slugify(name)[:100] or "muc-tin"
    taken = set(
        NewsCategory.objects.filter(commune_id=commune_id, slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- The news section ---------------------------------------------------------------


class NewsIndexPage(RoutablePageMixin, SectionPage):
    """Tin tức: the commune's news section, with per-category listings and RSS/Atom feeds."""

    subpage_types = ["news.ArticlePage"]
    # A province keeps its own news section too ("Tin tức của tỉnh"), shared down to chosen communes.
    parent_page_types = ["pages.CommuneHomePage", "pages.ProvincePage"]

    class Meta:
        verbose_name = _("Chuyên mục tin tức")

    @cached_property
    def commune(self):
        from sites.tenancy import commune_for_page

        return commune_for_page(self)

    def articles(self, category: NewsCategory | None = None):
        """Live, public articles of this section, newest first, without their bodies.

        A commune's whole listing also holds the province's articles shared with it (not hidden by it);
        a category is the commune's own, so its listing holds only the commune's articles."""
        if category is None and self.commune is not None:
            qs = own_or_shared(ArticlePage, self, commune_id=self.commune.pk)
        else:
            qs = ArticlePage.objects.child_of(self)
        qs = qs.live().public().defer_streamfields().order_by("-date", "-pk")
        if category is not None:
            qs = qs.filter(categories=category)
        return qs

    def categories(self):
        return NewsCategory.objects.filter(commune=self.commune) if self.commune else NewsCategory.objects.none()

    def category_or_404(self, slug: str) -> NewsCategory:
        return get_object_or_404(self.categories(), slug=slug)

    def serve(self, request, *args, **kwargs):
        from sites.tenancy import commune_for_request

        # On the commune's own host the request already knows the commune: no extra query.
        commune = commune_for_request(request)
        if commune is not None:
            self.__dict__.setdefault("commune", commune)
        return super().serve(request, *args, **kwargs)

    def listing_response(self, request, category: NewsCategory | None = None):
        paginator = Paginator(with_card_images(self.articles(category)), ARTICLES_PER_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        if self.commune is not None:
            home_path = self.path[: -self.steplen]
            page_obj.object_list = mark_shared(page_obj.object_list, home_path, self.commune.province)
        return self.render(
            request,
            context_overrides={"category": category, "page_obj": page_obj, "articles": page_obj.object_list},
        )

    @path("")
    def listing(self, request):
        return self.listing_response(request)

    @path("muc/<slug:slug>/")
    def category_listing(self, request, slug):
        return self.listing_response(request, self.category_or_404(slug))

    @path("rss/")
    def rss_feed(self, request):
        from .feeds import ArticlesRssFeed

        return ArticlesRssFeed(self)(request)

    @path("atom/")
    def atom_feed(self, request):
        from .feeds import ArticlesAtomFeed

        return ArticlesAtomFeed(self)(request)

    @path("muc/<slug:slug>/rss/")
    def category_rss_feed(self, request, slug):
        from .feeds import ArticlesRssFeed

        return ArticlesRssFeed(self, self.category_or_404(slug))(request)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_categories"] = self.categories()
        return context


# --- Articles ----------------------------------------------------------------------


class ArticlePageForm(SharingFormMixin, WagtailAdminPageForm):
    """Admin form of an article: only the commune's own categories, images and related articles are accepted.

    The choosers are already scoped; this is the server-side check behind them. A province's own article
    (in "Tin tức của tỉnh") takes the province's images and articles, and may be shared with its communes.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = self._find_commune()
        self.setup_sharing(self.parent_page)
        if "categories" in self.fields:
            self.fields["categories"].queryset = (
                NewsCategory.objects.filter(commune=self.commune) if self.commune else NewsCategory.objects.none()
            )

    def _find_commune(self):
        from sites.tenancy import commune_for_page

        anchor = self.parent_page or (self.instance if self.instance.pk else None)
        return commune_for_page(anchor) if anchor is not None else None

    def clean(self):
        cleaned = self.clean_sharing(super().clean())
        home = self.commune.home_page if self.commune else None
        province = self.sharing_province
        if home is None and province is not None:
            home = province.page  # the province's own tree
        image = cleaned.get("featured_image")
        if image is not None and not self._own_image(image, province):
            self.add_error("featured_image", _("Chỉ được chọn ảnh trong thư viện của xã/phường mình."))
        for category in cleaned.get("categories") or []:
            if self.commune is None or category.commune_id != self.commune.pk:
                self.add_error("categories", _("Chỉ được chọn mục tin của xã/phường mình."))
                break
        formset = self.formsets.get("related_links")
        if formset is not None and formset.is_valid():
            for form in formset.forms:
                related = form.cleaned_data.get("related")
                if not related or form.cleaned_data.get("DELETE"):
                    continue
                # A province article relates to the province's own articles, never to a commune's.
                own_tree = home is not None and related.path.startswith(home.path)
                if not own_tree or (self.commune is None and related.depth != home.depth + 2):
                    self.add_error(None, _("Tin liên quan “%(title)s” không thuộc xã/phường này.") % {"title": related})
                elif self.instance.pk and related.pk == self.instance.pk:
                    self.add_error(None, _("Không chọn chính bài này làm tin liên quan."))
        return cleaned

    def _own_image(self, image, province) -> bool:
        if self.commune is not None:
            return image.commune_id == self.commune.pk
        if province is None:
            return False
        from sites.tenancy import owner_of

        return owner_of(image) == (None, province.pk)


class ArticlePage(SharedWithCommunes, CommunePage):
    """Tin bài: one news article of a commune, with its picture, body, categories and related articles."""

    summary = models.TextField(
        _("Tóm tắt (sapo)"),
        max_length=400,
        help_text=_("Một hai câu tóm tắt bài viết, hiện ở danh sách tin và khi chia sẻ lên Zalo, Facebook."),
    )
    featured_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh hiện ở đầu bài và ở danh sách tin. Nên dùng ảnh ngang."),
    )
    featured_image_caption = models.CharField(
        _("Chú thích ảnh"), max_length=255, blank=True, help_text=_("Dòng chữ hiện dưới ảnh đại diện.")
    )
    featured_image_alt = models.CharField(
        _("Mô tả ảnh cho người khiếm thị"),
        max_length=255,
        blank=True,
        help_text=_(
            "Bắt buộc khi có ảnh: tả ngắn gọn nội dung ảnh. Để trống thì dùng phần mô tả đã nhập khi tải ảnh lên."
        ),
    )
    body = StreamField(ContentStreamBlock(), verbose_name=_("Nội dung"), blank=True)
    date = models.DateTimeField(
        _("Ngày giờ đăng"), default=timezone.now, help_text=_("Ngày giờ hiện trên bài và dùng để sắp xếp tin.")
    )
    author = models.CharField(
        _("Tác giả / nguồn tin"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Nguyễn Văn A, hoặc: Theo Báo Nhân Dân."),
    )
    categories = ParentalManyToManyField(
        NewsCategory,
        verbose_name=_("Mục tin"),
        blank=True,
        related_name="articles",
        help_text=_("Chọn một hoặc nhiều mục tin. Mục tin mới tạo ở menu “Mục tin”."),
    )
    featured = models.BooleanField(
        _("Tin nổi bật"), default=False, help_text=_("Đánh dấu để bài hiện ở khu tin nổi bật trên trang chủ.")
    )
    # Counted in the cache by serve() and added here by `manage.py flush_view_counts`.
    view_count = models.PositiveIntegerField(_("Lượt xem"), default=0, editable=False)

    base_form_class = ArticlePageForm
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []
    exclude_fields_in_copy = ["view_count"]
    og_type = "article"

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("featured_image"), FieldPanel("featured_image_caption"), FieldPanel("featured_image_alt")],
            heading=_("Ảnh đại diện"),
        ),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("date"),
                FieldPanel("author"),
                FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
                FieldPanel("featured"),
            ],
            heading=_("Thông tin bài viết"),
        ),
        InlinePanel("related_links", heading=_("Tin liên quan"), label=_("Tin liên quan")),
        sharing_panel(),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
        index.FilterField("featured"),
    ]

    class Meta:
        verbose_name = _("Tin bài")
        verbose_name_plural = _("Tin bài")

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            message = _("Đường dẫn “%(slug)s” dành cho hệ thống; hãy chọn tên khác.") % {"slug": self.slug}
            raise ValidationError({"slug": message})
        if self.featured_image_id and not self.featured_image_alt:
            self.featured_image_alt = (self.featured_image.description or "").strip()
            if not self.featured_image_alt:
                raise ValidationError({"featured_image_alt": _("Hãy nhập mô tả ảnh cho người khiếm thị.")})

    def with_content_json(self, content):
        # The counter lives outside revisions: publishing an old draft must not reset it.
        obj = super().with_content_json(content)
        obj.view_count = self.view_count
        return obj

    # --- Public view

    def serve(self, request, *args, **kwargs):
        from sites.page_cache import repeat_on_cache_hit

        from .services import count_view

        if request.method == "GET":
            self._pending_views = count_view(self.pk)
            repeat_on_cache_hit(request, "news-view", self.pk)  # a cached copy of the page counts views too
        return super().serve(request, *args, **kwargs)

    def views_total(self) -> int:
        """Stored count plus views counted in the cache since the last flush."""
        from .services import pending_views

        pending = getattr(self, "_pending_views", None)
        return self.view_count + (pending if pending is not None else pending_views(self.pk))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["view_total"] = self.views_total()
        context["article_categories"] = self.categories.all()
        context["related_articles"] = self.related_articles()
        context["share_url"] = self.get_full_url(request)
        context["section_url"] = self.get_parent().get_url(request)
        return context

    def related_articles(self) -> list[ArticlePage]:
        """Live related articles, in the officer's order, with their card images."""
        links = [link.related_id for link in self.related_links.all()]
        if not links:
            return []
        found = with_card_images(ArticlePage.objects.live().public().defer_streamfields()).in_bulk(links)
        return [found[pk] for pk in links if pk in found]

    # --- Sharing metadata, read by base.html's Open Graph tags

    def get_meta_image(self):
        """The image shared on Zalo/Facebook (an image object, or None): the featured image."""
        return self.featured_image

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    @property
    def og_image(self):
        return self.get_meta_image()

    @property
    def og_description(self) -> str:
        return self.get_meta_description()

    @property
    def image_alt(self) -> str:
        if not self.featured_image_id:
            return ""
        return self.featured_image_alt or self.featured_image.description or self.title


class ArticleRelatedLink(Orderable):
    """One related article shown at the end of an article; both belong to the same commune."""

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        ArticlePage,
        verbose_name=_("Bài viết"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Chọn một tin bài khác của xã/phường mình."),
    )

    panels = [PageChooserPanel("related", page_type="news.ArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("Tin liên quan")
        verbose_name_plural = _("Tin liên quan")
