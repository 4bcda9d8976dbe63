"""Public views that do not belong to a page: robots.txt, the sitemaps and the error pages.

Practice sites (training workshops) are kept out of search engines: their robots.txt disallows everything,
their sitemap.xml lists nothing, and the portal's robots.txt and sitemaps leave them out.
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Page, Site

from .models import Commune
from .tenancy import commune_for_request

# On the portal the HTML sitemap stops at the communes' home pages; each commune lists its own tree.
PORTAL_SITEMAP_DEPTH = 2


def _is_practice_host(request) -> bool:
    commune = commune_for_request(request)
    return commune is not None and commune.is_practice


def _practice_homes_under(root: Page) -> list[Commune]:
    """Practice communes whose pages sit under this site root (the portal's: all of them)."""
    return list(
        Commune.objects.filter(is_practice=True, home_page__path__startswith=root.path).select_related("home_page")
    )


def _without_practice(pages, root: Page):
    for commune in _practice_homes_under(root):
        pages = pages.exclude(path__startswith=commune.home_page.path)
    return pages


def robots_txt(request):
    if _is_practice_host(request):
        lines = ["# Trang thực hành (tập huấn): không đánh chỉ mục.", "User-agent: *", "Disallow: /"]
    else:
        lines = ["User-agent: *", "Disallow: /admin/"]
        site = getattr(request, "_wagtail_site", None) or Site.find_for_request(request)
        if site is not None:
            # Practice sites are also served under the portal's address (/<tỉnh>/<xã>/).
            prefix = len(site.root_page.url_path) - 1
            lines += [f"Disallow: {c.home_page.url_path[prefix:]}" for c in _practice_homes_under(site.root_page)]
        lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class PublicSitemap(Sitemap):
    """Wagtail's sitemap.xml without practice sites. On a practice host it is a valid, empty urlset (not a
    404): nothing to index, and /sitemap.xml answers alike on every host for the tools that read it."""

    def items(self):
        if _is_practice_host(self.request):
            return Page.objects.none()
        return _without_practice(super().items(), self.get_wagtail_site().root_page)


def sitemap(request):
    return wagtail_sitemap(request, sitemaps={"wagtail": PublicSitemap})


def html_sitemap(request):
    """Sơ đồ trang: the site's live public pages as a nested list, in two queries (three on the portal)."""
    site = getattr(request, "_wagtail_site", None) or Site.find_for_request(request)
    root = site.root_page
    pages = Page.objects.descendant_of(root, inclusive=True).live().public().order_by("path")
    if commune_for_request(request) is None:
        pages = _without_practice(pages.filter(depth__lte=root.depth + PORTAL_SITEMAP_DEPTH), root)
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
