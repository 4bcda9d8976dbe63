"""The load bench's bulk seeder (bench/load_job.py) leaves a valid page tree that renders, and its report
computes the ratios it claims."""

import math

import pytest
from wagtail.models import Page

from bench import load
from bench.load_job import seed_content
from pages.guidance.models import GuidingDocumentPage
from pages.news.models import ArticlePage, NewsIndexPage
from pages.videos.models import GalleryPage, VideoPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(commune_a, settings, tmp_path):
    from bench.load_job import _image_files

    settings.MEDIA_ROOT = tmp_path
    batches = []
    counts = seed_content(commune_a, _image_files(), batches)
    return commune_a, counts, batches


def test_bulk_seeded_pages_form_a_valid_tree(seeded):
    commune, counts, _ = seeded
    assert counts == {"articles": 100, "documents": 30, "videos": 10, "galleries": 1}
    assert all(not problems for problems in Page.find_problems())
    news = NewsIndexPage.objects.descendant_of(commune.home_page).get()
    assert news.numchild == ArticlePage.objects.child_of(news).count() == 100
    for page in ArticlePage.objects.child_of(news)[:5]:
        assert page.url_path == f"{news.url_path}{page.slug}/"
        assert page.get_parent().pk == news.pk
    home = commune.home_page
    assert GuidingDocumentPage.objects.descendant_of(home).live().count() == 30
    assert VideoPage.objects.descendant_of(home).live().count() == 10
    assert GalleryPage.objects.descendant_of(home).get().gallery_images.count() == 4


def test_bulk_seeded_pages_render_on_the_commune_host(seeded, client):
    commune, _, _ = seeded
    article = ArticlePage.objects.descendant_of(commune.home_page).order_by("-date").first()
    path = article.url_path.removeprefix(commune.home_page.url_path.rstrip("/"))
    listing = client.get("/tin-tuc/", HTTP_HOST=commune.hostname)
    page = client.get(path, HTTP_HOST=commune.hostname)
    assert listing.status_code == page.status_code == 200
    assert article.title in listing.content.decode()
    assert article.title in page.content.decode()
    assert article.categories.count() == 1


def _result(rps, p95):
    return {"rps": rps, "p50": p95 / 2, "p95": p95, "p99": p95 * 2, "errors": 0, "cpu_ms": 5.0, "rss_mb": 100.0}


def _run(count, p95):
    results = {(mode, key): _result(100.0, p95) for mode in load.MODES for key in [*load.PAGES, "bare"]}
    for mode in load.MODES:
        results[(mode, "bare")] = _result(400.0, 10.0)
    results[("nginx", "home")] = _result(1000.0, 1.0)
    seed = {
        "pages": 1000,
        "content_communes": 10,
        "articles": 100,
        "documents": 30,
        "videos": 10,
        "procedures_per_commune": 40,
        "migrate_seconds": 1,
        "catalogue_seconds": 1,
        "provision_seconds": 1,
        "content_seconds": 1,
        "index_seconds": 1,
        "commune": "Xã Động Đạt",
        "host": "dongdat.thainguyen.gov.vn",
    }
    queries = {mode: {key: 3 for key in [*load.PAGES, "bare"]} for mode in load.MODES}
    weight = {"html": 20480, "html_gz": 4096, "css_js": 10240, "css_js_gz": 4096}
    return {
        "database": "postgresql",
        "count": count,
        "seed": seed,
        "results": results,
        "queries": queries,
        "weight": weight,
        "loadavg": (1.0, 1.0),
    }


def test_report_gives_ratios_to_nginx_to_bare_wagtail_and_between_commune_counts():
    runs = [_run(10, 20.0), _run(1000, 30.0)]
    text = load.markdown(runs, 3, 1, "tai.svg")
    # req/s 100 ÷ nginx 1000; p95 20 ÷ bare 10; p95 at 1,000 communes 30 ÷ 20 at 10.
    assert "| Trang chủ | đệm trang | 100,0 | 10,0 | 20,0 | 40,0 | 3 | 5,0 | 100 | 0,100 | 2,00 |" in text
    assert "| Trang chủ | 1,50 | 1,50 | 1,50 |" in text
    assert "**8,0 KB nén**" in text
    assert "![p95 và req/s theo số xã](tai.svg)" in text
    assert "10 xã đầu (trong đó có xã được đo; 990 xã còn lại" in text
    svg = load.svg_chart(runs)
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 * len(load.MODES) * (len(load.PAGES) + 1)


def test_ratio_of_a_missing_measurement_is_shown_as_a_dash():
    assert math.isnan(load._ratio(1.0, 0.0))
    assert load._n(float("nan")) == "–"


def test_plan_measures_sqlite_only_at_the_smallest_count_next_to_postgresql():
    assert load.plan([300, 10], ("postgresql", "sqlite")) == [("postgresql", 10), ("postgresql", 300), ("sqlite", 10)]
    assert load.plan([10, 3321], ("sqlite",)) == [("sqlite", 10)]
