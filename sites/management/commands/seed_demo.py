"""`manage.py seed_demo`: the demo communes, their officers and an operator, ready to try on this machine.

Idempotent: running it again changes nothing. Every demo account uses DEMO_PASSWORD.
`seed_demo --logins` only prints the table of demo logins.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from tqdm import tqdm
from wagtail.models import Site

from sites import importers, services
from sites.management.commands.commune import VietnameseCommand, format_table
from sites.models import Commune, Province
from sites.text import vn_slugify

DEMO_CSV = Path(__file__).resolve().parents[2] / "demo" / "communes.csv"
DEMO_PASSWORD = "xaso-demo-2026"
OPERATOR_USERNAME = "vanhanh"
EMAIL_DOMAIN = "example.vn"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    place: str
    username: str
    site_url: str
    admin_url: str


# --- Who is who ------------------------------------------------------------------


def _label(slug: str) -> str:
    return slug.replace("-", "")


def demo_communes() -> list[Commune]:
    """The demo file's communes that exist, in file order."""
    keys = [(vn_slugify(row.province), vn_slugify(row.name)) for row in importers.read_commune_rows(DEMO_CSV)]
    found = {
        (c.province.slug, c.slug): c
        for c in Commune.objects.select_related("province", "site").filter(
            province__slug__in={p for p, _ in keys}, slug__in={s for _, s in keys}
        )
    }
    return [found[key] for key in keys if key in found]


def commune_account_prefix(commune: Commune, communes: list[Commune]) -> str:
    """Username prefix: dongdat, or tanphu-bacninh when another demo commune has the same slug."""
    repeated = Counter(c.slug for c in communes)[commune.slug] > 1
    prefix = _label(commune.slug)
    return f"{prefix}-{_label(commune.province.slug)}" if repeated else prefix


def commune_usernames(commune: Commune, communes: list[Commune]) -> dict[str, str]:
    prefix = commune_account_prefix(commune, communes)
    return {services.ROLE_EDITOR: f"{prefix}.bientap", services.ROLE_APPROVER: f"{prefix}.pheduyet"}


def province_admin_username(province: Province) -> str:
    return f"quantri.{_label(province.slug)}"


def trainer_username(province: Province) -> str:
    return f"giangvien.{_label(province.slug)}"


def _provinces(communes: list[Commune]) -> list[Province]:
    return list({c.province_id: c.province for c in communes}.values())


def _portal_url() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return site.root_url + "/" if site else ""


# --- Seeding ---------------------------------------------------------------------


def seed_communes() -> importers.ImportReport:
    """Import the demo communes with local hostnames (dongdat.thainguyen.localhost)."""
    return importers.commune_import(importers.read_commune_rows(DEMO_CSV), local_hostnames=True)


def seed_accounts(communes: list[Commune]) -> None:
    """An editor and an approver per commune, an admin per province, and the operator superuser."""
    for commune in communes:
        for role, username in commune_usernames(commune, communes).items():
            services.officer_create(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                role=role,
                commune=commune,
                password=DEMO_PASSWORD,
            )
    for province in _provinces(communes):
        username = province_admin_username(province)
        services.officer_create(
            username=username,
            email=f"{username}@{EMAIL_DOMAIN}",
            role=services.ROLE_PROVINCE_ADMIN,
            province=province,
            password=DEMO_PASSWORD,
        )
        username = trainer_username(province)
        services.officer_create(
            username=username,
            email=f"{username}@{EMAIL_DOMAIN}",
            role=services.ROLE_TRAINER,
            province=province,
            password=DEMO_PASSWORD,
        )
    seed_operator()


def seed_operator():
    """The operator (superuser) account `vanhanh`."""
    User = get_user_model()
    user = User.objects.filter(username=OPERATOR_USERNAME).first()
    if user is None:
        user = User(username=OPERATOR_USERNAME, email=f"{OPERATOR_USERNAME}@{EMAIL_DOMAIN}")
        try:
            validate_password(DEMO_PASSWORD, user)
        except ValidationError as exc:
            raise services.ServiceError("Mật khẩu demo chưa đủ mạnh: " + " ".join(exc.messages)) from None
        return User.objects.create_superuser(OPERATOR_USERNAME, user.email, DEMO_PASSWORD)
    changed = []
    if not (user.is_superuser and user.is_staff and user.is_active):
        user.is_superuser = user.is_staff = user.is_active = True
        changed += ["is_superuser", "is_staff", "is_active"]
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    return user


# --- Logins ----------------------------------------------------------------------


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, with where to use them."""
    communes = demo_communes()
    existing = set(get_user_model().objects.values_list("username", flat=True))
    portal = _portal_url()
    logins = []
    if OPERATOR_USERNAME in existing:
        logins.append(DemoLogin("Vận hành hệ thống", "Toàn hệ thống", OPERATOR_USERNAME, portal, portal + "admin/"))
    for province in _provinces(communes):
        username = province_admin_username(province)
        if username in existing:
            site = province.page.full_url if province.page_id else portal
            logins.append(
                DemoLogin(
                    services.ROLES[services.ROLE_PROVINCE_ADMIN],
                    province.name,
                    username,
                    site or portal,
                    portal + "admin/",
                )
            )
        username = trainer_username(province)
        if username in existing:
            logins.append(
                DemoLogin(services.ROLES[services.ROLE_TRAINER], province.name, username, portal, portal + "admin/")
            )
    for commune in communes:
        for role, username in commune_usernames(commune, communes).items():
            if username in existing:
                place = f"{commune.full_name} ({commune.province.name})"
                logins.append(DemoLogin(services.ROLES[role], place, username, commune.url, commune.url + "admin/"))
    return logins


def print_logins(out) -> None:
    logins = demo_logins()
    if not logins:
        out.write("Chưa có tài khoản demo. Hãy chạy: manage.py seed_demo")
        return
    out.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD})")
    rows = [
        [login.role, login.place, login.username, DEMO_PASSWORD, login.site_url, login.admin_url] for login in logins
    ]
    out.write(format_table(["Vai trò", "Nơi làm việc", "Tài khoản", "Mật khẩu", "Trang web", "Trang quản trị"], rows))


def seed_content(communes: list[Commune], progress_out) -> None:
    """Fill each demo commune with content: every installed app may ship a `demo` module with
    `seed_commune(commune)`, run in INSTALLED_APPS order. Each must be idempotent."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps
    from django.db import transaction

    seeders = []
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo"
        if find_spec(module_name) is not None:
            seeder = getattr(import_module(module_name), "seed_commune", None)
            if seeder is not None:
                seeders.append(seeder)
    if not seeders:
        return
    for commune in tqdm(communes, desc="Nội dung demo", unit="xã", file=progress_out):
        with transaction.atomic():
            for seeder in seeders:
                seeder(commune)


class Command(VietnameseCommand):
    help = (
        "Tạo dữ liệu demo: các xã/phường mẫu với tên miền chạy thử (.localhost), tài khoản cán bộ, "
        f"quản trị tỉnh và vận hành (mật khẩu chung {DEMO_PASSWORD}). Chạy lại không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Chỉ in bảng tài khoản demo, không tạo gì.")

    def handle(self, *args, logins=False, **options):
        try:
            if not logins:
                report = seed_communes()
                self.stdout.write(f"Xã/phường demo: tạo mới {report.created}, đã có sẵn {report.already_present}.")
                seed_accounts(report.communes)
                seed_content(report.communes, self.stderr)
            print_logins(self.stdout)
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from None
