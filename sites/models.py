"""Provinces and communes: the tenants of the install."""

from django.contrib.auth.models import Group
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Page, Site, Workflow

from .text import vn_collation_key


class VietnameseOrderedName(models.Model):
    """A `name` that sorts in Vietnamese alphabetical order (a ă â … d đ) on SQLite and PostgreSQL.

    Order by `sort_name`, never by `name`: databases compare code points, which puts "Đ" after "Y".
    """

    sort_name = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_name = vn_collation_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class Province(VietnameseOrderedName):
    """A province or centrally-run city (tỉnh/thành phố); its communes' hostnames sit under its domain."""

    name = models.CharField(_("Tên tỉnh/thành phố"), max_length=100, unique=True)
    slug = models.SlugField(_("Đường dẫn"), max_length=100, unique=True)
    domain = models.CharField(
        _("Tên miền"),
        max_length=200,
        unique=True,
        help_text=_("Tên miền cổng thông tin của tỉnh, ví dụ thainguyen.gov.vn."),
    )
    code = models.CharField(_("Mã đơn vị hành chính"), max_length=10, blank=True)
    public_service_url = models.URLField(
        _("Cổng dịch vụ công của tỉnh"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Địa chỉ Cổng dịch vụ công của tỉnh, ví dụ https://dichvucong.thainguyen.gov.vn. Có thể bỏ trống."),
    )
    page = models.OneToOneField(
        Page, verbose_name=_("Trang của tỉnh"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collection = models.OneToOneField(Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    admins_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="province_admin_of"
    )
    # Trainers run workshops (training) in this province; they reach no commune's content.
    trainers_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="province_trainers_of"
    )

    class Meta:
        verbose_name = _("Tỉnh/thành phố")
        verbose_name_plural = _("Tỉnh/thành phố")
        ordering = ["sort_name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def real(self):
        """Without training workshops' practice sites."""
        return self.filter(is_practice=False)

    def listed(self):
        """Real communes whose sites are up: the ones listed to the public and offered as workshop templates."""
        return self.real().filter(status=Commune.Status.ACTIVE)


class Commune(VietnameseOrderedName):
    """A commune-level unit (xã, phường, thị trấn, đặc khu) with its own site, editors and files."""

    class Kind(models.TextChoices):
        XA = "xã", _("Xã")
        PHUONG = "phường", _("Phường")
        THI_TRAN = "thị trấn", _("Thị trấn")
        DAC_KHU = "đặc khu", _("Đặc khu")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang hoạt động")
        ARCHIVED = "archived", _("Đã lưu trữ")

    province = models.ForeignKey(
        Province, verbose_name=_("Tỉnh/thành phố"), on_delete=models.PROTECT, related_name="communes"
    )
    name = models.CharField(_("Tên"), max_length=100, help_text=_("Tên không kèm chữ “xã”, “phường”, ví dụ: Động Đạt."))
    kind = models.CharField(_("Loại đơn vị"), max_length=20, choices=Kind.choices, default=Kind.XA)
    slug = models.SlugField(_("Đường dẫn"), max_length=100)
    code = models.CharField(_("Mã đơn vị hành chính"), max_length=10, blank=True)
    hostname = models.CharField(_("Tên miền"), max_length=253, unique=True)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("Ngày tạo"), auto_now_add=True)
    # A practice site of a training workshop: not listed, not indexed, never mailed from, deleted with its workshop.
    is_practice = models.BooleanField(_("Trang thực hành"), default=False, db_index=True, editable=False)

    site = models.OneToOneField(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="commune")
    home_page = models.OneToOneField(Page, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    collection = models.OneToOneField(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="commune"
    )
    editors_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="editors_of"
    )
    approvers_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="approvers_of"
    )
    workflow = models.OneToOneField(Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("Xã/phường")
        verbose_name_plural = _("Xã/phường")
        ordering = ["province__sort_name", "sort_name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["province", "slug"], name="commune_unique_slug_in_province"),
            models.UniqueConstraint(fields=["code"], condition=~models.Q(code=""), name="commune_unique_code_when_set"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.province.name})"

    @property
    def full_name(self):
        """ "Xã Động Đạt", "Đặc khu Đảo Đá"."""
        return f"{self.get_kind_display()} {self.name}"

    @property
    def agency_name(self):
        """The people's committee that runs the site: "UBND xã Động Đạt"."""
        return f"UBND {self.kind} {self.name}"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def address(self):
        """How the CLI and import name this commune: its slug, or province/slug where the slug repeats."""
        return f"{self.province.slug}/{self.slug}"

    @property
    def url(self):
        return self.site.root_url + "/" if self.site else ""


class FormerUnit(models.Model):
    """A pre-2025 commune merged into this one; its name stays findable and its old links keep working."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_units")
    name = models.CharField(_("Tên đơn vị cũ"), max_length=150)
    slug = models.SlugField(max_length=150)

    class Meta:
        verbose_name = _("Đơn vị cũ đã sáp nhập")
        verbose_name_plural = _("Đơn vị cũ đã sáp nhập")
        constraints = [models.UniqueConstraint(fields=["commune", "slug"], name="former_unit_unique_in_commune")]

    def __str__(self):
        return self.name


class PublicHoliday(models.Model):
    """A day off for public offices (nghỉ lễ, Tết, nghỉ bù): not a working day when counting legal deadlines.

    The dates change every year (Tết and the Hùng Kings' day follow the lunar calendar, and the government
    announces compensatory days), so they are data kept by the operator, not code.
    """

    date = models.DateField(_("Ngày nghỉ"), unique=True)
    name = models.CharField(_("Tên ngày nghỉ"), max_length=150)

    class Meta:
        verbose_name = _("Ngày nghỉ lễ")
        verbose_name_plural = _("Ngày nghỉ lễ")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.name}"
