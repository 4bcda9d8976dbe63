"""The trainee guide (docs/huong-dan-hoc-vien.md) still works on a practice site: its steps run here for real.

The same functions make the guide's own screenshots (`make guide`). A trainee signs in with a login card of a
workshop and does what the guide says; the workshop's detection must then count those exercises as done.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from wagtail.models import Page

from docs.guide import steps
from pages.site_content import Notice
from sites import services as site_services
from sites.management.commands.seed_demo import seed_content
from tests.browser.test_officer_guide import one_request_at_a_time  # noqa: F401  (a fixture)
from training import services
from training.exercises import detect
from training.guide import GUIDE_FILE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DONE_BY_THE_TRAINEE_TASKS = ("article_image", "video_captions", "banners", "notice", "submit_for_approval")


def test_a_trainee_following_the_guide_completes_its_exercises(
    chromium,
    live_server,
    one_request_at_a_time,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    province = site_services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    template = site_services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    seed_content([template], io.StringIO())
    workshop = services.workshop_create(
        services.WorkshopRequest(
            province=province,
            name="Tập huấn",
            trainees=1,
            slug="tap-huan",
            template=template,
            exercises=tuple(DONE_BY_THE_TRAINEE_TASKS),
        )
    )
    trainee = workshop.trainees.select_related("commune").get()
    card = steps.Card(trainee.username, trainee.card_password)
    base_url = f"http://{trainee.commune.hostname}:{urlsplit(live_server.url).port}"
    before = detect(trainee, DONE_BY_THE_TRAINEE_TASKS)
    assert not any(evidence.done for evidence in before.values())
    shots = steps.Shots(tmp_path / "anh")

    taken = chromium(lambda page: steps.run_trainee(page, base_url, shots, card), viewport=steps.DESKTOP)

    # Every picture of the trainee's own view that the guide shows was taken here, and none is left unused.
    shown = set(re.findall(r"huong-dan/(hv-[\w-]+)\.png", GUIDE_FILE.read_text(encoding="utf-8")))
    assert shown == set(taken)
    assert all((tmp_path / "anh" / f"{name}.png").stat().st_size > 0 for name in taken)

    # The workshop counts what the guide made the trainee do.
    trainee.refresh_from_db()
    evidence = detect(trainee, DONE_BY_THE_TRAINEE_TASKS)
    assert {kind: e.done for kind, e in evidence.items()} == dict.fromkeys(DONE_BY_THE_TRAINEE_TASKS, True)
    assert evidence["banners"].progress == "3/3"

    # All of it happened on the practice site, none on the template commune.
    titles = [steps.HV_ARTICLE, steps.HV_VIDEO, steps.HV_DRAFT]
    assert not Page.objects.filter(title__in=titles).exclude(path__startswith=trainee.commune.home_page.path)
    assert Notice.objects.filter(title=steps.HV_NOTICE).get().commune_id == trainee.commune_id
