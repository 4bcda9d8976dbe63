"""Administrative procedures (thủ tục hành chính) the commune handles."""

from django.utils.translation import gettext_lazy as _

from pages.models import SectionPage


class ProcedureIndexPage(SectionPage):
    class Meta:
        verbose_name = _("Chuyên mục thủ tục hành chính")
