"""Province oversight: page views, per-commune figures, compliance, the dashboard and its exports, reminders."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Page

from oversight import page_views, reports
from oversight.compliance import CHECKS, compliance
from oversight.models import CommuneDailyViews, ReviewDigest
from oversight.selectors import commune_metrics, period_for, with_homes
from oversight.services import review_reminders_send
from pages.disclosures.models import REQUIRED_GROUPS, DisclosureGroup
from pages.feedback.models import PageRating
from pages.models import CommuneIdentity, MapPage, StandardPage
from pages.news.models import ArticlePage
from pages.procedures.models import CommuneProcedure, Procedure, ProcedureStatus
from sites.models import Commune
from tests.factories import CommuneFactory, make_officer, make_superuser
from tests.factories_pages import make_image
from tests.factories_procedures import add_catalogue_procedure
from tests.test_disclosures import add_disclosure
from tests.test_guidance import add_document
from tests.test_news import make_article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
TODAY = timezone.localdate()
LAST_YEAR = timezone.make_aware(datetime(TODAY.year - 1, 6, 15, 9, 0))


def publish(page):
    page.save_revision().publish()
    return page


def visit(client, commune, path="/", **extra):
    extra.setdefault("HTTP_USER_AGENT", BROWSER)
    return client.get(path, HTTP_HOST=commune.hostname, **extra)


def intro(commune, slug):
    return StandardPage.objects.get(path__startswith=commune.home_page.path, slug=slug)


def dashboard_url(province, **params):
    url = reverse("oversight:province", args=[province.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def admin_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


# --- Page views -------------------------------------------------------------------------------------


def test_page_views_are_counted_on_cache_miss_and_hit_then_flushed(client, commune_a):
    assert visit(client, commune_a)["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        assert visit(client, commune_a)["X-Cache"] == "hit"
    assert queries.captured_queries == []  # a hit still makes no query: the count is in the cache
    assert page_views.pending_views(commune_a.pk) == 2
    assert not CommuneDailyViews.objects.exists()

    call_command("flush_view_counts", stdout=io.StringIO())
    row = CommuneDailyViews.objects.get(commune=commune_a)
    assert (row.date, row.views) == (TODAY, 2)
    assert page_views.pending_views(commune_a.pk) == 0
    visit(client, commune_a)
    assert page_views.flush_page_views() == 1
    row.refresh_from_db()
    assert row.views == 3
    assert page_views.flush_page_views() == 0


def test_counting_a_view_adds_no_query_when_the_page_is_rendered(client, commune_a, uncached):
    visit(client, commune_a, "/tin-tuc/")  # warm Django's own caches (content types, site)
    with CaptureQueriesContext(connection) as robot:
        visit(client, commune_a, "/tin-tuc/", HTTP_USER_AGENT="Googlebot/2.1")
    with CaptureQueriesContext(connection) as person:
        visit(client, commune_a, "/tin-tuc/")
    assert len(person.captured_queries) == len(robot.captured_queries)
    assert page_views.pending_views(commune_a.pk) == 2  # the two people, not the robot


def test_robots_officers_errors_posts_and_the_admin_are_not_counted(client, commune_a, editor_a):
    visit(client, commune_a, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
    visit(client, commune_a, HTTP_USER_AGENT="")
    assert visit(client, commune_a, "/khong-co-trang-nay/").status_code == 404
    client.post("/", HTTP_HOST=commune_a.hostname, HTTP_USER_AGENT=BROWSER)
    visit(client, commune_a)  # a resident: the page is now in the cache
    visit(client, commune_a, HTTP_USER_AGENT="facebookexternalhit/1.1 (link preview)")  # a hit, by a robot
    assert page_views.pending_views(commune_a.pk) == 1
    officer = Client()
    officer.force_login(editor_a)
    visit(officer, commune_a)
    visit(officer, commune_a, "/admin/")
    assert page_views.pending_views(commune_a.pk) == 1


def test_views_under_the_portal_address_count_for_the_commune(client, commune_a):
    path = f"/{commune_a.province.slug}/{commune_a.slug}/"
    response = client.get(path, HTTP_HOST="localhost", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert page_views.pending_views(commune_a.pk) == 1


# --- A seeded province: the numbers --------------------------------------------------------------------


@pytest.fixture
def commune_a3(province_a):
    return CommuneFactory(province=province_a, name="Yên Lạc")


@pytest.fixture
def seeded(commune_a, commune_a2, commune_a3, commune_b):
    """Known content in three communes of province A and one of B."""
    # News: 3 this year and 1 last year in A; 1 in A2; 5 in B.
    for n in range(3):
        publish(make_article(commune_a, f"Tin {n} của Động Đạt"))
    old = publish(make_article(commune_a, "Tin năm ngoái"))
    Page.objects.filter(pk=old.pk).update(first_published_at=LAST_YEAR, last_published_at=LAST_YEAR)
    draft = make_article(commune_a, "Tin chưa xuất bản")
    Page.objects.filter(pk=draft.pk).update(live=False)
    publish(make_article(commune_a2, "Tin của Phú Lương"))
    for n in range(5):
        publish(make_article(commune_b, f"Tin {n} của Tân Phú"))
    # Guiding documents: 2 in A.
    publish(add_document(commune_a, "96/KH-UBND"))
    publish(add_document(commune_a, "97/KH-UBND"))
    # Procedures: the catalogue lists two for every commune of A; one is abolished; A3 lists none.
    add_catalogue_procedure(commune_a.province, "Đăng ký khai sinh", "1.001193")
    add_catalogue_procedure(commune_a.province, "Đăng ký kết hôn", "1.000894")
    add_catalogue_procedure(commune_a.province, "Cấp bản sao", "2.000815")
    Procedure.objects.filter(code="2.000815").update(status=ProcedureStatus.ABOLISHED)
    CommuneProcedure.objects.filter(commune=commune_a3).delete()
    # Disclosures in A: one on time, one late (decision 20 days before posting).
    publish(add_disclosure(commune_a, "Công khai dự toán"))
    publish(
        add_disclosure(
            commune_a,
            "Công khai quyết toán",
            group=DisclosureGroup.SOCIO_ECONOMIC,
            decision_date=TODAY - timedelta(days=20),
        )
    )
    # Review dates: in A one page and one procedure overdue, one page later; B has an overdue page too.
    page = intro(commune_a, "dieu-kien-tu-nhien")
    page.review_date = TODAY - timedelta(days=3)
    page.save()
    later = intro(commune_a, "di-tich-danh-thang")
    later.review_date = TODAY + timedelta(days=30)
    later.save()
    entry = CommuneProcedure.objects.filter(commune=commune_a).first()
    entry.review_date = TODAY - timedelta(days=1)
    entry.save()
    page_b = intro(commune_b, "dieu-kien-tu-nhien")
    page_b.review_date = TODAY - timedelta(days=3)
    page_b.save()
    # Ratings: A 3 useful of 4; B 1 of 1.
    PageRating.objects.create(commune=commune_a, page=commune_a.home_page, date=TODAY, useful=3, not_useful=1)
    PageRating.objects.create(commune=commune_b, page=commune_b.home_page, date=TODAY, useful=1, not_useful=0)
    # Views: A 150 this year (and 999 last year), A2 7.
    CommuneDailyViews.objects.create(commune=commune_a, date=TODAY, views=100)
    CommuneDailyViews.objects.create(commune=commune_a, date=TODAY.replace(day=1, month=1), views=50)
    CommuneDailyViews.objects.create(commune=commune_a, date=TODAY.replace(year=TODAY.year - 1), views=999)
    CommuneDailyViews.objects.create(commune=commune_a2, date=TODAY, views=7)
    CommuneDailyViews.objects.create(commune=commune_b, date=TODAY, views=500)
    return {"a": commune_a, "a2": commune_a2, "a3": commune_a3, "b": commune_b}


EXPECTED = {
    # news, documents, procedures, posted, late, missing groups, overdue, satisfaction, views
    "a": (3, 2, 2, 2, 1, len(REQUIRED_GROUPS) - 2, 2, 75.0, 150),
    "a2": (1, 0, 2, 0, 0, len(REQUIRED_GROUPS), 0, None, 7),
    "a3": (0, 0, 0, 0, 0, len(REQUIRED_GROUPS), 0, None, 0),
}
FIELDS = (
    "news",
    "documents",
    "procedures",
    "disclosures_posted",
    "disclosures_late",
    "missing_groups",
    "review_overdue",
    "satisfaction",
    "views",
)


def test_metrics_match_the_seeded_province_exactly(seeded):
    communes = with_homes(Commune.objects.filter(province=seeded["a"].province))
    metrics = commune_metrics(communes, period_for("year"))
    assert set(metrics) == {seeded[k].pk for k in ("a", "a2", "a3")}
    for key, expected in EXPECTED.items():
        m = metrics[seeded[key].pk]
        got = (*[getattr(m, f) for f in FIELDS[:5]], len(m.missing_groups), m.review_overdue, m.satisfaction, m.views)
        assert got == expected, key
    assert timezone.localtime(metrics[seeded["a"].pk].last_update).date() == TODAY


def test_a_custom_period_counts_only_what_falls_inside(seeded):
    last_year = period_for("custom", date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31))
    m = commune_metrics(with_homes(Commune.objects.filter(pk=seeded["a"].pk)), last_year)[seeded["a"].pk]
    assert (m.news, m.documents, m.disclosures_posted, m.views, m.satisfaction) == (1, 0, 0, 999, None)


def _screen_rows(body: str) -> dict[str, list[str]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    rows = {}
    for tr in soup.select(".xaso-oversight-table tbody tr"):
        name = tr.find("th").get_text(strip=True)
        rows[name] = [td.get_text(strip=True) for td in tr.find_all("td")]
    return rows


def _shown(cell: str):
    """A cell on screen as a value: "1.234" is 1234, "75,5%" is 75.5, "–" is nothing; dates stay text."""
    if cell == "–":
        return None
    if "/" in cell:
        return cell
    if cell.endswith("%"):
        return float(cell[:-1].replace(",", "."))
    return int(cell.replace(".", ""))


def _stored(cell):
    """A cell of the CSV or the XLSX as a value."""
    if cell in (None, ""):
        return None
    if isinstance(cell, str) and "/" in cell:
        return cell
    return float(cell)


def test_dashboard_shows_the_numbers_and_the_exports_carry_the_same(seeded, province_admin_a):
    client = admin_client(province_admin_a)
    province = seeded["a"].province
    response = client.get(dashboard_url(province))
    assert response.status_code == 200
    body = response.content.decode()
    screen = _screen_rows(body)
    assert list(screen) == ["Xã Động Đạt", "Xã Phú Lương", "Xã Yên Lạc"]
    assert screen["Xã Động Đạt"][:9] == ["3", "2", "2", "2", "1", "11", TODAY.strftime("%d/%m/%Y"), "2", "75%"]
    assert screen["Xã Động Đạt"][9] == "150"
    assert "Tân Phú" not in body and "<svg" in body

    csv_response = client.get(reverse("oversight:export_csv", args=[province.pk]))
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == [c.label for c in reports.COLUMNS]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    xlsx_response = client.get(reverse("oversight:export_xlsx", args=[province.pk]))
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = list(sheet.iter_rows(min_row=reports.HEADER_ROW, values_only=True))
    assert list(cells[0]) == [c.label for c in reports.COLUMNS]
    by_name_xlsx = {row[0]: list(row[1:]) for row in cells[1:]}
    assert list(by_name) == list(by_name_xlsx) == list(screen)
    for name, shown in screen.items():
        on_screen = [_shown(cell) for cell in shown]
        assert [_stored(cell) for cell in by_name[name]] == on_screen, name
        assert [_stored(cell) for cell in by_name_xlsx[name]] == on_screen, name


def test_chart_coordinates_are_plain_numbers_not_localised(seeded, province_admin_a):
    """Vietnamese number formatting writes 48.5 as "48,5", which an SVG reads as nothing: no bars at all."""
    body = admin_client(province_admin_a).get(dashboard_url(seeded["a"].province)).content.decode()
    svgs = re.findall(r"<svg viewBox.*?</svg>", body, re.S)
    assert len(svgs) == 3
    values = [v for svg in svgs for v in re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)]
    assert values and all(re.fullmatch(r"-?\d+(\.\d+)?%?", v) for v in values), sorted(set(values))[:10]
    assert any(float(h) > 0 for svg in svgs for h in re.findall(r'<rect[^>]*\sheight="([^"]*)"', svg))


def test_sorting_and_filters_apply_to_the_screen_and_the_export_alike(seeded, province_admin_a):
    client = admin_client(province_admin_a)
    province = seeded["a"].province
    screen = _screen_rows(client.get(dashboard_url(province, sort="-views")).content.decode())
    assert list(screen) == ["Xã Động Đạt", "Xã Phú Lương", "Xã Yên Lạc"]
    screen = _screen_rows(client.get(dashboard_url(province, sort="views")).content.decode())
    assert list(screen) == ["Xã Yên Lạc", "Xã Phú Lương", "Xã Động Đạt"]
    # Diacritics are folded: "dong dat" finds Động Đạt.
    screen = _screen_rows(client.get(dashboard_url(province, q="dong+dat")).content.decode())
    assert list(screen) == ["Xã Động Đạt"]
    exported = client.get(reverse("oversight:export_csv", args=[province.pk]) + "?q=dong+dat&sort=-views")
    names = [row[0] for row in csv.reader(io.StringIO(exported.content.decode("utf-8-sig")))][1:]
    assert names == ["Xã Động Đạt"]
    a3_score = compliance([seeded["a3"].pk])[seeded["a3"].pk].score
    screen = _screen_rows(client.get(dashboard_url(province, score_max=a3_score)).content.decode())
    assert "Xã Yên Lạc" in screen


def test_province_admin_sees_only_their_province(seeded, province_admin_a, province_admin_b):
    client = admin_client(province_admin_a)
    province_b = seeded["b"].province
    index = client.get(reverse("oversight:index"))
    assert index.status_code == 302 and index["Location"] == dashboard_url(seeded["a"].province)
    for url in (
        dashboard_url(province_b),
        reverse("oversight:export_xlsx", args=[province_b.pk]),
        reverse("oversight:export_csv", args=[province_b.pk]),
        reverse("oversight:commune", args=[seeded["b"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Tân Phú" not in response.content.decode()
    own = admin_client(province_admin_b).get(reverse("oversight:commune", args=[seeded["b"].pk]))
    assert own.status_code == 200 and "Tân Phú" in own.content.decode()


def test_officers_get_404_everywhere_in_oversight(seeded, editor_a):
    client = Client(HTTP_HOST=seeded["a"].hostname)
    client.force_login(editor_a)
    province = seeded["a"].province
    for url in (
        reverse("oversight:index"),
        dashboard_url(province),
        reverse("oversight:export_csv", args=[province.pk]),
        reverse("oversight:commune", args=[seeded["a"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Giám sát các xã" not in client.get("/admin/").content.decode()


def test_operator_chooses_among_all_provinces(seeded):
    client = admin_client(make_superuser())
    body = client.get(reverse("oversight:index")).content.decode()
    assert "Thái Nguyên" in body and "Quảng Ngãi" in body
    assert client.get(dashboard_url(seeded["b"].province)).status_code == 200


def test_commune_detail_lists_the_failed_checks_and_what_is_overdue(seeded, province_admin_a):
    body = admin_client(province_admin_a).get(reverse("oversight:commune", args=[seeded["a"].pk])).content.decode()
    assert "Trang “Bản đồ địa giới hành chính” chưa có nội dung" in body
    assert "Trang “Điều kiện tự nhiên”" in body  # overdue for review
    assert "Đăng ký" in body  # the overdue procedure


def _province_of(count: int, index: int):
    from tests.factories import ProvinceFactory

    province = ProvinceFactory(name=f"Tỉnh Đo {index}", domain=f"tinhdo{index}.gov.vn")
    for n in range(count):
        commune = CommuneFactory(province=province, name=f"Xã Đo {index} {n}")
        publish(make_article(commune, f"Tin {n}"))
        CommuneDailyViews.objects.create(commune=commune, date=TODAY, views=n)
    return province


def test_dashboard_queries_do_not_grow_with_the_number_of_communes(db):
    operator = make_superuser()
    client = admin_client(operator)
    counts = []
    for index, size in enumerate((2, 6)):
        province = _province_of(size, index)
        client.get(dashboard_url(province))  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(dashboard_url(province))
        assert response.status_code == 200
        assert len(_screen_rows(response.content.decode())) == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts


# --- Compliance -------------------------------------------------------------------------------------------


def test_compliance_spells_out_what_is_missing_and_scores_what_is_there(commune_a):
    result = compliance([commune_a.pk])[commune_a.pk]
    assert "Trang “Bản đồ địa giới hành chính” chưa có nội dung" in result.failures
    assert "Chưa niêm yết thủ tục hành chính nào trên trang của xã" in result.failures
    assert any(
        f.startswith(f"Chưa công khai {len(REQUIRED_GROUPS)}/{len(REQUIRED_GROUPS)} nhóm") for f in result.failures
    )
    before = result.score

    map_page = MapPage.objects.get(path__startswith=commune_a.home_page.path)
    map_page.map_image = make_image(commune_a)
    map_page.save()
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.agency_name, identity.responsible_person = "UBND xã Động Đạt", "Nguyễn Văn A – Chủ tịch"
    identity.address, identity.phone, identity.email = "Thôn Trung Tâm", "0208 3850 123", "ubnd@dongdat.gov.vn"
    identity.save()
    add_catalogue_procedure(commune_a.province)
    after = compliance([commune_a.pk])[commune_a.pk]
    assert "Trang “Bản đồ địa giới hành chính” chưa có nội dung" not in after.failures
    assert not any(f.startswith("Thông tin chân trang") for f in after.failures)
    assert after.points["procedures"] == 10 and after.points["identity"] == 20
    assert after.score > before
    assert sum(check.weight for check in CHECKS) == 100


def test_an_unpublished_required_page_is_named(commune_a):
    intro(commune_a, "di-tich-danh-thang").unpublish()
    result = compliance([commune_a.pk])[commune_a.pk]
    assert "Trang “Di tích, danh thắng” chưa được xuất bản" in result.failures


def test_late_disclosures_cost_points(commune_a):
    publish(add_disclosure(commune_a, "Đúng hạn"))
    publish(add_disclosure(commune_a, "Muộn", decision_date=TODAY - timedelta(days=20)))
    result = compliance([commune_a.pk])[commune_a.pk]
    assert result.points["disclosure_on_time"] == 5
    assert any("1/2 nội dung công khai" in f and "đăng muộn" in f for f in result.failures)


# --- Review reminders ---------------------------------------------------------------------------------------


def test_officer_dashboard_lists_what_is_due_for_review_with_edit_links(client, commune_a, commune_b, editor_a):
    page = intro(commune_a, "dieu-kien-tu-nhien")
    page.review_date = TODAY + timedelta(days=10)
    page.save()
    far = intro(commune_a, "di-tich-danh-thang")
    far.review_date = TODAY + timedelta(days=40)
    far.save()
    other = intro(commune_b, "lich-su-truyen-thong-van-hoa")
    other.review_date = TODAY
    other.save()
    client.force_login(editor_a)
    from bs4 import BeautifulSoup

    page_html = client.get("/admin/", HTTP_HOST=commune_a.hostname).content.decode()
    assert "Cần rà soát" in page_html
    panel = BeautifulSoup(page_html, "html.parser").find(id="can-ra-soat-section")
    assert panel is not None
    body = str(panel)
    assert "Điều kiện tự nhiên" in body
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in body
    assert (TODAY + timedelta(days=10)).strftime("%d/%m/%Y") in body
    assert "Di tích, danh thắng" not in body  # not due within 14 days
    assert reverse("wagtailadmin_pages:edit", args=[other.pk]) not in body


def test_review_reminders_mail_each_communes_officers_once_a_day(commune_a, commune_a2, editor_a, approver_a):
    make_officer(commune_a2, "editor", username="bientap.a2")
    page = intro(commune_a, "dieu-kien-tu-nhien")
    page.review_date = TODAY - timedelta(days=2)
    page.save()
    out = io.StringIO()
    call_command("review_reminders", "--dry-run", stdout=out)
    assert mail.outbox == [] and not ReviewDigest.objects.exists()
    assert "sẽ gửi 1 nội dung" in out.getvalue()

    call_command("review_reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["bientap.a@example.vn", "pheduyet.a@example.vn"]
    assert "Điều kiện tự nhiên" in message.body
    assert (TODAY - timedelta(days=2)).strftime("%d/%m/%Y") in message.body
    assert "đã quá hạn" in message.body
    assert f"/admin/pages/{page.pk}/edit/" in message.body
    call_command("review_reminders", stdout=io.StringIO())  # the same day: nothing more
    assert len(mail.outbox) == 1


def test_review_reminders_skip_practice_sites_and_invalid_addresses(commune_a, settings):
    settings.EMAIL_BACKEND = "sites.mail.GuardedEmailBackend"
    practice = CommuneFactory(province=commune_a.province, name="Thực hành 01")
    Commune.objects.filter(pk=practice.pk).update(is_practice=True)
    make_officer(practice, "editor", username="hv01")
    page = intro(practice, "dieu-kien-tu-nhien")
    page.review_date = TODAY
    page.save()
    editor = make_officer(commune_a, "editor", username="bientap.thu")
    editor.email = "bientap.thu@tap-huan.invalid"
    editor.save()
    mine = intro(commune_a, "dieu-kien-tu-nhien")
    mine.review_date = TODAY
    mine.save()
    results = review_reminders_send()
    assert practice.pk not in {r.commune.pk for r in results}
    assert mail.outbox == []  # the only address of commune A was .invalid: the guard dropped the message
    with pytest.raises(Exception, match="trang thực hành"):
        call_command("review_reminders", "--commune", f"{practice.province.slug}/{practice.slug}")


# --- The CLI ------------------------------------------------------------------------------------------------------


def test_report_command_writes_the_same_numbers_as_the_dashboard(seeded, tmp_path):
    target = tmp_path / "giam-sat.csv"
    first = date(TODAY.year, 1, 1).strftime("%d/%m/%Y")
    last = date(TODAY.year, 12, 31).strftime("%d/%m/%Y")
    out = io.StringIO()
    call_command(
        "oversight", "report", "--province", "thai-nguyen", "--from", first, "--to", last, "-o", str(target), stdout=out
    )
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    dong_dat = next(row for row in rows if row[0] == "Xã Động Đạt")
    assert dong_dat[1:4] == ["3", "2", "2"] and dong_dat[10] == "150"
    assert "Đã ghi số liệu 3 xã/phường" in out.getvalue()
    xlsx = tmp_path / "giam-sat.xlsx"
    call_command("oversight", "report", "--province", "thai-nguyen", "-o", str(xlsx), stdout=io.StringIO())
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[reports.HEADER_ROW]] == [c.label for c in reports.COLUMNS]


# --- Bad input: the period form ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, says",
    [
        ({"preset": "custom", "start": "31/02/2026", "end": "01/03/2026"}, "Ngày bắt đầu không hợp lệ"),
        ({"preset": "custom", "start": "2026-01-01", "end": "31/03/2026"}, "ngày/tháng/năm"),
        ({"preset": "custom", "start": "01/04/2026", "end": "01/03/2026"}, "Ngày bắt đầu phải trước"),
        ({"preset": "custom", "start": "01/04/2026"}, "cần cả ngày bắt đầu và ngày kết thúc"),
        ({"preset": "custom", "start": "01/01/2010", "end": "01/01/2026"}, "dài nhất là 3 năm"),
        ({"preset": "tuan"}, "Kỳ báo cáo “tuan” không có"),
        ({"score_min": "abc"}, "Điểm thấp nhất phải là một số"),
        ({"score_min": "-5"}, "từ 0 đến 100"),
        ({"score_min": "90", "score_max": "10"}, "Điểm thấp nhất phải nhỏ hơn"),
        ({"sort": "mat_khau"}, "Không sắp xếp được theo “mat_khau”"),
        ({"q": "Đông\x00Đạt"}, "Không được chứa ký tự rỗng"),
    ],
)
def test_period_form_refuses_bad_values(commune_a, province_admin_a, params, says):
    client = admin_client(province_admin_a)
    before = (CommuneDailyViews.objects.count(), ReviewDigest.objects.count(), ArticlePage.objects.count())
    response = client.get(reverse("oversight:province", args=[commune_a.province_id]), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert says in body
    assert "help-critical" in body
    assert _screen_rows(body)  # the table still shows (this year, unfiltered)
    exported = client.get(reverse("oversight:export_csv", args=[commune_a.province_id]), params)
    assert exported.status_code == 302  # no file from a wrong form: back to the form with its message
    assert (CommuneDailyViews.objects.count(), ReviewDigest.objects.count(), ArticlePage.objects.count()) == before


# --- Demo -----------------------------------------------------------------------------------------------------------


def test_demo_seed_is_idempotent_and_makes_the_dashboard_alive(commune_a):
    from oversight import demo

    add_catalogue_procedure(commune_a.province)
    demo.seed_commune(commune_a)
    views = CommuneDailyViews.objects.filter(commune=commune_a).count()
    assert views == demo.DAYS
    reviewed = set(
        StandardPage.objects.filter(path__startswith=commune_a.home_page.path)
        .exclude(review_date=None)
        .values_list("slug", "review_date")
    )
    demo.seed_commune(commune_a)
    assert CommuneDailyViews.objects.filter(commune=commune_a).count() == views
    assert (
        set(
            StandardPage.objects.filter(path__startswith=commune_a.home_page.path)
            .exclude(review_date=None)
            .values_list("slug", "review_date")
        )
        == reviewed
    )
    assert any(day < TODAY for _slug, day in reviewed)
    assert CommuneProcedure.objects.filter(commune=commune_a).exclude(review_date=None).exists()
