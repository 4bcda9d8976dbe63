"""News: the commune's news section, its categories (mục tin) and articles."""

from django.utils.translation import gettext_lazy as _

from pages.models import SectionPage


class NewsIndexPage(SectionPage):
    class Meta:
        verbose_name = _("Chuyên mục tin tức")
