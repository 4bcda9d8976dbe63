"""How-to videos and photo galleries of the commune."""

from django.utils.translation import gettext_lazy as _

from pages.models import SectionPage


class VideoIndexPage(SectionPage):
    class Meta:
        verbose_name = _("Chuyên mục video hướng dẫn")
