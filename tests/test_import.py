"""Bulk provisioning from a CSV or Excel file: all or nothing per file, complete or nothing per commune."""

import shutil
import unicodedata

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Collection, GroupPagePermission, Page, Site

from sites import importers, services
from sites.importers import ImportFileError, ImportRejected, commune_import, read_commune_rows, validate_rows
from sites.models import Commune, Province

SAMPLE = importers.__file__.replace("importers.py", "demo/communes.csv")
HEADER = "province,province_domain,kind,name,code,hostname,former_units\n"


@pytest.fixture
def sample_csv(tmp_path):
    path = tmp_path / "communes.csv"
    shutil.copy(SAMPLE, path)
    return path


def write_csv(tmp_path, body, header=HEADER, name="communes.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes((header + body).encode(encoding))
    return path


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Province, Commune, Site, Page, Group, Collection, GroupPagePermission)
    }


def assert_complete(commune):
    commune.refresh_from_db()
    assert commune.site is not None and commune.site.root_page_id == commune.home_page_id
    assert commune.home_page is not None
    assert commune.collection is not None
    assert commune.editors_group is not None and commune.approvers_group is not None
    assert commune.workflow is not None
    assert GroupPagePermission.objects.filter(group=commune.editors_group, page=commune.home_page).exists()


def import_file(path, **kwargs):
    return commune_import(read_commune_rows(path), **kwargs)


# --- Reading the file ---------------------------------------------------------------


def test_sample_file_reads_as_eight_rows_with_line_numbers(sample_csv):
    rows = read_commune_rows(sample_csv)
    assert len(rows) == 8
    assert rows[0].line == 2 and rows[0].name == "Động Đạt" and rows[0].province == "Thái Nguyên"
    assert rows[-1].line == 9 and rows[-1].hostname == "daoda-demo.thainguyen.gov.vn"


def test_demo_file_matches_the_shared_sample():
    shared = "/work/shared/data/communes-sample.csv"
    try:
        with open(shared, encoding="utf-8") as f:
            expected = f.read()
    except FileNotFoundError:
        pytest.skip("không có ../shared trên máy này")
    with open(SAMPLE, encoding="utf-8") as f:
        assert f.read() == expected


def test_file_with_bom_and_former_units_reads_the_same(tmp_path):
    body = "Thái Nguyên,thainguyen.gov.vn,xã,Động Đạt,,,Động Đạt cũ; Phấn Mễ\n"
    path = write_csv(tmp_path, body, header="\ufeff" + HEADER)
    [row] = read_commune_rows(path)
    assert row.province == "Thái Nguyên"
    assert row.former_units == ("Động Đạt cũ", "Phấn Mễ")


def test_decomposed_vietnamese_is_read_as_composed_text(tmp_path):
    body = unicodedata.normalize("NFD", "Thái Nguyên,thainguyen.gov.vn,đặc khu,Đảo Đá,,,\n")
    [row] = read_commune_rows(write_csv(tmp_path, body))
    assert (row.province, row.kind, row.name) == ("Thái Nguyên", "đặc khu", "Đảo Đá")
    assert unicodedata.is_normalized("NFC", row.name)


def test_an_open_file_is_read_like_a_path(sample_csv):
    with open(sample_csv, "rb") as binary:
        assert len(read_commune_rows(binary)) == 8
    with open(sample_csv, encoding="utf-8") as text:
        assert len(read_commune_rows(text)) == 8


def test_file_without_a_required_column_is_refused_in_vietnamese(tmp_path):
    path = write_csv(tmp_path, "Thái Nguyên,xã,Động Đạt\n", header="province,kind,name\n")
    with pytest.raises(ImportFileError, match="thiếu cột bắt buộc province_domain"):
        read_commune_rows(path)


def test_file_with_an_unknown_column_is_refused(tmp_path):
    path = write_csv(tmp_path, "", header="province,province_domain,kind,name,hostnam\n")
    with pytest.raises(ImportFileError, match="cột “hostnam” không rõ"):
        read_commune_rows(path)


def test_file_that_is_not_utf8_is_refused_with_advice(tmp_path):
    path = write_csv(tmp_path, "Cà Mau,camau.gov.vn,xa,Tân Thành,,,\n", encoding="cp1258")
    with pytest.raises(ImportFileError, match="không phải văn bản UTF-8"):
        read_commune_rows(path)


def test_missing_file_is_named_in_the_error(tmp_path):
    with pytest.raises(ImportFileError, match="Không tìm thấy tệp .*khong-co.csv"):
        read_commune_rows(tmp_path / "khong-co.csv")


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match="trống"):
        read_commune_rows(path)


def test_excel_file_with_the_same_header_is_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Thái Nguyên", "thainguyen.gov.vn", "xã", "Động Đạt", 5602, None, "A; B"])
    sheet.append([None] * 7)
    sheet.append(["Quảng Ngãi", "quangngai.gov.vn", "phường", "Nguyễn Nghiêm", None, None, None])
    path = tmp_path / "communes.xlsx"
    workbook.save(path)

    rows = read_commune_rows(path)
    assert [(r.line, r.name, r.code, r.former_units) for r in rows] == [
        (2, "Động Đạt", "5602", ("A", "B")),
        (4, "Nguyễn Nghiêm", "", ()),
    ]


# --- Importing ------------------------------------------------------------------------


@pytest.fixture(scope="class")
def sample_imported(django_db_setup, django_db_blocker):
    """The sample file imported once for a whole class of read-mostly tests, rolled back afterwards.

    Each test still runs in its own savepoint (the `db` fixture), so what one test changes the next does not see.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield import_file(SAMPLE)
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestImportOfTheSampleFile:
    def test_creates_all_eight_communes_complete_in_three_provinces(self, sample_imported):
        assert (sample_imported.created, sample_imported.already_present) == (8, 0)
        assert Commune.objects.count() == 8
        assert Province.objects.count() == 3
        for commune in Commune.objects.all():
            assert_complete(commune)

    def test_creates_both_tan_phu_communes_in_their_own_provinces(self, sample_imported):
        addresses = set(Commune.objects.filter(slug="tan-phu").values_list("province__slug", "hostname"))
        assert addresses == {("quang-ngai", "tanphu.quangngai.gov.vn"), ("bac-ninh", "tanphu.bacninh.gov.vn")}
        assert services.resolve_commune("bac-ninh/tan-phu").province.name == "Bắc Ninh"

    def test_gives_dong_dat_the_decree_hostname_and_a_slug_with_d(self, sample_imported):
        dong_dat = Commune.objects.get(hostname="dongdat.thainguyen.gov.vn")
        assert dong_dat.slug == "dong-dat"
        assert dong_dat.full_name == "Xã Động Đạt"

    def test_lets_the_hostname_column_win_over_the_default_one(self, sample_imported):
        dao_da = Commune.objects.get(province__slug="thai-nguyen", slug="dao-da")
        assert dao_da.hostname == "daoda-demo.thainguyen.gov.vn"
        assert dao_da.kind == Commune.Kind.DAC_KHU

    def test_makes_each_commune_answer_on_its_hostname(self, sample_imported, client):
        response = client.get("/", HTTP_HOST="nguyennghiem.quangngai.gov.vn")
        assert response.status_code == 200
        assert "Phường Nguyễn Nghiêm" in response.content.decode()

    def test_run_again_changes_nothing(self, sample_imported, sample_csv):
        before = counts()

        report = import_file(sample_csv)

        assert (report.created, report.already_present) == (0, 8)
        assert counts() == before


def test_local_hostnames_move_every_site_under_localhost(db, sample_csv):
    import_file(sample_csv, local_hostnames=True)

    assert Commune.objects.get(slug="dao-da").hostname == "daoda-demo.thainguyen.localhost"
    assert Commune.objects.get(slug="dong-dat").hostname == "dongdat.thainguyen.localhost"
    assert not Commune.objects.filter(hostname__endswith=".gov.vn").exists()


def test_former_units_are_kept_with_their_commune(db, tmp_path):
    path = write_csv(tmp_path, "Thái Nguyên,thainguyen.gov.vn,xã,Động Đạt,,,Động Đạt cũ;Phấn Mễ\n")
    import_file(path)

    commune = Commune.objects.get(slug="dong-dat")
    assert set(commune.former_units.values_list("name", flat=True)) == {"Động Đạt cũ", "Phấn Mễ"}


def test_import_into_an_existing_province_adds_communes_to_it(province_a, commune_a, tmp_path):
    path = write_csv(
        tmp_path, "Thái Nguyên,thainguyen.gov.vn,xã,Động Đạt,,,\nThái Nguyên,thainguyen.gov.vn,phường,Phổ Yên,,,\n"
    )

    report = import_file(path)

    assert (report.created, report.already_present) == (1, 1)
    assert Province.objects.count() == 1
    assert set(province_a.communes.values_list("slug", flat=True)) == {"dong-dat", "pho-yen"}


def test_progress_is_called_once_per_commune(db, tmp_path):
    path = write_csv(tmp_path, "Thái Nguyên,thainguyen.gov.vn,xã,Động Đạt,,,\nBắc Ninh,bacninh.gov.vn,xã,Tân Phú,,,\n")
    calls = []
    import_file(path, progress=lambda: calls.append(1))
    assert len(calls) == 2


# --- Refusing bad files ---------------------------------------------------------------------


BAD_ROWS = (
    "Thái Nguyên,thainguyen.gov.vn,xóm,Phú Lạc,,,\n"  # line 2: bad kind
    "Thái Nguyên,thainguyen.gov.vn,xã,,,,\n"  # line 3: empty name
    "Thái Nguyên,thainguyen.gov.vn,xã,La Hiên,,la_hien.thainguyen.gov.vn,\n"  # line 4: invalid hostname
    "Thái Nguyên,thainguyen.gov.vn,xã,Phú Bình,,,\n"  # line 5: fine
    "Thái Nguyên,thainguyen.gov.vn,xã,Phú Bình,,,\n"  # line 6: same commune again
    "Bắc Ninh,bacninh.gov.vn,xã,Lương Tài,,,\n"  # line 7: fine
    "Bắc Ninh,bacninh2.gov.vn,xã,Gia Bình,,,\n"  # line 8: province with a second domain
    "Quảng Ngãi,quangngai.gov.vn,xã,Ba Tơ,,dongdat.thainguyen.gov.vn,\n"  # line 9: hostname taken in the DB
)


def test_import_rejects_file_with_bad_rows_and_writes_nothing(commune_a, tmp_path):
    path = write_csv(tmp_path, BAD_ROWS)
    before = counts()

    with pytest.raises(ImportRejected) as caught:
        import_file(path)

    errors = caught.value.errors
    assert [e.split(":")[0] for e in errors] == ["Dòng 2", "Dòng 3", "Dòng 4", "Dòng 6", "Dòng 8", "Dòng 9"]
    assert "“xóm” không hợp lệ" in errors[0]
    assert errors[1].startswith("Dòng 3: Thiếu tên xã/phường")
    assert "la_hien.thainguyen.gov.vn" in errors[2] and "không hợp lệ" in errors[2]
    assert errors[3] == "Dòng 6: Xã Phú Bình (Thái Nguyên) trùng với dòng 5, cùng tỉnh và cùng đường dẫn."
    assert "bacninh2.gov.vn" in errors[4] and "dòng 7" in errors[4]
    assert "dongdat.thainguyen.gov.vn" in errors[5] and "đã được dùng" in errors[5]
    assert "chưa ghi gì" in str(caught.value)
    assert counts() == before


def test_rows_sharing_a_hostname_or_a_code_are_both_reported(db, tmp_path):
    path = write_csv(
        tmp_path,
        "Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,05800,chung.thainguyen.gov.vn,\n"
        "Thái Nguyên,thainguyen.gov.vn,xã,Phú Đô,05800,chung.thainguyen.gov.vn,\n",
    )
    specs, errors = validate_rows(read_commune_rows(path))
    assert len(specs) == 1
    assert errors == [
        "Dòng 3: Tên miền “chung.thainguyen.gov.vn” trùng với dòng 2.",
        "Dòng 3: Mã đơn vị hành chính “05800” trùng với dòng 2.",
    ]


def test_province_whose_slug_exists_with_another_domain_is_refused(province_a, tmp_path):
    path = write_csv(tmp_path, "Thái Nguyên,thai-nguyen.gov.vn,xã,Phú Lạc,,,\n")
    _, errors = validate_rows(read_commune_rows(path))
    assert errors == [
        "Dòng 2: Tỉnh “Thái Nguyên” đã có tên miền “thainguyen.gov.vn” trong hệ thống, không phải “thai-nguyen.gov.vn”."
    ]


def test_commune_already_present_with_another_hostname_is_refused(commune_a, tmp_path):
    path = write_csv(tmp_path, "Thái Nguyên,thainguyen.gov.vn,xã,Động Đạt,,dong-dat.thainguyen.gov.vn,\n")
    _, errors = validate_rows(read_commune_rows(path))
    assert len(errors) == 1 and errors[0].startswith("Dòng 2: Xã Động Đạt (Thái Nguyên) đã có tên miền")


def test_validation_of_new_provinces_writes_nothing(db, sample_csv):
    before = counts()
    specs, errors = validate_rows(read_commune_rows(sample_csv))
    assert errors == [] and len(specs) == 8
    assert all(spec.province.pk is None for spec in specs)
    assert counts() == before


# --- Interruptions -------------------------------------------------------------------


def test_interrupted_import_leaves_complete_communes_and_a_rerun_finishes(db, sample_csv, monkeypatch):
    real_provision = services.commune_provision
    done = []

    def provision_then_fail(spec):
        if len(done) == 2:
            raise RuntimeError("mất điện")
        done.append(spec.slug)
        return real_provision(spec)

    monkeypatch.setattr(services, "commune_provision", provision_then_fail)
    with pytest.raises(RuntimeError):
        import_file(sample_csv)
    assert Commune.objects.count() == 2
    for commune in Commune.objects.all():
        assert_complete(commune)

    monkeypatch.setattr(services, "commune_provision", real_provision)
    report = import_file(sample_csv)

    assert (report.created, report.already_present) == (6, 2)
    assert Commune.objects.count() == 8
    for commune in Commune.objects.all():
        assert_complete(commune)


def test_failure_inside_one_commune_leaves_no_half_commune(db, sample_csv, monkeypatch):
    calls = []
    real_ensure_workflow = services._ensure_workflow

    def workflow_fails_on_third(commune):
        calls.append(commune.slug)
        if len(calls) == 3:
            raise RuntimeError("mất kết nối")
        return real_ensure_workflow(commune)

    monkeypatch.setattr(services, "_ensure_workflow", workflow_fails_on_third)
    with pytest.raises(RuntimeError):
        import_file(sample_csv)

    assert Commune.objects.count() == 2
    assert Site.objects.filter(hostname="binhtanphu.quangngai.gov.vn").count() == 0
    monkeypatch.setattr(services, "_ensure_workflow", real_ensure_workflow)
    import_file(sample_csv)
    for commune in Commune.objects.all():
        assert_complete(commune)
