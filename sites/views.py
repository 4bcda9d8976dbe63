"""Public views that do not belong to a page: robots.txt, the HTML sitemap and the error pages."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from wagtail.models import Page, Site

from .tenancy import commune_for_request

# On the portal the HTML sitemap stops at the communes' home pages; each commune lists its own tree.
PORTAL_SITEMAP_DEPTH = 2


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def html_sitemap(request):
    """Sơ đồ trang: the site's live public pages as a nested list, in two queries."""
    site = getattr(request, "_wagtail_site", None) or Site.find_for_request(request)
    root = site.root_page
    pages = Page.objects.descendant_of(root, inclusive=True).live().public().order_by("path")
    if commune_for_request(request) is None:
        pages = pages.filter(depth__lte=root.depth + PORTAL_SITEMAP_DEPTH)
    pages = pages.only("id", "title", "path", "depth", "url_path")
    return render(request, "pages/html_sitemap.html", {"tree": sitemap_tree(list(pages), root)})


def sitemap_tree(pages, root) -> list[dict]:
    """Nest pages (ordered by tree path) as {title, url, children}; URLs are relative to the site root."""
    prefix = len(root.url_path) - 1
    tree: list[dict] = []
    stack: list[tuple[int, dict]] = []
    for page in pages:
        node = {"title": page.title, "url": page.url_path[prefix:] or "/", "children": []}
        while stack and stack[-1][0] >= page.depth:
            stack.pop()
        (stack[-1][1]["children"] if stack else tree).append(node)
        stack.append((page.depth, node))
    return tree


def page_not_found(request, exception=None):
    # Rendered with the request, so a commune's 404 keeps its header, menu and footer.
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors: the database may be the reason we are here.
    return HttpResponse(render_to_string("errors/500.html"), status=500)
