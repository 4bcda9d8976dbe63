"""Reading the ratings: per commune (province dashboards) and per page (the commune's officers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum
from wagtail.models import Page

from .models import REASON_FIELDS, PageRating, Reason


def satisfaction_by_commune(commune_ids, start: date, end: date) -> dict[int, tuple[int, int]]:
    """commune id -> (useful votes, all votes) in [start, end]; communes with no votes are absent. One query."""
    rows = (
        PageRating.objects.filter(commune_id__in=commune_ids, date__gte=start, date__lte=end)
        .values("commune_id")
        .annotate(useful_votes=Sum("useful"), other_votes=Sum("not_useful"))
        .order_by()
    )
    result = {}
    for row in rows:
        useful, other = row["useful_votes"] or 0, row["other_votes"] or 0
        if useful + other:
            result[row["commune_id"]] = (useful, useful + other)
    return result


@dataclass(frozen=True)
class PageSatisfaction:
    """One page's votes over a period."""

    page: Page
    useful: int
    not_useful: int
    reasons: dict[str, int]

    @property
    def votes(self) -> int:
        return self.useful + self.not_useful

    @property
    def useful_percent(self) -> int:
        return round(100 * self.useful / self.votes) if self.votes else 0

    @property
    def reason_list(self) -> list[tuple[str, int]]:
        return [(Reason(key).label, n) for key, n in self.reasons.items() if n]


def satisfaction_by_page(commune_ids, start: date, end: date) -> list[PageSatisfaction]:
    """The pages of these communes that got votes in [start, end], worst first (lowest share of "useful",
    then most votes). Two queries whatever the number of pages."""
    sums = {name: Sum(name) for name in ("useful", "not_useful", *REASON_FIELDS.values())}
    rows = list(
        PageRating.objects.filter(commune_id__in=commune_ids, date__gte=start, date__lte=end)
        .values("page_id")
        .annotate(**{f"total_{name}": agg for name, agg in sums.items()})
        .order_by()
    )
    pages = Page.objects.in_bulk([row["page_id"] for row in rows])
    result = []
    for row in rows:
        page = pages.get(row["page_id"])
        if page is None:
            continue
        reasons = {key: row[f"total_{field}"] or 0 for key, field in REASON_FIELDS.items()}
        result.append(PageSatisfaction(page, row["total_useful"] or 0, row["total_not_useful"] or 0, reasons))
    result.sort(key=lambda s: (s.useful / s.votes if s.votes else 1, -s.votes, s.page.title))
    return result
