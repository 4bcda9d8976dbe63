"""The public page cache: shared pages per commune, fresh for officers, invalidated per commune."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.models import CommuneIdentity
from pages.procedures.models import Procedure
from pages.site_content import Banner, Notice
from sites import page_cache
from tests.factories import CommuneFactory, make_officer
from tests.factories_pages import add_menu_item, make_image
from tests.factories_procedures import add_procedure, detail_path
from tests.test_news import make_article


def get(client, commune, path="/", **extra):
    response = client.get(path, HTTP_HOST=commune.hostname, **extra)
    assert response.status_code == 200, (path, response.status_code)
    return response


def body(response) -> str:
    return response.content.decode()


def warm(client, *pairs):
    """Cache these (commune, path) pages and check the next request is a hit.

    Two views first: inside a test's transaction the upload task never ran, so the first view makes the
    pictures' renditions, and that (rightly) starts a new generation of the commune's pages."""
    for commune, path in pairs:
        get(client, commune, path)
        get(client, commune, path)
        assert get(client, commune, path)["X-Cache"] == "hit", (commune, path)


# --- Hits -----------------------------------------------------------------------------------------


def test_a_second_visit_is_served_from_the_cache_without_a_query(client, commune_a):
    make_article(commune_a, "Họp dân tổ 5")
    first = get(client, commune_a, "/tin-tuc/")
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, commune_a, "/tin-tuc/")
    assert queries.captured_queries == []
    assert second["X-Cache"] == "hit"
    assert "Họp dân tổ 5" in body(second)
    # The security headers are the same as on a rendered page.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second[header] == first[header] or header == "Content-Security-Policy"
    assert second["ETag"] == first["ETag"]
    assert "public" in second["Cache-Control"] and "must-revalidate" in second["Cache-Control"]


def test_each_hit_gets_its_own_nonce_matching_its_policy(client, commune_a):
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.primary_color = "#A50E0E"
    identity.save()
    nonces = []
    for _ in range(3):
        response = get(client, commune_a)
        nonce = re.search(r'<style nonce="([^"]+)"', body(response)).group(1)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert page_cache.NONCE_MARK not in body(response)
        nonces.append(nonce)
    assert len(set(nonces)) == 3


def test_an_unchanged_page_answers_304_to_a_revalidation(client, commune_a):
    etag = get(client, commune_a)["ETag"]
    get(client, commune_a)  # now cached
    response = client.get("/", HTTP_HOST=commune_a.hostname, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_the_same_path_on_two_communes_never_mixes(client, commune_a, commune_b):
    make_article(commune_a, "Chỉ của Động Đạt")
    make_article(commune_b, "Chỉ của Tân Phú")
    warm(client, (commune_a, "/tin-tuc/"), (commune_b, "/tin-tuc/"))
    a, b = body(get(client, commune_a, "/tin-tuc/")), body(get(client, commune_b, "/tin-tuc/"))
    assert "Chỉ của Động Đạt" in a and "Chỉ của Tân Phú" not in a
    assert "Chỉ của Tân Phú" in b and "Chỉ của Động Đạt" not in b


def test_query_strings_are_part_of_the_key(client, commune_a):
    make_article(commune_a, "Lúa vụ mùa")
    make_article(commune_a, "Đường giao thông")
    warm(client, (commune_a, "/tim-kiem/?q=lua+vu+mua"))
    found = body(get(client, commune_a, "/tim-kiem/?q=giao+thong"))
    assert "Tóm tắt: Đường" in found and "Tóm tắt: Lúa" not in found


# --- Never cached ---------------------------------------------------------------------------------


def test_signed_in_officers_always_get_a_fresh_page(commune_a):
    officer = make_officer(commune_a, "editor")
    client = Client()
    client.force_login(officer)
    for _ in range(2):
        response = get(client, commune_a)
        assert "X-Cache" not in response
    make_article(commune_a, "Tin vừa đăng")
    assert "Tin vừa đăng" in body(get(client, commune_a, "/tin-tuc/"))


def test_posts_errors_and_the_admin_are_not_cached(client, commune_a):
    assert client.get("/khong-co-trang-nay/", HTTP_HOST=commune_a.hostname).status_code == 404
    assert client.get("/khong-co-trang-nay/", HTTP_HOST=commune_a.hostname).get("X-Cache") is None
    assert client.post("/tim-kiem/", HTTP_HOST=commune_a.hostname).get("X-Cache") is None
    assert client.get("/admin/login/", HTTP_HOST=commune_a.hostname).get("X-Cache") is None


def test_a_response_that_sets_a_cookie_is_not_kept(client, commune_a):
    # The admin login page sets the CSRF cookie; a public page that did the same must not be shared.
    response = client.get("/admin/login/", HTTP_HOST=commune_a.hostname)
    assert response.cookies
    assert not page_cache._cacheable_response(response)


def test_the_cache_can_be_turned_off(client, commune_a, settings):
    settings.XASO_PAGE_CACHE = False
    get(client, commune_a)
    assert "X-Cache" not in get(client, commune_a)


# --- Targeted invalidation ------------------------------------------------------------------------


@pytest.fixture
def warmed(client, commune_a, commune_a2, commune_b):
    """Home and news of A, A's neighbour A2 and B (another province) are cached."""
    pages = [(c, p) for c in (commune_a, commune_a2, commune_b) for p in ("/", "/tin-tuc/")]
    warm(client, *pages)
    return pages


def assert_still_cached(client, *communes):
    for commune in communes:
        for path in ("/", "/tin-tuc/"):
            assert get(client, commune, path)["X-Cache"] == "hit", (commune, path)


def test_publishing_in_a_shows_at_once_and_leaves_other_communes_cached(
    client, commune_a, commune_a2, commune_b, warmed
):
    make_article(commune_a, "Thông báo tiêm phòng dại")
    response = get(client, commune_a, "/tin-tuc/")
    assert response["X-Cache"] == "miss"
    assert "Thông báo tiêm phòng dại" in body(response)
    assert_still_cached(client, commune_a2, commune_b)


def test_unpublishing_and_editing_in_a(client, commune_a, commune_a2, commune_b):
    article = make_article(commune_a, "Bản tin cũ")
    warm(client, (commune_a, "/tin-tuc/"), (commune_b, "/tin-tuc/"))
    article.title = "Bản tin đã sửa"
    article.save_revision().publish()
    assert "Bản tin đã sửa" in body(get(client, commune_a, "/tin-tuc/"))
    warm(client, (commune_a, "/tin-tuc/"))
    article.unpublish()
    assert "Bản tin đã sửa" not in body(get(client, commune_a, "/tin-tuc/"))
    assert get(client, commune_b, "/tin-tuc/")["X-Cache"] == "hit"


@pytest.mark.parametrize("change", ["banner", "notice", "notice-deleted", "menu", "footer", "image"])
def test_commune_content_that_is_not_a_page_invalidates_its_commune_only(
    client, commune_a, commune_a2, commune_b, warmed, change
):
    marker = f"Dấu-{change}"
    if change == "banner":
        Banner.objects.create(
            commune=commune_a, position=Banner.Position.TOP, image=make_image(commune_a), alt_text=marker
        )
    elif change in ("notice", "notice-deleted"):
        notice = Notice.objects.create(commune=commune_a, title=marker, expires_at=timezone.now() + timedelta(days=1))
        if change == "notice-deleted":
            assert marker in body(get(client, commune_a))
            warm(client, (commune_a, "/"))
            notice.delete()
    elif change == "menu":
        add_menu_item(commune_a, marker, url="https://dichvucong.gov.vn/")
    elif change == "footer":
        identity = CommuneIdentity.for_site(commune_a.site)
        identity.address = marker
        identity.save()
    elif change == "image":
        # A banner's picture gets a new title: its pages must not keep the old one.
        image = make_image(commune_a, title="Ảnh cũ")
        Banner.objects.create(commune=commune_a, position=Banner.Position.TOP, image=image, alt_text="")
        warm(client, (commune_a, "/"))
        image.title = marker
        image.save()
    response = get(client, commune_a)
    assert response["X-Cache"] == "miss"
    if change == "notice-deleted":
        assert marker not in body(response)
    elif change != "image":
        assert marker in body(response)
    assert_still_cached(client, commune_a2, commune_b)


def test_a_catalogue_change_reaches_every_commune_of_the_province_only(client, commune_a, commune_a2, commune_b):
    entry = add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    add_procedure(commune_a2, "Đăng ký khai sinh", "1.001193")
    add_procedure(commune_b, "Đăng ký khai sinh", "1.001193")
    path = detail_path(entry)
    warm(client, (commune_a, path), (commune_a2, path), (commune_b, path))
    procedure = Procedure.objects.get(province=commune_a.province, code="1.001193")
    procedure.name = "Đăng ký khai sinh (sửa đổi)"
    procedure.save()
    new_path = f"/thu-tuc-hanh-chinh/{procedure.slug}/"
    for commune in (commune_a, commune_a2):
        assert "Đăng ký khai sinh (sửa đổi)" in body(get(client, commune, new_path))
    assert get(client, commune_b, path)["X-Cache"] == "hit"


def test_a_communes_local_details_invalidate_that_commune_only(client, commune_a, commune_a2):
    entry = add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    other = add_procedure(commune_a2, "Đăng ký khai sinh", "1.001193")
    path = detail_path(entry)
    warm(client, (commune_a, path), (commune_a2, path))
    entry.opening_hours = "Sáng thứ Bảy 7 giờ 30 đến 11 giờ 30"
    entry.save()
    assert "Sáng thứ Bảy 7 giờ 30" in body(get(client, commune_a, path))
    assert get(client, commune_a2, detail_path(other))["X-Cache"] == "hit"


def test_a_new_commune_refreshes_the_portal(client, province_a, commune_a):
    host = settings.BASE_DOMAIN
    client.get("/", HTTP_HOST=host)
    assert client.get("/", HTTP_HOST=host)["X-Cache"] == "hit"
    CommuneFactory(province=province_a, name="Phú Xuyên")
    response = client.get("/", HTTP_HOST=host)
    assert response["X-Cache"] == "miss"
    assert "Phú Xuyên" in response.content.decode()


def test_a_bulk_import_invalidates_once(client, commune_a, monkeypatch):
    bumps = []
    original = page_cache._bump
    monkeypatch.setattr(page_cache, "_bump", lambda keys: bumps.append(keys) or original(keys))
    from pages.procedures.services import catalogue_apply
    from tests.factories_procedures import procedure_record

    records = [procedure_record(f"Thủ tục {i}", f"1.00{i:04d}") for i in range(30)]
    catalogue_apply(commune_a.province, records)
    assert len(bumps) == 1
    assert f"xaso:gen:p:{commune_a.province_id}" in bumps[0]


# --- Scheduled changes ----------------------------------------------------------------------------


def test_a_cached_page_does_not_outlive_a_scheduled_banner(client, commune_a):
    starts = timezone.now() + timedelta(seconds=2)
    Banner.objects.create(
        commune=commune_a,
        position=Banner.Position.TOP,
        image=make_image(commune_a),
        alt_text="Banner hẹn giờ",
        starts_at=starts,
    )
    assert "Banner hẹn giờ" not in body(get(client, commune_a))
    assert get(client, commune_a)["X-Cache"] == "hit"
    time.sleep(max(0, (starts - timezone.now()).total_seconds()) + 1.2)
    response = get(client, commune_a)
    assert response["X-Cache"] == "miss"
    assert "Banner hẹn giờ" in body(response)


# --- Without the page cache: the queries of a page itself -----------------------------------------


def count_queries(client, commune, path) -> int:
    # The first view makes the renditions the background task had no chance to make inside a test's
    # transaction (which starts a new generation); the second reads the commune's footer, menu and
    # banners once. The third is what every later visitor costs without the page cache.
    get(client, commune, path)
    get(client, commune, path)
    with CaptureQueriesContext(connection) as queries:
        get(client, commune, path)
    return len(queries)


def test_home_article_and_procedure_pages_make_at_most_15_queries_at_any_size(client, commune_a, uncached):
    make_article(commune_a, "Tin đầu tiên")
    entry = add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    paths = ("/", "/tin-tuc/tin-dau-tien/", detail_path(entry), "/tin-tuc/", "/thu-tuc-hanh-chinh/")
    small = [count_queries(client, commune_a, path) for path in paths]
    for n in range(12):
        make_article(commune_a, f"Tin thêm {n}")
        add_procedure(commune_a, f"Thủ tục thêm {n}", f"1.0009{n:02d}")
        Banner.objects.create(
            commune=commune_a, position=Banner.Position.RIGHT, image=make_image(commune_a), alt_text=""
        )
    large = [count_queries(client, commune_a, path) for path in paths]
    assert large == small
    home, article, procedure = large[:3]
    assert max(home, article, procedure) <= 15, dict(zip(paths, large, strict=True))


def test_footer_menu_banners_and_notices_change_at_once_without_the_page_cache(client, commune_a, commune_b, uncached):
    get(client, commune_a)
    get(client, commune_b)
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.address = "Số 9 đường Mới"
    identity.save()
    add_menu_item(commune_a, "Mục mới", url="https://dichvucong.gov.vn/")
    Notice.objects.create(commune=commune_a, title="Tin khẩn mới", expires_at=timezone.now() + timedelta(hours=1))
    page = body(get(client, commune_a))
    assert "Số 9 đường Mới" in page and "Mục mới" in page and "Tin khẩn mới" in page
    other = body(get(client, commune_b))
    assert "Số 9 đường Mới" not in other and "Mục mới" not in other and "Tin khẩn mới" not in other


def test_a_commune_page_under_the_portal_address_is_always_current(client, commune_a):
    path = f"/{commune_a.province.slug}/{commune_a.slug}/tin-tuc/"
    host = settings.BASE_DOMAIN
    assert client.get(path, HTTP_HOST=host).status_code == 200
    make_article(commune_a, "Tin qua cổng tỉnh")
    response = client.get(path, HTTP_HOST=host)
    assert "Tin qua cổng tỉnh" in response.content.decode()
    assert "X-Cache" not in response
