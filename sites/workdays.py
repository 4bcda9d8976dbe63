"""Working days (ngày làm việc) for legal deadlines: Monday to Friday, less the public holidays in the database.

Law 10/2022/QH15 gives a commune 5 working days to post a disclosure; Decree 224 Art. 13 asks for 7 working
days' notice of a planned outage. Both count here, against the operator's holiday list (sites.PublicHoliday).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.cache import cache

_CACHE_KEY = "xaso:holidays:v1"


def holidays() -> frozenset[date]:
    """Every public holiday on record, cached until the list changes."""
    found = cache.get(_CACHE_KEY)
    if found is None:
        from .models import PublicHoliday

        found = frozenset(PublicHoliday.objects.values_list("date", flat=True))
        cache.set(_CACHE_KEY, found, 24 * 3600)
    return found


def forget_holidays() -> None:
    cache.delete(_CACHE_KEY)


def is_working_day(day: date, days_off: frozenset[date] | None = None) -> bool:
    days_off = holidays() if days_off is None else days_off
    return day.weekday() < 5 and day not in days_off


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not after start).

    A decision signed on Friday and posted the next Monday is 1 working day late-free: Monday counts, the
    weekend does not.
    """
    if end <= start:
        return 0
    days_off = holidays()
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), days_off))


def add_working_days(start: date, count: int) -> date:
    """The date `count` working days after `start` (count >= 0; 0 gives start itself)."""
    days_off = holidays()
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            count -= 1
    return day
