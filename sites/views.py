"""Public views that do not belong to a page: robots.txt and the error pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: the database may be the reason we are here.
    return HttpResponse(render_to_string("errors/500.html"), status=500)
