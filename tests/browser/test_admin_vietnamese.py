"""An officer walks the main admin screens and meets no English.

What the officer sees (the page's visible text, placeholders and accessible labels) is split into
words and compared with a list of English interface words. Words that Vietnamese also writes
without diacritics ("to", "an", "do", "in", "tin") are not in the list; brand and technical
names (Wagtail, URL, PDF, Zalo…) are allowed.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from docs.guide.steps import wait_until
from pages.news.models import ArticlePage, NewsCategory, NewsIndexPage
from pages.site_content import Banner
from sites import services
from sites.management.commands.seed_demo import seed_content
from tests.factories import make_officer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ENGLISH = set(
    """
    add added edit edited editing delete deleted save saved cancel publish published unpublish unpublished draft
    drafts live search settings page pages image images document documents media snippet snippets upload uploaded
    choose chooser select selected filter filters sort sorted order ordering title status owner created updated
    history preview submit submitted moderation workflow workflows approve approved reject rejected comment
    comments help reports report users user groups group sites collection collections locale private public
    privacy revision revisions actions action more view show hide clear apply close back next previous loading
    error errors required optional name description file files tag tags slug yes account logout login password
    username the and of for with your you this that these are was has have not all new any none there here click
    drag drop size width height date time today yesterday ago minute minutes hour hours days items item results
    result found field fields block blocks content embed caption focal point usage used count total latest recent
    awaiting review explorer dashboard summary skip main toggle sidebar expand collapse copy move lock unlock locked
    schedule scheduled expiry expired from into about what when where which who how please sorry success failed
    warning unknown never other others owner newest oldest type types created_at go keyboard shortcuts notifications
    """.split()
)
ALLOWED = {"wagtail", "banner", "video", "menu", "email", "url", "pdf", "zalo", "facebook", "youtube", "ubnd"}
WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")

VISIBLE_TEXT = """() => {
  const texts = [document.body.innerText];
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    if (el.closest('[hidden], template')) continue;
    for (const attr of ['placeholder', 'aria-label', 'title']) {
      if (el.getAttribute(attr)) texts.push(el.getAttribute(attr));
    }
  }
  return texts.join('\\n');
}"""


def log_in(page, site, username="dongdat.bientap", password="mat-khau-thu-1"):
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{site}/admin/")


def english_words(text: str) -> set[str]:
    """English interface words in `text`. Only whole words count: a file name such as
    "ke-hoach_yoU3kQz.pdf" (storage adds random letters) is data, not interface."""
    found = set()
    for chunk in text.split():
        if re.search(r"[\d_/\\@]|\.\w", chunk):
            continue  # file names, addresses, numbers
        for token in re.findall(r"[^\s\W\d_]+", chunk):
            # ASCII only (a word with a Vietnamese letter is Vietnamese), written as words are written.
            if not WORD.fullmatch(token) or not (token.islower() or token.istitle() or token.isupper()):
                continue
            word = token.lower()
            if word in ENGLISH and word not in ALLOWED:
                found.add(token)
    return found


def test_english_detector_catches_english_and_spares_vietnamese():
    assert english_words("Save draft · Lưu nháp") == {"Save", "draft"}
    assert english_words("Tin tức · Đăng ký khai sinh · do UBND ban hành · Wagtail 8.0 · Banner") == set()
    assert english_words("ke-hoach_yoU3kQz.pdf · anh_The.png · yoU") == set()
    assert english_words("Delete all · (Cancel) · Save.") == {"Delete", "all", "Cancel", "Save"}


def test_officer_works_through_the_admin_without_meeting_english(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    seed_content([commune], io.StringIO())
    make_officer(commune, "editor", username="dongdat.bientap", password="mat-khau-thu-1")
    home = commune.home_page
    article = ArticlePage.objects.descendant_of(home).live().first()
    news_index = NewsIndexPage.objects.descendant_of(home).get()
    image = article.featured_image or commune.collection.communeimage_set.first()
    category = NewsCategory.objects.filter(commune=commune).first()
    banner = Banner.objects.filter(commune=commune).first()
    assert get_user_model().objects.filter(username="dongdat.bientap").exists()
    screens = {
        "bảng điều khiển": "/admin/",
        "cây trang": f"/admin/pages/{home.pk}/",
        "danh sách tin": f"/admin/pages/{news_index.pk}/",
        "sửa tin bài": f"/admin/pages/{article.pk}/edit/",
        "thêm tin bài": f"/admin/pages/add/news/articlepage/{news_index.pk}/",
        "lịch sử trang": f"/admin/pages/{article.pk}/history/",
        "hình ảnh": "/admin/images/",
        "sửa hình ảnh": f"/admin/images/{image.pk}/",
        "tải ảnh lên": "/admin/images/multiple/add/",
        "tài liệu": "/admin/documents/",
        "tải tài liệu lên": "/admin/documents/multiple/add/",
        "video, âm thanh": "/admin/media/",
        "tải video lên": "/admin/media/video/add/",
        "mục tin": "/admin/snippets/news/newscategory/",
        "sửa mục tin": f"/admin/snippets/news/newscategory/edit/{category.pk}/",
        "banner": "/admin/snippets/pages/banner/",
        "sửa banner": f"/admin/snippets/pages/banner/edit/{banner.pk}/",
        "chân trang": f"/admin/settings/pages/communeidentity/{commune.site_id}/",
        "tìm kiếm": "/admin/pages/search/?q=khai+sinh",
        "tài khoản": "/admin/account/",
        "báo cáo": "/admin/reports/locked/",
        "quy trình duyệt": "/admin/reports/workflow/",
    }
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"

    def walk(page):
        log_in(page, site)
        leftovers = {}
        for name, path in screens.items():
            response = page.goto(site + path)
            assert response.status == 200, f"{name}: {path} -> {response.status}"
            page.wait_for_load_state("networkidle")
            words = english_words(page.evaluate(VISIBLE_TEXT))
            if words:
                leftovers[f"{name} ({path})"] = sorted(words)
        return leftovers

    leftovers = chromium(walk, viewport={"width": 1280, "height": 900})
    assert not leftovers, "Chữ tiếng Anh còn sót trong trang quản trị:\n" + "\n".join(
        f"  {screen}: {', '.join(words)}" for screen, words in leftovers.items()
    )


def test_admin_slug_field_writes_exactly_what_the_server_writes(chromium, live_server):
    from sites.text import vn_slugify
    from tests.test_slugs import SLUG_TABLE

    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    make_officer(commune, "editor", username="dongdat.bientap", password="mat-khau-thu-1")
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"
    add_page = f"{site}/admin/pages/add/pages/standardpage/{commune.home_page_id}/"

    def type_titles(page):
        log_in(page, site)
        slugs = {}
        for title, _ in SLUG_TABLE:
            page.goto(add_page)
            page.locator("#id_title").fill(title)
            page.locator("#id_title").blur()
            wait_until(page, "() => document.querySelector('#id_slug').value !== ''")
            slugs[title] = page.locator("#id_slug").input_value()
        return slugs

    slugs = chromium(type_titles, viewport={"width": 1280, "height": 900})
    assert slugs == {title: vn_slugify(title) for title, _ in SLUG_TABLE}
