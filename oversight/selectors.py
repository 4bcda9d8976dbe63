"""What the oversight dashboard reads: per-commune activity for a period, review dates, monthly totals.

Everything is computed for many communes at once in a fixed number of queries: rows inside the communes'
page trees are grouped by the first characters of their tree path (the path of the commune's home page),
other rows by commune id. A province of 150 communes costs the same number of queries as one of 10.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from wagtail.models import Page

from sites.models import Commune

# --- Periods ---------------------------------------------------------------------------------------

PRESETS = {
    "month": "Tháng này",
    "quarter": "Quý này",
    "year": "Năm nay",
    "custom": "Khoảng ngày tự chọn",
}
DEFAULT_PRESET = "year"


@dataclass(frozen=True)
class Period:
    """A range of whole days, both ends included, in the install's time zone (Asia/Ho_Chi_Minh)."""

    start: date
    end: date
    preset: str = "custom"

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last) as aware datetimes."""
        zone = timezone.get_current_timezone()
        first = timezone.make_aware(datetime.combine(self.start, time.min), zone)
        after = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone)
        return first, after

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


def period_for(preset: str = DEFAULT_PRESET, start: date | None = None, end: date | None = None, today=None):
    """The period of a preset (this month, quarter or year, whole), or the custom range as given."""
    today = today or timezone.localdate()
    if preset == "custom" and start and end:
        return Period(start, end, "custom")
    if preset == "month":
        last = calendar.monthrange(today.year, today.month)[1]
        return Period(today.replace(day=1), today.replace(day=last), "month")
    if preset == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        last_month = first_month + 2
        last = calendar.monthrange(today.year, last_month)[1]
        return Period(date(today.year, first_month, 1), date(today.year, last_month, last), "quarter")
    return Period(date(today.year, 1, 1), date(today.year, 12, 31), "year")


# --- Grouping rows by commune ------------------------------------------------------------------------


class Trees:
    """The page trees of some communes: which tree path prefix is whose, and a filter for all of them."""

    def __init__(self, communes):
        self.by_prefix: dict[int, dict[str, int]] = defaultdict(dict)  # prefix length -> {home path: commune id}
        self.home_depth: dict[int, int] = {}
        parents = set()
        for commune in communes:
            home = commune.home_page
            if home is None:
                continue
            self.by_prefix[len(home.path)][home.path] = commune.pk
            self.home_depth[commune.pk] = home.depth
            parents.add(home.path[: -Page.steplen])
        # Usually one parent (the province page): one LIKE, not one per commune.
        self.q = Q(pk__in=[])
        for parent in parents:
            self.q |= Q(path__startswith=parent)

    def grouped(self, queryset, **aggregates) -> dict[int, dict]:
        """commune id -> the aggregates over that commune's rows of queryset (one query per home depth)."""
        found = {}
        for length, homes in self.by_prefix.items():
            rows = (
                queryset.filter(self.q)
                .annotate(_home=Substr("path", 1, length))
                .filter(_home__in=list(homes))
                .order_by()
                .values("_home")
                .annotate(**aggregates)
            )
            for row in rows:
                found[homes[row.pop("_home")]] = row
        return found

    def rows(self, queryset, *fields) -> dict[int, list[dict]]:
        """commune id -> that commune's rows of queryset, as dicts of fields (one query per home depth)."""
        found = defaultdict(list)
        for length, homes in self.by_prefix.items():
            rows = (
                queryset.filter(self.q)
                .annotate(_home=Substr("path", 1, length))
                .filter(_home__in=list(homes))
                .values("_home", *fields)
            )
            for row in rows:
                found[homes[row.pop("_home")]].append(row)
        return found

    def commune_of(self, path: str) -> int | None:
        for length, homes in self.by_prefix.items():
            if path[:length] in homes:
                return homes[path[:length]]
        return None


def with_homes(communes):
    """A commune queryset with what the selectors read (home page, site, province) in the same query."""
    return communes.select_related("home_page", "site", "province")


# --- Review dates ----------------------------------------------------------------------------------


def review_page_models() -> list:
    """Concrete commune page models that keep their own review_date column (subclasses share their parent's)."""
    from wagtail.models import get_page_models

    from pages.models import CommunePage

    found = []
    for model in get_page_models():
        if not issubclass(model, CommunePage) or model._meta.abstract:
            continue
        if model._meta.get_field("review_date").model is model:
            found.append(model)
    return found


@dataclass(frozen=True)
class ReviewItem:
    """A page or a commune's procedure details whose review date has come or is near."""

    kind: str  # "page" or "procedure"
    pk: int
    title: str
    review_date: date
    commune_id: int

    @property
    def overdue(self) -> bool:
        return self.review_date < timezone.localdate()

    @property
    def kind_label(self) -> str:
        return "Trang" if self.kind == "page" else "Thủ tục"

    @property
    def edit_url(self) -> str:
        from django.urls import reverse

        if self.kind == "page":
            return reverse("wagtailadmin_pages:edit", args=[self.pk])
        from pages.procedures.models import CommuneProcedure

        return reverse(CommuneProcedure.snippet_viewset.get_url_name("edit"), args=[self.pk])


REMINDER_DAYS = 14


def review_items(communes, until: date) -> dict[int, list[ReviewItem]]:
    """commune id -> its pages and procedure details to review on or before `until`, soonest first."""
    from pages.procedures.models import CommuneProcedure

    communes = list(communes)
    trees = Trees(communes)
    found = defaultdict(list)
    for model in review_page_models():
        rows = trees.rows(model.objects.filter(review_date__lte=until), "pk", "title", "review_date")
        for commune_id, items in rows.items():
            found[commune_id] += [ReviewItem("page", r["pk"], r["title"], r["review_date"], commune_id) for r in items]
    procedures = CommuneProcedure.objects.filter(commune__in=[c.pk for c in communes], review_date__lte=until)
    for pk, commune_id, name, day in procedures.values_list("pk", "commune_id", "procedure__name", "review_date"):
        found[commune_id].append(ReviewItem("procedure", pk, name, day, commune_id))
    for items in found.values():
        items.sort(key=lambda item: (item.review_date, item.title))
    return dict(found)


def overdue_counts(trees: Trees, commune_ids, today: date) -> dict[int, int]:
    """commune id -> pages and procedure details whose review date has passed (before today)."""
    from pages.procedures.models import CommuneProcedure

    counts = defaultdict(int)
    for model in review_page_models():
        for commune_id, row in trees.grouped(model.objects.filter(review_date__lt=today), n=Count("pk")).items():
            counts[commune_id] += row["n"]
    procedures = (
        CommuneProcedure.objects.filter(commune__in=commune_ids, review_date__lt=today)
        .values("commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in procedures:
        counts[row["commune_id"]] += row["n"]
    return dict(counts)


# --- Activity per commune --------------------------------------------------------------------------


@dataclass
class Metrics:
    """One commune's figures for a period (what each column of the dashboard shows)."""

    commune: Commune
    news: int = 0
    documents: int = 0
    procedures: int = 0
    disclosures_posted: int = 0
    disclosures_late: int = 0
    missing_groups: tuple[str, ...] = ()
    last_update: datetime | None = None
    review_overdue: int = 0
    useful_votes: int = 0
    votes: int = 0
    views: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def satisfaction(self) -> float | None:
        """Share of "useful" answers, in percent (None when nobody answered)."""
        return round(100 * self.useful_votes / self.votes, 1) if self.votes else None


def disclosure_stats_for(communes, period: Period) -> dict:
    """pages.disclosures' figures for these communes (see docs/giam-sat.md)."""
    from pages.disclosures.selectors import disclosure_stats

    return disclosure_stats(communes, period.start, period.end)


def satisfaction_for(commune_ids, period: Period) -> dict[int, tuple[int, int]]:
    from pages.feedback.selectors import satisfaction_by_commune

    return satisfaction_by_commune(commune_ids, period.start, period.end)


def active_procedure_counts(commune_ids) -> dict[int, int]:
    """commune id -> procedures it lists that are still in force in the province catalogue."""
    from pages.procedures.models import CommuneProcedure, ProcedureStatus

    rows = (
        CommuneProcedure.objects.filter(commune__in=commune_ids, procedure__status=ProcedureStatus.ACTIVE)
        .values("commune_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["commune_id"]: row["n"] for row in rows}


def commune_metrics(communes, period: Period, *, today: date | None = None, disclosures=None) -> dict[int, Metrics]:
    """commune id -> Metrics, for all the communes at once (a fixed number of queries, whatever their number)."""
    from pages.guidance.models import GuidingDocumentPage
    from pages.news.models import ArticlePage
    from pages.procedures.models import CommuneProcedure

    from .models import CommuneDailyViews

    communes = list(communes)
    ids = [c.pk for c in communes]
    today = today or timezone.localdate()
    trees = Trees(communes)
    first, after = period.bounds()
    metrics = {c.pk: Metrics(c) for c in communes}

    published = Q(first_published_at__gte=first, first_published_at__lt=after)
    for name, model in (("news", ArticlePage), ("documents", GuidingDocumentPage)):
        for commune_id, row in trees.grouped(model.objects.live().filter(published), n=Count("pk")).items():
            setattr(metrics[commune_id], name, row["n"])
    for commune_id, n in active_procedure_counts(ids).items():
        metrics[commune_id].procedures = n

    disclosures = disclosure_stats_for(communes, period) if disclosures is None else disclosures
    for commune_id, stats in disclosures.items():
        if commune_id in metrics:
            metrics[commune_id].disclosures_posted = stats.posted
            metrics[commune_id].disclosures_late = stats.late
            metrics[commune_id].missing_groups = tuple(stats.missing_groups)

    # Last update: the latest page publication, or change of the commune's procedure details.
    for commune_id, row in trees.grouped(Page.objects.all(), last=Max("last_published_at")).items():
        metrics[commune_id].last_update = row["last"]
    changed = (
        CommuneProcedure.objects.filter(commune__in=ids)
        .values("commune_id")
        .annotate(last=Max("updated_at"))
        .order_by()
    )
    for row in changed:
        current = metrics[row["commune_id"]].last_update
        if row["last"] and (current is None or row["last"] > current):
            metrics[row["commune_id"]].last_update = row["last"]

    for commune_id, n in overdue_counts(trees, ids, today).items():
        metrics[commune_id].review_overdue = n
    for commune_id, (useful, votes) in satisfaction_for(ids, period).items():
        if commune_id in metrics:
            metrics[commune_id].useful_votes, metrics[commune_id].votes = useful, votes
    views = (
        CommuneDailyViews.objects.filter(commune__in=ids, date__gte=period.start, date__lte=period.end)
        .values("commune_id")
        .annotate(n=Sum("views"))
        .order_by()
    )
    for row in views:
        metrics[row["commune_id"]].views = row["n"] or 0
    return metrics


# --- Totals per month, for the chart -----------------------------------------------------------------


@dataclass(frozen=True)
class MonthTotal:
    month: date
    posts: int
    views: int

    @property
    def label(self) -> str:
        return f"{self.month:%m/%Y}"


def monthly_totals(communes, period: Period) -> list[MonthTotal]:
    """News and documents first published, and page views, per month of the period, over these communes.

    Grouped by day in SQL and by month here: truncating to months in SQL runs a Python function per row on
    SQLite, and a year of a province's daily views is tens of thousands of rows.
    """
    from pages.guidance.models import GuidingDocumentPage
    from pages.news.models import ArticlePage

    from .models import CommuneDailyViews

    communes = list(communes)
    trees = Trees(communes)
    first, after = period.bounds()
    posts = defaultdict(int)
    for model in (ArticlePage, GuidingDocumentPage):
        published = model.objects.live().filter(first_published_at__gte=first, first_published_at__lt=after)
        for rows in trees.rows(published, "first_published_at").values():
            for row in rows:
                posts[_month_key(row["first_published_at"])] += 1
    views = defaultdict(int)
    rows = (
        CommuneDailyViews.objects.filter(
            commune__in=[c.pk for c in communes], date__gte=period.start, date__lte=period.end
        )
        .values("date")
        .annotate(n=Sum("views"))
        .order_by()
    )
    for row in rows:
        views[_month_key(row["date"])] += row["n"] or 0
    return [MonthTotal(month, posts.get(month, 0), views.get(month, 0)) for month in period.months()]


def _month_key(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)
