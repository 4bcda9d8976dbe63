"""axe-core checks the public pages of a commune filled with the demo content, on a phone and on a desktop.

axe-core ships inside the axe-playwright-python wheel; nothing is downloaded. Any violation rated
"serious" or "critical" fails the test, with the rule, its help text and the offending elements.
"""

import io
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from pages.guidance.models import GuidingDocumentPage
from pages.news.models import ArticlePage
from pages.procedures.models import CommuneProcedure
from pages.videos.models import VideoPage
from sites import services
from sites.management.commands.seed_demo import seed_content
from tests.browser.conftest import PHONE
from tests.browser.test_video_playback import _serve_media_from_disk

# The live server reads committed data; serialized rollback restores Wagtail's root page after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BLOCKING = {"serious", "critical"}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line per rule."""
    response = Axe().run(page).response
    lines = []
    for violation in response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


def test_demo_commune_pages_have_no_serious_accessibility_violations(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    seed_content([commune], io.StringIO())
    home = commune.home_page
    article = ArticlePage.objects.descendant_of(home).live().exclude(featured_image=None).first()
    document = GuidingDocumentPage.objects.descendant_of(home).live().first()
    procedure = CommuneProcedure.objects.filter(commune=commune).select_related("procedure").first().procedure
    video = VideoPage.objects.descendant_of(home).live().exclude(video=None).exclude(captions=None).get()
    pages = {"tin bài": article, "văn bản chỉ đạo": document, "video": video}
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"
    urls = {"trang chủ": f"{site}/"} | {name: site + target.get_url_parts()[2] for name, target in pages.items()}
    urls["thủ tục hành chính"] = f"{site}/thu-tuc-hanh-chinh/{procedure.slug}/"
    urls["danh sách thủ tục"] = f"{site}/thu-tuc-hanh-chinh/"

    def audit(page):
        _serve_media_from_disk(page)
        found = []
        for name, url in urls.items():
            response = page.goto(url)
            assert response.status == 200, f"{name}: {url} trả về {response.status}"
            if name == "trang chủ":  # the demo frame is there too: menu, urgent notice, banners, footer
                for part in (".site-nav a", ".notices", ".banners-top img", ".banners-right img", ".footer-contact"):
                    assert page.locator(part).count() >= 1, part
            found += [f"{name} ({url}): {line}" for line in blocking_violations(page)]
        return found

    problems = []
    for viewport, options in (("điện thoại", PHONE), ("máy tính", DESKTOP)):
        problems += [f"[{viewport}] {line}" for line in chromium(audit, **options)]
    assert not problems, "Vi phạm tiếp cận mức serious/critical:\n" + "\n".join(problems)
