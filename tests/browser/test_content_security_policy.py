"""The public pages work under their Content Security Policy: no violation is reported in Chromium."""

import io
from urllib.parse import urlsplit

import pytest

from pages.news.models import ArticlePage
from pages.procedures.models import CommuneProcedure
from pages.videos.models import VideoPage
from sites import services
from sites.management.commands.seed_demo import seed_content
from tests.browser.conftest import PHONE
from tests.browser.test_video_playback import _serve_media_from_disk

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_public_pages_raise_no_content_security_policy_violation(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    seed_content([commune], io.StringIO())
    home = commune.home_page
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"

    def path(page):
        return "/" + page.url_path.removeprefix(home.url_path)

    youtube = VideoPage.objects.descendant_of(home).exclude(youtube_url="").first()
    pages = [
        "/",
        path(ArticlePage.objects.descendant_of(home).live().exclude(featured_image=None).first()),
        "/thu-tuc-hanh-chinh/" + CommuneProcedure.objects.filter(commune=commune).first().procedure.slug + "/",
        path(VideoPage.objects.descendant_of(home).exclude(video=None).first()),
        "/tim-kiem/?q=dang+ky+khai+sinh",
        "/so-do-trang/",
    ]

    def visit(page):
        _serve_media_from_disk(page)
        page.route("**/*youtube*/**", lambda route: route.abort())  # no internet here
        page.add_init_script(RECORD_VIOLATIONS)
        found = {}
        for url in pages:
            response = page.goto(site + url)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            if page.evaluate("window.__violations.length"):
                found[url] = page.evaluate("window.__violations")
        # The YouTube facade's script runs and builds the player on request.
        page.goto(site + path(youtube))
        page.get_by_role("button", name="Phát tại đây").click()
        assert page.locator("iframe").count() == 1
        if page.evaluate("window.__violations.length"):
            found["youtube"] = page.evaluate("window.__violations")
        # The commune's colour (the one inline style, with its nonce) applies.
        brand = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--brand').trim()")
        return found, brand

    found, brand = chromium(visit, **PHONE)
    assert not found, found
    assert brand
