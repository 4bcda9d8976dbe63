"""What the public pages and the officer's dashboard read about province alerts."""

from __future__ import annotations

from django.db.models import Min, Q
from django.utils import timezone

from .models import ProvinceAlert


def _load_active(commune) -> list[ProvinceAlert]:
    rows = ProvinceAlert.objects.active().for_commune(commune.pk, commune.province_id).select_related("province")
    return list(rows.order_by("-starts_at", "-pk"))


def active_alerts(commune, request=None) -> list[ProvinceAlert]:
    """The province's alerts showing now on this commune's site: one query, kept per generation like notices."""
    if commune is None:
        return []
    from sites.page_cache import commune_fragment

    return commune_fragment(request, commune, "province-alerts", lambda: _load_active(commune), scheduled=True)


def next_alert_change(commune_id, now=None):
    """When an alert of this commune next appears or disappears (the page cache must stop there)."""
    now = now or timezone.now()
    found = (
        ProvinceAlert.objects.live()
        .for_commune(commune_id)
        .aggregate(
            starts=Min("starts_at", filter=Q(starts_at__gt=now)),
            expires=Min("expires_at", filter=Q(expires_at__gt=now)),
        )
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


def alerts_for_officer(commune) -> list[ProvinceAlert]:
    """What an officer's dashboard lists: the alerts showing now or soon on their commune's site."""
    now = timezone.now()
    rows = ProvinceAlert.objects.live().for_commune(commune.pk, commune.province_id).filter(expires_at__gt=now)
    return list(rows.select_related("province").order_by("starts_at", "pk")[:20])
