from .tenancy import commune_for_request


def commune(request):
    """The commune whose site serves this request, for headers and footers."""
    return {"current_commune": commune_for_request(request)}
