"""Image renditions: the theme's sizes are made when an image is uploaded, and a public page never makes one."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.template import engines
from django.template.loaders.app_directories import get_app_template_dirs
from django_tasks import TaskResultStatus, default_task_backend
from django_tasks.signals import task_finished, task_started
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.images.formats import get_image_formats
from wagtail.images.models import Filter
from wagtail.images.templatetags.wagtailimages_tags import ImageNode, SrcsetImageNode
from wagtail.rich_text import RichText

from media import renditions
from media.renditions import PLACEHOLDER_STATIC_PATH, THEME_SPECS, generation_deferred, theme_specs
from media.tasks import generate_theme_renditions
from pages.models import CommuneIdentity, Leader, MapPage
from pages.news.models import CARD_IMAGE_SPECS, ArticlePage, NewsIndexPage, expanded_specs
from pages.templatetags.site_tags import META_IMAGE_FILTER
from pages.videos.models import GalleryImage, GalleryIndexPage, GalleryPage, VideoIndexPage, VideoPage
from tests.factories_pages import BannerFactory, intro_page

Image = get_image_model()
Rendition = Image.get_rendition_model()
TEMPLATE_DIRS = [Path(__file__).resolve().parent.parent / "templates"]
IMAGE_TAG = re.compile(r"{%\s*(image|picture|srcset_image)\s")
PLACEHOLDER = "/static/" + PLACEHOLDER_STATIC_PATH
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files of these tests only, so counting them is not disturbed by other test runs."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_under(root) -> int:
    return sum(1 for path in Path(root).rglob("*") if path.is_file())


def png(size=(160, 90), colour=(40, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def new_image(commune, title, size=(160, 90)):
    return Image.objects.create(
        title=title,
        description=f"Mô tả {title}",
        collection=commune.collection,
        file=ContentFile(png(size), name="anh.png"),
    )


def uploaded_image(commune, title, capture, size=(160, 90)):
    """An image saved and committed, as after an upload: its task has run."""
    with capture(execute=True):
        return new_image(commune, title, size)


def theme_renditions_of(image) -> set[str]:
    """The theme sizes the image has (the admin's own thumbnails, e.g. max-165x165, are left out)."""
    return set(
        Rendition.objects.filter(image=image, filter_spec__in=theme_specs()).values_list("filter_spec", flat=True)
    )


def get(client, commune, path):
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, (path, response.status_code)
    return response


def publish(parent, page):
    page = parent.add_child(instance=page)
    page.save_revision().publish()
    return page


# --- The list of sizes cannot drift from the templates -------------------------------------------


def template_files():
    dirs = [*TEMPLATE_DIRS, *(Path(d) for d in get_app_template_dirs("templates") if ".venv" not in str(d))]
    for root in dirs:
        for path in sorted(root.rglob("*.html")):
            yield root, path


def specs_used_by_templates() -> dict[str, list[str]]:
    """Each template's image filter specs, read by Wagtail's own tag parser and brace expansion."""
    engine = engines["django"]
    used = {}
    for root, path in template_files():
        source = path.read_text()
        if not IMAGE_TAG.search(source):
            continue
        name = str(path.relative_to(root))
        nodes = engine.from_string(source).template.nodelist.get_nodes_by_type(ImageNode)
        assert len(nodes) == len(IMAGE_TAG.findall(source)), f"{name}: not every image tag was parsed"
        specs = []
        for node in nodes:
            if isinstance(node, SrcsetImageNode):  # {% picture %} and {% srcset_image %}: brace patterns
                specs += [f.spec for f in node.get_filters()]
            else:  # {% image %}: one rendition, its specs joined
                specs.append(node.get_filter().spec)
        used[name] = specs
    return used


def specs_used_outside_templates() -> dict[str, list[str]]:
    return {
        "site_tags.META_IMAGE_FILTER": [META_IMAGE_FILTER],
        "news CARD_IMAGE_SPECS": expanded_specs(CARD_IMAGE_SPECS),
        "rich text image formats": [fmt.filter_spec for fmt in get_image_formats()],
    }


def test_every_image_size_a_template_uses_is_in_the_theme_list():
    used = specs_used_by_templates()
    assert len(used) >= 10  # header, banner, cards, article, video, album, photo, leader, map…
    known = set(theme_specs())
    missing = {
        name: [spec for spec in specs if spec not in known]
        for name, specs in {**used, **specs_used_outside_templates()}.items()
    }
    missing = {name: specs for name, specs in missing.items() if specs}
    assert not missing, f"Thêm các cỡ này vào media/renditions.py THEME_SPECS: {missing}"


def test_the_theme_list_has_no_size_nothing_uses():
    used = {spec for specs in specs_used_by_templates().values() for spec in specs}
    used |= {spec for specs in specs_used_outside_templates().values() for spec in specs}
    assert set(theme_specs()) - used == set()
    assert set(THEME_SPECS) >= {"banner", "article_card", "featured_image", "logo", "leader_photo", "video_poster"}


# --- Made on upload ---------------------------------------------------------------------------------


def test_an_image_saved_through_the_model_gets_every_theme_rendition(
    commune_a, media_root, django_capture_on_commit_callbacks
):
    image = uploaded_image(commune_a, "Ảnh hội nghị", django_capture_on_commit_callbacks, size=(1400, 800))
    assert theme_renditions_of(image) == set(theme_specs())
    for rendition in Rendition.objects.filter(image=image):
        assert Path(rendition.file.path).is_file() and rendition.file.path.startswith(str(media_root))
    webp = Rendition.objects.get(image=image, filter_spec="format-webp|width-800")
    assert (webp.width, webp.height) == (800, 457) and webp.file.name.endswith(".webp")


def test_an_image_uploaded_by_an_officer_in_the_admin_gets_every_theme_rendition(
    client, commune_a, editor_a, django_capture_on_commit_callbacks
):
    client.force_login(editor_a)
    data = {"title": "Ảnh trụ sở", "collection": commune_a.collection_id, "file": ContentFile(png(), name="tru-so.png")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/images/add/", data, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 302, response.context["form"].errors
    assert theme_renditions_of(Image.objects.get(title="Ảnh trụ sở")) == set(theme_specs())


def test_images_uploaded_several_at_once_each_get_every_theme_rendition(
    client, commune_a, editor_a, django_capture_on_commit_callbacks
):
    client.force_login(editor_a)
    for name in ("mot.png", "hai.png"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/admin/images/multiple/add/",
                {"files[]": ContentFile(png(), name=name), "collection": commune_a.collection_id},
                HTTP_HOST=commune_a.hostname,
            )
        assert response.status_code == 200 and response.json()["success"], response.content
    images = Image.objects.filter(collection=commune_a.collection)
    assert images.count() == 2
    for image in images:
        assert theme_renditions_of(image) == set(theme_specs())


def queued_tasks() -> list[tuple]:
    return [tuple(r.args) for r in default_task_backend.results if r.task.name == generate_theme_renditions.name]


def test_the_task_is_queued_once_committed_and_again_only_when_the_file_changes(
    commune_a, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        image = new_image(commune_a, "Ảnh chợ")
        assert queued_tasks() == []  # a worker must not look for a row that is not committed yet
    assert queued_tasks() == [(image.pk,)]
    with django_capture_on_commit_callbacks(execute=True):
        image = Image.objects.get(pk=image.pk)
        image.title = "Ảnh chợ phiên"
        image.save()
    assert queued_tasks() == [(image.pk,)]
    with django_capture_on_commit_callbacks(execute=True):
        image.file = ContentFile(png(colour=(200, 40, 40)), name="cho-moi.png")
        image.save()
    assert queued_tasks() == [(image.pk,), (image.pk,)]


def test_changing_the_focal_point_makes_the_cropped_sizes_again(commune_a, django_capture_on_commit_callbacks):
    image = uploaded_image(commune_a, "Ảnh chân dung", django_capture_on_commit_callbacks, size=(400, 300))
    before = Rendition.objects.filter(image=image).count()
    image = Image.objects.get(pk=image.pk)
    fill = Filter(renditions.expand("format-{webp,jpeg} fill-{150x200,300x400}")[0])
    old_key = fill.get_cache_key(image)
    with django_capture_on_commit_callbacks(execute=True):
        image.title = "Ảnh chân dung (sửa tên)"
        image.save()
    assert Rendition.objects.filter(image=image).count() == before
    with django_capture_on_commit_callbacks(execute=True):
        image.focal_point_x, image.focal_point_y, image.focal_point_width, image.focal_point_height = 300, 100, 40, 40
        image.save()
    keys = set(Rendition.objects.filter(image=image, filter_spec=fill.spec).values_list("focal_point_key", flat=True))
    assert keys == {old_key, fill.get_cache_key(image)} and len(keys) == 2  # the old crop and the new one


# --- Public pages never make one ---------------------------------------------------------------


@pytest.fixture
def site_with_every_picture(commune_a, django_capture_on_commit_callbacks):
    """A commune whose public pages show an image in every place the theme has one; all uploaded first."""

    def image(title, size=(160, 90)):
        return uploaded_image(commune_a, title, django_capture_on_commit_callbacks, size=size)

    identity = CommuneIdentity.for_site(commune_a.site)
    identity.logo = image("Biểu trưng", size=(128, 128))
    identity.save()
    for position in ("top", "horizontal", "right"):
        BannerFactory(commune=commune_a, position=position, image=image(f"Banner {position}"))
    news = NewsIndexPage.objects.descendant_of(commune_a.home_page).get()
    publish(
        news,
        ArticlePage(
            title="Hội nghị chuyển đổi số",
            slug="hoi-nghi-chuyen-doi-so",
            summary="Tóm tắt.",
            featured_image=image("Ảnh hội nghị", size=(1400, 800)),
            featured_image_alt="Hội trường",
            body=[
                ("paragraph", RichText("<p>Nội dung.</p>")),
                ("image", {"image": image("Ảnh trong bài"), "caption": "Chú thích", "alt_text": "Ảnh minh họa"}),
            ],
        ),
    )
    videos = VideoIndexPage.objects.child_of(commune_a.home_page).get()
    publish(
        videos,
        VideoPage(
            title="Hướng dẫn khai sinh",
            slug="huong-dan-khai-sinh",
            youtube_url="https://youtu.be/dQw4w9WgXcQ",
            poster=image("Ảnh bìa video"),
        ),
    )
    galleries = GalleryIndexPage.objects.child_of(commune_a.home_page).get()
    publish(
        galleries,
        GalleryPage(
            title="Ra quân làm đường",
            slug="ra-quan-lam-duong",
            gallery_images=[GalleryImage(image=image(f"Ảnh làm đường {n}"), caption=f"Ảnh {n}") for n in range(2)],
        ),
    )
    organisation = intro_page(commune_a, "to-chuc-bo-may")
    organisation.leaders.add(Leader(full_name="Trần Thị Bình", position="Chủ tịch", photo=image("Chân dung")))
    organisation.save_revision().publish()
    map_page = intro_page(commune_a, "ban-do-dia-gioi-hanh-chinh", MapPage)
    map_page.map_image = image("Bản đồ xã", size=(800, 600))
    map_page.save_revision().publish()
    return commune_a


PUBLIC_PATHS = [
    "/",
    "/tin-tuc/",
    "/tin-tuc/hoi-nghi-chuyen-doi-so/",
    "/video-huong-dan/",
    "/video-huong-dan/huong-dan-khai-sinh/",
    "/thu-vien-anh/",
    "/thu-vien-anh/ra-quan-lam-duong/",
    "/gioi-thieu/to-chuc-bo-may/",
    "/gioi-thieu/ban-do-dia-gioi-hanh-chinh/",
]


def test_public_pages_make_no_rendition_and_no_file(client, site_with_every_picture, media_root):
    commune = site_with_every_picture
    pictures = 0
    for path in PUBLIC_PATHS:
        before = (Rendition.objects.count(), files_under(media_root))
        body = get(client, commune, path).content.decode()
        assert (Rendition.objects.count(), files_under(media_root)) == before, path
        assert PLACEHOLDER not in body, path
        pictures += body.count("<picture>")
    assert pictures >= 12


def test_a_missing_rendition_is_queued_not_made_and_a_placeholder_of_its_size_is_shown(
    client, site_with_every_picture, settings, media_root
):
    settings.TASKS = DUMMY_TASKS
    article = ArticlePage.objects.get(slug="hoi-nghi-chuyen-doi-so")
    Rendition.objects.filter(image=article.featured_image, filter_spec="format-webp|width-800").delete()
    before = (Rendition.objects.count(), files_under(media_root))
    response = get(client, site_with_every_picture, "/tin-tuc/hoi-nghi-chuyen-doi-so/")
    assert (Rendition.objects.count(), files_under(media_root)) == before
    body = response.content.decode()
    # The <picture> stays valid: the placeholder stands at the missing size, the other sizes are real.
    assert f"{PLACEHOLDER} 800w" in body and re.search(r"/media/images/\S+\.format-webp\.width-400\.webp 400w", body)
    assert "no-store" in response["Cache-Control"]  # an incomplete page is kept by no cache
    queued = [r for r in default_task_backend.results if r.task.name == generate_theme_renditions.name]
    assert [(r.args[0], r.status) for r in queued] == [(article.featured_image_id, TaskResultStatus.READY)]

    # Another visitor before the worker runs: the task is not queued twice.
    get(client, site_with_every_picture, "/tin-tuc/hoi-nghi-chuyen-doi-so/")
    assert len([r for r in default_task_backend.results if r.task.name == generate_theme_renditions.name]) == 1

    # The worker runs it; the next visitor sees the real picture.
    assert generate_theme_renditions.call(*queued[0].args, **queued[0].kwargs) == 1
    assert Rendition.objects.filter(image=article.featured_image, filter_spec="format-webp|width-800").exists()
    response = get(client, site_with_every_picture, "/tin-tuc/hoi-nghi-chuyen-doi-so/")
    assert PLACEHOLDER not in response.content.decode() and "no-store" not in response.get("Cache-Control", "")


def test_with_the_immediate_backend_the_task_makes_it_during_the_request_not_the_template(
    client, site_with_every_picture, monkeypatch
):
    assert type(generate_theme_renditions.get_backend()).__name__ == "ImmediateBackend"  # the default setup
    video = VideoPage.objects.get(slug="huong-dan-khai-sinh")
    Rendition.objects.filter(image=video.poster, filter_spec__contains="fill-1280x720").delete()

    in_task = []
    made = []  # (filter spec, inside the task?, generation deferred?) for each file made

    def started(**kwargs):
        in_task.append(True)

    def finished(**kwargs):
        in_task.pop()

    task_started.connect(started)
    task_finished.connect(finished)
    original = Image.generate_rendition_file

    def spy(self, filter, **kwargs):
        made.append((filter.spec, bool(in_task), generation_deferred()))
        return original(self, filter, **kwargs)

    monkeypatch.setattr(Image, "generate_rendition_file", spy)
    try:
        body = get(client, site_with_every_picture, "/video-huong-dan/huong-dan-khai-sinh/").content.decode()
    finally:
        task_started.disconnect(started)
        task_finished.disconnect(finished)
    # All three deleted sizes come back (the page shows two; the task makes every missing theme size).
    assert sorted(spec for spec, _, _ in made) == [
        "fill-1280x720|format-jpeg",
        "format-jpeg|fill-1280x720",
        "format-webp|fill-1280x720",
    ]
    assert all(inside and not deferred for _, inside, deferred in made)
    # Made by the task before the template needed it, so the page already shows the real file.
    assert PLACEHOLDER not in body and re.search(r"/media/images/\S+\.format-webp\.fill-1280x720\.webp \d+w", body)


def test_a_placeholder_is_never_kept_in_the_rendition_cache(client, commune_a, settings):
    settings.TASKS = DUMMY_TASKS
    BannerFactory(commune=commune_a, position="top", image=new_image(commune_a, "Banner chưa có cỡ"))
    body = get(client, commune_a, "/").content.decode()
    assert PLACEHOLDER in body
    image = Image.objects.get(title="Banner chưa có cỡ")
    rendition = image.get_rendition("format-webp|width-480")  # outside a public request: made as usual
    assert rendition.pk is not None and rendition.url.startswith("/media/images/")


def test_renditions_missing_only_from_a_stale_prefetched_list_are_read_not_queued(commune_a, settings):
    settings.TASKS = DUMMY_TASKS
    image = new_image(commune_a, "Ảnh đã có đủ cỡ")
    renditions.ensure_theme_renditions(image)
    stale = Image.objects.get(pk=image.pk)
    stale.prefetched_renditions = []  # e.g. kept in a cache from before the renditions were made
    with renditions.public_rendering() as state:
        picture = stale.get_renditions("format-webp|width-480", "format-jpeg|width-480")
    assert all(r.pk is not None for r in picture.values())
    assert state.placeholders == 0 and queued_tasks() == []


def test_the_admin_draft_preview_still_makes_renditions_inline(client, commune_a, approver_a, settings):
    settings.TASKS = DUMMY_TASKS
    news = NewsIndexPage.objects.descendant_of(commune_a.home_page).get()
    article = news.add_child(
        instance=ArticlePage(
            title="Bản nháp có ảnh",
            slug="ban-nhap-co-anh",
            summary="Tóm tắt.",
            featured_image=new_image(commune_a, "Ảnh bản nháp"),
            featured_image_alt="Ảnh",
            live=False,
        )
    )
    article.save_revision()
    client.force_login(approver_a)
    response = client.get(f"/admin/pages/{article.pk}/view_draft/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    assert PLACEHOLDER not in response.content.decode()
    assert Rendition.objects.filter(image=article.featured_image).exists()


# --- Images from before: the `renditions` command --------------------------------------------------


def test_renditions_command_fills_in_older_images_and_is_resumable(commune_a, commune_b, capsys):
    older_a = new_image(commune_a, "Ảnh cũ xã A")  # the on-commit task never ran: no renditions
    older_b = new_image(commune_b, "Ảnh cũ xã B")
    Rendition.objects.all().delete()
    call_command("renditions", "--commune", commune_a.slug)
    out = capsys.readouterr().out
    assert theme_renditions_of(older_a) == set(theme_specs()) and theme_renditions_of(older_b) == set()
    assert f"Đã kiểm tra 1 ảnh của {commune_a.full_name}" in out and f"tạo mới {len(theme_specs())} ảnh thu nhỏ" in out

    Rendition.objects.filter(image=older_a, filter_spec="max-1200x630").delete()  # as if interrupted
    call_command("renditions")
    out = capsys.readouterr().out
    assert theme_renditions_of(older_a) == theme_renditions_of(older_b) == set(theme_specs())
    assert f"Đã kiểm tra 2 ảnh: tạo mới {len(theme_specs()) + 1} ảnh thu nhỏ" in out

    call_command("renditions")
    assert "tạo mới 0 ảnh thu nhỏ" in capsys.readouterr().out


def test_renditions_command_names_an_unknown_commune_in_vietnamese(db):
    with pytest.raises(CommandError, match="Không tìm thấy xã/phường “khong-co”"):
        call_command("renditions", "--commune", "khong-co")


def test_renditions_command_reports_an_image_whose_file_is_gone(commune_a, capsys):
    image = new_image(commune_a, "Ảnh mất tệp")
    Path(image.file.path).unlink()
    call_command("renditions")
    captured = capsys.readouterr()
    assert "tạo mới 0 ảnh thu nhỏ" in captured.out
    assert f"Không đọc được tệp gốc của 1 ảnh: #{image.pk} “Ảnh mất tệp”" in captured.err


# --- Demo data ------------------------------------------------------------------------------------


def test_demo_seed_leaves_every_demo_image_with_its_renditions(province_a, django_capture_on_commit_callbacks):
    from pages.demo import seed_commune
    from tests.factories import CommuneFactory

    commune = CommuneFactory(province=province_a, name="Phú Đình")
    with django_capture_on_commit_callbacks(execute=True):
        seed_commune(commune)
    images = Image.objects.filter(collection=commune.collection)
    assert images.count() >= 5
    for image in images:
        assert theme_renditions_of(image) == set(theme_specs()), image.title
