"""The officer's dashboard: their commune, one-click actions for the everyday tasks, drafts and recent changes.

Actions are built from what is installed: a task whose content type does not exist yet is left out,
so the panel never links to a page that would fail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from wagtail.admin.ui.components import Component
from wagtail.models import Page, PageLogEntry

from .tenancy import commune_for_user


@dataclass(frozen=True)
class QuickAction:
    label: str
    url: str
    icon: str


def _child_of_type(home: Page, model_path: str) -> Page | None:
    try:
        model = apps.get_model(model_path)
    except (LookupError, ValueError):
        return None
    return home.get_children().type(model).first()


def _add_page_url(parent: Page | None, model_path: str) -> str | None:
    if parent is None:
        return None
    try:
        app_label, model_name = model_path.split(".")
        apps.get_model(model_path)
        return reverse("wagtailadmin_pages:add", args=(app_label, model_name.lower(), parent.pk))
    except (LookupError, ValueError, NoReverseMatch):
        return None


def _snippet_url(model_path: str, action: str) -> str | None:
    try:
        model = apps.get_model(model_path)
    except (LookupError, ValueError):
        return None
    viewset = getattr(model, "snippet_viewset", None)
    if viewset is None:
        return None
    try:
        return reverse(viewset.get_url_name(action))
    except NoReverseMatch:
        return None


def quick_actions(commune) -> list[QuickAction]:
    """The workshop tasks, as links into the commune's own sections."""
    home = commune.home_page
    news = _child_of_type(home, "news.NewsIndexPage")
    documents = _child_of_type(home, "guidance.DocumentIndexPage")
    videos = _child_of_type(home, "videos.VideoIndexPage")
    galleries = _child_of_type(home, "videos.GalleryIndexPage")
    disclosures = _child_of_type(home, "disclosures.DisclosureIndexPage")
    candidates = [
        ("Đăng tin bài", _add_page_url(news, "news.ArticlePage"), "doc-full-inverse"),
        ("Tạo mục tin", _snippet_url("news.NewsCategory", "add"), "tag"),
        ("Thêm văn bản", _add_page_url(documents, "guidance.GuidingDocumentPage"), "doc-full"),
        ("Đăng thông tin công khai", _add_page_url(disclosures, "disclosures.DisclosurePage"), "clipboard-list"),
        ("Cập nhật thủ tục hành chính", _snippet_url("procedures.CommuneProcedure", "list"), "list-ul"),
        ("Tải video hướng dẫn", _add_page_url(videos, "videos.VideoPage"), "media"),
        ("Thêm album ảnh", _add_page_url(galleries, "videos.GalleryPage"), "image"),
        ("Thay banner", _snippet_url("pages.Banner", "list"), "image"),
        ("Thông báo khẩn", _snippet_url("pages.Notice", "list"), "warning"),
        (
            "Sửa thông tin chân trang",
            reverse("wagtailsettings:edit", args=("pages", "communeidentity", commune.site_id))
            if commune.site_id
            else None,
            "cog",
        ),
        ("Tải hình ảnh lên", reverse("wagtailimages:add_multiple"), "image"),
    ]
    return [QuickAction(label, url, icon) for label, url, icon in candidates if url]


class CommuneDashboardPanel(Component):
    """First panel an officer sees after logging in."""

    order = 10
    template_name = "sites/admin/dashboard_panel.html"

    def __init__(self, request, commune):
        self.request = request
        self.commune = commune

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        home = self.commune.home_page
        in_commune = Page.objects.descendant_of(home, inclusive=True)
        context.update(
            {
                "commune": self.commune,
                "actions": quick_actions(self.commune),
                "drafts": in_commune.filter(has_unpublished_changes=True)
                .exclude(locked=True)
                .order_by("-latest_revision_created_at")
                .specific(defer=True)[:8],
                "recent": PageLogEntry.objects.filter(page__in=in_commune.values("pk"))
                .select_related("user", "page")
                .order_by("-timestamp")[:8],
            }
        )
        # The province's alerts on this commune's site: shown here read-only (pages.province_content).
        from pages.province_content.selectors import alerts_for_officer

        context["province_alerts"] = alerts_for_officer(self.commune)
        return context


def panel_for(request) -> CommuneDashboardPanel | None:
    commune = commune_for_user(request.user)
    if commune is None or commune.home_page_id is None:
        return None
    return CommuneDashboardPanel(request, commune)
