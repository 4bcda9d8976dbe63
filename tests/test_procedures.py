"""Administrative procedures: the catalogue shared by a province's communes, the public listing and detail
pages, the home links, search, the migration of records and the demo seed."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from pages.home import HOME_SECTIONS
from pages.procedures import demo
from pages.procedures.home import procedure_links
from pages.procedures.models import CommuneProcedure, Procedure, ProcedureStatus, validate_procedure_code
from pages.procedures.records import apply_record, record_of, time_display, vnd
from pages.procedures.services import commune_procedures_ensure
from sites.text import vn_sort_key
from tests.factories import CommuneFactory
from tests.factories_procedures import (
    add_catalogue_procedure,
    add_procedure,
    detail_path,
    method,
    paper,
    procedure_record,
)

INDEX_PATH = "/thu-tuc-hanh-chinh/"
ONLINE_BUTTON = "Nộp hồ sơ trực tuyến"


def get_body(client, commune, path, status=200, **params):
    response = client.get(path, params, HTTP_HOST=commune.hostname)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def listed_titles(body: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a>\s*<span class="muted">Mã', body)


# --- Fees, times and codes -------------------------------------------------------------


def test_fees_are_written_the_vietnamese_way():
    assert vnd(50000) == "50.000 đồng"
    assert vnd(1234567) == "1.234.567 đồng"
    assert vnd(2000) == "2.000 đồng"
    assert vnd(0) == "Miễn phí"


def test_processing_times_are_written_as_on_paper():
    assert time_display(method(time="1")) == "01 ngày làm việc"
    assert time_display(method(time="15", unit="ngày")) == "15 ngày"
    assert time_display(method(time="0.5", unit="ngày")) == "0,5 ngày"
    assert time_display(method(time="")) == ""


@pytest.mark.parametrize("code", ["1.001193", "2.000815", "2.000815.000.00.00.H55", "1.000894.000.00.00.H12"])
def test_national_procedure_codes_are_accepted(code):
    validate_procedure_code(code)


@pytest.mark.parametrize(
    "code", ["1001193", "1.00119", "1.0011930", "A.001193", "1.001193 ", "1,001193", "", "1.001193.<b>"]
)
def test_malformed_procedure_codes_are_refused_in_vietnamese(code):
    with pytest.raises(ValidationError) as error:
        validate_procedure_code(code)
    assert "Mã thủ tục không đúng định dạng" in error.value.messages[0]


def test_vietnamese_alphabetical_order_puts_d_stroke_after_d():
    fields = ["Đất đai", "Y tế", "Dân số", "Chứng thực", "Bảo trợ xã hội"]
    assert sorted(fields, key=vn_sort_key) == ["Bảo trợ xã hội", "Chứng thực", "Dân số", "Đất đai", "Y tế"]


def test_a_record_round_trips_through_the_stored_blocks(province_a):
    record = procedure_record(
        methods=[
            method(1, "1", [(0, "Miễn lệ phí")]),
            method(2, "0.5", [(8000, "Lệ phí"), (2000, "Phí")], unit="ngày"),
        ],
        papers=[paper("Tờ khai", 1, 0, form_name="to-khai.docx"), paper("Giấy chứng sinh", 1, 2)],
        steps=["Nộp hồ sơ.", "Nhận kết quả."],
        legal_basis=[{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}],
        updated_on="2026-10-01",
    )
    procedure = Procedure(province=province_a)
    apply_record(procedure, record)
    procedure.save()
    assert record_of(Procedure.objects.get(pk=procedure.pk)) == record
    assert procedure.slug == "dang-ky-khai-sinh-1-001193"
    assert procedure.has_online_method and procedure.commune_level
    assert procedure.search_text == "1.001193 dang ky khai sinh ho tich"


# --- Detail page ------------------------------------------------------------------------


def test_procedure_page_answers_a_residents_questions_in_order(client, commune_a):
    form = get_document_model().objects.create(
        title="Tờ khai khai sinh",
        file=ContentFile(b"%PDF-1.4", name="to-khai.pdf"),
        collection=commune_a.province.collection,
    )
    entry = add_procedure(
        commune_a,
        methods=[
            method(1, "1", [(0, "Miễn lệ phí khai sinh đúng hạn")], note="Trong ngày"),
            method(3, "3", [(50000, "")]),
        ],
        papers=[paper("Tờ khai đăng ký khai sinh", 1, 0, form=form.pk), paper("Giấy chứng sinh", 1, 2)],
        steps=["Nộp hồ sơ tại Bộ phận một cửa.", "Nhận kết quả."],
        legal_basis=[
            {"number": "60/2014/QH13", "title": "Luật Hộ tịch"},
            {"number": "123/2015/NĐ-CP", "title": "Nghị định hướng dẫn"},
        ],
        local={
            "submission_place": "Bộ phận Một cửa, UBND xã Động Đạt",
            "opening_hours": "Sáng 7h30–11h30",
            "officer_name": "Nguyễn Thị Hoa",
            "officer_phone": "0912 345 678",
            "local_notes": "Mang theo bản chính để đối chiếu.",
        },
    )
    body = get_body(client, commune_a, detail_path(entry))
    headings = [
        "Ai được làm thủ tục này?",
        "Cần mang theo giấy tờ gì?",
        "Nộp ở đâu, bằng cách nào?",
        "Các bước thực hiện",
        "Kết quả nhận được",
        "Căn cứ pháp lý",
    ]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    for text in (
        "<title>Đăng ký khai sinh – Xã Động Đạt</title>",
        "1.001193",
        "Công dân Việt Nam",
        "Bản chính: 1 – Bản sao: 2",
        f'href="{form.url}" download',
        "Trực tiếp",
        "Bưu chính công ích",
        "01 ngày làm việc. Trong ngày",
        "03 ngày làm việc",
        "Miễn phí. Miễn lệ phí khai sinh đúng hạn",
        "50.000 đồng",
        "Nộp hồ sơ tại Bộ phận một cửa.",
        "Giấy khai sinh",
        "60/2014/QH13 – Luật Hộ tịch",
        "Bộ phận Một cửa, UBND xã Động Đạt",
        "Nguyễn Thị Hoa",
        'href="tel:0912 345 678"',
        "Mang theo bản chính để đối chiếu.",
    ):
        assert text in body, text


def test_legal_basis_links_to_the_guiding_document_published_on_the_site(client, commune_a):
    from tests.test_guidance import add_document

    document = add_document(commune_a, "60/2014/QH13", title="Luật Hộ tịch")
    entry = add_procedure(commune_a, legal_basis=[{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}])
    body = get_body(client, commune_a, detail_path(entry))
    assert f'<a href="{document.url}">60/2014/QH13</a> – Luật Hộ tịch' in body


def test_procedure_page_renders_without_optional_content(client, commune_a):
    entry = add_procedure(commune_a, "Thủ tục tối giản", "1.000001")
    body = get_body(client, commune_a, detail_path(entry))
    assert "Thủ tục tối giản" in body
    assert "Liên hệ Bộ phận một cửa để được hướng dẫn về hồ sơ." in body
    assert "Các bước thực hiện" not in body and "Căn cứ pháp lý" not in body
    assert ONLINE_BUTTON not in body


def test_online_button_links_to_the_national_portal_only_with_an_online_method(client, commune_a):
    with_online = add_procedure(commune_a, methods=[method(1), method(2)], online_level="full")
    in_person_only = add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", methods=[method(1, fees=[(10000, "")])])
    body = get_body(client, commune_a, detail_path(with_online))
    url = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193"
    assert f'<a class="button-online" href="{url}" rel="external">{ONLINE_BUTTON}' in body
    body = get_body(client, commune_a, detail_path(in_person_only))
    assert ONLINE_BUTTON not in body
    assert "10.000 đồng" in body


def test_abolished_procedure_url_explains_it_is_no_longer_in_force(client, commune_a):
    entry = add_procedure(commune_a, methods=[method(2)])
    Procedure.objects.filter(pk=entry.procedure_id).update(status=ProcedureStatus.ABOLISHED)
    body = get_body(client, commune_a, detail_path(entry), status=410)
    assert "đã bị bãi bỏ, không còn hiệu lực" in body
    assert ONLINE_BUTTON not in body
    assert 'content="noindex"' in body


def test_procedure_a_commune_does_not_list_is_not_found(client, commune_a, commune_a2):
    entry = add_procedure(commune_a2, "Chỉ xã kia có", "1.000777")
    CommuneProcedure.objects.filter(commune=commune_a, procedure=entry.procedure).delete()  # A does not handle it
    get_body(client, commune_a, detail_path(entry), status=404)
    get_body(client, commune_a, "/thu-tuc-hanh-chinh/khong-co-thu-tuc-nay/", status=404)


# --- One catalogue, many communes ---------------------------------------------------------


def test_a_catalogue_edit_shows_on_every_communes_page_at_once(client, commune_a, commune_a2):
    entry_a = add_procedure(commune_a, local={"officer_name": "Cán bộ Nguyễn Văn An"})
    entry_a2 = add_procedure(commune_a2, local={"officer_name": "Cán bộ Trần Thị Bình"})
    assert entry_a.procedure_id == entry_a2.procedure_id
    procedure = entry_a.procedure
    record = record_of(procedure)
    record["results"] = ["Giấy khai sinh (bản điện tử)"]
    apply_record(procedure, record)
    procedure.save()
    for commune, officer, other in (
        (commune_a, "Cán bộ Nguyễn Văn An", "Cán bộ Trần Thị Bình"),
        (commune_a2, "Cán bộ Trần Thị Bình", "Cán bộ Nguyễn Văn An"),
    ):
        body = get_body(client, commune, detail_path(entry_a))
        assert "Giấy khai sinh (bản điện tử)" in body
        assert officer in body and other not in body  # local details stay with their commune


def test_new_communes_get_every_commune_level_procedure_in_force(province_a):
    add_catalogue_procedure(province_a, "Đăng ký khai sinh", "1.001193")
    add_catalogue_procedure(province_a, "Thủ tục cấp tỉnh", "1.000100", level="Cấp tỉnh")
    add_catalogue_procedure(province_a, "Thủ tục đã bãi bỏ", "1.000200", status="abolished")
    commune = CommuneFactory(province=province_a, name="Xã Mới")
    codes = set(CommuneProcedure.objects.filter(commune=commune).values_list("procedure__code", flat=True))
    assert codes == {"1.001193"}
    assert commune_procedures_ensure(commune) == 0  # already there


def test_catalogue_procedure_in_use_cannot_be_deleted(commune_a):
    from django.db.models import ProtectedError

    entry = add_procedure(commune_a)
    with pytest.raises(ProtectedError):
        entry.procedure.delete()


# --- Listing ---------------------------------------------------------------------------


@pytest.fixture
def catalogue(commune_a):
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193", methods=[method(2)], online_level="full")
    add_procedure(commune_a, "Đăng ký kết hôn", "1.000894")
    add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", field="Chứng thực")
    add_procedure(commune_a, "Đăng ký hộ kinh doanh", "1.001612", field="Hộ kinh doanh")
    add_procedure(commune_a, "Thủ tục cũ đã bãi bỏ", "1.000111", status="abolished")
    return commune_a


def test_listing_groups_procedures_by_field_in_vietnamese_order(client, catalogue):
    body = get_body(client, catalogue, INDEX_PATH)
    groups = re.findall(r'<h2 id="linh-vuc-\d+">([^<]+) <span', body)
    assert groups == ["Chứng thực", "Hộ kinh doanh", "Hộ tịch"]
    assert listed_titles(body) == ["Chứng thực chữ ký", "Đăng ký hộ kinh doanh", "Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert "Trực tuyến toàn trình" in body
    assert 'href="/thu-tuc-hanh-chinh/dang-ky-khai-sinh-1-001193/"' in body


def test_listing_hides_abolished_procedures(client, catalogue):
    assert "Thủ tục cũ đã bãi bỏ" not in get_body(client, catalogue, INDEX_PATH)
    assert "Thủ tục cũ đã bãi bỏ" not in get_body(client, catalogue, INDEX_PATH, q="bai bo")


def test_listing_filters_by_field(client, catalogue):
    body = get_body(client, catalogue, INDEX_PATH, field="Hộ tịch")
    assert listed_titles(body) == ["Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert '<option value="Hộ tịch" selected>' in body


def test_listing_searches_names_without_diacritics_and_codes(client, catalogue):
    assert listed_titles(get_body(client, catalogue, INDEX_PATH, q="dang ky khai sinh")) == ["Đăng ký khai sinh"]
    assert listed_titles(get_body(client, catalogue, INDEX_PATH, q="1.001612")) == ["Đăng ký hộ kinh doanh"]
    body = get_body(client, catalogue, INDEX_PATH, q="không có thủ tục này")
    assert "Không tìm thấy thủ tục phù hợp" in body


def test_unknown_field_filter_is_ignored(client, catalogue):
    assert len(listed_titles(get_body(client, catalogue, INDEX_PATH, field="Không tồn tại"))) == 4


def test_other_commune_procedures_never_appear(client, commune_a, commune_b, commune_a2):
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    add_procedure(commune_b, "BMARKER thủ tục xã B", "1.009999", field="Lĩnh vực B")
    only_a2 = add_procedure(commune_a2, "A2MARKER thủ tục chỉ xã A2 làm", "1.008888", field="Lĩnh vực A2")
    CommuneProcedure.objects.filter(commune=commune_a, procedure=only_a2.procedure).delete()
    for params in ({}, {"q": "BMARKER"}, {"q": "1.009999"}, {"field": "Lĩnh vực B"}, {"q": "A2MARKER"}):
        body = get_body(client, commune_a, INDEX_PATH, **params)
        # The search box echoes the query, so look for the listing entries, not the bare marker.
        for marker in ("BMARKER thủ tục xã B", "A2MARKER thủ tục chỉ xã A2 làm", '<option value="Lĩnh vực B"'):
            assert marker not in body
        assert listed_titles(body) == ([] if "q" in params else ["Đăng ký khai sinh"])
    links = procedure_links(commune_a.home_page, None)
    assert [name for name, _url in links.procedures] == ["Đăng ký khai sinh"]


def test_listing_query_count_does_not_grow_with_procedures(client, commune_a, django_assert_max_num_queries, uncached):
    for n in range(3):
        add_procedure(commune_a, f"Thủ tục {n}", f"1.00000{n}", field=f"Lĩnh vực {n % 2}", methods=[method(2)])
    get_body(client, commune_a, INDEX_PATH)  # warm caches (site, identity)
    with CaptureQueriesContext(connection) as three:
        get_body(client, commune_a, INDEX_PATH)
    few = len(three.captured_queries)  # read now: the query log is a bounded deque
    for n in range(3, 15):
        add_procedure(commune_a, f"Thủ tục {n}", f"1.0000{n:02d}", field=f"Lĩnh vực {n % 4}", methods=[method(2)])
    get_body(client, commune_a, INDEX_PATH)  # the commune changed: its footer and menu are read again once
    with django_assert_max_num_queries(few):
        body = get_body(client, commune_a, INDEX_PATH)
    assert len(listed_titles(body)) == 15


def test_detail_page_query_count_does_not_grow_with_dossier_and_methods(
    client, commune_a, django_assert_max_num_queries, uncached
):
    small = add_procedure(commune_a, "Nhỏ", "1.000001", methods=[method(2)], papers=[paper("A")])
    big = add_procedure(
        commune_a,
        "Lớn",
        "1.000002",
        methods=[method(2), method(1), method(3)],
        papers=[paper(f"Giấy {n}") for n in range(8)],
        steps=[f"Bước {n}" for n in range(6)],
    )
    small_path, big_path = detail_path(small), detail_path(big)
    get_body(client, commune_a, small_path)
    with CaptureQueriesContext(connection) as few:
        get_body(client, commune_a, small_path)
    with django_assert_max_num_queries(len(few.captured_queries)):
        get_body(client, commune_a, big_path)


# --- Home links and search ------------------------------------------------------------


def test_home_links_show_up_to_eight_procedures_featured_first_and_the_portals(commune_a):
    for n in range(10):
        add_procedure(commune_a, f"Thủ tục {n:02d}", f"1.0000{n:02d}")
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193", local={"is_featured": True})
    add_procedure(commune_a, "Đã bãi bỏ", "1.000999", status="abolished", local={"is_featured": True})
    section = HOME_SECTIONS["procedure_links"]
    assert section.order == 15
    links = section.get_items(commune_a.home_page, None)
    names = [name for name, _url in links.procedures]
    assert len(names) == 8 and names[0] == "Đăng ký khai sinh" and "Đã bãi bỏ" not in names
    html = render_to_string(section.template, {"items": links, "section": section, "home": commune_a.home_page})
    assert 'href="https://dichvucong.gov.vn"' in html
    assert f'href="{links.index.url}"' in html
    assert "Đăng ký khai sinh" in html


def test_home_links_still_point_to_the_portals_without_procedures(commune_a):
    links = procedure_links(commune_a.home_page, None)
    assert links and links.procedures == []


def test_site_search_finds_procedures_typed_without_diacritics(client, catalogue, commune_b):
    add_procedure(commune_b, "Đăng ký khai sinh cho xã B", "1.001193")
    body = get_body(client, catalogue, "/tim-kiem/", q="dang ky khai sinh")
    assert 'href="/thu-tuc-hanh-chinh/dang-ky-khai-sinh-1-001193/"' in body
    assert "<mark>Đăng ký khai sinh</mark>" in body
    assert "cho xã B" not in body
    body = get_body(client, catalogue, "/tim-kiem/", q="1.001612")
    assert "Đúng mã thủ tục" in body and "Đăng ký hộ kinh doanh" in body


# --- Demo ----------------------------------------------------------------------------


def test_demo_seed_is_idempotent_with_the_seven_real_procedures(commune_a):
    demo.seed_commune(commune_a)
    demo.seed_commune(commune_a)
    entries = CommuneProcedure.objects.filter(commune=commune_a).select_related("procedure")
    assert sorted(e.procedure.code for e in entries) == sorted(
        ["1.001193", "1.000894", "1.000656", "2.000815", "2.000884", "1.001612", "1.000494"]
    )
    birth = entries.get(procedure__code="1.001193")
    record = birth.procedure.record
    assert record["name"] == "Đăng ký khai sinh" and record["field"] == "Hộ tịch"
    assert sorted(m["channel"] for m in record["methods"]) == [1, 2, 3]
    papers = record["dossier"][0]["papers"]
    assert len(papers) == 2 and papers[0]["form"] is not None
    assert {"number": "60/2014/QH13", "title": "Luật Hộ tịch"} in record["legal_basis"]
    assert "Bộ phận Một cửa, UBND xã Động Đạt" in birth.submission_place and birth.is_featured
    assert entries.get(procedure__code="2.000884").procedure.record["methods"][0]["fees"][0]["amount"] == 10000
    for entry in entries:
        entry.procedure.full_clean()  # every seeded record passes the admin form's rules


def test_demo_procedures_page_renders_with_online_button(client, commune_a):
    demo.seed_commune(commune_a)
    body = get_body(client, commune_a, INDEX_PATH)
    assert len(listed_titles(body)) == 7
    birth = CommuneProcedure.objects.get(commune=commune_a, procedure__code="1.001193")
    assert ONLINE_BUTTON in get_body(client, commune_a, detail_path(birth))
