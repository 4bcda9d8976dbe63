"""A workshop in Chromium: the trainer watches the board while a trainee, signed in with the card's
credentials on their practice site, does two exercises; the board turns both cells done by itself.

Admin elements are found by ids, names, hrefs and classes, never by the (translatable) labels.
"""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from docs.guide.steps import _expect_success
from pages.news.models import NewsCategory
from sites import services
from training.models import Trainee
from training.services import WorkshopRequest, workshop_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "mat-khau-thu-1"


@pytest.fixture
def workshop(live_server):
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    template = services.commune_create(province=province, name="Động Đạt", local_hostnames=True)
    services.officer_create(
        username="giangvien.thainguyen",
        email="gv@thainguyen.gov.vn",
        role=services.ROLE_TRAINER,
        province=province,
        password=PASSWORD,
    )
    workshop = workshop_create(
        WorkshopRequest(
            province=province,
            name="Tập huấn tháng 12",
            trainees=2,
            template=template,
            exercises=("category", "footer"),
        )
    )
    port = urlsplit(live_server.url).port
    return workshop, port


def _log_in(page, base, username, password):
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")


def _save(page):
    save = page.locator("main form button[type=submit]").last
    with page.expect_navigation():
        save.click()
    _expect_success(page)


def test_trainer_board_shows_a_trainees_two_exercises_done(workshop, chromium):
    workshop, port = workshop
    trainee = Trainee.objects.select_related("commune__site").get(workshop=workshop, number=1)
    # The card's address, on the live server's port (tests generate URLs for port 80).
    assert urlsplit(trainee.site_url).hostname == trainee.commune.hostname
    site = f"http://{trainee.commune.hostname}:{port}"
    card = {"site": site, "username": trainee.username, "password": trainee.card_password}
    portal = f"http://localhost:{port}"
    board_url = portal + reverse("workshops:detail", args=[workshop.pk])
    category_add = card["site"] + reverse(NewsCategory.snippet_viewset.get_url_name("add"))
    footer_edit = card["site"] + reverse(
        "wagtailsettings:edit", args=["pages", "communeidentity", trainee.commune.site_id]
    )

    def scenario(page):
        # The trainer opens the board on the projector before anyone has done anything.
        _log_in(page, portal, "giangvien.thainguyen", PASSWORD)
        page.goto(board_url)
        first_row = page.locator("[data-board-grid] tbody tr").first
        assert first_row.locator("td.xaso-cell--done").count() == 0

        # The trainee, on another machine, signs in with the card on their own practice site.
        trainee_page = page.context.browser.new_context(locale="vi-VN").new_page()
        trainee_page.set_default_timeout(15_000)
        _log_in(trainee_page, card["site"], card["username"], card["password"])
        assert "TRANG THỰC HÀNH" in trainee_page.context.new_page().goto(card["site"] + "/").text().upper()

        # Exercise 1: a news category.
        trainee_page.goto(category_add)
        trainee_page.fill("#id_name", "Chuyên mục của học viên 01")
        _save(trainee_page)
        # Exercise 2: the footer, with every field the exercise asks for.
        trainee_page.goto(footer_edit)
        trainee_page.fill("#id_agency_name", "UBND xã Động Đạt (thực hành)")
        trainee_page.fill("#id_address", "Thôn Đồng Chùa, xã Động Đạt")
        trainee_page.fill("#id_phone", "0208 3850 001")
        trainee_page.fill("#id_email", "ubnd@dongdat.thainguyen.gov.vn")
        trainee_page.fill("#id_responsible_person", "Trần Thị Bình, Chủ tịch UBND xã")
        _save(trainee_page)

        # The board refreshes on its own: no reload here.
        first_row.locator("td.xaso-cell--done").nth(1).wait_for(timeout=40_000)
        done = first_row.locator("td.xaso-cell--done").count()
        other = page.locator("[data-board-grid] tbody tr").nth(1).locator("td.xaso-cell--done").count()
        # And a cell opens what the trainee did.
        first_row.locator("td.xaso-cell--done a").first.click()
        page.wait_for_load_state()
        return done, other, page.content()

    done, other, cell_page = chromium(scenario)
    assert done == 2
    assert other == 0, "the second trainee did nothing"
    assert "Chuyên mục của học viên 01" in cell_page
