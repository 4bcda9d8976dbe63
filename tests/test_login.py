"""Login lockout: five wrong passwords lock the account (and the address) for 15 minutes, in Vietnamese;
the province admin can lift it for their own communes' officers."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tests.factories import make_officer
from tests.test_admin_communes import url

LOGIN = "/admin/login/"


def try_login(client, commune, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, HTTP_HOST=commune.hostname, REMOTE_ADDR=ip)


@pytest.fixture
def officer(commune_a):
    return make_officer(commune_a, "editor", username="dongdat.bientap", password="dung-mat-khau-2026")


def test_five_wrong_passwords_lock_the_account_with_a_vietnamese_page(commune_a, officer):
    client = Client()
    for _ in range(4):
        assert try_login(client, commune_a, "dongdat.bientap", "sai").status_code == 200
    locked = try_login(client, commune_a, "dongdat.bientap", "sai")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # Even the right password is refused now, also from another address.
    again = try_login(Client(), commune_a, "dongdat.bientap", "dung-mat-khau-2026", ip="10.0.0.2")
    assert again.status_code == 429
    assert "_auth_user_id" not in again.client.session


def test_one_address_trying_many_accounts_is_locked(commune_a, officer):
    client = Client()
    for n in range(5):
        response = try_login(client, commune_a, f"khong-co-{n}", "sai", ip="10.9.9.9")
    assert response.status_code == 429
    assert try_login(client, commune_a, "dongdat.bientap", "dung-mat-khau-2026", ip="10.9.9.9").status_code == 429
    # The officer, from their own address, still gets in.
    ok = try_login(Client(), commune_a, "dongdat.bientap", "dung-mat-khau-2026", ip="10.0.0.7")
    assert ok.status_code == 302


def test_a_correct_login_before_the_limit_clears_the_count(commune_a, officer):
    client = Client()
    for _ in range(4):
        try_login(client, commune_a, "dongdat.bientap", "sai")
    assert try_login(client, commune_a, "dongdat.bientap", "dung-mat-khau-2026").status_code == 302
    for _ in range(4):
        assert try_login(Client(), commune_a, "dongdat.bientap", "sai").status_code == 200


def test_province_admin_sees_the_lockout_and_lifts_it(commune_a, officer, province_admin_a):
    for _ in range(5):
        try_login(Client(), commune_a, "dongdat.bientap", "sai")
    admin = Client()
    admin.force_login(province_admin_a)
    detail = admin.get(url("detail", commune_a.pk), HTTP_HOST=commune_a.hostname).content.decode()
    assert "Tạm khóa đăng nhập" in detail and "Mở khóa" in detail
    response = admin.post(url("unlock_officer", commune_a.pk, officer.pk), HTTP_HOST=commune_a.hostname)
    assert response.status_code == 302
    assert try_login(Client(), commune_a, "dongdat.bientap", "dung-mat-khau-2026", ip="10.0.0.3").status_code == 302


def test_another_province_cannot_unlock_or_see_the_officer(commune_a, officer, province_admin_b, commune_b):
    admin = Client()
    admin.force_login(province_admin_b)
    response = admin.post(url("unlock_officer", commune_a.pk, officer.pk), HTTP_HOST=commune_b.hostname)
    assert response.status_code == 404


def test_unlock_refuses_someone_who_is_not_the_communes_officer(commune_a, commune_b, province_admin_a):
    stranger = make_officer(commune_b, "editor", username="tanphu.bientap")
    admin = Client()
    admin.force_login(province_admin_a)
    response = admin.post(url("unlock_officer", commune_a.pk, stranger.pk), HTTP_HOST=commune_a.hostname)
    assert response.status_code == 404


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_one_address_locked_out_does_not_lock_out_the_others(commune_a, officer):
    """Every request reaches Django from nginx (127.0.0.1); the lockout must count the client's own address."""

    def through_proxy(username, password, client_ip):
        return Client().post(
            LOGIN,
            {"username": username, "password": password},
            HTTP_HOST=commune_a.hostname,
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.9, {client_ip}",  # the left entry is the client's own claim
        )

    for n in range(5):
        response = through_proxy(f"khong-co-{n}", "sai", "198.51.100.7")
    assert response.status_code == 429
    assert through_proxy("dongdat.bientap", "dung-mat-khau-2026", "198.51.100.7").status_code == 429
    # The officer behind the same proxy, from another address, still gets in.
    assert through_proxy("dongdat.bientap", "dung-mat-khau-2026", "198.51.100.8").status_code == 302


def test_the_login_page_speaks_vietnamese(client, db):
    body = client.get("/admin/login/", HTTP_HOST="localhost").content.decode()
    assert "Đăng nhập trang quản trị" in body
    assert 'for="id_password"' in body and "Mật khẩu" in body
    assert "Password<" not in body.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize(
    "username, password, message",
    [
        ("", "", "Trường này là bắt buộc."),
        ("dongdat.bientap", "", "Trường này là bắt buộc."),
        ("dongdat.bientap", "sai-mat-khau", "hoặc mật khẩu. Vui lòng thử lại."),
        ("không-có-ai\x00", "x" * 5000, "Không được chứa ký tự rỗng"),
        ("không-có-ai", "x" * 5000, "hoặc mật khẩu. Vui lòng thử lại."),
    ],
)
def test_login_form_refuses_bad_values(commune_a, officer, username, password, message):
    users_before = get_user_model().objects.count()
    client = Client()
    response = try_login(client, commune_a, username, password)
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users_before
