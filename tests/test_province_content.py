"""Province alerts and planned outages: posted by a province, shown on the chosen communes only, read-only there."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pages.province_content import services
from pages.province_content.models import AlertKind, ProvinceAlert
from pages.province_content.selectors import active_alerts
from pages.site_content import next_scheduled_change
from sites.models import PublicHoliday
from sites.workdays import add_working_days, forget_holidays
from tests.factories import CommuneFactory, make_officer

pytestmark = pytest.mark.django_db

HANOI = timezone.get_fixed_timezone(7 * 60)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=HANOI)


def publish(province, title="Bão số 3 đổ bộ", *, communes=(), all_communes=False, hours=24, **fields):
    now = timezone.now()
    fields.setdefault("kind", AlertKind.DISASTER)
    fields.setdefault("starts_at", now - timedelta(minutes=1))
    fields.setdefault("expires_at", now + timedelta(hours=hours))
    return services.alert_publish(
        province=province, title=title, communes=communes, all_communes=all_communes, **fields
    )


def page(client, commune, path="/"):
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


@pytest.fixture
def commune_a3(province_a):
    return CommuneFactory(province=province_a, name="Văn Hán")


# --- Public pages ------------------------------------------------------------------------------------------


def test_alert_shows_on_targeted_communes_only(client, commune_a, commune_a2, commune_a3, commune_b):
    publish(commune_a.province, "Lũ quét ở thượng nguồn", communes=[commune_a, commune_a2])
    for commune in (commune_a, commune_a2):
        body = page(client, commune)
        assert "Lũ quét ở thượng nguồn" in body
        assert "Cảnh báo từ UBND tỉnh Thái Nguyên" in body
        assert 'aria-labelledby="canh-bao-tinh"' in body and 'role="alert"' not in body
        # Above the commune's own notices and the page's content.
        assert body.index("Lũ quét ở thượng nguồn") < body.index('id="noi-dung"')
    assert "Lũ quét ở thượng nguồn" not in page(client, commune_a3)
    assert "Lũ quét ở thượng nguồn" not in page(client, commune_b)


def test_alert_for_all_communes_reaches_every_commune_of_the_province_only(client, commune_a, commune_a2, commune_b):
    publish(commune_a.province, "Dịch sốt xuất huyết", all_communes=True, kind=AlertKind.EPIDEMIC)
    assert "Dịch sốt xuất huyết" in page(client, commune_a, "/tin-tuc/")
    assert "Dịch sốt xuất huyết" in page(client, commune_a2)
    assert "Dịch sốt xuất huyết" not in page(client, commune_b)


def test_alert_is_not_shown_before_its_start_nor_after_expiry_nor_once_withdrawn(commune_a):
    now = timezone.now()
    later = publish(commune_a.province, "Sắp hiện", communes=[commune_a], starts_at=now + timedelta(hours=1))
    gone = publish(
        commune_a.province,
        "Đã hết hạn",
        communes=[commune_a],
        starts_at=now - timedelta(days=2),
        expires_at=now - timedelta(days=1),
    )
    withdrawn = publish(commune_a.province, "Đã thu hồi", communes=[commune_a])
    services.alert_withdraw(withdrawn)
    showing = publish(commune_a.province, "Đang hiện", communes=[commune_a])
    assert [a.title for a in active_alerts(commune_a)] == ["Đang hiện"]
    assert later.status_label() == "Chưa đến giờ hiện" and gone.status_label() == "Đã hết hạn"
    assert withdrawn.status_label() == "Đã thu hồi" and showing.status_label() == "Đang hiện"


def test_a_cached_page_stops_when_an_alert_starts_or_expires(commune_a, commune_b):
    now = timezone.now()
    publish(commune_a.province, "Sắp hiện", communes=[commune_a], starts_at=now + timedelta(hours=1))
    publish(commune_a.province, "Đang hiện", communes=[commune_a], expires_at=now + timedelta(minutes=30))
    soonest = next_scheduled_change(commune_a.pk)
    assert soonest is not None and abs((soonest - (now + timedelta(minutes=30))).total_seconds()) < 1
    assert next_scheduled_change(commune_b.pk) is None


def test_one_query_for_the_alerts_whatever_their_number(commune_a, django_assert_num_queries):
    for n in range(5):
        publish(commune_a.province, f"Cảnh báo {n}", all_communes=n % 2 == 0, communes=[commune_a])
    with django_assert_num_queries(1):
        assert len(active_alerts(commune_a)) == 5


# --- Cached pages: exactly the targeted communes are refreshed ---------------------------------------------


def _warm(client, *communes):
    for commune in communes:
        for _ in range(3):
            response = client.get("/", HTTP_HOST=commune.hostname)
        assert response["X-Cache"] == "hit", commune


def _cache_state(client, commune) -> str:
    return client.get("/", HTTP_HOST=commune.hostname)["X-Cache"]


def test_publishing_refreshes_the_targeted_communes_and_leaves_the_others_cached(
    client, commune_a, commune_a2, commune_a3, commune_b
):
    _warm(client, commune_a, commune_a2, commune_a3, commune_b)
    alert = publish(commune_a.province, "Mất điện diện rộng", communes=[commune_a, commune_a2], kind=AlertKind.INCIDENT)
    assert "Mất điện diện rộng" in page(client, commune_a)
    assert "Mất điện diện rộng" in page(client, commune_a2)
    assert _cache_state(client, commune_a3) == "hit" and _cache_state(client, commune_b) == "hit"

    # A commune taken off the list loses the alert at once; the one still listed is refreshed too.
    _warm(client, commune_a, commune_a2)
    services.alert_update(alert, communes=[commune_a2], title="Mất điện diện rộng (cập nhật)")
    assert "Mất điện diện rộng" not in page(client, commune_a)
    assert "Mất điện diện rộng (cập nhật)" in page(client, commune_a2)
    assert _cache_state(client, commune_a3) == "hit"

    _warm(client, commune_a2)
    services.alert_withdraw(alert)
    assert "Mất điện diện rộng" not in page(client, commune_a2)
    assert _cache_state(client, commune_b) == "hit"


def test_an_alert_for_all_communes_refreshes_the_province_only(client, commune_a, commune_a2, commune_b):
    _warm(client, commune_a, commune_a2, commune_b)
    publish(commune_a.province, "Cảnh báo rét đậm", all_communes=True)
    assert "Cảnh báo rét đậm" in page(client, commune_a)
    assert "Cảnh báo rét đậm" in page(client, commune_a2)
    assert _cache_state(client, commune_b) == "hit"


# --- Rules -------------------------------------------------------------------------------------------------


def test_targets_must_be_communes_of_the_province_and_nothing_is_written(commune_a, commune_b):
    with pytest.raises(ValidationError) as caught:
        publish(commune_a.province, communes=[commune_b])
    assert "không phải xã/phường đang hoạt động của Thái Nguyên" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        publish(commune_a.province, communes=[])
    assert "Hãy chọn ít nhất một xã/phường" in str(caught.value)
    assert not ProvinceAlert.objects.exists()


def test_a_link_must_be_a_web_address(commune_a):
    with pytest.raises(ValidationError) as caught:
        publish(commune_a.province, communes=[commune_a], link_url="javascript:alert(1)")
    assert "link_url" in caught.value.message_dict


# A Thursday in a year with no seeded holidays, and its week's national day (Tuesday 2/9/2031).
ANNOUNCED = at(2031, 8, 28, 9, 0)


@pytest.fixture
def holiday(db):
    forget_holidays()
    PublicHoliday.objects.update_or_create(date=date(2031, 9, 2), defaults={"name": "Quốc khánh"})
    forget_holidays()
    yield
    forget_holidays()


def outage(province, communes, outage_start, **fields):
    fields.setdefault("starts_at", ANNOUNCED)
    fields.setdefault("expires_at", outage_start + timedelta(days=1))
    fields.setdefault("restore_expected_at", outage_start + timedelta(hours=8))
    return services.alert_publish(
        province=province,
        kind=AlertKind.PLANNED_OUTAGE,
        title="Ngừng cung cấp dịch vụ công trực tuyến để nâng cấp",
        communes=communes,
        outage_starts_at=outage_start,
        **fields,
    )


def test_planned_outage_needs_seven_working_days_counting_weekends_and_holidays(commune_a, holiday):
    # Announced Thu 28/8: Fri 29, Mon 1/9, (Tue 2/9 Quốc khánh), Wed 3, Thu 4, Fri 5, Mon 8, Tue 9: the 7th is 9/9.
    with pytest.raises(ValidationError) as caught:
        outage(commune_a.province, [commune_a], at(2031, 9, 8, 8, 0))
    message = " ".join(caught.value.message_dict["outage_starts_at"])
    assert "ít nhất 7 ngày làm việc" in message
    assert "Thông báo từ ngày 28/08/2031 thì sớm nhất được ngừng từ ngày 09/09/2031" in message
    assert not ProvinceAlert.objects.exists()
    alert = outage(commune_a.province, [commune_a], at(2031, 9, 9, 8, 0))
    assert alert.is_planned_outage and ProvinceAlert.objects.count() == 1


def test_planned_outage_needs_its_times_and_a_restore_after_the_start(commune_a, holiday):
    with pytest.raises(ValidationError) as caught:
        publish(commune_a.province, communes=[commune_a], kind=AlertKind.PLANNED_OUTAGE)
    assert set(caught.value.message_dict) == {"outage_starts_at", "restore_expected_at"}
    start = at(2031, 9, 15, 8, 0)
    with pytest.raises(ValidationError) as caught:
        outage(commune_a.province, [commune_a], start, restore_expected_at=start - timedelta(hours=1))
    assert "phải sau thời điểm bắt đầu ngừng" in str(caught.value)


def test_an_outage_cannot_be_backdated_to_pass_the_rule(commune_a):
    # Written today with a start in the past: residents read it from today, so today counts.
    soon = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        outage(commune_a.province, [commune_a], soon, starts_at=timezone.now() - timedelta(days=30))
    assert f"Thông báo từ ngày {timezone.localdate():%d/%m/%Y}" in str(caught.value)


def test_planned_outage_shows_its_times_on_the_public_page(client, commune_a):
    day = add_working_days(timezone.localdate(), 8)
    start = datetime(day.year, day.month, day.day, 22, 0, tzinfo=HANOI)
    outage(commune_a.province, [commune_a], start, starts_at=timezone.now() - timedelta(minutes=1))
    body = page(client, commune_a)
    assert "Lịch ngừng cung cấp dịch vụ theo kế hoạch" in body
    restore = start + timedelta(hours=8)
    assert "Ngừng cung cấp từ" in body and f"22:00 {day:%d/%m/%Y}" in body and f"06:00 {restore:%d/%m/%Y}" in body


# --- Admin: province admins post; officers see, never edit ---------------------------------------------------


def admin_client(user, commune) -> Client:
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


def test_province_admin_posts_an_alert_for_two_communes_in_the_admin(
    province_admin_a, commune_a, commune_a2, commune_a3
):
    client = admin_client(province_admin_a, commune_a)
    assert client.get(reverse("province_alerts:add")).status_code == 200
    now = timezone.localtime()
    response = client.post(
        reverse("province_alerts:add"),
        {
            "kind": AlertKind.DISASTER,
            "title": "Sạt lở đất trên quốc lộ 3",
            "text": "Tránh đi qua km 75.",
            "starts_at": (now - timedelta(minutes=5)).strftime("%d/%m/%Y %H:%M"),
            "expires_at": (now + timedelta(days=1)).strftime("%d/%m/%Y %H:%M"),
            "communes": [commune_a.pk, commune_a2.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    alert = ProvinceAlert.objects.get()
    assert alert.created_by == province_admin_a and alert.province == commune_a.province
    assert set(alert.communes.all()) == {commune_a, commune_a2}
    listing = client.get(reverse("province_alerts:index")).content.decode()
    assert "Sạt lở đất trên quốc lộ 3" in listing and "Xã Phú Lương" in listing  # who is targeted


def test_the_admin_form_refuses_a_short_notice_outage_and_names_the_earliest_date(province_admin_a, commune_a, holiday):
    client = admin_client(province_admin_a, commune_a)
    response = client.post(
        reverse("province_alerts:add"),
        {
            "kind": AlertKind.PLANNED_OUTAGE,
            "title": "Bảo trì Cổng dịch vụ công",
            "starts_at": "28/08/2031 09:00",
            "expires_at": "05/09/2031 18:00",
            "outage_starts_at": "04/09/2031 08:00",
            "restore_expected_at": "04/09/2031 17:00",
            "communes": [commune_a.pk],
        },
    )
    assert response.status_code == 200
    assert "sớm nhất được ngừng từ ngày 09/09/2031" in response.content.decode()
    assert not ProvinceAlert.objects.exists()


def test_officers_see_the_alert_on_their_dashboard_but_cannot_open_it_in_the_admin(
    commune_a, commune_a2, editor_a, approver_a
):
    alert = publish(commune_a.province, "Cảnh báo giông lốc", communes=[commune_a])
    other = publish(commune_a.province, "Chỉ cho Phú Lương", communes=[commune_a2])
    for officer in (editor_a, approver_a):
        client = admin_client(officer, commune_a)
        dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Cảnh báo giông lốc" in dashboard and "Chỉ cho Phú Lương" not in dashboard
        assert reverse("province_alerts:edit", args=[alert.pk]) not in dashboard  # read-only: no edit link
        for name in ("index", "add"):
            assert client.get(reverse(f"province_alerts:{name}")).status_code == 404
        for name in ("edit", "delete", "history"):
            url = reverse(f"province_alerts:{name}", args=[alert.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"title": "Sửa trộm"}).status_code == 404
        assert "Cảnh báo của tỉnh" not in client.get(reverse("wagtailadmin_home")).content.decode().split("<main")[0]
    alert.refresh_from_db()
    assert alert.title == "Cảnh báo giông lốc" and alert.withdrawn_at is None
    assert other.withdrawn_at is None


def test_province_admin_of_another_province_gets_404_on_the_alert(commune_a, commune_b, province_admin_b):
    alert = publish(commune_a.province, "Cảnh báo của Thái Nguyên", communes=[commune_a])
    client = admin_client(province_admin_b, commune_b)
    for name in ("edit", "delete", "history"):
        url = reverse(f"province_alerts:{name}", args=[alert.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "Sửa trộm"}).status_code == 404
    assert "Cảnh báo của Thái Nguyên" not in client.get(reverse("province_alerts:index")).content.decode()


def test_withdrawing_in_the_admin_keeps_the_record(client, province_admin_a, commune_a):
    alert = publish(commune_a.province, "Cảnh báo sai", communes=[commune_a])
    admin = admin_client(province_admin_a, commune_a)
    assert admin.post(reverse("province_alerts:delete", args=[alert.pk])).status_code == 302
    alert.refresh_from_db()
    assert alert.withdrawn_at is not None and alert.withdrawn_by == province_admin_a
    assert "Cảnh báo sai" not in page(client, commune_a)


def test_officer_of_two_roles_still_never_reaches_alerts(commune_a):
    officer = make_officer(commune_a, "approver", username="lanhdao.a")
    client = admin_client(officer, commune_a)
    assert client.get(reverse("province_alerts:index")).status_code == 404


# --- Bad values in the admin form: refused in Vietnamese, nothing written -------------------------------------


def _dt(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%d/%m/%Y %H:%M")


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"title": "", "expires_at": ""}, ["Hãy nhập tiêu đề cảnh báo.", "Hãy nhập thời điểm hết hạn."]),
        ({"title": "Bão " * 60}, ["tối đa 150 kí tự"]),
        ({"text": "Mưa lũ " * 80}, ["tối đa 500 kí tự"]),
        ({"link_url": "javascript:alert(document.cookie)"}, ["URL hợp lệ"]),
        ({"starts_at": _dt(3), "expires_at": _dt(1)}, ["Thời điểm hết hạn phải sau thời điểm bắt đầu hiện."]),
        ({"expires_at": "31/02/2031 25:61"}, ["hợp lệ"]),
        ({"kind": "bao"}, ["bao"]),
        ({"communes": None}, ["Hãy chọn ít nhất một xã/phường"]),
        ({"communes": "{commune_b}"}, ["Chỉ chọn được xã/phường đang hoạt động của tỉnh/thành phố mình."]),
        ({"communes": "khong-phai-so"}, ["Chỉ chọn được xã/phường đang hoạt động"]),
        ({"kind": "planned_outage"}, ["cần thời điểm bắt đầu ngừng", "cần thời điểm dự kiến cung cấp lại"]),
        (
            {
                "kind": "planned_outage",
                "starts_at": "28/08/2031 09:00",
                "expires_at": "30/09/2031 09:00",
                "outage_starts_at": "01/09/2031 08:00",
                "restore_expected_at": "01/09/2031 17:00",
            },
            ["ít nhất 7 ngày làm việc", "sớm nhất được ngừng từ ngày"],
        ),
        (
            {
                "kind": "planned_outage",
                "starts_at": "28/08/2031 09:00",
                "expires_at": "30/09/2031 09:00",
                "outage_starts_at": "20/09/2031 08:00",
                "restore_expected_at": "19/09/2031 08:00",
            },
            ["Thời điểm dự kiến cung cấp lại phải sau thời điểm bắt đầu ngừng."],
        ),
    ],
    ids=[
        "empty",
        "title-too-long",
        "text-too-long",
        "javascript-url",
        "expires-before-start",
        "malformed-date",
        "unknown-kind",
        "no-commune",
        "commune-of-another-province",
        "commune-not-a-number",
        "outage-without-times",
        "outage-too-soon",
        "restore-before-outage",
    ],
)
def test_alert_form_refuses_bad_values(province_admin_a, commune_a, commune_a2, commune_b, changes, says):
    from tests.test_bad_input_forms import assert_vietnamese, form_fields, html, shown_errors

    client = admin_client(province_admin_a, commune_a)
    url = reverse("province_alerts:add")
    data = form_fields(client.get(url), url)
    data.update({"title": ["Cảnh báo thử"], "expires_at": [_dt(2)], "communes": [str(commune_a.pk)]})
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value.replace("{commune_b}", str(commune_b.pk))]
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    errors = shown_errors(response)
    assert errors
    page = unescape(html(response))
    for error in errors:
        assert_vietnamese(error)
        assert error in page, error
    text = " ".join(errors)
    for fragment in says:
        assert fragment in text, (fragment, errors)
    assert not ProvinceAlert.objects.exists()


def test_alert_edit_form_refuses_bad_values_and_keeps_the_alert(province_admin_a, commune_a):
    alert = publish(commune_a.province, "Cảnh báo gốc", communes=[commune_a])
    client = admin_client(province_admin_a, commune_a)
    url = reverse("province_alerts:edit", args=[alert.pk])
    from tests.test_bad_input_forms import post_form

    response = post_form(client, url, {"title": "Sửa", "expires_at": _dt(-30)})
    assert response.status_code == 200
    assert "Thời điểm hết hạn phải sau thời điểm bắt đầu hiện." in response.content.decode()
    alert.refresh_from_db()
    assert alert.title == "Cảnh báo gốc"


# --- Demo data --------------------------------------------------------------------------------------------------


def test_the_demo_seeds_the_province_items_once(client, commune_a, commune_a2, commune_b):
    from pages.guidance.models import GuidingDocumentPage
    from pages.news.models import ArticlePage
    from pages.province_content import demo

    for _ in range(2):
        for commune in (commune_a, commune_a2, commune_b):
            demo.seed_commune(commune)
    assert ProvinceAlert.objects.filter(province=commune_a.province).count() == 2
    assert not ProvinceAlert.objects.filter(province=commune_b.province).exists()
    outage_alert = ProvinceAlert.objects.get(kind=AlertKind.PLANNED_OUTAGE)
    assert outage_alert.all_communes and outage_alert.restore_expected_at
    home = page(client, commune_a)
    assert demo.ALERT_TITLE in home and demo.OUTAGE_TITLE in home
    assert demo.ARTICLE_TITLE in page(client, commune_a2, "/tin-tuc/")
    assert demo.DOCUMENT_NUMBER in page(client, commune_a2, "/van-ban-chi-dao-dieu-hanh/")
    assert ArticlePage.objects.filter(title=demo.ARTICLE_TITLE).count() == 1
    assert GuidingDocumentPage.objects.filter(number=demo.DOCUMENT_NUMBER).count() == 1
    assert demo.ALERT_TITLE not in page(client, commune_b)


def test_an_admin_of_two_provinces_picks_the_province_and_its_communes(commune_a, commune_b, province_admin_a):
    province_admin_a.groups.add(commune_b.province.admins_group)
    client = admin_client(province_admin_a, commune_a)
    url = reverse("province_alerts:add")
    data = {"kind": AlertKind.OTHER, "title": "Cảnh báo hai tỉnh", "expires_at": _dt(2), "starts_at": _dt(0)}
    response = client.post(url, {**data, "communes": [commune_a.pk]})
    assert "Hãy chọn tỉnh/thành phố." in response.content.decode()
    response = client.post(url, {**data, "province_choice": commune_b.province_id, "communes": [commune_a.pk]})
    assert "không phải xã/phường đang hoạt động của Quảng Ngãi" in unescape(response.content.decode())
    assert not ProvinceAlert.objects.exists()
    response = client.post(url, {**data, "province_choice": commune_b.province_id, "communes": [commune_b.pk]})
    assert response.status_code == 302
    assert ProvinceAlert.objects.get().province == commune_b.province
