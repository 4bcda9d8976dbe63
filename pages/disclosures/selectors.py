"""Reading disclosures across communes: the figures province oversight shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from sites.workdays import working_days_between

from .models import LATE_AFTER_WORKING_DAYS, MIN_DAYS, PERMANENT_GROUPS, REQUIRED_GROUPS, DisclosurePage


@dataclass(frozen=True)
class DisclosureStats:
    posted: int  # disclosures of the commune first published (posted) in [start, end]
    late: int  # of those, posted more than 5 working days after their decision date
    missing_groups: tuple[str, ...]  # REQUIRED_GROUPS values with no live disclosure of the commune at all
    current: int  # live disclosures still inside their posting period (or permanent) on `end`


def _posted_on(posted_date, first_published_at) -> date:
    return posted_date or timezone.localtime(first_published_at).date()


def disclosure_stats(communes, start: date, end: date) -> dict[int, DisclosureStats]:
    """For many communes at once, in a bounded number of queries (not one per commune)."""
    communes = list(communes)
    home_ids = {c.home_page_id: c.pk for c in communes if c.home_page_id}
    paths = dict(Page.objects.filter(pk__in=home_ids).values_list("path", "pk"))
    by_path = {path: home_ids[pk] for path, pk in paths.items()}
    lengths = sorted({len(p) for p in by_path})
    posted = {c.pk: 0 for c in communes}
    late = dict(posted)
    current = dict(posted)
    groups_live = {c.pk: set() for c in communes}
    if by_path:
        under = Q()
        for path in by_path:
            under |= Q(path__startswith=path)
        rows = (
            DisclosurePage.objects.filter(under)
            .filter(Q(posted_date__isnull=False) | Q(first_published_at__isnull=False))
            .values_list("path", "group", "decision_date", "posted_date", "first_published_at", "min_days", "live")
            .order_by()
        )
        for path, group, decided, posted_date, first_published, min_days, live in rows.iterator():
            commune_id = next((by_path[path[:n]] for n in lengths if path[:n] in by_path), None)
            if commune_id is None:
                continue
            on = _posted_on(posted_date, first_published)
            if start <= on <= end:
                posted[commune_id] += 1
                if working_days_between(decided, on) > LATE_AFTER_WORKING_DAYS:
                    late[commune_id] += 1
            if live:
                groups_live[commune_id].add(group)
                permanent = group in PERMANENT_GROUPS
                if on <= end and (permanent or end <= on + timedelta(days=min_days or MIN_DAYS)):
                    current[commune_id] += 1
    return {
        c.pk: DisclosureStats(
            posted=posted[c.pk],
            late=late[c.pk],
            missing_groups=tuple(g.value for g in REQUIRED_GROUPS if g.value not in groups_live[c.pk]),
            current=current[c.pk],
        )
        for c in communes
    }
