"""Disclosures (công khai): posting rules, the public section, archive and quarterly register, the admin guard."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry

from pages.disclosures import demo
from pages.disclosures.models import (
    MIN_DAYS,
    PERMANENT_GROUPS,
    REQUIRED_GROUPS,
    DisclosureAttachment,
    DisclosureChannel,
    DisclosureGroup,
    DisclosureIndexPage,
    DisclosurePage,
    quarter_of,
)
from pages.disclosures.selectors import disclosure_stats
from pages.disclosures.services import EARLY_REMOVAL_ACTION, guarded_disclosures
from sites.models import PublicHoliday
from sites.text import vn_slugify
from tests.factories import make_officer, make_superuser
from tests.test_bad_input_forms import assert_refused, client_for, post_form, snapshot
from tests.test_guidance import make_file

pytestmark = pytest.mark.django_db

G = DisclosureGroup
INDEX_PATH = "/cong-khai/"
TODAY = timezone.localdate()
# A quiet week (no seeded holiday): decision on Monday 05/10/2026, a test holiday on Wednesday 07/10.
MONDAY = date(2026, 10, 5)


def disclosure_index(commune) -> DisclosureIndexPage:
    return DisclosureIndexPage.objects.child_of(commune.home_page).get()


def add_disclosure(commune, title="Công khai dự toán ngân sách năm 2026", *, files=(), **fields) -> DisclosurePage:
    """A published disclosure in the commune's section (posted today unless posted_date is given)."""
    values = {
        "group": G.BUDGET,
        "summary": "Dự toán thu, chi ngân sách xã năm 2026 đã được Hội đồng nhân dân xã thông qua.",
        "decision_number": "12/QĐ-UBND",
        "decision_date": TODAY - timedelta(days=1),
        "posted_date": TODAY,
        "channels": [DisclosureChannel.WEBSITE, DisclosureChannel.NOTICE_BOARD],
    }
    values.update(fields)
    if "decision_date" not in fields:
        values["decision_date"] = values["posted_date"] - timedelta(days=1)
    page = DisclosurePage(title=title, slug=vn_slugify(f"{title} {values['posted_date']}"), **values)
    page.attachments = [DisclosureAttachment(document=f, caption="Bản quyết định") for f in files]
    return disclosure_index(commune).add_child(instance=page)


def body(client, commune, path, **params) -> str:
    response = client.get(path, params, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def register_titles(html: str) -> list[str]:
    return re.findall(r'<td data-label="Nội dung công khai">(?:<a href="[^"]+">)?([^<]+)<', html)


@pytest.fixture
def approver_b(commune_b):
    return make_officer(commune_b, "approver", username="pheduyet.b")


@pytest.fixture
def holiday():
    return PublicHoliday.objects.create(date=MONDAY + timedelta(days=2), name="Ngày nghỉ thử")


# --- The section exists on every commune ------------------------------------------------------------


def test_every_new_commune_gets_the_disclosure_section(commune_a):
    index = disclosure_index(commune_a)
    assert index.slug == "cong-khai" and index.title == "Công khai thông tin" and index.live


def test_commune_refresh_adds_the_section_to_an_existing_commune(commune_a):
    from sites import services

    disclosure_index(commune_a).delete()
    services.commune_refresh(commune_a)
    assert disclosure_index(commune_a).slug == "cong-khai"


def test_the_thirteen_groups_and_other_are_in_the_laws_order():
    assert len(REQUIRED_GROUPS) == 13 and list(G)[-1] == G.OTHER
    assert PERMANENT_GROUPS == {G.DEMOCRACY_REGULATION, G.PROCEDURES}
    assert list(G).index(G.DEMOCRACY_REGULATION) == 3 and list(G).index(G.PROCEDURES) == 12


# --- Late posting: working days, holidays counted out ---------------------------------------------------


def _on(decided, posted, **fields):
    return DisclosurePage(group=G.BUDGET, decision_date=decided, posted_date=posted, min_days=30, **fields)


def test_five_working_days_with_a_weekend_and_a_holiday_between_is_on_time(holiday):
    # Tue 6 (1), Wed 7 holiday, Thu 8 (2), Fri 9 (3), weekend, Mon 12 (4), Tue 13 (5).
    page = _on(MONDAY, date(2026, 10, 13))
    assert page.working_days_taken == 5
    assert not page.is_late and page.working_days_late == 0


def test_six_working_days_is_late(holiday):
    page = _on(MONDAY, date(2026, 10, 14))
    assert page.working_days_taken == 6 and page.working_days_late == 1 and page.is_late
    assert page.late_message == (
        "Văn bản được công khai sau 6 ngày làm việc kể từ ngày quyết định; luật yêu cầu trong 5 ngày làm việc."
    )


def test_without_the_holiday_the_same_dates_are_one_day_later():
    assert _on(MONDAY, date(2026, 10, 13)).working_days_taken == 6


def test_an_unposted_disclosure_counts_to_today():
    page = DisclosurePage(group=G.BUDGET, decision_date=TODAY, posted_date=None)
    assert page.effective_posted_date == TODAY and page.working_days_taken == 0


# --- Minimum posting period ----------------------------------------------------------------------------


def test_thirty_day_period_ends_thirty_days_after_posting():
    page = _on(date(2026, 10, 1), date(2026, 10, 3))
    assert page.computed_ends_on == date(2026, 11, 2)
    assert page.period_text == "Đăng ngày 03/10/2026 – công khai đến hết 02/11/2026"
    assert page.is_current(date(2026, 11, 2)) and not page.is_current(date(2026, 11, 3))
    assert not page.is_current(date(2026, 10, 2))  # not posted yet


@pytest.mark.parametrize("group", sorted(PERMANENT_GROUPS))
def test_permanent_groups_have_no_end_and_store_no_period(commune_a, group):
    page = add_disclosure(commune_a, "Quy chế dân chủ ở cơ sở", group=group, posted_date=date(2020, 1, 2))
    page.refresh_from_db()
    assert page.min_days is None and page.ends_on is None and page.computed_ends_on is None
    assert page.is_current(date(2099, 1, 1))
    assert page.period_text == "Công khai thường xuyên"


def test_posted_date_defaults_to_the_day_of_first_publication(commune_a, approver_a):
    index = disclosure_index(commune_a)
    page = index.add_child(
        instance=DisclosurePage(
            title="Công khai quỹ",
            slug="cong-khai-quy",
            group=G.FUNDS,
            summary="Quỹ phòng, chống thiên tai",
            decision_date=TODAY,
            channels=["website"],
            live=False,
        )
    )
    assert page.posted_date is None
    page.save_revision(user=approver_a).publish(user=approver_a)
    page.refresh_from_db()
    assert page.posted_date == TODAY and page.ends_on == TODAY + timedelta(days=MIN_DAYS)
    # A later draft (whose revision has no date) keeps the first date when published again.
    page.summary = "Quỹ phòng, chống thiên tai năm 2026"
    page.posted_date = None
    page.save_revision(user=approver_a)
    page.get_latest_revision_as_object().save_revision(user=approver_a).publish(user=approver_a)
    page.refresh_from_db()
    assert page.posted_date == TODAY


# --- Public section: current by group, detail, archive ---------------------------------------------------


def test_section_shows_current_disclosures_grouped_in_the_laws_order(client, commune_a):
    add_disclosure(commune_a, "Phí vệ sinh môi trường", group=G.FEES)
    add_disclosure(commune_a, "Dự toán ngân sách 2026", group=G.BUDGET)
    add_disclosure(commune_a, "Quy chế dân chủ", group=G.DEMOCRACY_REGULATION, posted_date=date(2024, 3, 1))
    add_disclosure(commune_a, "Hỗ trợ hộ nghèo cũ", group=G.SUPPORT_POLICIES, posted_date=TODAY - timedelta(days=60))
    html = body(client, commune_a, INDEX_PATH)
    headings = re.findall(r'<h2 id="nhom-\d+">([^<]+)</h2>', html)
    assert headings == [str(g.label) for g in (G.BUDGET, G.DEMOCRACY_REGULATION, G.FEES)]
    assert "Hỗ trợ hộ nghèo cũ" not in html  # past its period: in the archive
    assert "Công khai thường xuyên" in html
    assert "Có 3 thông tin đang trong thời hạn công khai." in html


def test_home_page_lists_current_disclosures_and_links_to_the_section(client, commune_a, commune_b):
    add_disclosure(commune_a, "Công khai dự toán còn hạn")
    add_disclosure(commune_a, "Công khai đã hết hạn", posted_date=TODAY - timedelta(days=40))
    add_disclosure(commune_b, "Công khai của xã khác")
    html = body(client, commune_a, "/")
    assert 'id="home-cong-khai"' in html and "Công khai dự toán còn hạn" in html
    assert "Công khai đã hết hạn" not in html and "Công khai của xã khác" not in html
    assert 'href="/cong-khai/"' in html


def test_detail_page_shows_group_decision_dates_channels_and_attachments(client, commune_a):
    pdf = make_file(commune_a, "du-toan-2026.pdf")
    page = add_disclosure(
        commune_a,
        "Dự toán ngân sách 2026",
        decision_date=date(2026, 10, 1),
        posted_date=date(2026, 10, 3),
        files=[pdf],
    )
    html = body(client, commune_a, page.url)
    for text in (
        str(G.BUDGET.label),
        "12/QĐ-UBND",
        "01/10/2026",
        "Đăng ngày 03/10/2026 – công khai đến hết 02/11/2026",
        "Trang thông tin điện tử, Niêm yết tại trụ sở UBND",
        "Tải về: Bản quyết định",
    ):
        assert text in html, text


def test_archive_lists_past_disclosures_filtered_by_group_and_year(client, commune_a):
    add_disclosure(commune_a, "Hỗ trợ hộ nghèo 2025", group=G.SUPPORT_POLICIES, posted_date=date(2025, 3, 2))
    add_disclosure(commune_a, "Quyết toán ngân sách 2024", group=G.BUDGET, posted_date=date(2025, 4, 2))
    add_disclosure(commune_a, "Quyết toán ngân sách 2023", group=G.BUDGET, posted_date=date(2024, 4, 2))
    add_disclosure(commune_a, "Dự toán còn hạn", group=G.BUDGET)
    add_disclosure(commune_a, "Thủ tục thường xuyên", group=G.PROCEDURES, posted_date=date(2020, 1, 2))
    html = body(client, commune_a, INDEX_PATH + "luu-tru/")
    assert "Có 3 thông tin." in html
    assert "Dự toán còn hạn" not in html and "Thủ tục thường xuyên" not in html
    html = body(client, commune_a, INDEX_PATH + "luu-tru/", group=G.BUDGET, year="2025")
    assert "Quyết toán ngân sách 2024" in html
    assert "Quyết toán ngân sách 2023" not in html and "Hỗ trợ hộ nghèo 2025" not in html


def test_archive_is_paginated(client, commune_a):
    for n in range(22):
        add_disclosure(commune_a, f"Thông tin cũ số {n}", posted_date=date(2025, 1, 2) + timedelta(days=n))
    html = body(client, commune_a, INDEX_PATH + "luu-tru/")
    assert "Trang 1/2" in html and html.count('data-label="Nội dung"') == 20
    assert body(client, commune_a, INDEX_PATH + "luu-tru/", page="2").count('data-label="Nội dung"') == 2


@pytest.mark.parametrize(
    "params",
    [
        {"year": "hai nghìn", "group": "<script>alert(1)</script>"},
        {"year": "99999999999999999999", "page": "-3"},
        {"group": "x" * 5000, "page": "abc"},
        {"year": "\x00"},
    ],
    ids=["words", "huge-year", "long-group", "nul"],
)
def test_archive_filter_survives_bad_values(client, commune_a, params):
    add_disclosure(commune_a, "Hỗ trợ hộ nghèo 2025", group=G.SUPPORT_POLICIES, posted_date=date(2025, 3, 2))
    body(client, commune_a, INDEX_PATH + "luu-tru/")  # the site's settings rows are made on the first visit
    before = snapshot()
    html = body(client, commune_a, INDEX_PATH + "luu-tru/", **params)
    assert "<script>alert(1)</script>" not in html
    assert "Hỗ trợ hộ nghèo 2025" in html  # a bad filter is left out, not an error page
    assert snapshot() == before


def test_resident_search_finds_a_disclosure_without_diacritics(client, commune_a, commune_b):
    add_disclosure(commune_a, "Danh sách hộ được hỗ trợ tiền điện", group=G.SUPPORT_POLICIES)
    add_disclosure(commune_b, "Danh sách hộ được hỗ trợ tiền điện ở xã B", group=G.SUPPORT_POLICIES)
    html = body(client, commune_a, "/tim-kiem/", q="ho tro tien dien")
    assert "tiền điện" in html and "ở xã B" not in html


# --- Quarterly register ----------------------------------------------------------------------------------


def test_register_lists_the_quarters_that_have_disclosures_newest_first(client, commune_a):
    add_disclosure(commune_a, "A", posted_date=date(2026, 2, 3))
    add_disclosure(commune_a, "B", posted_date=date(2026, 8, 3))
    add_disclosure(commune_a, "C", posted_date=date(2026, 9, 30))
    html = body(client, commune_a, INDEX_PATH + "so-dang-ky/")
    assert re.findall(r"<li><a href=\"[^\"]+\">(Quý [IV]+ năm \d+)</a></li>", html) == [
        "Quý III năm 2026",
        "Quý I năm 2026",
    ]
    assert f"{INDEX_PATH}so-dang-ky/2026/3/" in html


def test_register_of_a_quarter_has_only_its_items_in_date_order_with_forms_and_periods(client, commune_a):
    add_disclosure(commune_a, "Trước quý", posted_date=date(2026, 6, 30), decision_date=date(2026, 6, 29))
    add_disclosure(
        commune_a,
        "Danh sách gọi nhập ngũ",
        group=G.MILITARY,
        decision_number="88/QĐ-UBND",
        decision_date=date(2026, 8, 1),
        posted_date=date(2026, 8, 3),
        min_days=45,
        channels=[DisclosureChannel.NOTICE_BOARD, DisclosureChannel.LOUDSPEAKER],
    )
    add_disclosure(
        commune_a,
        "Quy chế dân chủ",
        group=G.DEMOCRACY_REGULATION,
        decision_number="",
        decision_date=date(2026, 7, 1),
        posted_date=date(2026, 7, 2),
        channels=[DisclosureChannel.WEBSITE],
    )
    add_disclosure(commune_a, "Sau quý", posted_date=date(2026, 10, 1), decision_date=date(2026, 9, 30))
    draft = add_disclosure(commune_a, "Bản nháp", posted_date=date(2026, 8, 5))
    draft.unpublish()
    html = body(client, commune_a, INDEX_PATH + "so-dang-ky/2026/3/")
    assert register_titles(html) == ["Quy chế dân chủ", "Danh sách gọi nhập ngũ"]
    assert "Sổ theo dõi công khai thông tin quý III năm 2026" in html
    assert "Từ ngày 01/07/2026 đến ngày 30/09/2026" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]
    first, second = rows
    assert "Thường xuyên" in first and "Trang thông tin điện tử" in first and "01/07/2026" in first
    assert "45 ngày (đến hết 17/09/2026)" in second and "88/QĐ-UBND, 01/08/2026" in second
    assert "Niêm yết tại trụ sở UBND; Loa truyền thanh" in second and "03/08/2026" in second


def test_register_print_page_is_a4_with_header_date_line_and_signatures(client, commune_a):
    add_disclosure(commune_a, "Danh sách gọi nhập ngũ", group=G.MILITARY, posted_date=date(2026, 8, 3))
    response = client.get(INDEX_PATH + "so-dang-ky/2026/3/in/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    html = response.content.decode()
    for text in (
        "SỔ THEO DÕI CÔNG KHAI THÔNG TIN",
        "Quý III năm 2026",
        commune_a.agency_name.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "ngày … tháng … năm …",
        "TM. ỦY BAN NHÂN DÂN",
        "(Ký, ghi rõ họ tên, đóng dấu)",
        "disclosures/register_print",
    ):
        assert text in html, text
    assert register_titles(html) == ["Danh sách gọi nhập ngũ"]
    assert "<script>" not in html.replace('<script src="', "")  # no inline script (CSP)


@pytest.mark.parametrize(
    "path", ["2026/5/", "2026/0/", "0/1/", "99999999999999999999/1/", "2026/abc/", "2026/3/in/x/", "2026/5/in/"]
)
def test_bad_year_or_quarter_is_404_not_500(client, commune_a, path):
    response = client.get(INDEX_PATH + "so-dang-ky/" + path, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["", "luu-tru/", "so-dang-ky/", "so-dang-ky/2026/3/", "so-dang-ky/2026/3/in/"])
def test_public_pages_make_the_same_queries_for_2_and_12_disclosures(
    client, commune_a, uncached, django_assert_max_num_queries, suffix
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.get(INDEX_PATH + suffix, HTTP_HOST=commune_a.hostname)  # warm the per-commune caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(INDEX_PATH + suffix, HTTP_HOST=commune_a.hostname)
        assert response.status_code == 200
        return len(queries)

    def add(n, offset):
        for i in range(n):
            group = list(G)[(i + offset) % len(G)]
            add_disclosure(commune_a, f"Thông tin {offset + i}", group=group, posted_date=date(2026, 8, 1 + i))
            add_disclosure(commune_a, f"Lưu trữ {offset + i}", posted_date=date(2025, 8, 1 + i))

    add(1, 0)
    small = count()
    add(5, 1)
    assert count() <= small
    with django_assert_max_num_queries(small):
        client.get(INDEX_PATH + suffix, HTTP_HOST=commune_a.hostname)


def test_publishing_a_disclosure_refreshes_the_cached_register(client, commune_a, approver_a):
    year, quarter = quarter_of(TODAY)
    path = f"{INDEX_PATH}so-dang-ky/{year}/{quarter}/"
    assert "Trong quý này chưa có thông tin" in body(client, commune_a, path)
    page = add_disclosure(commune_a, "Mới công khai")
    page.save_revision(user=approver_a).publish(user=approver_a)
    assert "Mới công khai" in body(client, commune_a, path)


# --- Isolation ---------------------------------------------------------------------------------------------


def test_b_disclosure_never_answers_on_a_host(client, commune_a, commune_b):
    page_b = add_disclosure(commune_b, "BMARKER công khai", posted_date=date(2026, 8, 3))
    path = page_b.get_url_parts()[2]
    assert client.get(path, HTTP_HOST=commune_b.hostname).status_code == 200
    assert client.get(path, HTTP_HOST=commune_a.hostname).status_code == 404
    for suffix in ("", "luu-tru/", "so-dang-ky/", "so-dang-ky/2026/3/", "so-dang-ky/2026/3/in/"):
        assert "BMARKER" not in body(client, commune_a, INDEX_PATH + suffix)


def test_editor_cannot_open_other_commune_disclosure_in_admin(client, commune_a, commune_b, editor_a):
    page_b = add_disclosure(commune_b, "BMARKER công khai")
    client.force_login(editor_a)
    for name in ("wagtailadmin_pages:edit", "wagtailadmin_pages:delete", "wagtailadmin_pages:unpublish"):
        response = client.get(reverse(name, args=[page_b.pk]), HTTP_HOST=commune_a.hostname)
        assert response.status_code == 404, name


def test_stats_count_posted_late_missing_and_current_per_commune(commune_a, commune_b, holiday):
    add_disclosure(commune_a, "Đúng hạn", decision_date=MONDAY, posted_date=date(2026, 10, 13))
    add_disclosure(commune_a, "Muộn", group=G.FEES, decision_date=MONDAY, posted_date=date(2026, 10, 14))
    add_disclosure(
        commune_a, "Thường xuyên", group=G.PROCEDURES, decision_date=date(2025, 1, 2), posted_date=date(2025, 1, 3)
    )
    withdrawn = add_disclosure(commune_a, "Đã gỡ", group=G.RELIEF, posted_date=date(2026, 10, 20))
    withdrawn.unpublish()
    add_disclosure(commune_b, "Của xã B", group=G.MILITARY, decision_date=MONDAY, posted_date=date(2026, 10, 30))
    communes = [commune_a, commune_b]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        stats = disclosure_stats(communes, date(2026, 10, 1), date(2026, 11, 13))
    assert len(queries) <= 3
    a, b = stats[commune_a.pk], stats[commune_b.pk]
    assert (a.posted, a.late, a.current) == (3, 1, 2)  # "Đúng hạn" ended 12/11; the withdrawn one is not current
    assert G.BUDGET.value not in a.missing_groups and G.RELIEF.value in a.missing_groups
    assert len(a.missing_groups) == 13 - 3
    assert (b.posted, b.late, b.current) == (1, 1, 1) and len(b.missing_groups) == 12


# --- Admin: page form, late warning, guard --------------------------------------------------------------


def add_url(commune):
    return reverse("wagtailadmin_pages:add", args=["disclosures", "disclosurepage", disclosure_index(commune).pk])


GOOD = {
    "title": "Công khai dự toán ngân sách",
    "slug": "cong-khai-du-toan",
    "group": G.BUDGET.value,
    "summary": "Dự toán ngân sách xã năm 2026.",
    "decision_number": "12/QĐ-UBND",
    "decision_date": f"{TODAY:%Y-%m-%d}",
    "posted_date": "",
    "min_days": "30",
    "channels": ["website", "notice_board"],
}


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"decision_date": f"{TODAY + timedelta(days=1):%Y-%m-%d}"}, ["không được sau hôm nay"]),
        ({"decision_date": "31/02/2026"}, ["hợp lệ"]),
        ({"decision_date": ""}, ["bắt buộc"]),
        (
            {
                "decision_date": f"{TODAY - timedelta(days=3):%Y-%m-%d}",
                "posted_date": f"{TODAY - timedelta(days=5):%Y-%m-%d}",
            },
            ["không được trước ngày ban hành"],
        ),
        ({"min_days": "29"}, ["tối thiểu là 30 ngày"]),
        ({"min_days": ""}, ["ít nhất 30 ngày"]),
        ({"min_days": "-5"}, ["0"]),
        # A draft may leave it empty (Wagtail defers required fields); submitting it for approval may not.
        ({"channels": None, "action-submit": "action-submit"}, ["Chọn ít nhất một hình thức công khai."]),
        ({"channels": ["website", "zalo"]}, ["không có trong danh sách"]),
        ({"group": "ngan_sach"}, ["hợp lệ"]),
        ({"slug": "so-dang-ky"}, ["đã dành cho trang của chuyên mục"]),
        ({"decision_number": "12/QĐ-UBND " * 10}, ["tối đa 60 kí tự"]),
    ],
    ids=[
        "decision-in-future",
        "decision-malformed",
        "decision-missing",
        "posted-before-decision",
        "period-too-short",
        "period-missing",
        "period-negative",
        "no-channel",
        "unknown-channel",
        "unknown-group",
        "reserved-slug",
        "number-too-long",
    ],
)
def test_disclosure_form_refuses_bad_values(commune_a, editor_a, changes, says):
    client = client_for(editor_a, commune_a)
    before = snapshot()
    response = post_form(client, add_url(commune_a), {**GOOD, **changes})
    assert_refused(response, before, *says)


def test_permanent_group_ignores_the_period_field(commune_a, approver_a):
    client = client_for(approver_a, commune_a)
    data = {**GOOD, "group": G.PROCEDURES.value, "min_days": "5", "action-publish": "action-publish"}
    response = post_form(client, add_url(commune_a), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = DisclosurePage.objects.get(slug="cong-khai-du-toan")
    assert page.live and page.min_days is None and page.posted_date == TODAY


def _publish_from_admin(client, commune, decided: date, posted: str = ""):
    data = {**GOOD, "decision_date": f"{decided:%Y-%m-%d}", "posted_date": posted, "action-publish": "action-publish"}
    return post_form(client, add_url(commune), data)


def test_publishing_more_than_five_working_days_late_warns_but_publishes(commune_a, approver_a):
    client = client_for(approver_a, commune_a)
    decided = TODAY
    from sites.workdays import add_working_days

    # The decision date that puts today 8 working days after it.
    while add_working_days(decided, 8) < TODAY:
        decided += timedelta(days=1)
    while add_working_days(decided, 8) > TODAY:
        decided -= timedelta(days=1)
    response = _publish_from_admin(client, commune_a, decided, posted=f"{add_working_days(decided, 8):%Y-%m-%d}")
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "Văn bản được công khai sau 8 ngày làm việc kể từ ngày quyết định; luật yêu cầu trong 5 ngày làm việc." in shown
    )
    page = DisclosurePage.objects.get(slug="cong-khai-du-toan")
    assert page.live and page.is_late
    assert "(công khai muộn)" in page.get_admin_display_title()


def test_publishing_on_time_shows_no_warning(commune_a, approver_a):
    client = client_for(approver_a, commune_a)
    response = _publish_from_admin(client, commune_a, TODAY)
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if "ngày làm việc" in str(m)]


def test_editor_submitting_a_late_disclosure_is_warned_too(commune_a, editor_a):
    client = client_for(editor_a, commune_a)
    data = {
        **GOOD,
        "decision_date": f"{TODAY - timedelta(days=30):%Y-%m-%d}",
        "action-submit": "action-submit",
    }
    response = post_form(client, add_url(commune_a), data)
    assert response.status_code == 302
    assert any("ngày làm việc kể từ ngày quyết định" in str(m) for m in get_messages(response.wsgi_request))


# --- Minimum-period guard: unpublish, delete, bulk ----------------------------------------------------------


def _unpublish(client, page, **extra):
    return client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]), extra)


def _delete(client, page, **extra):
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), extra)


def _early_removals(page):
    return PageLogEntry.objects.filter(page_id=page.pk, action=EARLY_REMOVAL_ACTION)


def test_guard_covers_current_and_permanent_disclosures_only(commune_a):
    current = add_disclosure(commune_a, "Còn hạn")
    permanent = add_disclosure(commune_a, "Thường xuyên", group=G.PROCEDURES, posted_date=date(2020, 1, 2))
    ended = add_disclosure(commune_a, "Hết hạn", posted_date=TODAY - timedelta(days=31))
    index = disclosure_index(commune_a)
    assert {p.pk for p in guarded_disclosures([current, permanent, ended])} == {current.pk, permanent.pk}
    assert {p.pk for p in guarded_disclosures([index], descendants=True)} == {current.pk, permanent.pk}
    assert guarded_disclosures([index]) == []


def test_province_admin_cannot_unpublish_a_disclosure_before_its_period_ends(commune_a, province_admin_a):
    page = add_disclosure(commune_a, posted_date=date(2026, 11, 20))
    client = client_for(province_admin_a, commune_a)
    response = _unpublish(client, page)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Chưa hết thời hạn công khai tối thiểu (đến hết 20/12/2026)." in html
    assert "Chỉ lãnh đạo phê duyệt mới gỡ được trước thời hạn." in html
    page.refresh_from_db()
    assert page.live and not _early_removals(page).exists()


def test_editor_can_neither_unpublish_nor_delete_a_disclosure(commune_a, editor_a):
    page = add_disclosure(commune_a)
    client = client_for(editor_a, commune_a)
    for response in (_unpublish(client, page), _delete(client, page, disclosure_reason="Tôi muốn gỡ trang này")):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/admin/" in response["Location"]
    page.refresh_from_db()
    assert page.live and not _early_removals(page).exists()


def test_province_admin_cannot_delete_a_permanent_disclosure(commune_a, province_admin_a):
    page = add_disclosure(commune_a, "Thủ tục", group=G.PROCEDURES, posted_date=date(2020, 1, 2))
    client = client_for(province_admin_a, commune_a)
    for response in (
        client.get(reverse("wagtailadmin_pages:delete", args=[page.pk])),
        _delete(client, page, disclosure_reason="Tôi muốn xóa trang này"),
    ):
        assert response.status_code == 403
        assert "Thông tin thuộc nhóm công khai thường xuyên. Chỉ lãnh đạo phê duyệt mới gỡ được." in (
            response.content.decode()
        )
    assert Page.objects.filter(pk=page.pk).exists()


def test_approver_must_give_a_reason_before_unpublishing_early(commune_a, approver_a):
    page = add_disclosure(commune_a)
    client = client_for(approver_a, commune_a)
    asked = _unpublish(client, page)
    assert asked.status_code == 200
    assert "Lý do gỡ trước thời hạn" in asked.content.decode()
    for reason, says in (("", "Hãy ghi lý do gỡ trước thời hạn."), ("  x ", "Lý do quá ngắn"), ("x" * 501, "dài quá")):
        response = _unpublish(client, page, disclosure_reason=reason)
        assert response.status_code == 200 and says in response.content.decode(), reason
        page.refresh_from_db()
        assert page.live and not _early_removals(page).exists()
    response = _unpublish(client, page, disclosure_reason="Quyết định đã được thay thế bằng Quyết định 52/QĐ-UBND")
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    [entry] = _early_removals(page)
    assert entry.user == approver_a and entry.data["action"] == "unpublish"
    assert entry.data["reason"] == "Quyết định đã được thay thế bằng Quyết định 52/QĐ-UBND"


def test_approver_confirms_an_early_delete_with_a_reason(commune_a, approver_a):
    page = add_disclosure(commune_a)
    client = client_for(approver_a, commune_a)
    form = client.get(reverse("wagtailadmin_pages:delete", args=[page.pk]))
    assert form.status_code == 200 and "disclosure_reason" in form.content.decode()
    response = _delete(client, page, disclosure_reason="Đăng nhầm nội dung của thôn khác")
    assert response.status_code == 302
    assert not Page.objects.filter(pk=page.pk).exists()
    assert _early_removals(page).get().data["action"] == "delete"


def test_approver_of_another_commune_is_refused(commune_a, commune_b, approver_b):
    page_b = add_disclosure(commune_b)
    assert not guarded_disclosures([page_b]) == []
    from pages.disclosures.services import may_confirm_early_removal

    approver_a = make_officer(commune_a, "approver", username="pheduyet.a2")
    assert may_confirm_early_removal(approver_b, page_b)
    assert not may_confirm_early_removal(approver_a, page_b)
    assert may_confirm_early_removal(make_superuser(), page_b)


def test_a_disclosure_past_its_period_unpublishes_without_confirmation(commune_a, approver_a):
    page = add_disclosure(commune_a, posted_date=TODAY - timedelta(days=MIN_DAYS + 1))
    response = _unpublish(client_for(approver_a, commune_a), page)
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live and not _early_removals(page).exists()


def _bulk_url(action, *pages):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", action])
    return url + "?" + "&".join(f"id={p.pk}" for p in pages) + "&next=/admin/"


def test_bulk_unpublish_is_guarded_too(commune_a, approver_a, province_admin_a):
    page = add_disclosure(commune_a)
    ended = add_disclosure(commune_a, "Hết hạn", posted_date=TODAY - timedelta(days=40))
    url = _bulk_url("unpublish", page, ended)
    refused = client_for(province_admin_a, commune_a).post(url, {})
    assert refused.status_code == 403
    page.refresh_from_db()
    ended.refresh_from_db()
    assert page.live and ended.live
    client = client_for(approver_a, commune_a)
    asked = client.post(url, {})
    assert asked.status_code == 200 and "Lý do gỡ trước thời hạn" in asked.content.decode()
    done = client.post(url, {"disclosure_reason": "Thay bằng bản đã sửa số liệu"})
    assert done.status_code == 302
    page.refresh_from_db()
    ended.refresh_from_db()
    assert not page.live and not ended.live
    assert _early_removals(page).count() == 1 and not _early_removals(ended).exists()


def test_bulk_delete_of_the_section_is_guarded(commune_a, province_admin_a):
    add_disclosure(commune_a)
    index = disclosure_index(commune_a)
    response = client_for(province_admin_a, commune_a).post(_bulk_url("delete", index), {})
    assert response.status_code == 403
    assert DisclosurePage.objects.child_of(index).exists()


def test_admin_api_unpublish_and_delete_refuse_a_disclosure_in_its_period(commune_a, approver_a):
    page = add_disclosure(commune_a)
    ended = add_disclosure(commune_a, "Hết hạn", posted_date=TODAY - timedelta(days=40))
    client = client_for(approver_a, commune_a)

    def act(target, action):
        url = reverse("wagtailadmin_api:pages:action", args=[target.pk, action])
        return client.post(url, {}, content_type="application/json")

    for action in ("unpublish", "delete"):
        response = act(page, action)
        assert response.status_code == 403
        assert "Chưa hết thời hạn công khai tối thiểu" in response.json()["message"]
    page.refresh_from_db()
    assert page.live
    assert act(ended, "unpublish").status_code == 200
    ended.refresh_from_db()
    assert not ended.live


# --- Demo ------------------------------------------------------------------------------------------------


def test_demo_seeds_ten_disclosures_once_with_one_late_and_one_permanent(commune_a):
    demo.seed_commune(commune_a)
    demo.seed_commune(commune_a)
    pages = list(DisclosurePage.objects.descendant_of(commune_a.home_page).live())
    assert len(pages) == len(demo.DEMO_DISCLOSURES) >= 10
    assert sum(p.is_late for p in pages) >= 1
    assert sum(p.is_permanent for p in pages) >= 1
    assert len({p.group for p in pages}) >= 6
    quarters = {quarter_of(p.posted_date) for p in pages}
    assert quarter_of(TODAY) in quarters and len(quarters) >= 2
    assert any(p.attachments.exists() for p in pages)


# --- Public holidays: operators only, in the admin and on the command line ------------------------------------


def holiday_url(name, *args):
    return reverse(f"public_holidays:{name}", args=args)


def test_operator_adds_a_holiday_in_settings_and_the_late_count_follows(commune_a):
    operator = make_superuser()
    client = client_for(operator, commune_a)
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert holiday_url("index") in menu  # the sidebar's Settings menu (JSON for the sidebar script)
    response = client.post(holiday_url("add"), {"date": "2026-10-07", "name": "  Ngày nghỉ   thử "})
    assert response.status_code == 302
    assert PublicHoliday.objects.get(date=date(2026, 10, 7)).name == "Ngày nghỉ thử"
    assert _on(MONDAY, date(2026, 10, 13)).working_days_taken == 5  # the cached calendar was refreshed
    listing = client.get(holiday_url("index")).content.decode()
    assert "Ngày nghỉ thử" in listing


@pytest.mark.parametrize(
    "data, says",
    [
        ({"date": "2026-09-02", "name": "Quốc khánh lần hai"}, ["Ngày này đã có trong danh sách ngày nghỉ."]),
        ({"date": "31/02/2026", "name": "Ngày lạ"}, ["hợp lệ"]),
        ({"date": "", "name": "Nghỉ"}, ["Hãy chọn ngày nghỉ."]),
        ({"date": "2026-10-07", "name": "   "}, ["Hãy ghi tên ngày nghỉ"]),
        ({"date": "2026-10-07", "name": "Nghỉ " * 40}, ["tối đa 150 kí tự"]),
    ],
    ids=["duplicate", "impossible-date", "no-date", "blank-name", "name-too-long"],
)
def test_holiday_form_refuses_bad_values(commune_a, data, says):
    PublicHoliday.objects.get_or_create(date=date(2026, 9, 2), defaults={"name": "Quốc khánh"})
    client = client_for(make_superuser(), commune_a)
    client.get(holiday_url("add"))
    holidays = list(PublicHoliday.objects.values_list("date", "name"))
    before = snapshot()
    response = post_form(client, holiday_url("add"), data)
    assert_refused(response, before, *says)
    assert list(PublicHoliday.objects.values_list("date", "name")) == holidays


@pytest.mark.parametrize("role", ["editor", "approver", "province_admin"])
def test_holidays_are_for_operators_only(commune_a, editor_a, approver_a, province_admin_a, role):
    user = {"editor": editor_a, "approver": approver_a, "province_admin": province_admin_a}[role]
    client = client_for(user, commune_a)
    assert holiday_url("index") not in client.get(reverse("wagtailadmin_home")).content.decode()
    holiday = PublicHoliday.objects.first() or PublicHoliday.objects.create(date=date(2026, 9, 2), name="Quốc khánh")
    for url in (holiday_url("index"), holiday_url("add"), holiday_url("edit", holiday.pk)):
        assert client.get(url).status_code == 404, url
    assert client.post(holiday_url("add"), {"date": "2026-10-07", "name": "Nghỉ"}).status_code == 404
    assert not PublicHoliday.objects.filter(date=date(2026, 10, 7)).exists()


def test_holidays_command_adds_lists_imports_and_removes(tmp_path):
    import io

    from django.core.management import call_command

    def run(*args):
        out = io.StringIO()
        call_command("holidays", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    assert "Đã thêm ngày nghỉ 07/10/2026 (Thứ Tư)." in run("add", "07/10/2026", "Ngày nghỉ thử")
    listing = run("list", "--year", "2026")
    assert "07/10/2026" in listing and "Ngày nghỉ thử" in listing and "Thứ Tư" in listing
    assert "02/09/2026" in listing  # seeded by the migration
    csv_file = tmp_path / "nghi.csv"
    csv_file.write_text("ngay,ten\n08/10/2026,Nghỉ bù\n07/10/2026,Ngày nghỉ thử\n", encoding="utf-8")
    assert "Đã thêm 1 ngày nghỉ; 1 ngày đã có sẵn." in run("import", str(csv_file))
    assert _on(MONDAY, date(2026, 10, 13)).working_days_taken == 4
    assert "Đã bỏ ngày nghỉ 08/10/2026." in run("remove", "08/10/2026")
    assert "Không có ngày nghỉ nào trong năm 1999." in run("list", "--year", "1999")
