"""A province admin posts an alert for two communes in the admin; residents of those two see it at the top of
their commune's site, residents of a third commune of the same province do not.

Admin elements are found by ids and names, never by their labels.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from docs.guide.steps import _fill_date
from pages.province_content.models import ProvinceAlert
from sites import services
from sites.models import Commune
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_officer_workflow import PASSWORD, log_in
from tests.factories import make_province_admin

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TITLE = "Mưa lớn, nguy cơ lũ quét ven suối"


def test_province_admin_posts_an_alert_and_two_communes_show_it(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    for name in ("Động Đạt", "Phú Lương", "Văn Hán"):
        services.commune_create(province=province, name=name, local_hostnames=True)
    dong_dat, phu_luong, van_han = (
        Commune.objects.get(province=province, name=n) for n in ("Động Đạt", "Phú Lương", "Văn Hán")
    )
    admin = make_province_admin(province, username="quantri.thainguyen", password=PASSWORD)
    totp_key = TOTPDevice.objects.get(user=admin, confirmed=True).key  # the scenario has no database
    port = urlsplit(live_server.url).port
    portal = f"http://localhost:{port}"
    sites = {c.pk: f"http://{c.hostname}:{port}" for c in (dong_dat, phu_luong, van_han)}
    expires = timezone.localtime() + timedelta(days=2)

    def province_admin_posts_it(page):
        log_in(page, portal, "quantri.thainguyen", totp_key=totp_key)
        page.goto(portal + reverse("province_alerts:add"))
        page.select_option("#id_kind", "disaster")
        page.fill("#id_title", TITLE)
        page.fill("#id_text", "Người dân không qua ngầm, tràn khi có nước lũ.")
        _fill_date(page, "#id_expires_at", expires.strftime("%d/%m/%Y %H:%M"))
        page.check(f"input[name=communes][value='{dong_dat.pk}']")
        page.check(f"input[name=communes][value='{phu_luong.pk}']")
        with page.expect_navigation():
            page.locator("#w-editor-form button[type=submit]").first.click()
        return page.url

    landed = chromium(province_admin_posts_it)
    assert landed.endswith(reverse("province_alerts:index")), landed
    alert = ProvinceAlert.objects.get(title=TITLE)
    assert set(alert.communes.all()) == {dong_dat, phu_luong} and alert.created_by == admin

    def residents_open_the_three_sites(page):
        seen = {}
        for pk, site in sites.items():
            page.goto(site + "/")
            region = page.locator("section.province-alerts")
            seen[pk] = region.inner_text() if region.count() else ""
            if region.count():
                # At the very top: before the commune's own notices and the page's content.
                order = page.evaluate(
                    "() => document.querySelector('section.province-alerts').compareDocumentPosition("
                    "document.querySelector('main')) & Node.DOCUMENT_POSITION_FOLLOWING"
                )
                assert order, "the alerts come before the page's content"
                assert page.get_by_role("region", name="Cảnh báo từ UBND tỉnh Thái Nguyên").count() == 1
                seen["axe"] = seen.get("axe", []) + blocking_violations(page)
        return seen

    seen = chromium(residents_open_the_three_sites)
    assert TITLE in seen[dong_dat.pk] and "cảnh báo từ ubnd tỉnh thái nguyên" in seen[dong_dat.pk].lower()
    assert TITLE in seen[phu_luong.pk]
    assert TITLE not in seen[van_han.pk]
    assert not seen["axe"], seen["axe"]  # no serious or critical accessibility violation with the alert shown
