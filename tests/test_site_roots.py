"""Page URLs through the site-root index give exactly Wagtail's own URLs, at a cost independent of the Sites."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from sites import site_roots
from tests.factories import CommuneFactory
from tests.test_news import make_article, news_index


@pytest.fixture
def many_sites(province_a, province_b, commune_a, commune_b):
    """Communes in two provinces, extra hostnames on the same roots, a nested root and the portal."""
    communes = [commune_a, commune_b] + [CommuneFactory(province=province_a, name=f"Xã Thử {i}") for i in range(3)]
    for commune in communes:
        make_article(commune, f"Tin của {commune.name}")
    # Alias hostnames (www., an old name) on the same home page: several Sites per root path.
    for i, commune in enumerate(communes):
        Site.objects.create(hostname=f"www{i}.{commune.hostname}", port=80, root_page=commune.home_page)
    # A nested root: a Site whose root is a section inside commune A's site.
    Site.objects.create(hostname="tintuc.dongdat.example", port=80, root_page=news_index(commune_a))
    # Many unrelated Sites, as on an install with thousands of communes (one root each).
    root = Page.objects.get(depth=1)
    for i in range(150):
        Site.objects.create(hostname=f"xa{i}.khac.example", port=80, root_page=root if i == 0 else commune_b.home_page)
    return communes


def requests_for(sites):
    factory = RequestFactory()
    out = [None]
    for site in sites:
        request = factory.get("/", HTTP_HOST=site.hostname)
        request._wagtail_site = site
        out.append(request)
    return out


def urls(pages, requests):
    found = []
    for page in pages:
        for request in requests:
            site = getattr(request, "_wagtail_site", None)
            found.append(
                (
                    page.pk,
                    site and site.pk,
                    page.get_url(request),
                    page.get_full_url(request),
                    page.get_url_parts(request),
                    page.relative_url(site, request) if site else None,
                )
            )
    return found


def test_urls_match_wagtails_algorithm_with_many_sites_nested_roots_and_the_portal(many_sites):
    pages = list(Page.objects.specific().order_by("path"))
    sites = list(Site.objects.filter(hostname__in=[c.hostname for c in many_sites]))
    sites += list(Site.objects.filter(hostname__in=["tintuc.dongdat.example", "localhost"]))
    requests = requests_for(sites)
    ours = urls(pages, requests)
    with site_roots.wagtail_stock():
        stock = urls(pages, requests)
    assert ours == stock
    assert len(ours) > 500


def test_the_index_is_rebuilt_when_a_site_changes(commune_a):
    article = make_article(commune_a, "Tin đổi tên miền")
    before = article.get_full_url()
    site = commune_a.site
    site.hostname = "dongdat-moi.thainguyen.gov.vn"
    site.save()
    article = Page.objects.get(pk=article.pk)
    assert article.get_full_url() == before.replace(commune_a.hostname, "dongdat-moi.thainguyen.gov.vn")


def test_rich_text_links_read_the_site_list_once_per_request_not_once_per_link(many_sites, commune_a, monkeypatch):
    articles = [make_article(commune_a, f"Tin số {i}") for i in range(40)]
    html = "".join(f'<p><a linktype="page" id="{a.pk}">{a.title}</a></p>' for a in articles)
    calls = []
    original = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", staticmethod(lambda: calls.append(1) or original()))
    token = site_roots.begin_request()
    try:
        expanded = expand_db_html(html)
    finally:
        site_roots.end_request(token)
    assert expanded.count('href="http://tintuc.dongdat.example/tin-so-') == 40  # the nested root is deepest
    assert len(calls) <= 1
    # Wagtail's own algorithm reads the whole list for every link.
    calls.clear()
    with site_roots.wagtail_stock():
        assert expand_db_html(html) == expanded
    assert len(calls) >= 40
