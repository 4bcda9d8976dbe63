"""An approver posts a disclosure in the admin; residents find it in this quarter's register and its printable copy.

The approver publishes directly (as in the workshop, where the commune's leader posts what the law requires).
Admin elements are found by ids and names, never by their labels.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from docs.guide.steps import _fill_date
from pages.disclosures.models import DisclosureIndexPage, DisclosurePage, quarter_label, quarter_of
from tests.browser.test_officer_workflow import log_in, open_footer_menu, two_communes  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_approver_posts_a_disclosure_and_residents_see_it_in_the_quarterly_register(chromium, two_communes):  # noqa: F811
    a = two_communes["a"]
    site_a, site_b = two_communes["site_a"], two_communes["site_b"]
    index = DisclosureIndexPage.objects.child_of(a.home_page).get()
    add_url = reverse("wagtailadmin_pages:add", args=("disclosures", "disclosurepage", index.pk))
    today = timezone.localdate()
    year, quarter = quarter_of(today)
    title = "Danh sách hộ nghèo được hỗ trợ tiền điện quý này"
    register_path = f"/cong-khai/so-dang-ky/{year}/{quarter}/"

    def approver_posts_it(page):
        log_in(page, site_a, "dongdat.pheduyet")
        page.goto(site_a + add_url)
        page.fill("#id_title", title)
        page.select_option("#id_group", "support_policies")
        page.fill("#id_summary", "Danh sách hộ nghèo, hộ cận nghèo được hỗ trợ tiền điện theo chính sách.")
        page.fill("#id_decision_number", "52/QĐ-UBND")
        _fill_date(page, "#id_decision_date", f"{today:%d/%m/%Y}")
        page.check("input[name=channels][value=notice_board]")
        page.check("input[name=channels][value=loudspeaker]")
        open_footer_menu(page)
        with page.expect_navigation():
            page.locator("button[name=action-publish]").click()
        assert "/edit/" not in page.url or page.locator(".help-critical, .error-message").count() == 0

    chromium(approver_posts_it)

    disclosure = DisclosurePage.objects.child_of(index).get(title=title)
    assert disclosure.live and disclosure.posted_date == today
    assert disclosure.channels == ["website", "notice_board", "loudspeaker"]

    def resident_finds_it_in_the_register(page):
        page.goto(f"{site_a}/cong-khai/")
        assert title in page.content()
        page.goto(f"{site_a}/cong-khai/so-dang-ky/")
        with page.expect_navigation():
            page.get_by_role("link", name=quarter_label(year, quarter)).click()
        assert page.url == site_a + register_path
        row = page.locator("table.dis-register tbody tr").filter(has_text=title)
        assert row.count() == 1
        text = row.inner_text()
        assert "52/QĐ-UBND" in text and f"{today:%d/%m/%Y}" in text
        assert "Niêm yết tại trụ sở UBND" in text and "Loa truyền thanh" in text
        with page.expect_navigation():
            page.locator("a.dis-print-link").click()
        assert page.url == f"{site_a}{register_path}in/"
        assert "SỔ THEO DÕI CÔNG KHAI THÔNG TIN" in page.locator("h1").inner_text()
        assert page.locator("table.sheet-register tbody tr").filter(has_text=title).count() == 1
        assert page.locator("#nut-in").is_visible()  # the print button's script ran (no inline script)

        page.goto(site_b + register_path)
        assert title not in page.content()

    chromium(resident_finds_it_in_the_register)


def test_disclosure_pages_pass_axe_and_the_content_security_policy(chromium, two_communes):  # noqa: F811
    from pages.disclosures import demo
    from tests.browser.conftest import PHONE
    from tests.browser.test_accessibility import DESKTOP, blocking_violations
    from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

    a = two_communes["a"]
    demo.seed_commune(a)
    index = DisclosureIndexPage.objects.child_of(a.home_page).get()
    with_file = next(p for p in DisclosurePage.objects.child_of(index).live() if p.attachments.exists())
    year, quarter = quarter_of(timezone.localdate())
    paths = [
        "/cong-khai/",
        with_file.get_url_parts()[2],
        "/cong-khai/luu-tru/",
        "/cong-khai/so-dang-ky/",
        f"/cong-khai/so-dang-ky/{year}/{quarter}/",
        f"/cong-khai/so-dang-ky/{year}/{quarter}/in/",
    ]
    site = two_communes["site_a"]

    def audit(page):
        page.add_init_script(RECORD_VIOLATIONS)
        found = []
        for path in paths:
            response = page.goto(site + path)
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            found += [f"{path}: {line}" for line in blocking_violations(page)]
            found += [f"{path}: CSP {v}" for v in page.evaluate("window.__violations")]
        return found

    problems = []
    for viewport, options in (("điện thoại", PHONE), ("máy tính", DESKTOP)):
        problems += [f"[{viewport}] {line}" for line in chromium(audit, **options)]
    assert not problems, "\n".join(problems)
