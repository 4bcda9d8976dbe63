"""Search that ignores diacritics, on SQLite and PostgreSQL alike, public and admin.

The query table runs against whichever database the suite uses; `.ci/run` runs it on both.
"""

import pytest
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Page

from pages.news.models import ArticlePage
from pages.search import clean_query, highlight, search_commune
from tests.factories_procedures import add_procedure
from tests.test_guidance import add_document
from tests.test_news import make_article


@pytest.fixture
def corpus(commune_a, commune_b):
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    add_procedure(commune_a, "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "2.000815")
    add_procedure(commune_a, "Đăng ký kết hôn", "1.000894")
    add_procedure(commune_a, "Cấp giấy phép xây dựng nhà ở riêng lẻ", "1.009994", field="Xây dựng")
    add_document(commune_a, "96/KH-UBND", title="Kế hoạch tổ chức Tết Trung thu năm 2025")
    add_document(commune_a, "12/QĐ-UBND", title="Quyết định kiện toàn tổ công nghệ số", summary="Về việc kiện toàn.")
    make_article(commune_a, "Xã Động Đạt ra mắt trang thông tin điện tử mới")
    make_article(
        commune_a,
        "Tập huấn chuyển đổi số cho cán bộ",
        summary="Hướng dẫn người dân đăng ký khai sinh trực tuyến trên Cổng Dịch vụ công.",
    )
    make_article(commune_a, "Ngày hội đọc sách", summary="Thiếu nhi xã Động Đạt tham gia ngày hội.")
    # Commune B has the same procedure and a look-alike article: never in A's results.
    add_procedure(commune_b, "Đăng ký khai sinh", "1.001193")
    make_article(commune_b, "Xã Tân Phú hướng dẫn đăng ký kết hôn")
    return commune_a


# query -> titles that must all be found (and nothing from commune B)
QUERY_TABLE = [
    ("dang ky khai sinh", ["Đăng ký khai sinh", "Tập huấn chuyển đổi số cho cán bộ"]),
    ("Đăng ký khai sinh", ["Đăng ký khai sinh", "Tập huấn chuyển đổi số cho cán bộ"]),
    ("DANG KY KHAI SINH", ["Đăng ký khai sinh", "Tập huấn chuyển đổi số cho cán bộ"]),
    ("đăng ky khai sinh", ["Đăng ký khai sinh", "Tập huấn chuyển đổi số cho cán bộ"]),
    ("chung thuc", ["Chứng thực bản sao từ bản chính giấy tờ, văn bản"]),
    ("ket hon", ["Đăng ký kết hôn"]),
    ("dong dat", ["Xã Động Đạt ra mắt trang thông tin điện tử mới", "Ngày hội đọc sách"]),
    ("giay phep xay dung", ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]),
    ("kien toan", ["Quyết định kiện toàn tổ công nghệ số"]),
    ("trung thu", ["Kế hoạch tổ chức Tết Trung thu năm 2025"]),
    ("96/KH-UBND", ["Kế hoạch tổ chức Tết Trung thu năm 2025"]),
    ("96/kh-ubnd", ["Kế hoạch tổ chức Tết Trung thu năm 2025"]),
    ("12/QĐ-UBND", ["Quyết định kiện toàn tổ công nghệ số"]),
    ("12/QD-UBND", ["Quyết định kiện toàn tổ công nghệ số"]),
    ("1.001193", ["Đăng ký khai sinh"]),
    ("2.000815", ["Chứng thực bản sao từ bản chính giấy tờ, văn bản"]),
]


def found_titles(outcome) -> list[str]:
    """Procedures (from the province catalogue, shown first) then pages."""
    pages = list(outcome.exact) + (list(outcome.results.object_list) if outcome.results else [])
    return [strip_tags(hit.title) for hit in outcome.procedures] + [hit.page.title for hit in pages]


@pytest.mark.parametrize("query,expected", QUERY_TABLE)
def test_query_table_finds_pages_with_or_without_diacritics(corpus, commune_b, query, expected):
    outcome = search_commune(corpus, query)
    titles = found_titles(outcome)
    assert set(expected) <= set(titles), f"{query!r} -> {titles}"
    # Every hit belongs to commune A.
    for hit in list(outcome.exact) + list(outcome.results.object_list):
        assert hit.page.path.startswith(corpus.home_page.path)
    assert not outcome.relaxed


def test_exact_number_and_code_come_first(corpus):
    assert found_titles(search_commune(corpus, "96/KH-UBND"))[0] == "Kế hoạch tổ chức Tết Trung thu năm 2025"
    outcome = search_commune(corpus, "1.001193")
    assert outcome.procedures[0].exact and strip_tags(outcome.procedures[0].title) == "Đăng ký khai sinh"


def test_title_matches_rank_above_body_matches(corpus):
    titles = found_titles(search_commune(corpus, "dang ky khai sinh"))
    assert titles.index("Đăng ký khai sinh") < titles.index("Tập huấn chuyển đổi số cho cán bộ")


def test_other_communes_pages_are_never_found(corpus, commune_b):
    titles = found_titles(search_commune(corpus, "tan phu"))
    assert "Xã Tân Phú hướng dẫn đăng ký kết hôn" not in titles
    b_titles = found_titles(search_commune(commune_b, "dang ky khai sinh"))
    assert b_titles == ["Đăng ký khai sinh"]
    assert "Tập huấn chuyển đổi số cho cán bộ" not in b_titles


def test_unpublished_pages_are_not_found(corpus):
    article = ArticlePage.objects.get(title="Ngày hội đọc sách")
    article.unpublish()
    assert "Ngày hội đọc sách" not in found_titles(search_commune(corpus, "doc sach"))


def test_no_page_has_every_word_so_pages_with_some_are_offered(corpus):
    outcome = search_commune(corpus, "khai sinh khong-co-tu-nay")
    assert outcome.relaxed
    assert "Đăng ký khai sinh" in found_titles(outcome)


@pytest.mark.parametrize(
    "raw,message",
    [
        ("", "Hãy nhập từ cần tìm"),
        ("   ", "Hãy nhập từ cần tìm"),
        ("!!! ??? ***", "chỉ có ký hiệu"),
        ("a " * 40, "chỉ tìm theo 12 từ đầu tiên"),
    ],
)
def test_empty_or_absurd_queries_get_a_helpful_message(raw, message):
    assert message in clean_query(raw)[2]


@pytest.mark.parametrize(
    "raw",
    ['"', "'", "khai*", "NEAR(khai sinh)", "a OR b", "x AND NOT y", "(", ")", "^", "-khai", "{}", "😀", "x" * 5000],
)
def test_search_syntax_characters_never_cause_an_error(corpus, client, raw):
    response = client.get("/tim-kiem/", {"q": raw}, HTTP_HOST=corpus.hostname)
    assert response.status_code == 200


def test_search_page_shows_type_date_and_highlighted_snippet(corpus, client):
    response = client.get("/tim-kiem/", {"q": "dang ky khai sinh"}, HTTP_HOST=corpus.hostname)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Đăng ký khai sinh</mark>" in body
    assert "<mark>đăng ký khai sinh</mark> trực tuyến" in body
    assert '<span class="search-kind">Thủ tục</span>' in body
    assert "Lĩnh vực Hộ tịch · mã 1.001193" in body
    assert '<span class="search-kind">Tin bài</span>' in body
    assert '<meta name="robots" content="noindex">' in body


def test_search_page_handles_an_empty_query_and_a_missing_page_number(corpus, client):
    response = client.get("/tim-kiem/", HTTP_HOST=corpus.hostname)
    assert "Hãy nhập từ cần tìm" in response.content.decode()
    response = client.get("/tim-kiem/", {"q": "khai sinh", "page": "999"}, HTTP_HOST=corpus.hostname)
    assert response.status_code == 200
    response = client.get("/tim-kiem/", {"q": "khai sinh", "page": "abc"}, HTTP_HOST=corpus.hostname)
    assert response.status_code == 200


def test_search_results_paginate(commune_a, client):
    for n in range(13):
        make_article(commune_a, f"Thông báo lịch tiếp dân số {n}")
    first = client.get("/tim-kiem/", {"q": "lich tiep dan"}, HTTP_HOST=commune_a.hostname)
    assert first.context["outcome"].total == 13
    assert len(first.context["outcome"].results.object_list) == 10
    second = client.get("/tim-kiem/", {"q": "lich tiep dan", "page": 2}, HTTP_HOST=commune_a.hostname)
    assert len(second.context["outcome"].results.object_list) == 3


def test_search_query_count_does_not_grow_with_results(commune_a, client, django_assert_max_num_queries, uncached):
    for n in range(12):
        make_article(commune_a, f"Tin họp dân số {n}")
    add_procedure(commune_a, "Họp dân thủ tục", "1.000001")
    client.get("/tim-kiem/", {"q": "hop dan"}, HTTP_HOST=commune_a.hostname)  # warm caches
    with django_assert_max_num_queries(16):
        response = client.get("/tim-kiem/", {"q": "hop dan"}, HTTP_HOST=commune_a.hostname)
    assert response.context["outcome"].total == 13


def test_portal_search_finds_communes_without_diacritics(commune_a, commune_b, client):
    response = client.get("/tim-kiem/", {"q": "dong dat"}, HTTP_HOST="localhost")
    assert [c.name for c in response.context["communes"]] == ["Động Đạt"]
    response = client.get("/tim-kiem/", {"q": "quang ngai"}, HTTP_HOST="localhost")
    assert [c.name for c in response.context["communes"]] == ["Tân Phú"]


def test_portal_path_search_with_commune_parameter(corpus, client):
    response = client.get("/tim-kiem/", {"q": "ket hon", "xa": corpus.address}, HTTP_HOST="localhost")
    assert "Đăng ký kết hôn" in found_titles(response.context["outcome"])


@pytest.mark.parametrize(
    "text,words,expected",
    [
        ("Đăng ký khai sinh", ["dang", "ky"], "<mark>Đăng ký</mark> khai sinh"),
        ("Xã Động Đạt", ["dong", "dat"], "Xã <mark>Động Đạt</mark>"),
        ("<b>Động</b>", ["dong"], "&lt;b&gt;<mark>Động</mark>&lt;/b&gt;"),
        ("Sinh hoạt", ["sinh"], "<mark>Sinh</mark> hoạt"),
        ("Khai sinh", ["inh"], "Khai sinh"),  # whole-word starts only
    ],
)
def test_highlight_marks_words_regardless_of_diacritics_and_escapes(text, words, expected):
    assert str(highlight(text, words)) == expected


# --- Admin search uses the same folded index ------------------------------------------


def test_admin_page_search_ignores_diacritics_and_stays_in_the_commune(corpus, client, editor_a):
    client.force_login(editor_a)
    response = client.get("/admin/pages/search/", {"q": "tap huan chuyen doi so"}, HTTP_HOST=corpus.hostname)
    assert response.status_code == 200
    pages = list(response.context["pages"])
    assert any(p.title == "Tập huấn chuyển đổi số cho cán bộ" for p in pages)
    assert all(Page.objects.get(pk=p.pk).path.startswith(corpus.home_page.path) for p in pages)


def test_admin_image_search_ignores_diacritics(commune_a, client, editor_a):
    from tests.factories_pages import make_image

    make_image(commune_a, title="Lễ khánh thành đường giao thông")
    client.force_login(editor_a)
    response = client.get("/admin/images/", {"q": "khanh thanh duong"}, HTTP_HOST=commune_a.hostname)
    titles = [image.title for image in response.context["page_obj"]]
    assert titles == ["Lễ khánh thành đường giao thông"]
    assert get_image_model().objects.count() == 1


def test_admin_snippet_search_ignores_diacritics_and_stays_in_the_commune(commune_a, commune_b, client, editor_a):
    from pages.news.models import NewsCategory
    from pages.site_content import Notice
    from tests.factories_pages import NoticeFactory

    NewsCategory.objects.create(commune=commune_a, name="Thông báo của UBND")
    NewsCategory.objects.create(commune=commune_a, name="Tin hoạt động")
    NewsCategory.objects.create(commune=commune_b, name="Thông báo Tân Phú")
    NoticeFactory(commune=commune_a, title="Cảnh báo mưa lũ đêm 12/9")
    client.force_login(editor_a)
    response = client.get("/admin/snippets/news/newscategory/", {"q": "thong bao"}, HTTP_HOST=commune_a.hostname)
    assert [c.name for c in response.context["object_list"]] == ["Thông báo của UBND"]
    response = client.get("/admin/snippets/pages/notice/", {"q": "canh bao mua lu"}, HTTP_HOST=commune_a.hostname)
    assert [n.title for n in response.context["object_list"]] == ["Cảnh báo mưa lũ đêm 12/9"]
    assert Notice.objects.count() == 1
