"""Admin for the site frame: banners and urgent notices, each commune seeing only its own."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet

from sites.snippets import CommuneSnippetViewSet

from .site_content import Banner, Notice


class BannerViewSet(CommuneSnippetViewSet):
    model = Banner
    icon = "image"
    menu_label = _("Banner")
    add_to_admin_menu = True
    menu_order = 250
    list_display = ["alt_text", "position", BooleanColumn("is_active", label=_("Đang hiện")), "starts_at", "ends_at"]
    list_filter = ["position"]
    ordering = ["position", "sort_order", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("image")


class NoticeViewSet(CommuneSnippetViewSet):
    model = Notice
    icon = "warning"
    menu_label = _("Thông báo khẩn")
    add_to_admin_menu = True
    menu_order = 251
    list_display = ["title", BooleanColumn("is_active", label=_("Đang hiện")), "starts_at", "expires_at"]


register_snippet(Banner, viewset=BannerViewSet)
register_snippet(Notice, viewset=NoticeViewSet)
