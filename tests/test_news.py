"""News: categories, articles, listings, feeds, home sections, the view counter and the demo seed."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Revision
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from pages.home import home_sections
from pages.news import demo, services
from pages.news.models import ArticlePage, ArticleRelatedLink, NewsCategory, NewsIndexPage
from sites.text import vn_slugify

ATOM = "{http://www.w3.org/2005/Atom}"


# --- Helpers --------------------------------------------------------------------------


def news_index(commune) -> NewsIndexPage:
    return NewsIndexPage.objects.descendant_of(commune.home_page).get()


def make_category(commune, name) -> NewsCategory:
    return NewsCategory.objects.create(commune=commune, name=name)


def make_image(commune, title="Ảnh thử", description="Cán bộ xã làm việc"):
    return get_image_model().objects.create(
        title=title,
        file=get_test_image_file(f"{vn_slugify(title)}.png", size=(80, 45)),
        collection=commune.collection,
        description=description,
    )


def make_article(commune, title, *, days_ago=0, categories=(), related=(), **fields) -> ArticlePage:
    fields.setdefault("summary", f"Tóm tắt: {title}.")
    page = ArticlePage(
        title=title, slug=vn_slugify(title), date=timezone.now() - timedelta(days=days_ago, minutes=1), **fields
    )
    page.related_links = [ArticleRelatedLink(related=other) for other in related]
    news_index(commune).add_child(instance=page)
    if categories:
        page.categories.set(categories)
        page.save()
    return page


def get(client, commune, path, **extra):
    return client.get(path, HTTP_HOST=commune.hostname, **extra)


def article_titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def parse(response) -> ET.Element:
    return ET.fromstring(response.content)


# --- Categories -------------------------------------------------------------------------


def test_category_slug_comes_from_the_vietnamese_name_and_is_unique_per_commune(commune_a, commune_b):
    first = make_category(commune_a, "Thông báo")
    second = make_category(commune_a, "Thông Báo")
    elsewhere = make_category(commune_b, "Thông báo")
    assert (first.slug, second.slug, elsewhere.slug) == ("thong-bao", "thong-bao-2", "thong-bao")
    assert make_category(commune_a, "Đời sống").slug == "doi-song"


def test_renaming_a_category_keeps_its_address(commune_a):
    category = make_category(commune_a, "Tin hoạt động")
    category.name = "Hoạt động của xã"
    category.save()
    category.refresh_from_db()
    assert category.slug == "tin-hoat-dong"


def test_officer_sees_only_own_commune_categories_in_the_admin(client, commune_a, commune_b, editor_a):
    make_category(commune_a, "Chuyển đổi số")
    make_category(commune_b, "Tin của xã khác")
    client.force_login(editor_a)
    response = get(client, commune_a, "/admin/snippets/news/newscategory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mục tin" in body
    assert "Chuyển đổi số" in body
    assert "Tin của xã khác" not in body


def test_officer_creates_a_category_for_their_commune(client, commune_a, editor_a):
    client.force_login(editor_a)
    response = get(client, commune_a, "/admin/snippets/news/newscategory/add/")
    assert response.status_code == 200
    response = client.post(
        "/admin/snippets/news/newscategory/add/",
        {"name": "Văn hóa – Xã hội", "description": "", "sort_order": "1"},
        HTTP_HOST=commune_a.hostname,
    )
    assert response.status_code == 302
    category = NewsCategory.objects.get(name="Văn hóa – Xã hội")
    assert category.commune == commune_a
    assert category.slug == "van-hoa-xa-hoi"


# --- Article page ----------------------------------------------------------------------


def test_article_renders_all_its_parts(client, commune_a):
    category = make_category(commune_a, "Chuyển đổi số")
    older = make_article(commune_a, "Tập huấn kỹ năng số", days_ago=3)
    article = make_article(
        commune_a,
        "Hướng dẫn đăng ký khai sinh trực tuyến",
        summary="Người dân đăng ký khai sinh ngay trên điện thoại.",
        author="Công chức Tư pháp",
        featured_image=make_image(commune_a),
        featured_image_caption="Bộ phận một cửa",
        body=[
            ("paragraph", RichText("<p>Truy cập Cổng Dịch vụ công quốc gia.</p>")),
            ("quote", {"quote": "Làm nhanh, làm đúng.", "attribution": "Chủ tịch UBND xã"}),
        ],
        categories=[category],
        related=[older],
    )
    response = get(client, commune_a, "/tin-tuc/huong-dan-dang-ky-khai-sinh-truc-tuyen/")
    assert response.status_code == 200
    body = response.content.decode()
    local_date = timezone.localtime(article.date)
    assert local_date.strftime("%d/%m/%Y %H:%M") in body
    assert "Công chức Tư pháp" in body
    assert "Lượt xem: 1" in body
    assert 'href="/tin-tuc/muc/chuyen-doi-so/"' in body
    assert "Người dân đăng ký khai sinh ngay trên điện thoại." in body
    assert "Truy cập Cổng Dịch vụ công quốc gia." in body
    assert "Làm nhanh, làm đúng." in body
    assert "<picture>" in body and "image/webp" in body and "srcset=" in body
    assert 'alt="Cán bộ xã làm việc"' in body
    assert "Bộ phận một cửa" in body
    assert "Tin liên quan" in body and "Tập huấn kỹ năng số" in body
    share = "http%3A%2F%2Fdongdat.thainguyen.gov.vn%2Ftin-tuc%2Fhuong-dan-dang-ky-khai-sinh-truc-tuyen%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={share}" in body
    assert f"zalo.me/plugins/share?url={share}" in body
    assert "<script" not in body


def test_article_renders_without_image_categories_or_related(client, commune_a):
    make_article(commune_a, "Thông báo lịch tiếp công dân")
    response = get(client, commune_a, "/tin-tuc/thong-bao-lich-tiep-cong-dan/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thông báo lịch tiếp công dân" in body
    assert "<picture>" not in body
    assert "Mục tin:" not in body
    assert "Tin liên quan" not in body


def test_article_offers_sharing_metadata(commune_a):
    image = make_image(commune_a)
    article = make_article(commune_a, "Ra quân vệ sinh môi trường", featured_image=image)
    assert article.get_meta_image() == image
    assert article.get_meta_description() == "Tóm tắt: Ra quân vệ sinh môi trường."
    article.search_description = "Mô tả riêng khi chia sẻ"
    assert article.og_description == "Mô tả riêng khi chia sẻ"


def test_featured_image_alt_defaults_to_the_image_description(commune_a):
    article = make_article(commune_a, "Hội nghị quý IV", featured_image=make_image(commune_a, description="Hội trường"))
    assert article.featured_image_alt == "Hội trường"


def test_featured_image_without_any_alt_text_is_refused(commune_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_article(commune_a, "Tin thiếu mô tả ảnh", featured_image=make_image(commune_a, description=""))
    assert "featured_image_alt" in error.value.message_dict


def test_article_slug_may_not_shadow_the_feed_routes(commune_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_article(commune_a, "RSS")


# --- Admin form: only the commune's own categories and related articles ----------------


def article_form_data(article, *, categories=(), related=()):
    """POST data of the article's admin edit form, as the browser sends it."""
    data = nested_form_data(
        {
            "title": article.title,
            "slug": article.slug,
            "summary": article.summary,
            "date": timezone.localtime(article.date).strftime("%d/%m/%Y %H:%M"),
            "body": streamfield([]),
            "related_links": inline_formset([{"related": str(page.pk)} for page in related]),
            "comments": inline_formset([]),
        }
    )
    data["categories"] = [str(category.pk) for category in categories]
    return data


def article_form(article, user, **data):
    form_class = ArticlePage.get_edit_handler().get_form_class()
    data = article_form_data(article, **data)
    return form_class(data, instance=article, parent_page=article.get_parent(), for_user=user)


def test_form_accepts_own_commune_category(commune_a, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    own = make_category(commune_a, "Thông báo")
    form = article_form(article, editor_a, categories=[own])
    assert form.is_valid(), form.errors


def test_form_rejects_another_communes_category(commune_a, commune_b, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    foreign = make_category(commune_b, "Thông báo của xã B")
    form = article_form(article, editor_a, categories=[foreign])
    assert not form.is_valid()
    assert "categories" in form.errors
    assert foreign not in form.fields["categories"].queryset


def test_form_rejects_related_article_of_another_commune(commune_a, commune_b, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    foreign = make_article(commune_b, "Tin của xã B")
    form = article_form(article, editor_a, related=[foreign])
    assert not form.is_valid()
    assert "không thuộc xã/phường này" in str(form.errors)


def test_form_accepts_related_article_of_the_same_commune(commune_a, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    sibling = make_article(commune_a, "Tin khác của xã A")
    form = article_form(article, editor_a, related=[sibling])
    assert form.is_valid(), form.errors


def test_form_rejects_a_featured_image_of_another_commune(commune_a, commune_b, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    data = article_form_data(article)
    data["featured_image"] = str(make_image(commune_b).pk)
    data["featured_image_alt"] = "Ảnh"
    form_class = ArticlePage.get_edit_handler().get_form_class()
    form = form_class(data, instance=article, parent_page=article.get_parent(), for_user=editor_a)
    assert not form.is_valid()
    assert "featured_image" in form.errors


def test_editor_opens_the_new_article_form_with_only_own_categories(client, commune_a, commune_b, editor_a):
    make_category(commune_a, "Chuyển đổi số")
    make_category(commune_b, "Tin của xã khác")
    client.force_login(editor_a)
    index = news_index(commune_a)
    response = get(client, commune_a, f"/admin/pages/add/news/articlepage/{index.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chuyển đổi số" in body
    assert "Tin của xã khác" not in body


def test_editor_saving_another_communes_category_through_the_admin_is_refused(client, commune_a, commune_b, editor_a):
    article = make_article(commune_a, "Tin của xã A")
    foreign = make_category(commune_b, "Thông báo của xã B")
    client.force_login(editor_a)
    data = article_form_data(article, categories=[foreign])
    response = client.post(f"/admin/pages/{article.pk}/edit/", data, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200  # the form comes back with its error
    assert response.context["form"].errors["categories"]
    assert article.revisions.count() == 0
    assert list(ArticlePage.objects.get(pk=article.pk).categories.all()) == []


# --- Listing ------------------------------------------------------------------------------


def test_listing_shows_ten_articles_per_page_newest_first(client, commune_a):
    for n in range(12):
        make_article(commune_a, f"Tin số {n:02d}", days_ago=n)
    first = get(client, commune_a, "/tin-tuc/")
    assert article_titles(first) == [f"Tin số {n:02d}" for n in range(10)]
    body = first.content.decode()
    assert 'href="?page=2"' in body and "Trang sau" in body and "Trang trước" not in body
    second = get(client, commune_a, "/tin-tuc/", data={"page": 2})
    assert article_titles(second) == ["Tin số 10", "Tin số 11"]
    assert "Trang trước" in second.content.decode()


def test_category_listing_shows_only_its_articles(client, commune_a):
    notices = make_category(commune_a, "Thông báo")
    make_category(commune_a, "Tin hoạt động")
    make_article(commune_a, "Lịch tiếp công dân", categories=[notices])
    make_article(commune_a, "Hội nghị quý IV")
    response = get(client, commune_a, "/tin-tuc/muc/thong-bao/")
    assert response.status_code == 200
    assert article_titles(response) == ["Lịch tiếp công dân"]
    assert "Tin hoạt động" in response.content.decode()  # the other categories stay one tap away


def test_another_communes_category_is_not_found_on_this_site(client, commune_a, commune_b):
    make_category(commune_b, "Chỉ có ở xã B")
    assert get(client, commune_a, "/tin-tuc/muc/chi-co-o-xa-b/").status_code == 404
    assert get(client, commune_b, "/tin-tuc/muc/chi-co-o-xa-b/").status_code == 200


def test_listing_query_count_does_not_grow_with_articles(client, commune_a, uncached):
    def queries_for_listing():
        get(client, commune_a, "/tin-tuc/")  # renditions are made on the first view
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, commune_a, "/tin-tuc/").status_code == 200
        return len(ctx.captured_queries)

    category = make_category(commune_a, "Tin hoạt động")
    for n in range(3):
        make_article(commune_a, f"Tin ít {n}", featured_image=make_image(commune_a, f"Ảnh {n}"), categories=[category])
    with_three = queries_for_listing()
    for n in range(12):
        make_article(commune_a, f"Tin nhiều {n}", featured_image=make_image(commune_a, f"Ảnh nhiều {n}"))
    with_fifteen = queries_for_listing()
    assert with_three == with_fifteen
    assert with_fifteen <= 30  # the whole page: header, menu, banners, footer and the listing


# --- Feeds ---------------------------------------------------------------------------------


def test_rss_feed_lists_articles_with_absolute_links_on_the_commune_host(client, commune_a):
    make_article(commune_a, "Hội nghị quý IV", author="Văn phòng UBND")
    response = get(client, commune_a, "/tin-tuc/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = parse(response).find("channel")
    assert "Xã Động Đạt" in channel.findtext("title")
    assert channel.findtext("link") == "http://dongdat.thainguyen.gov.vn/tin-tuc/"
    assert channel.findtext("language") == "vi"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Hội nghị quý IV"]
    assert items[0].findtext("link") == "http://dongdat.thainguyen.gov.vn/tin-tuc/hoi-nghi-quy-iv/"
    assert items[0].findtext("pubDate")


def test_feed_read_through_the_portal_path_still_links_to_the_commune_host(client, commune_a):
    make_article(commune_a, "Hội nghị quý IV")
    response = client.get("/thai-nguyen/dong-dat/tin-tuc/rss/", HTTP_HOST="localhost")
    links = [item.findtext("link") for item in parse(response).iter("item")]
    assert links == ["http://dongdat.thainguyen.gov.vn/tin-tuc/hoi-nghi-quy-iv/"]


def test_atom_feed_parses_and_links_on_the_commune_host(client, commune_a):
    make_article(commune_a, "Hội nghị quý IV")
    response = get(client, commune_a, "/tin-tuc/atom/")
    feed = parse(response)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == "http://dongdat.thainguyen.gov.vn/tin-tuc/hoi-nghi-quy-iv/"
    assert entries[0].findtext(f"{ATOM}published")


def test_category_feed_lists_only_that_category(client, commune_a):
    notices = make_category(commune_a, "Thông báo")
    make_article(commune_a, "Lịch tiếp công dân", categories=[notices])
    make_article(commune_a, "Hội nghị quý IV")
    channel = parse(get(client, commune_a, "/tin-tuc/muc/thong-bao/rss/")).find("channel")
    assert channel.findtext("title").startswith("Thông báo")
    assert [item.findtext("title") for item in channel.findall("item")] == ["Lịch tiếp công dân"]
    assert [c.text for c in channel.find("item").findall("category")] == ["Thông báo"]


# --- Isolation between communes -----------------------------------------------------------


def test_other_communes_articles_never_appear_on_this_site(client, rf, commune_a, commune_b):
    make_article(commune_a, "Tin của Động Đạt", featured=True)
    make_article(commune_b, "Tin của Tân Phú", featured=True)

    assert article_titles(get(client, commune_a, "/tin-tuc/")) == ["Tin của Động Đạt"]
    for path in ("/tin-tuc/rss/", "/tin-tuc/atom/"):
        feed = get(client, commune_a, path).content.decode()
        assert "Tin của Động Đạt" in feed
        assert "Tin của Tân Phú" not in feed
    shown = {
        section.key: [item.title for item in items]
        for section, items in home_sections(commune_a.home_page, None)
        if section.key in ("featured_news", "latest_news")
    }
    assert shown["featured_news"] == ["Tin của Động Đạt"]
    assert shown["latest_news"] == ["Tin của Động Đạt"]
    assert get(client, commune_a, "/tin-tuc/tin-cua-tan-phu/").status_code == 404


# --- Home sections --------------------------------------------------------------------------


def test_home_sections_show_three_featured_and_six_latest_in_few_queries(commune_a, django_assert_max_num_queries):
    for n in range(8):
        make_article(
            commune_a, f"Tin {n}", days_ago=n, featured=n % 2 == 0, featured_image=make_image(commune_a, f"Ảnh {n}")
        )
    draft = make_article(commune_a, "Bản nháp nổi bật", featured=True)
    draft.unpublish()
    home = commune_a.home_page
    with django_assert_max_num_queries(3):
        featured = services.featured_articles(home)
    with django_assert_max_num_queries(3):
        latest = services.latest_articles(home)
    assert [a.title for a in featured] == ["Tin 0", "Tin 2", "Tin 4"]
    assert [a.title for a in latest] == [f"Tin {n}" for n in range(6)]


def test_home_section_templates_render(commune_a):
    from django.template.loader import render_to_string

    make_article(commune_a, "Tin nổi bật", featured=True, featured_image=make_image(commune_a))
    for section, items in home_sections(commune_a.home_page, None):
        if section.key in ("featured_news", "latest_news"):
            html = render_to_string(section.template, {"items": items, "section": section})
            assert section.title in html and "Tin nổi bật" in html


# --- View counter ----------------------------------------------------------------------------


def test_views_are_counted_without_writing_to_the_database_and_flushed_later(client, commune_a, uncached):
    article = make_article(commune_a, "Hội nghị quý IV")
    url = "/tin-tuc/hoi-nghi-quy-iv/"
    assert "Lượt xem: 1" in get(client, commune_a, url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        body = get(client, commune_a, url).content.decode()
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert "Lượt xem: 2" in body
    article.refresh_from_db()
    assert article.view_count == 0

    call_command("flush_view_counts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    article.refresh_from_db()
    assert article.view_count == 2
    assert services.pending_views(article.pk) == 0
    assert "Lượt xem: 3" in get(client, commune_a, url).content.decode()
    assert services.flush_view_counts() == 1
    article.refresh_from_db()
    assert article.view_count == 3


def test_a_cached_article_still_counts_every_view(client, commune_a):
    article = make_article(commune_a, "Tiêm chủng mở rộng")
    url = "/tin-tuc/tiem-chung-mo-rong/"
    assert get(client, commune_a, url)["X-Cache"] == "miss"
    for expected in (2, 3):
        with CaptureQueriesContext(connection) as ctx:
            response = get(client, commune_a, url)
        assert response["X-Cache"] == "hit"
        assert ctx.captured_queries == []
        assert services.pending_views(article.pk) == expected
    assert services.flush_view_counts() == 3
    article.refresh_from_db()
    assert article.view_count == 3


def test_previewing_an_article_does_not_count_a_view(commune_a):
    article = make_article(commune_a, "Bản xem trước", categories=[make_category(commune_a, "Thông báo")])
    response = article.make_preview_request()
    assert response.status_code == 200
    assert "Bản xem trước" in response.content.decode()
    assert services.pending_views(article.pk) == 0


def test_publishing_a_new_revision_keeps_the_view_count(commune_a):
    article = make_article(commune_a, "Hội nghị quý IV")
    revision = article.save_revision()
    services.count_view(article.pk)
    services.flush_view_counts()
    Revision.objects.get(pk=revision.pk).publish()  # as the admin does: a fresh revision
    article.refresh_from_db()
    assert article.view_count == 1


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_seed_is_idempotent(commune_a):
    demo.seed_commune(commune_a)
    articles = ArticlePage.objects.descendant_of(commune_a.home_page)
    counts = (NewsCategory.objects.filter(commune=commune_a).count(), articles.count(), articles.live().count())
    assert counts == (3, len(demo.ARTICLES), len(demo.ARTICLES))
    images = get_image_model().objects.filter(commune=commune_a).count()
    assert images == len(demo.ARTICLES)
    assert articles.filter(featured=True).exists()
    assert all(a.categories.exists() for a in articles)

    demo.seed_commune(commune_a)
    assert NewsCategory.objects.filter(commune=commune_a).count() == 3
    assert articles.count() == len(demo.ARTICLES)
    assert get_image_model().objects.filter(commune=commune_a).count() == images
