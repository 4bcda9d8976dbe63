"""Every form the project adds, sent bad values through its real URL by the role that uses it.

Each refusal must re-show the form (200) with a Vietnamese error in the page, and write nothing. The forms
are enumerated from the code: every Form class of this repository's apps, every commune-owned snippet and
every per-site setting must be listed in COVERED / SNIPPET_CASES / SETTING_CASES, so a new form fails
test_every_project_form_is_covered until it gets bad-value cases (here or in the test named for it).
"""

from __future__ import annotations

import html as html_lib
import importlib
import json
import pkgutil
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Page, Revision

from pages.consultations.models import ConsultationIndexPage
from pages.guidance.models import DocumentIndexPage
from pages.models import CommuneIdentity, FooterLink
from pages.news.models import NewsCategory, NewsIndexPage
from pages.procedures.admin_views import catalogue_url
from pages.procedures.importing import FLAT_COLUMNS
from pages.procedures.models import CommuneProcedure, Procedure
from pages.site_content import Banner, MenuItem, NavigationSettings, Notice
from pages.videos.models import VideoIndexPage
from sites.models import Commune, FormerUnit, Province
from sites.snippets import COMMUNE_OWNED_MODELS
from tests.conftest import clear_cache
from tests.factories import CommuneFactory, ProvinceFactory, make_officer, make_province_admin
from tests.factories_pages import BannerFactory, NoticeFactory, make_image
from tests.factories_procedures import add_catalogue_procedure
from tests.test_bad_input_cli import ENGLISH, VIETNAMESE
from tests.test_procedures_admin import birth_record, procedure_form_data
from tests.test_tthc_import import BIRTH_ROW, csv_text

pytestmark = pytest.mark.django_db  # also makes pytest-django set up the test database before `world`

User = get_user_model()
PROJECT_PACKAGES = {"sites", "pages", "media", "cms", "training", "oversight"}

JAVASCRIPT_URL = "javascript:alert(document.cookie)"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"

# --- The forms of the project, and which test sends each of them bad values ------------------------

# Form class -> the test (here, or "tests/<file>.py::<test>") that posts bad values through its real URL.
COVERED = {
    "sites.admin_views.CommuneCreateForm": "test_commune_create_form_refuses_bad_values",
    "sites.admin_views.OfficerForm": "test_officer_form_refuses_bad_values",
    "sites.two_factor.CodeForm": "test_two_factor_code_forms_refuse_bad_codes",
    "sites.snippets.CommuneOwnedForm": "test_commune_snippet_forms_refuse_bad_values",
    "pages.site_content.CommuneContentForm": "test_commune_snippet_forms_refuse_bad_values",
    "pages.procedures.models.CommuneProcedureForm": "test_commune_snippet_forms_refuse_bad_values",
    "pages.procedures.forms.CommuneProcedureAdminForm": "test_commune_snippet_forms_refuse_bad_values",
    "pages.procedures.forms.ProcedureForm": "test_catalogue_procedure_form_refuses_bad_values",
    "pages.procedures.forms.CatalogueImportForm": "test_catalogue_import_form_refuses_bad_files",
    "pages.procedures.forms.EnsureAllForm": "test_add_all_procedures_form_refuses_a_commune_not_managed",
    "pages.procedures.forms.ProcedureChooserFilterForm": "test_public_and_chooser_search_forms_survive_bad_values",
    "pages.guidance.forms.DocumentFilterForm": "test_public_and_chooser_search_forms_survive_bad_values",
    "pages.news.models.ArticlePageForm": "test_page_forms_refuse_bad_values",
    "pages.videos.models.VideoPageForm": "test_page_forms_refuse_bad_values",
    "pages.guidance.models.GuidingDocumentForm": "test_page_forms_refuse_bad_values",
    "media.forms.SafeImageForm": "tests/test_uploads.py::test_hostile_images_are_refused",
    "media.forms.SafeDocumentForm": "tests/test_uploads.py::test_hostile_documents_are_refused",
    "media.forms.SafeMediaForm": "tests/test_uploads.py::test_hostile_videos_are_refused",
    "sites.forms.LoginForm": "tests/test_login.py::test_login_form_refuses_bad_values",
    "training.admin_views.WorkshopCreateForm": (
        "tests/test_training_admin.py::test_create_form_errors_are_vietnamese_and_nothing_is_written"
    ),
    "training.admin_views.ExercisesForm": (
        "tests/test_training_admin.py::test_exercises_are_reordered_removed_and_added"
    ),
    "training.admin_views.AddSeatsForm": "tests/test_training_admin.py::test_add_seats",
    "pages.province_content.admin_views.ProvinceAlertForm": (
        "tests/test_province_content.py::test_alert_form_refuses_bad_values"
    ),
    "oversight.admin_views.PeriodForm": "tests/test_oversight.py::test_period_form_refuses_bad_values",
    "pages.disclosures.models.DisclosurePageForm": "tests/test_disclosures.py::test_disclosure_form_refuses_bad_values",
    "pages.disclosures.forms.ArchiveFilterForm": "tests/test_disclosures.py::test_archive_filter_survives_bad_values",
    "pages.disclosures.forms.EarlyRemovalForm": (
        "tests/test_disclosures.py::test_approver_must_give_a_reason_before_unpublishing_early"
    ),
    "pages.disclosures.admin_views.PublicHolidayForm": (
        "tests/test_disclosures.py::test_holiday_form_refuses_bad_values"
    ),
    "pages.consultations.forms.CommentForm": "tests/test_consultations.py::test_comment_form_refuses_bad_values",
    "pages.consultations.forms.CommentReviewForm": "tests/test_consultations.py::test_review_form_refuses_bad_values",
    "pages.feedback.forms.RatingForm": "tests/test_feedback.py::test_rating_form_refuses_bad_values",
    "pages.feedback.forms.SatisfactionPeriodForm": (
        "tests/test_feedback.py::test_satisfaction_period_form_refuses_bad_values"
    ),
}


def _import_project_modules() -> None:
    """Import every module of this repository's apps, so each Form subclass is defined."""
    for app in apps.get_app_configs():
        if app.name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        package = importlib.import_module(app.name)
        for info in pkgutil.walk_packages(package.__path__, app.name + "."):
            if ".migrations" not in info.name and ".management" not in info.name:
                importlib.import_module(info.name)


def project_form_classes() -> set[str]:
    _import_project_modules()
    seen, stack = set(), [forms.BaseForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return {f"{c.__module__}.{c.__qualname__}" for c in seen if c.__module__.split(".")[0] in PROJECT_PACKAGES}


def _test_exists(reference: str) -> bool:
    if "::" in reference:
        path, name = reference.split("::")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        return callable(getattr(module, name, None))
    return callable(globals().get(reference))


def test_every_project_form_is_covered():
    found = project_form_classes()
    assert "sites.admin_views.OfficerForm" in found  # the walk reaches the project's modules
    missing = sorted(found - set(COVERED))
    assert not missing, f"forms without a bad-value test (add them to COVERED with their test): {missing}"
    assert not sorted(set(COVERED) - found), "COVERED names forms that no longer exist"
    assert all(_test_exists(test) for test in COVERED.values()), [t for t in COVERED.values() if not _test_exists(t)]
    snippets = {model._meta.label_lower for model in COMMUNE_OWNED_MODELS if hasattr(model, "snippet_viewset")}
    assert snippets == set(SNIPPET_CASES), f"commune snippets without bad-value cases: {snippets ^ set(SNIPPET_CASES)}"
    site_settings = {m._meta.label_lower for m in settings_registry if issubclass(m, BaseSiteSetting)}
    assert site_settings == set(SETTING_CASES), f"site settings without bad-value cases: {site_settings}"


# --- The world ---------------------------------------------------------------------------------------


class World(dict):
    __getattr__ = dict.__getitem__


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two provinces, their communes, officers, a catalogue, images, a category; rolled back at the end."""
    var_dir = tmp_path_factory.mktemp("var")
    with django_db_blocker.unblock(), transaction.atomic():
        clear_cache()
        province_a = ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")
        province_b = ProvinceFactory(name="Quảng Ngãi", domain="quangngai.gov.vn")
        commune_a = CommuneFactory(province=province_a, name="Động Đạt")
        commune_a2 = CommuneFactory(province=province_a, name="Phú Lương")
        commune_b = CommuneFactory(province=province_b, name="Tân Phú")
        record = birth_record()
        procedure = add_catalogue_procedure(
            province_a, record["name"], record["code"], methods=record["methods"], steps=record["steps"][0]["steps"]
        )
        w = World(
            province_a=province_a,
            province_b=province_b,
            commune_a=commune_a,
            commune_a2=commune_a2,
            commune_b=commune_b,
            editor_a=make_officer(commune_a, "editor", username="bientap.a"),
            approver_a=make_officer(commune_a, "approver", username="pheduyet.a"),
            editor_b=make_officer(commune_b, "editor", username="bientap.b"),
            province_admin_a=make_province_admin(province_a, username="quantri.thainguyen"),
            procedure=procedure,
            image_a=make_image(commune_a, title="Ảnh của Động Đạt"),
            image_b=make_image(commune_b, title="Ảnh của Tân Phú"),
            category_a=NewsCategory.objects.create(commune=commune_a, name="Tin hoạt động"),
            category_b=NewsCategory.objects.create(commune=commune_b, name="Tin của Tân Phú"),
            banner_a=BannerFactory(commune=commune_a, alt_text="Chào mừng năm mới"),
            notice_a=NoticeFactory(commune=commune_a, title="Cảnh báo mưa lũ"),
            var_dir=var_dir,
        )
        w["entry_a"] = CommuneProcedure.objects.get(commune=commune_a, procedure=procedure)
        for commune in (commune_a, commune_a2, commune_b):
            # Wagtail creates a site's settings rows on first read (public pages, the edit form's GET):
            # made here, so "nothing written" means nothing the bad submission wrote.
            CommuneIdentity.for_site(commune.site)
            NavigationSettings.for_site(commune.site)
        yield w
        transaction.set_rollback(True)
    clear_cache()


@pytest.fixture(autouse=True)
def _private_var_dir(request, settings):
    if "world" in request.fixturenames:
        settings.VAR_DIR = request.getfixturevalue("world").var_dir  # the catalogue import keeps uploads there


def client_for(user, commune) -> Client:
    client = Client(HTTP_HOST=commune.hostname)
    client.force_login(user)
    return client


# --- What "nothing written" means ----------------------------------------------------------------------


def _rows(model, *fields):
    return list(model.objects.order_by("pk").values_list(*fields))


def snapshot() -> dict:
    return {
        "provinces": _rows(Province, "pk", "name", "domain"),
        "communes": _rows(Commune, "pk", "name", "code", "hostname", "status"),
        "former_units": _rows(FormerUnit, "pk", "name"),
        "users": _rows(User, "pk", "username", "email", "password", "is_active"),
        "memberships": _rows(User.groups.through, "user_id", "group_id"),
        "devices": _rows(TOTPDevice, "pk", "user_id", "confirmed", "key"),
        "banners": _rows(Banner, "pk", "alt_text", "link_url", "starts_at", "ends_at", "sort_order", "image_id"),
        "notices": _rows(Notice, "pk", "title", "text", "link_url", "starts_at", "expires_at"),
        "categories": _rows(NewsCategory, "pk", "name", "sort_order"),
        "commune_procedures": _rows(CommuneProcedure, "pk", "procedure_id", "officer_name", "officer_phone"),
        "procedures": _rows(Procedure, "pk", "code", "name", "field", "status", "modified_at"),
        "identities": _rows(CommuneIdentity, "pk", "agency_name", "phone", "email", "primary_color", "zalo_url"),
        "footer_links": _rows(FooterLink, "pk", "label", "link_url"),
        "menus": _rows(NavigationSettings, "pk"),
        "menu_items": _rows(MenuItem, "pk", "label", "link_url", "link_page_id"),
        "pages": _rows(Page, "pk", "title", "slug", "latest_revision_id", "live"),
        "revisions": _rows(Revision, "pk"),
    }


# --- Reading the answer -----------------------------------------------------------------------------


def html(response) -> str:
    return response.content.decode()


def _messages(error) -> list[str]:
    """The messages a person reads: a StreamField's errors travel as JSON to the block editor, so read
    them there rather than Wagtail's internal summary ("Validation error in StreamBlock")."""
    if hasattr(error, "as_json_data"):
        found = []

        def walk(node):
            if isinstance(node, dict):
                found.extend(str(m) for m in node.get("messages", []))
                for key, value in node.items():
                    if key != "messages":
                        walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(error.as_json_data())
        return found
    return [str(message) for message in error.messages]


def _errors_of(form) -> list[str]:
    found = [m for errors in form.errors.as_data().values() for e in errors for m in _messages(e)]
    for formset in getattr(form, "formsets", {}).values():
        found += _errors_of_formset(formset)
    return found


def _errors_of_formset(formset) -> list[str]:
    found = [str(e) for e in formset.non_form_errors()]
    for form in formset.forms:
        found += _errors_of(form)
    return found


def shown_errors(response) -> list[str]:
    """Every error of every form in the page's context (fields, formsets, the whole form), and the
    importer's error lines."""
    found = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                found += _errors_of(value)
            elif isinstance(value, BaseFormSet) and value.is_bound:
                found += _errors_of_formset(value)
    if response.context and "errors" in response.context and isinstance(response.context["errors"], list):
        found += [str(e) for e in response.context["errors"]]
    return list(dict.fromkeys(found))


def assert_vietnamese(text: str) -> None:
    assert VIETNAMESE.search(text), f"not Vietnamese: {text!r}"
    assert not [w for w in ENGLISH if w in text], f"English in: {text!r}"


def assert_refused(response, before, *says):
    """200, the form shown again, every error Vietnamese and in the page, the expected ones among them,
    and the database as it was."""
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    page = html_lib.unescape(html(response))
    assert "<form" in page
    errors = shown_errors(response)
    assert errors, "no error shown"
    for error in errors:
        assert_vietnamese(error)
        shown = error in page or json.dumps(error)[1:-1] in page  # block errors are JSON in an attribute
        assert shown, f"error not in the page: {error!r}"
    text = " ".join(errors)
    for fragment in says:
        assert fragment in text, f"{fragment!r} not among the errors: {errors}"
    assert_unchanged(before)


def assert_unchanged(before: dict) -> None:
    after = snapshot()
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert not changed, f"written: {changed}"


def form_fields(response, action: str | None = None) -> dict[str, list[str]]:
    """What the browser would submit from the page's main POST form, untouched."""
    soup = BeautifulSoup(html(response), "html.parser")
    candidates = [f for f in soup.find_all("form") if (f.get("method") or "").lower() == "post"]
    if action is not None:
        candidates = [f for f in candidates if f.get("action", "").split("?")[0] == action] or candidates
    form = max(candidates, key=lambda f: len(f.find_all(["input", "select", "textarea"])))
    data: dict[str, list[str]] = {}
    for block in form.find_all(attrs={"data-controller": "w-block"}):
        data[f"{block['id']}-count"] = ["0"]  # an empty StreamField, as the block editor's script would send
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            data.setdefault(name, []).append(field.get_text())
        elif field.name == "select":
            options = field.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or (
                [] if field.has_attr("multiple") else options[:1]
            )
            data.setdefault(name, []).extend(o.get("value", o.get_text()) for o in chosen)
        else:
            kind = (field.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio") and not field.has_attr("checked"):
                continue
            data.setdefault(name, []).append(field.get("value", "on" if kind in ("checkbox", "radio") else ""))
    return data


def fill(value, values: dict) -> str:
    """Put the world's ids in "{name}" placeholders (other braces, as in markup, stay as they are)."""
    value = str(value)
    for name, replacement in values.items():
        value = value.replace("{" + name + "}", str(replacement))
    return value


def post_form(client, url, changes: dict, *, action=None, follow=False):
    """GET the form, change some fields, POST it as a browser would."""
    data = form_fields(client.get(url), action or url)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return client.post(action or url, data, follow=follow)


# --- Province admins: communes and officers -------------------------------------------------------------


LONG = "Phú " * 30  # 120 characters


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"name": LONG}, ["tối đa 100 kí tự"]),
        ({"code": "12345678901"}, ["tối đa 10 kí tự"]),
        ({"hostname": ("a" * 60 + ".") * 5 + "gov.vn"}, ["tối đa 253 kí tự"]),
        ({"former_units": "Xã " + "Yên Ninh " * 20}, ["Tên đơn vị cũ", "dài quá 150 ký tự"]),
        ({"former_units": "Xã Yên\x00Ninh"}, ["ký tự rỗng"]),
        ({"province": "{province_b}"}, ["Bạn không được tạo xã/phường ở tỉnh/thành phố này."]),
        ({"province": "khong-phai-so"}, ["Bạn không được tạo xã/phường ở tỉnh/thành phố này."]),
        ({"name": "", "kind": ""}, ["Hãy nhập tên xã/phường.", "Hãy chọn loại đơn vị."]),
    ],
    ids=[
        "name-too-long",
        "code-too-long",
        "hostname-too-long",
        "former-too-long",
        "former-nul",
        "other-province",
        "province-not-a-number",
        "empty",
    ],
)
def test_commune_create_form_refuses_bad_values(world, changes, says):
    client = client_for(world.province_admin_a, world.commune_a)
    data = {"province": str(world.province_a.pk), "name": "Văn Hán", "kind": "xã", "code": "", "hostname": ""}
    data["former_units"] = ""
    data.update({k: fill(v, {"province_b": world.province_b.pk}) for k, v in changes.items()})
    before = snapshot()
    response = client.post(reverse("communes:add"), data)
    assert_refused(response, before, *says)
    assert "Chưa tạo được xã/phường, hãy sửa các lỗi bên dưới." in html(response)


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"username": "", "email": "", "role": ""}, ["Hãy nhập tên đăng nhập.", "Hãy nhập địa chỉ thư điện tử."]),
        ({"username": "a" * 151}, ["tối đa 150 kí tự"]),
        ({"email": "a" * 250 + "@x.vn"}, ["tối đa 254 kí tự"]),
        ({"email": "nguyenvana@"}, ["“nguyenvana@” không hợp lệ"]),
        ({"username": "pheduyet.a", "role": "approver"}, ["đã là Lãnh đạo phê duyệt của Xã Động Đạt"]),
        ({"username": "bientap.b"}, ["“bientap.b” đã được dùng cho một tài khoản khác"]),
        ({"username": "nguyen\x00van"}, ["ký tự rỗng"]),
        ({"password": "12345678901"}, ["Mật khẩu chưa đủ mạnh"]),
    ],
    ids=[
        "empty",
        "username-too-long",
        "email-too-long",
        "email-bad",
        "duplicate-role",
        "someone-elses-username",
        "username-nul",
        "numeric-password",
    ],
)
def test_officer_form_refuses_bad_values(world, changes, says):
    client = client_for(world.province_admin_a, world.commune_a)
    data = {"username": "nguyenvana.dongdat", "email": "a@dongdat.vn", "role": "editor", "password": ""}
    data.update(changes)
    before = snapshot()
    response = client.post(
        reverse("communes:add_officer", args=[world.commune_a.pk]), {f"officer-{k}": v for k, v in data.items()}
    )
    assert_refused(response, before, *says)
    assert "Chưa thêm được cán bộ, hãy sửa các lỗi bên dưới." in html(response)


# --- Commune snippets (officers) ---------------------------------------------------------------------------


def _dt(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime(settings.WAGTAIL_DATETIME_FORMAT)


# model label -> [(id, changes, expected error fragments)]; changes are applied to the add form's fields
# ("{image_b}", "{page_b}", … name the world's objects).
SNIPPET_CASES = {
    "pages.banner": [
        ("empty", {"alt_text": "", "image": ""}, ["Trường này là bắt buộc."]),
        ("alt-too-long", {"alt_text": "Chào mừng " * 30, "image": "{image_a}"}, ["tối đa 250 kí tự"]),
        ("javascript-url", {"alt_text": "A", "image": "{image_a}", "link_url": JAVASCRIPT_URL}, ["URL hợp lệ"]),
        (
            "ends-before-start",
            {"alt_text": "A", "image": "{image_a}", "starts_at": _dt(5), "ends_at": _dt(1)},
            ["Thời điểm kết thúc phải sau thời điểm bắt đầu."],
        ),
        ("malformed-date", {"alt_text": "A", "image": "{image_a}", "starts_at": "31/02/2026 08:00"}, ["hợp lệ"]),
        ("negative-order", {"alt_text": "A", "image": "{image_a}", "sort_order": "-1"}, ["0"]),
        ("order-not-whole", {"alt_text": "A", "image": "{image_a}", "sort_order": "1,5"}, ["Nhập một số"]),
        ("image-of-another-commune", {"alt_text": "A", "image": "{image_b}"}, ["ảnh"]),
        ("page-of-another-commune", {"alt_text": "A", "image": "{image_a}", "link_page": "{page_b}"}, ["trang"]),
    ],
    "pages.notice": [
        ("empty", {"title": "", "expires_at": ""}, ["Trường này là bắt buộc."]),
        ("title-too-long", {"title": "Cảnh báo " * 20, "expires_at": _dt(1)}, ["tối đa 150 kí tự"]),
        ("text-too-long", {"title": "A", "text": "Mưa lũ " * 80, "expires_at": _dt(1)}, ["tối đa 500 kí tự"]),
        ("javascript-url", {"title": "A", "link_url": JAVASCRIPT_URL, "expires_at": _dt(1)}, ["URL hợp lệ"]),
        (
            "data-url",
            {"title": "A", "link_url": "data:text/html,<script>1</script>", "expires_at": _dt(1)},
            ["URL hợp lệ"],
        ),
        (
            "expires-before-start",
            {"title": "A", "starts_at": _dt(3), "expires_at": _dt(1)},
            ["Thời điểm hết hạn phải sau thời điểm bắt đầu hiện."],
        ),
        ("malformed-date", {"title": "A", "expires_at": "2026-13-45 25:61"}, ["hợp lệ"]),
    ],
    "news.newscategory": [
        ("empty", {"name": ""}, ["Trường này là bắt buộc."]),
        ("name-too-long", {"name": "Tin hoạt động " * 10}, ["tối đa 100 kí tự"]),
        ("order-not-a-number", {"name": "Tin mới", "sort_order": "một"}, ["số"]),
        ("duplicate-name", {"name": "tin hoạt động"}, ["Xã/phường đã có mục tin “tin hoạt động”"]),
    ],
    "procedures.communeprocedure": [
        ("no-procedure", {"procedure": ""}, ["Hãy chọn một thủ tục trong danh mục."]),
        ("procedure-of-another-province", {"procedure": "{procedure_b}"}, ["không có trong danh mục của tỉnh"]),
        ("procedure-already-listed", {"procedure": "{procedure}"}, ["không có trong danh mục của tỉnh"]),
        ("officer-name-too-long", {"procedure": "{procedure_new}", "officer_name": "Nguyễn Văn A " * 15}, ["150"]),
        ("phone-letters", {"procedure": "{procedure_new}", "officer_phone": "gọi cho tôi"}, ["Số điện thoại"]),
        ("phone-too-long", {"procedure": "{procedure_new}", "officer_phone": "0912 345 678 " * 3}, ["30"]),
    ],
}


def _values(world, extra) -> dict:
    values = {
        "image_a": world.image_a.pk,
        "image_b": world.image_b.pk,
        "page_b": world.commune_b.home_page_id,
        "procedure": world.procedure.pk,
        "procedure_b": extra.get("procedure_b", ""),
        "procedure_new": extra.get("procedure_new", ""),
    }
    return values


def _snippet_params():
    for label, cases in SNIPPET_CASES.items():
        for case_id, changes, says in cases:
            yield pytest.param(label, changes, says, id=f"{label}-{case_id}")


@pytest.mark.parametrize("label, changes, says", list(_snippet_params()))
def test_commune_snippet_forms_refuse_bad_values(world, label, changes, says):
    model = apps.get_model(label)
    extra = {}
    if label == "procedures.communeprocedure":
        extra["procedure_b"] = add_catalogue_procedure(world.province_b, "Đăng ký kết hôn", "1.000894").pk
        extra["procedure_new"] = add_catalogue_procedure(world.province_a, "Đăng ký kết hôn", "1.000894").pk
        CommuneProcedure.objects.filter(procedure_id=extra["procedure_new"]).delete()  # not listed yet
    values = _values(world, extra)
    client = client_for(world.editor_a, world.commune_a)
    url = reverse(model.snippet_viewset.get_url_name("add"))
    before = snapshot()
    response = post_form(client, url, {k: fill(v, values) for k, v in changes.items()})
    assert_refused(response, before, *says)


def test_commune_snippet_edit_forms_refuse_bad_values_and_keep_the_row(world):
    client = client_for(world.approver_a, world.commune_a)
    before = snapshot()
    for obj, changes, says in (
        (world.banner_a, {"link_url": JAVASCRIPT_URL}, "URL hợp lệ"),
        (world.notice_a, {"expires_at": _dt(-30)}, "Thời điểm hết hạn phải sau thời điểm bắt đầu hiện."),
        (world.entry_a, {"officer_phone": "abc"}, "Số điện thoại"),
    ):
        url = reverse(type(obj).snippet_viewset.get_url_name("edit"), args=[obj.pk])
        assert_refused(post_form(client, url, changes), before, says)


# --- Per-site settings: footer/identity and the main menu ---------------------------------------------


SETTING_CASES = {
    "pages.communeidentity": [
        ("colour-word", {"primary_color": "red"}, ["#RRGGBB"]),
        ("colour-too-light", {"primary_color": "#ffff00"}, ["quá sáng"]),
        ("colour-script", {"primary_color": "#a50e0e;}</style><script>"}, ["tối đa 7 kí tự"]),
        ("email-bad", {"email": "ubnd@"}, ["Nhập địa chỉ email."]),
        ("zalo-javascript", {"zalo_url": JAVASCRIPT_URL}, ["URL hợp lệ"]),
        ("facebook-ftp", {"facebook_url": "ftp://facebook.com/ubnd"}, ["URL hợp lệ"]),
        ("phone-letters", {"phone": "không có"}, ["Số điện thoại"]),
        ("agency-too-long", {"agency_name": "Ủy ban nhân dân " * 20}, ["tối đa 200 kí tự"]),
        (
            "footer-link-javascript",
            {
                "footer_links-TOTAL_FORMS": "1",
                "footer_links-0-label": "Cổng tỉnh",
                "footer_links-0-link_url": JAVASCRIPT_URL,
                "footer_links-0-ORDER": "1",
            },
            ["URL hợp lệ"],
        ),
        (
            "footer-link-nowhere",
            {"footer_links-TOTAL_FORMS": "1", "footer_links-0-label": "Cổng tỉnh", "footer_links-0-ORDER": "1"},
            ["Hãy chọn một trang hoặc nhập một địa chỉ web."],
        ),
    ],
    "pages.navigationsettings": [
        (
            "label-empty",
            {
                "menu_items-TOTAL_FORMS": "1",
                "menu_items-0-link_url": "https://dichvucong.gov.vn",
                "menu_items-0-ORDER": "1",
            },
            ["Trường này là bắt buộc."],
        ),
        (
            "label-too-long",
            {
                "menu_items-TOTAL_FORMS": "1",
                "menu_items-0-label": "Dịch vụ công " * 6,
                "menu_items-0-link_url": "https://dichvucong.gov.vn",
                "menu_items-0-ORDER": "1",
            },
            ["tối đa 60 kí tự"],
        ),
        (
            "javascript-url",
            {
                "menu_items-TOTAL_FORMS": "1",
                "menu_items-0-label": "Dịch vụ công",
                "menu_items-0-link_url": JAVASCRIPT_URL,
                "menu_items-0-ORDER": "1",
            },
            ["URL hợp lệ"],
        ),
        (
            "page-and-url",
            {
                "menu_items-TOTAL_FORMS": "1",
                "menu_items-0-label": "Trang chủ",
                "menu_items-0-link_page": "{page_a}",
                "menu_items-0-link_url": "https://dichvucong.gov.vn",
                "menu_items-0-ORDER": "1",
            },
            ["Chỉ chọn một trang hoặc nhập một địa chỉ web, không cả hai."],
        ),
        (
            "page-of-another-commune",
            {
                "menu_items-TOTAL_FORMS": "1",
                "menu_items-0-label": "Trang khác",
                "menu_items-0-link_page": "{page_b}",
                "menu_items-0-ORDER": "1",
            },
            ["Không chọn được nội dung của xã/phường khác."],
        ),
    ],
}


def _setting_params():
    for label, cases in SETTING_CASES.items():
        for case_id, changes, says in cases:
            yield pytest.param(label, changes, says, id=f"{label}-{case_id}")


@pytest.mark.parametrize("label, changes, says", list(_setting_params()))
def test_site_setting_forms_refuse_bad_values(world, label, changes, says):
    app_label, model_name = label.split(".")
    url = reverse("wagtailsettings:edit", args=[app_label, model_name, world.commune_a.site_id])
    values = {"page_a": world.commune_a.home_page_id, "page_b": world.commune_b.home_page_id}
    client = client_for(world.editor_a, world.commune_a)
    before = snapshot()
    response = post_form(client, url, {k: fill(v, values) for k, v in changes.items()})
    assert_refused(response, before, *says)


# --- The procedure catalogue (province admins) -----------------------------------------------------------


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"code": "1.001193"}, ["đã có trong danh mục của Thái Nguyên"]),
        ({"code": "1.0011933 OR 1=1"}, ["Mã thủ tục không đúng định dạng"]),
        ({"name": "", "field": ""}, ["Hãy nhập tên thủ tục.", "Hãy nhập lĩnh vực"]),
        ({"name": "Đăng ký " * 70}, ["tối đa 500 kí tự"]),
        ({"field": "Hộ tịch " * 30}, ["tối đa 200 kí tự"]),
        ({"updated_on": "31/02/2026"}, ["ngày hợp lệ"]),
        ({"status": "deleted"}, ["deleted"]),
        ({"methods-0-value-fees-0-value-amount": "-5000"}, ["0"]),
        ({"methods-0-value-time": "một ngày"}, ["số"]),
        ({"dossier-0-value-papers-0-value-form_url": JAVASCRIPT_URL}, ["URL"]),
    ],
    ids=[
        "duplicate-code",
        "code-injection",
        "empty",
        "name-too-long",
        "field-too-long",
        "malformed-date",
        "unknown-status",
        "negative-fee",
        "time-words",
        "form-url-javascript",
    ],
)
def test_catalogue_procedure_form_refuses_bad_values(world, changes, says):
    record = birth_record(name="Đăng ký khai sinh lưu động", code="1.009999")
    client = client_for(world.province_admin_a, world.commune_a)
    before = snapshot()
    data = procedure_form_data(record)
    data.update(changes)
    response = client.post(catalogue_url("add"), data)
    assert_refused(response, before, *says)


def test_catalogue_procedure_edit_form_refuses_bad_values_and_keeps_the_procedure(world):
    client = client_for(world.province_admin_a, world.commune_a)
    before = snapshot()
    url = catalogue_url("edit", world.procedure.pk)
    response = post_form(client, url, {"name": "", "updated_on": "32/01/2026"})
    assert_refused(response, before, "Hãy nhập tên thủ tục.", "ngày hợp lệ")


def _catalogue_csv(**changes) -> bytes:
    row = {**BIRTH_ROW, "maThuTuc": "1.009999", **changes}
    return csv_text(list(FLAT_COLUMNS), [[row.get(c, "") for c in FLAT_COLUMNS]]).encode("utf-8")


@pytest.mark.parametrize(
    "upload, says",
    [
        (None, ["Hãy chọn tệp cần nhập."]),
        (("danh-muc.json", b""), ["Tệp tải lên không có nội dung."]),
        (("danh-muc.json", HTML), ["“danh-muc.json”"]),
        (("danh-muc.xlsx", HTML), ["“danh-muc.xlsx”"]),
        (("danh-muc.xlsx", bytes(range(256)) * 8), ["“danh-muc.xlsx”", "UTF-8"]),
        (("danh-muc.csv", b"maThuTuc,tenThuTuc\n1.001193,Khai sinh\n"), ["thiếu cột bắt buộc"]),
        (("danh-muc.csv", _catalogue_csv(ngayCapNhat="31/02/2025")), ["Dòng 2", "“31/02/2025”"]),
        (("danh-muc.csv", _catalogue_csv(maThuTuc="KS-01")), ["Dòng 2", "“KS-01”"]),
    ],
    ids=[
        "no-file",
        "empty",
        "html-named-json",
        "html-named-xlsx",
        "binary-junk",
        "missing-column",
        "bad-date",
        "bad-code",
    ],
)
def test_catalogue_import_form_refuses_bad_files(world, upload, says):
    client = client_for(world.province_admin_a, world.commune_a)
    data = {}
    if upload is not None:
        data["file"] = SimpleUploadedFile(upload[0], upload[1])
    before = snapshot()
    response = client.post(catalogue_url("import"), data, follow=True)
    assert_refused(response, before, *says)
    imports = world.var_dir / "imports"
    assert not imports.exists() or not any(imports.iterdir())  # no upload kept for a preview


def test_add_all_procedures_form_refuses_a_commune_not_managed(world):
    client = client_for(world.province_admin_a, world.commune_a)
    url = reverse(CommuneProcedure.snippet_viewset.get_url_name("add_all"))
    before = snapshot()
    for commune, says in ((world.commune_b.pk, "Bạn không quản lý xã/phường này."), ("", "Hãy chọn xã/phường.")):
        assert_refused(client.post(url, {"commune": commune}), before, says)


# --- Two-factor codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, says",
    [
        ("", "Hãy nhập mã xác thực."),
        ("12a456", "gồm đúng 6 chữ số"),
        ("1234567", "gồm đúng 6 chữ số"),
        ("1" * 40, "Mã xác thực chỉ có 6 chữ số."),
        ("١٢٣٤٥٦", "gồm đúng 6 chữ số"),  # Arabic-Indic digits: \d would take them
    ],
    ids=["empty", "letter", "seven-digits", "overlong", "non-ascii-digits"],
)
def test_two_factor_code_forms_refuse_bad_codes(world, code, says):
    admin = make_province_admin(world.province_a, username="quantri.moi", totp_device=False)
    client = Client(HTTP_HOST=world.commune_a.hostname)
    assert client.post("/admin/login/", {"username": "quantri.moi", "password": "mat-khau-thu-1"}).status_code == 302
    client.get(reverse("two_factor_setup"))  # creates the pending device
    before = snapshot()
    assert_refused(client.post(reverse("two_factor_setup"), {"code": code}), before, says)
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()

    # The login's second step and an officer's "turn off" ask the same form.
    TOTPDevice.objects.filter(user=admin).update(confirmed=True)
    verifier = Client(HTTP_HOST=world.commune_a.hostname)
    verifier.post("/admin/login/", {"username": "quantri.moi", "password": "mat-khau-thu-1"})
    before = snapshot()
    assert_refused(verifier.post(reverse("two_factor_verify"), {"code": code}), before, says)

    officer = make_officer(world.commune_a, "editor", username="bientap.hailop")
    TOTPDevice.objects.create(user=officer, name="Ứng dụng xác thực", confirmed=True)
    disabler = Client(HTTP_HOST=world.commune_a.hostname)
    disabler.force_login(officer)
    before = snapshot()
    assert_refused(disabler.post(reverse("two_factor_disable"), {"code": code}), before, says)


# --- Pages with their own form ------------------------------------------------------------------------------


def _parent(model, commune):
    return model.objects.descendant_of(commune.home_page).get()


PAGE_CASES = [
    ("news.articlepage", NewsIndexPage, {"title": ""}, ["Trường này là bắt buộc."]),
    ("news.articlepage", NewsIndexPage, {"title": "Tin " * 100}, ["tối đa 255 kí tự"]),
    ("news.articlepage", NewsIndexPage, {"title": "Tin", "featured_image": "{image_b}"}, ["ảnh trong thư viện"]),
    ("news.articlepage", NewsIndexPage, {"title": "Tin", "categories": "{category_b}"}, ["hợp lệ"]),
    ("news.articlepage", NewsIndexPage, {"title": "Tin", "date": "30/02/2026 08:00"}, ["hợp lệ"]),
    ("videos.videopage", VideoIndexPage, {"title": "Video", "youtube_url": JAVASCRIPT_URL}, ["YouTube"]),
    ("videos.videopage", VideoIndexPage, {"title": "Video", "youtube_url": "https://vimeo.com/1"}, ["YouTube"]),
    ("videos.videopage", VideoIndexPage, {"title": "Video", "duration": "hai phút"}, ["hợp lệ"]),
    (
        "guidance.guidingdocumentpage",
        DocumentIndexPage,
        {"title": "Kế hoạch", "number": "96/KH-UBND", "summary": "Kế hoạch", "date_issued": "31/02/2026"},
        ["ngày hợp lệ"],
    ),
    (
        "guidance.guidingdocumentpage",
        DocumentIndexPage,
        {"title": "Kế hoạch", "number": "96/KH-UBND " * 10, "summary": "Kế hoạch", "date_issued": "01/03/2026"},
        ["tối đa 60 kí tự"],
    ),
    (
        "guidance.guidingdocumentpage",
        DocumentIndexPage,
        {
            "title": "Kế hoạch",
            "number": "96/KH-UBND",
            "summary": "Kế hoạch",
            "date_issued": "01/03/2026",
            "expiry_date": "01/01/2026",
        },
        ["Ngày hết hiệu lực phải sau ngày ban hành"],
    ),
    (
        "consultations.consultationpage",
        ConsultationIndexPage,
        {"title": "Lấy ý kiến", "subject": "Dự thảo", "opens_at": "10/03/2026 08:00", "closes_at": "01/03/2026 17:00"},
        ["Thời điểm hết hạn phải sau thời điểm bắt đầu nhận ý kiến."],
    ),
    (
        "consultations.consultationpage",
        ConsultationIndexPage,
        {"title": "Lấy ý kiến", "subject": "Dự thảo", "opens_at": "31/02/2026 08:00", "closes_at": "01/03/2026 17:00"},
        ["hợp lệ"],
    ),
]


@pytest.mark.parametrize(
    "label, parent_model, changes, says",
    PAGE_CASES,
    ids=[
        "article-empty-title",
        "article-title-too-long",
        "article-image-of-another-commune",
        "article-category-of-another-commune",
        "article-malformed-date",
        "video-javascript-url",
        "video-not-youtube",
        "video-duration-words",
        "document-malformed-date",
        "document-number-too-long",
        "document-expires-before-issued",
        "consultation-closes-before-opening",
        "consultation-impossible-date",
    ],
)
def test_page_forms_refuse_bad_values(world, label, parent_model, changes, says):
    app_label, model_name = label.split(".")
    parent = _parent(parent_model, world.commune_a)
    url = reverse("wagtailadmin_pages:add", args=[app_label, model_name, parent.pk])
    values = {"image_b": world.image_b.pk, "category_b": world.category_b.pk}
    client = client_for(world.editor_a, world.commune_a)
    before = snapshot()
    changes = {k: fill(v, values) for k, v in changes.items()}
    changes.setdefault("slug", "thu")
    response = post_form(client, url, changes)
    assert_refused(response, before, *says)


# --- Public forms (GET) and the procedure chooser's search -------------------------------------------------


@pytest.mark.parametrize(
    "path, params, says",
    [
        ("/tim-kiem/", {"q": "!!! ??? ***"}, "Từ khóa chỉ có ký hiệu"),
        ("/tim-kiem/", {"q": ""}, "Hãy nhập từ cần tìm"),
        ("/tim-kiem/", {"q": "khai sinh " * 40, "page": "-3"}, "Từ khóa quá dài"),
        ("/tim-kiem/", {"q": "\x00khai sinh"}, ""),
        ("/van-ban-chi-dao-dieu-hanh/", {"year": "hai nghìn", "type": "<script>", "field": "x" * 500}, ""),
        ("/van-ban-chi-dao-dieu-hanh/", {"q": "96/KH-UBND" * 50, "page": "abc"}, ""),
        ("/thu-tuc-hanh-chinh/", {"field": "<script>alert(1)</script>", "q": "x" * 1000}, ""),
    ],
    ids=[
        "search-symbols",
        "search-empty",
        "search-too-long",
        "search-nul",
        "documents-bad-filters",
        "documents-long-query",
        "procedures-bad-filters",
    ],
)
def test_public_and_chooser_search_forms_survive_bad_values(world, path, params, says):
    """Public filters never answer 500 nor echo markup; the search explains what it did with the query."""
    before = snapshot()
    response = Client(HTTP_HOST=world.commune_a.hostname).get(path, params)
    assert response.status_code == 200
    body = html(response)
    assert "<script>alert(1)</script>" not in body and '<script>"' not in body
    assert "<form" in body
    if says:
        assert says in html_lib.unescape(body)
    assert_unchanged(before)


def test_procedure_chooser_search_survives_bad_values(world):
    client = client_for(world.editor_a, world.commune_a)
    viewset = CommuneProcedure.snippet_viewset.chooser_viewset
    url = reverse(viewset.get_url_name("choose_results"))
    for q in ("x" * 5000, "\x00", "%' OR 1=1 --"):
        response = client.get(url, {"q": q})
        assert response.status_code == 200, q
