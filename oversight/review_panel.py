"""The "Cần rà soát" panel of an officer's dashboard: their commune's pages and procedure details due for review."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from wagtail.admin.ui.components import Component

from sites.tenancy import commune_for_user

from .selectors import REMINDER_DAYS, review_items, with_homes

PANEL_LIMIT = 20


class ReviewPanel(Component):
    """Past or within REMINDER_DAYS days, soonest first, each with its edit link."""

    order = 20
    template_name = "oversight/admin/review_panel.html"

    def __init__(self, commune, items):
        self.commune = commune
        self.items = items

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update(
            commune=self.commune,
            items=self.items[:PANEL_LIMIT],
            more=max(len(self.items) - PANEL_LIMIT, 0),
            days=REMINDER_DAYS,
        )
        return context


def panel_for(request) -> ReviewPanel | None:
    commune = commune_for_user(request.user)
    if commune is None or commune.home_page_id is None:
        return None
    commune = with_homes(type(commune).objects.filter(pk=commune.pk)).get()
    until = timezone.localdate() + timedelta(days=REMINDER_DAYS)
    return ReviewPanel(commune, review_items([commune], until).get(commune.pk, []))
