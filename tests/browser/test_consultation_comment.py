"""In Chromium: a resident comments on an open consultation and rates the page (a plain form: public pages run
no script); the consultation pages pass axe-core (no serious or critical violation) and their Content Security
Policy."""

from urllib.parse import urlsplit

import pytest

from pages.consultations import demo
from pages.consultations.models import ConsultationComment, ConsultationIndexPage, ConsultationPage
from pages.feedback.models import PageRating
from sites import services
from tests.browser.conftest import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.browser]

COMMENT = "Đề nghị bổ sung quy định giữ trật tự sau 22 giờ."


@pytest.fixture
def consultations(live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    demo.seed_commune(commune)
    index = ConsultationIndexPage.objects.child_of(commune.home_page).get()
    pages = ConsultationPage.objects.child_of(index)
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"
    return {
        "site": site,
        "index": site + index.get_url_parts()[2],
        "open": next(p for p in pages if p.is_open),
        "closed": next(p for p in pages if p.is_closed),
    }


def test_a_resident_comments_and_rates_and_the_pages_pass_axe_and_csp(chromium, consultations):
    site, open_page = consultations["site"], consultations["open"]
    open_url = site + open_page.get_url_parts()[2]
    closed_url = site + consultations["closed"].get_url_parts()[2]
    comments_before = ConsultationComment.objects.count()

    def scenario(page):
        page.add_init_script(RECORD_VIOLATIONS)
        problems = []
        for url in (consultations["index"], open_url, closed_url):
            assert page.goto(url).status == 200, url
            problems += [f"{url}: {line}" for line in blocking_violations(page)]
        page.goto(open_url)
        page.get_by_role("textbox", name="Ý kiến của bạn (bắt buộc)").fill(COMMENT)
        page.get_by_role("button", name="Gửi ý kiến").click()
        page.get_by_role("heading", name="Cảm ơn bạn đã góp ý").wait_for()
        page.goto(open_url)
        page.get_by_role("button", name="Có", exact=True).click()
        page.get_by_role("heading", name="Cảm ơn bạn đã đánh giá").wait_for()
        problems += [f"CSP: {v}" for v in page.evaluate("window.__violations")]
        return problems

    problems = chromium(scenario, **PHONE)
    assert not problems, "\n".join(problems)
    assert ConsultationComment.objects.count() == comments_before + 1
    assert ConsultationComment.objects.latest("pk").text == COMMENT
    assert PageRating.objects.get(page_id=open_page.pk).useful == 1


def test_with_javascript_off_a_not_useful_vote_with_its_reason_is_recorded(chromium, consultations):
    closed = consultations["closed"]
    url = consultations["site"] + closed.get_url_parts()[2]

    def scenario(page):
        page.goto(url)
        page.locator(".rating-reasons summary").click()
        page.get_by_label("Thông tin đã cũ").check()
        page.get_by_role("button", name="Không", exact=True).click()
        page.get_by_role("heading", name="Cảm ơn bạn đã đánh giá").wait_for()
        return page.url

    assert chromium(scenario, java_script_enabled=False).endswith("/danh-gia/")
    row = PageRating.objects.get(page_id=closed.pk)
    assert (row.useful, row.not_useful, row.reason_outdated) == (0, 1, 1)
