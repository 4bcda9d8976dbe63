"""What the consultations app adds to a commune home page: the consultations residents can comment on now."""

from django.utils import timezone


def open_consultations(home_page, request):
    """Open consultations of this commune (its home page's subtree only), closing soonest first."""
    from .models import ConsultationPage

    now = timezone.now()
    return list(
        ConsultationPage.objects.descendant_of(home_page)
        .live()
        .public()
        .filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")[:3]
    )
