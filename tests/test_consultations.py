"""Public consultations: states and validation, the residents' comment form (spam, rate limit, cache),
comments readable by the commune's own officers only, the audited CSV/XLSX export, and the demo seed."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import PageLogEntry

from pages.consultations import demo
from pages.consultations.models import (
    CommentStatus,
    ConsultationComment,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationState,
)
from pages.consultations.services import EXPORT_ACTION
from pages.consultations.views import COMMENT_LIMITS

pytestmark = pytest.mark.django_db

GOOD = {"text": "Đề nghị bổ sung quy định giữ gìn vệ sinh đường làng.", "name": "", "contact": "", "website": ""}


def consultation_index(commune) -> ConsultationIndexPage:
    return ConsultationIndexPage.objects.child_of(commune.home_page).get()


def add_consultation(commune, slug="du-thao-quy-uoc", *, opens_in_days=-5, closes_in_days=10, **fields):
    now = timezone.now()
    values = {
        "title": f"Lấy ý kiến {slug}",
        "subject": "Dự thảo Quy ước thôn",
        "opens_at": now + timedelta(days=opens_in_days),
        "closes_at": now + timedelta(days=closes_in_days),
    }
    values.update(fields)
    return consultation_index(commune).add_child(instance=ConsultationPage(slug=slug, **values))


def public_path(page) -> str:
    return page.get_url_parts()[2]


def post_comment(commune, page, data=None, *, client=None, origin=True, **extra):
    client = client or Client()
    headers = {"HTTP_HOST": commune.hostname, **extra}
    if origin:
        headers.setdefault("HTTP_ORIGIN", f"http://{commune.hostname}")
    return client.post(public_path(page) + "gui-y-kien/", {**GOOD, **(data or {})}, **headers)


def officer_client(user, commune) -> Client:
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


def add_comment(page, commune, text="Ý kiến thử", **fields):
    return ConsultationComment.objects.create(commune=commune, page=page, text=text, **fields)


# --- The section, states, validation --------------------------------------------------------------------


def test_every_commune_gets_the_consultations_section(commune_a):
    index = consultation_index(commune_a)
    assert index.slug == "lay-y-kien" and index.title == "Lấy ý kiến Nhân dân" and index.live


def test_commune_refresh_adds_the_section_to_an_older_commune(commune_a):
    from sites.services import commune_refresh

    consultation_index(commune_a).delete()
    commune_refresh(commune_a)
    assert consultation_index(commune_a).slug == "lay-y-kien"


def test_consultation_states_follow_the_clock(commune_a):
    page = add_consultation(commune_a, opens_in_days=-1, closes_in_days=3)
    now = timezone.now()
    assert page.state(now - timedelta(days=2)) == ConsultationState.UPCOMING
    assert page.state(now) == ConsultationState.OPEN
    assert page.state(now + timedelta(days=4)) == ConsultationState.CLOSED
    assert page.days_left in (2, 3)  # calendar days in Vietnam's time, whatever the hour


def test_closing_before_opening_is_refused_in_vietnamese(commune_a):
    now = timezone.now()
    page = ConsultationPage(title="Thử", slug="thu", subject="Thử", opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert "phải sau thời điểm bắt đầu" in str(error.value.message_dict["closes_at"])


def test_open_consultation_shows_days_left_and_the_form(client, commune_a):
    page = add_consultation(commune_a, closes_in_days=10, summary="Tóm tắt dự thảo")
    body = client.get(public_path(page), HTTP_HOST=commune_a.hostname).content.decode()
    assert "Đang lấy ý kiến" in body and "còn 10 ngày" in body
    assert 'action="/lay-y-kien/du-thao-quy-uoc/gui-y-kien/"' in body
    assert "không bắt buộc" in body and "chỉ cán bộ của xã xem được" in body
    assert 'name="website"' in body  # the honeypot
    assert "csrfmiddlewaretoken" not in body  # nothing per visitor in a shared page
    assert "Kết quả lấy ý kiến" not in body


def test_home_page_lists_open_consultations_only(client, commune_a, commune_b):
    add_consultation(commune_a, "dang-mo", title="Dự thảo quy ước đang mở")
    add_consultation(commune_a, "da-dong", title="Dự thảo đã đóng", opens_in_days=-20, closes_in_days=-1)
    add_consultation(commune_a, "sap-mo", title="Dự thảo sắp mở", opens_in_days=3, closes_in_days=20)
    add_consultation(commune_b, "xa-khac", title="Dự thảo của xã khác")
    html = client.get("/", HTTP_HOST=commune_a.hostname).content.decode()
    assert 'id="home-lay-y-kien"' in html and "Dự thảo quy ước đang mở" in html
    for other in ("Dự thảo đã đóng", "Dự thảo sắp mở", "Dự thảo của xã khác"):
        assert other not in html


def test_upcoming_consultation_shows_no_form(client, commune_a):
    page = add_consultation(commune_a, opens_in_days=3, closes_in_days=20)
    body = client.get(public_path(page), HTTP_HOST=commune_a.hostname).content.decode()
    assert "Sắp lấy ý kiến" in body and "Chưa đến thời gian nhận ý kiến" in body
    assert "gui-y-kien/" not in body


def test_closed_consultation_shows_its_results_and_no_form(client, commune_a):
    page = add_consultation(
        commune_a, opens_in_days=-30, closes_in_days=-1, results="<p>Tiếp thu 12 ý kiến, điều chỉnh Điều 5.</p>"
    )
    body = client.get(public_path(page), HTTP_HOST=commune_a.hostname).content.decode()
    assert "Đã kết thúc" in body and "Kết quả lấy ý kiến" in body and "Tiếp thu 12 ý kiến" in body
    assert "gui-y-kien/" not in body


def test_results_stay_hidden_while_the_consultation_is_open(client, commune_a):
    page = add_consultation(commune_a, results="<p>Kết quả dự kiến BÍ MẬT</p>")
    body = client.get(public_path(page), HTTP_HOST=commune_a.hostname).content.decode()
    assert "BÍ MẬT" not in body


def test_index_lists_open_consultations_before_closed_ones(client, commune_a, commune_b):
    add_consultation(commune_a, "da-xong", opens_in_days=-40, closes_in_days=-10, results="<p>Kết quả</p>")
    add_consultation(commune_a, "dang-mo", opens_in_days=-1, closes_in_days=5)
    add_consultation(commune_b, "cua-xa-b", opens_in_days=-1, closes_in_days=5)
    body = client.get("/lay-y-kien/", HTTP_HOST=commune_a.hostname).content.decode()
    assert body.index("Lấy ý kiến dang-mo") < body.index("Đã kết thúc") < body.index("Lấy ý kiến da-xong")
    assert "đã công bố kết quả" in body
    assert "cua-xa-b" not in body


# --- The comment form ---------------------------------------------------------------------------------------


def test_a_comment_on_an_open_consultation_is_kept_and_thanked(commune_a):
    page = add_consultation(commune_a)
    response = post_comment(commune_a, page, {"name": "Nguyễn Văn An", "contact": "0912 345 678"})
    assert response.status_code == 200
    assert "Cảm ơn bạn đã góp ý" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    comment = ConsultationComment.objects.get()
    assert (comment.commune, comment.page_id, comment.name, comment.contact) == (
        commune_a,
        page.pk,
        "Nguyễn Văn An",
        "0912 345 678",
    )
    assert comment.status == CommentStatus.NEW


@pytest.mark.parametrize(
    "opens, closes, says",
    [(-20, -1, "đã kết thúc"), (2, 10, "chưa bắt đầu")],
    ids=["closed", "not-yet-open"],
)
def test_a_comment_is_refused_outside_the_consultation_period(commune_a, opens, closes, says):
    page = add_consultation(commune_a, opens_in_days=opens, closes_in_days=closes)
    response = post_comment(commune_a, page)
    assert response.status_code == 403
    assert says in response.content.decode()
    assert not ConsultationComment.objects.exists()


@pytest.mark.parametrize(
    "data, says",
    [
        ({"website": "http://spam.example"}, "Ô này phải để trống."),
        ({"text": "Xem http://a.example http://b.example www.c.example"}, "quá nhiều đường liên kết"),
        ({"text": "   "}, "Hãy viết ý kiến của bạn."),
        ({"text": "x" * 5001}, "tối đa 5000 ký tự"),
        ({"contact": "không phải số"}, "số điện thoại"),
        ({"contact": "an@@example"}, "thư điện tử không hợp lệ"),
        ({"name": "A" * 101}, "tối đa 100 ký tự"),
        ({"text": "Ý kiến\x00ẩn"}, "ký tự"),
    ],
    ids=["honeypot", "links", "empty", "too-long", "bad-phone", "bad-email", "long-name", "nul"],
)
def test_comment_form_refuses_bad_values(commune_a, data, says):
    page = add_consultation(commune_a)
    response = post_comment(commune_a, page, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Chưa gửi được ý kiến" in body and says in body
    assert "no-store" in response["Cache-Control"]
    assert not ConsultationComment.objects.exists()


def test_two_links_are_still_accepted(commune_a):
    page = add_consultation(commune_a)
    post_comment(commune_a, page, {"text": "Xem https://a.example và https://b.example"})
    assert ConsultationComment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://tan-cong.example"}, {"HTTP_REFERER": "https://tan-cong.example/trang/"}, {}],
    ids=["foreign-origin", "foreign-referer", "neither"],
)
def test_a_comment_from_another_site_is_refused(commune_a, headers):
    page = add_consultation(commune_a)
    response = post_comment(commune_a, page, origin=False, **headers)
    assert response.status_code == 403
    assert not ConsultationComment.objects.exists()


def test_a_referer_of_the_same_host_is_enough(commune_a):
    page = add_consultation(commune_a)
    referer = f"http://{commune_a.hostname}{public_path(page)}"
    assert post_comment(commune_a, page, origin=False, HTTP_REFERER=referer).status_code == 200


def test_get_on_the_comment_route_goes_back_to_the_consultation(client, commune_a):
    page = add_consultation(commune_a)
    response = client.get(public_path(page) + "gui-y-kien/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 302 and response["Location"].endswith(public_path(page))


def test_too_many_comments_from_one_address_get_429(commune_a):
    page = add_consultation(commune_a)
    limit = COMMENT_LIMITS[0].count
    for _ in range(limit):
        assert post_comment(commune_a, page).status_code == 200
    response = post_comment(commune_a, page)
    assert response.status_code == 429
    assert "gửi nhiều ý kiến trong thời gian ngắn" in response.content.decode()
    assert response["Retry-After"]
    assert ConsultationComment.objects.count() == limit
    # Another address is not held back.
    assert post_comment(commune_a, page, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_behind_a_trusted_proxy_each_forwarded_address_is_counted_apart(commune_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    page = add_consultation(commune_a)
    for _ in range(COMMENT_LIMITS[0].count):
        post_comment(commune_a, page, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert post_comment(commune_a, page, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert post_comment(commune_a, page, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_address_is_kept_only_as_a_salted_hash(commune_a):
    from django.core.cache import cache

    page = add_consultation(commune_a)
    post_comment(commune_a, page, REMOTE_ADDR="198.51.100.23")
    keys = cache.keys("*") if hasattr(cache, "keys") else list(cache._cache)  # Redis, or local memory
    assert [k for k in keys if "xaso:rl:" in str(k)], "the rate limit counts in the cache"
    assert not [k for k in keys if "198.51.100.23" in str(k)]
    comment = ConsultationComment.objects.get()
    assert "198.51.100.23" not in str([getattr(comment, f.attname) for f in comment._meta.concrete_fields])


def test_the_form_works_on_a_page_served_from_the_cache(commune_a):
    page = add_consultation(commune_a)
    client = Client()
    client.get(public_path(page), HTTP_HOST=commune_a.hostname)
    cached = client.get(public_path(page), HTTP_HOST=commune_a.hostname)
    assert cached["X-Cache"] == "hit"
    assert 'name="text"' in cached.content.decode()
    assert post_comment(commune_a, page, client=client).status_code == 200
    assert ConsultationComment.objects.count() == 1
    # A comment changes no public page: the cached page is still served.
    assert client.get(public_path(page), HTTP_HOST=commune_a.hostname)["X-Cache"] == "hit"


def test_a_consultation_of_commune_b_takes_no_comment_on_commune_a_host(commune_a, commune_b):
    page_b = add_consultation(commune_b, "cua-b")
    response = Client().post(
        public_path(page_b) + "gui-y-kien/",
        GOOD,
        HTTP_HOST=commune_a.hostname,
        HTTP_ORIGIN=f"http://{commune_a.hostname}",
    )
    assert response.status_code == 404
    assert not ConsultationComment.objects.exists()


# --- Reading comments: the commune's own officers only ---------------------------------------------------------


@pytest.fixture
def a_comments(commune_a):
    page = add_consultation(commune_a)
    add_comment(page, commune_a, "Ý kiến của Động Đạt", name="Lê Văn Bình", contact="binh@example.vn")
    return page


@pytest.mark.parametrize("role", ["editor_a", "approver_a"])
def test_the_communes_officers_read_its_comments(request, a_comments, commune_a, role):
    client = officer_client(request.getfixturevalue(role), commune_a)
    body = client.get(reverse("consultation_comments:comments", args=[a_comments.pk])).content.decode()
    assert "Ý kiến của Động Đạt" in body and "binh@example.vn" in body
    listing = client.get(reverse("consultation_comments:index")).content.decode()
    assert a_comments.title in listing


def _comment_urls(page):
    comment = page.comments.get()
    return [
        reverse("consultation_comments:comments", args=[page.pk]),
        reverse("consultation_comments:export_csv", args=[page.pk]),
        reverse("consultation_comments:export_xlsx", args=[page.pk]),
        reverse("consultation_comments:review", args=[comment.pk]),
    ]


def test_another_communes_officer_gets_404_on_comments_and_exports(a_comments, commune_a, commune_b, editor_b):
    client = officer_client(editor_b, commune_b)
    for url in _comment_urls(a_comments):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"status": "spam", "response": "x"}).status_code == 404, url
    assert a_comments.comments.get().status == CommentStatus.NEW
    assert "Ý kiến của Động Đạt" not in client.get(reverse("consultation_comments:index")).content.decode()
    assert not PageLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def test_province_admins_read_no_comments_even_in_their_province(a_comments, commune_a, province_admin_a):
    client = officer_client(province_admin_a, commune_a)
    for url in [*_comment_urls(a_comments), reverse("consultation_comments:index")]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Ý kiến của Động Đạt" not in response.content.decode()
    assert not PageLogEntry.objects.filter(action=EXPORT_ACTION).exists()


def admin_menu(client) -> str:
    """The sidebar menu, which the admin sends as JSON for the browser to draw."""
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S)
    return json.dumps(json.loads(props.group(1)), ensure_ascii=False)


def test_the_menu_entry_shows_to_officers_not_to_province_admins(a_comments, commune_a, editor_a, province_admin_a):
    assert "Ý kiến Nhân dân" in admin_menu(officer_client(editor_a, commune_a))
    assert "Ý kiến Nhân dân" not in admin_menu(officer_client(province_admin_a, commune_a))


def test_the_edit_view_of_a_consultation_offers_its_comments(a_comments, commune_a, editor_a):
    client = officer_client(editor_a, commune_a)
    body = client.get(reverse("wagtailadmin_pages:edit", args=[a_comments.pk])).content.decode()
    assert reverse("consultation_comments:comments", args=[a_comments.pk]) in body


def test_review_saves_status_and_response(a_comments, commune_a, editor_a):
    comment = a_comments.comments.get()
    client = officer_client(editor_a, commune_a)
    url = reverse("consultation_comments:review", args=[comment.pk])
    assert "Ý kiến của Động Đạt" in client.get(url).content.decode()
    response = client.post(url, {"status": "reviewed", "response": "Tiếp thu, bổ sung Điều 7."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REVIEWED and comment.response == "Tiếp thu, bổ sung Điều 7."
    assert comment.reviewed_by == editor_a and comment.reviewed_at


@pytest.mark.parametrize(
    "data, says",
    [
        ({"status": "xoa-het", "response": ""}, "Trạng thái không hợp lệ."),
        ({"response": "x"}, "Hãy chọn trạng thái."),
        ({"status": "reviewed", "response": "x" * 5001}, "tối đa 5000 ký tự"),
        ({"status": "reviewed", "response": "a\x00b"}, "ký tự không hợp lệ"),
    ],
    ids=["unknown-status", "no-status", "long-response", "nul"],
)
def test_review_form_refuses_bad_values(a_comments, commune_a, editor_a, data, says):
    from bs4 import BeautifulSoup

    from tests.test_bad_input_cli import ENGLISH, VIETNAMESE

    comment = a_comments.comments.get()
    client = officer_client(editor_a, commune_a)
    response = client.post(reverse("consultation_comments:review", args=[comment.pk]), data)
    assert response.status_code == 200
    text = BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")
    assert says in text and VIETNAMESE.search(says) and not [w for w in ENGLISH if w in says]
    comment.refresh_from_db()
    assert comment.status == CommentStatus.NEW and comment.response == ""


# --- Export: contents and the audit entry ----------------------------------------------------------------------


def test_csv_export_has_every_comment_and_is_audited(a_comments, commune_a, editor_a):
    add_comment(a_comments, commune_a, '=HYPERLINK("http://x")', status=CommentStatus.SPAM)
    client = officer_client(editor_a, commune_a)
    response = client.get(reverse("consultation_comments:export_csv", args=[a_comments.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["STT", "Thời gian gửi", "Họ và tên", "Liên hệ", "Ý kiến"]
    assert rows[1][2:6] == ["Lê Văn Bình", "binh@example.vn", "Ý kiến của Động Đạt", "Mới"]
    assert rows[2][4] == '\'=HYPERLINK("http://x")' and rows[2][5] == "Spam"  # never a formula
    entry = PageLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.page_id, entry.user, entry.data["rows"], entry.data["format"]) == (a_comments.pk, editor_a, 2, "csv")


def test_xlsx_export_has_every_comment_and_is_audited(a_comments, commune_a, approver_a):
    client = officer_client(approver_a, commune_a)
    response = client.get(reverse("consultation_comments:export_xlsx", args=[a_comments.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[3][:5] == ["STT", "Thời gian gửi", "Họ và tên", "Liên hệ", "Ý kiến"]
    assert values[4][2:6] == ["Lê Văn Bình", "binh@example.vn", "Ý kiến của Động Đạt", "Mới"]
    entry = PageLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.user, entry.data["rows"], entry.data["format"]) == (approver_a, 1, "xlsx")


def test_the_export_shows_in_the_site_history(a_comments, commune_a, editor_a):
    client = officer_client(editor_a, commune_a)
    client.get(reverse("consultation_comments:export_csv", args=[a_comments.pk]))
    body = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Tải 1 ý kiến Nhân dân (tệp CSV)" in body


def test_comment_listing_queries_do_not_grow_with_comments(
    a_comments, commune_a, editor_a, django_assert_max_num_queries
):
    client = officer_client(editor_a, commune_a)
    url = reverse("consultation_comments:comments", args=[a_comments.pk])
    client.get(url)
    for n in range(30):
        add_comment(a_comments, commune_a, f"Ý kiến số {n}")
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


# --- Demo --------------------------------------------------------------------------------------------------------


def test_demo_seed_adds_an_open_and_a_closed_consultation_once(commune_a):
    demo.seed_commune(commune_a)
    demo.seed_commune(commune_a)
    pages = ConsultationPage.objects.child_of(consultation_index(commune_a)).live()
    assert sorted(p.state() for p in pages) == [ConsultationState.CLOSED, ConsultationState.OPEN]
    closed = next(p for p in pages if p.is_closed)
    assert closed.results and closed.result_documents.exists()
    assert ConsultationComment.objects.filter(commune=commune_a).count() == len(demo.COMMENTS)


# --- The page cache follows the consultation's dates --------------------------------------------------------


def test_the_page_cache_stops_when_a_consultation_opens_or_closes(commune_a, commune_b):
    from pages.site_content import next_scheduled_change

    add_consultation(commune_a, "dang-mo", opens_in_days=-1, closes_in_days=3)
    upcoming = add_consultation(commune_a, "sap-mo", opens_in_days=1, closes_in_days=9)
    add_consultation(commune_b, "cua-b", opens_in_days=-1, closes_in_days=0.5)
    assert next_scheduled_change(commune_a.pk) == upcoming.opens_at


def test_a_cached_open_consultation_closes_on_time(commune_a):
    import time

    page = add_consultation(commune_a, opens_in_days=-1, closes_in_days=2 / 86_400)  # closes in 2 seconds
    client = Client()
    assert "Gửi ý kiến" in client.get(public_path(page), HTTP_HOST=commune_a.hostname).content.decode()
    assert client.get(public_path(page), HTTP_HOST=commune_a.hostname)["X-Cache"] == "hit"
    time.sleep(max(0, (page.closes_at - timezone.now()).total_seconds()) + 1.2)
    response = client.get(public_path(page), HTTP_HOST=commune_a.hostname)
    assert response["X-Cache"] == "miss"
    assert "Đã hết thời gian nhận ý kiến" in response.content.decode()


def test_practice_sites_copy_consultations_but_never_residents_comments(commune_a):
    from training.services import WorkshopRequest, workshop_create

    demo.seed_commune(commune_a)
    workshop = workshop_create(
        WorkshopRequest(province=commune_a.province, name="Tập huấn thử", trainees=1, template=commune_a)
    )
    practice = workshop.trainees.select_related("commune__home_page").get().commune
    assert ConsultationPage.objects.descendant_of(practice.home_page).count() == 2
    assert not ConsultationComment.objects.filter(page__path__startswith=practice.home_page.path).exists()
    assert not ConsultationComment.objects.filter(commune=practice).exists()
