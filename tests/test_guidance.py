"""Guiding documents: the detail page, the filterable register, the home section and the demo seed."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from pages.guidance import demo
from pages.guidance.home import latest_documents
from pages.guidance.models import (
    DocumentIndexPage,
    DocumentStatus,
    DocumentType,
    GuidingDocumentFile,
    GuidingDocumentPage,
)
from pages.home import HOME_SECTIONS
from sites.text import vn_slugify

INDEX_PATH = "/van-ban-chi-dao-dieu-hanh/"


def document_index(commune) -> DocumentIndexPage:
    return DocumentIndexPage.objects.child_of(commune.home_page).get()


def make_file(commune, name="van-ban.pdf", content=b"%PDF-1.4 thu " + b"x" * 2000):
    return get_document_model().objects.create(
        title=name, file=ContentFile(content, name=name), collection=commune.collection
    )


def add_document(commune, number="96/KH-UBND", *, files=(), **fields) -> GuidingDocumentPage:
    """A published document in the commune's documents section."""
    values = {
        "title": f"Văn bản {number}",
        "summary": "Kế hoạch tổ chức vui Tết Trung thu cho thiếu nhi năm 2025.",
        "document_type": DocumentType.KE_HOACH,
        "date_issued": date(2025, 8, 20),
    }
    values.update(fields)
    page = GuidingDocumentPage(number=number, slug=vn_slugify(f"{number} {values['date_issued']}"), **values)
    page.attachments = [GuidingDocumentFile(document=f) for f in files]
    return document_index(commune).add_child(instance=page)


def listing(client, commune, **params):
    response = client.get(INDEX_PATH, params, HTTP_HOST=commune.hostname)
    assert response.status_code == 200
    return response.content.decode()


def listed_numbers(body: str) -> list[str]:
    return re.findall(r'<td data-label="Số/ký hiệu"><a href="[^"]+">([^<]+)</a>', body)


# --- Detail page --------------------------------------------------------------


def test_document_page_shows_every_field_with_files_size_and_download_link(client, commune_a):
    pdf = make_file(commune_a, "ke-hoach-96.pdf")
    page = add_document(
        commune_a,
        "96/KH-UBND",
        title="Kế hoạch tổ chức Tết Trung thu năm 2025",
        issuing_body="UBND xã Động Đạt",
        signer="Trần Thị Mai – Phó Chủ tịch",
        date_effective=date(2025, 8, 21),
        field="Văn hóa – Xã hội",
        files=[pdf],
    )
    body = client.get(page.url, HTTP_HOST=commune_a.hostname).content.decode()
    for text in (
        "96/KH-UBND",
        "Kế hoạch tổ chức Tết Trung thu năm 2025",
        "Kế hoạch tổ chức vui Tết Trung thu cho thiếu nhi năm 2025.",
        "Trần Thị Mai – Phó Chủ tịch",
        "20/08/2025",
        "21/08/2025",
        "Văn hóa – Xã hội",
        "Còn hiệu lực",
        "PDF, 2,0\xa0KB",
    ):
        assert text in body, text
    assert f'href="{pdf.url}" download' in body


def test_document_page_without_optional_content_names_the_commune_as_issuer(client, commune_a):
    page = add_document(commune_a, "7/TB-UBND", document_type=DocumentType.THONG_BAO)
    body = client.get(page.url, HTTP_HOST=commune_a.hostname).content.decode()
    assert "UBND xã Động Đạt" in body
    assert "Văn bản chưa có tệp đính kèm." in body
    assert "Người ký" not in body and "Ngày hiệu lực" not in body and "Ngày hết hiệu lực" not in body


def test_document_marked_expired_or_past_its_expiry_date_shows_expired(client, commune_a):
    marked = add_document(commune_a, "1/QĐ-UBND", status=DocumentStatus.EXPIRED)
    lapsed = add_document(commune_a, "2/QĐ-UBND", expiry_date=date.today() - timedelta(days=1))
    current = add_document(commune_a, "3/QĐ-UBND", expiry_date=date.today() + timedelta(days=30))
    assert not marked.is_in_force and not lapsed.is_in_force and current.is_in_force
    body = client.get(lapsed.url, HTTP_HOST=commune_a.hostname).content.decode()
    assert "Hết hiệu lực" in body and "Còn hiệu lực" not in body


def test_admin_form_prefills_issuing_body_with_the_commune_committee(commune_a):
    form_class = GuidingDocumentPage.get_edit_handler().get_form_class()
    form = form_class(instance=GuidingDocumentPage(), parent_page=document_index(commune_a), for_user=None)
    assert 'value="UBND xã Động Đạt"' in str(form["issuing_body"])
    assert 'list="' in str(form["field"]) and "<datalist" in str(form["field"])


def test_document_page_cannot_be_created_outside_a_documents_section():
    assert GuidingDocumentPage.allowed_parent_page_models() == [DocumentIndexPage]


# --- Register: filters, search, pagination ------------------------------------


@pytest.fixture
def register(commune_a):
    add_document(commune_a, "96/KH-UBND", date_issued=date(2025, 8, 20), field="Văn hóa – Xã hội")
    add_document(
        commune_a,
        "196/KH-UBND",
        date_issued=date(2024, 3, 2),
        summary="Kế hoạch phòng, chống thiên tai năm 2024.",
        field="Quốc phòng – An ninh",
    )
    add_document(
        commune_a,
        "15/QĐ-UBND",
        document_type=DocumentType.QUYET_DINH,
        date_issued=date(2024, 7, 1),
        summary="Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân xã.",
        field="Nội vụ",
    )
    add_document(
        commune_a,
        "210/UBND-VP",
        document_type=DocumentType.CONG_VAN,
        date_issued=date(2023, 9, 12),
        summary="Về việc đăng ký khai sinh trực tuyến.",
        field="Tư pháp – Hộ tịch",
    )
    return commune_a


def test_register_lists_newest_first_with_number_date_summary_type_and_status(client, register):
    body = listing(client, register)
    assert listed_numbers(body) == ["96/KH-UBND", "15/QĐ-UBND", "196/KH-UBND", "210/UBND-VP"]
    assert "20/08/2025" in body and "Quyết định" in body and "Còn hiệu lực" in body
    assert "Có 4 văn bản." in body


def test_register_filters_by_type(client, register):
    assert listed_numbers(listing(client, register, type="ke-hoach")) == ["96/KH-UBND", "196/KH-UBND"]
    assert listed_numbers(listing(client, register, type="quyet-dinh")) == ["15/QĐ-UBND"]


def test_register_filters_by_year_issued(client, register):
    assert listed_numbers(listing(client, register, year="2024")) == ["15/QĐ-UBND", "196/KH-UBND"]
    body = listing(client, register)
    assert '<option value="2023">2023</option>' in body  # the year menu offers the years that have documents


def test_register_filters_by_field(client, register):
    assert listed_numbers(listing(client, register, field="Nội vụ")) == ["15/QĐ-UBND"]


def test_register_combines_filters(client, register):
    assert listed_numbers(listing(client, register, type="ke-hoach", year="2024")) == ["196/KH-UBND"]


def test_search_finds_a_number_exactly_whatever_its_case(client, register):
    assert listed_numbers(listing(client, register, q="96/KH-UBND")) == ["96/KH-UBND"]
    assert listed_numbers(listing(client, register, q="96/kh-ubnd")) == ["96/KH-UBND"]
    assert listed_numbers(listing(client, register, q=" 15/qđ-ubnd ")) == ["15/QĐ-UBND"]
    assert listed_numbers(listing(client, register, q="15/QD-UBND")) == ["15/QĐ-UBND"]


def test_search_finds_summary_words_with_or_without_diacritics(client, register):
    assert listed_numbers(listing(client, register, q="khai sinh")) == ["210/UBND-VP"]
    assert listed_numbers(listing(client, register, q="THIEN TAI")) == ["196/KH-UBND"]
    assert listed_numbers(listing(client, register, q="quy chế làm việc")) == ["15/QĐ-UBND"]


def test_search_with_no_match_says_so(client, register):
    body = listing(client, register, q="999/KH-UBND")
    assert listed_numbers(body) == []
    assert "Không tìm thấy văn bản phù hợp" in body


def test_unknown_filter_values_are_ignored_not_an_error(client, register):
    body = listing(client, register, type="khong-co", year="1990", page="abc")
    assert len(listed_numbers(body)) == 4


def test_filters_are_an_accessible_get_form(client, register):
    body = listing(client, register)
    assert '<form class="doc-filter" method="get" role="search"' in body
    for name in ("q", "type", "year", "field"):
        assert f'<label for="id_{name}">' in body
    assert '<button type="submit">Tìm văn bản</button>' in body


def test_register_shows_20_per_page_with_a_vietnamese_pager_that_keeps_filters(client, commune_a):
    for n in range(1, 26):
        add_document(commune_a, f"{n}/KH-UBND", date_issued=date(2025, 1, 1) + timedelta(days=n))
    first = listing(client, commune_a, type="ke-hoach")
    assert len(listed_numbers(first)) == 20
    assert "Trang 1/2" in first and "Trang sau" in first
    assert "?type=ke-hoach&amp;page=2" in first
    second = listing(client, commune_a, type="ke-hoach", page=2)
    assert listed_numbers(second) == [f"{n}/KH-UBND" for n in range(5, 0, -1)]
    assert "Trang trước" in second and "Trang sau" not in second


# --- Isolation and queries ------------------------------------------------------


def test_other_commune_documents_never_appear(client, commune_a, commune_b):
    add_document(commune_a, "96/KH-UBND", summary="Kế hoạch của xã A.")
    add_document(commune_b, "96/KH-UBND", summary="BMARKER kế hoạch của xã B.", field="Lĩnh vực B")
    for params in ({}, {"q": "96/KH-UBND"}, {"q": "kế hoạch"}, {"year": "2025"}):
        body = listing(client, commune_a, **params)
        assert "Kế hoạch của xã A." in body
        assert "BMARKER" not in body and "Lĩnh vực B" not in body
    home = commune_a.home_page
    assert [d.summary for d in latest_documents(home, None)] == ["Kế hoạch của xã A."]


def test_register_query_count_does_not_grow_with_documents(client, commune_a, django_assert_max_num_queries, uncached):
    for n in range(3):
        add_document(commune_a, f"{n}/TB-UBND", field=f"Lĩnh vực {n}")
    listing(client, commune_a)  # warm caches (site, identity)
    with CaptureQueriesContext(connection) as three:
        listing(client, commune_a)
    few = len(three.captured_queries)  # read now: the query log is a bounded deque
    for n in range(3, 15):
        add_document(commune_a, f"{n}/TB-UBND", field=f"Lĩnh vực {n}")
    listing(client, commune_a)  # the commune changed: its footer and menu are read again once
    with django_assert_max_num_queries(few):
        body = listing(client, commune_a)
    assert len(listed_numbers(body)) == 15


# --- Home section ----------------------------------------------------------------


def test_home_section_lists_the_five_latest_documents(commune_a):
    for n in range(1, 8):
        add_document(commune_a, f"{n}/TB-UBND", date_issued=date(2025, 1, n))
    section = HOME_SECTIONS["latest_documents"]
    assert section.order == 40
    items = section.get_items(commune_a.home_page, None)
    assert [d.number for d in items] == ["7/TB-UBND", "6/TB-UBND", "5/TB-UBND", "4/TB-UBND", "3/TB-UBND"]
    html = render_to_string(section.template, {"items": items, "section": section, "home": commune_a.home_page})
    assert "Văn bản mới" in html and "7/TB-UBND" in html and "07/01/2025" in html


def test_home_section_is_empty_without_documents(commune_a):
    assert latest_documents(commune_a.home_page, None) == []


# --- Demo ----------------------------------------------------------------------


def test_demo_seed_is_idempotent_and_attaches_a_real_pdf_to_each_document(commune_a):
    demo.seed_commune(commune_a)
    demo.seed_commune(commune_a)
    documents = GuidingDocumentPage.objects.child_of(document_index(commune_a)).live()
    assert documents.count() == len(demo.DEMO_DOCUMENTS) == 15
    assert documents.filter(status=DocumentStatus.EXPIRED).count() == 1
    assert len({d.date_issued.year for d in documents}) >= 3
    assert len({d.document_type for d in documents}) >= 8
    files = get_document_model().objects.filter(collection=commune_a.collection)
    assert files.count() == 15
    with files.first().file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert len(content) < 2000
    assert documents.get(number="96/KH-UBND").attachments.count() == 1


def test_minimal_pdf_has_a_correct_cross_reference_table():
    pdf = demo.minimal_pdf(["Dong (mot)", "Tiếng Việt"])
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[start:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert b"(Dong \\(mot\\)) Tj" in pdf and b"(Tieng Viet) Tj" in pdf


def test_editor_opens_the_add_form_with_vietnamese_labels_and_the_commune_as_issuer(client, commune_a, editor_a):
    from django.urls import reverse

    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:add", args=("guidance", "guidingdocumentpage", document_index(commune_a).pk))
    response = client.get(url, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("Số/ký hiệu", "Loại văn bản", "Trích yếu", "Ngày ban hành", "Tệp đính kèm", "Tình trạng hiệu lực"):
        assert label in body, label
    assert 'value="UBND xã Động Đạt"' in body
