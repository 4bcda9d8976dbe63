"""Admin for news categories (mục tin): each commune's officers create and order their own."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet

from sites.snippets import CommuneSnippetViewSet

from .models import NewsCategory


class NewsCategoryViewSet(CommuneSnippetViewSet):
    model = NewsCategory
    icon = "folder-open-inverse"
    menu_label = _("Mục tin")
    menu_name = "news-categories"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "sort_name"]


register_snippet(NewsCategory, viewset=NewsCategoryViewSet)
