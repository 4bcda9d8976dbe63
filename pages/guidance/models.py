"""Guiding documents (văn bản chỉ đạo điều hành) of the commune."""

from django.utils.translation import gettext_lazy as _

from pages.models import SectionPage


class DocumentIndexPage(SectionPage):
    class Meta:
        verbose_name = _("Chuyên mục văn bản chỉ đạo điều hành")
