"""Two-factor authentication (TOTP): required of province admins and operators, optional for officers.

Sessions here sign in through the real login form (password), then meet the 2FA pages; codes are
computed from the device's key with django_otp.oath.totp, as the phone app would.
"""

import base64
import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sites import two_factor
from tests.factories import add_totp_device, make_officer, make_province_admin, make_superuser, totp_code

PASSWORD = "mat-khau-thu-1"
SETUP = "/admin/hai-lop/thiet-lap/"
VERIFY = "/admin/hai-lop/xac-minh/"
MANAGE = "/admin/hai-lop/"
DISABLE = "/admin/hai-lop/tat/"
LOGIN = "/admin/login/"
LOGOUT = "/admin/logout/"


def html(response):
    return response.content.decode()


def sign_in(commune, username, password=PASSWORD):
    """A fresh browser session after the password step of the admin login form."""
    client = Client(HTTP_HOST=commune.hostname)
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, html(response)
    assert "_auth_user_id" in client.session
    return client


def wrong_code(device) -> str:
    """A 6-digit code that none of the accepted time steps (previous, current, next) produces."""
    accepted = {totp_code(device, steps) for steps in (-1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 7919)) if c not in accepted)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def pending_device(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def redirect_target(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


@pytest.fixture
def new_admin(province_a, commune_a):
    """A province admin who has not set up 2FA yet (as after `commune officer --role province-admin`)."""
    return make_province_admin(province_a, username="quantri.moi", totp_device=False)


@pytest.fixture
def officer(commune_a):
    return make_officer(commune_a, "editor", username="dongdat.bientap")


# --- Setup: required for province admins and operators ----------------------------------------------


def test_province_admin_without_a_device_is_sent_to_setup_from_every_admin_page(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    for path in ["/admin/", "/admin/pages/", "/admin/images/", "/admin/account/", "/admin/communes/", MANAGE]:
        target = redirect_target(client.get(path))
        assert target.startswith(SETUP), (path, target)
        assert "next=" in target
    # POSTs are turned away too, and AJAX (choosers, autocomplete) gets 403, not an admin answer.
    assert redirect_target(client.post("/admin/account/", {})).startswith(SETUP)
    chooser = client.get("/admin/choose-page/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert chooser.status_code == 403
    assert "Cần xác thực hai lớp" in chooser.content.decode()
    assert client.get("/admin/api/main/pages/", HTTP_ACCEPT="application/json").status_code == 403
    # The public site, the login's own assets and the password reset page stay open.
    assert client.get("/").status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 200


def test_setup_page_shows_a_qr_code_and_the_secret_in_groups(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    page = client.get(SETUP + "?next=/admin/pages/")
    assert page.status_code == 200
    body = html(page)
    device = pending_device(new_admin)
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'id="khoa-bi-mat"[^>]*>([A-Z2-7 ]+)<', body).group(1)
    assert shown.replace(" ", "") == secret
    assert all(len(group) == 4 for group in shown.split())
    # Inline <svg> markup: no image request, so the admin's content security policy needs no change.
    qr = body.split('id="ma-qr-hai-lop"', 1)[1].split("</div>", 1)[0]
    assert qr.strip().startswith('style="') and "<svg" in qr and "<path" in qr and "<img" not in qr
    assert two_factor.qr_svg(device) in body
    assert f"secret={secret}&" in device.config_url  # what the QR code carries
    assert "issuer=X%C3%A3%20S%E1%BB%91" in device.config_url
    assert "bắt buộc" in body and "Thiết lập xác thực hai lớp" in body
    assert 'name="next" value="/admin/pages/"' in body
    # Reloading keeps the same secret (the phone may have scanned it); another session gets a new one.
    client.get(SETUP)
    assert pending_device(new_admin).key == device.key
    other = sign_in(commune_a, "quantri.moi")
    other.get(SETUP)
    assert pending_device(new_admin).key != device.key


def test_setup_with_a_wrong_code_says_so_and_confirms_nothing(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    client.get(SETUP)
    device = pending_device(new_admin)
    response = client.post(SETUP, {"code": wrong_code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert two_factor.MSG_WRONG_CODE in html(response)
    assert not TOTPDevice.objects.filter(user=new_admin, confirmed=True).exists()
    assert redirect_target(client.get("/admin/")).startswith(SETUP)
    # Not six digits: a form error, and no attempt is spent.
    response = client.post(SETUP, {"code": "12ab"})
    assert "Mã xác thực gồm đúng 6 chữ số" in html(response)
    response = client.post(SETUP, {"code": ""})
    assert "Hãy nhập mã xác thực." in html(response)


def test_setup_with_the_right_code_confirms_verifies_and_opens_the_admin(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    client.get(SETUP)
    device = pending_device(new_admin)
    session_before = client.session.session_key
    response = client.post(SETUP, {"code": totp_code(device), "next": "/admin/pages/"})
    assert redirect_target(response) == "/admin/pages/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != session_before  # a new session id once the second factor is in
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert "Đã bật xác thực hai lớp" in messages_of(dashboard)
    assert client.get(f"/admin/pages/{commune_a.home_page_id}/").status_code == 200


def test_the_same_code_is_not_accepted_twice(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    client.get(SETUP)
    device = pending_device(new_admin)
    code = totp_code(device)
    client.post(SETUP, {"code": code})
    again = sign_in(commune_a, "quantri.moi")
    response = again.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert two_factor.MSG_WRONG_CODE in html(response)


def test_operator_must_set_up_too(commune_a):
    make_superuser("vanhanh.moi", totp_device=False)
    client = sign_in(commune_a, "vanhanh.moi")
    assert redirect_target(client.get("/admin/")).startswith(SETUP)


def test_a_redirect_after_setup_stays_on_this_site(commune_a, new_admin):
    client = sign_in(commune_a, "quantri.moi")
    client.get(SETUP)
    response = client.post(SETUP, {"code": totp_code(pending_device(new_admin)), "next": "https://ke-gian.example/"})
    assert redirect_target(response) == "/admin/"


# --- Verify: every login of an account with a device ------------------------------------------------------


def test_province_admin_with_a_device_enters_the_code_after_the_password(commune_a, province_admin_a):
    device = TOTPDevice.objects.get(user=province_admin_a, confirmed=True)
    client = sign_in(commune_a, province_admin_a.username)
    target = redirect_target(client.get("/admin/pages/"))
    assert target.startswith(VERIFY) and "next=%2Fadmin%2Fpages%2F" in target
    # The setup page cannot be used to enrol another phone with the password alone.
    assert redirect_target(client.get(SETUP)).startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=province_admin_a, confirmed=False).exists()

    page = client.get(target)
    assert page.status_code == 200 and "Xác thực hai lớp" in html(page)
    wrong = client.post(VERIFY, {"code": wrong_code(device), "next": "/admin/pages/"})
    assert wrong.status_code == 200 and two_factor.MSG_WRONG_CODE in html(wrong)
    assert redirect_target(client.get("/admin/")).startswith(VERIFY)

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - datetime.timedelta(1))
    right = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/pages/"})
    assert redirect_target(right) == "/admin/pages/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/communes/").status_code == 200


def test_wrong_codes_are_throttled_and_the_wait_is_shown(commune_a, province_admin_a):
    device = TOTPDevice.objects.get(user=province_admin_a, confirmed=True)
    client = sign_in(commune_a, province_admin_a.username)
    for attempt in range(1, 6):
        response = client.post(VERIFY, {"code": wrong_code(device)})
        assert two_factor.MSG_WRONG_CODE in html(response)
        device.refresh_from_db()
        assert device.throttling_failure_count == attempt
        if attempt < 5:
            # Let the back-off pass, so that each wrong code is really checked and counted.
            TOTPDevice.objects.filter(pk=device.pk).update(
                throttling_failure_timestamp=timezone.now() - datetime.timedelta(hours=1)
            )
    assert "chờ" in html(response)  # after several wrong codes the message says how long to wait

    # Five wrong codes in a row: now even the right code is refused for a while (16 seconds).
    refused = client.post(VERIFY, {"code": totp_code(device)})
    assert refused.status_code == 200
    body = html(refused)
    assert "Bạn đã nhập sai mã 5 lần liên tiếp" in body and "giây" in body
    assert redirect_target(client.get("/admin/")).startswith(VERIFY)
    device.refresh_from_db()
    assert device.throttling_failure_count == 5  # refused attempts are not even checked

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=17)
    )
    assert redirect_target(client.post(VERIFY, {"code": totp_code(device)})) == "/admin/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_logout_clears_the_second_factor(commune_a, province_admin_a):
    device = TOTPDevice.objects.get(user=province_admin_a, confirmed=True)
    client = sign_in(commune_a, province_admin_a.username)
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/admin/").status_code == 200
    client.post(LOGOUT)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert redirect_target(client.get("/admin/")).startswith(LOGIN)
    client.post(LOGIN, {"username": province_admin_a.username, "password": PASSWORD})
    assert redirect_target(client.get("/admin/")).startswith(VERIFY)


def test_verify_page_offers_sign_out(commune_a, province_admin_a):
    client = sign_in(commune_a, province_admin_a.username)
    body = html(client.get(VERIFY))
    assert f'action="{LOGOUT}"' in body and "Đăng xuất" in body
    assert client.post(LOGOUT).status_code == 302
    assert "_auth_user_id" not in client.session


def test_anonymous_visitors_get_the_login_page_not_the_2fa_pages(commune_a):
    client = Client(HTTP_HOST=commune_a.hostname)
    for path in (SETUP, VERIFY, MANAGE):
        assert redirect_target(client.get(path)).startswith(LOGIN)


# --- Officers: optional, then enforced -----------------------------------------------------------------


def test_officers_are_not_forced(commune_a, officer):
    client = sign_in(commune_a, "dongdat.bientap")
    assert client.get("/admin/").status_code == 200
    account = html(client.get("/admin/account/"))
    assert "Xác thực hai lớp" in account and "Chưa bật" in account
    assert MANAGE in account
    manage = html(client.get(MANAGE))
    assert "Bật xác thực hai lớp" in manage
    # Verify sends an officer without a device straight on.
    assert redirect_target(client.get(VERIFY + "?next=/admin/pages/")) == "/admin/pages/"


def test_officer_who_turns_it_on_must_enter_the_code_at_the_next_login(commune_a, officer):
    client = sign_in(commune_a, "dongdat.bientap")
    setup = client.get(SETUP + "?next=" + MANAGE)
    assert "Thiết lập xác thực hai lớp" in html(setup) and "bắt buộc" not in html(setup)
    device = pending_device(officer)
    assert redirect_target(client.post(SETUP, {"code": totp_code(device), "next": MANAGE})) == MANAGE
    manage = html(client.get(MANAGE))
    assert "Đang bật" in manage and "Tắt xác thực hai lớp" in manage
    assert "Đang bật" in html(client.get("/admin/account/"))

    later = sign_in(commune_a, "dongdat.bientap")
    assert redirect_target(later.get("/admin/")).startswith(VERIFY)
    assert redirect_target(later.get(MANAGE)).startswith(VERIFY)
    # The disable action is behind the second factor too: a password alone cannot turn it off.
    assert redirect_target(later.post(DISABLE, {"code": totp_code(device, 1)})).startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert redirect_target(later.post(VERIFY, {"code": totp_code(device, 1)})) == "/admin/"
    assert later.get("/admin/").status_code == 200


def test_officer_turns_it_off_only_with_a_valid_code(commune_a, officer):
    client = sign_in(commune_a, "dongdat.bientap")
    client.get(SETUP)
    device = pending_device(officer)
    client.post(SETUP, {"code": totp_code(device)})

    refused = client.post(DISABLE, {"code": wrong_code(device)})
    assert refused.status_code == 200 and two_factor.MSG_WRONG_CODE in html(refused)
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(DISABLE, {"code": totp_code(device, 1)})
    assert redirect_target(response) == MANAGE
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert "Đã tắt xác thực hai lớp" in messages_of(client.get(MANAGE))
    assert sign_in(commune_a, "dongdat.bientap").get("/admin/").status_code == 200


def test_province_admin_cannot_turn_it_off_only_change_the_phone(commune_a, province_admin_a):
    old = TOTPDevice.objects.get(user=province_admin_a, confirmed=True)
    client = sign_in(commune_a, province_admin_a.username)
    client.post(VERIFY, {"code": totp_code(old)})
    manage = html(client.get(MANAGE))
    assert "không tắt được" in manage and f'action="{DISABLE}"' not in manage
    refused = client.post(DISABLE, {"code": totp_code(old, 1)}, follow=True)
    assert two_factor.MSG_REQUIRED_CANNOT_DISABLE in messages_of(refused)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    # Changing the phone: the old device keeps working until the new one is confirmed.
    setup = html(client.get(SETUP + "?next=" + MANAGE))
    assert "Đổi sang điện thoại khác" in setup
    new = pending_device(province_admin_a)
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()
    assert redirect_target(client.post(SETUP, {"code": totp_code(new), "next": MANAGE})) == MANAGE
    assert list(TOTPDevice.objects.filter(user=province_admin_a).values_list("pk", flat=True)) == [new.pk]
    assert client.get("/admin/").status_code == 200


# --- Tests' own way in -----------------------------------------------------------------------------------


def test_force_login_counts_as_a_completed_second_factor_only_for_a_confirmed_device(
    client, commune_a, province_admin_a, new_admin
):
    client.force_login(province_admin_a)
    assert client.get("/admin/", HTTP_HOST=commune_a.hostname).status_code == 200
    other = Client()
    other.force_login(new_admin)
    assert redirect_target(other.get("/admin/", HTTP_HOST=commune_a.hostname)).startswith(SETUP)


# --- Recovery: the operator's command ------------------------------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("two_factor", *args, stdout=out)
    return out.getvalue()


def test_reset_command_removes_the_devices_so_the_account_sets_up_again(commune_a, province_admin_a):
    assert TOTPDevice.objects.filter(user=province_admin_a).exists()
    out = run_command("reset", province_admin_a.username)
    assert f"Đã đặt lại xác thực hai lớp cho tài khoản {province_admin_a.username} (quản trị viên tỉnh)" in out
    assert "xóa 1 ứng dụng xác thực" in out and "thiết lập lại" in out
    assert re.search(r"lúc \d{2}/\d{2}/\d{4} \d{2}:\d{2}", out)
    assert not TOTPDevice.objects.filter(user=province_admin_a).exists()
    client = sign_in(commune_a, province_admin_a.username)
    assert redirect_target(client.get("/admin/")).startswith(SETUP)

    again = run_command("reset", province_admin_a.username)
    assert "chưa đăng ký ứng dụng xác thực nào" in again


def test_reset_command_for_an_officer_and_for_an_unknown_account(commune_a, officer):
    client = sign_in(commune_a, "dongdat.bientap")
    client.get(SETUP)
    client.post(SETUP, {"code": totp_code(pending_device(officer))})
    out = run_command("reset", "dongdat.bientap")
    assert "(cán bộ xã/phường)" in out and "chỉ cần mật khẩu" in out
    assert sign_in(commune_a, "dongdat.bientap").get("/admin/").status_code == 200
    with pytest.raises(CommandError, match="Không có tài khoản “khong-co-ai”"):
        run_command("reset", "khong-co-ai")


# --- Recovery: a province admin resets an officer's device in the admin --------------------------------


def reset_url(commune, user) -> str:
    return reverse("communes:reset_two_factor", args=[commune.pk, user.pk])


def admin_client(user) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)  # with a confirmed device: the second factor counts as done (conftest)
    return client


def reset_entries(user):
    from wagtail.models import ModelLogEntry

    return ModelLogEntry.objects.filter(action="xaso.two_factor_reset", object_id=str(user.pk))


def test_province_admin_resets_an_officers_two_factor_after_confirming(commune_a, officer, province_admin_a):
    add_totp_device(officer)
    client = admin_client(province_admin_a)
    detail = html(client.get(reverse("communes:detail", args=[commune_a.pk])))
    assert f'id="dat-lai-hai-lop-{officer.pk}"' in detail and reset_url(commune_a, officer) in detail

    confirm = client.get(reset_url(commune_a, officer))
    assert confirm.status_code == 200
    assert "Đặt lại xác thực hai lớp của dongdat.bientap" in html(confirm)
    assert 'id="xac-nhan-dat-lai-hai-lop"' in html(confirm)
    assert TOTPDevice.objects.filter(user=officer).exists()  # the GET changed nothing

    done = client.post(reset_url(commune_a, officer), follow=True)
    assert done.redirect_chain[0][0].endswith(reverse("communes:detail", args=[commune_a.pk]) + "#can-bo")
    assert "Đã đặt lại xác thực hai lớp cho dongdat.bientap: đã xóa 1 ứng dụng xác thực" in messages_of(done)
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = reset_entries(officer).get()
    assert entry.user_id == province_admin_a.pk and entry.data["removed"] == 1
    assert entry.data["scope"] == {f"commune:{commune_a.pk}": True, f"province:{commune_a.province_id}": True}
    assert entry.message == "Đặt lại xác thực hai lớp: xóa 1 ứng dụng xác thực đã đăng ký"
    # The officer signs in with the password alone now, and the button is gone from the list.
    assert sign_in(commune_a, "dongdat.bientap").get("/admin/").status_code == 200
    assert f'id="dat-lai-hai-lop-{officer.pk}"' not in html(client.get(reverse("communes:detail", args=[commune_a.pk])))


def test_officer_without_two_factor_has_no_button_and_nothing_to_reset(commune_a, officer, province_admin_a):
    client = admin_client(province_admin_a)
    assert f'id="dat-lai-hai-lop-{officer.pk}"' not in html(client.get(reverse("communes:detail", args=[commune_a.pk])))
    assert "chưa bật xác thực hai lớp" in html(client.get(reset_url(commune_a, officer)))
    done = client.post(reset_url(commune_a, officer), follow=True)
    assert "chưa bật xác thực hai lớp; không có gì để đặt lại" in messages_of(done)
    assert not reset_entries(officer).exists()


def test_province_admin_cannot_reset_another_provinces_officer(commune_a, commune_b, province_admin_a, editor_b):
    device = add_totp_device(editor_b)
    client = admin_client(province_admin_a)
    for url in (reset_url(commune_b, editor_b), reset_url(commune_a, editor_b)):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not reset_entries(editor_b).exists()


def test_province_admin_cannot_reset_an_operator_or_another_admin(commune_a, province_admin_a):
    operator = make_superuser(username="vanhanh2")
    colleague = make_province_admin(commune_a.province, username="quantri.khac")
    client = admin_client(province_admin_a)
    for account in (operator, colleague):
        # Even slipped into the commune's editors group, they are no officers to reset here.
        account.groups.add(commune_a.editors_group)
        assert client.get(reset_url(commune_a, account)).status_code == 404
        assert client.post(reset_url(commune_a, account)).status_code == 404
        assert TOTPDevice.objects.filter(user=account).exists()
        assert not reset_entries(account).exists()
    detail = html(client.get(reverse("communes:detail", args=[commune_a.pk])))
    assert "dat-lai-hai-lop-" not in detail


def test_officer_cannot_reset_anybody(commune_a, officer, approver_a):
    device = add_totp_device(approver_a)
    add_totp_device(officer)
    client = admin_client(officer)
    for target in (approver_a, officer):
        response = client.post(reset_url(commune_a, target))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.filter(user=officer).exists()
    assert not reset_entries(approver_a).exists() and not reset_entries(officer).exists()


def test_reset_command_records_the_reset_in_the_audit_trail(commune_a, province_admin_a):
    run_command("reset", province_admin_a.username)
    entry = reset_entries(province_admin_a).get()
    assert entry.user_id is None and entry.data["removed"] == 1  # the command line: the system did it
    assert entry.data["scope"] == {f"province:{commune_a.province_id}": True}
