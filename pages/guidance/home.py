"""What the documents app adds to a commune home page."""

LATEST_COUNT = 5


def latest_documents(home_page, request):
    """The 5 latest published documents of this commune (its home page's subtree only)."""
    from .models import GuidingDocumentPage

    return list(
        GuidingDocumentPage.objects.descendant_of(home_page)
        .live()
        .public()
        .order_by("-date_issued", "-pk")[:LATEST_COUNT]
    )
