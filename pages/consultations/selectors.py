"""Reading consultations for other parts of the site (the page cache's next scheduled change)."""

from __future__ import annotations

from django.db.models import Min, Q

from sites.models import Commune

from .models import ConsultationPage


def next_consultation_change(commune_id, now):
    """When one of the commune's live consultations next opens or closes (its pages change state then), or None.

    Two queries; the page cache asks once per commune generation."""
    home_path = Commune.objects.filter(pk=commune_id).values_list("home_page__path", flat=True).first()
    if not home_path:
        return None
    found = (
        ConsultationPage.objects.live()
        .filter(path__startswith=home_path)
        .aggregate(
            opens=Min("opens_at", filter=Q(opens_at__gt=now)),
            closes=Min("closes_at", filter=Q(closes_at__gt=now)),
        )
    )
    return min((moment for moment in found.values() if moment is not None), default=None)
