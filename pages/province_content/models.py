"""What a province pushes down to its communes: urgent alerts, planned outages, shared news and documents."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pages.site_content import validate_web_url
from sites.models import Commune, Province
from sites.snippets import CommuneOwned

# Decree 224/2026/NĐ-CP Art. 13: a planned stop of an online service is announced this many working days ahead.
OUTAGE_NOTICE_WORKING_DAYS = 7


def authority_name(province) -> str:
    """“UBND tỉnh Thái Nguyên”, or “UBND Thành phố Hà Nội” for a centrally-run city."""
    name = province.name
    if name.lower().startswith(("thành phố", "tp.", "tp ")):
        return f"UBND {name}"
    return f"UBND tỉnh {name}"


class AlertKind(models.TextChoices):
    DISASTER = "disaster", _("Thiên tai")
    INCIDENT = "incident", _("Sự cố – mất điện, mất nước, mạng")
    EPIDEMIC = "epidemic", _("Dịch bệnh")
    OTHER = "other", _("Khác")
    PLANNED_OUTAGE = "planned_outage", _("Lịch ngừng cung cấp dịch vụ theo kế hoạch")


class AlertQuerySet(models.QuerySet):
    def live(self):
        """Not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def active(self, now=None):
        """Showing now: started, not expired, not withdrawn."""
        now = now or timezone.now()
        return self.live().filter(starts_at__lte=now, expires_at__gt=now)

    def for_commune(self, commune_id: int, province_id=None):
        """Alerts that target this commune: all communes of its province, or it by name.

        A subquery rather than a join: an alert sent to all communes and to some by name is listed once."""
        if province_id is None:
            province_id = models.Subquery(Commune.objects.filter(pk=commune_id).values("province_id")[:1])
        chosen = ProvinceAlert.communes.through.objects.filter(commune_id=commune_id).values("provincealert_id")
        return self.filter(province_id=province_id).filter(Q(all_communes=True) | Q(pk__in=chosen))


class ProvinceAlert(models.Model):
    """An urgent alert (or planned outage notice) a province shows at the top of its communes' sites."""

    province = models.ForeignKey(
        Province, verbose_name=_("Tỉnh/thành phố"), on_delete=models.CASCADE, related_name="alerts", editable=False
    )
    kind = models.CharField(_("Loại cảnh báo"), max_length=20, choices=AlertKind.choices, default=AlertKind.DISASTER)
    title = models.CharField(
        _("Tiêu đề"),
        max_length=150,
        help_text=_("Ngắn gọn, ví dụ: “Bão số 3 đổ bộ đêm 12/9: người dân không ra đồng”."),
    )
    text = models.TextField(
        _("Nội dung ngắn"), max_length=500, blank=True, help_text=_("Một hai câu; chi tiết để ở trang liên kết.")
    )
    link_url = models.URLField(
        _("Liên kết xem chi tiết"),
        max_length=500,
        blank=True,
        validators=[validate_web_url],
        help_text=_("Địa chỉ trang chi tiết (nếu có), bắt đầu bằng http:// hoặc https://."),
    )
    starts_at = models.DateTimeField(
        _("Hiện từ"), default=timezone.now, help_text=_("Thời điểm cảnh báo bắt đầu hiện trên trang các xã.")
    )
    expires_at = models.DateTimeField(_("Hết hạn lúc"), help_text=_("Sau thời điểm này cảnh báo tự ẩn."))
    outage_starts_at = models.DateTimeField(
        _("Ngừng cung cấp dịch vụ từ"),
        null=True,
        blank=True,
        help_text=_("Chỉ với lịch ngừng cung cấp dịch vụ: phải sau ít nhất 7 ngày làm việc kể từ ngày thông báo."),
    )
    restore_expected_at = models.DateTimeField(
        _("Dự kiến cung cấp lại lúc"),
        null=True,
        blank=True,
        help_text=_("Chỉ với lịch ngừng cung cấp dịch vụ: thời điểm dự kiến dịch vụ hoạt động trở lại."),
    )
    all_communes = models.BooleanField(
        _("Gửi tới tất cả xã/phường của tỉnh"),
        default=False,
        help_text=_("Bỏ chọn để chỉ gửi tới các xã/phường chọn bên dưới."),
    )
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("Các xã/phường nhận cảnh báo"),
        blank=True,
        related_name="+",
        help_text=_("Chọn khi không gửi tới tất cả xã/phường."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("Cảnh báo của tỉnh")
        verbose_name_plural = _("Cảnh báo của tỉnh")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["province", "expires_at"])]

    def __str__(self):
        return self.title

    @property
    def is_planned_outage(self) -> bool:
        return self.kind == AlertKind.PLANNED_OUTAGE

    @property
    def authority(self) -> str:
        return authority_name(self.province)

    def status_label(self, now=None) -> str:
        now = now or timezone.now()
        if self.withdrawn_at:
            return _("Đã thu hồi")
        if self.expires_at <= now:
            return _("Đã hết hạn")
        if self.starts_at > now:
            return _("Chưa đến giờ hiện")
        return _("Đang hiện")

    def announced_on(self):
        """The day residents first read the notice: when it starts showing, never before it was written."""
        written = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        shown = timezone.localdate(self.starts_at) if self.starts_at else written
        return max(shown, written)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.expires_at and self.expires_at <= self.starts_at:
            errors["expires_at"] = _("Thời điểm hết hạn phải sau thời điểm bắt đầu hiện.")
        if self.is_planned_outage:
            errors.update(self._outage_errors())
        else:
            # Outage times belong to outage notices only; another kind keeps none.
            self.outage_starts_at = self.restore_expected_at = None
        if errors:
            raise ValidationError(errors)

    def _outage_errors(self) -> dict:
        from sites.workdays import add_working_days, working_days_between

        errors = {}
        if not self.outage_starts_at:
            errors["outage_starts_at"] = _("Lịch ngừng cung cấp dịch vụ cần thời điểm bắt đầu ngừng.")
        if not self.restore_expected_at:
            errors["restore_expected_at"] = _("Lịch ngừng cung cấp dịch vụ cần thời điểm dự kiến cung cấp lại.")
        if errors:
            return errors
        if self.restore_expected_at <= self.outage_starts_at:
            errors["restore_expected_at"] = _("Thời điểm dự kiến cung cấp lại phải sau thời điểm bắt đầu ngừng.")
        announced = self.announced_on()
        outage_day = timezone.localdate(self.outage_starts_at)
        if working_days_between(announced, outage_day) < OUTAGE_NOTICE_WORKING_DAYS:
            earliest = add_working_days(announced, OUTAGE_NOTICE_WORKING_DAYS)
            errors["outage_starts_at"] = _(
                "Lịch ngừng cung cấp dịch vụ phải được thông báo trước ít nhất %(days)s ngày làm việc "
                "(Nghị định 224, Điều 13; không tính thứ Bảy, Chủ nhật và ngày lễ). Thông báo từ ngày "
                "%(announced)s thì sớm nhất được ngừng từ ngày %(earliest)s."
            ) % {
                "days": OUTAGE_NOTICE_WORKING_DAYS,
                "announced": f"{announced:%d/%m/%Y}",
                "earliest": f"{earliest:%d/%m/%Y}",
            }
        if self.expires_at and self.expires_at < self.restore_expected_at and "restore_expected_at" not in errors:
            errors["expires_at"] = _("Thông báo phải hiện ít nhất đến thời điểm dự kiến cung cấp lại dịch vụ.")
        return errors


class HiddenSharedItem(CommuneOwned):
    """A province news item or document that one commune chose not to list on its own site."""

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("Tin, văn bản của tỉnh"), on_delete=models.CASCADE, related_name="+"
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người ẩn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hidden_at = models.DateTimeField(_("Ẩn lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("Tin, văn bản của tỉnh đã ẩn")
        verbose_name_plural = _("Tin, văn bản của tỉnh đã ẩn")
        constraints = [models.UniqueConstraint(fields=["commune", "page"], name="hidden_shared_item_unique")]

    def __str__(self):
        return str(self.page_id)
