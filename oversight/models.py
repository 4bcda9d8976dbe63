"""Oversight of a province's communes: activity, compliance, page views, review reminders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Commune


class CommuneDailyViews(models.Model):
    """How many public pages of a commune were served on one day: a number, nothing about the visitors.

    Counted in the cache while pages are served (oversight.page_views) and added here by
    `manage.py flush_view_counts`, so serving a page never writes to the database.
    """

    commune = models.ForeignKey(
        Commune, verbose_name=_("Xã/phường"), on_delete=models.CASCADE, related_name="daily_views"
    )
    date = models.DateField(_("Ngày"))
    views = models.PositiveIntegerField(_("Lượt xem"), default=0)

    class Meta:
        verbose_name = _("Lượt xem trong ngày")
        verbose_name_plural = _("Lượt xem theo ngày")
        constraints = [models.UniqueConstraint(fields=["commune", "date"], name="commune_daily_views_unique")]
        indexes = [models.Index(fields=["date", "commune"])]

    def __str__(self):
        return f"{self.commune_id} {self.date:%d/%m/%Y}: {self.views}"


class ReviewDigest(models.Model):
    """A review reminder e-mailed to a commune's officers on a day: the command sends at most one a day."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("Xã/phường"), on_delete=models.CASCADE, related_name="review_digests"
    )
    sent_on = models.DateField(_("Ngày gửi"))
    items = models.PositiveIntegerField(_("Số nội dung cần rà soát"), default=0)
    recipients = models.PositiveIntegerField(_("Số người nhận"), default=0)

    class Meta:
        verbose_name = _("Thư nhắc rà soát")
        verbose_name_plural = _("Thư nhắc rà soát")
        constraints = [models.UniqueConstraint(fields=["commune", "sent_on"], name="review_digest_once_a_day")]

    def __str__(self):
        return f"{self.commune_id} {self.sent_on:%d/%m/%Y}"
