"""What the disclosures app adds to a commune home page: what is being disclosed now (Law 10/2022 Art. 13.1)."""

LATEST_COUNT = 5


def current_disclosures(home_page, request):
    """The commune's latest disclosures still inside their posting period (its own section only)."""
    from .models import DisclosureIndexPage

    section = DisclosureIndexPage.objects.child_of(home_page).live().first()
    if section is None:
        return []
    items = list(section.current().order_by("-posted_date", "-pk")[:LATEST_COUNT])
    for item in items:
        item.index_page = section  # kept with the items in the fragment cache: the "see all" link costs no query
    return items
