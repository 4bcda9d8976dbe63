"""The procedures issue end to end in Chromium: the province admin imports the national sample, an officer adds
the commune's details and a how-to video, and a resident on a phone finds "đăng ký khai sinh" typed without
diacritics, sees what to bring, prints the notice-board sheet and follows the online link.

Admin elements are found by ids and hrefs, never by their (translatable) labels.
"""

import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from pages.procedures.models import CommuneProcedure, Procedure, ProcedureIndexPage
from pages.videos.models import VideoIndexPage, VideoPage
from sites import services
from tests.browser.conftest import PHONE
from tests.browser.test_officer_workflow import PASSWORD, log_in, open_footer_menu
from tests.factories import make_officer, make_province_admin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "tthc-sample.json"
PORTAL_URL = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193"
OFFICE = "Bộ phận Một cửa, UBND xã Động Đạt, tổ dân phố Trung Tâm"
PHONE_NUMBER = "0208 3 852 123"
VIDEO = "Hướng dẫn đăng ký khai sinh trực tuyến"


def test_catalogue_import_local_details_and_a_resident_on_a_phone(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    province_admin = make_province_admin(province, username="quantri.thainguyen", password=PASSWORD)
    totp_key = TOTPDevice.objects.get(user=province_admin, confirmed=True).key  # the scenario has no database
    make_officer(commune, "editor", username="dongdat.bientap", password=PASSWORD)
    port = urlsplit(live_server.url).port
    site = f"http://{commune.hostname}:{port}"
    portal = f"http://localhost:{port}"
    assert not Procedure.objects.exists()

    def province_admin_imports_the_sample(page):
        log_in(page, portal, "quantri.thainguyen", totp_key=totp_key)
        page.goto(portal + reverse("procedure_catalogue:import"))
        page.set_input_files("#nhap-danh-muc input[type=file]", str(SAMPLE))
        with page.expect_navigation():
            page.locator("#nut-xem-truoc").click()
        preview = page.locator("#tom-tat-nhap").inner_text()
        with page.expect_navigation():
            page.locator("#nut-xac-nhan").click()
        return preview

    preview = chromium(province_admin_imports_the_sample)
    assert "3" in preview
    assert Procedure.objects.filter(province=province).count() == 3
    birth = CommuneProcedure.objects.select_related("procedure").get(commune=commune, procedure__code="1.001193")
    edit_url = reverse(CommuneProcedure.snippet_viewset.get_url_name("edit"), args=[birth.pk])
    videos = VideoIndexPage.objects.child_of(commune.home_page).get()
    video_add = reverse("wagtailadmin_pages:add", args=("videos", "videopage", videos.pk))

    def officer_adds_local_details_and_a_video(page):
        log_in(page, site, "dongdat.bientap")
        page.goto(site + reverse(CommuneProcedure.snippet_viewset.get_url_name("list")))
        with page.expect_navigation():
            page.locator(f"main a[href='{edit_url}']").first.click()
        page.fill("#id_submission_place", OFFICE)
        page.fill("#id_opening_hours", "Sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu")
        page.fill("#id_officer_name", "Hoàng Thị Lan – công chức Tư pháp – Hộ tịch")
        page.fill("#id_officer_phone", PHONE_NUMBER)
        with page.expect_navigation():
            page.locator("form[data-edit-form] footer button[type=submit]").first.click()

        page.goto(site + video_add)
        page.fill("#id_title", VIDEO)
        page.fill("#id_youtube_url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")
        page.locator("#id_linked_procedures-ADD").click()
        page.locator("#id_linked_procedures-0-procedure-chooser [data-chooser-action-choose]").click()
        page.locator(".modal-content a", has_text="Đăng ký khai sinh").first.click()
        page.locator("#id_linked_procedures-0-procedure-chooser:not(.blank)").wait_for()
        open_footer_menu(page)
        with page.expect_navigation():
            page.locator("button[name=action-submit]").click()

    chromium(officer_adds_local_details_and_a_video)
    birth.refresh_from_db()
    assert birth.submission_place == OFFICE and birth.officer_phone == PHONE_NUMBER
    video = VideoPage.objects.child_of(videos).get(title=VIDEO)
    assert [link.procedure_id for link in video.linked_procedures.all()] == [birth.pk]
    video.get_latest_revision().publish()  # the approver's sign-off is covered by test_officer_workflow
    # The QR code carries the commune's public address (its Site), the browser the test server's port.
    detail = ProcedureIndexPage.objects.child_of(commune.home_page).get().procedure_url(birth, full=True)
    detail_path = urlsplit(detail).path

    def resident_finds_prints_and_goes_online(page):
        page.route("https://dichvucong.gov.vn/**", lambda route: route.fulfill(status=200, body="Cong Dich vu cong"))
        page.goto(site + "/")
        page.fill("#q", "dang ky khai sinh")
        with page.expect_navigation():
            page.press("#q", "Enter")
        with page.expect_navigation():
            page.locator("main .search-hit a", has_text="Đăng ký khai sinh").first.click()
        found = {"url": page.url, "h1": page.locator("h1").inner_text(), "body": page.locator("main").inner_text()}
        found["width"] = page.evaluate("document.documentElement.scrollWidth")
        with page.expect_navigation():
            page.locator("main a[href$='/in/']").click()
        page.wait_for_load_state("networkidle")
        found["sheet"] = page.screenshot(full_page=True)
        page.go_back()
        with page.expect_navigation():
            page.locator("main a.button-online").first.click()
        found["online"] = page.url
        return found

    found = chromium(resident_finds_prints_and_goes_online, **PHONE)
    assert found["url"] == site + detail_path
    assert found["h1"] == "Đăng ký khai sinh"
    assert found["width"] <= 360  # no sideways scrolling on a phone
    for text in ("Tờ khai đăng ký khai sinh theo mẫu", "Bản chính: 1 – Bản sao: 0", OFFICE, PHONE_NUMBER, VIDEO):
        assert text in found["body"], text
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(found["sheet"])))
    assert [code.text for code in codes] == [detail]
    assert found["online"] == PORTAL_URL
