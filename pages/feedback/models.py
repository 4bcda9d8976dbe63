"""Residents' anonymous satisfaction ratings of a page (Decree 224 Art. 10.3.b).

One row per page per day holds the counts; a vote adds one to them (no row per vote, no address,
no free text: nothing personal is stored).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Commune


class Reason(models.TextChoices):
    """Why a page was not useful: a fixed list, so residents never type personal data."""

    MISSING = "missing", _("Thiếu thông tin")
    UNCLEAR = "unclear", _("Khó hiểu")
    OUTDATED = "outdated", _("Thông tin đã cũ")
    OTHER = "other", _("Lý do khác")


REASON_FIELDS = {reason.value: f"reason_{reason.value}" for reason in Reason}


class PageRating(models.Model):
    """The votes a page got on one day: useful / not useful, and the reasons given for "not useful"."""

    commune = models.ForeignKey(Commune, verbose_name=_("Xã/phường"), on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("Trang"), on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("Ngày"))
    useful = models.PositiveIntegerField(_("Hữu ích"), default=0)
    not_useful = models.PositiveIntegerField(_("Chưa hữu ích"), default=0)
    reason_missing = models.PositiveIntegerField(_("Thiếu thông tin"), default=0)
    reason_unclear = models.PositiveIntegerField(_("Khó hiểu"), default=0)
    reason_outdated = models.PositiveIntegerField(_("Thông tin đã cũ"), default=0)
    reason_other = models.PositiveIntegerField(_("Lý do khác"), default=0)

    class Meta:
        verbose_name = _("Đánh giá trang")
        verbose_name_plural = _("Đánh giá trang")
        constraints = [models.UniqueConstraint(fields=["page", "date"], name="feedback_one_row_per_page_per_day")]
        indexes = [models.Index(fields=["commune", "date"])]

    def __str__(self):
        return f"{self.page_id} {self.date:%d/%m/%Y}: {self.useful}/{self.useful + self.not_useful}"
