"""The admin for administrative procedures: the province catalogue, its import, and each commune's list.

Province admins keep the catalogue ("Danh mục thủ tục hành chính"); officers never reach it and only
fill in their own commune's details ("Thủ tục hành chính của xã"). Every isolation test also checks
that the allowed side still works, so a passing test proves filtering, not breakage.
"""

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import nested_form_data, streamfield

from pages.procedures.admin_views import catalogue_url
from pages.procedures.forms import IMPORT_MAX_BYTES
from pages.procedures.models import CommuneProcedure, Procedure, ProcedureStatus
from tests.factories import make_province_admin, make_superuser
from tests.factories_procedures import (
    SAMPLE_FILE,
    add_catalogue_procedure,
    add_procedure,
    detail_path,
    method,
    paper,
    procedure_record,
)

A_MARKER = "AMARKER"
B_MARKER = "BMARKER"


def client_for(user, host="localhost"):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def snippet_url(action, *args):
    return reverse(CommuneProcedure.snippet_viewset.get_url_name(action), args=args)


def page_text(response) -> str:
    """What a person reads on the page: the main area's text, without scripts."""
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.loads(body)["html"]  # chooser modals arrive as JSON
    soup = BeautifulSoup(body, "html.parser")
    for tag in soup(["script", "style", "template"]):
        tag.decompose()
    main = soup.find("main") or soup
    return " ".join(main.get_text(" ").split())


def listing_row(response, text: str) -> list[str]:
    """The cells of the listing row that mentions text."""
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    for row in soup.select("table tbody tr"):
        if text in row.get_text():
            return [" ".join(cell.get_text(" ").split()) for cell in row.find_all("td")]
    return []


def sidebar_menu(response) -> str:
    body = response.content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S)
    return json.dumps(json.loads(props.group(1)), ensure_ascii=False)


# --- Form data ------------------------------------------------------------------------------


def _list_block(values) -> dict:
    data = {str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(values)}
    data["count"] = str(len(values))
    return data


def procedure_form_data(record: dict, **extra) -> dict:
    """The catalogue form's POST data for a record (what the admin's editor submits)."""
    data = {
        "name": record["name"],
        "code": record["code"],
        "field": record["field"],
        "field_code": record["field_code"],
        "level": record["level"],
        "publisher_code": record["publisher_code"],
        "status": record["status"],
        "online_level": record["online_level"],
        "updated_on": "",
        "agency": "\n".join(record["agency"]),
        "applicants": "\n".join(record["applicants"]),
        "results": "\n".join(record["results"]),
        "requirements": record["requirements"],
        "steps": streamfield(
            [("case", {"case": c["case"], "steps": _list_block(c["steps"])}) for c in record["steps"]]
        ),
        "methods": streamfield(
            [
                (
                    "method",
                    {
                        "channel": str(m["channel"]),
                        "time": m["time"],
                        "unit": m["unit"],
                        "time_note": m["time_note"],
                        "fees": _list_block([{"amount": str(f["amount"]), "note": f["note"]} for f in m["fees"]]),
                    },
                )
                for m in record["methods"]
            ]
        ),
        "dossier": streamfield(
            [
                (
                    "case",
                    {
                        "case": c["case"],
                        "papers": _list_block(
                            [
                                {
                                    "name": p["name"],
                                    "originals": str(p["originals"]),
                                    "copies": str(p["copies"]),
                                    "form_name": p.get("form_name", ""),
                                    "form_url": p.get("form_url", ""),
                                    "form": "",
                                }
                                for p in c["papers"]
                            ]
                        ),
                    },
                )
                for c in record["dossier"]
            ]
        ),
        "legal_basis": streamfield([("document", dict(d)) for d in record["legal_basis"]]),
    }
    data.update(extra)
    return nested_form_data(data)


def birth_record(name="Đăng ký khai sinh", code="1.001193", **fields) -> dict:
    return procedure_record(
        name,
        code,
        methods=[method(1, "1", ((0, "Miễn lệ phí đăng ký đúng hạn"),)), method(2, "1", ((0, ""),))],
        papers=[paper("Tờ khai đăng ký khai sinh theo mẫu", form_name="to-khai.docx")],
        steps=["Nộp hồ sơ tại Bộ phận một cửa", "Nhận Giấy khai sinh"],
        **fields,
    )


@pytest.fixture
def birth(commune_a, commune_a2):
    """A catalogue procedure of A's province, listed on both of its communes (as the import does)."""
    record = birth_record()
    return add_catalogue_procedure(
        commune_a.province,
        record["name"],
        record["code"],
        methods=record["methods"],
        papers=record["dossier"][0]["papers"],
        steps=record["steps"][0]["steps"],
    )


@pytest.fixture
def b_entry(commune_b):
    return add_procedure(commune_b, f"{B_MARKER} Đăng ký kết hôn", "1.000894", local={"officer_name": B_MARKER})


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "var" / "imports"


# --- Menus ---------------------------------------------------------------------------------------


def test_catalogue_menu_is_for_province_admins_and_commune_list_for_officers(commune_a, editor_a, province_admin_a):
    admin_menu = sidebar_menu(client_for(province_admin_a).get("/admin/"))
    officer_menu = sidebar_menu(client_for(editor_a, commune_a.hostname).get("/admin/"))
    assert '"Danh mục thủ tục"' in admin_menu and '"Thủ tục của xã"' in admin_menu
    assert '"Danh mục thủ tục"' not in officer_menu
    assert '"Thủ tục của xã"' in officer_menu


# --- Catalogue: listing ------------------------------------------------------------------------------


def test_catalogue_listing_shows_columns_and_searches_without_diacritics(province_admin_a, commune_a, birth):
    add_catalogue_procedure(commune_a.province, "Chứng thực chữ ký", "2.000884", field="Chứng thực")
    client = client_for(province_admin_a)
    response = client.get(catalogue_url("index"))
    text = page_text(response)
    for expected in ("Tên thủ tục", "Mã thủ tục", "Lĩnh vực", "Tình trạng", "Trực tuyến", "Số xã đang dùng"):
        assert expected in text, expected
    row = listing_row(response, "1.001193")
    assert row[0].startswith("Đăng ký khai sinh") and row[1:4] == ["1.001193", "Hộ tịch", "Còn hiệu lực"]
    assert row[-1] == "2"  # listed by both communes of the province

    for query in ("dang ky khai sinh", "DANG KY", "1.001193", "khai sinh"):
        text = page_text(client.get(catalogue_url("index_results"), {"q": query}))
        assert "Đăng ký khai sinh" in text and "Chứng thực chữ ký" not in text, query
    text = page_text(client.get(catalogue_url("index_results"), {"field": "Chứng thực"}))
    assert "Chứng thực chữ ký" in text and "Đăng ký khai sinh" not in text
    Procedure.objects.filter(code="2.000884").update(status=ProcedureStatus.ABOLISHED)
    text = page_text(client.get(catalogue_url("index_results"), {"status": "abolished"}))
    assert "Chứng thực chữ ký" in text and "Đăng ký khai sinh" not in text


# --- Catalogue: create and edit ---------------------------------------------------------------------


def test_province_admin_creates_a_procedure_listed_on_every_commune(client, province_admin_a, commune_a, commune_a2):
    record = birth_record(requirements="Người yêu cầu cư trú trên địa bàn xã.")
    response = client_for(province_admin_a).post(catalogue_url("add"), procedure_form_data(record))
    assert response.status_code == 302, page_text(response)
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.province == commune_a.province
    assert procedure.record["methods"] == record["methods"]
    assert procedure.record["dossier"] == record["dossier"]
    assert procedure.record["steps"] == record["steps"]
    assert ModelLogEntry.objects.filter(object_id=str(procedure.pk), action="wagtail.create").exists()
    for commune in (commune_a, commune_a2):
        entry = CommuneProcedure.objects.get(commune=commune, procedure=procedure)
        body = client.get(detail_path(entry), HTTP_HOST=commune.hostname).content.decode()
        assert "Người yêu cầu cư trú trên địa bàn xã." in body


def test_a_catalogue_edit_in_the_admin_shows_on_every_communes_page(
    client, province_admin_a, commune_a, commune_a2, birth
):
    record = birth.record
    record["requirements"] = "Yêu cầu mới do tỉnh cập nhật"
    record["methods"][0]["fees"][0]["amount"] = 8000
    response = client_for(province_admin_a).post(catalogue_url("edit", birth.pk), procedure_form_data(record))
    assert response.status_code == 302, page_text(response)
    birth.refresh_from_db()
    assert birth.requirements == "Yêu cầu mới do tỉnh cập nhật"
    assert ModelLogEntry.objects.filter(object_id=str(birth.pk), action="wagtail.edit").exists()
    for commune in (commune_a, commune_a2):
        entry = CommuneProcedure.objects.get(commune=commune, procedure=birth)
        body = client.get(detail_path(entry), HTTP_HOST=commune.hostname).content.decode()
        assert "Yêu cầu mới do tỉnh cập nhật" in body
        assert "8.000 đồng" in body
    portal = client.get(f"/{commune_a.province.slug}/{commune_a2.slug}{detail_path(entry)}", HTTP_HOST="localhost")
    assert "Yêu cầu mới do tỉnh cập nhật" in portal.content.decode()
    history = client_for(province_admin_a).get(catalogue_url("history", birth.pk))
    assert history.status_code == 200 and "quantri.thainguyen" in history.content.decode()


@pytest.mark.parametrize(
    "code,message",
    [
        ("1.001193", "đã có trong danh mục của Thái Nguyên"),
        ("abc", "Mã thủ tục không đúng định dạng"),
        ("", "Hãy nhập mã thủ tục"),
    ],
)
def test_code_is_checked_and_unique_in_the_province_in_vietnamese(province_admin_a, birth, code, message):
    record = birth_record(name="Đăng ký khai sinh lưu động", code=code)
    response = client_for(province_admin_a).post(catalogue_url("add"), procedure_form_data(record))
    assert response.status_code == 200
    assert message in page_text(response)
    assert Procedure.objects.count() == 1


def test_another_province_may_use_the_same_code(province_admin_b, commune_b, birth):
    response = client_for(province_admin_b).post(catalogue_url("add"), procedure_form_data(birth_record()))
    assert response.status_code == 302
    assert Procedure.objects.get(province=commune_b.province, code="1.001193")


def test_operator_chooses_the_province(province_a, province_b, birth):
    client = client_for(make_superuser())
    assert 'name="province_choice"' in client.get(catalogue_url("add")).content.decode()
    data = procedure_form_data(birth_record(), province_choice=str(province_b.pk))
    assert client.post(catalogue_url("add"), data).status_code == 302
    assert Procedure.objects.filter(province=province_b, code="1.001193").exists()
    response = client.post(catalogue_url("add"), procedure_form_data(birth_record(code="1.000894")))
    assert "Hãy chọn tỉnh/thành phố." in page_text(response)


def test_deleting_a_procedure_communes_use_is_refused_with_the_way_out(province_admin_a, commune_a, birth):
    client = client_for(province_admin_a)
    text = page_text(client.get(catalogue_url("delete", birth.pk)))
    assert "đang được 2 xã/phường sử dụng" in text and "Đã bãi bỏ" in text
    response = client.post(catalogue_url("delete", birth.pk))
    assert response.status_code == 302
    assert Procedure.objects.filter(pk=birth.pk).exists()
    assert "Không xóa được" in page_text(client.get(response["Location"]))

    CommuneProcedure.objects.filter(procedure=birth).delete()
    assert client.post(catalogue_url("delete", birth.pk)).status_code == 302
    assert not Procedure.objects.filter(pk=birth.pk).exists()


# --- Catalogue: isolation --------------------------------------------------------------------------


def test_province_admin_never_sees_another_provinces_catalogue(province_admin_a, province_admin_b, birth, b_entry):
    client = client_for(province_admin_b)
    text = page_text(client.get(catalogue_url("index")))
    assert B_MARKER in text and "Đăng ký khai sinh" not in text
    exported = client.get(catalogue_url("export"))
    assert exported.status_code == 200 and "quang-ngai" in exported["Content-Disposition"]
    from pages.procedures.importing import read_catalogue_file

    rows = read_catalogue_file(SimpleUploadedFile("x.xlsx", exported.content))  # only B's own catalogue
    assert [r["name"] for r in rows] == [b_entry.procedure.name]
    for name in ("edit", "delete", "history"):
        url = catalogue_url(name, birth.pk)
        assert client.get(url).status_code == 404, url
        assert client.post(url, procedure_form_data(birth_record(name="Đổi tên"))).status_code == 404, url
    birth.refresh_from_db()
    assert birth.name == "Đăng ký khai sinh"
    assert client_for(province_admin_a).get(catalogue_url("edit", birth.pk)).status_code == 200


def test_officers_cannot_reach_the_catalogue_even_by_direct_post(commune_a, editor_a, approver_a, birth, imports_dir):
    token_owner = make_province_admin(commune_a.province, username="quantri2.thainguyen")
    upload = SimpleUploadedFile("danh-muc.json", SAMPLE_FILE.read_bytes())
    preview = client_for(token_owner).post(catalogue_url("import"), {"file": upload})
    token_url = preview["Location"]
    before = list(Procedure.objects.values())
    for user in (editor_a, approver_a):
        client = client_for(user, commune_a.hostname)
        for url in (
            catalogue_url("index"),
            catalogue_url("index_results"),
            catalogue_url("add"),
            catalogue_url("edit", birth.pk),
            catalogue_url("delete", birth.pk),
            catalogue_url("history", birth.pk),
            catalogue_url("import"),
            catalogue_url("export"),
            token_url,
        ):
            assert client.get(url).status_code == 404, url
            data = procedure_form_data(birth_record(name="Đổi tên", code="1.009999"))
            assert client.post(url, data).status_code == 404, url
        upload = SimpleUploadedFile("danh-muc.json", SAMPLE_FILE.read_bytes())
        assert client.post(catalogue_url("import"), {"file": upload}).status_code == 404
    assert list(Procedure.objects.values()) == before
    assert len(list(imports_dir.glob("*.upload"))) == 1  # the owner's file is untouched


# --- Catalogue: import ------------------------------------------------------------------------------


def test_import_previews_then_writes_only_on_confirmation(province_admin_a, commune_a, commune_a2, imports_dir):
    add_catalogue_procedure(commune_a.province, "Đăng ký khai sinh (tên cũ)", "1.001193")
    before = list(Procedure.objects.values())
    client = client_for(province_admin_a)
    upload = SimpleUploadedFile("tthc-sample.json", SAMPLE_FILE.read_bytes(), content_type="application/json")
    response = client.post(catalogue_url("import"), {"file": upload})
    assert response.status_code == 302 and "/import/" in response["Location"]
    [kept] = imports_dir.glob("*.upload")
    assert kept.name.startswith(f"{province_admin_a.pk}-")
    media = imports_dir.parent.parent / "media"
    assert not media.exists() or not [f for f in media.rglob("*") if f.is_file()]  # never where the web serves

    preview = client.get(response["Location"])
    text = page_text(preview)
    assert preview.status_code == 200
    assert "Thêm mới (2)" in text and "2.000815" in text and "1.000894" in text
    assert "Thay đổi nội dung (1)" in text and "tên" in text and "cách thức, thời hạn, phí" in text
    assert "Chưa có gì được ghi vào danh mục" in text
    assert list(Procedure.objects.values()) == before  # the preview wrote nothing

    confirmed = client.post(response["Location"], {"action": "confirm"})
    assert confirmed.status_code == 302 and confirmed["Location"] == catalogue_url("index")
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001193", "2.000815", "1.000894"}
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh"
    for commune in (commune_a, commune_a2):  # new commune-level procedures reach every commune
        assert CommuneProcedure.objects.filter(commune=commune, procedure__code="2.000815").exists()
    assert "Đã nhập tệp “tthc-sample.json”" in page_text(client.get(confirmed["Location"]))
    assert not list(imports_dir.iterdir())  # the kept file is gone
    assert client.post(response["Location"], {"action": "confirm"}).status_code == 302  # a second click: no file
    assert Procedure.objects.count() == 3


def test_a_bad_file_lists_its_errors_in_vietnamese_and_writes_nothing(province_admin_a, commune_a, imports_dir):
    data = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
    data["data"][1]["MATTHC"] = "2-000815"
    data["data"][2]["TENTTHC"] = ""
    client = client_for(province_admin_a)
    upload = SimpleUploadedFile("sai.json", json.dumps(data, ensure_ascii=False).encode())
    response = client.post(catalogue_url("import"), {"file": upload}, follow=True)
    text = page_text(response)
    assert "Tệp “sai.json” có 2 lỗi nên chưa được nhập" in text
    assert "Bản ghi thứ 2" in text and "Bản ghi thứ 3" in text
    assert not Procedure.objects.exists()
    assert not list(imports_dir.iterdir())

    not_a_catalogue = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    text = page_text(client.post(catalogue_url("import"), {"file": not_a_catalogue}, follow=True))
    assert "“anh.png”" in text and "chưa được nhập" in text
    assert not Procedure.objects.exists()


def test_import_refuses_files_over_20_mb(province_admin_a, commune_a, imports_dir):
    big = SimpleUploadedFile("lon.json", b" " * (IMPORT_MAX_BYTES + 1))
    response = client_for(province_admin_a).post(catalogue_url("import"), {"file": big})
    assert response.status_code == 200
    assert "quá giới hạn 20 MB" in page_text(response)
    assert not imports_dir.exists() or not list(imports_dir.iterdir())


def test_another_users_import_token_is_refused(province_admin_a, commune_a, imports_dir):
    colleague = make_province_admin(commune_a.province, username="quantri2.thainguyen")
    upload = SimpleUploadedFile("tthc-sample.json", SAMPLE_FILE.read_bytes())
    preview_url = client_for(province_admin_a).post(catalogue_url("import"), {"file": upload})["Location"]
    other = client_for(colleague)
    for response in (other.get(preview_url), other.post(preview_url, {"action": "confirm"})):
        assert response.status_code == 302 and response["Location"] == catalogue_url("import")
    assert not Procedure.objects.exists()
    assert len(list(imports_dir.glob("*.upload"))) == 1  # still waiting for its owner
    for bad in ("../../etc/passwd", "x" * 10, "%2e%2e"):
        response = other.get(catalogue_url("import") + bad + "/")
        assert response.status_code in (302, 404)
    assert client_for(province_admin_a).post(preview_url, {"action": "confirm"}).status_code == 302
    assert Procedure.objects.count() == 3


def test_cancelling_an_import_deletes_the_file_and_writes_nothing(province_admin_a, commune_a, imports_dir):
    client = client_for(province_admin_a)
    upload = SimpleUploadedFile("tthc-sample.json", SAMPLE_FILE.read_bytes())
    preview_url = client.post(catalogue_url("import"), {"file": upload})["Location"]
    assert client.post(preview_url, {"action": "cancel"}).status_code == 302
    assert not Procedure.objects.exists()
    assert not list(imports_dir.iterdir())


# --- The commune's procedures ---------------------------------------------------------------------------


def test_officer_lists_only_their_communes_procedures(commune_a, editor_a, birth, b_entry):
    add_procedure(commune_a, f"{A_MARKER} Chứng thực chữ ký", "2.000884", field="Chứng thực")
    client = client_for(editor_a, commune_a.hostname)
    text = page_text(client.get(snippet_url("list")))
    assert "Đăng ký khai sinh" in text and A_MARKER in text and B_MARKER not in text
    assert "Chưa điền" in text and "Thêm tất cả thủ tục cấp xã" in text
    text = page_text(client.get(snippet_url("list_results"), {"q": "chung thuc chu ky"}))
    assert A_MARKER in text and "Đăng ký khai sinh" not in text
    text = page_text(client.get(snippet_url("list_results"), {"q": "1.001193"}))
    assert "Đăng ký khai sinh" in text and A_MARKER not in text
    text = page_text(client.get(snippet_url("list_results"), {"field": "Hộ tịch"}))
    assert "Đăng ký khai sinh" in text and A_MARKER not in text
    text = page_text(client.get(snippet_url("list_results"), {"q": "ket hon"}))
    assert B_MARKER not in text


def test_officer_cannot_open_or_change_another_communes_entry(commune_a, commune_b, editor_a, approver_a, b_entry):
    for user in (editor_a, approver_a):
        client = client_for(user, commune_a.hostname)
        for url in (
            snippet_url("edit", b_entry.pk),
            snippet_url("delete", b_entry.pk),
            snippet_url("history", b_entry.pk),
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"officer_name": "Xâm nhập", "is_featured": "on"}).status_code == 404, url
    b_entry.refresh_from_db()
    assert b_entry.officer_name == B_MARKER and not b_entry.is_featured
    assert CommuneProcedure.objects.filter(pk=b_entry.pk).exists()


def test_officer_fills_local_details_for_their_own_commune_only(client, commune_a, commune_a2, editor_a, birth):
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=birth)
    data = {
        "is_featured": "on",
        "submission_place": "Bộ phận Một cửa, UBND xã Động Đạt",
        "opening_hours": "Sáng 7h30–11h30",
        "officer_name": "Nguyễn Văn A",
        "officer_phone": "0208 3 800 000",
        "local_notes": "Mang theo bản chính để đối chiếu.",
    }
    response = client_for(editor_a, commune_a.hostname).post(snippet_url("edit", entry.pk), data)
    assert response.status_code == 302, page_text(response)
    entry.refresh_from_db()
    assert entry.is_featured and entry.officer_name == "Nguyễn Văn A" and entry.has_local_details
    body_a = client.get(detail_path(entry), HTTP_HOST=commune_a.hostname).content.decode()
    body_a2 = client.get(detail_path(entry), HTTP_HOST=commune_a2.hostname).content.decode()
    assert "Mang theo bản chính để đối chiếu." in body_a and "Nguyễn Văn A" in body_a
    assert "Mang theo bản chính để đối chiếu." not in body_a2 and "Nguyễn Văn A" not in body_a2
    other = CommuneProcedure.objects.get(commune=commune_a2, procedure=birth)
    assert not other.has_local_details and not other.is_featured


def test_officer_cannot_change_the_catalogue_through_the_commune_form(commune_a, commune_a2, editor_a, birth):
    other = add_catalogue_procedure(commune_a.province, "Đăng ký kết hôn", "1.000894")
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=birth)
    catalogue_before = list(Procedure.objects.order_by("pk").values())
    data = procedure_form_data(birth_record(name="Tên do xã sửa", code="1.009999", requirements="Xã tự thêm"))
    data.update(procedure=str(other.pk), commune=str(commune_a2.pk), officer_name="Cán bộ xã", status="abolished")
    response = client_for(editor_a, commune_a.hostname).post(snippet_url("edit", entry.pk), data)
    assert response.status_code == 302, page_text(response)
    entry.refresh_from_db()
    assert entry.officer_name == "Cán bộ xã"  # the commune's own field was saved…
    assert entry.procedure_id == birth.pk and entry.commune_id == commune_a.pk  # …nothing else
    assert list(Procedure.objects.order_by("pk").values()) == catalogue_before


def test_edit_page_shows_the_catalogue_text_read_only(commune_a, editor_a, birth):
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=birth)
    response = client_for(editor_a, commune_a.hostname).get(snippet_url("edit", entry.pk))
    text = page_text(response)
    for expected in (
        "Nội dung thủ tục do tỉnh cập nhật",
        "Đăng ký khai sinh",
        "1.001193",
        "Hộ tịch",
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Bản chính: 1, Bản sao: 0",
        "Trực tiếp",
        "01 ngày làm việc",
        "Miễn phí",
        "Nộp hồ sơ tại Bộ phận một cửa",
        "Nơi nộp hồ sơ",
        "Xem trên trang của xã",
    ):
        assert expected in text, expected
    form = BeautifulSoup(response.content.decode(), "html.parser").find("form", id="w-editor-form")
    names = {field.get("name") for field in form.find_all(["input", "select", "textarea"])}
    assert {"submission_place", "opening_hours", "officer_name", "officer_phone", "local_notes", "is_featured"} <= names
    assert not names & {"procedure", "name", "code", "field", "steps-count", "methods-count", "commune_choice"}


def test_officer_adds_a_procedure_from_their_provinces_catalogue(commune_a, commune_b, editor_a, birth, b_entry):
    marriage = add_catalogue_procedure(commune_a.province, "Đăng ký kết hôn", "1.000894")
    CommuneProcedure.objects.filter(commune=commune_a, procedure=marriage).delete()
    abolished = add_catalogue_procedure(commune_a.province, "Thủ tục đã bãi bỏ", "1.000001", status="abolished")
    client = client_for(editor_a, commune_a.hostname)
    body = client.get(snippet_url("add")).content.decode()
    options = set(re.findall(r'<option value="(\d+)"', body))
    assert options == {str(marriage.pk)}  # not listed yet, in force, of A's province only
    assert '<optgroup label="Hộ tịch">' in body

    for refused in (b_entry.procedure, abolished, birth):
        response = client.post(snippet_url("add"), {"procedure": str(refused.pk)})
        assert response.status_code == 200 and "Thủ tục này không có trong danh mục" in page_text(response)
    response = client.post(snippet_url("add"), {"procedure": str(marriage.pk), "opening_hours": "Cả tuần"})
    assert response.status_code == 302
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=marriage)
    assert entry.opening_hours == "Cả tuần"
    assert ModelLogEntry.objects.filter(object_id=str(entry.pk), action="wagtail.create").exists()


def test_add_all_lists_every_commune_level_procedure_in_force(commune_a, editor_a, birth):
    add_catalogue_procedure(commune_a.province, "Chứng thực chữ ký", "2.000884", field="Chứng thực")
    add_catalogue_procedure(commune_a.province, "Cấp tỉnh thôi", "2.999999", level="Cấp tỉnh")
    CommuneProcedure.objects.filter(commune=commune_a).delete()
    client = client_for(editor_a, commune_a.hostname)
    text = page_text(client.get(snippet_url("add_all")))
    assert "Thêm 2 thủ tục cấp xã" in text and "Chứng thực chữ ký" in text and "Cấp tỉnh thôi" not in text
    response = client.post(snippet_url("add_all"), {"commune": str(commune_a.pk)})
    assert response.status_code == 302
    codes = set(CommuneProcedure.objects.filter(commune=commune_a).values_list("procedure__code", flat=True))
    assert codes == {"1.001193", "2.000884"}
    assert "Đã thêm 2 thủ tục cấp xã" in page_text(client.get(response["Location"]))


def test_add_all_cannot_target_another_commune(commune_a, commune_b, editor_a, birth, b_entry):
    CommuneProcedure.objects.filter(commune=commune_b).delete()
    response = client_for(editor_a, commune_a.hostname).post(snippet_url("add_all"), {"commune": str(commune_b.pk)})
    assert response.status_code == 302  # an officer's own commune, whatever the request names
    assert not CommuneProcedure.objects.filter(commune=commune_b).exists()


def test_officer_removes_a_procedure_from_the_communes_list(commune_a, commune_a2, editor_a, birth):
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=birth)
    client = client_for(editor_a, commune_a.hostname)
    text = page_text(client.get(snippet_url("delete", entry.pk)))
    assert "Gỡ “Đăng ký khai sinh” khỏi danh sách thủ tục của Xã Động Đạt?" in text
    assert client.post(snippet_url("delete", entry.pk)).status_code == 302
    assert not CommuneProcedure.objects.filter(pk=entry.pk).exists()
    assert Procedure.objects.filter(pk=birth.pk).exists()
    assert CommuneProcedure.objects.filter(commune=commune_a2, procedure=birth).exists()


def test_video_procedure_chooser_shows_own_entries_by_name(commune_a, editor_a, birth, b_entry):
    client = client_for(editor_a, commune_a.hostname)
    chooser = reverse(CommuneProcedure.snippet_viewset.chooser_viewset.get_url_name("choose"))
    text = page_text(client.get(chooser))
    assert "Đăng ký khai sinh (1.001193)" in text and B_MARKER not in text and "object" not in text
    results = reverse(CommuneProcedure.snippet_viewset.chooser_viewset.get_url_name("choose_results"))
    assert "Đăng ký khai sinh" in page_text(client.get(results, {"q": "dang ky khai"}))
    assert "Đăng ký khai sinh" not in page_text(client.get(results, {"q": "ket hon"}))
    chosen = reverse(CommuneProcedure.snippet_viewset.chooser_viewset.get_url_name("chosen"), args=[b_entry.pk])
    assert client.get(chosen).status_code == 404

    videos = commune_a.home_page.get_children().get(slug="video-huong-dan")
    add_page = client.get(f"/admin/pages/add/videos/videopage/{videos.pk}/").content.decode()
    assert "/admin/snippets/choose/procedures/communeprocedure/" in add_page


# --- Vietnamese admin -------------------------------------------------------------------------------

ENGLISH = re.compile(
    r"\b(Add|Edit|Delete|Import|Preview|Procedure|Search|Choose|Yes|Cancel|Save|History|Title|object|"
    r"There are no|No results|created|updated|deleted)\b"
)


def test_admin_pages_speak_vietnamese(commune_a, editor_a, province_admin_a, birth, imports_dir):
    entry = CommuneProcedure.objects.get(commune=commune_a, procedure=birth)
    admin = client_for(province_admin_a)
    upload = SimpleUploadedFile("tthc-sample.json", SAMPLE_FILE.read_bytes())
    preview_url = admin.post(catalogue_url("import"), {"file": upload})["Location"]
    officer = client_for(editor_a, commune_a.hostname)
    pages = [
        (admin, catalogue_url("index")),
        (admin, catalogue_url("add")),
        (admin, catalogue_url("edit", birth.pk)),
        (admin, catalogue_url("delete", birth.pk)),
        (admin, catalogue_url("import")),
        (admin, preview_url),
        (officer, snippet_url("list")),
        (officer, snippet_url("add")),
        (officer, snippet_url("edit", entry.pk)),
        (officer, snippet_url("delete", entry.pk)),
        (officer, snippet_url("add_all")),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = ENGLISH.findall(page_text(response))
        assert not found, (url, found)
