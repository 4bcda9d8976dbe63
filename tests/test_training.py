"""Practice sites: copied faithfully from the template, isolated, reset to it, and removed without a trace."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, Page, ReferenceIndex

from media.models import CommuneDocument, CommuneImage, CommuneRendition, CommuneVideo
from media.renditions import ensure_theme_renditions
from pages.news.models import ArticlePage, NewsCategory
from pages.site_content import Banner
from sites.models import Commune
from sites.references import _base_model, foreign_references
from sites.services import ServiceError
from sites.snippets import COMMUNE_OWNED_MODELS
from sites.tenancy import scope_for_user
from training import services
from training.models import Trainee, Workshop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Files of these tests only, so counting them is not disturbed by other tests running in parallel."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def committed(django_capture_on_commit_callbacks, settings):
    """Run fn and what it left for the commit, as a real commit would: files leave storage then.

    Creation is not run this way: its files are written at once, and the copies' rendition tasks
    (which make what the template lacked) are the media tests' business and slow: they are queued, not run."""
    settings.TASKS = {"default": {"BACKEND": "tests.task_backends.ImmediateExceptRenditions"}}

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


WORKSHOP_ROWS = {"training.Workshop", "training.Exercise", "training.Trainee"}


def _rows() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models() if m._meta.label not in WORKSHOP_ROWS}


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _content(commune: Commune) -> dict:
    """What a commune's site holds, by value (not by id): titles, dates, file contents, records."""
    pages = Page.objects.descendant_of(commune.home_page).order_by("path")
    return {
        "pages": [(p.url_path.split("/", 4)[-1], p.title, p.live, p.first_published_at) for p in pages],
        "images": sorted((i.title, i.file_hash, i.width) for i in CommuneImage.objects.filter(commune=commune)),
        "documents": sorted(d.title for d in CommuneDocument.objects.filter(commune=commune)),
        "videos": sorted(v.title for v in CommuneVideo.objects.filter(commune=commune)),
        "owned": {m.__name__: sorted(str(r) for r in m.objects.filter(commune=commune)) for m in COMMUNE_OWNED_MODELS},
    }


def _create(template, trainees=2, **kwargs):
    request = services.WorkshopRequest(
        province=template.province, name=kwargs.pop("name", "Lớp thử"), trainees=trainees, template=template, **kwargs
    )
    return services.workshop_create(request)


def test_practice_site_is_a_faithful_copy_that_refers_only_to_itself(template_a, commune_a2):
    for image in CommuneImage.objects.filter(commune=template_a)[:2]:
        ensure_theme_renditions(image)
    workshop = _create(template_a, trainees=1)
    practice = workshop.trainees.get().commune

    assert practice.is_practice and practice.province_id == template_a.province_id
    assert _content(practice) == _content(template_a)
    assert _content(practice)["pages"], "the demo template has pages"
    # The template's renditions come along; the rest are made by the upload task, never by a page request.
    copied = CommuneRendition.objects.filter(image__commune=practice)
    assert copied.count() >= CommuneRendition.objects.filter(image__commune=template_a).count() > 0

    # Every reference held by the copy's pages, records and settings (Wagtail's reference index: foreign keys,
    # StreamField blocks, rich-text links and images) names the practice site's own objects or shared ones:
    # none is outside what the trainee may reach.
    trainee_user = workshop.trainees.get().user
    practice_pages = Page.objects.descendant_of(practice.home_page, inclusive=True)
    template_pages = Page.objects.descendant_of(template_a.home_page, inclusive=True)
    rows = ReferenceIndex.objects.filter(
        base_content_type__model="page", object_id__in=[str(pk) for pk in practice_pages.values_list("pk", flat=True)]
    )
    for model in COMMUNE_OWNED_MODELS:
        rows |= ReferenceIndex.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in model.objects.filter(commune=practice).values_list("pk", flat=True)],
        )
    keys = {(ct.model_class(), object_id) for ct, object_id in ((r.to_content_type, r.to_object_id) for r in rows)}
    assert len(keys) > 20, "the demo content refers to many pages, images and documents"
    assert not foreign_references(trainee_user, {(_base_model(m), pk) for m, pk in keys})
    assert not rows.filter(
        to_content_type__model="page", to_object_id__in=[str(pk) for pk in template_pages.values_list("pk", flat=True)]
    ).exists()

    article = ArticlePage.objects.descendant_of(practice.home_page).exclude(categories=None).first()
    assert article is not None
    assert set(article.categories.values_list("commune_id", flat=True)) == {practice.pk}
    if article.featured_image_id:
        assert article.featured_image.commune_id == practice.pk
    for banner in Banner.objects.filter(commune=practice):
        assert banner.image.commune_id == practice.pk
        assert banner.link_page_id is None or practice_pages.filter(pk=banner.link_page_id).exists()

    # The copy's files are its own: deleting the template's would not break it.
    image = CommuneImage.objects.filter(commune=practice).first()
    source = CommuneImage.objects.get(commune=template_a, file_hash=image.file_hash, title=image.title)
    assert image.file.name != source.file.name
    assert image.collection.get_ancestors(inclusive=True).filter(pk=practice.collection_id).exists()
    assert image.uploaded_by_user_id is None


def test_trainee_accounts_reach_their_own_practice_site_only(workshop_a, commune_a, editor_a, client):
    trainees = list(workshop_a.trainees.select_related("commune", "user"))
    assert len(trainees) == 3
    assert len({t.commune.hostname for t in trainees}) == 3
    for trainee in trainees:
        scope = scope_for_user(trainee.user)
        assert scope.commune_ids == {trainee.commune_id} and not scope.province_ids
        assert trainee.user.email.endswith(".invalid")
        assert trainee.user.check_password(trainee.card_password)
    first, second = trainees[0], trainees[1]
    client.force_login(first.user)
    assert client.get(f"/admin/pages/{first.commune.home_page_id}/edit/", HTTP_HOST="localhost").status_code == 200
    assert client.get(f"/admin/pages/{second.commune.home_page_id}/edit/", HTTP_HOST="localhost").status_code == 404
    assert client.get(f"/admin/pages/{commune_a.home_page_id}/edit/", HTTP_HOST="localhost").status_code == 404
    # And the real commune's officer cannot open a practice site.
    client.force_login(editor_a)
    assert client.get(f"/admin/pages/{first.commune.home_page_id}/edit/", HTTP_HOST="localhost").status_code == 404


def test_reset_brings_back_the_template_state_and_keeps_the_login(template_a):
    workshop = _create(template_a, trainees=2)
    first, second = workshop.trainees.order_by("number")
    template_state = _content(first.commune)
    NewsCategory.objects.create(commune=first.commune, name="Chuyên mục học viên thêm")
    Page.objects.descendant_of(first.commune.home_page).type(ArticlePage).first().delete()
    CommuneImage.objects.filter(commune=second.commune).first()  # the neighbour is not touched
    second_state = _content(second.commune)
    old_commune_id, old_started = first.commune_id, first.started_at

    services.trainee_reset(first)

    first.refresh_from_db()
    assert first.commune_id != old_commune_id and not Commune.objects.filter(pk=old_commune_id).exists()
    assert first.started_at > old_started
    assert _content(first.commune) == template_state
    assert _content(second.commune) == second_state
    assert first.user.check_password(first.card_password)
    assert scope_for_user(get_user_model().objects.get(pk=first.user_id)).commune_ids == {first.commune_id}
    assert first.site_url == first.commune.url


def test_close_removes_every_site_account_row_and_file_and_leaves_real_communes_as_they_were(
    template_a, commune_a2, committed
):
    for image in CommuneImage.objects.filter(commune=template_a)[:2]:
        ensure_theme_renditions(image)
    real_before = {c.pk: _content(c) for c in (template_a, commune_a2)}
    rows_before, files_before = _rows(), _files()

    workshop = _create(template_a, trainees=2)
    trainee = workshop.trainees.first()
    NewsCategory.objects.create(commune=trainee.commune, name="Chuyên mục học viên thêm")
    assert _files() - files_before, "the practice sites have their own files"
    committed(services.trainee_reset, trainee)
    committed(services.workshop_close, workshop)

    rows_after = _rows()
    changed = {
        label: (rows_before[label], rows_after[label])
        for label in rows_before
        if rows_before[label] != rows_after[label]
    }
    # The workshop keeps its own history: created, reset, closed. Nothing else is left.
    assert changed == {
        "wagtailcore.ModelLogEntry": (
            rows_before["wagtailcore.ModelLogEntry"],
            rows_before["wagtailcore.ModelLogEntry"] + 3,
        )
    }
    assert _files() == files_before
    assert {c.pk: _content(c) for c in (template_a, commune_a2)} == real_before
    assert not Commune.objects.filter(is_practice=True).exists()

    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED and workshop.closed_at
    assert [t["number"] for t in workshop.summary["trainees"]] == [1, 2]
    assert set(Trainee.objects.filter(workshop=workshop).values_list("card_password", flat=True)) == {""}
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.workshop_reset(workshop)


def test_a_failed_creation_leaves_nothing(commune_a, monkeypatch, committed):
    rows_before, files_before = _rows(), _files()
    made = []
    real_create_seat = services._create_seat

    def create_then_fail(workshop, number, template, **kwargs):
        if number == 2:
            raise ServiceError("Lỗi giả lập khi tạo học viên 02.")
        made.append(real_create_seat(workshop, number, template, **kwargs))
        return made[-1]

    monkeypatch.setattr(services, "_create_seat", create_then_fail)
    with pytest.raises(ServiceError, match="học viên 02"):
        committed(_create, commune_a, trainees=3)
    assert made, "the first seat was made before the failure"
    assert _rows() == rows_before
    assert _files() == files_before
    assert not Workshop.objects.exists()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"trainees": 0}, "từ 1 đến 60"),
        ({"trainees": 61}, "từ 1 đến 60"),
        ({"trainees": "abc"}, "không phải là một số"),
        ({"name": "  "}, "Thiếu tên"),
        ({"slug": "Có Dấu"}, "không hợp lệ"),
        ({"exercises": ("khong-co",)}, "khong-co"),
    ],
)
def test_bad_requests_are_refused_in_vietnamese_before_anything_is_written(commune_a, kwargs, message):
    rows_before = _rows()
    request = dict(province=commune_a.province, name="Lớp thử", trainees=2, template=commune_a) | kwargs
    with pytest.raises(ServiceError, match=message):
        services.workshop_create(services.WorkshopRequest(**request))
    assert _rows() == rows_before and not Workshop.objects.exists()


def test_template_must_be_a_real_commune_of_the_province(workshop_a, commune_b):
    practice = workshop_a.trainees.first().commune
    for template, message in ((commune_b, "không thuộc"), (practice, "trang thực hành")):
        with pytest.raises(ServiceError, match=message):
            services.workshop_create(
                services.WorkshopRequest(province=workshop_a.province, name="Lớp hai", trainees=1, template=template)
            )
    with pytest.raises(ServiceError, match="đã được dùng"):
        services.workshop_create(
            services.WorkshopRequest(
                province=workshop_a.province, name="Lớp trùng", slug=workshop_a.slug, trainees=1, template=commune_b
            )
        )


def test_practice_collections_sit_inside_the_practice_commune(workshop_a):
    for trainee in workshop_a.trainees.select_related("commune"):
        root = Collection.objects.get(pk=trainee.commune.collection_id)
        assert root.get_parent().pk == workshop_a.province.collection_id


def test_a_close_run_again_after_an_interruption_keeps_the_results_of_seats_already_removed(workshop_a, committed):
    kept = services.results(workshop_a)
    kept["trainees"][0]["done"] = ["category"]  # what was detected while seat 01 still had its site
    workshop_a.summary = kept
    workshop_a.save(update_fields=["summary"])
    committed(services._remove_seats, workshop_a)  # …then the seats went, and the close stopped

    committed(services.workshop_close, workshop_a)

    summary = Workshop.objects.get(pk=workshop_a.pk).summary
    assert summary["trainees"][0] == {"number": 1, "username": kept["trainees"][0]["username"], "done": ["category"]}
    assert [row["number"] for row in summary["trainees"]] == [1, 2, 3]
