"""Page views per commune per day, counted without slowing page serving and without personal data.

Each public page a resident receives (a 200 answer to a GET, from the page cache or freshly rendered) adds
one to a counter in the cache: one atomic increment, no database query. Nothing about the visitor is kept,
not even in the cache. `flush_page_views()` (run by `manage.py flush_view_counts`, from cron every few
minutes) adds the counters to CommuneDailyViews. Not counted: the admin, previews, signed-in people (any
request with a session cookie: officers checking their pages), practice sites, and clients that say in
their user agent that they are robots.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

_VIEWS_KEY = "oversight:views:v1:{}:{}"
_HOME_KEY = "oversight:home-of:v1:{}"
# Counters of days older than this are not looked for any more: cron must flush at least once a week.
FLUSH_DAYS = 8
_FLUSH_BATCH = 500
_NO_COMMUNE = 0


def _key(commune_id: int, day: date) -> str:
    return _VIEWS_KEY.format(commune_id, day.strftime("%Y%m%d"))


def count_page_view(commune_id: int) -> None:
    """Count one view of a commune's page today (local date), in the cache only."""
    if not commune_id:
        return
    key = _key(commune_id, timezone.localdate())
    try:
        cache.incr(key)  # one round trip on every view but the day's first
    except ValueError:  # no counter yet today: make one (add, so a racing first view is not lost)
        if not cache.add(key, 1, timeout=(FLUSH_DAYS + 1) * 86400):
            cache.incr(key)


def pending_views(commune_id: int, day: date | None = None) -> int:
    return cache.get(_key(commune_id, day or timezone.localdate())) or 0


def _commune_of_path(page_path: str) -> tuple[int, bool]:
    """(commune id, is practice) of the commune whose home page starts this tree path; kept in the cache.

    Only for pages served under the portal's address (/<province>/<commune>/…), where the request does not
    know its commune; on a commune's own host the request already carries it.
    """
    from wagtail.models import Page

    from sites.models import Commune

    home_path = page_path[: Page.steplen * 4]  # root, portal, province, commune home
    key = _HOME_KEY.format(home_path)
    found = cache.get(key)
    if found is None:
        row = Commune.objects.filter(home_page__path=home_path).values_list("pk", "is_practice").first()
        found = row or (_NO_COMMUNE, False)
        cache.set(key, found, 3600)
    return found


def note_page_view(page, request) -> None:
    """Called as a page is served: count the view once the answer is known to be a 200 for a resident."""
    from sites import page_cache

    if request.method != "GET" or getattr(request, "is_preview", False):
        return
    commune = getattr(request, "_xaso_commune", None)
    if commune is not None:
        commune_id, practice = commune.pk, commune.is_practice
    elif page.depth >= 4:
        commune_id, practice = _commune_of_path(page.path)
    else:
        return  # the portal and the province pages belong to no commune
    if not commune_id or practice:
        return
    # Whoever rendered the page, each later cached hit by a person counts (page_cache skips robots).
    page_cache.repeat_on_cache_hit(request, "commune-view", commune_id)
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not page_cache.is_robot(request):
        page_cache.run_when_served(request, "commune-view", commune_id)


def _days(today: date) -> list[date]:
    return [today - timedelta(days=n) for n in range(FLUSH_DAYS)]


def flush_page_views() -> int:
    """Add the cached counters to CommuneDailyViews and take them off the cache; returns the views added.

    Works on any cache backend (no key scanning): asks for every commune's counters of the last FLUSH_DAYS days.
    A view counted while flushing is kept, because the counter is decremented rather than deleted.
    """
    from sites.models import Commune

    from .models import CommuneDailyViews

    keys = {
        _key(commune_id, day): (commune_id, day)
        for commune_id in Commune.objects.real().order_by("pk").values_list("pk", flat=True)
        for day in _days(timezone.localdate())
    }
    names = list(keys)
    total = 0
    for start in range(0, len(names), _FLUSH_BATCH):
        found = {key: count for key, count in cache.get_many(names[start : start + _FLUSH_BATCH]).items() if count}
        if not found:
            continue
        with transaction.atomic():
            wanted = {keys[key]: count for key, count in found.items()}
            existing = set(
                CommuneDailyViews.objects.filter(
                    commune_id__in={c for c, _ in wanted}, date__in={d for _, d in wanted}
                ).values_list("commune_id", "date")
            )
            new = []
            for (commune_id, day), count in wanted.items():
                if (commune_id, day) in existing:
                    CommuneDailyViews.objects.filter(commune_id=commune_id, date=day).update(views=F("views") + count)
                else:
                    new.append(CommuneDailyViews(commune_id=commune_id, date=day, views=count))
            CommuneDailyViews.objects.bulk_create(new)
        for key, count in found.items():
            total += count
            try:
                if cache.decr(key, count) <= 0:
                    cache.delete(key)
            except ValueError:  # the counter expired meanwhile: nothing left to clear
                pass
    return total
