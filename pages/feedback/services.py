"""Recording a resident's vote: one more in the page's row for the day."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import REASON_FIELDS, PageRating


def rating_record(commune, page, *, useful: bool, reason: str = "", day=None) -> None:
    """Add one vote to the page's counts of the day (the row is created on the day's first vote)."""
    day = day or timezone.localdate()
    changes = {"useful": F("useful") + 1} if useful else {"not_useful": F("not_useful") + 1}
    if not useful and reason in REASON_FIELDS:
        field = REASON_FIELDS[reason]
        changes[field] = F(field) + 1
    with transaction.atomic():
        row, _created = PageRating.objects.get_or_create(page=page, date=day, defaults={"commune": commune})
        PageRating.objects.filter(pk=row.pk).update(**changes)
