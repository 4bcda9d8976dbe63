"""Admin menus: "Cảnh báo của tỉnh" for province admins, "Tin, văn bản của tỉnh" for commune officers."""

from django.urls import reverse
from wagtail import hooks

from .admin_views import SHARED_LABEL, SharedItemsMenuItem, admin_urls, alerts_viewset


@hooks.register("register_admin_viewset")
def register_alerts_viewset():
    return alerts_viewset


@hooks.register("register_admin_urls")
def register_shared_items_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_shared_items_menu_item():
    return SharedItemsMenuItem(
        SHARED_LABEL,
        reverse("province_shared_items"),
        name="province-shared-items",
        icon_name="doc-full-inverse",
        order=215,
    )
