"""Demo data for the oversight dashboard: a year of daily page views and a few review dates (some due).

Idempotent: days that already have a count are left alone, and a review date is set only where none is.
The numbers come from a generator seeded with the commune's address, so every run draws the same ones.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from .models import CommuneDailyViews

DAYS = 365
# (introduction page slug, days from today): one overdue, one due within the reminder window, one later.
REVIEW_DATES = (("dieu-kien-tu-nhien", -10), ("lich-su-truyen-thong-van-hoa", 5), ("di-tich-danh-thang", 60))


def seed_commune(commune) -> None:
    seed_views(commune)
    seed_review_dates(commune)


def seed_views(commune, days: int = DAYS) -> int:
    """Daily views for the last `days` days: more on weekdays, a slow rise over the year."""
    today = timezone.localdate()
    have = set(CommuneDailyViews.objects.filter(commune=commune).values_list("date", flat=True))
    draw = random.Random(commune.address)
    base = draw.randint(40, 220)
    rows = []
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        weekday = day.weekday() < 5
        views = int(base * (1 + (days - back) / days) * (1.0 if weekday else 0.45) * draw.uniform(0.7, 1.3))
        if day not in have:
            rows.append(CommuneDailyViews(commune=commune, date=day, views=views))
    CommuneDailyViews.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def seed_review_dates(commune) -> None:
    """Review dates on three introduction pages and on the first procedure the commune lists."""
    from pages.models import StandardPage
    from pages.procedures.models import CommuneProcedure

    if commune.home_page_id is None:
        return
    today = timezone.localdate()
    for slug, offset in REVIEW_DATES:
        page = (
            StandardPage.objects.filter(path__startswith=commune.home_page.path, slug=slug, review_date=None)
            .exact_type(StandardPage)
            .first()
        )
        if page is None:
            continue
        page.review_date = today + timedelta(days=offset)
        # Through a revision, as an officer's edit: the editor opens the page with its review date.
        page.save_revision().publish()
    entry = CommuneProcedure.objects.filter(commune=commune).order_by("pk").first()
    if entry is not None and entry.review_date is None:
        entry.review_date = today + timedelta(days=3)
        entry.save(update_fields=["review_date"])
