"""Demo ratings: some votes on a few of the commune's pages over the last months. Idempotent."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from wagtail.models import Page

from .models import PageRating

DAYS = 120


def seed_commune(commune) -> None:
    """Votes on the home page and its sections, once (a commune that has any rating is left alone)."""
    if commune.home_page_id is None or PageRating.objects.filter(commune=commune).exists():
        return
    home = commune.home_page
    pages = [home, *Page.objects.child_of(home).live().order_by("path")[:8]]
    rng = random.Random(commune.pk)  # the same demo numbers on every run
    today = timezone.localdate()
    rows = []
    for page in pages:
        liking = rng.uniform(0.45, 0.95)
        for days_ago in range(0, DAYS, rng.choice((3, 5, 7))):
            votes = rng.randint(1, 6)
            useful = sum(rng.random() < liking for _ in range(votes))
            not_useful = votes - useful
            reasons = [rng.choice(("missing", "unclear", "outdated", "other")) for _ in range(not_useful)]
            rows.append(
                PageRating(
                    commune=commune,
                    page=page,
                    date=today - timedelta(days=days_ago),
                    useful=useful,
                    not_useful=not_useful,
                    **{f"reason_{reason}": reasons.count(reason) for reason in set(reasons)},
                )
            )
    PageRating.objects.bulk_create(rows)
