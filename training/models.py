"""Training workshops: practice sites for a room of officers, their exercises and their progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Commune, Province


class Workshop(models.Model):
    """One workshop day in one province: a practice site and an account per trainee, and an exercise list."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang diễn ra")
        CLOSING = "closing", _("Đang kết thúc")
        CLOSED = "closed", _("Đã kết thúc")

    province = models.ForeignKey(
        Province, verbose_name=_("Tỉnh/thành phố"), on_delete=models.CASCADE, related_name="workshops"
    )
    name = models.CharField(_("Tên lớp tập huấn"), max_length=150)
    slug = models.SlugField(
        _("Mã lớp"),
        max_length=30,
        help_text=_("Dùng trong tên miền và tên đăng nhập của học viên; chữ không dấu, số và gạch ngang."),
    )
    date = models.DateField(_("Ngày tập huấn"), null=True, blank=True)
    template = models.ForeignKey(
        Commune,
        verbose_name=_("Xã/phường mẫu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Trang thực hành của mỗi học viên là một bản sao nội dung của xã/phường này."),
    )
    template_name = models.CharField(max_length=150, blank=True, editable=False)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    closed_at = models.DateTimeField(_("Kết thúc lúc"), null=True, blank=True)
    # Seats asked for: the background task makes the missing ones (training.tasks), so a board can show progress.
    seats_planned = models.PositiveSmallIntegerField(_("Số học viên"), default=0)
    # Why the last background step stopped, for the trainer (empty when it went through).
    task_error = models.TextField(blank=True, editable=False)
    # Kept after closing, when the sites and accounts are gone: who completed what.
    summary = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("Lớp tập huấn")
        verbose_name_plural = _("Lớp tập huấn")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["province", "slug"], name="workshop_unique_slug_in_province")]

    def __str__(self):
        return self.name

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class Exercise(models.Model):
    """One step of the workshop's checklist; its kind names the action that is detected (training.exercises)."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="exercises")
    kind = models.CharField(_("Bài tập"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Bài tập")
        verbose_name_plural = _("Bài tập")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["workshop", "kind"], name="exercise_unique_kind_in_workshop")]

    def __str__(self):
        from .exercises import EXERCISES

        spec = EXERCISES.get(self.kind)
        return str(spec.title) if spec else self.kind


class Trainee(models.Model):
    """A seat in the workshop: number N, its practice site and its account."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="trainees")
    number = models.PositiveSmallIntegerField(_("Số thứ tự"))
    commune = models.OneToOneField(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainee")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="trainee"
    )
    username = models.CharField(_("Tên đăng nhập"), max_length=150)
    # Printed on the login card; practice accounts reach nothing but their own practice site.
    card_password = models.CharField(max_length=50, blank=True, editable=False)
    site_url = models.CharField(max_length=300, blank=True, editable=False)
    started_at = models.DateTimeField(_("Bắt đầu từ"), help_text=_("Lúc tạo hoặc đặt lại trang thực hành."))

    class Meta:
        verbose_name = _("Học viên")
        verbose_name_plural = _("Học viên")
        ordering = ["workshop", "number"]
        constraints = [models.UniqueConstraint(fields=["workshop", "number"], name="trainee_unique_number")]

    def __str__(self):
        return f"Học viên {self.number:02d}"
