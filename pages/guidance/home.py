"""What the documents app adds to a commune home page."""

LATEST_COUNT = 5


def latest_documents(home_page, request):
    """The 5 latest published documents of this commune and of those its province shares with it."""
    from django.db.models import Q

    from pages.province_content.sharing import mark_shared, shared_q

    from .models import GuidingDocumentPage

    own = Q(path__startswith=home_page.path, depth__gt=home_page.depth)
    documents = GuidingDocumentPage.objects.filter(own | shared_q(GuidingDocumentPage, home_page.path))
    return mark_shared(documents.live().public().order_by("-date_issued", "-pk")[:LATEST_COUNT], home_page.path)
