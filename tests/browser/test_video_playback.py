"""A resident plays a how-to video, with Vietnamese captions, in Chromium."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from pages.videos import demo
from pages.videos.models import VideoPage
from sites import services
from tests.browser.conftest import PHONE

# The live server reads committed data; serialized rollback restores Wagtail's root page after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _serve_media_from_disk(page):
    """The test server does not serve uploads (the web server does in production), so the browser gets them here."""
    media_root = Path(settings.MEDIA_ROOT)

    def fulfil(route):
        path = media_root / urlsplit(route.request.url).path.removeprefix(settings.MEDIA_URL)
        if not path.is_file():
            return route.fulfill(status=404)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return route.fulfill(status=200, body=path.read_bytes(), headers={"Content-Type": content_type})

    page.route(f"**{settings.MEDIA_URL}**", fulfil)


def test_resident_plays_the_uploaded_how_to_video_with_captions(chromium, live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    demo.seed_videos(commune)
    video_page = VideoPage.objects.descendant_of(commune.home_page).exclude(captions=None).get()
    youtube_page = VideoPage.objects.descendant_of(commune.home_page).exclude(youtube_url="").get()
    site = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"
    video_url = site + video_page.get_url_parts()[2]
    youtube_url = site + youtube_page.get_url_parts()[2]

    def scenario(page):
        _serve_media_from_disk(page)
        page.goto(video_url)
        video = page.locator("video")
        assert video.get_attribute("preload") == "metadata"
        played = page.evaluate(
            """async () => {
                const video = document.querySelector("video");
                video.muted = true;
                await video.play();
                await new Promise((resolve) => setTimeout(resolve, 700));
                const track = video.textTracks[0];
                return {time: video.currentTime, ready: video.readyState, error: video.error && video.error.code,
                        language: track.language, mode: track.mode, cues: track.cues ? track.cues.length : 0};
            }"""
        )
        assert played["error"] is None
        assert played["time"] > 0 and played["ready"] >= 2
        assert played["language"] == "vi" and played["mode"] == "showing" and played["cues"] == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # The YouTube page loads nothing from YouTube until asked; then it plays the no-cookie embed in place.
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.route("**/*youtube*/**", lambda route: route.abort())  # the test machine has no internet
        page.goto(youtube_url)
        assert not [url for url in requested if "youtube" in url]
        assert page.locator("iframe").count() == 0
        page.get_by_role("button", name="Phát tại đây").click()
        assert page.locator("iframe").get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/")

    chromium(scenario, **PHONE)
