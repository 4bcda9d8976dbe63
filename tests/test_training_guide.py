"""The trainee guide: a section with real screenshots for every exercise, shown in the admin to everyone signed in."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from training.exercises import EXERCISES
from training.guide import GUIDE_FILE, guide_url, render, trainee_guide

ROOT = Path(__file__).resolve().parents[1]
GUIDE_URL = "/admin/huong-dan-hoc-vien/"


def _section_html(anchor: str) -> str:
    """The guide's HTML from the heading with this id up to the next second-level heading."""
    html = trainee_guide().html
    start = html.index(f'id="{anchor}"')
    end = html.find("<h2", start)
    return html[start : end if end != -1 else len(html)]


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


# --- The guide itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EXERCISES))
def test_every_exercise_has_a_guide_section_with_screenshots_on_disk(kind):
    spec = EXERCISES[kind]
    guide = trainee_guide()
    assert spec.guide, f"{kind}: no guide anchor (training/exercises.py GUIDE_ANCHORS)"
    assert spec.guide in {s.anchor for s in guide.sections}, f"{kind}: no section #{spec.guide} in {GUIDE_FILE.name}"
    section = _section_html(spec.guide)
    # The heading is the exercise's own title: the trainee finds in the guide what the checklist calls it.
    heading = re.match(r'id="[^"]+">(.*?)</h2>', section).group(1)
    assert _text(heading).strip() == str(spec.title)
    pictures = re.findall(r'src="/static/(huong-dan/[\w-]+\.png)"', section)
    assert pictures, f"{kind}: its section shows no screenshot"
    for picture in pictures:
        assert (ROOT / "docs" / picture).stat().st_size > 1000, picture


def test_every_screenshot_of_the_guide_exists_and_every_link_inside_it_lands():
    guide = trainee_guide()
    assert len(guide.pictures) >= len(EXERCISES)
    for picture in guide.pictures:
        assert (ROOT / "docs" / picture).is_file(), f"{picture} is missing: run `make guide`"
    for anchor in re.findall(r'href="#([^"]+)"', guide.html):
        assert anchor in guide.anchors, f"link to #{anchor}, which the guide does not have"


def test_the_guide_tells_trainees_to_publish_directly_except_when_submitting_for_approval():
    assert "Xuất bản" in _text(_section_html("xuat-ban"))
    for kind in ("article_image", "video_captions", "photos", "document"):
        assert "Xuất bản" in _text(_section_html(EXERCISES[kind].guide)), kind
    submit = _text(_section_html(EXERCISES["submit_for_approval"].guide))
    assert "Gửi duyệt" in submit and "không" in submit


# Wagtail's own English words that must never reach the guide (its words for buttons are Vietnamese here).
ENGLISH_UI = ("Save", "Publish", "Submit", "Upload", "Choose", "Dashboard", "Snippets", "Settings", "Log in", "Draft")


def test_the_guide_speaks_vietnamese_only():
    text = GUIDE_FILE.read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```|`[^`]*`|<!--.*?-->|\]\([^)]*\)|\{#[^}]*\}", " ", text, flags=re.S)
    found = [word for word in ENGLISH_UI if re.search(rf"\b{word}\b", prose)]
    assert not found, f"English words in the trainee guide: {found}"


def test_render_points_screenshots_at_static_files_and_gives_ascii_anchors():
    guide = render("# Tiêu đề\n\n## Khi gặp khó\n\n![Ảnh](huong-dan/x.png)\n\n## Bài một {#bai-mot}\n")
    assert guide.title == "Tiêu đề" and "<h1" not in guide.html
    assert [(s.anchor, s.title) for s in guide.sections] == [("khi-gap-kho", "Khi gặp khó"), ("bai-mot", "Bài một")]
    assert '<img alt="Ảnh" class="hdhv-anh" src="/static/huong-dan/x.png"' in guide.html
    assert guide.pictures == ("huong-dan/x.png",)


def test_guide_url_points_at_the_exercise_section():
    assert guide_url() == GUIDE_URL == reverse("xaso_trainee_guide")
    assert guide_url("banners") == f"{GUIDE_URL}#banner"
    assert guide_url("khong-co") == GUIDE_URL


# --- In the admin ----------------------------------------------------------------------------------


def _get_guide(client, user, host):
    client.force_login(user)
    response = client.get(GUIDE_URL, HTTP_HOST=host)
    assert response.status_code == 200
    return response.content.decode()


def _assert_full_guide(body):
    for spec in EXERCISES.values():
        assert str(spec.title) in body
        assert f'href="#{spec.guide}"' in body and f'id="{spec.guide}"' in body
    images = re.findall(r'<img[^>]+src="/static/([^"]+)"', body)
    assert len(images) == len(trainee_guide().pictures)
    for path in images:
        assert finders.find(path), f"/static/{path} is not served"
    # The page's own style and script are static files (the admin's CSP), and they exist.
    for path in re.findall(r'(?:href|src)="/static/((?:css|js)/huong-dan-hoc-vien\.(?:css|js))"', body):
        assert finders.find(path)
    assert 'href="/static/css/huong-dan-hoc-vien.css"' in body


@pytest.mark.django_db
def test_a_trainee_reads_the_guide_with_their_workshops_exercises_first(client, workshop_a):
    from training import services

    services.workshop_set_exercises(workshop_a, ["notice", "category", "submit_for_approval"])
    trainee = workshop_a.trainees.first()
    body = _get_guide(client, trainee.user, trainee.commune.hostname)
    _assert_full_guide(body)
    assert f"Bài tập của lớp “{workshop_a.name}”" in body
    own_list = body[body.index('id="hdhv-bai-tap"') : body.index('id="hdhv-muc-luc"')]
    assert re.findall(r'href="#([^"]+)"', own_list) == ["thong-bao", "muc-tin", "gui-duyet"]


@pytest.mark.django_db
def test_an_editor_a_trainer_and_the_province_admin_read_the_same_guide(
    client, commune_a, editor_a, trainer_a, province_admin_a
):
    body = _get_guide(client, editor_a, commune_a.hostname)
    _assert_full_guide(body)
    assert "Các bài tập" in body and "Bài tập của lớp" not in body
    _assert_full_guide(_get_guide(client, trainer_a, "localhost"))
    _assert_full_guide(_get_guide(client, province_admin_a, "localhost"))


@pytest.mark.django_db
def test_the_guide_is_for_signed_in_users_only(client, commune_a):
    response = client.get(GUIDE_URL, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_the_dashboard_and_the_menu_lead_to_the_guide(client, commune_a, editor_a):
    client.force_login(editor_a)
    body = client.get("/admin/", HTTP_HOST=commune_a.hostname).content.decode()
    panel = body[body.index('id="xa-cua-toi-section"') :]
    assert f'href="{GUIDE_URL}"' in panel
    request = RequestFactory().get("/admin/", HTTP_HOST=commune_a.hostname)
    request.user = editor_a
    menu = {item.name: item for item in admin_menu.menu_items_for_request(request)}
    assert (menu["huong-dan-hoc-vien"].label, menu["huong-dan-hoc-vien"].url) == ("Hướng dẫn học viên", GUIDE_URL)
