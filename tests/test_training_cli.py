"""The `workshop` management command, as a trainer or operator runs it on the workshop day.

A 16-seat workshop is created once through the command (as the issue's workshop of 16 communes);
each test then runs in its own savepoint, so a reset or a close in one test is undone for the next.
"""

from __future__ import annotations

import io
import re
import shlex

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, Site

from pages.news.models import NewsCategory
from sites.models import Commune
from sites.tenancy import scope_for_user
from tests.conftest import clear_cache
from tests.factories import CommuneFactory, ProvinceFactory
from training.exercises import DEFAULT_EXERCISES, EXERCISES
from training.models import Exercise, Trainee, Workshop

SEATS = 16
CODE = "tap-huan-16"
TEMPLATE_CATEGORY = "Tin hoạt động của xã"


def run(*args, stdin=None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options = {"stdin": stdin} if stdin is not None else {}
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def cli(line, **kwargs) -> str:
    """Run a command line as it is typed: cli("workshop board tap-huan-16")."""
    return run(*shlex.split(line), **kwargs)[0]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Workshop, Exercise, Trainee, Commune, Site, Page, NewsCategory, get_user_model())
    }


class Terminal(io.StringIO):
    """What a person types at the prompt of `workshop close`."""

    def isatty(self):
        return True


@pytest.fixture(scope="module")
def created(django_db_setup, django_db_blocker):
    """A province with a template commune (one news category of its own) and a real commune beside it,
    and a 16-seat workshop made by `workshop create`; rolled back at the end of the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        clear_cache()
        province = ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")
        template = CommuneFactory(province=province, name="Động Đạt")
        CommuneFactory(province=province, name="Phú Lương")
        NewsCategory.objects.create(commune=template, name=TEMPLATE_CATEGORY)
        before = counts()
        out, err = run(
            *("workshop", "create", "--province", "Thái Nguyên", "--name", "Tập huấn quản trị trang xã"),
            *("--trainees", str(SEATS), "--date", "15/03/2026", "--code", CODE, "--template", "dong-dat"),
        )
        yield {"out": out, "err": err, "before": before, "template": template}
        transaction.set_rollback(True)
    clear_cache()


@pytest.fixture
def workshop(db, created) -> Workshop:
    return Workshop.objects.select_related("province").get(slug=CODE)


def trainees(workshop) -> list[Trainee]:
    return list(workshop.trainees.select_related("commune__site", "commune__home_page", "user").order_by("number"))


def sign_in_with_card(trainee) -> Client:
    """Log in through the real login form of the practice site, with the card's username and password."""
    client = Client(HTTP_HOST=trainee.commune.hostname)
    response = client.post("/admin/login/", {"username": trainee.username, "password": trainee.card_password})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/admin/").status_code == 200
    return client


# --- create -----------------------------------------------------------------------------------------


def test_create_makes_exactly_one_practice_site_and_account_per_trainee(workshop, created):
    after = counts()
    assert after["Workshop"] - created["before"]["Workshop"] == 1
    assert after["Trainee"] - created["before"]["Trainee"] == SEATS
    assert after["Commune"] - created["before"]["Commune"] == SEATS
    assert after["Site"] - created["before"]["Site"] == SEATS
    assert after["User"] - created["before"]["User"] == SEATS
    seats = trainees(workshop)
    assert [t.number for t in seats] == list(range(1, SEATS + 1))
    practice = Commune.objects.filter(is_practice=True, province=workshop.province)
    assert practice.count() == SEATS
    assert {t.commune_id for t in seats} == set(practice.values_list("pk", flat=True))
    assert len({t.commune.hostname for t in seats}) == SEATS
    assert seats[0].commune.hostname == f"{CODE}-01.thainguyen.gov.vn"
    assert len({t.user_id for t in seats}) == SEATS
    assert seats[0].username == f"hv01.{CODE}.thai-nguyen"
    assert list(workshop.exercises.values_list("kind", flat=True)) == list(DEFAULT_EXERCISES)
    assert workshop.date.strftime("%d/%m/%Y") == "15/03/2026"
    assert workshop.template == created["template"]
    assert not Commune.objects.filter(is_practice=True).exclude(pk__in=practice).exists()


def test_create_prints_the_login_table_and_shows_progress_on_stderr(workshop, created):
    out = created["out"]
    assert f"Đã tạo lớp “Tập huấn quản trị trang xã” (thai-nguyen/{CODE}): {SEATS} học viên" in out
    for trainee in trainees(workshop):
        row = next(line for line in out.splitlines() if line.startswith(f"{trainee.number:02d} "))
        assert trainee.site_url in row and trainee.username in row and trainee.card_password in row
    assert "Đang tạo trang thực hành" in created["err"]
    assert f"{SEATS}/{SEATS}" in created["err"]


def test_each_account_reaches_exactly_its_own_practice_site(workshop):
    for trainee in trainees(workshop):
        scope = scope_for_user(get_user_model().objects.get(pk=trainee.user_id))
        assert scope.commune_ids == frozenset({trainee.commune_id})
        assert not scope.province_ids and not scope.trainer_province_ids and not scope.is_superuser


def test_a_trainee_cannot_open_another_trainees_pages_in_the_admin(workshop):
    first, second, *_ = trainees(workshop)
    client = sign_in_with_card(first)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[first.commune.home_page_id])).status_code == 200
    for page_id in (second.commune.home_page_id, trainees(workshop)[-1].commune.home_page_id):
        assert client.get(reverse("wagtailadmin_pages:edit", args=[page_id])).status_code == 404
        assert client.get(reverse("wagtailadmin_explore", args=[page_id])).status_code == 404


def test_every_card_logs_in_on_its_own_site(workshop):
    for trainee in trainees(workshop):
        sign_in_with_card(trainee)


def test_cards_file_is_the_printable_sheet_with_every_login(db, created, tmp_path):
    # A second, smaller workshop: the sheet is written only when the sites exist.
    path = tmp_path / "the-dang-nhap.html"
    cli(f"workshop create --province thai-nguyen --name 'Lớp in thẻ' --trainees 2 --code in-the --cards {path}")
    html = path.read_text(encoding="utf-8")
    workshop = Workshop.objects.get(slug="in-the")
    for trainee in workshop.trainees.all():
        assert trainee.username in html and trainee.card_password in html and f"{trainee.site_url}admin/" in html
    assert "Thẻ đăng nhập – Lớp in thẻ" in html
    # Self-contained: the stylesheet and script are inside, nothing is fetched from /static/.
    assert "/static/" not in html
    assert re.search(r"<style>\s*\S", html) and "window.print()" in html


def test_create_refuses_a_taken_code_and_writes_nothing(workshop):
    before = counts()
    with pytest.raises(CommandError) as caught:
        cli(f"workshop create --province thai-nguyen --name 'Lớp trùng' --trainees 3 --code {CODE}")
    assert f"Mã lớp “{CODE}” đã được dùng" in str(caught.value)
    assert counts() == before


# --- list, board, exercises ------------------------------------------------------------------------------


def test_list_shows_the_workshop_with_its_date_trainees_and_status(workshop):
    out = cli("workshop list --province 'Thái Nguyên'")
    row = next(line for line in out.splitlines() if line.startswith(f"thai-nguyen/{CODE}"))
    assert "Tập huấn quản trị trang xã" in row and "15/03/2026" in row and f" {SEATS} " in row
    assert "Đang diễn ra" in row
    assert "Tổng: 1 lớp." in out


def test_board_shows_what_each_trainee_has_done(workshop):
    first, second, *_ = trainees(workshop)
    client = sign_in_with_card(second)
    response = client.post(
        reverse(NewsCategory.snippet_viewset.get_url_name("add")),
        {"name": "Chuyên mục của học viên 02", "description": "", "sort_order": "1"},
    )
    assert response.status_code == 302
    out = cli(f"workshop board {CODE}")
    lines = out.splitlines()
    row_1 = next(line for line in lines if line.startswith("01 "))
    row_2 = next(line for line in lines if line.startswith("02 "))
    total = len(DEFAULT_EXERCISES)
    assert row_1.split()[2:] == ["–"] * total + [f"0/{total}"]
    assert row_2.split()[2:] == ["✓"] + ["–"] * (total - 1) + [f"1/{total}"]
    assert "1. Tạo chuyên mục tin tức" in out
    assert "học viên 01, 03" in out  # 02 signed in; the others not yet


def test_exercises_lists_every_kind_with_its_title_and_hint():
    out = cli("workshop exercises")
    for spec in EXERCISES.values():
        row = next(line for line in out.splitlines() if line.startswith(spec.kind + " "))
        assert str(spec.title) in row and str(spec.hint) in row
    assert "--exercises " + ",".join(DEFAULT_EXERCISES) in out


# --- reset --------------------------------------------------------------------------------------------


def test_reset_one_trainee_restores_the_template_and_keeps_the_card(workshop):
    seats = trainees(workshop)
    third = seats[2]
    client = sign_in_with_card(third)
    added = client.post(
        reverse(NewsCategory.snippet_viewset.get_url_name("add")),
        {"name": "Chuyên mục tự thêm", "description": "", "sort_order": "1"},
    )
    assert added.status_code == 302
    assert NewsCategory.objects.filter(commune=third.commune, name="Chuyên mục tự thêm").exists()
    others_before = {t.number: (t.commune_id, t.commune.hostname) for t in seats if t.number != 3}

    out = cli(f"workshop reset thai-nguyen/{CODE} --trainee 3")

    assert "Đã đặt lại trang thực hành của học viên 03" in out
    third = Trainee.objects.select_related("commune").get(pk=third.pk)
    assert not Commune.objects.filter(pk=seats[2].commune_id).exists()  # the old site is gone
    assert not NewsCategory.objects.filter(name="Chuyên mục tự thêm").exists()
    assert list(NewsCategory.objects.filter(commune=third.commune).values_list("name", flat=True)) == [
        TEMPLATE_CATEGORY
    ]
    assert third.commune.hostname == seats[2].commune.hostname and third.commune.is_practice
    sign_in_with_card(third)  # same username, same password
    assert {t.number: (t.commune_id, t.commune.hostname) for t in trainees(workshop) if t.number != 3} == (
        others_before
    )


def test_reset_the_whole_workshop_gives_every_trainee_a_fresh_site(workshop):
    # A small workshop of its own: resetting all 16 seats would only repeat this, slower.
    other_workshop = [t.commune_id for t in trainees(workshop)]
    cli("workshop create --province thai-nguyen --name 'Lớp đặt lại' --trainees 2 --code dat-lai")
    small = Workshop.objects.get(slug="dat-lai")
    old = {t.number: (t.commune_id, t.commune.hostname, t.user_id) for t in trainees(small)}
    _out, err = run("workshop", "reset", "dat-lai")
    assert "Đang đặt lại trang thực hành" in err
    fresh = {t.number: (t.commune_id, t.commune.hostname, t.user_id) for t in trainees(small)}
    assert set(fresh) == {1, 2}
    for number, (commune_id, hostname, user_id) in fresh.items():
        assert commune_id != old[number][0]  # a new site…
        assert (hostname, user_id) == old[number][1:]  # …at the same address, for the same account
    assert not Commune.objects.filter(pk__in=[v[0] for v in old.values()]).exists()
    assert [t.commune_id for t in trainees(workshop)] == other_workshop  # the other workshop is untouched


def test_reset_refuses_a_trainee_number_the_workshop_does_not_have(workshop):
    before = counts()
    with pytest.raises(CommandError) as caught:
        cli(f"workshop reset {CODE} --trainee 17")
    assert "không có học viên số 17 (có học viên số 1 đến 16)" in str(caught.value)
    assert counts() == before


# --- close --------------------------------------------------------------------------------------------


def test_close_asks_first_and_does_nothing_when_the_answer_is_no(workshop):
    before = counts()
    out = cli(f"workshop close {CODE}", stdin=Terminal("không\n"))
    assert "Gõ “có” để tiếp tục" in out and "Đã huỷ" in out
    assert counts() == before
    assert Workshop.objects.get(pk=workshop.pk).is_open


def test_close_without_a_person_to_ask_needs_yes(workshop):
    before = counts()
    with pytest.raises(CommandError) as caught:
        cli(f"workshop close {CODE}", stdin=io.StringIO(""))
    assert "hãy chạy lại với --yes" in str(caught.value)
    assert counts() == before


def test_close_removes_every_practice_site_and_account_and_keeps_the_results(workshop):
    first = trainees(workshop)[0]
    client = sign_in_with_card(first)
    response = client.post(
        reverse(NewsCategory.snippet_viewset.get_url_name("add")),
        {"name": "Chuyên mục trước khi kết thúc", "description": "", "sort_order": "1"},
    )
    assert response.status_code == 302
    user_ids = [t.user_id for t in trainees(workshop)]
    commune_ids = [t.commune_id for t in trainees(workshop)]
    hostnames = [t.commune.hostname for t in trainees(workshop)]
    real_before = {
        "communes": list(Commune.objects.filter(is_practice=False).order_by("pk").values()),
        "categories": list(NewsCategory.objects.exclude(commune_id__in=commune_ids).order_by("pk").values()),
    }

    out, err = run("workshop", "close", CODE, stdin=Terminal("có\n"))

    assert "Đang xoá trang thực hành" in err
    assert not Commune.objects.filter(pk__in=commune_ids).exists()
    assert not Commune.objects.filter(is_practice=True).exists()
    assert not Site.objects.filter(hostname__in=hostnames).exists()
    assert not get_user_model().objects.filter(pk__in=user_ids).exists()
    assert not get_user_model().objects.filter(username__contains=f".{CODE}.").exists()
    assert {
        "communes": list(Commune.objects.filter(is_practice=False).order_by("pk").values()),
        "categories": list(NewsCategory.objects.order_by("pk").values()),
    } == real_before
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED
    assert workshop.trainees.count() == SEATS  # the seats stay, as the results' rows…
    assert not workshop.trainees.exclude(card_password="").exists()  # …without passwords
    row_1 = next(line for line in out.splitlines() if line.startswith("01 "))
    assert row_1.split()[1:] == [first.username, "✓"] + ["–"] * (len(DEFAULT_EXERCISES) - 1) + [
        f"1/{len(DEFAULT_EXERCISES)}"
    ]
    # The kept results are what `board` shows afterwards, and the workshop cannot be closed twice.
    assert row_1 in cli(f"workshop board {CODE}")
    with pytest.raises(CommandError) as caught:
        cli(f"workshop close {CODE} --yes")
    assert f"Lớp “{CODE}” đã kết thúc" in str(caught.value)
