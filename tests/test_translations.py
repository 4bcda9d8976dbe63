"""The Vietnamese admin catalogue covers every string an officer can meet, and is well formed."""

import json
import re
import shutil
import subprocess

import pytest
from django.core import mail
from django.utils import translation

from cms import translations

# Reviewed: strings deliberately left as they are. Empty today; add with a reason, never to get green.
ALLOWLIST: frozenset[str] = frozenset()


@pytest.mark.parametrize("package,domain", translations.CATALOGUES, ids=lambda v: v)
def test_every_string_of_the_catalogue_has_a_vietnamese_translation(package, domain):
    [coverage] = [c for c in translations.coverage(ALLOWLIST) if (c.package, c.domain) == (package, domain)]
    assert coverage.total > 0, f"{package}: không tìm thấy catalogue tiếng Anh gốc"
    missing = coverage.missing
    assert not missing, f"{package} ({domain}) còn {len(missing)} chuỗi chưa dịch: {missing[:10]}"


@pytest.mark.parametrize("domain", translations.DOMAINS)
def test_catalogue_passes_msgfmt_check(domain):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("Thiếu msgfmt (apt-get install gettext); `make messages` cài nó.")
    path = translations.project_catalogue(domain)
    result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr


def test_catalogue_uses_the_glossary_terms():
    with translation.override("vi"):
        assert translation.gettext("Images") == "Hình ảnh"
        assert translation.gettext("Documents") == "Tài liệu"
        assert translation.gettext("Save draft") == "Lưu nháp"
        assert translation.gettext("Publish") == "Xuất bản"
        assert translation.gettext("Submit for moderation") == "Gửi duyệt"
        assert translation.gettext("Collections") == "Bộ sưu tập"
        assert translation.gettext("Snippets") == "Thành phần"


def test_admin_dashboard_and_menus_are_vietnamese(client, editor_a, commune_a):
    client.force_login(editor_a)
    body = client.get("/admin/", HTTP_HOST=commune_a.hostname).content.decode()
    # The sidebar menu arrives as JSON in a script element and is drawn in the browser.
    props = re.search(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', body, re.S)
    menu = json.dumps(json.loads(props.group(1)), ensure_ascii=False)
    for label in ("Hình ảnh", "Tài liệu", "Video, âm thanh", "Trợ giúp", "Đăng xuất"):
        assert label in menu
    for english in ('"Images"', '"Documents"', '"Help"', '"Log out"', '"Reports"'):
        assert english not in menu
    assert "Bảng điều khiển" in body or "Việc thường làm" in body


def test_validation_messages_are_vietnamese(client, editor_a, commune_a):
    client.force_login(editor_a)
    response = client.post(
        f"/admin/pages/add/pages/standardpage/{commune_a.home_page_id}/",
        {"title": "", "slug": ""},
        HTTP_HOST=commune_a.hostname,
    )
    body = response.content.decode()
    assert "Trường này là bắt buộc." in body
    assert "This field is required" not in body


def test_password_reset_email_is_vietnamese(client, editor_a, commune_a):
    editor_a.email = "bientap@dongdat.example"
    editor_a.save()
    response = client.post("/admin/password_reset/", {"email": editor_a.email}, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 302
    [message] = mail.outbox
    assert "mật khẩu" in message.subject.lower()
    assert "mật khẩu" in message.body.lower()
    assert "password" not in message.body.lower().replace("password_reset", "")


def test_relative_times_and_validation_dates_are_vietnamese():
    from datetime import timedelta

    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone

    with translation.override("vi"):
        assert naturaltime(timezone.now() - timedelta(hours=3)) == "3\xa0giờ trước"


def test_workflow_notification_email_to_the_approver_is_vietnamese(commune_a, editor_a, approver_a):
    from pages.models import StandardPage

    approver_a.email = "pheduyet@dongdat.example"
    approver_a.save()
    page = commune_a.home_page.add_child(instance=StandardPage(title="Lịch tiếp công dân", live=False))
    page.save_revision(user=editor_a)
    commune_a.workflow.start(page, editor_a)
    messages = [m for m in mail.outbox if approver_a.email in m.to]
    assert messages, [m.subject for m in mail.outbox]
    text = (messages[0].subject + " " + messages[0].body).lower()
    assert "lịch tiếp công dân" in text
    assert "duyệt" in text
    assert "submitted" not in text and "moderation" not in text
