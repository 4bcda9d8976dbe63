"""The `commune` and `seed_demo` management commands, as an operator runs them."""

import io
import shlex
import shutil

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.http import HttpRequest
from wagtail.models import Collection, GroupPagePermission, Page, Site

from sites import importers, services
from sites.management.commands import commune as commune_command
from sites.management.commands import seed_demo
from sites.models import Commune, Province
from sites.tenancy import scope_for_user

SAMPLE = importers.__file__.replace("importers.py", "demo/communes.csv")


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def cli(line):
    """Run a command line as an operator types it: cli("commune archive dong-dat")."""
    return run(*shlex.split(line))


def counts():
    User = get_user_model()
    return {
        model.__name__: model.objects.count()
        for model in (Province, Commune, Site, Page, Group, Collection, GroupPagePermission, User)
    }


@pytest.fixture(scope="class")
def sample_in_db(django_db_setup, django_db_blocker):
    """The sample communes (two of them named Tân Phú) imported once per class, rolled back afterwards.

    Each test still runs in its own savepoint (the `db` fixture), so what one test changes the next does not see.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        run("commune", "import", SAMPLE)
        yield
        transaction.set_rollback(True)


# --- create -------------------------------------------------------------------------


def test_create_makes_a_commune_and_prints_its_address_and_url(province_a):
    out = cli("commune create --province 'Thái Nguyên' --name 'Phú Lạc' --former 'Phú Lạc cũ;Yên Ninh'")

    commune = Commune.objects.get(slug="phu-lac")
    assert commune.hostname == "phulac.thainguyen.gov.vn"
    assert "Đã tạo: Xã Phú Lạc (Thái Nguyên)" in out
    assert "thai-nguyen/phu-lac" in out
    assert commune.url in out
    assert commune.former_units.count() == 2


def test_create_accepts_province_slug_kind_hostname_and_local_hostnames(province_a):
    cli(
        "commune create --province thai-nguyen --name 'Đảo Đá' --kind 'dac khu'"
        " --hostname daoda-demo.thainguyen.gov.vn --code 99999 --local-hostnames"
    )
    commune = Commune.objects.get(slug="dao-da")
    assert (commune.kind, commune.hostname, commune.code) == ("đặc khu", "daoda-demo.thainguyen.localhost", "99999")


def test_create_twice_says_the_commune_was_already_there(commune_a):
    out = cli("commune create --province 'Thái Nguyên' --name 'Động Đạt'")
    assert "Đã có sẵn" in out
    assert Commune.objects.count() == 1


def test_create_in_unknown_province_is_refused_in_vietnamese(province_a):
    with pytest.raises(CommandError, match="Không tìm thấy tỉnh/thành phố “Hà Tây”.*thai-nguyen"):
        cli("commune create --province 'Hà Tây' --name 'Phú Lạc'")
    assert Commune.objects.count() == 0


def test_create_with_bad_kind_is_refused(province_a):
    with pytest.raises(CommandError, match="Loại đơn vị “thôn” không hợp lệ"):
        cli("commune create --province 'Thái Nguyên' --name 'Phú Lạc' --kind thôn")


def test_create_without_a_name_reports_the_missing_option_in_vietnamese(province_a):
    with pytest.raises(CommandError, match="thiếu tham số bắt buộc: --name"):
        cli("commune create --province 'Thái Nguyên'")


def test_command_without_an_action_says_which_actions_exist(db):
    with pytest.raises(CommandError, match="thiếu tham số bắt buộc: {create,import,list,archive,officer}"):
        cli("commune")


def test_help_is_in_vietnamese():
    parser = commune_command.Command().create_parser("manage.py", "commune")
    text = parser.format_help()
    assert "Cách dùng:" in text and "Lệnh con" in text and "Hiện hướng dẫn này rồi thoát." in text
    assert "show this help" not in text and "usage:" not in text


# --- import -----------------------------------------------------------------------------


def test_import_creates_the_communes_and_prints_a_summary(db, tmp_path):
    path = tmp_path / "communes.csv"
    shutil.copy(SAMPLE, path)
    err = io.StringIO()
    out = io.StringIO()
    call_command("commune", "import", str(path), stdout=out, stderr=err)

    assert Commune.objects.count() == 8
    assert "tạo mới 8 xã/phường, 0 đã có sẵn" in out.getvalue()
    assert "Đang tạo xã/phường" in err.getvalue()  # the progress bar goes to stderr
    assert "8/8" in err.getvalue()


def test_import_with_local_hostnames_uses_localhost_names(db):
    run("commune", "import", SAMPLE, "--local-hostnames")
    assert Commune.objects.get(slug="dao-da").hostname == "daoda-demo.thainguyen.localhost"


def test_import_dry_run_validates_and_writes_nothing(db):
    before = counts()
    out = run("commune", "import", SAMPLE, "--dry-run")
    assert "Tệp hợp lệ: 8 xã/phường, 8 sẽ được tạo mới, 0 đã có sẵn" in out
    assert counts() == before


def test_import_of_bad_file_lists_every_bad_line_and_writes_nothing(db, tmp_path):
    path = tmp_path / "loi.csv"
    path.write_text(
        "province,province_domain,kind,name,code,hostname,former_units\n"
        "Thái Nguyên,thainguyen.gov.vn,xã,Phú Lạc,,,\n"
        "Thái Nguyên,thainguyen.gov.vn,làng,Phú Đô,,,\n"
        "Thái Nguyên,thainguyen.gov.vn,xã,,,,\n",
        encoding="utf-8",
    )
    before = counts()
    with pytest.raises(CommandError) as caught:
        run("commune", "import", str(path))
    message = str(caught.value)
    assert "Tệp có 2 lỗi, chưa ghi gì" in message
    assert "Dòng 3: Loại đơn vị “làng” không hợp lệ" in message
    assert "Dòng 4: Thiếu tên xã/phường" in message
    assert counts() == before


def test_import_dry_run_of_bad_file_fails_too(db, tmp_path):
    path = tmp_path / "loi.csv"
    path.write_text("province,province_domain,kind,name\nThái Nguyên,thainguyen.gov.vn,làng,Phú Đô\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Dòng 2: Loại đơn vị"):
        run("commune", "import", str(path), "--dry-run")


def test_import_of_missing_file_says_so(db, tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp .*khong-co.csv"):
        run("commune", "import", str(tmp_path / "khong-co.csv"))


def test_import_of_non_utf8_file_says_how_to_save_it(db, tmp_path):
    path = tmp_path / "cu.csv"
    path.write_bytes("province,province_domain,kind,name\nCà Mau,camau.gov.vn,xa,Tân Thành\n".encode("cp1258"))
    with pytest.raises(CommandError, match="CSV UTF-8"):
        run("commune", "import", str(path))


# --- list --------------------------------------------------------------------------


def test_list_when_there_are_no_communes(db):
    assert "Chưa có xã/phường nào." in cli("commune list")


# --- archive --------------------------------------------------------------------------


def test_archive_takes_the_site_offline_with_410_and_keeps_the_data(client, commune_a, editor_a):
    pages_before = Page.objects.descendant_of(commune_a.home_page, inclusive=True).count()
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 200

    out = cli("commune archive dong-dat")

    assert "Đã lưu trữ Xã Động Đạt" in out
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 410
    commune_a.refresh_from_db()
    assert commune_a.status == Commune.Status.ARCHIVED
    assert Page.objects.descendant_of(commune_a.home_page, inclusive=True).count() == pages_before
    assert commune_a.site is not None and commune_a.collection is not None
    assert scope_for_user(get_user_model().objects.get(pk=editor_a.pk)).commune_ids == {commune_a.pk}


def test_archive_twice_says_it_was_already_archived(commune_a):
    cli("commune archive dong-dat")
    assert "đã được lưu trữ từ trước" in cli("commune archive thai-nguyen/dong-dat")


def test_archive_of_unknown_commune_is_refused(commune_a):
    with pytest.raises(CommandError, match="Không tìm thấy xã/phường “khong-co”"):
        cli("commune archive khong-co")


# --- officer ----------------------------------------------------------------------------


def test_officer_editor_gets_a_generated_password_printed(commune_a):
    out = cli("commune officer --commune dong-dat --username nguyenvana --email a@dongdat.vn --role editor")

    user = get_user_model().objects.get(username="nguyenvana")
    assert user.groups.filter(pk=commune_a.editors_group_id).exists()
    password = next(line for line in out.splitlines() if "Mật khẩu:" in line).split()[-1]
    assert user.check_password(password)
    assert "Tên đăng nhập: nguyenvana" in out


def test_officer_approver_with_a_chosen_password(client, commune_a):
    out = cli(
        "commune officer --commune thai-nguyen/dong-dat --username chutich --email ct@dongdat.vn"
        " --role approver --password lanh-dao-2026"
    )
    assert "lanh-dao-2026" in out
    assert client.login(request=HttpRequest(), username="chutich", password="lanh-dao-2026")
    assert get_user_model().objects.get(username="chutich").groups.filter(pk=commune_a.approvers_group_id).exists()


def test_officer_province_admin(province_a):
    cli(
        "commune officer --province 'Thái Nguyên' --role province-admin"
        " --username qt.tn --email qt@thainguyen.gov.vn --password quan-tri-2026"
    )
    user = get_user_model().objects.get(username="qt.tn")
    assert scope_for_user(user).province_ids == {province_a.pk}


def test_officer_with_a_bad_role_is_refused(commune_a):
    with pytest.raises(CommandError, match="Vai trò “admin” không hợp lệ"):
        cli("commune officer --commune dong-dat --username x1 --email x@a.vn --role admin")
    assert not get_user_model().objects.filter(username="x1").exists()


def test_officer_with_a_bad_email_is_refused(commune_a):
    with pytest.raises(CommandError, match="Địa chỉ thư điện tử “khong-phai-email” không hợp lệ"):
        cli("commune officer --commune dong-dat --username x1 --email khong-phai-email --role editor")


def test_officer_with_a_weak_password_is_refused(commune_a):
    with pytest.raises(CommandError, match="Mật khẩu chưa đủ mạnh"):
        cli("commune officer --commune dong-dat --username x1 --email x@a.vn --role editor --password 123")


def test_officer_province_admin_needs_a_province(commune_a):
    with pytest.raises(CommandError, match="Quản trị tỉnh cần chỉ rõ tỉnh"):
        cli("commune officer --commune dong-dat --username x1 --email x@a.vn --role province-admin")


def test_officer_with_both_commune_and_province_is_refused_in_vietnamese(commune_a):
    with pytest.raises(CommandError, match="không dùng --province cùng với --commune"):
        cli("commune officer --commune dong-dat --province thai-nguyen --username x1 --email x@a.vn --role editor")


@pytest.mark.usefixtures("sample_in_db", "db")
class TestWithTheSampleCommunes:
    def test_import_again_reports_everything_already_present(self):
        before = counts()
        out = run("commune", "import", SAMPLE)
        assert "tạo mới 0 xã/phường, 8 đã có sẵn" in out
        assert counts() == before

    def test_list_shows_address_name_hostname_and_status(self):
        out = cli("commune list")
        assert "Địa chỉ" in out and "Tên đầy đủ" in out and "Tên miền" in out and "Trạng thái" in out
        line = next(line for line in out.splitlines() if line.startswith("bac-ninh/tan-phu"))
        assert "Xã Tân Phú" in line and "tanphu.bacninh.gov.vn" in line and "Đang hoạt động" in line
        assert "Tổng: 8 xã/phường." in out

    def test_list_of_one_province(self):
        out = cli("commune list --province 'Bắc Ninh'")
        assert "bac-ninh/luong-tai" in out and "quang-ngai" not in out
        assert "Tổng: 2 xã/phường." in out

    def test_archive_of_ambiguous_slug_lists_both_addresses(self):
        with pytest.raises(CommandError) as caught:
            cli("commune archive tan-phu")
        assert "Có nhiều xã/phường tên “tan-phu”" in str(caught.value)
        assert "quang-ngai/tan-phu" in str(caught.value) and "bac-ninh/tan-phu" in str(caught.value)
        assert not Commune.objects.filter(status=Commune.Status.ARCHIVED).exists()

    def test_archive_with_province_picks_the_right_tan_phu(self):
        cli("commune archive bac-ninh/tan-phu")
        archived = Commune.objects.get(status=Commune.Status.ARCHIVED)
        assert archived.address == "bac-ninh/tan-phu"

    def test_officer_of_ambiguous_commune_is_refused(self):
        with pytest.raises(CommandError, match="quang-ngai/tan-phu"):
            cli("commune officer --commune tan-phu --username x1 --email x@a.vn --role editor")


# --- seed_demo --------------------------------------------------------------------------


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """seed_demo run once for the class (its output is the fixture's value), rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield cli("seed_demo")
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestSeedDemo:
    def test_creates_the_communes_on_local_hostnames_and_prints_logins(self, seeded):
        assert Commune.objects.count() == 8
        assert Commune.objects.get(slug="dong-dat").hostname == "dongdat.thainguyen.localhost"
        assert "xaso-demo-2026" in seeded
        assert "dongdat.bientap" in seeded and "http://dongdat.thainguyen.localhost/admin/" in seeded

    def test_run_twice_changes_nothing(self, seeded):
        before = counts()
        out = cli("seed_demo")
        assert "tạo mới 0, đã có sẵn 8" in out
        assert counts() == before

    def test_gives_the_two_tan_phu_distinct_usernames(self, seeded):
        User = get_user_model()
        tan_phu_bn = Commune.objects.get(province__slug="bac-ninh", slug="tan-phu")
        editor = User.objects.get(username="tanphu-bacninh.bientap")
        assert scope_for_user(editor).commune_ids == {tan_phu_bn.pk}
        assert User.objects.filter(username="tanphu-quangngai.pheduyet").exists()
        assert User.objects.filter(username="binhtanphu.bientap").exists()

    def test_logins_work_with_the_demo_password(self, seeded, client):
        usernames = ["vanhanh", "quantri.thainguyen", "dongdat.bientap", "dongdat.pheduyet", "daoda.pheduyet"]
        for username in usernames:
            assert client.login(request=HttpRequest(), username=username, password=seed_demo.DEMO_PASSWORD), username
            client.logout()
        User = get_user_model()
        assert User.objects.get(username="vanhanh").is_superuser
        assert User.objects.filter(username__endswith=".bientap").count() == 8
        assert User.objects.filter(username__startswith="quantri.").count() == 3

    def test_demo_officer_can_open_the_admin_of_their_commune(self, seeded, client):
        client.login(request=HttpRequest(), username="dongdat.bientap", password=seed_demo.DEMO_PASSWORD)
        assert client.get("/admin/", HTTP_HOST="dongdat.thainguyen.localhost").status_code == 200

    def test_with_logins_only_prints_the_table(self, seeded):
        before = counts()
        out = cli("seed_demo --logins")
        assert "Tài khoản demo (mật khẩu chung: xaso-demo-2026)" in out
        assert "Xã/phường demo" not in out
        lines = [line for line in out.splitlines() if "xaso-demo-2026" in line]
        assert len(lines) == 1 + 1 + 3 + 3 + 16  # title, operator, province admins, trainers, two per commune
        assert counts() == before


def test_demo_password_passes_the_password_validators(db):
    from django.contrib.auth.password_validation import validate_password

    for username in ("vanhanh", "dongdat.bientap", "quantri.thainguyen"):
        user = get_user_model()(username=username, email=f"{username}@example.vn")
        validate_password(seed_demo.DEMO_PASSWORD, user)


def test_seed_demo_logins_before_seeding_says_what_to_run(db):
    assert "Hãy chạy: manage.py seed_demo" in cli("seed_demo --logins")
    assert Commune.objects.count() == 0


def test_import_interrupted_by_ctrl_c_says_how_to_resume(db, monkeypatch):
    real_provision = services.commune_provision
    done = []

    def provision_until_ctrl_c(spec):
        if len(done) == 3:
            raise KeyboardInterrupt
        done.append(spec)
        return real_provision(spec)

    monkeypatch.setattr(services, "commune_provision", provision_until_ctrl_c)
    with pytest.raises(CommandError, match="Đã dừng giữa chừng sau 3 xã/phường.*Chạy lại đúng lệnh này"):
        cli(f"commune import {SAMPLE}")
    assert Commune.objects.count() == 3

    monkeypatch.setattr(services, "commune_provision", real_provision)
    assert "tạo mới 5 xã/phường, 3 đã có sẵn" in cli(f"commune import {SAMPLE}")


def test_refresh_adds_a_new_standard_section_to_existing_communes(commune_a, monkeypatch):
    from pages import sections
    from pages.sections import Section

    extra = Section("pages.StandardPage", "Công khai", "cong-khai", "Thông tin công khai.")
    monkeypatch.setattr(sections, "STANDARD_SECTIONS", (*sections.STANDARD_SECTIONS, extra))
    monkeypatch.setattr("sites.services.STANDARD_SECTIONS", sections.STANDARD_SECTIONS)
    out = io.StringIO()
    call_command("commune", "refresh", stdout=out, stderr=io.StringIO())
    assert "Đã cập nhật 1 xã/phường" in out.getvalue()
    assert commune_a.home_page.get_children().filter(slug="cong-khai").exists()
    call_command("commune", "refresh", "dong-dat", stdout=io.StringIO(), stderr=io.StringIO())
    assert commune_a.home_page.get_children().filter(slug="cong-khai").count() == 1
