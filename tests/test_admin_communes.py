"""The commune management area of the admin ("Xã/phường"): scope, forms, officers, archive."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse
from wagtail.models import Page, Site, WorkflowPage

from sites.models import Commune
from sites.tenancy import scope_for_user
from tests.factories import make_superuser

PORTAL = "localhost"
INDEX = "/admin/communes/"
ADD = "/admin/communes/new/"

User = get_user_model()


def url(name, *args):
    return reverse(f"communes:{name}", args=args)


def get(client, path, **params):
    return client.get(path, params, HTTP_HOST=PORTAL)


def post(client, path, data, follow=False):
    return client.post(path, data, HTTP_HOST=PORTAL, follow=follow)


def html(response):
    return response.content.decode()


@pytest.fixture
def superuser(db):
    return make_superuser()


def as_user(client, user):
    client.force_login(user)
    return client


def commune_form(province, **overrides):
    data = {"province": province.pk, "name": "Văn Hán", "kind": "xã", "code": "", "hostname": "", "former_units": ""}
    data.update(overrides)
    return data


def officer_form(**overrides):
    data = {
        "officer-username": "nguyenvana.dongdat",
        "officer-email": "nguyenvana@dongdat.thainguyen.gov.vn",
        "officer-role": "editor",
        "officer-password": "",
    }
    data.update({f"officer-{key}": value for key, value in overrides.items()})
    return data


def counts():
    return Commune.objects.count(), Site.objects.count(), Group.objects.count(), Page.objects.count()


# --- Who reaches the area -------------------------------------------------------------------


def test_urls_are_named():
    assert url("index") == INDEX
    assert url("add") == ADD
    assert url("detail", 7) == "/admin/communes/7/"
    assert url("archive", 7) == "/admin/communes/7/archive/"
    assert url("add_officer", 7) == "/admin/communes/7/officers/new/"


def test_menu_shows_the_area_to_province_admins_and_operators_only(client, province_admin_a, editor_a, superuser):
    for user, shown in ((province_admin_a, True), (superuser, True), (editor_a, False)):
        response = get(as_user(client, user), "/admin/")
        assert response.status_code == 200
        assert (INDEX in html(response)) is shown, user.username
        client.logout()


def test_commune_editor_cannot_reach_any_part_of_the_area(client, commune_a, commune_b, editor_a):
    as_user(client, editor_a)
    before = counts()
    paths = (INDEX, url("index_results"), ADD, url("detail", commune_a.pk), url("archive", commune_a.pk))
    for path in paths + (url("detail", commune_b.pk),):
        response = get(client, path)
        # Wagtail turns the refusal into a redirect to the dashboard with an error message.
        assert response.status_code == 302, path
        assert response["Location"] == reverse("wagtailadmin_home")
        assert "Xã Động Đạt" not in html(response)
        assert "Xã Tân Phú" not in html(response)
    assert post(client, ADD, commune_form(commune_a.province)).status_code in (302, 403, 404)
    assert post(client, url("archive", commune_a.pk), {}).status_code in (302, 403, 404)
    response = post(client, url("add_officer", commune_a.pk), officer_form(username="lensai"))
    assert response.status_code in (302, 403, 404)
    assert counts() == before
    commune_a.refresh_from_db()
    assert commune_a.is_active
    assert not User.objects.filter(username="lensai").exists()


def test_anonymous_visitor_is_sent_to_the_login_page(client, commune_a):
    response = get(client, INDEX)
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


# --- Listing --------------------------------------------------------------------------------


def test_province_admin_lists_only_their_province(client, commune_a, commune_b, province_admin_a):
    response = get(as_user(client, province_admin_a), INDEX)
    assert response.status_code == 200
    page = html(response)
    assert "Xã Động Đạt" in page
    assert "Thái Nguyên" in page
    assert 'href="http://dongdat.thainguyen.gov.vn/"' in page
    assert reverse("communes:detail", args=[commune_a.pk]) in page
    for heading in ("Tên", "Tỉnh/thành phố", "Tên miền", "Trạng thái", "Ngày tạo", "Thêm xã/phường"):
        assert heading in page
    assert "Đang hoạt động" in page
    # Nothing of the other province, not even in the filter.
    assert "Tân Phú" not in page
    assert "tanphu" not in page
    assert "Quảng Ngãi" not in page


def test_search_ignores_accents_and_finds_former_unit_names(client, province_a, province_admin_a):
    from sites import services

    services.commune_create(province=province_a, name="Phú Đình", former_units=["Xã Bình Thành"])
    services.commune_create(province=province_a, name="Điềm Mặc")
    as_user(client, province_admin_a)

    page = html(get(client, INDEX, q="phu dinh"))
    assert "Xã Phú Đình" in page
    assert "Xã Điềm Mặc" not in page

    page = html(get(client, url("index_results"), q="ĐIỀM"))
    assert "Xã Điềm Mặc" in page
    assert "Xã Phú Đình" not in page

    page = html(get(client, INDEX, q="binh thanh"))
    assert "Xã Phú Đình" in page

    page = html(get(client, INDEX, q="khong co"))
    assert "Không có xã/phường nào khớp với điều kiện tìm kiếm." in page


def test_listing_pages_in_vietnamese(client, commune_a, province_admin_a, monkeypatch):
    from sites import admin_views, services

    services.commune_create(province=commune_a.province, name="Văn Hán")
    monkeypatch.setattr(admin_views.CommuneIndexView, "get_paginate_by", lambda self, queryset: 1)
    as_user(client, province_admin_a)
    first = html(get(client, INDEX))
    second = html(get(client, INDEX, p=2))
    assert "Trang 1 / 2" in first
    assert "Trang sau" in first
    assert "Trang 2 / 2" in second
    assert ("Xã Động Đạt" in first) != ("Xã Động Đạt" in second)


def test_superuser_sees_all_communes_and_can_filter_by_province(client, commune_a, commune_b, superuser):
    as_user(client, superuser)
    page = html(get(client, INDEX))
    assert "Xã Động Đạt" in page
    assert "Xã Tân Phú" in page
    assert "Tất cả tỉnh/thành phố" in page

    page = html(get(client, INDEX, province=commune_b.province_id))
    assert "Xã Tân Phú" in page
    assert "Xã Động Đạt" not in page

    response = get(client, url("detail", commune_b.pk))
    assert response.status_code == 200
    assert "Xã Tân Phú" in html(response)


def test_empty_listing_says_so_in_vietnamese(client, province_a, province_admin_a):
    page = html(get(as_user(client, province_admin_a), INDEX))
    assert "Chưa có xã/phường nào." in page


# --- Create ---------------------------------------------------------------------------------


def test_create_form_offers_only_the_admins_province_preselected(client, province_a, province_b, province_admin_a):
    response = get(as_user(client, province_admin_a), ADD)
    assert response.status_code == 200
    page = html(response)
    for text in ("Thêm xã/phường", "Tên xã/phường", "Loại đơn vị", "Đặc khu", "Thị trấn", "Tạo xã/phường"):
        assert text in page
    assert "dongdat.thainguyen.gov.vn" in page  # hostname help text
    assert "Mỗi dòng một tên" in page
    assert re.search(rf'<option value="{province_a.pk}" selected>Thái Nguyên</option>', page)
    assert "Quảng Ngãi" not in page


def test_superuser_chooses_among_all_provinces(client, province_a, province_b, superuser):
    page = html(get(as_user(client, superuser), ADD))
    assert "Thái Nguyên" in page
    assert "Quảng Ngãi" in page
    assert "— Chọn tỉnh/thành phố —" in page


def test_province_admin_creates_a_fully_provisioned_commune(client, province_a, province_admin_a):
    as_user(client, province_admin_a)
    data = commune_form(province_a, name="Văn  Hán", kind="phường", code="05512", former_units="Xã A\n\n Xã B \n")
    response = post(client, ADD, data)
    commune = Commune.objects.get(province=province_a, slug="van-han")
    assert response.status_code == 302
    assert response["Location"] == url("detail", commune.pk)

    assert commune.full_name == "Phường Văn Hán"
    assert commune.code == "05512"
    assert commune.hostname == "vanhan.thainguyen.gov.vn"
    assert commune.site.hostname == "vanhan.thainguyen.gov.vn"
    assert commune.site.root_page_id == commune.home_page_id
    assert commune.home_page.get_parent().id == province_a.page_id
    assert commune.home_page.get_children().count() > 0
    assert commune.editors_group and commune.approvers_group and commune.collection and commune.workflow
    assert WorkflowPage.objects.filter(page=commune.home_page, workflow=commune.workflow).exists()
    assert sorted(commune.former_units.values_list("name", flat=True)) == ["Xã A", "Xã B"]
    assert scope_for_user(province_admin_a).allows_object(commune)

    page = html(client.get(response["Location"], HTTP_HOST=PORTAL))
    assert "Đã tạo Phường Văn Hán (Thái Nguyên)" in page
    # The new site answers on its own hostname.
    assert client.get("/", HTTP_HOST="vanhan.thainguyen.gov.vn").status_code == 200


def test_create_with_a_chosen_hostname(client, province_a, province_admin_a):
    as_user(client, province_admin_a)
    response = post(client, ADD, commune_form(province_a, hostname="  VanHan-TN.ThaiNguyen.gov.vn "))
    assert response.status_code == 302
    assert Commune.objects.get(slug="van-han").hostname == "vanhan-tn.thainguyen.gov.vn"


def test_province_admin_cannot_create_in_another_province(client, province_a, province_b, province_admin_a):
    as_user(client, province_admin_a)
    before = counts()
    response = post(client, ADD, commune_form(province_b))
    assert response.status_code == 200
    assert "Bạn không được tạo xã/phường ở tỉnh/thành phố này." in html(response)
    assert counts() == before
    assert not Commune.objects.filter(province=province_b).exists()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"name": ""}, "Hãy nhập tên xã/phường."),
        ({"name": "   "}, "Hãy nhập tên xã/phường."),
        ({"name": "!!!"}, "không có chữ cái hay chữ số"),
        ({"hostname": "bad host!"}, "Tên miền “bad host!” không hợp lệ"),
        ({"hostname": "khongcodiem"}, "không hợp lệ"),
        ({"hostname": "dongdat.thainguyen.gov.vn"}, "Tên miền “dongdat.thainguyen.gov.vn” đã được dùng"),
        ({"hostname": "localhost.vn", "name": "Khác"}, None),  # valid: control case
        ({"code": "12ab"}, "chỉ được gồm chữ số"),
        ({"name": "Động Đạt"}, "Thái Nguyên đã có Xã Động Đạt"),
        ({"kind": "huyện"}, "Loại đơn vị không hợp lệ"),
    ],
)
def test_bad_form_shows_a_vietnamese_error_and_creates_nothing(client, commune_a, province_admin_a, overrides, error):
    as_user(client, province_admin_a)
    before = counts()
    response = post(client, ADD, commune_form(commune_a.province, **overrides))
    if error is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    page = html(response)
    assert error in page
    assert "Chưa tạo được xã/phường, hãy sửa các lỗi bên dưới." in page
    assert counts() == before


def test_hostname_of_a_site_outside_any_commune_is_refused(client, province_a, province_admin_a):
    Site.objects.create(hostname="cu.thainguyen.gov.vn", port=80, root_page=province_a.page, site_name="Cũ")
    as_user(client, province_admin_a)
    before = counts()
    response = post(client, ADD, commune_form(province_a, hostname="cu.thainguyen.gov.vn"))
    assert response.status_code == 200
    assert "Tên miền “cu.thainguyen.gov.vn” đã được dùng cho một trang khác." in html(response)
    assert counts() == before


# --- Detail, officers -----------------------------------------------------------------------


def test_detail_page_shows_the_communes_facts_and_officers(client, commune_a, editor_a, approver_a, province_admin_a):
    from sites import services

    services.commune_create(province=commune_a.province, name="Động Đạt", former_units=["Xã Phấn Mễ"])
    response = get(as_user(client, province_admin_a), url("detail", commune_a.pk))
    assert response.status_code == 200
    page = html(response)
    for text in (
        "Xã Động Đạt",
        "Thái Nguyên",
        'href="http://dongdat.thainguyen.gov.vn/"',
        "/thai-nguyen/dong-dat/",
        "Đang hoạt động",
        "Xã Phấn Mễ",
        "Quản lý trang",
        reverse("wagtailadmin_explore", args=[commune_a.home_page_id]),
        "Cán bộ",
        "bientap.a",
        "pheduyet.a",
        "Biên tập viên",
        "Lãnh đạo phê duyệt",
        "Thêm cán bộ",
        "Tên đăng nhập",
        "Thư điện tử",
        url("add_officer", commune_a.pk),
        url("archive", commune_a.pk),
    ):
        assert text in page, text


def test_other_provinces_commune_is_404_everywhere(client, commune_a, commune_b, province_admin_a):
    as_user(client, province_admin_a)
    before = counts()
    for name in ("detail", "archive", "add_officer"):
        assert get(client, url(name, commune_b.pk)).status_code == 404, name
        response = post(client, url(name, commune_b.pk), officer_form(username="xam.nhap"))
        assert response.status_code == 404, name
    assert get(client, url("detail", 999999)).status_code == 404
    commune_b.refresh_from_db()
    assert commune_b.is_active
    assert not User.objects.filter(username="xam.nhap").exists()
    assert counts() == before


def test_adding_an_officer_gives_a_working_account_and_shows_the_password_once(client, commune_a, province_admin_a):
    as_user(client, province_admin_a)
    response = post(client, url("add_officer", commune_a.pk), officer_form())
    assert response.status_code == 302
    assert response["Location"].startswith(url("detail", commune_a.pk))

    user = User.objects.get(username="nguyenvana.dongdat")
    assert user.groups.filter(pk=commune_a.editors_group_id).exists()
    assert not user.groups.filter(pk=commune_a.approvers_group_id).exists()
    assert scope_for_user(user).commune_ids == {commune_a.pk}

    page = html(client.get(response["Location"], HTTP_HOST=PORTAL))
    assert "Đã thêm nguyenvana.dongdat làm Biên tập viên của Xã Động Đạt." in page
    password = re.search(r"Mật khẩu đăng nhập: ([a-z0-9-]+)", page).group(1)
    assert "nguyenvana.dongdat" in page.split('id="can-bo-section"', 1)[1]  # listed among the officers

    # The message is shown once only.
    assert password not in html(get(client, url("detail", commune_a.pk)))

    client.logout()
    assert client.login(request=HttpRequest(), username="nguyenvana.dongdat", password=password)
    assert get(client, "/admin/").status_code == 200


def test_adding_an_approver_with_a_chosen_password(client, commune_a, province_admin_a):
    as_user(client, province_admin_a)
    data = officer_form(username="lanhdao.dongdat", role="approver", password="Dong-Dat-2025-x")
    response = post(client, url("add_officer", commune_a.pk), data, follow=True)
    page = html(response)
    assert "Đã thêm lanhdao.dongdat làm Lãnh đạo phê duyệt của Xã Động Đạt." in page
    assert "Dong-Dat-2025-x" not in page
    user = User.objects.get(username="lanhdao.dongdat")
    assert user.groups.filter(pk=commune_a.approvers_group_id).exists()
    client.logout()
    assert client.login(request=HttpRequest(), username="lanhdao.dongdat", password="Dong-Dat-2025-x")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"email": "khong-phai-email"}, "Địa chỉ thư điện tử “khong-phai-email” không hợp lệ."),
        ({"email": ""}, "Hãy nhập địa chỉ thư điện tử."),
        ({"username": "tên có dấu"}, "Tên đăng nhập chỉ gồm chữ, số"),
        ({"role": "province-admin"}, "Vai trò không hợp lệ."),
        ({"password": "123"}, "Mật khẩu chưa đủ mạnh"),
    ],
)
def test_bad_officer_form_shows_a_vietnamese_error(client, commune_a, province_admin_a, overrides, error):
    as_user(client, province_admin_a)
    users = User.objects.count()
    response = post(client, url("add_officer", commune_a.pk), officer_form(**overrides))
    assert response.status_code == 200
    page = html(response)
    assert error in page
    assert "Chưa thêm được cán bộ, hãy sửa các lỗi bên dưới." in page
    assert "Xã Động Đạt" in page  # still the detail page
    assert User.objects.count() == users


def test_officer_form_cannot_take_over_someone_elses_account(
    client, commune_a, province_admin_a, province_admin_b, editor_b, superuser
):
    as_user(client, province_admin_a)
    for victim in (province_admin_b, editor_b, superuser):
        response = post(
            client, url("add_officer", commune_a.pk), officer_form(username=victim.username, password="Chiem-Quyen-99")
        )
        assert response.status_code == 200
        assert f"Tên đăng nhập “{victim.username}” đã được dùng cho một tài khoản khác." in html(response)
        victim.refresh_from_db()
        assert not victim.check_password("Chiem-Quyen-99")
        assert not victim.groups.filter(pk__in=[commune_a.editors_group_id, commune_a.approvers_group_id]).exists()


def test_existing_officer_of_the_commune_gets_a_second_role_and_keeps_the_password(
    client, commune_a, editor_a, province_admin_a
):
    as_user(client, province_admin_a)
    data = officer_form(username=editor_a.username, role="approver", password="Mat-Khau-Moi-99")
    response = post(client, url("add_officer", commune_a.pk), data)
    assert "Tài khoản này đã có mật khẩu" in html(response)

    response = post(client, url("add_officer", commune_a.pk), officer_form(username=editor_a.username, role="approver"))
    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password("mat-khau-thu-1")
    assert editor_a.groups.filter(pk=commune_a.approvers_group_id).exists()
    page = html(client.get(response["Location"], HTTP_HOST=PORTAL))
    assert "giữ nguyên mật khẩu cũ" in page

    response = post(client, url("add_officer", commune_a.pk), officer_form(username=editor_a.username, role="editor"))
    assert "đã là Biên tập viên của Xã Động Đạt" in html(response)


# --- Archive --------------------------------------------------------------------------------


def test_archive_asks_for_confirmation_then_takes_the_site_offline(client, commune_a, province_admin_a):
    as_user(client, province_admin_a)
    response = get(client, url("archive", commune_a.pk))
    assert response.status_code == 200
    page = html(response)
    for text in ("Lưu trữ Xã Động Đạt (Thái Nguyên)?", "ngừng hiển thị", "giữ nguyên", "Đồng ý lưu trữ"):
        assert text in page, text
    commune_a.refresh_from_db()
    assert commune_a.is_active

    response = post(client, url("archive", commune_a.pk), {})
    assert response.status_code == 302
    commune_a.refresh_from_db()
    assert commune_a.status == Commune.Status.ARCHIVED
    assert Page.objects.filter(pk=commune_a.home_page_id).exists()  # data kept
    assert client.get("/", HTTP_HOST=commune_a.hostname).status_code == 410

    page = html(client.get(response["Location"], HTTP_HOST=PORTAL))
    assert "Đã lưu trữ Xã Động Đạt." in page
    assert "Đã lưu trữ" in page
    assert url("add_officer", commune_a.pk) not in page  # no new officers for an archived commune

    # Archiving again changes nothing; adding officers is refused.
    assert post(client, url("archive", commune_a.pk), {}).status_code == 302
    response = post(client, url("add_officer", commune_a.pk), officer_form(), follow=True)
    assert "đã được lưu trữ, không thêm cán bộ được" in html(response)
    assert not User.objects.filter(username="nguyenvana.dongdat").exists()

    page = html(get(client, INDEX, status="archived"))
    assert "Xã Động Đạt" in page
    page = html(get(client, INDEX, status="active"))
    assert "Xã Động Đạt" not in page


def test_create_form_says_when_there_is_no_province_yet(client, superuser):
    from sites import services

    services.portal_ensure()
    page = html(get(as_user(client, superuser), ADD))
    assert "Chưa có tỉnh/thành phố nào để tạo xã/phường." in page
