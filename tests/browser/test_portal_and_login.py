"""A resident opens the portal and a commune site; an officer logs in to the admin of that commune."""

from urllib.parse import urlsplit

import pytest

from sites import services
from tests.browser.conftest import PHONE
from tests.factories import make_officer

# The live server reads committed data; serialized rollback restores Wagtail's root page after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def live_communes(live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    dong_dat = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    other = services.province_ensure(name="Quảng Ngãi", domain="quangngai.gov.vn")
    tan_phu = services.commune_create(province=other, name="Tân Phú", local_hostnames=True)
    return dong_dat, tan_phu, urlsplit(live_server.url).port


def test_resident_opens_portal_then_commune_site_and_officer_logs_in(chromium, live_communes):
    dong_dat, tan_phu, port = live_communes
    make_officer(dong_dat, "editor", username="dongdat.bientap", password="mat-khau-thu-1")
    assert dong_dat.hostname == "dongdat.thainguyen.localhost"
    site = f"http://{dong_dat.hostname}:{port}"

    def scenario(page):
        page.goto(f"http://localhost:{port}/")
        assert page.locator("h1").inner_text() == "Cổng thông tin điện tử xã, phường"
        assert page.get_by_role("link", name="Xã Tân Phú").is_visible()
        page.get_by_role("link", name="Xã Động Đạt").click()
        assert page.locator("h1").inner_text() == "Xã Động Đạt"
        assert page.url == f"http://localhost:{port}/thai-nguyen/dong-dat/"

        page.goto(f"{site}/")
        assert page.locator("h1").inner_text() == "Xã Động Đạt"
        assert "Tân Phú" not in page.content()
        page.get_by_role("link", name="Tin tức").first.click()
        assert page.url == f"{site}/tin-tuc/"

        page.goto(f"{site}/admin/")
        page.fill("#id_username", "dongdat.bientap")
        page.fill("#id_password", "mat-khau-thu-1")
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(f"{site}/admin/")
        page.goto(f"{site}/admin/pages/{dong_dat.home_page_id}/")
        listing = page.locator("main").inner_text()
        assert "Tin tức" in listing and "Văn bản chỉ đạo điều hành" in listing
        assert "Tân Phú" not in page.content()

    chromium(scenario)


def test_unknown_host_shows_vietnamese_400(chromium, live_communes):
    _, _, port = live_communes

    def scenario(page):
        response = page.goto(f"http://khongco.thainguyen.localhost:{port}/")
        assert response.status == 400
        assert "Tên miền không được phục vụ" in page.content()

    chromium(scenario)


def test_commune_home_fits_a_phone_screen_and_starts_with_the_skip_link(chromium, live_communes):
    dong_dat, _, port = live_communes

    def scenario(page):
        page.goto(f"http://{dong_dat.hostname}:{port}/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent").strip() == "Truy cập nội dung luôn"

    chromium(scenario, **PHONE)
