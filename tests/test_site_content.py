"""The frame of a commune site: banners, urgent notices, the main menu, identity, metadata and their admin."""

import json
import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.models import CommuneIdentity, FooterLink, MapPage, interleave_banners
from pages.site_content import Banner, MenuItem, NavigationSettings, Notice, validate_brand_colour
from tests.factories_pages import BannerFactory, NoticeFactory, add_menu_item, intro_page, make_image

# --- Helpers ---------------------------------------------------------------------


class Tags(HTMLParser):
    """Collects meta/link tags, and the text found inside elements with a given class."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content", "")
        if tag == "link" and attrs.get("rel"):
            self.links[attrs["rel"]] = attrs.get("href", "")


def parse_head(body: str) -> Tags:
    parser = Tags()
    parser.feed(body)
    return parser


def get(client, commune, path="/"):
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def region(body: str, start_marker: str, end_marker: str) -> str:
    start = body.index(start_marker)
    return body[start : body.index(end_marker, start)]


def admin_client(user, commune):
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


# --- Banners ---------------------------------------------------------------------


def test_top_banner_shows_on_every_page_of_its_commune_and_never_on_another(client, commune_a, commune_b):
    BannerFactory(commune=commune_a, alt_text="Chào mừng Đại hội Đảng bộ xã")
    assert "Chào mừng Đại hội Đảng bộ xã" in get(client, commune_a)
    assert "Chào mừng Đại hội Đảng bộ xã" in get(client, commune_a, "/tin-tuc/")
    assert "Chào mừng Đại hội Đảng bộ xã" not in get(client, commune_b)
    assert "Chào mừng Đại hội Đảng bộ xã" not in get(client, commune_b, "/tin-tuc/")


def test_banner_shows_only_while_active(client, commune_a):
    now = timezone.now()
    BannerFactory(commune=commune_a, alt_text="Banner chưa tới ngày", starts_at=now + timedelta(days=1))
    BannerFactory(commune=commune_a, alt_text="Banner đã hết hạn", ends_at=now - timedelta(minutes=1))
    BannerFactory(
        commune=commune_a,
        alt_text="Banner đang chạy",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    body = get(client, commune_a)
    assert "Banner đang chạy" in body
    assert "Banner chưa tới ngày" not in body
    assert "Banner đã hết hạn" not in body


def test_three_banner_positions_render_in_their_places(client, commune_a):
    BannerFactory(commune=commune_a, position=Banner.Position.TOP, alt_text="BANNER-TREN")
    BannerFactory(commune=commune_a, position=Banner.Position.HORIZONTAL, alt_text="BANNER-NGANG")
    BannerFactory(commune=commune_a, position=Banner.Position.RIGHT, alt_text="BANNER-PHAI")
    body = get(client, commune_a)
    above_main = body[: body.index('<main id="noi-dung"')]
    assert "BANNER-TREN" in above_main[above_main.index('class="banners banners-top"') :]
    assert "BANNER-NGANG" in region(body, 'class="home-main"', 'class="home-aside"')
    assert "BANNER-PHAI" in region(body, 'class="home-aside"', "</aside>")
    assert "BANNER-NGANG" not in above_main and "BANNER-PHAI" not in above_main


def test_banner_picture_has_srcset_alt_and_link(client, commune_a):
    BannerFactory(commune=commune_a, alt_text="Dịch vụ công toàn trình", link_url="https://dichvucong.gov.vn")
    body = get(client, commune_a)
    assert 'alt="Dịch vụ công toàn trình"' in body
    assert "srcset=" in body and 'type="image/webp"' in body
    assert '<a href="https://dichvucong.gov.vn">' in body


def test_banner_link_must_be_a_web_address(commune_a):
    banner = BannerFactory.build(commune=commune_a, link_url="javascript:alert(1)")
    banner.image = make_image(commune_a)
    with pytest.raises(ValidationError) as error:
        banner.full_clean()
    assert "http://" in str(error.value)


def test_banner_cannot_link_both_a_page_and_an_address(commune_a):
    banner = BannerFactory(commune=commune_a)
    banner.link_page = commune_a.home_page
    banner.link_url = "https://example.vn"
    with pytest.raises(ValidationError):
        banner.full_clean()


def test_banner_form_refuses_another_communes_page_and_image(commune_a, commune_b, editor_a):
    form_class = Banner.snippet_viewset.get_edit_handler().get_form_class()
    image_b = make_image(commune_b, title="Ảnh của B")
    page_b = commune_b.home_page
    data = {
        "position": "top",
        "image": image_b.pk,
        "alt_text": "Thử",
        "link_page": page_b.pk,
        "link_url": "",
        "starts_at": "",
        "ends_at": "",
        "sort_order": 0,
    }
    form = form_class(data=data, instance=Banner(), for_user=editor_a)
    assert not form.is_valid()
    assert "link_page" in form.errors and "image" in form.errors


def test_banner_form_accepts_own_page_and_image_and_assigns_the_commune(commune_a, editor_a):
    form_class = Banner.snippet_viewset.get_edit_handler().get_form_class()
    data = {
        "position": "right",
        "image": make_image(commune_a).pk,
        "alt_text": "Thử",
        "link_page": commune_a.home_page_id,
        "link_url": "",
        "starts_at": "",
        "ends_at": "",
        "sort_order": 0,
    }
    form = form_class(data=data, instance=Banner(), for_user=editor_a)
    assert form.is_valid(), form.errors
    assert form.save().commune == commune_a


def test_home_page_queries_do_not_grow_with_banners(client, commune_a, uncached):
    def count_queries():
        get(client, commune_a)  # first render creates the renditions
        with CaptureQueriesContext(connection) as queries:
            get(client, commune_a)
        return len(queries)

    for position in ("top", "horizontal"):
        BannerFactory(commune=commune_a, position=position)
    with_two = count_queries()
    for index in range(8):
        BannerFactory(commune=commune_a, position=("top", "horizontal", "right")[index % 3])
    with_ten = count_queries()
    assert with_two == with_ten
    assert with_ten <= 40


def test_horizontal_banners_go_between_sections_and_spares_after():
    sections = [("tin", [1]), ("van-ban", [2])]
    blocks = interleave_banners(sections, ["b1", "b2", "b3"])
    assert [(b["section"], b["banner"]) for b in blocks] == [("tin", "b1"), ("van-ban", "b2"), (None, "b3")]
    assert [b["banner"] for b in interleave_banners(sections, [])] == [None, None]


# --- Urgent notices --------------------------------------------------------------------


def test_notice_shows_on_every_page_until_it_expires(client, commune_a):
    # Real time passes here: the cached pages must stop showing the notice when it expires.
    notice = NoticeFactory(
        commune=commune_a, title="Cảnh báo lũ quét", expires_at=timezone.now() + timedelta(seconds=3)
    )
    for path in ("/", "/tin-tuc/", "/gioi-thieu/"):
        for _ in range(2):  # rendered, then from the page cache
            body = get(client, commune_a, path)
            assert "Cảnh báo lũ quét" in body
            assert 'aria-labelledby="thong-bao-khan"' in body
    time.sleep(max(0, (notice.expires_at - timezone.now()).total_seconds()) + 1.1)
    assert "Cảnh báo lũ quét" not in get(client, commune_a)
    assert "thong-bao-khan" not in get(client, commune_a, "/tin-tuc/")


def test_notice_is_a_labelled_region_not_an_alert(client, commune_a):
    NoticeFactory(commune=commune_a, title="Mất điện sáng mai", link_url="https://example.vn/mat-dien")
    body = get(client, commune_a)
    assert 'role="alert"' not in body and "aria-live" not in body
    assert '<h2 id="thong-bao-khan"' in body
    assert 'href="https://example.vn/mat-dien"' in body


def test_notice_of_another_commune_never_shows(client, commune_a, commune_b):
    NoticeFactory(commune=commune_b, title="Thông báo riêng của B")
    assert "Thông báo riêng của B" not in get(client, commune_a)
    assert "Thông báo riêng của B" in get(client, commune_b)


def test_notice_not_yet_started_is_hidden(client, commune_a):
    NoticeFactory(commune=commune_a, title="Sắp có thông báo", starts_at=timezone.now() + timedelta(hours=2))
    assert "Sắp có thông báo" not in get(client, commune_a)


def test_notice_must_expire_after_it_starts(commune_a):
    now = timezone.now()
    notice = Notice(commune=commune_a, title="Sai", starts_at=now, expires_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError):
        notice.full_clean()


# --- Menu ----------------------------------------------------------------------------


def _nav(body):
    return region(body, '<nav class="site-nav"', "</nav>")


def test_menu_falls_back_to_home_sections_when_settings_are_empty(client, commune_a):
    nav = _nav(get(client, commune_a))
    assert "Trang chủ" in nav and "Tin tức" in nav and "Video hướng dẫn" in nav


def test_menu_from_settings_overrides_fallback(client, commune_a):
    news = commune_a.home_page.get_children().get(slug="tin-tuc")
    add_menu_item(commune_a, "Tin nổi bật", page=news)
    add_menu_item(commune_a, "Dịch vụ công", url="https://dichvucong.gov.vn")
    nav = _nav(get(client, commune_a, "/tin-tuc/"))
    assert 'href="/tin-tuc/" aria-current="page">Tin nổi bật' in nav
    assert 'href="https://dichvucong.gov.vn"' in nav
    assert "Video hướng dẫn" not in nav


def test_menu_of_another_commune_is_not_used(client, commune_a, commune_b):
    add_menu_item(commune_b, "Mục riêng của B", url="https://example.vn")
    assert "Mục riêng của B" not in get(client, commune_a)
    assert "Mục riêng của B" in get(client, commune_b)


def test_menu_item_cannot_point_to_another_communes_page(client, commune_a, commune_b):
    nav = NavigationSettings.for_site(commune_a.site)
    item = MenuItem(settings=nav, label="Lạc sang B", link_page=commune_b.home_page)
    with pytest.raises(ValidationError):
        item.full_clean()
    item.save()  # even if one slipped in, it is never rendered
    assert "Lạc sang B" not in get(client, commune_a)


def test_menu_item_needs_a_page_or_an_address(commune_a):
    item = MenuItem(settings=NavigationSettings.for_site(commune_a.site), label="Trống")
    with pytest.raises(ValidationError):
        item.full_clean()


# --- Identity and footer ---------------------------------------------------------------


@pytest.mark.parametrize("colour", ["#a50e0e", "#0b4f9c", "#1d6b2f", "#6b2c91", "#8a4b08", "#000000"])
def test_dark_brand_colours_are_accepted(colour):
    validate_brand_colour(colour)


@pytest.mark.parametrize("colour", ["#ffff00", "#f2b705", "#66ccff", "#ffffff", "#999999"])
def test_brand_colours_too_light_for_white_text_are_refused_in_vietnamese(colour):
    with pytest.raises(ValidationError) as error:
        validate_brand_colour(colour)
    assert "quá sáng" in error.value.messages[0] and "4,5:1" in error.value.messages[0]


@pytest.mark.parametrize("colour", ["red", "#abc", "a50e0e", "#a50e0g", "#a50e0e; x"])
def test_brand_colour_must_be_hex(colour):
    with pytest.raises(ValidationError) as error:
        validate_brand_colour(colour)
    assert "#RRGGBB" in error.value.messages[0]


def test_demo_palette_colours_pass_the_contrast_rule():
    from pages.demo import PALETTE

    for colour in PALETTE:
        validate_brand_colour(colour)


def _fill_identity(commune, **extra):
    identity = CommuneIdentity.for_site(commune.site)
    values = {
        "agency_name": "Ủy ban nhân dân xã Động Đạt",
        "address": "Xóm Trung Tâm, xã Động Đạt",
        "phone": "0208 3850 001",
        "email": "ubnd@dongdat.vn",
        "responsible_person": "Trần Thị Bình – Chủ tịch UBND xã",
        "licence_line": "Giấy phép số 12/GP-STTTT",
        "zalo_url": "https://zalo.me/123456",
        "facebook_url": "https://www.facebook.com/ubnddongdat",
        "primary_color": "#1d6b2f",
    }
    values.update(extra)
    for key, value in values.items():
        setattr(identity, key, value)
    identity.save()
    return identity


def test_footer_shows_the_communes_identity_and_links(client, commune_a):
    identity = _fill_identity(commune_a)
    FooterLink.objects.create(identity=identity, label="Cổng thông tin tỉnh", link_url="https://thainguyen.gov.vn")
    footer = region(get(client, commune_a), '<footer class="site-footer">', "</footer>")
    for text in (
        "Ủy ban nhân dân xã Động Đạt",
        "Xóm Trung Tâm",
        'href="tel:02083850001"',
        "mailto:ubnd@dongdat.vn",
        "Trần Thị Bình",
        "Giấy phép số 12/GP-STTTT",
        'href="https://zalo.me/123456"',
        'href="https://www.facebook.com/ubnddongdat"',
        'href="https://thainguyen.gov.vn">Cổng thông tin tỉnh',
    ):
        assert text in footer, text


def test_footer_without_identity_still_names_the_agency(client, commune_a):
    footer = region(get(client, commune_a), '<footer class="site-footer">', "</footer>")
    assert "UBND xã Động Đạt" in footer


def test_brand_colour_and_emblem_are_used_in_the_header(client, commune_a):
    _fill_identity(commune_a, logo=make_image(commune_a, "Quốc huy", size=(128, 128)))
    body = get(client, commune_a)
    assert ":root { --brand: #1d6b2f; }" in body
    header = region(body, '<header class="site-header">', "</header>")
    assert 'class="brand-logo"' in header and "Xã Động Đạt" in header


def test_identity_of_another_commune_never_shows(client, commune_a, commune_b):
    _fill_identity(commune_b, agency_name="BMARKER cơ quan")
    assert "BMARKER" not in get(client, commune_a)


# --- Metadata -----------------------------------------------------------------------


def test_open_graph_tags_are_complete_and_absolute_on_the_commune_host(client, commune_a):
    _fill_identity(commune_a, logo=make_image(commune_a, "Quốc huy", size=(300, 300)))
    head = parse_head(get(client, commune_a, "/tin-tuc/"))
    host = "http://dongdat.thainguyen.gov.vn"
    assert head.meta["og:url"] == f"{host}/tin-tuc/"
    assert head.links["canonical"] == f"{host}/tin-tuc/"
    assert head.meta["og:image"].startswith(f"{host}/media/")
    assert head.meta["og:locale"] == "vi_VN"
    assert head.meta["og:type"] == "website"
    assert head.meta["og:site_name"] == "Trang thông tin điện tử Xã Động Đạt"
    assert head.meta["og:title"] == "Tin tức"
    assert head.meta["og:description"] == "Tin tức, sự kiện của địa phương."
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == head.meta["og:image"]


def test_page_can_choose_its_own_share_image_and_description(client, commune_a):
    page = intro_page(commune_a, "ban-do-dia-gioi-hanh-chinh", MapPage)
    page.map_image = make_image(commune_a, "Bản đồ", size=(400, 300))
    page.search_description = "Bản đồ địa giới hành chính xã Động Đạt."
    page.save_revision().publish()
    head = parse_head(get(client, commune_a, "/gioi-thieu/ban-do-dia-gioi-hanh-chinh/"))
    assert head.meta["og:description"] == "Bản đồ địa giới hành chính xã Động Đạt."
    assert head.meta["og:type"] == "article"
    assert "/media/images/" in head.meta["og:image"]
    assert head.meta["og:image:alt"] == "Bản đồ"


def test_page_without_any_image_gets_a_summary_card(client, commune_a):
    head = parse_head(get(client, commune_a))
    assert "og:image" not in head.meta
    assert head.meta["twitter:card"] == "summary"
    assert head.meta["og:url"] == "http://dongdat.thainguyen.gov.vn/"


def test_share_component_renders_plain_links_without_scripts():
    html = render_to_string(
        "components/share.html", {"url": "http://dongdat.thainguyen.gov.vn/tin-tuc/a/", "title": "Tin A"}
    )
    encoded = "http%3A%2F%2Fdongdat.thainguyen.gov.vn%2Ftin-tuc%2Fa%2F"
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in html
    assert f"https://sp.zalo.me/plugins/share?url={encoded}" in html
    assert "<script" not in html


# --- Admin isolation -------------------------------------------------------------------


def test_b_banners_notices_and_menu_are_unreachable_in_a_admin(commune_a, commune_b, editor_a, approver_a):
    banner_b = BannerFactory(commune=commune_b, alt_text="BMARKER banner")
    notice_b = NoticeFactory(commune=commune_b, title="BMARKER thông báo")
    for user in (editor_a, approver_a):
        client = admin_client(user, commune_a)
        for url in (
            reverse(Banner.snippet_viewset.get_url_name("edit"), args=[banner_b.pk]),
            reverse(Banner.snippet_viewset.get_url_name("delete"), args=[banner_b.pk]),
            reverse(Notice.snippet_viewset.get_url_name("edit"), args=[notice_b.pk]),
            reverse("wagtailsettings:edit", args=["pages", "navigationsettings", commune_b.site_id]),
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code == 404, url
    assert Banner.objects.filter(pk=banner_b.pk).exists() and Notice.objects.filter(pk=notice_b.pk).exists()


def test_a_admin_lists_only_a_banners_and_notices(commune_a, commune_b, editor_a):
    BannerFactory(commune=commune_a, alt_text="AMARKER banner")
    BannerFactory(commune=commune_b, alt_text="BMARKER banner")
    NoticeFactory(commune=commune_a, title="AMARKER thông báo")
    NoticeFactory(commune=commune_b, title="BMARKER thông báo")
    client = admin_client(editor_a, commune_a)
    for model in (Banner, Notice):
        body = client.get(reverse(model.snippet_viewset.get_url_name("list"))).content.decode()
        assert "AMARKER" in body and "BMARKER" not in body


def test_a_editor_can_edit_a_banner_and_menu(commune_a, editor_a):
    banner = BannerFactory(commune=commune_a)
    client = admin_client(editor_a, commune_a)
    assert client.get(reverse(Banner.snippet_viewset.get_url_name("edit"), args=[banner.pk])).status_code == 200
    url = reverse("wagtailsettings:edit", args=["pages", "navigationsettings", commune_a.site_id])
    assert client.get(url).status_code == 200


def test_admin_menu_offers_banner_and_notices(commune_a, editor_a):
    body = admin_client(editor_a, commune_a).get(reverse("wagtailadmin_home")).content.decode()
    # The sidebar is JSON for Wagtail's script, so non-ASCII labels arrive \u-escaped.
    for label in ("Banner", "Thông báo khẩn", "Menu chính"):
        assert json.dumps(label) in body, label


def test_a_picture_used_by_a_banner_cannot_be_deleted_from_under_it(client, commune_a, editor_a):
    """Deleting the image must not silently delete the banner: the admin shows where it is used and refuses."""
    from pages.site_content import Banner
    from tests.factories_pages import BannerFactory

    banner = BannerFactory(commune=commune_a)
    image = banner.image
    client.force_login(editor_a)
    url = f"/admin/images/{image.pk}/delete/"
    confirm = client.get(url, HTTP_HOST=commune_a.hostname)
    assert confirm.status_code == 200 and confirm.context["is_protected"]
    response = client.post(url, HTTP_HOST=commune_a.hostname)
    assert response.status_code in (302, 403)  # Wagtail turns the refusal into "no permission"
    assert Banner.objects.filter(pk=banner.pk).exists()
    assert type(image).objects.filter(pk=image.pk).exists()
