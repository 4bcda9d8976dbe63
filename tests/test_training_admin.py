"""Training workshops in the admin ("Tập huấn"): who reaches them, the create form, the live board,
one cell's evidence, login cards, reset, close, exercises, new seats and the results file."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pages.news.models import NewsCategory
from sites.models import Commune
from sites.services import ServiceError
from tests.factories import make_superuser
from training import services
from training.exercises import DEFAULT_EXERCISES, EXERCISES
from training.models import Trainee, Workshop

PORTAL = "localhost"
User = get_user_model()


def url(name, *args):
    return reverse(f"workshops:{name}", args=args)


def get(client, path, **params):
    return client.get(path, params, HTTP_HOST=PORTAL)


def post(client, path, data=None, follow=False):
    return client.post(path, data or {}, HTTP_HOST=PORTAL, follow=follow)


def text(response) -> str:
    return response.content.decode()


def as_user(client, user):
    client.force_login(user)
    return client


def sidebar_menu(response) -> str:
    """The admin's main menu, which arrives as JSON in a script element."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', text(response), re.S
    )
    return json.dumps(json.loads(props.group(1)), ensure_ascii=False)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def trainees(workshop):
    return list(workshop.trainees.select_related("commune", "user").order_by("number"))


def object_urls(workshop):
    """Every URL of the area that names this workshop (and its first trainee)."""
    seat = workshop.trainees.order_by("number").first()
    return [
        url("detail", workshop.pk),
        url("board_grid", workshop.pk),
        url("cell", workshop.pk, seat.pk, "category"),
        url("cards", workshop.pk),
        url("reset_trainee", workshop.pk, seat.pk),
        url("reset", workshop.pk),
        url("close", workshop.pk),
        url("exercises", workshop.pk),
        url("add_seats", workshop.pk),
        url("export", workshop.pk),
    ]


def state_of(workshop) -> tuple:
    """What a refused request must leave untouched."""
    workshop.refresh_from_db()
    seats = Trainee.objects.filter(workshop=workshop).order_by("pk")
    seats = tuple(seats.values_list("pk", "commune_id", "started_at"))
    kinds = tuple(workshop.exercises.values_list("kind", flat=True))
    return workshop.status, workshop.summary, seats, kinds


def do_category_exercise(client, trainee, name="Chuyển đổi số"):
    """The trainee creates a news category through the snippet form, on their own practice site."""
    client.force_login(trainee.user)
    response = client.post(
        reverse("wagtailsnippets_news_newscategory:add"),
        {"name": name, "description": "", "sort_order": "0"},
        HTTP_HOST=trainee.commune.hostname,
    )
    assert response.status_code == 302, text(response)[:2000]
    return NewsCategory.objects.get(commune=trainee.commune, name=name)


@pytest.fixture
def superuser(db):
    return make_superuser()


# --- Who reaches the area ---------------------------------------------------------------------------


def test_trainer_sees_the_menu_the_list_and_the_board(client, trainer_a, workshop_a):
    as_user(client, trainer_a)
    assert "Tập huấn" in sidebar_menu(get(client, "/admin/"))

    listing = get(client, url("index"))
    assert listing.status_code == 200
    body = text(listing)
    assert workshop_a.name in body and "Lớp đang diễn ra" in body and "Tạo lớp tập huấn" in body
    assert url("detail", workshop_a.pk) in body

    board = get(client, url("detail", workshop_a.pk))
    assert board.status_code == 200
    body = text(board)
    for seat in trainees(workshop_a):
        assert f"Học viên {seat.number:02d}" in body
        assert seat.username in body
        assert seat.site_url in body
    assert "0/3 đã xong" in body
    assert "training/board.js" in body and f'data-grid-url="{url("board_grid", workshop_a.pk)}"' in body
    for kind in DEFAULT_EXERCISES:
        assert str(EXERCISES[kind].title) in body


def test_province_admin_runs_the_workshops_of_their_province(client, province_admin_a, workshop_a):
    as_user(client, province_admin_a)
    assert "Tập huấn" in sidebar_menu(get(client, "/admin/"))
    assert workshop_a.name in text(get(client, url("index")))
    assert get(client, url("detail", workshop_a.pk)).status_code == 200


def test_commune_officer_never_sees_the_area(client, editor_a, workshop_a):
    as_user(client, editor_a)
    assert "Tập huấn" not in sidebar_menu(get(client, "/admin/"))
    assert get(client, url("index")).status_code == 404
    assert get(client, url("add")).status_code == 404
    assert post(client, url("add"), {"name": "Lớp lạ", "trainees": "1"}).status_code == 404


def test_a_trainee_never_sees_the_area(client, workshop_a):
    seat = trainees(workshop_a)[0]
    client.force_login(seat.user)
    response = client.get("/admin/", HTTP_HOST=seat.commune.hostname)
    assert "Tập huấn" not in sidebar_menu(response)
    assert client.get(url("detail", workshop_a.pk), HTTP_HOST=seat.commune.hostname).status_code == 404


@pytest.mark.parametrize("who", ["editor_a", "province_admin_b"])
def test_other_people_get_404_on_every_url_of_the_workshop(client, request, who, workshop_a, province_admin_a):
    as_user(client, request.getfixturevalue(who))
    before = state_of(workshop_a)
    for path in object_urls(workshop_a):
        assert get(client, path).status_code == 404, path
        assert post(client, path, {"count": "1", "include_category": "on", "position_category": "1"}).status_code == (
            404
        ), path
    assert state_of(workshop_a) == before
    if who == "province_admin_b":
        assert workshop_a.name not in text(get(client, url("index")))
    # The same URLs open for the province admin of A's province: the 404s above were the scope.
    as_user(client, province_admin_a)
    for path in object_urls(workshop_a):
        assert get(client, path).status_code == 200, path


def test_a_trainee_of_another_workshop_is_404_even_for_its_trainer(client, trainer_a, workshop_a, superuser):
    other = Workshop.objects.create(province=workshop_a.province, name="Lớp khác", slug="lop-khac")
    seat = workshop_a.trainees.first()
    as_user(client, trainer_a)
    assert get(client, url("reset_trainee", other.pk, seat.pk)).status_code == 404
    assert get(client, url("cell", other.pk, seat.pk, "category")).status_code == 404
    assert get(client, url("cell", workshop_a.pk, seat.pk, "khong-co")).status_code == 404


# --- Creating a workshop ----------------------------------------------------------------------------


def create_form(commune, **overrides):
    data = {
        "name": "Tập huấn tháng 6",
        "slug": "",
        "date": "15/06/2026",
        "trainees": "1",
        "template": str(commune.pk),
        "exercises": ["category", "footer", "banners"],
    }
    data.update(overrides)
    return data


def counts():
    return Workshop.objects.count(), Commune.objects.count(), User.objects.count(), Trainee.objects.count()


def test_create_form_offers_the_real_communes_of_the_trainers_province(client, trainer_a, commune_a, commune_b):
    as_user(client, trainer_a)
    response = get(client, url("add"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "province" not in form.fields  # one province: nothing to choose
    assert list(form.fields["template"].queryset) == [commune_a]
    body = text(response)
    assert commune_b.name not in body
    assert "Đang tạo…" in body and 'data-controller="w-progress"' in body
    checked = set(re.findall(r'name="exercises" value="([a-z_]+)"[^>]*checked', body))
    assert checked == set(DEFAULT_EXERCISES)


def test_trainer_creates_a_workshop_through_the_form(client, trainer_a, commune_a):
    as_user(client, trainer_a)
    response = post(client, url("add"), create_form(commune_a), follow=True)
    assert response.status_code == 200
    workshop = Workshop.objects.get(name="Tập huấn tháng 6")
    assert response.redirect_chain[-1][0] == url("detail", workshop.pk)
    assert workshop.slug == "tap-huan-thang-6"
    assert workshop.date.strftime("%d/%m/%Y") == "15/06/2026"
    assert workshop.province == commune_a.province and workshop.template == commune_a
    assert workshop.created_by == trainer_a
    # Ticked exercises, in the list's own order.
    assert list(workshop.exercises.values_list("kind", flat=True)) == ["category", "banners", "footer"]
    [seat] = trainees(workshop)
    assert seat.commune.is_practice and seat.username == "hv01.tap-huan-thang-6.thai-nguyen"
    assert any("Đã tạo lớp “Tập huấn tháng 6” với 1 học viên" in m for m in messages_of(response))
    assert "Học viên 01" in text(response)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"trainees": "abc"}, "trainees", "Số học viên “abc” không phải là một số."),
        ({"trainees": "0"}, "trainees", "Số học viên phải từ 1 đến 60, không phải 0."),
        ({"trainees": "61"}, "trainees", "Số học viên phải từ 1 đến 60, không phải 61."),
        ({"trainees": ""}, "trainees", "Hãy nhập số học viên (từ 1 đến 60)."),
        ({"slug": "tap-huan-thu"}, "slug", "Mã lớp “tap-huan-thu” đã được dùng"),
        ({"slug": "Mã có dấu"}, "slug", "không hợp lệ: chỉ dùng chữ không dấu"),
        ({"name": ""}, "name", "Hãy nhập tên lớp tập huấn."),
        ({"date": "32/13/2026"}, "date", "Ngày tập huấn không hợp lệ"),
        ({"exercises": []}, "exercises", "Hãy chọn ít nhất một bài tập."),
        ({"exercises": ["category", "hack"]}, "exercises", "Bài tập “hack” không có trong danh sách."),
        ({"template": "@foreign"}, "template", "Xã/phường mẫu này không có trong danh sách"),
        ({"template": "@practice"}, "template", "Xã/phường mẫu này không có trong danh sách"),
    ],
)
def test_create_form_errors_are_vietnamese_and_nothing_is_written(
    client, trainer_a, commune_a, commune_b, workshop_a, overrides, field, message
):
    practice = workshop_a.trainees.first().commune
    named = {"@foreign": str(commune_b.pk), "@practice": str(practice.pk)}
    overrides = {key: named.get(value, value) if isinstance(value, str) else value for key, value in overrides.items()}
    as_user(client, trainer_a)
    before = counts()
    response = post(client, url("add"), create_form(commune_a, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors
    assert message in text(response).replace("&quot;", '"')
    assert "Chưa tạo được lớp tập huấn" in text(response)
    assert counts() == before


def test_superuser_chooses_the_province_and_a_template_of_that_province(client, superuser, commune_a, commune_b):
    as_user(client, superuser)
    form = get(client, url("add")).context["form"]
    assert "province" in form.fields
    before = counts()
    response = post(client, url("add"), {**create_form(commune_b), "province": str(commune_a.province.pk)})
    errors = response.context["form"].errors
    assert "Tân Phú không thuộc Thái Nguyên" in " ".join(errors["template"])
    assert counts() == before


# --- The live board, one cell ------------------------------------------------------------------------


def test_board_grid_shows_a_tick_after_the_trainee_does_the_exercise(client, trainer_a, workshop_a):
    first = trainees(workshop_a)[0]
    as_user(client, trainer_a)
    grid = get(client, url("board_grid", workshop_a.pk))
    assert grid.status_code == 200
    assert "<html" not in text(grid)  # a fragment, swapped into the page
    assert "✓" not in text(grid)
    assert "0/3 đã xong" in text(grid)

    trainee_client = type(client)()
    do_category_exercise(trainee_client, first)

    body = text(get(client, url("board_grid", workshop_a.pk)))
    assert body.count("✓") == 1
    assert "1/3 đã xong" in body  # the category column
    row = body.split("Học viên 01", 1)[1].split("</tr>", 1)[0]
    assert "xaso-cell--done" in row and "1/7" in row
    assert "Đăng nhập lúc" in row  # the trainee signed in (force_login sets last_login)


def test_cell_shows_what_the_trainee_did_and_edit_links_only_to_who_may_open_them(
    client, trainer_a, province_admin_a, workshop_a
):
    first = trainees(workshop_a)[0]
    category = do_category_exercise(type(client)(), first, name="Tin nông thôn mới")
    cell = url("cell", workshop_a.pk, first.pk, "category")
    edit = reverse("wagtailsnippets_news_newscategory:edit", args=[category.pk])

    as_user(client, trainer_a)
    body = text(get(client, cell))
    assert "Tin nông thôn mới" in body and "Đã xong" in body
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", body)
    assert edit not in body  # a designated trainer reaches no commune's content

    as_user(client, province_admin_a)
    body = text(get(client, cell))
    assert edit in body and "Mở trong trang quản trị" in body
    assert get(client, edit, HTTP_HOST=PORTAL).status_code == 200

    untouched = url("cell", workshop_a.pk, first.pk, "footer")
    assert "Chưa thấy thao tác nào" in text(get(client, untouched))


def test_board_partial_queries_grow_by_one_per_trainee_and_exercise_only(
    client, trainer_a, workshop_a, django_assert_max_num_queries
):
    """The view adds a fixed number of queries (session, user, scope, the workshop) to services.board.
    The board itself is not constant: each exercise's detector reads each trainee's practice site,
    one query per trainee and exercise (7 per trainee with the default list)."""
    as_user(client, trainer_a)
    grid = url("board_grid", workshop_a.pk)
    exercises = len(DEFAULT_EXERCISES)

    def measure(seats):
        get(client, grid)  # warm the caches (sites, content types) a new seat clears
        with django_assert_max_num_queries(12 + 3 + seats * exercises) as view:
            assert get(client, grid).status_code == 200
        with CaptureQueriesContext(connection) as board:
            services.board(Workshop.objects.get(pk=workshop_a.pk))
        return len(view), len(board)

    view_3, board_3 = measure(3)
    services.workshop_add_seats(workshop_a, 1)
    view_4, board_4 = measure(4)
    assert view_3 - board_3 == view_4 - board_4  # the view's own share does not grow
    assert board_4 - board_3 <= exercises


# --- Login cards ----------------------------------------------------------------------------------------


def test_cards_show_every_username_and_password(client, trainer_a, workshop_a):
    as_user(client, trainer_a)
    response = get(client, url("cards", workshop_a.pk))
    assert response.status_code == 200
    body = text(response)
    seats = trainees(workshop_a)
    for seat in seats:
        assert seat.username in body and seat.card_password in body
        assert f"{seat.site_url}admin/" in body
        assert f"Học viên {seat.number:02d}" in body
    assert body.count('class="card"') == len(seats)
    assert "In thẻ đăng nhập" in body and "training/cards.js" in body and "training/cards.css" in body
    assert "<script>" not in body and "onclick" not in body  # the admin CSP: no inline script


# --- Actions ------------------------------------------------------------------------------------------------


def test_reset_one_trainee_asks_first_then_rebuilds_their_site(client, trainer_a, workshop_a):
    first, second = trainees(workshop_a)[:2]
    do_category_exercise(type(client)(), first)
    as_user(client, trainer_a)
    confirm = get(client, url("reset_trainee", workshop_a.pk, first.pk))
    assert confirm.status_code == 200
    assert "Đặt lại trang thực hành của Học viên 01" in text(confirm)
    first.refresh_from_db()
    old_commune = first.commune_id
    assert NewsCategory.objects.filter(commune_id=old_commune, name="Chuyển đổi số").exists()  # GET did nothing

    response = post(client, url("reset_trainee", workshop_a.pk, first.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", workshop_a.pk)
    assert any("Đã đặt lại trang thực hành của Học viên 01" in m for m in messages_of(response))
    first.refresh_from_db()
    second_before = second.commune_id
    second.refresh_from_db()
    assert first.commune_id != old_commune and not Commune.objects.filter(pk=old_commune).exists()
    assert second.commune_id == second_before
    assert "✓" not in text(get(client, url("board_grid", workshop_a.pk)))
    assert first.user.check_password(first.card_password)


def test_close_keeps_the_results_and_removes_the_sites(client, trainer_a, workshop_a):
    first = trainees(workshop_a)[0]
    do_category_exercise(type(client)(), first)
    sites = [seat.commune_id for seat in trainees(workshop_a)]
    as_user(client, trainer_a)
    confirm = text(get(client, url("close", workshop_a.pk)))
    assert "bị xóa hẳn" in confirm and "Kết quả của lớp được giữ lại" in confirm

    response = post(client, url("close", workshop_a.pk), follow=True)
    workshop_a.refresh_from_db()
    assert workshop_a.status == Workshop.Status.CLOSED and workshop_a.closed_at
    assert workshop_a.summary["trainees"][0]["done"] == ["category"]
    assert [row["number"] for row in workshop_a.summary["trainees"]] == [1, 2, 3]
    assert not Commune.objects.filter(pk__in=sites).exists()
    assert any("Đã kết thúc lớp “Tập huấn thử”" in m for m in messages_of(response))
    body = text(response)
    assert "Kết quả của lớp" in body and "1/3 đã xong" in body and first.username in body

    # Closed: listed apart, actions refused with a message, the results downloadable.
    listing = text(get(client, url("index")))
    assert listing.index("Lớp đã kết thúc") < listing.index(workshop_a.name)
    refused = post(client, url("reset", workshop_a.pk), follow=True)
    assert any("đã kết thúc" in m for m in messages_of(refused))
    assert get(client, url("board_grid", workshop_a.pk)).status_code == 204
    export = get(client, url("export", workshop_a.pk))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[3]
    assert header[:2] == ["Học viên", "Tên đăng nhập"] and str(EXERCISES["category"].title) in header
    assert values[4][:3] == ["Học viên 01", first.username, "✓"]
    assert values[-1][0] == "Số học viên đã xong" and values[-1][2] == "1/3"
    assert "thẻ đăng nhập không còn dùng được" in text(get(client, url("cards", workshop_a.pk)))


def test_reset_the_whole_workshop(client, trainer_a, workshop_a):
    before = {seat.pk: seat.commune_id for seat in trainees(workshop_a)}
    as_user(client, trainer_a)
    assert "cả 3 học viên" in text(get(client, url("reset", workshop_a.pk)))
    response = post(client, url("reset", workshop_a.pk), follow=True)
    assert any("Đã đặt lại trang thực hành của cả 3 học viên" in m for m in messages_of(response))
    after = {seat.pk: seat.commune_id for seat in trainees(workshop_a)}
    assert after.keys() == before.keys() and all(after[pk] != before[pk] for pk in before)


def test_exercises_are_reordered_removed_and_added(client, trainer_a, workshop_a):
    as_user(client, trainer_a)
    page = get(client, url("exercises", workshop_a.pk))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name.startswith("position_")}
    data.update({f"include_{kind}": "on" for kind in DEFAULT_EXERCISES if kind != "photos"})
    expected = ["footer", "category", "notice", "article_image", "procedure_local", "video_captions", "banners"]
    data.update({f"position_{kind}": position for position, kind in enumerate(expected, start=1)})
    data["include_notice"] = "on"
    response = post(client, url("exercises", workshop_a.pk), data, follow=True)
    assert list(workshop_a.exercises.values_list("kind", flat=True)) == expected
    assert any("Đã lưu danh sách 7 bài tập" in m for m in messages_of(response))
    board = text(response)
    assert board.index(str(EXERCISES["footer"].title)) < board.index(str(EXERCISES["category"].title))
    assert str(EXERCISES["photos"].title) not in board

    nothing = {name: value for name, value in data.items() if name.startswith("position_")}
    response = post(client, url("exercises", workshop_a.pk), nothing)
    assert "Lớp tập huấn cần ít nhất một bài tập." in text(response)
    assert list(workshop_a.exercises.values_list("kind", flat=True)) == expected

    for bad, message in (
        ("abc", "Số thứ tự phải là một số."),
        ("0", "Số thứ tự từ 1 trở lên."),
        ("", "Hãy ghi số thứ tự."),
    ):
        response = post(client, url("exercises", workshop_a.pk), {**data, "position_footer": bad})
        assert message in text(response)
        assert list(workshop_a.exercises.values_list("kind", flat=True)) == expected


def test_add_seats(client, trainer_a, workshop_a):
    as_user(client, trainer_a)
    assert "Lớp đang có 3 học viên" in text(get(client, url("add_seats", workshop_a.pk)))
    bad = post(client, url("add_seats", workshop_a.pk), {"count": "abc"})
    assert "Số học viên “abc” không phải là một số." in text(bad)
    assert workshop_a.trainees.count() == 3
    response = post(client, url("add_seats", workshop_a.pk), {"count": "1"}, follow=True)
    assert workshop_a.trainees.count() == 4
    assert any("Đã thêm 1 học viên (Học viên 04)" in m for m in messages_of(response))
    assert "hv04.tap-huan-thu.thai-nguyen" in text(get(client, url("cards", workshop_a.pk)))


def test_open_workshop_results_download_as_excel(client, province_admin_a, workshop_a):
    as_user(client, province_admin_a)
    response = get(client, url("export", workshop_a.pk))
    assert response.status_code == 200
    assert 'filename="ket-qua-thai-nguyen-tap-huan-thu.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value.startswith("Tập huấn thử")
    assert [sheet.cell(row=r, column=1).value for r in (5, 6, 7)] == ["Học viên 01", "Học viên 02", "Học viên 03"]


# --- Long work in the background -------------------------------------------------------------------


@pytest.fixture
def queued_tasks(settings):
    """Tasks are queued, not run: as in production, where a worker runs them after the request."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_creating_a_workshop_answers_at_once_and_the_board_shows_the_seats_being_made(
    client, trainer_a, commune_a, queued_tasks
):
    as_user(client, trainer_a)
    response = post(client, url("add"), create_form(commune_a, trainees="3", slug="lop-nen"), follow=True)
    workshop = Workshop.objects.get(slug="lop-nen")
    assert workshop.seats_planned == 3 and workshop.trainees.count() == 0
    assert any("đang được tạo" in m for m in messages_of(response))
    grid = text(get(client, url("board_grid", workshop.pk)))
    assert "Đang tạo trang thực hành: 0/3" in grid

    services.workshop_build(workshop)  # what the worker does

    grid = text(get(client, url("board_grid", workshop.pk)))
    assert "Đang tạo trang thực hành" not in grid
    assert workshop.trainees.count() == 3


def test_a_stopped_creation_is_shown_on_the_board_and_finished_from_it(client, trainer_a, commune_a, queued_tasks):
    workshop = services.workshop_open(
        services.WorkshopRequest(
            province=commune_a.province, name="Lớp dừng", slug="lop-dung", trainees=2, template=commune_a
        )
    )
    Workshop.objects.filter(pk=workshop.pk).update(task_error="Máy chủ tắt giữa chừng.")
    as_user(client, trainer_a)
    grid = text(get(client, url("board_grid", workshop.pk)))
    assert "Máy chủ tắt giữa chừng." in grid and url("build", workshop.pk) in grid
    assert "Còn 2 trong 2 học viên" in text(get(client, url("build", workshop.pk)))

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}):
        post(client, url("build", workshop.pk))

    workshop.refresh_from_db()
    assert workshop.trainees.count() == 2 and workshop.task_error == ""


def test_closing_answers_at_once_keeps_the_results_and_the_worker_removes_the_seats(
    client, trainer_a, workshop_a, queued_tasks
):
    as_user(client, trainer_a)
    response = post(client, url("close", workshop_a.pk), follow=True)
    workshop_a.refresh_from_db()
    assert workshop_a.status == Workshop.Status.CLOSING
    assert [row["number"] for row in workshop_a.summary["trainees"]] == [1, 2, 3]
    assert any("Đang kết thúc" in m for m in messages_of(response))
    assert url("close", workshop_a.pk) in text(get(client, url("detail", workshop_a.pk)))  # "Kết thúc tiếp"
    with pytest.raises(ServiceError, match="đang được kết thúc"):
        services.workshop_reset(workshop_a)

    services.workshop_close(workshop_a)  # what the worker does

    workshop_a.refresh_from_db()
    assert workshop_a.status == Workshop.Status.CLOSED
    assert not Commune.objects.filter(is_practice=True).exists()
