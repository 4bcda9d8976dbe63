"""Satisfaction ratings (Decree 224 Art. 10.3.b): the form on every commune page, one aggregate row per page
per day, the rate limit, pages of other communes refused, the officers' and province admins' reports."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from pages.feedback import demo
from pages.feedback.models import PageRating
from pages.feedback.selectors import satisfaction_by_commune, satisfaction_by_page
from pages.feedback.services import rating_record
from pages.feedback.views import RATING_LIMIT

pytestmark = pytest.mark.django_db

QUESTION = "Thông tin trên trang này có hữu ích với bạn không?"


def section(commune, slug="tin-tuc") -> Page:
    return Page.objects.child_of(commune.home_page).get(slug=slug)


def rate(commune, page, useful="yes", reason="", *, client=None, host=None, **extra):
    host = host or commune.hostname
    data = {"page": page.pk, "useful": useful, "reason": reason}
    headers = {"HTTP_HOST": host, "HTTP_ORIGIN": f"http://{host}", **extra}
    return (client or Client()).post(reverse("rate_page"), data, **headers)


def officer_client(user, commune) -> Client:
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


# --- The form -------------------------------------------------------------------------------------------


def test_every_commune_page_carries_the_same_rating_form(client, commune_a):
    for path in ("/", "/tin-tuc/", "/gioi-thieu/to-chuc-bo-may/"):
        body = client.get(path, HTTP_HOST=commune_a.hostname).content.decode()
        assert QUESTION in body, path
        assert 'action="/danh-gia/"' in body and "csrfmiddlewaretoken" not in body
    page = section(commune_a)
    body = client.get("/tin-tuc/", HTTP_HOST=commune_a.hostname).content.decode()
    assert f'name="page" value="{page.pk}"' in body


def test_the_portal_search_and_error_pages_carry_no_rating_form(client, commune_a):
    assert QUESTION not in client.get("/", HTTP_HOST="localhost").content.decode()
    assert QUESTION not in client.get("/khong-co-trang-nay/", HTTP_HOST=commune_a.hostname).content.decode()
    assert QUESTION not in client.get("/tim-kiem/?q=tin", HTTP_HOST=commune_a.hostname).content.decode()


def test_the_rating_form_adds_no_query_to_a_page(commune_a, django_assert_num_queries):
    from django.template.loader import render_to_string

    page = section(commune_a)
    with django_assert_num_queries(0):
        html = render_to_string("components/rating.html", {"page": page})
    assert f'value="{page.pk}"' in html


# --- Recording votes ---------------------------------------------------------------------------------------


def test_votes_add_up_in_one_row_per_page_per_day(commune_a):
    page = section(commune_a)
    for useful, reason in (("yes", ""), ("yes", ""), ("no", "outdated"), ("no", "")):
        response = rate(commune_a, page, useful, reason, REMOTE_ADDR=f"10.0.0.{len(reason) + len(useful)}")
        assert response.status_code == 200
        assert "Cảm ơn bạn đã đánh giá" in response.content.decode()
        assert "no-store" in response["Cache-Control"] and not response.cookies
    row = PageRating.objects.get()
    assert (row.commune, row.page_id, row.date) == (commune_a, page.pk, timezone.localdate())
    assert (row.useful, row.not_useful, row.reason_outdated, row.reason_missing) == (2, 2, 1, 0)


def test_a_new_day_starts_a_new_row(commune_a):
    page = section(commune_a)
    rating_record(commune_a, page, useful=True, day=date(2026, 3, 1))
    rating_record(commune_a, page, useful=False, reason="unclear", day=date(2026, 3, 2))
    rating_record(commune_a, page, useful=True, day=date(2026, 3, 2))
    assert list(PageRating.objects.order_by("date").values_list("useful", "not_useful", "reason_unclear")) == [
        (1, 0, 0),
        (1, 1, 1),
    ]


def test_too_many_votes_from_one_address_on_one_page_get_429(commune_a):
    page = section(commune_a)
    for _ in range(RATING_LIMIT.count):
        assert rate(commune_a, page).status_code == 200
    response = rate(commune_a, page)
    assert response.status_code == 429 and "nhiều lần trong hôm nay" in response.content.decode()
    assert PageRating.objects.get().useful == RATING_LIMIT.count
    # Another page, or another address, is not held back.
    assert rate(commune_a, section(commune_a, "lien-he")).status_code == 200
    assert rate(commune_a, page, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_a_page_of_another_commune_is_refused(commune_a, commune_b):
    response = rate(commune_a, section(commune_b), host=commune_a.hostname)
    assert response.status_code == 404
    assert not PageRating.objects.exists()


def test_a_draft_or_unknown_page_is_refused(commune_a):
    page = section(commune_a)
    page.unpublish()
    assert rate(commune_a, page).status_code == 404
    assert rate(commune_a, Page(pk=999_999)).status_code == 404
    assert not PageRating.objects.exists()


def test_on_the_portal_address_a_commune_page_is_rated_for_its_commune(commune_a):
    page = section(commune_a)
    assert rate(commune_a, page, host="localhost").status_code == 200
    assert PageRating.objects.get().commune == commune_a
    assert rate(commune_a, Page.objects.get(depth=2), host="localhost").status_code == 404  # the portal itself


@pytest.mark.parametrize(
    "data, status",
    [
        ({"page": "abc", "useful": "yes"}, 400),
        ({"page": "-1", "useful": "yes"}, 400),
        ({"page": "99999999999999999999999", "useful": "yes"}, 400),
        ({"useful": "yes"}, 400),
        ({"page": "{page}", "useful": "rat-tot"}, 400),
        ({"page": "{page}", "useful": "no", "reason": "ten toi la An, so 0912345678"}, 400),
        ({"page": "{page}"}, 400),
    ],
    ids=["page-words", "page-negative", "page-huge", "no-page", "bad-useful", "free-text-reason", "no-answer"],
)
def test_rating_form_refuses_bad_values(commune_a, data, status):
    page = section(commune_a)
    data = {k: v.replace("{page}", str(page.pk)) for k, v in data.items()}
    response = Client().post(
        reverse("rate_page"), data, HTTP_HOST=commune_a.hostname, HTTP_ORIGIN=f"http://{commune_a.hostname}"
    )
    assert response.status_code == status
    body = response.content.decode()
    assert "Không ghi nhận được đánh giá" in body and "no-store" in response["Cache-Control"]
    assert "Traceback" not in body and "This field" not in body
    assert not PageRating.objects.exists()


def test_a_vote_from_another_site_or_a_get_is_refused(client, commune_a):
    page = section(commune_a)
    assert rate(commune_a, page, HTTP_ORIGIN="https://tan-cong.example").status_code == 403
    assert client.get(reverse("rate_page"), HTTP_HOST=commune_a.hostname).status_code == 405
    assert not PageRating.objects.exists()


def test_the_form_works_on_a_page_served_from_the_cache(commune_a):
    client = Client()
    client.get("/tin-tuc/", HTTP_HOST=commune_a.hostname)
    cached = client.get("/tin-tuc/", HTTP_HOST=commune_a.hostname)
    assert cached["X-Cache"] == "hit" and QUESTION in cached.content.decode()
    assert rate(commune_a, section(commune_a), client=client).status_code == 200
    # A vote changes no public page: the page stays cached.
    assert client.get("/tin-tuc/", HTTP_HOST=commune_a.hostname)["X-Cache"] == "hit"


# --- Reading the numbers ---------------------------------------------------------------------------------------


def test_satisfaction_by_commune_sums_the_period_in_one_query(
    commune_a, commune_a2, commune_b, django_assert_num_queries
):
    today = timezone.localdate()
    news_a, contact_a = section(commune_a), section(commune_a, "lien-he")
    rating_record(commune_a, news_a, useful=True, day=today)
    rating_record(commune_a, news_a, useful=True, day=today)
    rating_record(commune_a, contact_a, useful=False, day=today - timedelta(days=3))
    rating_record(commune_a, news_a, useful=True, day=today - timedelta(days=40))  # before the period
    rating_record(commune_b, section(commune_b), useful=False, day=today)
    ids = [commune_a.pk, commune_a2.pk, commune_b.pk]
    with django_assert_num_queries(1):
        result = satisfaction_by_commune(ids, today - timedelta(days=30), today)
    assert result == {commune_a.pk: (2, 3), commune_b.pk: (0, 1)}  # A2 has no votes: absent
    assert satisfaction_by_commune([commune_a.pk], today, today) == {commune_a.pk: (2, 2)}


def test_pages_are_listed_worst_first(commune_a):
    today = timezone.localdate()
    news, contact = section(commune_a), section(commune_a, "lien-he")
    for useful in (True, True, False):
        rating_record(commune_a, news, useful=useful, day=today)
    rating_record(commune_a, contact, useful=False, reason="missing", day=today)
    rows = satisfaction_by_page([commune_a.pk], today, today)
    assert [(r.page.pk, r.useful_percent, r.votes) for r in rows] == [(contact.pk, 0, 1), (news.pk, 67, 3)]
    assert rows[0].reason_list == [("Thiếu thông tin", 1)]


def test_officers_see_their_communes_pages_only(commune_a, commune_b, editor_a):
    today = timezone.localdate()
    rating_record(commune_a, section(commune_a), useful=False, day=today)
    rating_record(commune_b, section(commune_b, "lien-he"), useful=True, day=today)
    body = officer_client(editor_a, commune_a).get(reverse("satisfaction:index")).content.decode()
    assert "Mức độ hài lòng" in body and "Tin tức" in body and "0%" in body
    assert "Liên hệ" not in body and "Tân Phú" not in body


def test_province_admins_see_their_communes_totals(commune_a, commune_a2, commune_b, province_admin_a):
    today = timezone.localdate()
    rating_record(commune_a, section(commune_a), useful=True, day=today)
    rating_record(commune_a, section(commune_a), useful=False, day=today)
    rating_record(commune_b, section(commune_b), useful=True, day=today)
    body = officer_client(province_admin_a, commune_a).get(reverse("satisfaction:index")).content.decode()
    assert "Xã Động Đạt" in body and "50%" in body and "Xã Phú Lương" in body
    assert "Tân Phú" not in body


@pytest.mark.parametrize(
    "params, says",
    [
        ({"start": "31/02/2026"}, "Ngày bắt đầu không hợp lệ."),
        ({"start": "2026-03-10", "end": "2026-03-01"}, "Ngày bắt đầu phải trước"),
        ({"start": "2010-01-01", "end": "2026-01-01"}, "tối đa 3 năm"),
        ({"end": "<script>"}, "Ngày kết thúc không hợp lệ."),
    ],
    ids=["impossible-date", "reversed", "too-long", "markup"],
)
def test_satisfaction_period_form_refuses_bad_values(commune_a, editor_a, params, says):
    response = officer_client(editor_a, commune_a).get(reverse("satisfaction:index"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert says in body and "<script>" not in body.split("</header>")[-1]


def test_the_report_needs_a_bounded_number_of_queries(commune_a, editor_a, django_assert_max_num_queries):
    client = officer_client(editor_a, commune_a)
    client.get(reverse("satisfaction:index"))
    today = timezone.localdate()
    for page in Page.objects.descendant_of(commune_a.home_page, inclusive=True)[:12]:
        rating_record(commune_a, page, useful=False, day=today)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("satisfaction:index")).status_code == 200


def test_demo_ratings_are_seeded_once(commune_a):
    demo.seed_commune(commune_a)
    count = PageRating.objects.filter(commune=commune_a).count()
    demo.seed_commune(commune_a)
    assert count and PageRating.objects.filter(commune=commune_a).count() == count
