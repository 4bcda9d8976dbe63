"""Province news and documents shared down to chosen communes: listed there, marked, read-only, hideable per commune."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.guidance.models import DocumentIndexPage, DocumentType, GuidingDocumentPage
from pages.news.models import ArticlePage, NewsIndexPage
from pages.province_content import services
from pages.province_content.models import HiddenSharedItem
from sites import services as site_services
from sites.text import vn_slugify
from tests.factories import CommuneFactory
from tests.test_guidance import add_document
from tests.test_news import make_article

pytestmark = pytest.mark.django_db

MARK = "Từ UBND tỉnh Thái Nguyên"


def province_section(province, model):
    return model.objects.child_of(province.page).get()


def province_article(province, title, *, communes=(), everyone=False, days_ago=0):
    article = ArticlePage(
        title=title,
        slug=vn_slugify(title),
        summary=f"Tóm tắt: {title}.",
        date=timezone.now() - timedelta(days=days_ago, minutes=1),
        share_with_all_communes=everyone,
    )
    province_section(province, NewsIndexPage).add_child(instance=article)
    if communes:
        article.shared_communes.set(communes)
        article.save_revision().publish()
    return article


def province_document(province, number, *, communes=(), everyone=False, **fields):
    values = {
        "title": f"Văn bản {number}",
        "summary": "Hướng dẫn phòng chống lụt bão năm 2025.",
        "document_type": DocumentType.HUONG_DAN,
        "date_issued": date(2025, 6, 2),
        "issuing_body": "UBND tỉnh Thái Nguyên",
    }
    values.update(fields)
    document = GuidingDocumentPage(number=number, slug=vn_slugify(number), share_with_all_communes=everyone, **values)
    province_section(province, DocumentIndexPage).add_child(instance=document)
    if communes:
        document.shared_communes.set(communes)
        document.save_revision().publish()
    return document


def get(client, commune, path="/", **params):
    response = client.get(path, params, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, (path, response.status_code)
    return response


def body(client, commune, path="/", **params) -> str:
    return get(client, commune, path, **params).content.decode()


@pytest.fixture
def commune_a3(province_a):
    return CommuneFactory(province=province_a, name="Văn Hán")


# --- The province's own sections ------------------------------------------------------------------------------


def test_a_new_province_has_its_own_news_and_documents_sections(province_a):
    children = {p.slug: p.specific_class for p in province_a.page.get_children()}
    assert children == {"tin-tuc-cua-tinh": NewsIndexPage, "van-ban-cua-tinh": DocumentIndexPage}


def test_refreshing_a_commune_adds_the_sections_to_an_older_province(commune_a):
    province = commune_a.province
    for section in province.page.get_children().exclude(pk=commune_a.home_page_id):
        section.delete()
    site_services.commune_refresh(commune_a)
    site_services.commune_refresh(commune_a)  # idempotent
    assert province.page.get_children().type(NewsIndexPage).count() == 1
    assert province.page.get_children().type(DocumentIndexPage).count() == 1


def test_the_province_sections_are_served_on_the_portal(client, commune_a):
    article = province_article(commune_a.province, "Tỉnh phát động Tết trồng cây", everyone=True)
    host = settings.BASE_DOMAIN
    listing = client.get(f"/{commune_a.province.slug}/tin-tuc-cua-tinh/", HTTP_HOST=host)
    assert listing.status_code == 200 and "Tỉnh phát động Tết trồng cây" in listing.content.decode()
    detail = client.get(article.get_url_parts()[2], HTTP_HOST=host)
    assert detail.status_code == 200
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', detail.content.decode()).group(1)
    assert canonical == article.get_full_url() and canonical.startswith(f"http://{host}")


# --- Listed on the chosen communes only -------------------------------------------------------------------


def test_a_shared_article_is_listed_on_the_chosen_communes_only(client, commune_a, commune_a2, commune_a3, commune_b):
    make_article(commune_a, "Tin của xã Động Đạt")
    article = province_article(commune_a.province, "Hội nghị chuyển đổi số toàn tỉnh", communes=[commune_a, commune_a2])
    for commune in (commune_a, commune_a2):
        news = body(client, commune, "/tin-tuc/")
        assert "Hội nghị chuyển đổi số toàn tỉnh" in news and MARK in news
        # The card links to the one source, on the province portal.
        assert f'href="{article.get_full_url()}"' in news
        home = body(client, commune)
        assert "Hội nghị chuyển đổi số toàn tỉnh" in home and MARK in home
        found = body(client, commune, "/tim-kiem/", q="chuyen doi so toan tinh")
        assert f'href="{article.get_full_url()}"' in found and MARK in found, found[found.find("<main") :][:3000]
    for commune in (commune_a3, commune_b):
        assert "Hội nghị chuyển đổi số toàn tỉnh" not in body(client, commune, "/tin-tuc/")
        assert "Hội nghị chuyển đổi số toàn tỉnh" not in body(client, commune)
        assert f'href="{article.get_full_url()}"' not in body(client, commune, "/tim-kiem/", q="chuyen doi so")
    # The commune's own article is not marked as the province's.
    news = body(client, commune_a, "/tin-tuc/")
    assert "Tin của xã Động Đạt" in news and news.count(MARK) == 1


def test_an_article_shared_with_everyone_reaches_every_commune_of_the_province_only(
    client, commune_a, commune_a2, commune_b
):
    province_article(commune_a.province, "Thông báo tuyển quân 2026", everyone=True)
    assert "Thông báo tuyển quân 2026" in body(client, commune_a, "/tin-tuc/")
    assert "Thông báo tuyển quân 2026" in body(client, commune_a2, "/tin-tuc/")
    assert "Thông báo tuyển quân 2026" not in body(client, commune_b, "/tin-tuc/")


def test_a_draft_or_unpublished_province_article_is_listed_nowhere(client, commune_a):
    article = province_article(commune_a.province, "Tin sẽ gỡ", everyone=True)
    article.unpublish()
    assert "Tin sẽ gỡ" not in body(client, commune_a, "/tin-tuc/")


def test_a_shared_document_is_in_the_register_with_its_filters(client, commune_a, commune_a2, commune_b):
    add_document(commune_a, "12/KH-UBND", date_issued=date(2024, 3, 1))
    province_document(commune_a.province, "45/HD-UBND", communes=[commune_a])
    register = body(client, commune_a, "/van-ban-chi-dao-dieu-hanh/")
    assert "45/HD-UBND" in register and "12/KH-UBND" in register and MARK in register
    assert "45/HD-UBND" in body(client, commune_a, "/van-ban-chi-dao-dieu-hanh/", year="2025")
    assert "45/HD-UBND" not in body(client, commune_a, "/van-ban-chi-dao-dieu-hanh/", year="2024")
    assert "45/HD-UBND" in body(client, commune_a, "/van-ban-chi-dao-dieu-hanh/", type="huong-dan")
    assert "45/HD-UBND" in body(client, commune_a, "/van-ban-chi-dao-dieu-hanh/", q="45/HD-UBND")
    assert "45/HD-UBND" in body(client, commune_a)  # home: latest documents
    assert "45/HD-UBND" in body(client, commune_a, "/tim-kiem/", q="45/HD-UBND")
    for commune in (commune_a2, commune_b):
        assert "45/HD-UBND" not in body(client, commune, "/van-ban-chi-dao-dieu-hanh/")


def test_a_commune_article_stays_out_of_other_communes_even_if_marked_shared(client, commune_a, commune_a2):
    # The sharing fields mean nothing under a commune: only the province's own sections share.
    make_article(commune_a, "Tin riêng của Động Đạt", share_with_all_communes=True)
    assert "Tin riêng của Động Đạt" not in body(client, commune_a2, "/tin-tuc/")


# --- Hiding, per commune ---------------------------------------------------------------------------------


def test_hiding_is_per_commune_and_can_be_undone(client, commune_a, commune_a2):
    article = province_article(commune_a.province, "Lịch tiếp công dân của tỉnh", everyone=True)
    services.shared_item_hide(commune_a, article)
    assert "Lịch tiếp công dân của tỉnh" not in body(client, commune_a, "/tin-tuc/")
    assert "Lịch tiếp công dân của tỉnh" not in body(client, commune_a)
    assert article.get_full_url() not in body(client, commune_a, "/tim-kiem/", q="lich tiep cong dan")
    assert "Lịch tiếp công dân của tỉnh" in body(client, commune_a2, "/tin-tuc/")
    services.shared_item_show(commune_a, article)
    assert "Lịch tiếp công dân của tỉnh" in body(client, commune_a, "/tin-tuc/")


def officer_client(user, commune) -> Client:
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


def test_officer_hides_and_shows_a_shared_item_in_the_admin(client, commune_a, commune_a2, editor_a):
    article = province_article(commune_a.province, "Kế hoạch thi đua của tỉnh", everyone=True)
    document = province_document(commune_a.province, "77/KH-UBND", communes=[commune_a])
    officer = officer_client(editor_a, commune_a)
    url = reverse("province_shared_items")
    listing = officer.get(url).content.decode()
    assert "Kế hoạch thi đua của tỉnh" in listing and "Văn bản 77/KH-UBND" in listing
    assert officer.post(url, {"page": article.pk, "action": "hide"}).status_code == 302
    assert HiddenSharedItem.objects.filter(commune=commune_a, page=article).exists()
    assert "Kế hoạch thi đua của tỉnh" not in body(client, commune_a, "/tin-tuc/")
    assert "Kế hoạch thi đua của tỉnh" in body(client, commune_a2, "/tin-tuc/")
    assert "Đã ẩn" in officer.get(url).content.decode()
    officer.post(url, {"page": article.pk, "action": "show"})
    assert not HiddenSharedItem.objects.exists()
    assert "Kế hoạch thi đua của tỉnh" in body(client, commune_a, "/tin-tuc/")
    assert document.pk


def test_officer_cannot_hide_what_is_not_shared_with_them(commune_a, commune_a2, commune_b, editor_a, editor_b):
    elsewhere = province_article(commune_a.province, "Chỉ cho Phú Lương", communes=[commune_a2])
    other_province = province_article(commune_b.province, "Tin của Quảng Ngãi", everyone=True)
    own = make_article(commune_a, "Tin của chính xã")
    officer = officer_client(editor_a, commune_a)
    url = reverse("province_shared_items")
    for target in (elsewhere, other_province, own):
        response = officer.post(url, {"page": target.pk, "action": "hide"}, follow=True)
        assert "Không tìm thấy tin, văn bản này" in response.content.decode()
    for bad in ({"page": "abc", "action": "hide"}, {"page": elsewhere.pk, "action": "xoa"}, {}):
        officer.post(url, bad)
    assert not HiddenSharedItem.objects.exists()
    listing = officer.get(url).content.decode()
    assert "Chỉ cho Phú Lương" not in listing and "Tin của Quảng Ngãi" not in listing


def test_the_hiding_page_is_for_commune_officers_only(commune_a, province_admin_a):
    response = officer_client(province_admin_a, commune_a).get(reverse("province_shared_items"))
    assert response.status_code == 404


# --- Read-only for communes ------------------------------------------------------------------------------


def test_officers_cannot_edit_or_unpublish_a_shared_item(commune_a, editor_a, approver_a):
    article = province_article(commune_a.province, "Tin của tỉnh, không sửa", everyone=True)
    for officer in (editor_a, approver_a):
        client = officer_client(officer, commune_a)
        for name in ("edit", "unpublish", "delete"):
            url = reverse(f"wagtailadmin_pages:{name}", args=[article.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"title": "Sửa trộm", "action-publish": "1"}).status_code == 404
    article.refresh_from_db()
    assert article.title == "Tin của tỉnh, không sửa" and article.live


def test_the_sharing_panel_shows_on_province_items_only(commune_a, province_admin_a, editor_a):
    province_news = province_section(commune_a.province, NewsIndexPage)
    add_url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", province_news.pk])
    page = officer_client(province_admin_a, commune_a).get(add_url).content.decode()
    assert "Chia sẻ xuống xã/phường" in page and "Xã Động Đạt" in page
    commune_news = NewsIndexPage.objects.child_of(commune_a.home_page).get()
    add_url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", commune_news.pk])
    assert "Chia sẻ xuống xã/phường" not in officer_client(editor_a, commune_a).get(add_url).content.decode()


# --- Cached pages and queries ----------------------------------------------------------------------------------


def _warm(client, *pairs):
    for commune, path in pairs:
        for _ in range(3):
            response = client.get(path, HTTP_HOST=commune.hostname)
        assert response["X-Cache"] == "hit", (commune, path)


def test_hiding_refreshes_the_hiding_commune_only(client, commune_a, commune_a2):
    article = province_article(commune_a.province, "Tin hiện ở hai xã", everyone=True)
    _warm(client, (commune_a, "/tin-tuc/"), (commune_a2, "/tin-tuc/"))
    services.shared_item_hide(commune_a, article)
    assert "Tin hiện ở hai xã" not in body(client, commune_a, "/tin-tuc/")
    assert client.get("/tin-tuc/", HTTP_HOST=commune_a2.hostname)["X-Cache"] == "hit"


def test_publishing_or_retargeting_a_shared_item_refreshes_the_communes_that_list_it(
    client, commune_a, commune_a2, commune_b
):
    _warm(client, (commune_a, "/tin-tuc/"), (commune_a2, "/tin-tuc/"), (commune_b, "/tin-tuc/"))
    article = province_article(commune_a.province, "Tin mới của tỉnh", communes=[commune_a])
    assert "Tin mới của tỉnh" in body(client, commune_a, "/tin-tuc/")
    assert client.get("/tin-tuc/", HTTP_HOST=commune_b.hostname)["X-Cache"] == "hit"
    _warm(client, (commune_a, "/tin-tuc/"), (commune_a2, "/tin-tuc/"))
    article.shared_communes.set([commune_a2])
    article.save_revision().publish()
    assert "Tin mới của tỉnh" not in body(client, commune_a, "/tin-tuc/")
    assert "Tin mới của tỉnh" in body(client, commune_a2, "/tin-tuc/")


def _queries(client, commune, path) -> int:
    for _ in range(2):
        get(client, commune, path)
    with CaptureQueriesContext(connection) as queries:
        get(client, commune, path)
    return len(queries)


def test_listing_queries_do_not_grow_with_the_number_of_shared_items(client, commune_a, uncached):
    province = commune_a.province
    province_article(province, "Tin tỉnh 0", everyone=True)
    province_document(province, "1/HD-UBND", everyone=True)
    paths = ("/", "/tin-tuc/", "/van-ban-chi-dao-dieu-hanh/", "/tim-kiem/?q=tinh")
    small = [_queries(client, commune_a, path) for path in paths]
    for n in range(1, 9):
        province_article(province, f"Tin tỉnh {n}", everyone=True)
        province_document(province, f"{n + 1}/HD-UBND", communes=[commune_a])
    services.shared_item_hide(commune_a, ArticlePage.objects.get(title="Tin tỉnh 3"))
    large = [_queries(client, commune_a, path) for path in paths]
    assert large == small, dict(zip(paths, zip(small, large, strict=True), strict=True))
    assert large[0] <= 15


def test_the_sharing_fields_refuse_communes_of_another_province(commune_a, commune_b, province_admin_a):
    from tests.test_bad_input_forms import post_form, shown_errors

    province_news = province_section(commune_a.province, NewsIndexPage)
    url = reverse("wagtailadmin_pages:add", args=["news", "articlepage", province_news.pk])
    client = officer_client(province_admin_a, commune_a)
    changes = {"title": "Tin của tỉnh", "slug": "tin-cua-tinh", "summary": "Tóm tắt."}
    for bad in (str(commune_b.pk), "khong-phai-so"):
        response = post_form(client, url, {**changes, "shared_communes": bad})
        assert response.status_code == 200
        assert "Chỉ chọn được xã/phường của Thái Nguyên đang hoạt động." in " ".join(shown_errors(response))
    assert not ArticlePage.objects.child_of(province_news).exists()
    response = post_form(client, url, {**changes, "shared_communes": str(commune_a.pk), "action-publish": "1"})
    assert response.status_code == 302
    article = ArticlePage.objects.child_of(province_news).get()
    assert list(article.shared_communes.all()) == [commune_a] and article.live
