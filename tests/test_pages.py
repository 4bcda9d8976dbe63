"""Commune page types, the home page composition, introduction pages, sitemaps and error pages."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from pages import home as home_registry
from pages.models import (
    CommuneIdentity,
    ContactOfficial,
    ContactPage,
    Leader,
    MapPage,
    OrganisationPage,
    StandardPage,
)
from pages.sections import INTRODUCTION_PAGES
from sites import services
from sites.views import server_error
from tests.factories import CommuneFactory
from tests.factories_pages import BannerFactory, intro_page, make_image

INTRO_SLUGS = [section.slug for section in INTRODUCTION_PAGES]
SECTION_TEMPLATE = "<section class='hs'>{{ section.title }}:{{ home.title }}:{{ items|join:',' }}</section>"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def get(client, commune, path="/", status=200):
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


# --- Introduction pages (Decree 224 Art. 9.1.c) ---------------------------------------


def test_provisioning_creates_the_introduction_pages_under_gioi_thieu(commune_a):
    intro = commune_a.home_page.get_children().get(slug="gioi-thieu")
    children = {p.slug: p.specific_class for p in intro.get_children().live()}
    assert list(children) == INTRO_SLUGS
    assert children["to-chuc-bo-may"] is OrganisationPage
    assert children["ban-do-dia-gioi-hanh-chinh"] is MapPage
    assert children["di-tich-danh-thang"] is StandardPage


def test_reprovisioning_creates_nothing_new(commune_a):
    before = Page.objects.count()
    spec = services.commune_spec(province=commune_a.province, name=commune_a.name)
    services.commune_provision(spec)
    services.commune_provision(spec)
    assert Page.objects.count() == before


def test_reprovisioning_restores_a_missing_introduction_page_only(commune_a):
    intro_page(commune_a, "di-tich-danh-thang", StandardPage).delete()
    before = Page.objects.count()
    services.commune_provision(services.commune_spec(province=commune_a.province, name=commune_a.name))
    assert Page.objects.count() == before + 1
    assert intro_page(commune_a, "di-tich-danh-thang", StandardPage).live


def test_introduction_index_lists_its_children(client, commune_a):
    body = get(client, commune_a, "/gioi-thieu/")
    for title in ("Tổ chức bộ máy", "Bản đồ địa giới hành chính", "Điều kiện tự nhiên", "Di tích, danh thắng"):
        assert title in body


# --- Page types, with and without optional content -------------------------------------


def test_organisation_page_renders_without_leaders(client, commune_a):
    body = get(client, commune_a, "/gioi-thieu/to-chuc-bo-may/")
    assert "<h1>Tổ chức bộ máy</h1>" in body
    assert 'id="lanh-dao"' not in body


def test_organisation_page_shows_leaders_with_biography_and_duties(client, commune_a):
    page = intro_page(commune_a, "to-chuc-bo-may")
    page.leaders.add(
        Leader(
            full_name="Trần Thị Bình",
            position="Chủ tịch UBND xã",
            biography="Sinh năm 1978.",
            duties="Phụ trách chung\nPhụ trách tài chính",
            photo=make_image(commune_a, "Chân dung", size=(300, 400)),
        )
    )
    page.leaders.add(Leader(full_name="Lê Văn Cường", position="Phó Chủ tịch UBND xã"))
    page.departments = "<p>Văn phòng HĐND và UBND</p>"
    page.save_revision().publish()
    body = get(client, commune_a, "/gioi-thieu/to-chuc-bo-may/")
    for text in ("Trần Thị Bình", "Chủ tịch UBND xã", "Sinh năm 1978.", "<li>Phụ trách tài chính</li>"):
        assert text in body
    assert "Lê Văn Cường" in body and "Văn phòng HĐND và UBND" in body
    assert 'alt="Trần Thị Bình"' in body and "srcset=" in body


def test_organisation_page_queries_do_not_grow_with_leaders(client, commune_a, uncached):
    page = intro_page(commune_a, "to-chuc-bo-may")

    def count_queries():
        get(client, commune_a, "/gioi-thieu/to-chuc-bo-may/")  # renditions are made on the first view
        with CaptureQueriesContext(connection) as queries:
            get(client, commune_a, "/gioi-thieu/to-chuc-bo-may/")
        return len(queries)

    def add_leaders(n):
        for i in range(n):
            page.leaders.add(
                Leader(full_name=f"Cán bộ {i}", position="Ủy viên", photo=make_image(commune_a, f"Ảnh {i}"))
            )
        page.save_revision().publish()

    add_leaders(1)
    with_one = count_queries()
    add_leaders(5)
    assert count_queries() == with_one


def test_map_page_renders_without_and_with_a_map(client, commune_a):
    assert "Bản đồ đang được cập nhật." in get(client, commune_a, "/gioi-thieu/ban-do-dia-gioi-hanh-chinh/")
    page = intro_page(commune_a, "ban-do-dia-gioi-hanh-chinh", MapPage)
    page.map_image = make_image(commune_a, "Bản đồ xã", size=(800, 600))
    page.map_alt = "Bản đồ xã Động Đạt và các xã giáp ranh"
    page.save_revision().publish()
    body = get(client, commune_a, "/gioi-thieu/ban-do-dia-gioi-hanh-chinh/")
    assert 'alt="Bản đồ xã Động Đạt và các xã giáp ranh"' in body
    assert "Xem bản đồ kích thước đầy đủ" in body


def test_standard_page_renders_with_body_and_without(client, commune_a):
    body = get(client, commune_a, "/gioi-thieu/dieu-kien-tu-nhien/")
    assert "Điều kiện tự nhiên" in body and 'class="breadcrumb"' in body
    page = intro_page(commune_a, "dieu-kien-tu-nhien", StandardPage)
    page.body = "<p>Xã nằm ở phía bắc tỉnh.</p>"
    page.save_revision().publish()
    assert "Xã nằm ở phía bắc tỉnh." in get(client, commune_a, "/gioi-thieu/dieu-kien-tu-nhien/")


def test_contact_page_falls_back_to_the_footer_identity(client, commune_a):
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.address = "Xóm Trung Tâm"
    identity.phone = "0208 111"
    identity.save()
    body = get(client, commune_a, "/lien-he/")
    assert "Xóm Trung Tâm" in body and 'href="tel:0208111"' in body
    assert "Danh bạ cán bộ" not in body and "openstreetmap" not in body


def test_contact_page_shows_its_address_map_link_and_directory(client, commune_a):
    page = ContactPage.objects.get(pk=commune_a.home_page.get_children().get(slug="lien-he").pk)
    page.address = "Số 1 đường Trung Tâm"
    page.email = "lienhe@dongdat.vn"
    page.map_url = "https://www.openstreetmap.org/#map=15/21.59/105.84"
    page.officials.add(ContactOfficial(name="Hoàng Văn Em", position="Tư pháp – Hộ tịch", phone="0208 3850 003"))
    page.save_revision().publish()
    body = get(client, commune_a, "/lien-he/")
    assert "Số 1 đường Trung Tâm" in body and "mailto:lienhe@dongdat.vn" in body
    assert 'href="https://www.openstreetmap.org/#map=15/21.59/105.84"' in body
    assert "<iframe" not in body
    assert '<th scope="row">Hoàng Văn Em</th>' in body and 'href="tel:02083850003"' in body


def test_contact_map_link_must_be_a_web_address(commune_a):
    from django.core.exceptions import ValidationError

    page = ContactPage.objects.get(slug="lien-he", path__startswith=commune_a.home_page.path)
    page.map_url = "javascript:alert(1)"
    with pytest.raises(ValidationError):
        page.full_clean()


# --- Home page --------------------------------------------------------------------------


@pytest.fixture
def section_template(settings):
    """A home-section template served from memory, as a content app would ship one."""
    engine = settings.TEMPLATES[0].copy()
    engine["APP_DIRS"] = False
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {"test/home_section.html": SECTION_TEMPLATE},
            ),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    return "test/home_section.html"


def test_home_renders_registered_sections_in_order_with_banners_between(
    client, commune_a, section_template, monkeypatch
):
    monkeypatch.setattr(
        home_registry,
        "HOME_SECTIONS",
        {
            "second": home_registry.HomeSection("second", section_template, lambda h, r: ["c"], order=20, title="Hai"),
            "first": home_registry.HomeSection(
                "first", section_template, lambda h, r: ["a", "b"], order=10, title="Một"
            ),
            "empty": home_registry.HomeSection("empty", section_template, lambda h, r: [], order=30, title="Rỗng"),
        },
    )
    BannerFactory(commune=commune_a, position="horizontal", alt_text="NGANG-1", sort_order=1)
    body = get(client, commune_a)
    first = body.index("<section class='hs'>Một:Xã Động Đạt:a,b</section>")
    second = body.index("<section class='hs'>Hai:Xã Động Đạt:c</section>")
    assert first < body.index("NGANG-1") < second
    assert "Rỗng" not in body


def test_home_links_to_the_national_and_province_public_service_portals(client, commune_a):
    body = get(client, commune_a)
    assert 'href="https://dichvucong.gov.vn"' in body
    assert "Cổng Dịch vụ công Thái Nguyên" not in body
    province = commune_a.province
    province.public_service_url = "https://dichvucong.thainguyen.gov.vn"
    province.save()
    body = get(client, commune_a)
    assert 'href="https://dichvucong.thainguyen.gov.vn"' in body and "Cổng Dịch vụ công Thái Nguyên" in body


def test_home_renders_without_banners_notices_or_identity(client, commune_a):
    body = get(client, commune_a)
    assert "banners-top" not in body and "thong-bao-khan" not in body
    assert "Truy cập nội dung luôn" in body and 'lang="vi"' in body


def test_commune_served_by_portal_path_keeps_its_frame(client, commune_a):
    BannerFactory(commune=commune_a, alt_text="Banner theo đường dẫn cổng")
    response = client.get("/thai-nguyen/dong-dat/", HTTP_HOST="localhost")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Banner theo đường dẫn cổng" in body and 'class="site-nav"' in body


def test_portal_home_still_renders(client, commune_a):
    body = client.get("/", HTTP_HOST="localhost").content.decode()
    assert "Cổng thông tin điện tử xã, phường" in body and "banners-top" not in body


# --- Sitemaps -------------------------------------------------------------------------


def test_sitemap_xml_lists_only_this_communes_pages_on_its_host(client, commune_a, commune_b):
    response = client.get("/sitemap.xml", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).findall("sm:url/sm:loc", SITEMAP_NS)]
    assert locations
    assert all(loc.startswith("http://dongdat.thainguyen.gov.vn/") for loc in locations)
    assert "http://dongdat.thainguyen.gov.vn/" in locations
    assert "http://dongdat.thainguyen.gov.vn/gioi-thieu/to-chuc-bo-may/" in locations
    assert not any(commune_b.hostname in loc or "tan-phu" in loc for loc in locations)


def test_html_sitemap_lists_this_communes_pages_as_a_tree(client, commune_a, commune_b):
    body = get(client, commune_a, "/so-do-trang/")
    assert "<h1>Sơ đồ trang</h1>" in body
    assert '<a href="/gioi-thieu/">Giới thiệu</a><ul><li><a href="/gioi-thieu/to-chuc-bo-may/">' in body
    assert '<a href="/tin-tuc/">Tin tức</a>' in body
    assert "Tân Phú" not in body


def test_html_sitemap_leaves_out_drafts(client, commune_a):
    intro_page(commune_a, "di-tich-danh-thang", StandardPage).unpublish()
    assert "Di tích, danh thắng" not in get(client, commune_a, "/so-do-trang/")


def test_html_sitemap_queries_do_not_grow_with_pages(client, commune_a, uncached):
    def count_queries():
        get(client, commune_a, "/so-do-trang/")  # warm the per-process caches (site root paths)
        with CaptureQueriesContext(connection) as queries:
            get(client, commune_a, "/so-do-trang/")
        return len(queries)

    before = count_queries()
    parent = intro_page(commune_a, "dieu-kien-tu-nhien", StandardPage)
    for i in range(6):
        parent.add_child(instance=StandardPage(title=f"Khí hậu {i}", slug=f"khi-hau-{i}"))
    assert count_queries() == before
    assert "Khí hậu 5" in get(client, commune_a, "/so-do-trang/")


def test_html_sitemap_on_the_portal_stops_at_commune_home_pages(client, commune_a):
    response = client.get("/so-do-trang/", HTTP_HOST="localhost")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thái Nguyên" in body and "Xã Động Đạt" in body and "Tổ chức bộ máy" not in body


# --- Errors -------------------------------------------------------------------------------


def test_404_is_vietnamese_and_keeps_the_communes_frame(client, commune_a):
    body = get(client, commune_a, "/khong-co-trang-nay/", status=404)
    assert "Không tìm thấy trang" in body
    assert "Trang thông tin điện tử Xã Động Đạt" in body
    assert 'class="site-nav"' in body and '<footer class="site-footer">' in body
    assert 'content="noindex"' in body


def test_404_of_another_commune_names_that_commune_only(client, commune_a, commune_b):
    body = get(client, commune_b, "/khong-co/", status=404)
    assert "Xã Tân Phú" in body and "Động Đạt" not in body


def test_500_page_is_vietnamese_and_needs_no_database(commune_a, django_assert_num_queries):
    request = RequestFactory().get("/", HTTP_HOST=commune_a.hostname)
    with django_assert_num_queries(0):
        response = server_error(request)
    body = response.content.decode()
    assert response.status_code == 500 and "Hệ thống đang gặp sự cố" in body and "<link" not in body


# --- Demo seed -----------------------------------------------------------------------------


def test_demo_seed_fills_the_frame_once(client, province_a):
    from pages.demo import seed_commune
    from pages.site_content import Banner, MenuItem, Notice

    commune = CommuneFactory(province=province_a, name="Phú Đình")
    seed_commune(commune)
    counts = (Banner.objects.count(), Notice.objects.count(), MenuItem.objects.count(), Leader.objects.count())
    seed_commune(commune)
    assert (Banner.objects.count(), Notice.objects.count(), MenuItem.objects.count(), Leader.objects.count()) == counts
    assert counts[0] == 3 and counts[1] == 1 and counts[3] == 3
    body = get(client, commune)
    assert "Ủy ban nhân dân xã Phú Đình" in body and "Thông báo khẩn" in body and "banners-right" in body
    assert "Trần Thị Bình" in get(client, commune, "/gioi-thieu/to-chuc-bo-may/")
    assert "Bộ phận một cửa" in get(client, commune, "/lien-he/")
