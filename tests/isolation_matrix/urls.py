"""The install's own URLs with a plain 404 page, for the matrix's thousands of refusals.

The site's 404 page (sites.views.page_not_found) renders the commune's whole frame — header,
menu, notices, footer — about two thirds of a refused request's time, and it never depends on the
refused URL. The matrix checks that real page for leaks once per role
(test_isolation_matrix.test_the_real_404_page_shows_nothing_of_b) and uses this urlconf elsewhere.
Everything else — every pattern, view and middleware — is the install's own.
"""

from django.http import HttpResponseNotFound

from cms.urls import handler500, urlpatterns  # noqa: F401  (the same patterns, the same 500 page)


def plain_404(request, exception=None):
    return HttpResponseNotFound("Không tìm thấy.")


handler404 = "tests.isolation_matrix.urls.plain_404"
