"""What the procedures app adds to a commune home page: quick links to procedures and the portals."""

from __future__ import annotations

from dataclasses import dataclass

LINK_COUNT = 8


@dataclass(frozen=True)
class ProcedureLinks:
    index: object  # the commune's ProcedureIndexPage
    procedures: list  # [(name, url)]
    national_portal_url: str

    def __bool__(self):
        return self.index is not None


def procedure_links(home_page, request) -> ProcedureLinks | None:
    """Up to 8 procedures of this commune (featured first) with the section and the national portal."""
    from .models import NATIONAL_PORTAL_URL, ProcedureIndexPage

    index = ProcedureIndexPage.objects.child_of(home_page).live().first()
    if index is None:
        return None
    entries = index.entries().order_by("-is_featured", "procedure__name")[:LINK_COUNT]
    base = index.get_url(request)
    links = [(entry.procedure.name, f"{base}{entry.procedure.slug}/") for entry in entries]
    return ProcedureLinks(index=index, procedures=links, national_portal_url=NATIONAL_PORTAL_URL)
