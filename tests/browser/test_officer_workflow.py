"""The workshop flow in Chromium: an editor writes, an approver publishes, residents see it on one commune only.

Two communes, A (Động Đạt, Thái Nguyên) and B (Tân Phú, Quảng Ngãi). Officers log in through the login
form on their commune's hostname. Each scenario only drives the browser; the test body does the
database work (setup and checks) between scenarios, since the live server reads committed data.
Admin elements are found by ids, names, hrefs and data attributes, never by the (translatable) labels.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image
from wagtail.models import PageLogEntry, TaskState, WorkflowState
from wagtailmedia.models import get_media_model

from docs.guide.steps import wait_until
from pages import demo as pages_demo
from pages.models import CommuneIdentity
from pages.news.models import ArticlePage, NewsCategory, NewsIndexPage
from pages.site_content import Banner
from pages.videos import demo as videos_demo
from pages.videos.models import VideoIndexPage, VideoPage
from sites import services
from sites.models import Commune
from tests.browser.test_video_playback import _serve_media_from_disk
from tests.factories import make_officer, totp_code

# The live server reads committed data; serialized rollback restores Wagtail's root page after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "mat-khau-thu-1"


@pytest.fixture
def two_communes(live_server):
    """Communes A and B with local hostnames, A's editor and approver, and the live server's port."""
    thai_nguyen = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune_a = services.commune_create(province=thai_nguyen, name="Động Đạt", local_hostnames=True)
    quang_ngai = services.province_ensure(name="Quảng Ngãi", domain="quangngai.gov.vn")
    commune_b = services.commune_create(province=quang_ngai, name="Tân Phú", local_hostnames=True)
    # Collections are kept sorted by name, so creating B's moved A's collection: reload both communes.
    commune_a, commune_b = (Commune.objects.get(pk=commune.pk) for commune in (commune_a, commune_b))
    editor = make_officer(commune_a, "editor", username="dongdat.bientap", password=PASSWORD)
    approver = make_officer(commune_a, "approver", username="dongdat.pheduyet", password=PASSWORD)
    port = urlsplit(live_server.url).port
    return {
        "a": commune_a,
        "b": commune_b,
        "editor": editor,
        "approver": approver,
        "site_a": f"http://{commune_a.hostname}:{port}",
        "site_b": f"http://{commune_b.hostname}:{port}",
    }


def png_file(tmp_path, name, colour, size=(640, 360)):
    """A small PNG made on the spot, for the upload forms."""
    path = tmp_path / name
    Image.new("RGB", size, colour).save(path, format="PNG")
    return path


def log_in(page, site, username, totp_key=None):
    """Log in through the admin login form on the commune's own hostname.

    totp_key: the hex key of the account's authenticator app (province admins, operators): the code
    it shows now is typed on the two-factor page that follows the password."""
    page.goto(f"{site}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    if totp_key is not None:
        enter_totp_code(page, totp_key)
    page.wait_for_url(f"{site}/admin/")


def enter_totp_code(page, totp_key):
    """On the two-factor verify page, type the code the authenticator app would show now."""
    page.wait_for_url(re.compile(r"/admin/hai-lop/xac-minh/"))
    page.fill("#id_code", totp_code(totp_key))
    with page.expect_navigation():
        page.locator("#nut-xac-minh-hai-lop").click()


def quick_action(page, href):
    """Follow one of the "everyday tasks" links of the commune panel on the dashboard."""
    with page.expect_navigation():
        page.locator(f"#xa-cua-toi-content a[href='{href}']").click()


def save_form(page):
    """Press the default (first) button of the editor form's footer and wait for the next page."""
    with page.expect_navigation():
        page.locator("form[data-edit-form] footer button[type=submit]").first.click()


def open_footer_menu(page):
    """Open the dropdown next to the editor footer's main button (submit for approval, approve…)."""
    page.locator("form[data-edit-form] footer .w-dropdown-button [data-w-dropdown-target=toggle]").click()


def image_loaded(page, selector) -> bool:
    return page.eval_on_selector(selector, "img => img.complete && img.naturalWidth > 0")


# --- a + b: a news article, written by the editor, published by the approver, shown on A only ---------


def test_editor_writes_an_article_the_approver_publishes_it_only_on_her_commune(chromium, two_communes, tmp_path):
    a, b = two_communes["a"], two_communes["b"]
    site_a, site_b = two_communes["site_a"], two_communes["site_b"]
    news_a = NewsIndexPage.objects.child_of(a.home_page).get()
    news_b = NewsIndexPage.objects.child_of(b.home_page).get()
    category_add = reverse(NewsCategory.snippet_viewset.get_url_name("add"))
    article_add = reverse("wagtailadmin_pages:add", args=("news", "articlepage", news_a.pk))
    picture = png_file(tmp_path, "hoi-nghi-nhan-dan.png", (11, 79, 156))
    title = "Hội nghị lấy ý kiến nhân dân về quy hoạch khu dân cư"
    summary = "Ủy ban nhân dân xã tổ chức hội nghị lấy ý kiến nhân dân về quy hoạch khu dân cư mới."
    alt = "Người dân phát biểu tại hội nghị ở nhà văn hóa thôn"
    category = "Quy hoạch – xây dựng"

    def editor_writes_and_submits(page):
        log_in(page, site_a, "dongdat.bientap")
        quick_action(page, category_add)
        page.fill("#id_name", category)
        page.fill("#id_description", "Tin về quy hoạch, đất đai và xây dựng trên địa bàn xã.")
        save_form(page)

        page.goto(f"{site_a}/admin/")
        quick_action(page, article_add)
        page.fill("#id_title", title)
        page.fill("#id_summary", summary)
        # Upload the featured image from the chooser's upload tab; it is chosen as soon as it is saved.
        page.locator("#id_featured_image-chooser .unchosen [data-chooser-action-choose]").click()
        page.locator("#tab-label-upload").click()
        page.set_input_files("#id_image-chooser-upload-file", str(picture))
        page.fill("#id_image-chooser-upload-title", "Hội nghị lấy ý kiến nhân dân")
        page.fill("#id_image-chooser-upload-description", alt)
        page.locator("#tab-upload form button[type=submit]").click()
        page.locator("#id_featured_image-chooser:not(.blank)").wait_for()
        page.fill("#id_featured_image_alt", alt)
        page.fill("#id_featured_image_caption", "Hội nghị tại nhà văn hóa thôn Đồng Tâm")
        page.get_by_label(category).check()
        open_footer_menu(page)
        with page.expect_navigation():
            page.locator("button[name=action-submit]").click()

    chromium(editor_writes_and_submits)

    article = ArticlePage.objects.child_of(news_a).get(title=title)
    assert not article.live
    assert article.summary == summary
    assert article.featured_image_alt == alt
    assert article.featured_image.commune_id == a.pk
    assert list(article.categories.values_list("name", flat=True)) == [category]
    assert NewsCategory.objects.get(name=category).commune_id == a.pk
    workflow_state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(article.pk))
    assert workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert workflow_state.requested_by == two_communes["editor"]
    article_path = article.get_url_parts()[2]
    category_slug = NewsCategory.objects.get(name=category).slug

    def resident_does_not_see_it_yet(page):
        page.goto(f"{site_a}/tin-tuc/")
        assert title not in page.content()
        assert page.goto(site_a + article_path).status == 404

    chromium(resident_does_not_see_it_yet)

    def approver_approves_from_the_dashboard(page):
        log_in(page, site_a, "dongdat.pheduyet")
        panel = page.locator("#awaiting-review-section")
        assert title in panel.inner_text()
        panel.locator("[data-w-dropdown-target=toggle]").first.click()
        with page.expect_navigation():
            panel.locator("button[data-workflow-action-url*='/approve/']:not([data-launch-modal])").click()
        assert page.locator("#awaiting-review-section").count() == 0  # nothing left to review

    chromium(approver_approves_from_the_dashboard)

    article.refresh_from_db()
    assert article.live and not article.has_unpublished_changes
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    task_state = TaskState.objects.get(workflow_state=workflow_state)
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == two_communes["approver"]
    assert task_state.revision.user == two_communes["editor"]
    assert article.live_revision == task_state.revision
    publish = PageLogEntry.objects.get(page=article, action="wagtail.publish")
    assert publish.user == two_communes["approver"]

    def resident_sees_it_on_a_only(page):
        _serve_media_from_disk(page)
        page.goto(f"{site_a}/tin-tuc/")
        page.get_by_role("link", name=title).first.click()
        page.wait_for_url(site_a + article_path)
        assert page.locator("h1").inner_text() == title
        assert summary in page.content()
        picture = page.locator(f"main img[alt='{alt}']").first
        picture.scroll_into_view_if_needed()
        wait_until(page, "img => img.complete", picture.element_handle())
        assert picture.evaluate("img => img.naturalWidth") > 0
        page.goto(f"{site_a}/tin-tuc/muc/{category_slug}/")
        assert page.get_by_role("link", name=title).count() >= 1

        assert page.goto(f"{site_b}/tin-tuc/").status == 200
        assert title not in page.content()
        assert page.goto(site_b + article_path).status == 404
        assert page.goto(f"{site_b}/tin-tuc/muc/{category_slug}/").status == 404

    chromium(resident_sees_it_on_a_only)
    assert not ArticlePage.objects.child_of(news_b).exists()


# --- c: banners and footer -----------------------------------------------------------------------------


def test_editor_changes_banners_and_footer_of_her_commune_only(chromium, two_communes, tmp_path):
    a, b = two_communes["a"], two_communes["b"]
    site_a, site_b = two_communes["site_a"], two_communes["site_b"]
    for commune in (a, b):
        pages_demo.seed_commune(commune)  # identity, menu, the three banners, a notice…
    banners_a = {banner.position: banner for banner in Banner.objects.filter(commune=a)}
    banners_b = list(Banner.objects.filter(commune=b))
    assert set(banners_a) == {"top", "horizontal", "right"} and len(banners_b) == 3
    banner_list = reverse(Banner.snippet_viewset.get_url_name("list"))
    edit_url = {
        position: reverse(Banner.snippet_viewset.get_url_name("edit"), args=(banner.pk,))
        for position, banner in banners_a.items()
    }
    footer_url = reverse("wagtailsettings:edit", args=("pages", "communeidentity", a.site_id))
    new_alt = {
        "top": "Chào mừng Đại hội Đảng bộ xã Động Đạt nhiệm kỳ 2026–2031",
        "horizontal": "Toàn dân tham gia bảo vệ an ninh Tổ quốc",
        "right": "Tra cứu hồ sơ thủ tục hành chính trực tuyến",
    }
    right_link = "https://dichvucong.thainguyen.gov.vn/tra-cuu"
    top_picture = png_file(tmp_path, "banner-dai-hoi-dang-bo.png", (165, 14, 14), size=(1200, 200))
    footer = {
        "agency_name": "Ủy ban nhân dân xã Động Đạt (mới)",
        "address": "Số 1 đường Trung tâm, thôn Đồng Tâm, xã Động Đạt, tỉnh Thái Nguyên",
        "phone": "0208 3999 888",
        "email": "vanphong.dongdat@thainguyen.gov.vn",
        "responsible_person": "Lê Văn Cường – Phó Chủ tịch UBND xã",
    }
    b_values = [banner.alt_text for banner in banners_b]

    def editor_changes_banners_and_footer(page):
        log_in(page, site_a, "dongdat.bientap")
        quick_action(page, banner_list)
        for url in edit_url.values():
            assert page.locator(f"main a[href='{url}']").count() >= 1
        for banner in banners_b:  # B's banners are not listed
            b_url = reverse(Banner.snippet_viewset.get_url_name("edit"), args=(banner.pk,))
            assert page.locator(f"a[href='{b_url}']").count() == 0

        for position, url in edit_url.items():
            page.goto(site_a + url)
            page.fill("#id_alt_text", new_alt[position])
            if position == "top":  # a new picture, uploaded from the image chooser
                page.locator("#id_image-chooser .chosen [data-w-dropdown-target=toggle]").click()
                page.locator("#id_image-chooser .chosen [data-chooser-action-choose]").click()
                page.locator("#tab-label-upload").click()
                page.set_input_files("#id_image-chooser-upload-file", str(top_picture))
                page.fill("#id_image-chooser-upload-title", "Banner Đại hội Đảng bộ")
                page.fill("#id_image-chooser-upload-description", new_alt["top"])
                page.locator("#tab-upload form button[type=submit]").click()
                page.locator("#id_image-chooser [data-chooser-title]", has_text="Banner Đại hội Đảng bộ").wait_for()
            if position == "right":
                page.fill("#id_link_url", right_link)
            save_form(page)
            assert page.url.endswith(banner_list)

        page.goto(f"{site_a}/admin/")
        quick_action(page, footer_url)
        for field, value in footer.items():
            page.fill(f"#id_{field}", value)
        save_form(page)

    chromium(editor_changes_banners_and_footer)

    for position, banner in banners_a.items():
        banner.refresh_from_db()
        assert banner.alt_text == new_alt[position] and banner.commune_id == a.pk
    assert banners_a["top"].image.title == "Banner Đại hội Đảng bộ"
    assert banners_a["top"].image.commune_id == a.pk
    assert banners_a["right"].link_url == right_link
    assert [banner.alt_text for banner in Banner.objects.filter(commune=b)] == b_values
    identity_a = CommuneIdentity.for_site(a.site)
    assert {field: getattr(identity_a, field) for field in footer} == footer
    identity_b = CommuneIdentity.for_site(b.site)
    assert identity_b.agency_name and identity_b.agency_name != footer["agency_name"]

    def resident_sees_them_on_a_only(page):
        _serve_media_from_disk(page)
        page.goto(f"{site_a}/")
        for position, alt in new_alt.items():
            picture = page.locator(f".banners-{position} img[alt='{alt}']")
            assert picture.count() == 1, position
        top = page.locator(f".banners-top img[alt='{new_alt['top']}']")
        assert "banner-dai-hoi-dang-bo" in top.get_attribute("src")
        assert image_loaded(page, f".banners-top img[alt='{new_alt['top']}']")
        link = page.locator(f".banners-right a:has(img[alt='{new_alt['right']}'])")
        assert link.get_attribute("href") == right_link
        text = page.locator("footer.site-footer").text_content()
        for value in footer.values():
            assert value in text
        assert page.locator("footer.site-footer a[href='tel:02083999888']").count() == 1

        page.goto(f"{site_b}/")
        content = page.content()
        for alt in new_alt.values():
            assert alt not in content
        for alt in b_values:
            assert page.locator(f".banners img[alt='{alt}']").count() == 1
        text = page.locator("footer.site-footer").text_content()
        assert identity_b.agency_name in text
        for value in footer.values():
            assert value not in text

    chromium(resident_sees_them_on_a_only)


# --- d: an uploaded how-to video ----------------------------------------------------------------------


def test_editor_uploads_a_video_the_approver_publishes_it_and_it_plays(chromium, two_communes, tmp_path):
    a = two_communes["a"]
    site_a, site_b = two_communes["site_a"], two_communes["site_b"]
    videos_a = VideoIndexPage.objects.child_of(a.home_page).get()
    media_add = reverse("wagtailmedia:add", args=("video",))
    page_add = reverse("wagtailadmin_pages:add", args=("videos", "videopage", videos_a.pk))
    title = "Hướng dẫn đăng ký thường trú"
    clip = tmp_path / "huong-dan-dang-ky-thuong-tru.mp4"
    clip.write_bytes(videos_demo.howto_video_bytes(title))

    def editor_uploads_and_submits(page):
        log_in(page, site_a, "dongdat.bientap")
        page.goto(site_a + media_add)
        page.set_input_files("#id_file", str(clip))
        page.fill("#id_title", title)
        with page.expect_navigation():
            page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()

        page.goto(f"{site_a}/admin/")
        quick_action(page, page_add)
        page.fill("#id_title", title)
        page.locator("#id_video-chooser .unchosen [data-chooser-action-choose]").click()
        page.locator(".modal a.media-choice", has_text=title).click()
        page.locator("#id_video-chooser:not(.blank)").wait_for()
        open_footer_menu(page)
        with page.expect_navigation():
            page.locator("button[name=action-submit]").click()

    chromium(editor_uploads_and_submits)

    video = get_media_model().objects.get(title=title)
    assert video.collection_id == a.collection_id and video.commune_id == a.pk
    assert video.uploaded_by_user == two_communes["editor"]
    video_page = VideoPage.objects.child_of(videos_a).get(title=title)
    assert not video_page.live
    assert video_page.get_latest_revision_as_object().video_id == video.pk
    page_edit = reverse("wagtailadmin_pages:edit", args=(video_page.pk,))

    def approver_approves_in_the_editor(page):
        log_in(page, site_a, "dongdat.pheduyet")
        page.goto(site_a + page_edit)
        open_footer_menu(page)
        with page.expect_navigation():
            page.locator("button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])").click()

    chromium(approver_approves_in_the_editor)

    video_page.refresh_from_db()
    assert video_page.live and video_page.video_id == video.pk
    task_state = TaskState.objects.get(workflow_state__object_id=str(video_page.pk))
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.finished_by == two_communes["approver"]
    assert PageLogEntry.objects.get(page=video_page, action="wagtail.publish").user == two_communes["approver"]
    video_path = video_page.get_url_parts()[2]

    def resident_plays_it_on_a_only(page):
        _serve_media_from_disk(page)
        page.goto(f"{site_a}/video-huong-dan/")
        page.get_by_role("link", name=title).first.click()
        page.wait_for_url(site_a + video_path)
        played = page.evaluate(
            """async () => {
                const video = document.querySelector("video");
                video.muted = true;
                await video.play();
                for (let tries = 0; video.currentTime === 0 && tries < 100; tries++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                return {time: video.currentTime, error: video.error && video.error.code};
            }"""
        )
        assert played["error"] is None and played["time"] > 0
        page.goto(f"{site_b}/video-huong-dan/")
        assert title not in page.content()
        assert page.goto(site_b + video_path).status == 404

    chromium(resident_plays_it_on_a_only)
