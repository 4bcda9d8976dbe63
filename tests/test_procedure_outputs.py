"""What a procedure gives beyond its detail page: the printable notice-board sheet, its QR code,
schema.org data for search engines and the commune's open-data JSON listing."""

import datetime
import io
import json
import re
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from pages.models import CommuneIdentity
from pages.procedures.models import CommuneProcedure, Procedure, ProcedureStatus
from pages.procedures.structured_data import iso_duration, script_json
from tests.factories_procedures import add_procedure, detail_path, method, paper, procedure_index

pytestmark = pytest.mark.django_db

INDEX_PATH = "/thu-tuc-hanh-chinh/"
JSON_PATH = INDEX_PATH + "du-lieu.json"
LOCAL = {
    "submission_place": "Bộ phận Một cửa, UBND xã Động Đạt, thôn Trung Tâm",
    "opening_hours": "Sáng 7h30–11h30, chiều 13h30–17h00, thứ Hai đến thứ Sáu",
    "officer_name": "Nguyễn Thị Hoa – công chức Tư pháp – Hộ tịch",
    "officer_phone": "0912 345 678",
    "local_notes": "Mang theo căn cước để đối chiếu.",
}


def print_path(entry) -> str:
    return detail_path(entry) + "in/"


def qr_path(entry) -> str:
    return detail_path(entry) + "ma-qr.png"


def get(client, commune, path, status=200):
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == status, (path, response.status_code)
    return response


def birth_registration(commune, **kwargs):
    """A full procedure as the province publishes it: three channels, fees, papers, steps, legal basis."""
    fields = {
        "methods": [
            method(
                1,
                "1",
                [(0, "Miễn lệ phí khai sinh đúng hạn")],
                note="Trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả ngày tiếp theo",
            ),
            method(2, "0.5", [(8000, "Lệ phí cấp bản sao"), (2000, "Phí")], unit="ngày"),
            method(3, "3", [(50000, "")]),
        ],
        "papers": [paper("Tờ khai đăng ký khai sinh", 1, 0, form_name="Mẫu TK-01"), paper("Giấy chứng sinh", 1, 2)],
        "steps": ["Nộp hồ sơ tại Bộ phận Một cửa.", "Công chức tư pháp – hộ tịch kiểm tra hồ sơ.", "Nhận kết quả."],
        "legal_basis": [{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}],
        "applicants": ["Công dân Việt Nam", "Người nước ngoài cư trú tại Việt Nam"],
        "online_level": "full",
        "updated_on": "2026-01-15",
        "local": LOCAL,
    }
    fields.update(kwargs)
    return add_procedure(commune, "Đăng ký khai sinh", "1.001193", **fields)


def commune_url(commune, path) -> str:
    return procedure_index(commune).get_site().root_url + path


# --- Printable sheet ---------------------------------------------------------------------


def test_print_sheet_is_a_standalone_a4_notice_with_everything_a_resident_needs(client, commune_a, monkeypatch):
    entry = birth_registration(commune_a)
    # 20:30 UTC on 1 March is already 2 March in Viet Nam.
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 1, 20, 30, tzinfo=datetime.UTC))
    response = get(client, commune_a, print_path(entry))
    body = response.content.decode()
    for text in (
        '<meta name="robots" content="noindex">',
        "UBND XÃ ĐỘNG ĐẠT",  # the commune's agency when its identity names none
        "THỦ TỤC HÀNH CHÍNH",
        "<h1>Đăng ký khai sinh</h1>",
        "Mã thủ tục: <strong>1.001193</strong>",
        "Lĩnh vực: <strong>Hộ tịch</strong>",
        "Công dân Việt Nam",
        "Tờ khai đăng ký khai sinh",
        "Bản chính: 1 – Bản sao: 2",
        LOCAL["submission_place"],
        LOCAL["opening_hours"],
        "0912 345 678",
        LOCAL["local_notes"],
        "01 ngày làm việc",
        "0,5 ngày",
        "03 ngày làm việc",
        "Miễn phí",
        "8.000 đồng",
        "50.000 đồng",
        "Nộp hồ sơ tại Bộ phận Một cửa.",
        "Giấy khai sinh",
        "60/2014/QH13 – Luật Hộ tịch",
        "Nộp trực tuyến: <strong>dichvucong.gov.vn</strong>",
        "In ngày 02/03/2026",
        "Quét mã để xem thủ tục trên điện thoại",
    ):
        assert text in body, text
    assert body.count("☐") == 2  # one box per paper
    assert f'<img src="{qr_path(entry)}"' in body  # relative: works on whichever host prints it
    assert 'class="site-header"' not in body and '<footer class="site-footer' not in body  # no site chrome
    assert "print.css" in body
    # The print button is a static script; the site's policy allows no inline script.
    assert re.findall(r"<script[^>]*>", body) == [re.search(r'<script src="[^"]+print\.js" defer>', body).group()]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert " onclick=" not in body and "<style" not in body


def test_print_sheet_without_online_method_does_not_send_people_online(client, commune_a):
    entry = add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", field="Chứng thực", methods=[method(1)])
    body = get(client, commune_a, print_path(entry)).content.decode()
    assert "Chứng thực chữ ký" in body
    assert "Nộp trực tuyến" not in body
    assert "Bộ phận Một cửa, " in body  # no local place given: the commune's one-stop office


def test_print_sheet_uses_the_communes_own_agency_name(client, commune_a):
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.agency_name = "Ủy ban nhân dân xã Động Đạt"
    identity.save()
    entry = birth_registration(commune_a)
    body = get(client, commune_a, print_path(entry)).content.decode()
    assert "ỦY BAN NHÂN DÂN XÃ ĐỘNG ĐẠT" in body


def test_detail_page_links_to_the_print_sheet(client, commune_a):
    entry = birth_registration(commune_a)
    body = get(client, commune_a, detail_path(entry)).content.decode()
    assert f'href="{print_path(entry)}"' in body


# --- QR code ---------------------------------------------------------------------------


def test_qr_code_decodes_to_the_procedure_address_on_the_communes_site(client, commune_a, commune_a2):
    entry = birth_registration(commune_a)
    add_procedure(commune_a2, "Đăng ký khai sinh", "1.001193")  # the same catalogue entry on a neighbour
    response = get(client, commune_a, qr_path(entry))
    assert response["Content-Type"] == "image/png"
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.width == image.height >= 300  # ~3 cm printed at 250 dpi or more
    results = zxingcpp.read_barcodes(image)
    assert [r.format for r in results] == [zxingcpp.BarcodeFormat.QRCode]
    expected = procedure_index(commune_a).procedure_url(entry, full=True)
    assert results[0].text == expected
    assert urlsplit(expected).hostname == commune_a.hostname
    assert expected.endswith("/thu-tuc-hanh-chinh/dang-ky-khai-sinh-1-001193/")
    assert results[0].ec_level == "M"
    # A quiet zone: the image's border is white.
    grey = image.convert("L")
    edge = [grey.getpixel((x, y)) for x in range(grey.width) for y in (0, 5, grey.height - 1)]
    assert min(edge) == 255
    # The neighbour's code points to the neighbour's site.
    other = zxingcpp.read_barcodes(Image.open(io.BytesIO(get(client, commune_a2, qr_path(entry)).content)))
    assert urlsplit(other[0].text).hostname == commune_a2.hostname


def test_qr_code_url_is_the_one_printed_on_the_sheet(client, commune_a):
    entry = birth_registration(commune_a)
    body = get(client, commune_a, print_path(entry)).content.decode()
    src = re.search(r'<img src="([^"]+)"', body).group(1)
    assert get(client, commune_a, src)["Content-Type"] == "image/png"


# --- Abolished, unlisted and other communes' procedures ------------------------------------


def test_abolished_procedure_has_no_print_sheet_and_no_qr_code(client, commune_a):
    entry = birth_registration(commune_a)
    Procedure.objects.filter(pk=entry.procedure_id).update(status=ProcedureStatus.ABOLISHED)
    body = get(client, commune_a, print_path(entry), status=410).content.decode()
    assert "đã bị bãi bỏ, không còn hiệu lực" in body
    assert "ma-qr.png" not in body and "☐" not in body
    response = get(client, commune_a, qr_path(entry), status=410)
    assert response["Content-Type"].startswith("text/plain")
    assert "public" not in response.get("Cache-Control", "")


def test_print_sheet_and_qr_of_a_procedure_the_commune_does_not_list_are_not_found(
    client, commune_a, commune_a2, commune_b
):
    only_a2 = add_procedure(commune_a2, "Chỉ xã kia có", "1.000777")
    CommuneProcedure.objects.filter(commune=commune_a, procedure=only_a2.procedure).delete()
    other_province = add_procedure(commune_b, "Thủ tục tỉnh khác", "1.000778")
    for entry in (only_a2, other_province):
        get(client, commune_a, print_path(entry), status=404)
        get(client, commune_a, qr_path(entry), status=404)
    get(client, commune_a, INDEX_PATH + "khong-co-thu-tuc-nay/ma-qr.png", status=404)


# --- JSON-LD -------------------------------------------------------------------------------


def json_ld_of(response) -> dict:
    body = response.content.decode()
    scripts = re.findall(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', body, re.S)
    assert len(scripts) == 1
    nonce, text = scripts[0]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    return json.loads(text)


def test_detail_page_describes_the_procedure_as_a_government_service(client, commune_a):
    identity = CommuneIdentity.for_site(commune_a.site)
    identity.agency_name = "Ủy ban nhân dân xã Động Đạt"
    identity.address = "Thôn Trung Tâm, xã Động Đạt, tỉnh Thái Nguyên"
    identity.phone = "0208 3800 123"
    identity.save()
    entry = birth_registration(commune_a)
    data = json_ld_of(get(client, commune_a, detail_path(entry)))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Đăng ký khai sinh"
    assert data["identifier"] == "1.001193"
    assert data["serviceType"] == "Hộ tịch"
    assert data["url"] == procedure_index(commune_a).procedure_url(entry, full=True)
    assert data["provider"] == {
        "@type": "GovernmentOrganization",
        "name": "Ủy ban nhân dân xã Động Đạt",
        "url": commune_a.url,
        "address": "Thôn Trung Tâm, xã Động Đạt, tỉnh Thái Nguyên",
        "telephone": "0208 3800 123",
    }
    assert data["areaServed"]["name"] == "Xã Động Đạt"
    assert data["areaServed"]["containedInPlace"]["name"] == "Thái Nguyên"
    assert [a["audienceType"] for a in data["audience"]] == [
        "Công dân Việt Nam",
        "Người nước ngoài cư trú tại Việt Nam",
    ]
    in_person, online, postal = data["availableChannel"]
    assert [c["name"] for c in (in_person, online, postal)] == ["Trực tiếp", "Trực tuyến", "Bưu chính công ích"]
    assert in_person["processingTime"] == "P1D"
    assert "ngày làm việc" in in_person["description"] and "không kể thứ Bảy, Chủ nhật" in in_person["description"]
    assert in_person["serviceLocation"]["name"] == LOCAL["submission_place"]
    assert in_person["servicePhone"]["telephone"] == "0912 345 678"
    assert online["processingTime"] == "PT12H"  # 0,5 ngày; "P0.5D" is not accepted by schema validators
    assert online["serviceUrl"] == entry.procedure.national_portal_url
    assert postal["processingTime"] == "P3D"
    offers = [(o["price"], o["priceCurrency"]) for o in data["offers"]]
    assert offers == [(0, "VND"), (8000, "VND"), (2000, "VND"), (50000, "VND")]
    assert data["offers"][1]["description"] == "Trực tuyến: 8.000 đồng. Lệ phí cấp bản sao"
    assert data["termsOfService"] == ["60/2014/QH13 – Luật Hộ tịch"]
    assert data["serviceOutput"] == [{"@type": "Thing", "name": "Giấy khai sinh"}]


def test_json_ld_cannot_break_out_of_its_script_element(client, commune_a):
    name = 'Thủ tục </script><script>alert("x")</script> & <!-- thử'
    entry = add_procedure(commune_a, name, "1.000999", methods=[method(1)])
    response = get(client, commune_a, detail_path(entry))
    body = response.content.decode()
    assert "<script>alert" not in body and '</script><script>alert("x")' not in body
    assert json_ld_of(response)["name"] == name


def test_script_json_escapes_like_json_script():
    text = script_json({"a": "</script>&<!--", "b": "Đăng ký"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "Đăng ký" in text  # Vietnamese stays readable
    assert json.loads(text) == {"a": "</script>&<!--", "b": "Đăng ký"}


@pytest.mark.parametrize(
    ("time", "unit", "duration"),
    [
        ("1", "ngày làm việc", "P1D"),
        ("15", "ngày", "P15D"),
        ("0.5", "ngày", "PT12H"),
        ("0.5", "ngày làm việc", "PT12H"),
        ("1.5", "ngày làm việc", "PT36H"),
        ("4", "giờ làm việc", "PT4H"),
        ("1.5", "giờ", "PT90M"),
        ("2", "tháng", "P2M"),
        ("1", "năm", "P1Y"),
        ("0.5", "tháng", ""),  # half a month has no exact length
        ("", "ngày", ""),
        ("0", "ngày", ""),
    ],
)
def test_processing_times_become_iso_8601_durations(time, unit, duration):
    assert iso_duration(time, unit) == duration


def test_json_ld_of_a_bare_procedure_leaves_out_what_is_unknown(client, commune_a):
    entry = add_procedure(commune_a, "Thủ tục tối giản", "1.000555", methods=[method(1, time="")], applicants=[])
    data = json_ld_of(get(client, commune_a, detail_path(entry)))
    assert "processingTime" not in data["availableChannel"][0]
    assert "audience" not in data and "termsOfService" not in data
    assert data["offers"] == [
        {"@type": "Offer", "price": 0, "priceCurrency": "VND", "description": "Trực tiếp: Miễn phí"}
    ]


# --- JSON listing --------------------------------------------------------------------------


def test_json_listing_is_the_communes_procedures_in_force_as_open_data(client, commune_a, commune_a2, commune_b):
    entry = birth_registration(commune_a)
    add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", field="Chứng thực", methods=[method(1)])
    add_procedure(commune_a, "Thủ tục cũ đã bãi bỏ", "1.000111", status="abolished")
    add_procedure(commune_b, "BMARKER thủ tục xã B", "1.009999")
    only_a2 = add_procedure(commune_a2, "A2MARKER chỉ xã A2", "1.008888")
    CommuneProcedure.objects.filter(commune=commune_a, procedure=only_a2.procedure).delete()

    response = get(client, commune_a, JSON_PATH)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    assert "Đăng ký khai sinh".encode() in response.content  # not \u escapes
    data = json.loads(response.content.decode("utf-8"))
    assert data["commune"] == "Xã Động Đạt"
    assert data["province"] == "Thái Nguyên"
    generated = datetime.datetime.fromisoformat(data["generated_at"])
    assert generated.utcoffset() == datetime.timedelta(hours=7)
    assert abs((timezone.now() - generated).total_seconds()) < 120
    assert [p["code"] for p in data["procedures"]] == ["2.000884", "1.001193"]  # by name
    assert data["count"] == 2
    birth = data["procedures"][1]
    assert birth["name"] == "Đăng ký khai sinh" and birth["field"] == "Hộ tịch"
    assert birth["url"] == commune_url(commune_a, detail_path(entry))
    assert urlsplit(birth["url"]).hostname == commune_a.hostname
    assert birth["online_level"] == "full"
    assert birth["national_portal_url"] == entry.procedure.national_portal_url
    assert birth["methods"][1] == {
        "channel": 2,
        "channel_name": "Trực tuyến",
        "time": "0.5",
        "unit": "ngày",
        "time_note": "",
        "fees": [{"amount": 8000, "note": "Lệ phí cấp bản sao"}, {"amount": 2000, "note": "Phí"}],
    }
    assert birth["local"] == {
        key: LOCAL[key] for key in ("submission_place", "opening_hours", "officer_name", "officer_phone")
    }
    assert "BMARKER" not in response.content.decode() and "A2MARKER" not in response.content.decode()

    # The neighbour lists the same catalogue procedure with its own address and details.
    data_a2 = json.loads(get(client, commune_a2, JSON_PATH).content)
    assert data_a2["commune"] == "Xã Phú Lương"
    assert {p["code"] for p in data_a2["procedures"]} >= {"1.001193", "1.008888"}
    assert all(urlsplit(p["url"]).hostname == commune_a2.hostname for p in data_a2["procedures"])
    assert all(p["local"]["officer_phone"] != LOCAL["officer_phone"] for p in data_a2["procedures"])


def test_json_listing_query_count_does_not_grow_with_procedures(client, commune_a, django_assert_num_queries, uncached):
    for n in range(2):
        add_procedure(commune_a, f"Thủ tục {n}", f"1.00000{n}", methods=[method(2)], papers=[paper("Đơn")])
    get(client, commune_a, JSON_PATH)  # warm caches (site, identity)
    with CaptureQueriesContext(connection) as two:
        get(client, commune_a, JSON_PATH)
    few = len(two.captured_queries)  # read now: the query log is a bounded deque
    for n in range(2, 14):
        add_procedure(
            commune_a, f"Thủ tục {n}", f"1.0000{n:02d}", methods=[method(1), method(2)], papers=[paper("Đơn")] * 3
        )
    get(client, commune_a, JSON_PATH)  # the commune changed: its shared parts are read again once
    with django_assert_num_queries(few):
        response = get(client, commune_a, JSON_PATH)
    assert json.loads(response.content)["count"] == 14


def test_listing_page_links_its_open_data(client, commune_a):
    birth_registration(commune_a)
    body = get(client, commune_a, INDEX_PATH).content.decode()
    assert f'<a href="{JSON_PATH}" type="application/json">Dữ liệu mở (JSON)</a>' in body
    assert f'<link rel="alternate" type="application/json" href="{JSON_PATH}"' in body
