"""The officer guide (docs/huong-dan-can-bo.md) still describes the admin: its steps run here for real.

The same functions make the guide's screenshots (`make guide`); if a form, button or quick action changes so
that a step no longer works, this test fails and the guide must be updated and regenerated.
"""

import io
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from wagtail.models import Page

from docs.guide import steps
from media.models import CommuneDocument
from pages.guidance.models import GuidingDocumentPage
from pages.models import CommuneIdentity
from pages.news.models import ArticlePage, NewsCategory
from pages.procedures.models import CommuneProcedure
from pages.site_content import Banner
from pages.videos.models import GalleryPage, VideoPage
from sites import services
from sites.management.commands.seed_demo import commune_usernames, seed_accounts, seed_content

# The live server reads committed data; serialized rollback restores Wagtail's root page after each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "huong-dan-can-bo.md"


@pytest.fixture
def one_request_at_a_time(live_server):
    """Let the live server answer one request at a time while the officer works.

    On SQLite in memory every thread of the live server shares one database connection, and the admin sends
    requests of its own (editing-session pings, the release of an editor when leaving it) alongside the
    officer's: two writes at once then fail with "database table is locked". PostgreSQL has no such limit.
    """
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return
    server = live_server.thread.httpd
    application = server.get_app()
    lock = threading.Lock()

    def serialized(environ, start_response):
        with lock:
            return application(environ, start_response)

    server.set_app(serialized)
    try:
        yield
    finally:
        server.set_app(application)


def _in_commune(model, commune, **filters):
    return model.objects.descendant_of(commune.home_page).filter(**filters)


def test_every_step_of_the_officer_guide_works_in_the_admin(
    chromium, live_server, one_request_at_a_time, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    commune = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    seed_accounts([commune])
    seed_content([commune], io.StringIO())
    usernames = commune_usernames(commune, [commune])
    assert (usernames[services.ROLE_EDITOR], usernames[services.ROLE_APPROVER]) == (steps.EDITOR, steps.APPROVER)
    base_url = f"http://{commune.hostname}:{urlsplit(live_server.url).port}"
    shots = steps.Shots(tmp_path / "anh")

    taken = chromium(lambda page: steps.run_all(page, base_url, shots), viewport=steps.DESKTOP)

    # Every picture the guide shows was taken, and every picture taken is shown.
    shown = re.findall(r"huong-dan/([\w-]+)\.png", GUIDE.read_text(encoding="utf-8"))
    assert sorted(shown) == sorted(taken)
    assert all((tmp_path / "anh" / f"{name}.png").stat().st_size > 0 for name in taken)

    # And the work was really done, by the right people.
    assert NewsCategory.objects.filter(commune=commune, name=steps.CATEGORY).exists()
    article = _in_commune(ArticlePage, commune, title=steps.ARTICLE).get()
    assert article.live and not article.has_unpublished_changes  # published by the approver
    assert article.featured_image.commune_id == commune.pk
    assert [c.name for c in article.categories.all()] == [steps.CATEGORY]

    document = _in_commune(GuidingDocumentPage, commune, number=steps.DOCUMENT_NUMBER).get()
    assert document.title == steps.DOCUMENT and not document.live  # waiting for the approver
    assert document.workflow_in_progress
    assert [a.document.file.name.endswith(".pdf") for a in document.attachments.all()] == [True]

    procedure = CommuneProcedure.objects.get(commune=commune, procedure__name=steps.PROCEDURE)
    assert procedure.officer_phone == steps.PHONE_NUMBER  # local details are saved at once, with history

    video = _in_commune(VideoPage, commune, title=steps.VIDEO).get().get_latest_revision_as_object()
    assert video.video.title == steps.VIDEO and video.video.commune_id == commune.pk

    banner = Banner.objects.get(commune=commune, position=Banner.Position.TOP)
    assert banner.alt_text == steps.BANNER and banner.image.commune_id == commune.pk

    assert CommuneIdentity.for_site(commune.site).phone == steps.PHONE_NUMBER

    album = _in_commune(GalleryPage, commune, title=steps.ALBUM).get().get_latest_revision_as_object()
    assert [photo.image.title for photo in album.gallery_images.all()] == list(steps.ALBUM_PHOTOS)

    scheduled = _in_commune(ArticlePage, commune, title=steps.SCHEDULED).get()
    assert scheduled.get_latest_revision_as_object().go_live_at is not None and not scheduled.live

    # Nothing landed outside the commune.
    assert not Page.objects.filter(title__in=[steps.ARTICLE, steps.DOCUMENT, steps.ALBUM]).exclude(
        path__startswith=commune.home_page.path
    )
    assert not CommuneDocument.objects.exclude(commune=commune).filter(title__contains=steps.DOCUMENT_NUMBER)
