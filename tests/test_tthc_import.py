"""Importing a province's TTHC catalogue from JSON / XLSX / CSV, exporting it, and the `tthc` command."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from pages.procedures import importing
from pages.procedures.importing import (
    FLAT_COLUMNS,
    ImportFileError,
    ImportRejected,
    import_catalogue,
    read_catalogue_file,
)
from pages.procedures.management.commands import tthc as tthc_command
from pages.procedures.models import CommuneProcedure, Procedure
from pages.procedures.national import record_from_national
from pages.procedures.records import changed_keys, record_of
from tests.factories_procedures import SAMPLE_FILE, add_catalogue_procedure, sample_records

# --- helpers ---------------------------------------------------------------------------


def sample_raw() -> list[dict]:
    return json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))["data"]


def write_json(path, raws) -> str:
    path.write_text(json.dumps({"data": raws}, ensure_ascii=False), encoding="utf-8")
    return str(path)


def run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_text(header: list[str], rows: list[list[str]], delimiter=",") -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def stored(province) -> dict[str, dict]:
    return {p.code: record_of(p) for p in Procedure.objects.filter(province=province)}


REQUIRED_FLAT = list(importing.REQUIRED_COLUMNS)

# 1.001193 of the sample, typed the way a province officer fills the flat spreadsheet.
BIRTH_ROW = {
    "maThuTuc": "1.001193",
    "tenThuTuc": "Đăng ký khai sinh",
    "capThucHien": "Cấp Xã",
    "linhVuc": "Hộ tịch",
    "maLinhVuc": "HT",
    "coQuanCongBo": "BTP",
    "trinhTuThucHien": (
        "Bước 1: Người có yêu cầu nộp hồ sơ tại Bộ phận một cửa của UBND cấp xã hoặc nộp trực tuyến trên Cổng "
        "Dịch vụ công quốc gia.\r\n"
        "2. Công chức tư pháp - hộ tịch kiểm tra hồ sơ; nếu hồ sơ đầy đủ thì ghi vào Sổ hộ tịch và báo cáo Chủ tịch "
        "UBND cấp xã cấp Giấy khai sinh.\n"
        "- Trả Giấy khai sinh cho người có yêu cầu."
    ),
    "cachThucThucHien": (
        "Trực tiếp: 01 ngày làm việc (Ngay trong ngày tiếp nhận; hồ sơ nhận sau 15 giờ được trả trong ngày làm việc "
        "tiếp theo.); Lệ phí: 0 đồng (Miễn lệ phí đối với đăng ký khai sinh đúng hạn.)\n"
        "Trực tuyến: 1 Ngày làm việc; Lệ phí: 0 (Miễn lệ phí.)\n"
        "Bưu chính công ích: 01 ngày làm việc (Cộng thêm thời gian chuyển phát.); Lệ phí: Miễn phí (Miễn lệ phí.)"
    ),
    "thanhPhanHoSo": (
        "- Tờ khai đăng ký khai sinh theo mẫu (Bản chính: 1, Bản sao: 0, Mẫu: To-khai-dang-ky-khai-sinh.docx)\n"
        "- Giấy chứng sinh hoặc văn bản thay thế Giấy chứng sinh (Bản chính: 1; Bản sao: 0)"
    ),
    "doiTuongThucHien": "Công dân Việt Nam",
    "coQuanThucHien": "Ủy ban nhân dân cấp xã",
    "ketQuaThucHien": "Giấy khai sinh",
    "canCuPhapLy": (
        "60/2014/QH13 – Luật Hộ tịch\n"
        "123/2015/NĐ-CP - Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch"
    ),
    "yeuCauDieuKienThucHien": "Không",
    "tinhTrang": "Còn hiệu lực",
}


# --- the national JSON sample ------------------------------------------------------------


def test_sample_json_lands_every_field(province_a):
    plan = import_catalogue(province_a, SAMPLE_FILE)
    assert [r["code"] for r in plan.added] == ["1.001193", "2.000815", "1.000894"]
    birth = Procedure.objects.get(province=province_a, code="1.001193")
    assert birth.name == "Đăng ký khai sinh"
    assert (birth.field, birth.field_code, birth.level, birth.publisher_code) == ("Hộ tịch", "HT", "Cấp Xã", "BTP")
    assert birth.slug == "dang-ky-khai-sinh-1-001193"
    assert birth.commune_level and birth.has_online_method and birth.is_active
    assert birth.online_level == "partial"  # no MUCDO in the sample, but an online channel
    record = record_of(birth)
    assert record["agency"] == ["Ủy ban nhân dân cấp xã"]
    assert record["applicants"] == ["Công dân Việt Nam"]
    assert record["results"] == ["Giấy khai sinh"]
    assert record["requirements"] == ""  # "Không"
    assert record["steps"] == [{"case": "", "steps": sample_records()[0]["steps"][0]["steps"]}]
    assert len(record["steps"][0]["steps"]) == 3
    assert record["steps"][0]["steps"][2] == "Trả Giấy khai sinh cho người có yêu cầu."
    assert [(m["channel"], m["time"], m["unit"]) for m in record["methods"]] == [
        (1, "1", "ngày làm việc"),
        (2, "1", "ngày làm việc"),
        (3, "1", "ngày làm việc"),
    ]
    assert record["methods"][0]["time_note"].startswith("Ngay trong ngày tiếp nhận")
    assert record["methods"][0]["fees"] == [{"amount": 0, "note": "Miễn lệ phí đối với đăng ký khai sinh đúng hạn."}]
    assert record["methods"][2]["time_note"] == "Cộng thêm thời gian chuyển phát."
    papers = record["dossier"][0]["papers"]
    assert [(p["name"], p["originals"], p["copies"], p["form_name"]) for p in papers] == [
        ("Tờ khai đăng ký khai sinh theo mẫu", 1, 0, "To-khai-dang-ky-khai-sinh.docx"),
        ("Giấy chứng sinh hoặc văn bản thay thế Giấy chứng sinh", 1, 0, ""),
    ]
    assert record["legal_basis"] == [
        {"number": "60/2014/QH13", "title": "Luật Hộ tịch"},
        {
            "number": "123/2015/NĐ-CP",
            "title": "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
        },
    ]
    assert record["status"] == "active"

    copy_record = record_of(Procedure.objects.get(province=province_a, code="2.000815"))
    assert copy_record["field"] == "Chứng thực"
    assert copy_record["requirements"].startswith("Bản chính không thuộc các trường hợp")
    assert copy_record["applicants"] == ["Cá nhân", "Tổ chức"]
    assert [f["amount"] for m in copy_record["methods"] for f in m["fees"]] == [2000, 2000]
    assert [(p["originals"], p["copies"]) for p in copy_record["dossier"][0]["papers"]] == [(1, 0), (0, 1)]


def test_reimport_adds_nothing_changes_nothing_and_writes_nothing(province_a, commune_a):
    import_catalogue(province_a, SAMPLE_FILE)
    before = dict(Procedure.objects.filter(province=province_a).values_list("code", "modified_at"))
    listed = CommuneProcedure.objects.count()
    with CaptureQueriesContext(connection) as queries:
        plan = import_catalogue(province_a, SAMPLE_FILE)
    assert (len(plan.added), len(plan.changed), plan.unchanged) == (0, 0, 3)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "procedures_" in q["sql"]
    ]
    assert writes == []
    assert dict(Procedure.objects.filter(province=province_a).values_list("code", "modified_at")) == before
    assert CommuneProcedure.objects.count() == listed


def test_new_commune_level_procedures_are_listed_on_every_commune_of_the_province(
    province_a, commune_a, commune_a2, commune_b, tmp_path
):
    raws = sample_raw()
    raws[2]["CAPTHUCHIEN"] = "Cấp Tỉnh"
    import_catalogue(province_a, write_json(tmp_path / "t.json", raws))
    for commune in (commune_a, commune_a2):
        codes = set(CommuneProcedure.objects.filter(commune=commune).values_list("procedure__code", flat=True))
        assert codes == {"1.001193", "2.000815"}
    assert not CommuneProcedure.objects.filter(commune=commune_b).exists()


def test_import_touches_only_the_chosen_province(province_a, province_b):
    other = add_catalogue_procedure(province_b, "Khai sinh (tỉnh khác)", "1.001193")
    import_catalogue(province_a, SAMPLE_FILE)
    other.refresh_from_db()
    assert other.name == "Khai sinh (tỉnh khác)"
    assert Procedure.objects.filter(province=province_b).count() == 1
    assert Procedure.objects.filter(province=province_a).count() == 3


# --- changes, abolition, dry run -------------------------------------------------------------


def changed_sample(tmp_path) -> str:
    raws = sample_raw()
    raws[0]["TENTTHC"] = "Đăng ký khai sinh (đúng hạn)"
    raws[0]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"][0]["SOTIEN"] = "8.000"
    raws[1]["TRANGTHAI"] = "Đã bãi bỏ"
    new = copy.deepcopy(raws[2])
    new.update(MATTHC="1.000656", TENTTHC="Đăng ký khai tử")
    raws.append(new)
    return write_json(tmp_path / "changed.json", raws)


def test_changed_file_reports_the_changed_fields_and_abolishes(province_a, commune_a, tmp_path):
    import_catalogue(province_a, SAMPLE_FILE)
    plan = import_catalogue(province_a, changed_sample(tmp_path))
    assert [r["code"] for r in plan.added] == ["1.000656"]
    assert {r["code"]: keys for r, keys in plan.changed} == {"1.001193": ["name", "methods"], "2.000815": ["status"]}
    assert [r["code"] for r in plan.abolished] == ["2.000815"]
    assert plan.unchanged == 1
    birth = Procedure.objects.get(province=province_a, code="1.001193")
    assert birth.name == "Đăng ký khai sinh (đúng hạn)"
    assert birth.record["methods"][0]["fees"][0]["amount"] == 8000
    abolished = Procedure.objects.get(province=province_a, code="2.000815")
    assert abolished.status == "abolished" and not abolished.is_active
    # The commune keeps listing it (its page answers "đã bãi bỏ"); new procedures are listed.
    assert CommuneProcedure.objects.filter(commune=commune_a, procedure=abolished).exists()
    assert CommuneProcedure.objects.filter(commune=commune_a, procedure__code="1.000656").exists()


def test_dry_run_writes_nothing_and_lists_added_changed_abolished(province_a, commune_a, tmp_path):
    import_catalogue(province_a, SAMPLE_FILE)
    before = stored(province_a)
    listed = CommuneProcedure.objects.count()
    out, _err = run("tthc", "import", changed_sample(tmp_path), "--province", province_a.slug, "--dry-run")
    assert stored(province_a) == before
    assert CommuneProcedure.objects.count() == listed
    assert "Thêm mới:   1" in out
    assert "Thay đổi:   1\n  Bãi bỏ:     1\n  Giữ nguyên: 1" in out
    assert "Thêm mới (1):\n  1.000656  Đăng ký khai tử" in out
    assert "Thay đổi (1):\n  1.001193  Đăng ký khai sinh (đúng hạn) — tên, cách thức, thời hạn, phí" in out
    assert "Bãi bỏ (1):\n  2.000815  Chứng thực bản sao từ bản chính" in out
    assert "Chạy thử: chưa ghi gì" in out


def test_dry_run_of_a_new_catalogue_creates_nothing(province_a, commune_a):
    plan = import_catalogue(province_a, SAMPLE_FILE, dry_run=True)
    assert len(plan.added) == 3
    assert not Procedure.objects.exists()
    assert not CommuneProcedure.objects.exists()


def test_procedures_missing_from_the_file_are_kept_and_counted(province_a, tmp_path):
    import_catalogue(province_a, SAMPLE_FILE)
    plan = import_catalogue(province_a, write_json(tmp_path / "one.json", sample_raw()[:1]))
    assert (plan.unchanged, plan.not_in_file) == (1, 2)
    assert Procedure.objects.filter(province=province_a).count() == 3


# --- malformed input: a clear message, nothing written ---------------------------------------


def _bad_channel():
    raws = sample_raw()
    raws[0]["CACHTHUCTHUCHIEN"][1]["KENH"] = 7
    return raws


def _negative_fee():
    raws = sample_raw()
    raws[1]["CACHTHUCTHUCHIEN"][0]["THOIGIAN"][0]["PHILEPHI"][0]["SOTIEN"] = "-2000"
    return raws


def _missing_code():
    raws = sample_raw()
    del raws[1]["MATTHC"]
    return raws


def _duplicate_codes():
    raws = sample_raw()
    raws[2]["MATTHC"] = "1.001193"
    return raws


@pytest.mark.parametrize(
    "make_raws, message",
    [
        (_bad_channel, "Bản ghi thứ 1 (mã 1.001193): Cách thức thực hiện thứ 2: kênh “7” không rõ"),
        (_negative_fee, "Bản ghi thứ 2 (mã 2.000815): Phí, lệ phí không được âm (-2000)."),
        (_missing_code, "Bản ghi thứ 2: Thiếu mã thủ tục."),
        (_duplicate_codes, "Bản ghi thứ 3 (mã 1.001193): trùng mã thủ tục với bản ghi thứ 1."),
    ],
    ids=["unknown-channel", "negative-fee", "missing-code", "duplicate-codes"],
)
def test_bad_records_are_refused_with_their_position_and_nothing_is_written(
    province_a, commune_a, tmp_path, make_raws, message
):
    add_catalogue_procedure(province_a, "Đăng ký khai sinh (cũ)", "1.001193")
    before = stored(province_a)
    with pytest.raises(ImportRejected) as exc:
        import_catalogue(province_a, write_json(tmp_path / "bad.json", make_raws()))
    assert len(exc.value.errors) == 1 and exc.value.errors[0].startswith(message)
    assert str(exc.value).startswith("Tệp có 1 lỗi, chưa ghi gì vào hệ thống:")
    assert stored(province_a) == before


def test_every_problem_of_the_file_is_reported_at_once(province_a, tmp_path):
    raws = sample_raw()
    raws[0]["CACHTHUCTHUCHIEN"][0]["KENH"] = "Qua mạng"
    raws[1]["TENTTHC"] = ""
    raws[2]["THANHPHANHOSO"][0]["GIAYTO"][0]["SOBANCHINH"] = "một"
    with pytest.raises(ImportRejected) as exc:
        read_catalogue_file(write_json(tmp_path / "bad.json", raws))
    assert exc.value.errors == [
        "Bản ghi thứ 1 (mã 1.001193): Cách thức thực hiện thứ 1: kênh “Qua mạng” không rõ "
        "(1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích).",
        "Bản ghi thứ 2 (mã 2.000815): Thiếu tên thủ tục.",
        "Bản ghi thứ 3 (mã 1.000894): Số bản chính “một” không phải là số.",
    ]


def test_bad_json_names_line_and_column(province_a, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"data": [\n  {"MATTHC": "1.001193",\n   "TENTTHC" "Đăng ký khai sinh"}\n]}', encoding="utf-8")
    with pytest.raises(ImportFileError) as exc:
        import_catalogue(province_a, path)
    assert str(exc.value) == "Tệp JSON bị lỗi ở dòng 3, cột 14: thiếu dấu hai chấm “:” sau tên trường."
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "trống"),
        (b"  \n", "trống"),
        (b'{"data": []}', "không có bản ghi thủ tục nào"),
        (b'{"items": [1]}', 'cần có dạng {"data": [ … ]}'),
        (b"%PDF-1.4 ...", "tệp PDF"),
        (b"\xd0\xcf\x11\xe0 old excel", "Excel đời cũ (.xls)"),
        (b"PK\x03\x04 not really a zip", "Không mở được"),
        ("tên;tuổi\nAn;3\n".encode(), "Không nhận ra định dạng"),
        (",".join(FLAT_COLUMNS).encode() + b"\n", "không có thủ tục nào dưới dòng tiêu đề"),
    ],
    ids=["empty", "blank", "no-records", "wrong-shape", "pdf", "xls", "broken-xlsx", "unknown-csv", "header-only"],
)
def test_unusable_files_are_refused_in_vietnamese(province_a, tmp_path, content, message):
    path = tmp_path / "tep.dat"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as exc:
        import_catalogue(province_a, path)
    assert message in str(exc.value)
    assert not Procedure.objects.exists()


def test_csv_that_is_not_utf8_is_refused_with_advice(province_a, tmp_path):
    path = tmp_path / "danh-muc.csv"
    path.write_bytes(
        csv_text(list(BIRTH_ROW), [list(BIRTH_ROW.values())]).encode("cp1258", "replace")
    )  # Windows Vietnamese
    with pytest.raises(ImportFileError) as exc:
        import_catalogue(province_a, path)
    assert "không phải văn bản UTF-8" in str(exc.value) and "CSV UTF-8" in str(exc.value)
    assert not Procedure.objects.exists()


def test_xlsx_with_wrong_columns_names_the_missing_ones(province_a, tmp_path):
    header = [name for name in FLAT_COLUMNS if name not in ("linhVuc", "canCuPhapLy")]
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(xlsx_bytes([header, [BIRTH_ROW.get(name, "") for name in header]]))
    with pytest.raises(ImportFileError) as exc:
        import_catalogue(province_a, path)
    assert "Dòng 1 của “danh-muc.xlsx”: thiếu cột bắt buộc linhVuc, canCuPhapLy." in str(exc.value)
    assert not Procedure.objects.exists()


def test_flat_rows_are_refused_with_their_line_and_code(province_a, tmp_path):
    good = dict(BIRTH_ROW)
    bad_channel = dict(BIRTH_ROW, maThuTuc="1.000894", cachThucThucHien="Qua mạng: 1 ngày")
    bad_fee = dict(BIRTH_ROW, maThuTuc="2.000815", cachThucThucHien="Trực tiếp: 1 ngày; Phí: -5.000 đồng")
    bad_unit = dict(BIRTH_ROW, maThuTuc="1.000656", cachThucThucHien="Trực tiếp: 3 tuần")
    duplicate = dict(BIRTH_ROW)
    rows = [good, bad_channel, {}, bad_fee, bad_unit, duplicate]
    path = tmp_path / "danh-muc.csv"
    path.write_text(csv_text(FLAT_COLUMNS, [[r.get(c, "") for c in FLAT_COLUMNS] for r in rows]), encoding="utf-8")
    with pytest.raises(ImportRejected) as exc:
        import_catalogue(province_a, path)
    assert exc.value.errors[0].startswith("Dòng 3 (mã 1.000894): Cách thức thực hiện thứ 1: kênh “Qua mạng” không rõ")
    assert exc.value.errors[1:] == [
        "Dòng 5 (mã 2.000815): Cách thức thực hiện thứ 1: phí, lệ phí không được âm (-5.000 đồng).",
        "Dòng 6 (mã 1.000656): Cách thức thực hiện thứ 1: đơn vị thời gian “tuần” không rõ (ngày làm việc, ngày, "
        "giờ làm việc, giờ, tháng, năm; mô tả để trong ngoặc đơn).",
        "Dòng 7 (mã 1.001193): trùng mã thủ tục với dòng 2.",
    ]
    assert not Procedure.objects.exists()


# --- the flat layout ---------------------------------------------------------------------------


def test_hand_typed_flat_row_reads_like_the_national_record():
    record, errors = importing.record_from_flat(BIRTH_ROW)
    assert errors == []
    assert record == sample_records()[0]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_with_bom_and_either_delimiter_equals_the_json(tmp_path, delimiter):
    rows = [importing.flat_row_from_record(r) for r in sample_records()]
    rows[0] = BIRTH_ROW
    text = csv_text(FLAT_COLUMNS, [[r.get(c, "") for c in FLAT_COLUMNS] for r in rows], delimiter=delimiter)
    path = tmp_path / "danh-muc.txt"  # the name does not matter
    path.write_bytes(text.encode("utf-8-sig"))
    assert read_catalogue_file(path) == sample_records()


def test_xlsx_with_vietnamese_headers_and_extra_columns_equals_the_json():
    header = [
        "STT",
        "Mã thủ tục",
        "TÊN THỦ TỤC",
        "cap_thuc_hien",
        "Lĩnh vực",
        "Trình tự thực hiện",
        "Cách thức thực hiện",
        "Thành phần hồ sơ",
        "Đối tượng thực hiện",
        "Cơ quan thực hiện",
        "Kết quả thực hiện",
        "Căn cứ pháp lý",
        "Yêu cầu, điều kiện thực hiện",
        "Mã lĩnh vực",
        "Cơ quan công bố",
    ]
    columns = ["", *REQUIRED_FLAT, "maLinhVuc", "coQuanCongBo"]
    rows = [importing.flat_row_from_record(r) for r in sample_records()]
    table = [header] + [[n or "", *[row[c] for c in columns[1:]]] for n, row in enumerate(rows, start=1)]
    upload = SimpleUploadedFile("tai-len.bin", xlsx_bytes(table))
    upload.read(10)  # the admin may have peeked at it already
    records = read_catalogue_file(upload)
    expected = sample_records()
    for record in expected:
        record["online_level"] = "partial"  # MUCDO missing in the sample, online channel present; no column here
    assert records == expected


def test_xlsx_number_cells_and_dates_are_read_as_text():
    header = [*REQUIRED_FLAT, "ngayCapNhat"]
    row = [BIRTH_ROW[c] for c in REQUIRED_FLAT] + [None]
    row[0] = 1.00089  # Excel turned "1.000890" into a number
    row[-1] = datetime.datetime(2026, 3, 5)
    records = read_catalogue_file(io.BytesIO(xlsx_bytes([header, row])))
    assert records[0]["code"] == "1.000890"
    assert records[0]["updated_on"] == "2026-03-05"


def test_cases_continuations_and_lists_in_flat_cells():
    row = dict(
        BIRTH_ROW,
        trinhTuThucHien=(
            "Trường hợp nộp trực tiếp:\n"
            "Bước 1. Nộp hồ sơ tại Bộ phận Một cửa.\n"
            "Bước 2: Nhận kết quả; hồ sơ gồm:\n"
            "  a) Giấy hẹn;\n"
            "  b) Giấy tờ tùy thân.\n"
            "Trường hợp nộp trực tuyến\n"
            "1) Nộp trên Cổng Dịch vụ công."
        ),
        thanhPhanHoSo=(
            "Tờ khai\n"
            "Trường hợp ủy quyền:\n"
            "+ Văn bản ủy quyền (trường hợp người khác nộp thay) (Bản chính: 1, Bản sao: 2, Tải mẫu: https://a.vn/m)\n"
            "Trường hợp người nước ngoài (có hộ chiếu) (Bản chính: 0, Bản sao: 1)"
        ),
        cachThucThucHien="Trực tuyến: 0,5 ngày; Phí: 8.000 đồng; Lệ phí: 20.000 đồng (nộp trực tuyến giảm 50%)",
        doiTuongThucHien="Cá nhân; Tổ chức",
        ketQuaThucHien="- Giấy khai sinh\n- Bản sao Giấy khai sinh",
        canCuPhapLy="Luật Hộ tịch",
        mucDoDichVuCong="Toàn trình",
        tinhTrang="Đã bãi bỏ",
        ngayCapNhat="05/03/2026",
    )
    record, errors = importing.record_from_flat(row)
    assert errors == []
    assert record["steps"] == [
        {
            "case": "Trường hợp nộp trực tiếp",
            "steps": [
                "Nộp hồ sơ tại Bộ phận Một cửa.",
                "Nhận kết quả; hồ sơ gồm:\n a) Giấy hẹn;\n b) Giấy tờ tùy thân.",
            ],
        },
        {"case": "Trường hợp nộp trực tuyến", "steps": ["Nộp trên Cổng Dịch vụ công."]},
    ]
    assert record["dossier"] == [
        {
            "case": "",
            "papers": [{"name": "Tờ khai", "originals": 1, "copies": 0, "form_name": "", "form_url": "", "form": None}],
        },
        {
            "case": "Trường hợp ủy quyền",
            "papers": [
                {
                    "name": "Văn bản ủy quyền (trường hợp người khác nộp thay)",
                    "originals": 1,
                    "copies": 2,
                    "form_name": "",
                    "form_url": "https://a.vn/m",
                    "form": None,
                },
                {
                    "name": "Trường hợp người nước ngoài (có hộ chiếu)",
                    "originals": 0,
                    "copies": 1,
                    "form_name": "",
                    "form_url": "",
                    "form": None,
                },
            ],
        },
    ]
    assert record["methods"] == [
        {
            "channel": 2,
            "time": "0.5",
            "unit": "ngày",
            "time_note": "",
            "fees": [{"amount": 8000, "note": ""}, {"amount": 20000, "note": "nộp trực tuyến giảm 50%"}],
        },
    ]
    assert record["applicants"] == ["Cá nhân", "Tổ chức"]
    assert record["results"] == ["Giấy khai sinh", "Bản sao Giấy khai sinh"]
    assert record["legal_basis"] == [{"number": "", "title": "Luật Hộ tịch"}]
    assert (record["online_level"], record["status"], record["updated_on"]) == ("full", "abolished", "2026-03-05")


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Tờ khai (Bản chính: 1 – Bản sao: 0)", ("Tờ khai", 1, 0)),
        ("1. Tờ khai (bản chính 2, bản sao 3)", ("Tờ khai", 2, 3)),
        ("Giấy tờ (bản sao có chứng thực)", ("Giấy tờ (bản sao có chứng thực)", 1, 0)),
        ("Đơn (Bản sao: 1)", ("Đơn", 0, 1)),
    ],
)
def test_paper_count_spellings(line, expected):
    record, errors = importing.record_from_flat(dict(BIRTH_ROW, thanhPhanHoSo=line))
    assert errors == []
    paper = record["dossier"][0]["papers"][0]
    assert (paper["name"], paper["originals"], paper["copies"]) == expected


def test_unreadable_paper_counts_are_reported():
    _record, errors = importing.record_from_flat(dict(BIRTH_ROW, thanhPhanHoSo="Tờ khai\nĐơn (Bản chính: hai)"))
    assert errors == ["Thành phần hồ sơ, mục thứ 2: Số bản chính “hai” không phải là số."]


# --- export and round trip -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_then_import_changes_nothing(province_a, province_b, tmp_path, fmt):
    import_catalogue(province_a, SAMPLE_FILE)
    raws = importing.synthetic_national_records(40, seed=7)
    import_catalogue(province_a, write_json(tmp_path / "more.json", raws))
    out = tmp_path / f"export.{fmt}"
    stdout, _ = run("tthc", "export", "--province", province_a.slug, "--format", fmt, "-o", str(out))
    assert f"Đã xuất 43 thủ tục của {province_a.name}" in stdout
    plan = import_catalogue(province_a, out)
    assert (len(plan.added), len(plan.changed), plan.unchanged) == (0, 0, 43)
    # The same file builds an identical catalogue in an empty province.
    import_catalogue(province_b, out)
    assert stored(province_b) == stored(province_a)


def test_export_to_stdout_is_the_national_layout(province_a):
    import_catalogue(province_a, SAMPLE_FILE)
    stdout, _ = run("tthc", "export", "--province", province_a.slug)
    data = json.loads(stdout)["data"]
    assert [raw["MATTHC"] for raw in data] == ["1.000894", "1.001193", "2.000815"]
    assert [record_from_national(raw) for raw in data] == [
        (record_of(Procedure.objects.get(province=province_a, code=raw["MATTHC"])), []) for raw in data
    ]


def test_synthetic_records_survive_both_layouts_without_a_database():
    records = [record_from_national(raw)[0] for raw in importing.synthetic_national_records(150, seed=3)]
    for fmt in ("json", "csv", "xlsx"):
        back = read_catalogue_file(io.BytesIO(importing.export_records(records, fmt)))
        assert [changed_keys(a, b) for a, b in zip(records, back, strict=True)] == [[]] * len(records), fmt
        assert back == records, fmt


# --- the command ------------------------------------------------------------------------------------


def test_cli_import_prints_summary_and_progress(province_a, commune_a):
    out, err = run("tthc", "import", str(SAMPLE_FILE), "--province", "Thái Nguyên")
    assert "Đã nhập danh mục thủ tục hành chính của Thái Nguyên:" in out
    assert "Thêm mới:   3" in out
    assert "  1.001193  Đăng ký khai sinh" in out
    assert "Đã thêm 3 thủ tục cấp xã mới vào danh sách thủ tục của 1 xã/phường" in out
    assert "Đang ghi thủ tục" in err and "3/3" in err
    out, _ = run("tthc", "import", str(SAMPLE_FILE), "--province", province_a.slug)
    assert "Giữ nguyên: 3" in out and "không có gì cần ghi" in out


def test_cli_caps_long_lists_unless_verbose(province_a, tmp_path):
    path = write_json(tmp_path / "many.json", importing.synthetic_national_records(25))
    out, _ = run("tthc", "import", path, "--province", province_a.slug, "--dry-run")
    assert "Thêm mới (25):" in out
    assert "… và 5 thủ tục khác (thêm -v 2 để xem hết)." in out
    out, _ = run("tthc", "import", path, "--province", province_a.slug, "--dry-run", verbosity=2)
    assert "1.900024" in out and "thủ tục khác" not in out


def test_cli_errors_are_vietnamese_and_exit_non_zero(province_a, tmp_path, capsys):
    path = write_json(tmp_path / "bad.json", _negative_fee())
    with pytest.raises(CommandError) as exc:
        run("tthc", "import", path, "--province", province_a.slug)
    assert exc.value.returncode == 1
    assert "Bản ghi thứ 2 (mã 2.000815): Phí, lệ phí không được âm (-2000)." in str(exc.value)
    with pytest.raises(CommandError, match="Không tìm thấy tỉnh/thành phố “Hà Giang”"):
        run("tthc", "import", path, "--province", "Hà Giang")
    with pytest.raises(CommandError, match="Tệp Excel cần nơi ghi"):
        run("tthc", "export", "--province", province_a.slug, "--format", "xlsx")
    # As an operator types it: "Lỗi: …" on stderr and exit status 1, nothing written.
    # run_from_argv's steps, except its closing of every database connection (the test's own, on PostgreSQL).
    command = tthc_command.Command()
    command._called_from_command_line = True
    parser = command.create_parser("manage.py", "tthc")
    options = vars(parser.parse_args(["import", path, "--province", province_a.slug]))
    with pytest.raises(SystemExit) as exit_info:
        command.execute(*options.pop("args", ()), **options)
    assert exit_info.value.code == 1
    assert "Lỗi: Tệp có 1 lỗi, chưa ghi gì vào hệ thống:" in capsys.readouterr().err
    assert not Procedure.objects.exists()


def test_cli_generate_writes_realistic_national_records(tmp_path):
    path = tmp_path / "gen.json"
    out, _ = run("tthc", "generate", "60", "-o", str(path))
    assert "Đã tạo 60 thủ tục giả lập" in out
    raws = json.loads(path.read_text(encoding="utf-8"))["data"]
    records = [record_from_national(raw) for raw in raws]
    assert all(errors == [] for _record, errors in records)
    records = [record for record, _errors in records]
    assert [r["code"] for r in records] == [f"1.9{n:05d}" for n in range(60)]
    assert all(1 <= len(r["methods"]) <= 3 and all(m["fees"] for m in r["methods"]) for r in records)
    assert all(2 <= sum(len(c["papers"]) for c in r["dossier"]) <= 6 for r in records)
    assert all(3 <= len(c["steps"]) <= 6 for r in records for c in r["steps"])
    assert len({r["field"] for r in records}) > 5 and len({r["online_level"] for r in records}) == 3
    assert any(len(r["steps"]) > 1 for r in records)  # some procedures have cases
    assert importing.synthetic_national_records(60) == raws  # deterministic: the benchmark's data
