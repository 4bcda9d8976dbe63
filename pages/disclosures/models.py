"""Disclosures (công khai) required by Law 10/2022/QH15 Art. 11-13, and the quarterly register."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from pages.models import AttachedDocument, CommunePage, SectionPage


class DisclosureGroup(models.TextChoices):
    """Law 10/2022/QH15 Art. 11, in the law's order, then "other"."""

    SOCIO_ECONOMIC = "socio_economic", _("Kế hoạch phát triển kinh tế – xã hội")
    BUDGET = "budget", _("Dự toán, thực hiện và quyết toán ngân sách")
    INVESTMENT_LAND = "investment_land", _("Dự án đầu tư, thu hồi đất, bồi thường, quy hoạch sử dụng đất")
    DEMOCRACY_REGULATION = "democracy_regulation", _("Quy chế dân chủ, nhiệm vụ cán bộ, quy tắc ứng xử")
    FUNDS = "funds", _("Các quỹ, chương trình tài trợ, khoản đóng góp của Nhân dân")
    PUBLIC_ASSETS = "public_assets", _("Tài sản công")
    SUPPORT_POLICIES = "support_policies", _("Chính sách hỗ trợ và đối tượng thụ hưởng")
    RELIEF = "relief", _("Cứu trợ thiên tai, dịch bệnh và tiếp nhận ủng hộ")
    MILITARY = "military", _("Danh sách gọi công dân nhập ngũ")
    INSPECTION = "inspection", _("Kết luận thanh tra, kết quả lấy phiếu tín nhiệm")
    CONSULTATION = "consultation", _("Lấy ý kiến Nhân dân và kết quả")
    FEES = "fees", _("Phí, lệ phí")
    PROCEDURES = "procedures", _("Thủ tục hành chính")
    OTHER = "other", _("Thông tin khác theo quy định")


# Art. 13: items 4 and 13 stay up permanently; the others at least 30 consecutive days.
PERMANENT_GROUPS = frozenset({DisclosureGroup.DEMOCRACY_REGULATION, DisclosureGroup.PROCEDURES})
REQUIRED_GROUPS = tuple(g for g in DisclosureGroup if g != DisclosureGroup.OTHER)  # the 13 groups
LATE_AFTER_WORKING_DAYS = 5  # Art. 12: posted within 5 working days of the decision
MIN_DAYS = 30
GROUP_ORDER = {group.value: n for n, group in enumerate(DisclosureGroup)}
# The index page answers these itself (RoutablePageMixin): a child page with one of them would be hidden.
RESERVED_SLUGS = frozenset({"luu-tru", "so-dang-ky"})
PAGE_SIZE = 20


class DisclosureChannel(models.TextChoices):
    """How it was disclosed: the register's "hình thức"."""

    WEBSITE = "website", _("Trang thông tin điện tử")
    NOTICE_BOARD = "notice_board", _("Niêm yết tại trụ sở UBND")
    LOUDSPEAKER = "loudspeaker", _("Loa truyền thanh")
    MEETING = "meeting", _("Hội nghị, cuộc họp")
    CULTURAL_HOUSE = "cultural_house", _("Nhà văn hóa thôn, tổ dân phố")


CHANNEL_LABELS = dict(DisclosureChannel.choices)


def default_channels() -> list[str]:
    """Posted on the website, since that is where the officer records it."""
    return [DisclosureChannel.WEBSITE.value]


def today() -> date:
    """Today in Asia/Ho_Chi_Minh (the project's TIME_ZONE)."""
    return timezone.localdate()


def is_permanent_group(group: str) -> bool:
    return group in PERMANENT_GROUPS


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_label(year: int, quarter: int) -> str:
    return f"Quý {ROMAN_QUARTERS[quarter]} năm {year}"


def quarter_phrase(year: int, quarter: int) -> str:
    """The label inside a sentence: "quý IV năm 2026" (lower-casing the label would give "iv")."""
    return f"quý {ROMAN_QUARTERS[quarter]} năm {year}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a quarter; ValueError for a quarter or year that does not exist."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(quarter)
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


class DisclosureIndexPage(RoutablePageMixin, SectionPage):
    """The "Công khai thông tin" section: current disclosures by group, the archive and the quarterly register."""

    subpage_types = ["disclosures.DisclosurePage"]

    class Meta:
        verbose_name = _("Chuyên mục công khai thông tin")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        base = self.get_url(request) or ""
        context.update(
            section_url=base,
            archive_url=base + self.reverse_subpage("archive"),
            register_index_url=base + self.reverse_subpage("register_index"),
        )
        return context

    def disclosures(self):
        """This section's published disclosures (children only: never another commune's)."""
        return DisclosurePage.objects.child_of(self).live().public()

    def current(self, on: date | None = None):
        """Disclosures still inside their posting period on `on` (permanent ones always)."""
        on = on or today()
        return self.disclosures().filter(posted_date__lte=on).filter(Q(group__in=PERMANENT_GROUPS) | Q(ends_on__gte=on))

    def past(self, on: date | None = None):
        """Disclosures whose posting period has ended: the archive."""
        on = on or today()
        return self.disclosures().exclude(group__in=PERMANENT_GROUPS).filter(ends_on__lt=on)

    def quarter_items(self, year: int, quarter: int):
        """Everything posted in that quarter, in date order: the register's rows."""
        start, end = quarter_bounds(year, quarter)
        return self.disclosures().filter(posted_date__range=(start, end)).order_by("posted_date", "pk")

    def quarters(self) -> list[tuple[int, int]]:
        """The quarters that have disclosures, newest first."""
        months = self.disclosures().exclude(posted_date=None).dates("posted_date", "month", order="DESC")
        return list(dict.fromkeys(quarter_of(m) for m in months))

    @path("")
    def listing(self, request):
        items = list(self.current().order_by("-posted_date", "-pk"))
        groups = {}
        for item in sorted(items, key=lambda d: GROUP_ORDER.get(d.group, 99)):
            groups.setdefault(item.group, []).append(item)
        return self.render(
            request,
            context_overrides={
                "groups": [(DisclosureGroup(g).label, rows) for g, rows in groups.items()],
                "current_count": len(items),
            },
        )

    @path("luu-tru/")
    def archive(self, request):
        from django.core.paginator import Paginator

        from .forms import ArchiveFilterForm

        past = self.past()
        years = [d.year for d in past.dates("posted_date", "year", order="DESC")]
        form = ArchiveFilterForm(request.GET, years=years)
        page_obj = Paginator(form.filter(past).order_by("-posted_date", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return self.render(
            request,
            template="disclosures/disclosure_archive.html",
            context_overrides={
                "filter_form": form,
                "is_filtered": form.has_filters(),
                "disclosures": page_obj.object_list,
                "page_obj": page_obj,
            },
        )

    def register_url(self, request, year: int, quarter: int, *, printable: bool = False) -> str:
        name = "register_print" if printable else "register"
        return self.get_url(request) + self.reverse_subpage(name, args=[year, quarter])

    @path("so-dang-ky/")
    def register_index(self, request):
        quarters = [{"label": quarter_label(y, q), "url": self.register_url(request, y, q)} for y, q in self.quarters()]
        year, quarter = quarter_of(today())
        return self.render(
            request,
            template="disclosures/register_index.html",
            context_overrides={
                "quarters": quarters,
                "this_quarter": {
                    "label": quarter_label(year, quarter),
                    "phrase": quarter_phrase(year, quarter),
                    "url": self.register_url(request, year, quarter),
                },
            },
        )

    def _register_context(self, request, year: int, quarter: int) -> dict:
        try:
            start, end = quarter_bounds(year, quarter)
        except (ValueError, OverflowError):
            raise Http404("Không có quý này.") from None
        previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        following = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
        return {
            "year": year,
            "quarter": quarter,
            "quarter_label": quarter_label(year, quarter),
            "quarter_phrase": quarter_phrase(year, quarter),
            "start": start,
            "end": end,
            "rows": list(self.quarter_items(year, quarter)),
            "print_url": self.register_url(request, year, quarter, printable=True),
            "register_url": self.register_url(request, year, quarter),
            "previous_url": self.register_url(request, *previous) if previous[0] >= 1 else "",
            "next_url": self.register_url(request, *following) if following <= quarter_of(today()) else "",
        }

    @path("so-dang-ky/<int:year>/<int:quarter>/")
    def register(self, request, year, quarter):
        return self.render(
            request,
            template="disclosures/register.html",
            context_overrides=self._register_context(request, year, quarter),
        )

    @path("so-dang-ky/<int:year>/<int:quarter>/in/")
    def register_print(self, request, year, quarter):
        from pages.models import identity_for
        from sites.tenancy import commune_for_page, commune_for_request

        context = self._register_context(request, year, quarter)
        commune = commune_for_request(request) or commune_for_page(self)
        identity = identity_for(commune, request)
        context.update(
            commune=commune,
            agency_name=identity.agency_name if identity and identity.agency_name else commune.agency_name,
            printed_on=today(),
        )
        response = self.render(request, template="disclosures/register_print.html", context_overrides=context)
        response["X-Robots-Tag"] = "noindex"
        return response


class DisclosurePageForm(WagtailAdminPageForm):
    """Channels as ticks; the rest of the checks are the model's (clean)."""

    channels = forms.MultipleChoiceField(
        label=_("Hình thức công khai"),
        choices=DisclosureChannel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chọn mọi hình thức đã dùng; sổ theo dõi hằng quý ghi lại các hình thức này."),
        error_messages={
            "required": _("Chọn ít nhất một hình thức công khai."),
            "invalid_choice": _("Hình thức “%(value)s” không có trong danh sách."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        expire_at = cleaned.get("expire_at")
        if expire_at and not is_permanent_group(cleaned.get("group") or ""):
            posted = cleaned.get("posted_date") or today()
            days = cleaned.get("min_days") or MIN_DAYS
            ends_on = posted + timedelta(days=days)
            if timezone.localtime(expire_at).date() <= ends_on:
                self.add_error(
                    "expire_at",
                    _("Không đặt ngày gỡ trước khi hết thời hạn công khai tối thiểu (đến hết %(date)s).")
                    % {"date": f"{ends_on:%d/%m/%Y}"},
                )
        elif expire_at:
            self.add_error("expire_at", _("Thông tin thuộc nhóm công khai thường xuyên không đặt ngày gỡ."))
        return cleaned


class DisclosurePage(CommunePage):
    """One disclosure: what was disclosed, under which group, from which decision, when and how, for how long."""

    group = models.CharField(
        _("Nhóm thông tin"),
        max_length=30,
        choices=DisclosureGroup.choices,
        db_index=True,
        help_text=_("Nhóm theo Điều 11 Luật Thực hiện dân chủ ở cơ sở (Luật số 10/2022/QH15)."),
    )
    decision_number = models.CharField(
        _("Số/ký hiệu văn bản"),
        max_length=60,
        blank=True,
        help_text=_("Số/ký hiệu của quyết định hoặc văn bản được công khai, ví dụ: 45/QĐ-UBND."),
    )
    decision_date = models.DateField(
        _("Ngày ban hành quyết định"),
        help_text=_("Ngày ký quyết định/văn bản. Luật yêu cầu công khai trong 5 ngày làm việc kể từ ngày này."),
    )
    posted_date = models.DateField(
        _("Ngày công khai"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "Để trống: lấy ngày xuất bản lần đầu. Ghi ngày sớm hơn nếu đã niêm yết tại trụ sở trước khi đăng lên trang."
        ),
    )
    min_days = models.PositiveSmallIntegerField(
        _("Thời hạn công khai tối thiểu (ngày)"),
        null=True,
        blank=True,
        default=MIN_DAYS,
        help_text=_(
            "Ít nhất 30 ngày liên tục. Nhóm quy chế dân chủ và thủ tục hành chính được công khai thường xuyên: "
            "ô này bị bỏ qua."
        ),
    )
    channels = models.JSONField(_("Hình thức công khai"), default=default_channels, blank=True)
    summary = models.TextField(
        _("Tóm tắt"), help_text=_("Một hai câu cho biết nội dung công khai, hiện ở danh sách và sổ theo dõi.")
    )
    body = RichTextField(_("Nội dung"), blank=True)
    # Derived on save: the last day of the posting period (None for permanent groups), so listings filter in SQL.
    ends_on = models.DateField(null=True, blank=True, editable=False, db_index=True)

    base_form_class = DisclosurePageForm
    content_panels = [
        TitleFieldPanel("title", help_text=_("Tên nội dung công khai."), classname="", placeholder=False),
        MultiFieldPanel(
            [FieldPanel("group"), FieldPanel("summary")],
            heading=_("Nội dung công khai"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("decision_number"), FieldPanel("decision_date")]),
                FieldRowPanel([FieldPanel("posted_date"), FieldPanel("min_days")]),
                FieldPanel("channels"),
            ],
            heading=_("Quyết định, ngày và hình thức công khai"),
        ),
        FieldPanel("body"),
        InlinePanel(
            "attachments",
            heading=_("Tệp đính kèm"),
            label=_("Tệp"),
            help_text=_("Đính kèm bản PDF của quyết định, danh sách, bảng biểu được công khai."),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("decision_number"),
        index.SearchField("body"),
        index.FilterField("group"),
        index.FilterField("posted_date"),
    ]
    parent_page_types = ["disclosures.DisclosureIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Thông tin công khai")
        verbose_name_plural = _("Thông tin công khai")

    # --- Rules ---------------------------------------------------------------------------

    @property
    def is_permanent(self) -> bool:
        return is_permanent_group(self.group)

    @property
    def effective_posted_date(self) -> date:
        """The posting date, or the day it would be posted if published today."""
        if self.posted_date:
            return self.posted_date
        if self.first_published_at:
            return timezone.localtime(self.first_published_at).date()
        return today()

    @property
    def computed_ends_on(self) -> date | None:
        if self.is_permanent:
            return None
        return self.effective_posted_date + timedelta(days=self.min_days or MIN_DAYS)

    def is_current(self, on: date | None = None) -> bool:
        """Inside its posting period on `on` (today by default); permanent ones always are."""
        on = on or today()
        if self.effective_posted_date > on:
            return False
        ends_on = self.computed_ends_on
        return ends_on is None or on <= ends_on

    @property
    def working_days_taken(self) -> int:
        """Working days from the decision to the posting (holidays counted out)."""
        from sites.workdays import working_days_between

        if not self.decision_date:
            return 0
        return working_days_between(self.decision_date, self.effective_posted_date)

    @property
    def working_days_late(self) -> int:
        """Working days beyond the law's 5 (0 when on time)."""
        return max(0, self.working_days_taken - LATE_AFTER_WORKING_DAYS)

    @property
    def is_late(self) -> bool:
        return self.working_days_late > 0

    @property
    def late_message(self) -> str:
        return _(
            "Văn bản được công khai sau %(days)s ngày làm việc kể từ ngày quyết định; "
            "luật yêu cầu trong 5 ngày làm việc."
        ) % {"days": self.working_days_taken}

    @property
    def period_text(self) -> str:
        if self.is_permanent:
            return _("Công khai thường xuyên")
        return _("Đăng ngày %(posted)s – công khai đến hết %(end)s") % {
            "posted": f"{self.effective_posted_date:%d/%m/%Y}",
            "end": f"{self.computed_ends_on:%d/%m/%Y}",
        }

    @property
    def period_short(self) -> str:
        """The register's "thời hạn" column."""
        if self.is_permanent:
            return _("Thường xuyên")
        return _("%(days)s ngày (đến hết %(end)s)") % {
            "days": self.min_days or MIN_DAYS,
            "end": f"{self.computed_ends_on:%d/%m/%Y}",
        }

    @property
    def group_label(self) -> str:
        return DisclosureGroup(self.group).label if self.group in GROUP_ORDER else self.group

    @property
    def channel_labels(self) -> list[str]:
        return [str(CHANNEL_LABELS[c]) for c in self.channels or () if c in CHANNEL_LABELS]

    def clean(self):
        super().clean()
        errors = {}
        now = today()
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("Đường dẫn “%(slug)s” đã dành cho trang của chuyên mục; hãy chọn đường dẫn khác.") % {
                "slug": self.slug
            }
        if self.decision_date and self.decision_date > now:
            errors["decision_date"] = _("Ngày ban hành quyết định không được sau hôm nay (%(today)s).") % {
                "today": f"{now:%d/%m/%Y}"
            }
        if self.posted_date and self.decision_date and self.posted_date < self.decision_date:
            errors["posted_date"] = _("Ngày công khai không được trước ngày ban hành quyết định (%(date)s).") % {
                "date": f"{self.decision_date:%d/%m/%Y}"
            }
        if self.is_permanent:
            self.min_days = None  # permanent: the period field means nothing
        elif self.min_days is None:
            errors["min_days"] = _("Hãy ghi thời hạn công khai (ít nhất 30 ngày).")
        elif self.min_days < MIN_DAYS:
            errors["min_days"] = _("Thời hạn công khai tối thiểu là 30 ngày liên tục theo luật.")
        unknown = [c for c in self.channels or () if c not in CHANNEL_LABELS]
        if unknown or not isinstance(self.channels, list):
            errors["channels"] = _("Hình thức công khai không hợp lệ.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.posted_date is None and self.live:
            self.posted_date = self.effective_posted_date  # the day it was first published
        if self.is_permanent:
            self.min_days = None
        self.ends_on = self.computed_ends_on if self.posted_date else None
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        # A draft saved before the first publication has no posting date; the live page's date stands.
        obj = super().with_content_json(content)
        if obj.posted_date is None:
            obj.posted_date = self.posted_date
        return obj

    def get_admin_display_title(self):
        title = super().get_admin_display_title()
        if self.live and self.posted_date and self.is_late:
            return f"{title} ({_('công khai muộn')})"
        return title

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = list(self.attachments.select_related("document"))
        return context


class DisclosureAttachment(AttachedDocument):
    """A file attached to a disclosure (the signed decision, the list of beneficiaries…)."""

    page = ParentalKey(DisclosurePage, on_delete=models.CASCADE, related_name="attachments")
