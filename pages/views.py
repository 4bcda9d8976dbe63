"""Public views that are not pages: site search."""

from django.shortcuts import render

from sites.services import ServiceError, resolve_commune
from sites.tenancy import commune_for_request

from .search import search_commune, search_communes


def search(request):
    """Tìm kiếm: the commune of this hostname (or ?xa=province/commune on the portal), else communes."""
    commune = commune_for_request(request)
    if commune is None and request.GET.get("xa"):
        try:
            commune = resolve_commune(request.GET["xa"])
        except ServiceError:
            commune = None
        if commune is not None and (not commune.is_active or commune.is_practice):
            commune = None  # the portal searches real communes only
    raw = request.GET.get("q", "")
    if commune is None:
        query, communes, message = search_communes(raw)
        context = {"query": query, "communes": communes, "message": message, "portal": True, "hide_header_search": True}
        return render(request, "pages/search.html", context)
    outcome = search_commune(commune, raw, request.GET.get("page"), request=request)
    context = {"query": outcome.query, "outcome": outcome, "current_commune": commune, "hide_header_search": True}
    return render(request, "pages/search.html", context)
