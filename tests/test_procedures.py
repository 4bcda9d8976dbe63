"""Administrative procedures: the detail page, the listing by field, the home links, fees and the demo seed."""

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
from pages.procedures.models import (
    Channel,
    DossierItem,
    OnlineLevel,
    ProcedureIndexPage,
    ProcedureMethod,
    ProcedurePage,
    ProcedureStatus,
    ProcedureStep,
    validate_procedure_code,
)
from pages.procedures.templatetags.procedure_tags import vnd
from sites.text import vn_slugify, vn_sort_key

INDEX_PATH = "/thu-tuc-hanh-chinh/"
ONLINE_BUTTON = "Nộp hồ sơ trực tuyến"


def procedure_index(commune) -> ProcedureIndexPage:
    return ProcedureIndexPage.objects.child_of(commune.home_page).get()


def add_procedure(commune, title="Đăng ký khai sinh", code="1.001193", *, methods=(), dossier=(), steps=(), **fields):
    values = {
        "field": "Hộ tịch",
        "applicants": "Công dân Việt Nam",
        "result": "Giấy khai sinh",
    }
    values.update(fields)
    page = ProcedurePage(title=title, code=code, slug=vn_slugify(f"{title} {code}"), **values)
    page.methods = list(methods)
    page.dossier_items = list(dossier)
    page.steps = list(steps)
    return procedure_index(commune).add_child(instance=page)


def in_person(fee=0, **kw):
    return ProcedureMethod(channel=Channel.IN_PERSON, processing_time=1, fee=fee, **kw)


def online(fee=0, **kw):
    return ProcedureMethod(channel=Channel.ONLINE, processing_time=1, fee=fee, **kw)


def get_body(client, commune, path, **params):
    response = client.get(path, params, HTTP_HOST=commune.hostname)
    assert response.status_code == 200
    return response.content.decode()


def listed_titles(body: str) -> list[str]:
    return re.findall(r'<li>\s*<a href="[^"]+">([^<]+)</a>\s*<span class="muted">Mã', body)


# --- Fees and codes ------------------------------------------------------------------


def test_fees_are_written_the_vietnamese_way():
    assert vnd(50000) == "50.000 đồng"
    assert vnd(1234567) == "1.234.567 đồng"
    assert vnd(2000) == "2.000 đồng"
    assert vnd(0) == "Miễn phí"


@pytest.mark.parametrize("code", ["1.001193", "2.000815", "2.000815.000.00.00.H55", "1.000894.000.00.00.H12"])
def test_national_procedure_codes_are_accepted(code):
    validate_procedure_code(code)


@pytest.mark.parametrize("code", ["1001193", "1.00119", "1.0011930", "A.001193", "1.001193 ", "1,001193", ""])
def test_malformed_procedure_codes_are_refused_in_vietnamese(code):
    with pytest.raises(ValidationError) as error:
        validate_procedure_code(code)
    assert "Mã thủ tục không đúng định dạng" in error.value.messages[0]


def test_saving_a_procedure_with_a_bad_code_fails_validation(commune_a):
    page = ProcedurePage(title="Thủ tục thử", code="1-001193", field="Hộ tịch", applicants="x", result="y")
    with pytest.raises(ValidationError) as error:
        procedure_index(commune_a).add_child(instance=page)
    assert "Mã thủ tục không đúng định dạng" in str(error.value)


def test_vietnamese_alphabetical_order_puts_d_stroke_after_d():
    fields = ["Đất đai", "Y tế", "Dân số", "Chứng thực", "Bảo trợ xã hội"]
    assert sorted(fields, key=vn_sort_key) == ["Bảo trợ xã hội", "Chứng thực", "Dân số", "Đất đai", "Y tế"]


# --- Detail page ------------------------------------------------------------------------


def test_procedure_page_answers_a_residents_questions_in_order(client, commune_a):
    form = get_document_model().objects.create(
        title="Tờ khai khai sinh", file=ContentFile(b"%PDF-1.4", name="to-khai.pdf"), collection=commune_a.collection
    )
    page = add_procedure(
        commune_a,
        methods=[
            in_person(fee=0, time_description="Trong ngày", fee_description="Miễn lệ phí khai sinh đúng hạn"),
            ProcedureMethod(channel=Channel.POSTAL, processing_time=3, fee=50000),
        ],
        dossier=[
            DossierItem(name="Tờ khai đăng ký khai sinh", originals=1, copies=0, form=form),
            DossierItem(name="Giấy chứng sinh", originals=1, copies=2),
        ],
        steps=[ProcedureStep(description="Nộp hồ sơ tại Bộ phận một cửa."), ProcedureStep(description="Nhận kết quả.")],
        legal_basis="60/2014/QH13 – Luật Hộ tịch\n123/2015/NĐ-CP – Nghị định hướng dẫn",
        submission_place="Bộ phận Một cửa, UBND xã Động Đạt",
        opening_hours="Sáng 7h30–11h30",
        officer_name="Nguyễn Thị Hoa",
        officer_phone="0912 345 678",
        local_notes="Mang theo bản chính để đối chiếu.",
    )
    body = get_body(client, commune_a, page.url)
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
        "1.001193",
        "Công dân Việt Nam",
        "Bản chính: 1 – Bản sao: 2",
        f'href="{form.url}" download',
        "Trực tiếp",
        "Bưu chính công ích",
        "01 ngày làm việc",
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


def test_procedure_page_renders_without_optional_content(client, commune_a):
    page = add_procedure(commune_a, "Thủ tục tối giản", "1.000001")
    body = get_body(client, commune_a, page.url)
    assert "Thủ tục tối giản" in body
    assert "Liên hệ Bộ phận một cửa để được hướng dẫn về hồ sơ." in body
    assert "Các bước thực hiện" not in body and "Căn cứ pháp lý" not in body
    assert ONLINE_BUTTON not in body


def test_online_button_links_to_the_national_portal_only_with_an_online_method(client, commune_a):
    with_online = add_procedure(commune_a, methods=[in_person(), online()], online_level=OnlineLevel.FULL)
    in_person_only = add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", methods=[in_person(fee=10000)])
    body = get_body(client, commune_a, with_online.url)
    url = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-hanh-chinh.html?ma_thu_tuc=1.001193"
    assert f'<a class="button-online" href="{url}" rel="external">{ONLINE_BUTTON}</a>' in body
    body = get_body(client, commune_a, in_person_only.url)
    assert ONLINE_BUTTON not in body
    assert "10.000 đồng" in body


def test_abolished_procedure_page_says_so_and_offers_no_online_button(client, commune_a):
    page = add_procedure(commune_a, methods=[online()], status=ProcedureStatus.ABOLISHED)
    body = get_body(client, commune_a, page.url)
    assert "Thủ tục này đã bị bãi bỏ" in body
    assert ONLINE_BUTTON not in body


# --- Listing ---------------------------------------------------------------------------


@pytest.fixture
def catalogue(commune_a):
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193", methods=[online()], online_level=OnlineLevel.FULL)
    add_procedure(commune_a, "Đăng ký kết hôn", "1.000894")
    add_procedure(commune_a, "Chứng thực chữ ký", "2.000884", field="Chứng thực")
    add_procedure(commune_a, "Đăng ký hộ kinh doanh", "1.001612", field="Hộ kinh doanh")
    add_procedure(commune_a, "Thủ tục cũ đã bãi bỏ", "1.000111", status=ProcedureStatus.ABOLISHED)
    return commune_a


def test_listing_groups_procedures_by_field_in_vietnamese_order(client, catalogue):
    body = get_body(client, catalogue, INDEX_PATH)
    groups = re.findall(r'<h2 id="linh-vuc-\d+">([^<]+) <span', body)
    assert groups == ["Chứng thực", "Hộ kinh doanh", "Hộ tịch"]
    assert listed_titles(body) == ["Chứng thực chữ ký", "Đăng ký hộ kinh doanh", "Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert "Trực tuyến toàn trình" in body


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


def test_other_commune_procedures_never_appear(client, commune_a, commune_b):
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193")
    add_procedure(commune_b, "BMARKER thủ tục xã B", "1.009999", field="Lĩnh vực B")
    for params in ({}, {"q": "BMARKER"}, {"q": "1.009999"}, {"field": "Lĩnh vực B"}):
        body = get_body(client, commune_a, INDEX_PATH, **params)
        # The search box echoes the query, so look for B's listing entries, not the bare marker.
        assert "BMARKER thủ tục xã B" not in body and '<option value="Lĩnh vực B"' not in body
        # B's field is unknown here, so that filter is ignored and A's own list shows.
        assert listed_titles(body) == ([] if "q" in params else ["Đăng ký khai sinh"])
    links = procedure_links(commune_a.home_page, None)
    assert [p.title for p in links.procedures] == ["Đăng ký khai sinh"]


def test_listing_query_count_does_not_grow_with_procedures(client, commune_a, django_assert_max_num_queries):
    for n in range(3):
        add_procedure(commune_a, f"Thủ tục {n}", f"1.00000{n}", field=f"Lĩnh vực {n % 2}", methods=[online()])
    get_body(client, commune_a, INDEX_PATH)  # warm caches (site, identity)
    with CaptureQueriesContext(connection) as three:
        get_body(client, commune_a, INDEX_PATH)
    for n in range(3, 15):
        add_procedure(commune_a, f"Thủ tục {n}", f"1.0000{n:02d}", field=f"Lĩnh vực {n % 4}", methods=[online()])
    with django_assert_max_num_queries(len(three.captured_queries)):
        body = get_body(client, commune_a, INDEX_PATH)
    assert len(listed_titles(body)) == 15


def test_detail_page_query_count_does_not_grow_with_dossier_and_methods(
    client, commune_a, django_assert_max_num_queries
):
    small = add_procedure(commune_a, "Nhỏ", "1.000001", methods=[online()], dossier=[DossierItem(name="A")])
    big = add_procedure(
        commune_a,
        "Lớn",
        "1.000002",
        methods=[online(), in_person(), ProcedureMethod(channel=Channel.POSTAL)],
        dossier=[DossierItem(name=f"Giấy {n}") for n in range(8)],
        steps=[ProcedureStep(description=f"Bước {n}") for n in range(6)],
    )
    get_body(client, commune_a, small.url)
    with CaptureQueriesContext(connection) as few:
        get_body(client, commune_a, small.url)
    with django_assert_max_num_queries(len(few.captured_queries)):
        get_body(client, commune_a, big.url)


# --- Home links ---------------------------------------------------------------------


def test_home_links_show_up_to_eight_procedures_featured_first_and_the_portals(commune_a):
    for n in range(10):
        add_procedure(commune_a, f"Thủ tục {n:02d}", f"1.0000{n:02d}")
    add_procedure(commune_a, "Đăng ký khai sinh", "1.001193", is_featured=True)
    add_procedure(commune_a, "Đã bãi bỏ", "1.000999", is_featured=True, status=ProcedureStatus.ABOLISHED)
    section = HOME_SECTIONS["procedure_links"]
    assert section.order == 15
    links = section.get_items(commune_a.home_page, None)
    titles = [p.title for p in links.procedures]
    assert len(titles) == 8 and titles[0] == "Đăng ký khai sinh" and "Đã bãi bỏ" not in titles
    html = render_to_string(section.template, {"items": links, "section": section, "home": commune_a.home_page})
    assert 'href="https://dichvucong.gov.vn"' in html
    assert f'href="{procedure_index(commune_a).url}"' in html
    assert "Đăng ký khai sinh" in html


def test_home_links_still_point_to_the_portals_without_procedures(commune_a):
    links = procedure_links(commune_a.home_page, None)
    assert links and links.procedures == []


# --- Demo ----------------------------------------------------------------------------


def test_demo_seed_is_idempotent_with_the_seven_real_procedures(commune_a):
    demo.seed_commune(commune_a)
    demo.seed_commune(commune_a)
    procedures = ProcedurePage.objects.child_of(procedure_index(commune_a)).live()
    assert sorted(procedures.values_list("code", flat=True)) == sorted(
        ["1.001193", "1.000894", "1.000656", "2.000815", "2.000884", "1.001612", "1.000494"]
    )
    birth = procedures.get(code="1.001193")
    assert birth.title == "Đăng ký khai sinh" and birth.field == "Hộ tịch" and birth.level == "Cấp xã"
    assert sorted(birth.methods.values_list("channel", flat=True)) == [1, 2, 3]
    assert birth.dossier_items.count() == 2
    assert birth.dossier_items.get(name__startswith="Tờ khai").form is not None
    assert "60/2014/QH13 – Luật Hộ tịch" in birth.legal_basis_list
    assert "Bộ phận Một cửa, UBND xã Động Đạt" in birth.submission_place
    assert procedures.get(code="2.000884").methods.get().fee == 10000
    for procedure in procedures:
        procedure.full_clean()  # every seeded record passes the officer's form rules


def test_demo_procedures_page_renders_with_online_button(client, commune_a):
    demo.seed_commune(commune_a)
    body = get_body(client, commune_a, INDEX_PATH)
    assert len(listed_titles(body)) == 7
    birth = ProcedurePage.objects.get(code="1.001193")
    assert ONLINE_BUTTON in get_body(client, commune_a, birth.url)


def test_editor_opens_the_add_form_with_the_local_details_tab(client, commune_a, editor_a):
    from django.urls import reverse

    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:add", args=("procedures", "procedurepage", procedure_index(commune_a).pk))
    response = client.get(url, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Mã thủ tục", "Thành phần hồ sơ", "Cách thức thực hiện", "Thông tin tại xã", "Nơi nộp hồ sơ"):
        assert label in body, label
