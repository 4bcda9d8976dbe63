"""Two-factor authentication (TOTP, django-otp) for the admin.

Province admins and operators (superusers) must have a confirmed authenticator app and enter its
code after the password before any admin page opens; officers may turn it on from their account
page, and once on it is asked of them at every login too.

The session is "verified" when it carries django-otp's device key (django_otp.login); logging out
flushes the session and with it the verification. TwoFactorMiddleware sends an unverified session
to the setup or verify page. Wrong codes are throttled by django-otp's TOTPDevice (the wait doubles
after each wrong code); the user sees how long to wait.

Recovery: `python manage.py two_factor reset <tên đăng nhập>` (operators) and the "Đặt lại xác thực hai lớp"
button on a commune's officer list (province admins) both call reset(), which removes the user's devices
(reset_devices) and records it in the audit trail.
"""

from __future__ import annotations

import base64
import logging
import re

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.account import BaseSettingsPanel
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import audit
from .tenancy import scope_for_user

logger = logging.getLogger("xaso.security")

TITLE = "Xác thực hai lớp"
DEVICE_NAME = "Ứng dụng xác thực"
# The device being set up in this session: a secret shown to one session is never reused by another.
PENDING_SESSION_KEY = "xaso_two_factor_pending"

# Admin URL names that stay open to a session without the second factor: signing in and out,
# resetting a forgotten password, the 2FA pages themselves and the assets those pages load.
OPEN_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "two_factor_setup",
        "two_factor_verify",
    }
)

MSG_WRONG_CODE = (
    "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực "
    "(mã đổi sau mỗi 30 giây) và kiểm tra đồng hồ của điện thoại."
)
MSG_REQUIRED_CANNOT_DISABLE = (
    "Tài khoản quản trị viên tỉnh và vận hành hệ thống bắt buộc dùng xác thực hai lớp, không tắt được. "
    "Bạn có thể chuyển sang điện thoại khác bằng nút “Đổi sang điện thoại khác”."
)
MSG_AJAX_REFUSED = "Cần xác thực hai lớp trước khi dùng trang quản trị. Hãy tải lại trang."


# --- Who needs what -------------------------------------------------------------------------


def is_required(user) -> bool:
    """Province admins and operators may not use the admin without a second factor."""
    return bool(user.is_authenticated and (user.is_superuser or scope_for_user(user).is_province_admin))


def confirmed_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def users_with_device(user_ids) -> set[int]:
    """Which of these users have a confirmed device (one query, for a list of accounts)."""
    return set(TOTPDevice.objects.filter(user_id__in=list(user_ids), confirmed=True).values_list("user_id", flat=True))


def is_verified(user) -> bool:
    # OTPMiddleware installs user.is_verified(); a user object from elsewhere is not verified.
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def step_needed(user) -> str | None:
    """What stands between this signed-in user and the admin: "verify", "setup" or nothing."""
    if not user.is_authenticated or is_verified(user):
        return None
    if confirmed_device(user) is not None:
        return "verify"
    if is_required(user):
        return "setup"
    return None


# --- Codes ------------------------------------------------------------------------------------


def _wait_text(seconds: float) -> str:
    seconds = max(1, int(seconds + 0.999))
    if seconds < 60:
        return f"{seconds} giây"
    minutes = (seconds + 59) // 60
    if minutes < 60:
        return f"{minutes} phút"
    return f"{(minutes + 59) // 60} giờ"


def throttled_message(device: TOTPDevice) -> str | None:
    """The "wait and try again" message while django-otp refuses to check codes, else None."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    info = info or {}
    locked_until = info.get("locked_until")
    wait = _wait_text((locked_until - timezone.now()).total_seconds()) if locked_until else "một lúc"
    failures = info.get("failure_count")
    told = f"Bạn đã nhập sai mã {failures} lần liên tiếp. " if failures else ""
    return f"{told}Để chống dò mã, hãy chờ {wait} rồi thử lại (mỗi lần sai, thời gian chờ tăng gấp đôi)."


def check_code(device: TOTPDevice, code: str) -> str | None:
    """Check a code against the device (once: a code is never accepted twice). None if right, else the error."""
    refused = throttled_message(device)
    if refused:
        return refused
    accepted = django_otp.verify_token(device.user, device.persistent_id, code)
    if accepted is None:
        device.refresh_from_db()
        if device.throttling_failure_count >= 3:
            return f"{MSG_WRONG_CODE} {throttled_message(device) or ''}".strip()
        return MSG_WRONG_CODE
    return None


def _mark_verified(request, device: TOTPDevice) -> None:
    django_otp.login(request, device)
    # A new session id once the second factor is in: an id seen before it is worth nothing.
    request.session.cycle_key()


# --- Business actions (views, the command and tests call these) --------------------------------


def setup_start(request) -> TOTPDevice:
    """The not-yet-confirmed device this session is setting up (created on first call)."""
    user = request.user
    pending_pk = request.session.get(PENDING_SESSION_KEY)
    device = None
    if pending_pk:
        device = TOTPDevice.objects.filter(pk=pending_pk, user=user, confirmed=False).first()
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        request.session[PENDING_SESSION_KEY] = device.pk
    return device


def setup_confirm(request, device: TOTPDevice, code: str) -> str | None:
    """Confirm the new device with a code from the app; it replaces any earlier one. None or the error."""
    error = check_code(device, code)
    if error:
        return error
    user = request.user
    with transaction.atomic():
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    request.session.pop(PENDING_SESSION_KEY, None)
    _mark_verified(request, device)
    logger.info("two_factor: %s bật xác thực hai lớp (thay %d thiết bị cũ)", user.get_username(), replaced)
    return None


def verify(request, code: str) -> str | None:
    """The second step of a login: the code from the confirmed device. None or the error."""
    device = confirmed_device(request.user)
    if device is None:
        return "Tài khoản chưa thiết lập xác thực hai lớp."
    error = check_code(device, code)
    if error:
        logger.warning("two_factor: %s nhập sai mã xác thực", request.user.get_username())
        return error
    _mark_verified(request, device)
    return None


def disable(request, code: str) -> str | None:
    """An officer turns 2FA off, proving it with a valid code. Required accounts can only replace."""
    user = request.user
    if is_required(user):
        return MSG_REQUIRED_CANNOT_DISABLE
    device = confirmed_device(user)
    if device is None:
        return "Xác thực hai lớp chưa được bật."
    error = check_code(device, code)
    if error:
        return error
    reset_devices(user)
    request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
    logger.info("two_factor: %s tắt xác thực hai lớp", user.get_username())
    return None


def reset_devices(user) -> int:
    """Remove every 2FA device of the user (recovery after a lost phone). Returns how many were removed."""
    removed = 0
    for device in django_otp.devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


def reset(user, *, by=None) -> int:
    """Recovery after a lost phone: remove the user's devices and write the audit entry (by: who did it;
    None from the command line). Returns how many devices were removed; nothing is recorded when none."""
    with transaction.atomic():
        removed = reset_devices(user)
        if removed:
            audit.two_factor_reset(user, removed=removed, by=by)
    by_name = by.get_username() if by is not None else "dòng lệnh"
    logger.warning("two_factor reset: %s, đã xóa %d thiết bị, bởi %s", user.get_username(), removed, by_name)
    return removed


# --- Display helpers ------------------------------------------------------------------------------


def secret_groups(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into the app by hand."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Inline <svg> markup (no image request: nothing for the CSP to allow)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=5, dark="#000", light="#fff", title="Mã QR để thêm tài khoản vào ứng dụng xác thực")


def _next_url(request, default: str | None = None) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("wagtailadmin_home")


# --- Enforcement ------------------------------------------------------------------------------------


def _is_ajax(request) -> bool:
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


class TwoFactorMiddleware:
    """Every admin URL except OPEN_VIEWS needs the second factor when the user has (or must have) one.

    Runs in process_view, before AdminTenancyMiddleware: a session without the second factor
    reaches no admin view at all. Pages get a redirect to the setup or verify page; AJAX gets 403.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith("/admin/"):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        step = step_needed(request.user)
        if step is None:
            return None
        if _is_ajax(request):
            return HttpResponseForbidden(MSG_AJAX_REFUSED, content_type="text/plain; charset=utf-8")
        target = reverse(f"two_factor_{step}")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)


# --- Forms and views -------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Mã xác thực (6 chữ số)",
        max_length=12,
        error_messages={"required": "Hãy nhập mã xác thực.", "max_length": "Mã xác thực chỉ có 6 chữ số."},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "pattern": r"[0-9 ]*",
                "size": 8,
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):  # not \d: it also takes Arabic-Indic and other digits
            raise forms.ValidationError("Mã xác thực gồm đúng 6 chữ số, lấy từ ứng dụng xác thực trên điện thoại.")
        return code


def _code_or_error(request):
    """(code, None) from a valid form, or (None, form with its errors)."""
    form = CodeForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["code"], form
    return None, form


@never_cache
@require_admin_access
def setup_view(request):
    user = request.user
    if confirmed_device(user) is not None and not is_verified(user):
        # Replacing the phone needs the old one first: a password alone must not re-enrol.
        return redirect(reverse("two_factor_verify") + "?" + urlencode({"next": _next_url(request)}))
    device = setup_start(request)
    form = CodeForm()
    if request.method == "POST":
        code, form = _code_or_error(request)
        if code is not None:
            error = setup_confirm(request, device, code)
            if error is None:
                messages.success(
                    request,
                    "Đã bật xác thực hai lớp. Từ nay, mỗi lần đăng nhập hãy nhập thêm mã từ ứng dụng xác thực.",
                )
                return redirect(_next_url(request))
            form.add_error("code", error)
    context = {
        "form": form,
        "qr_svg": qr_svg(device),
        "secret": secret_groups(device),
        "required": is_required(user),
        "replacing": confirmed_device(user) is not None,
        "next": _next_url(request),
        "username": user.get_username(),
        "issuer": getattr(settings, "OTP_TOTP_ISSUER", ""),
    }
    return render(request, "two_factor/setup.html", context)


@never_cache
@require_admin_access
def verify_view(request):
    user = request.user
    if is_verified(user):
        return redirect(_next_url(request))
    if confirmed_device(user) is None:
        if is_required(user):
            return redirect(reverse("two_factor_setup") + "?" + urlencode({"next": _next_url(request)}))
        return redirect(_next_url(request))
    form = CodeForm()
    if request.method == "POST":
        code, form = _code_or_error(request)
        if code is not None:
            error = verify(request, code)
            if error is None:
                return redirect(_next_url(request))
            form.add_error("code", error)
    return render(
        request,
        "two_factor/verify.html",
        {"form": form, "next": _next_url(request), "username": user.get_username()},
    )


class ManageView(WagtailAdminTemplateMixin, TemplateView):
    """The account's 2FA page: status, turn on, change phone, turn off (officers only)."""

    template_name = "two_factor/manage.html"
    page_title = TITLE
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("wagtailadmin_account"), "label": "Tài khoản"},
            {"url": "", "label": TITLE},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = confirmed_device(user)
        required = is_required(user)
        context.update(
            device=device,
            required=required,
            can_disable=device is not None and not required,
            form=kwargs.get("form") or CodeForm(),
            setup_url=reverse("two_factor_setup") + "?" + urlencode({"next": reverse("two_factor_manage")}),
            disable_url=reverse("two_factor_disable"),
        )
        return context


manage_view = never_cache(require_admin_access(ManageView.as_view()))


@never_cache
@require_admin_access
@require_POST
def disable_view(request):
    if is_required(request.user):
        messages.error(request, MSG_REQUIRED_CANNOT_DISABLE)
        return redirect("two_factor_manage")
    code, form = _code_or_error(request)
    if code is not None:
        error = disable(request, code)
        if error is None:
            messages.success(request, "Đã tắt xác thực hai lớp. Lần đăng nhập sau chỉ cần mật khẩu.")
            return redirect("two_factor_manage")
        form.add_error("code", error)
    view = ManageView()
    view.setup(request)
    return view.render_to_response(view.get_context_data(form=form))


urlpatterns = [
    path("", manage_view, name="two_factor_manage"),
    path("thiet-lap/", setup_view, name="two_factor_setup"),
    path("xac-minh/", verify_view, name="two_factor_verify"),
    path("tat/", disable_view, name="two_factor_disable"),
]


# --- Account page ---------------------------------------------------------------------------------


class TwoFactorSettingsPanel(BaseSettingsPanel):
    """A section of "Tài khoản" that says whether 2FA is on and links to its page."""

    name = "two_factor"
    title = TITLE
    order = 600
    template_name = "two_factor/account_panel.html"

    def get_form(self):
        # Wagtail's account view binds and saves each panel's form; this panel has nothing to save.
        return forms.Form(prefix=self.name)

    def get_context_data(self):
        device = confirmed_device(self.user)
        return {
            "device": device,
            "required": is_required(self.user),
            "manage_url": reverse("two_factor_manage"),
        }


@hooks.register("register_account_settings_panel")
def register_two_factor_panel(request, user, profile):
    return TwoFactorSettingsPanel(request, user, profile)
