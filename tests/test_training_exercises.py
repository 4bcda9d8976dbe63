"""Each exercise of a workshop is detected when, and only when, the trainee does it in the admin.

Every action here is a POST to the real Wagtail admin, signed in as the trainee on their practice site:
snippet forms (news categories, banners, the commune's procedures), page forms with "publish"
(articles, video pages, albums), the site settings form (footer), and the image, document and video
upload forms. The detectors then read what that left (training.exercises.detect).
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtailmedia import get_media_model

from pages.blocks import RICH_TEXT_FEATURES
from pages.news.models import ArticlePage, NewsCategory, NewsIndexPage
from pages.procedures.models import CommuneProcedure
from pages.site_content import Banner
from pages.videos.demo import howto_video_bytes
from pages.videos.models import GalleryIndexPage, GalleryPage, VideoIndexPage, VideoPage
from sites.text import vn_slugify
from tests.conftest import clear_cache
from tests.factories import CommuneFactory, ProvinceFactory, make_province_admin
from tests.factories_pages import BannerFactory
from tests.factories_procedures import add_catalogue_procedure
from training.exercises import DEFAULT_EXERCISES, detect
from training.models import Trainee
from training.services import WorkshopRequest, trainee_reset, workshop_create

CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào bà con.\n"


# --- The workshop -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workshop(django_db_setup, django_db_blocker):
    """A two-seat workshop copied from a commune whose province lists a commune-level procedure.

    Made once for the module and rolled back at the end; each test runs in its own savepoint, so what
    one trainee does in one test is gone in the next.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        clear_cache()
        province = ProvinceFactory(name="Thái Nguyên", domain="thainguyen.gov.vn")
        template = CommuneFactory(province=province, name="Động Đạt")
        add_catalogue_procedure(province)  # "Đăng ký khai sinh", cấp xã: listed on the template commune
        NewsCategory.objects.create(commune=template, name="Tin hoạt động")
        BannerFactory(commune=template, position=Banner.Position.TOP, alt_text="Banner mẫu")
        made = workshop_create(
            WorkshopRequest(province=province, name="Tập huấn bài tập", trainees=2, slug="bt", template=template)
        )
        yield made
        transaction.set_rollback(True)
    clear_cache()


def seat(workshop, number) -> Trainee:
    return Trainee.objects.select_related("commune__home_page", "commune__site", "user", "workshop").get(
        workshop=workshop, number=number
    )


@pytest.fixture
def one(db, workshop):
    return seat(workshop, 1)


@pytest.fixture
def two(db, workshop):
    return seat(workshop, 2)


def admin(trainee) -> Client:
    """The trainee signed in, on their own practice site (as with the login card)."""
    client = Client(HTTP_HOST=trainee.commune.hostname)
    client.force_login(trainee.user)
    return client


def evidence(trainee, kind):
    trainee = seat(trainee.workshop, trainee.number)  # fresh started_at and commune
    return detect(trainee, [kind])[kind]


def ok(response):
    """A form the admin accepted: it redirects (a refused form is shown again with 200)."""
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def refused(response):
    assert response.status_code == 200, response.status_code
    return response


# --- Uploads through the admin ------------------------------------------------------------------------


def png_bytes(colour=(40, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (96, 64), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, trainee, url, name, content, **fields):
    data = {"title": name, "collection": trainee.commune.collection_id, **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return ok(client.post(url, data))


def upload_image(client, trainee, name="anh-tap-huan.png"):
    before = set(get_image_model().objects.values_list("pk", flat=True))
    upload(client, trainee, "/admin/images/add/", name, png_bytes(), description="Cán bộ xã tập huấn")
    return get_image_model().objects.exclude(pk__in=before).get()


def upload_captions(client, trainee):
    before = set(get_document_model().objects.values_list("pk", flat=True))
    upload(client, trainee, "/admin/documents/add/", "phu-de.vtt", CAPTIONS.encode())
    return get_document_model().objects.exclude(pk__in=before).get()


def upload_video(client, trainee):
    before = set(get_media_model().objects.values_list("pk", flat=True))
    upload(client, trainee, "/admin/media/video/add/", "huong-dan.mp4", howto_video_bytes("Hướng dẫn thử"))
    return get_media_model().objects.exclude(pk__in=before).get()


# --- Snippets and pages through the admin --------------------------------------------------------------


def snippet_url(model, action, *args):
    return reverse(model.snippet_viewset.get_url_name(action), args=args)


def add_category(client, name="Chuyển đổi số"):
    return ok(client.post(snippet_url(NewsCategory, "add"), {"name": name, "description": "", "sort_order": "1"}))


def add_page_url(model, parent):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


def index_of(trainee, model):
    return model.objects.descendant_of(trainee.commune.home_page).get()


def publish_article(client, trainee, title, *, image=None, in_body=None, publish=True):
    blocks = [("paragraph", rich_text("<p>Nội dung tin.</p>", features=RICH_TEXT_FEATURES))]
    if in_body is not None:
        blocks.append(("image", {"image": str(in_body.pk), "caption": "", "alt_text": "Ảnh tập huấn"}))
    data = nested_form_data(
        {
            "title": title,
            "slug": vn_slugify(title),
            "summary": "Tóm tắt tin.",
            "date": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
            "featured_image": str(image.pk) if image else "",
            "featured_image_alt": "Ảnh tập huấn" if image else "",
            "body": streamfield(blocks),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(add_page_url(ArticlePage, index_of(trainee, NewsIndexPage)), data)


def publish_video_page(client, trainee, title, *, video=None, captions=None, publish=True):
    data = nested_form_data(
        {
            "title": title,
            "slug": "video-tap-huan",
            "youtube_url": "" if video else "https://youtu.be/dQw4w9WgXcQ",
            "video": str(video.pk) if video else "",
            "captions": str(captions.pk) if captions else "",
            "description": rich_text("<p>Hướng dẫn làm thủ tục.</p>"),
            "linked_procedures": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(add_page_url(VideoPage, index_of(trainee, VideoIndexPage)), data)


def publish_album(client, trainee, images, *, publish=True):
    data = nested_form_data(
        {
            "title": "Ra quân làm đường",
            "slug": "ra-quan-lam-duong",
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "description": rich_text("<p>Bà con ra quân.</p>"),
            "cover_image": "",
            "gallery_images": inline_formset([{"image": str(i.pk), "caption": "Chú thích"} for i in images]),
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    return client.post(add_page_url(GalleryPage, index_of(trainee, GalleryIndexPage)), data)


def banner_data(image, position, alt="Chào mừng Đại hội"):
    return {
        "position": position,
        "image": str(image.pk),
        "alt_text": alt,
        "link_page": "",
        "link_url": "",
        "starts_at": "",
        "ends_at": "",
        "sort_order": "0",
    }


FOOTER = {
    "agency_name": "Ủy ban nhân dân xã Thực Hành",
    "address": "Xóm Trung Tâm, xã Thực Hành",
    "phone": "0208 3850 001",
    "email": "ubnd@thuchanh.vn",
    "responsible_person": "Trần Thị Bình – Chủ tịch UBND xã",
}


def save_footer(client, trainee, **changes):
    values = {
        **FOOTER,
        "licence_line": "",
        "logo": "",
        "primary_color": "",
        "zalo_url": "",
        "facebook_url": "",
        **changes,
    }
    data = nested_form_data({**values, "footer_links": inline_formset([])})
    url = reverse("wagtailsettings:edit", args=["pages", "communeidentity", trainee.commune.site_id])
    return client.post(url, data)


def local_details(**changes):
    return {
        "is_featured": "",
        "submission_place": "Bộ phận Một cửa, UBND xã Thực Hành",
        "opening_hours": "Sáng 7h30–11h30",
        "officer_name": "Nguyễn Văn A",
        "officer_phone": "0208 3 800 000",
        "local_notes": "Mang theo bản chính để đối chiếu.",
        **changes,
    }


# --- Nothing done yet ---------------------------------------------------------------------------------


def test_a_fresh_practice_site_has_no_exercise_done(one):
    found = detect(one, DEFAULT_EXERCISES)
    assert set(found) == set(DEFAULT_EXERCISES)
    assert not [kind for kind, e in found.items() if e.done or e.items]


def test_signing_in_and_opening_the_forms_counts_for_nothing(one):
    client = admin(one)
    for url in (
        snippet_url(NewsCategory, "add"),
        snippet_url(Banner, "add"),
        add_page_url(ArticlePage, index_of(one, NewsIndexPage)),
        reverse("wagtailsettings:edit", args=["pages", "communeidentity", one.commune.site_id]),
    ):
        assert client.get(url).status_code == 200, url
    assert not [kind for kind, e in detect(one, DEFAULT_EXERCISES).items() if e.done]


# --- category ----------------------------------------------------------------------------------------


def test_creating_a_category_is_detected(one):
    add_category(admin(one), "Chuyển đổi số")
    found = evidence(one, "category")
    assert found.done
    assert [item["label"] for item in found.items] == ["Chuyển đổi số"]
    assert found.items[0]["admin_url"].startswith("/admin/snippets/news/newscategory/edit/")


def test_renaming_an_existing_category_is_not_creating_one(one):
    category = NewsCategory.objects.filter(commune=one.commune).first()
    assert category is not None, "the practice site has the template's category"
    data = {"name": category.name + " mới", "description": "", "sort_order": str(category.sort_order)}
    ok(admin(one).post(snippet_url(NewsCategory, "edit", category.pk), data))
    assert not evidence(one, "category").done


def test_a_category_refused_by_the_form_is_not_detected(one):
    refused(admin(one).post(snippet_url(NewsCategory, "add"), {"name": "", "description": "", "sort_order": "1"}))
    assert not evidence(one, "category").done


def test_another_trainees_category_does_not_count_for_this_trainee(one, two):
    add_category(admin(two), "Tin của học viên 02")
    assert evidence(two, "category").done
    assert not evidence(one, "category").done


def test_a_category_made_before_the_start_does_not_count(one):
    add_category(admin(one), "Làm trước giờ")
    Trainee.objects.filter(pk=one.pk).update(started_at=timezone.now() + timedelta(seconds=1))
    assert not evidence(one, "category").done


def test_reset_takes_the_category_away_and_starts_the_count_again(one):
    add_category(admin(one), "Trước khi đặt lại")
    started = one.started_at
    trainee_reset(seat(one.workshop, 1))
    one = seat(one.workshop, 1)
    assert one.started_at > started
    assert not NewsCategory.objects.filter(commune=one.commune, name="Trước khi đặt lại").exists()
    assert not evidence(one, "category").done
    add_category(admin(one), "Sau khi đặt lại")
    assert evidence(one, "category").done


# --- article_image -----------------------------------------------------------------------------------


def test_publishing_an_article_with_a_featured_image_is_detected(one):
    client = admin(one)
    image = upload_image(client, one)
    ok(publish_article(client, one, "Tin có ảnh", image=image))
    found = evidence(one, "article_image")
    assert found.done
    assert [item["label"] for item in found.items] == ["Tin có ảnh"]
    assert found.items[0]["url"].startswith(one.commune.url)


def test_publishing_an_article_with_an_image_in_its_body_is_detected(one):
    client = admin(one)
    image = upload_image(client, one)
    ok(publish_article(client, one, "Tin ảnh trong bài", in_body=image))
    assert evidence(one, "article_image").done


def test_an_article_published_without_an_image_does_not_count(one):
    ok(publish_article(admin(one), one, "Tin không ảnh"))
    assert ArticlePage.objects.descendant_of(one.commune.home_page).get(title="Tin không ảnh").live
    assert not evidence(one, "article_image").done


def test_an_article_with_an_image_saved_as_draft_does_not_count(one):
    client = admin(one)
    image = upload_image(client, one)
    ok(publish_article(client, one, "Tin nháp", image=image, publish=False))
    assert not ArticlePage.objects.descendant_of(one.commune.home_page).get(title="Tin nháp").live
    assert not evidence(one, "article_image").done


def test_adding_an_image_to_a_published_article_and_publishing_again_is_detected(one):
    client = admin(one)
    ok(publish_article(client, one, "Tin thêm ảnh sau"))
    assert not evidence(one, "article_image").done
    page = ArticlePage.objects.descendant_of(one.commune.home_page).get(title="Tin thêm ảnh sau")
    image = upload_image(client, one)
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "date": timezone.localtime(page.date).strftime("%d/%m/%Y %H:%M"),
            "featured_image": str(image.pk),
            "featured_image_alt": "Ảnh tập huấn",
            "body": streamfield([]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data["action-publish"] = "action-publish"
    ok(client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data))
    assert evidence(one, "article_image").done


# --- procedure_local ---------------------------------------------------------------------------------


def commune_procedure(trainee) -> CommuneProcedure:
    entry = CommuneProcedure.objects.filter(commune=trainee.commune).select_related("procedure").first()
    assert entry is not None, "the practice site lists the province's commune-level procedure"
    return entry


def test_changing_a_procedures_local_details_is_detected(one):
    entry = commune_procedure(one)
    ok(admin(one).post(snippet_url(CommuneProcedure, "edit", entry.pk), local_details()))
    found = evidence(one, "procedure_local")
    assert found.done
    assert [item["label"] for item in found.items] == [entry.procedure.name]


def test_saving_a_procedure_without_changing_anything_does_not_count(one):
    entry = commune_procedure(one)
    unchanged = local_details(
        submission_place=entry.submission_place,
        opening_hours=entry.opening_hours,
        officer_name=entry.officer_name,
        officer_phone=entry.officer_phone,
        local_notes=entry.local_notes,
        is_featured="on" if entry.is_featured else "",
    )
    ok(admin(one).post(snippet_url(CommuneProcedure, "edit", entry.pk), unchanged))
    assert not evidence(one, "procedure_local").done


def test_another_trainees_procedure_change_does_not_count(one, two):
    entry = commune_procedure(two)
    ok(admin(two).post(snippet_url(CommuneProcedure, "edit", entry.pk), local_details()))
    assert evidence(two, "procedure_local").done
    assert not evidence(one, "procedure_local").done


def test_a_trainee_cannot_change_another_trainees_procedure(one, two):
    entry = commune_procedure(two)
    response = admin(one).post(snippet_url(CommuneProcedure, "edit", entry.pk), local_details())
    assert response.status_code == 404
    assert not evidence(one, "procedure_local").done and not evidence(two, "procedure_local").done


# --- video_captions ----------------------------------------------------------------------------------


def test_publishing_an_uploaded_video_with_captions_is_detected(one):
    client = admin(one)
    video, captions = upload_video(client, one), upload_captions(client, one)
    ok(publish_video_page(client, one, "Hướng dẫn khai sinh", video=video, captions=captions))
    found = evidence(one, "video_captions")
    assert found.done
    assert [item["label"] for item in found.items] == ["Hướng dẫn khai sinh"]


def test_an_uploaded_video_without_captions_does_not_count(one):
    client = admin(one)
    ok(publish_video_page(client, one, "Video không phụ đề", video=upload_video(client, one)))
    assert not evidence(one, "video_captions").done


def test_a_youtube_link_does_not_count_as_uploading_a_video(one):
    client = admin(one)
    # Captions are refused for YouTube videos (YouTube has its own), so the page is published without.
    response = refused(publish_video_page(client, one, "Video YouTube", captions=upload_captions(client, one)))
    assert "Phụ đề chỉ dùng cho video tải lên" in response.content.decode()
    ok(publish_video_page(client, one, "Video YouTube"))
    assert VideoPage.objects.get(title="Video YouTube").live
    assert not evidence(one, "video_captions").done


def test_a_video_uploaded_before_the_start_does_not_count(one):
    client = admin(one)
    video, captions = upload_video(client, one), upload_captions(client, one)
    get_media_model().objects.filter(pk=video.pk).update(created_at=one.started_at - timedelta(minutes=5))
    ok(publish_video_page(client, one, "Video cũ", video=video, captions=captions))
    assert not evidence(one, "video_captions").done


def test_a_video_page_with_captions_left_unpublished_does_not_count(one):
    client = admin(one)
    video, captions = upload_video(client, one), upload_captions(client, one)
    ok(publish_video_page(client, one, "Video nháp", video=video, captions=captions, publish=False))
    assert not VideoPage.objects.get(title="Video nháp").live
    assert not evidence(one, "video_captions").done


# --- banners -----------------------------------------------------------------------------------------


def test_changing_all_three_banners_is_detected(one):
    client = admin(one)
    image = upload_image(client, one)
    for position in ("top", "horizontal", "right"):
        ok(client.post(snippet_url(Banner, "add"), banner_data(image, position)))
    found = evidence(one, "banners")
    assert found.done and found.progress == "3/3"
    assert {item["label"] for item in found.items} == {"Banner trên", "Banner ngang", "Banner bên phải"}


def test_editing_the_templates_banner_counts_for_its_position(one):
    client = admin(one)
    banner = Banner.objects.get(commune=one.commune, alt_text="Banner mẫu")  # copied from the template
    assert evidence(one, "banners").progress == "0/3"
    data = banner_data(banner.image, "top", alt="Banner đã sửa")
    ok(client.post(snippet_url(Banner, "edit", banner.pk), data))
    found = evidence(one, "banners")
    assert found.progress == "1/3" and not found.done
    assert [item["label"] for item in found.items] == ["Banner trên"]


def test_banners_changed_before_the_start_do_not_count(one):
    client = admin(one)
    image = upload_image(client, one)
    for position in ("top", "horizontal", "right"):
        ok(client.post(snippet_url(Banner, "add"), banner_data(image, position)))
    assert evidence(one, "banners").done
    Trainee.objects.filter(pk=one.pk).update(started_at=timezone.now() + timedelta(seconds=1))
    assert evidence(one, "banners").progress == "0/3"


def test_banners_at_only_two_positions_are_two_of_three_not_done(one):
    client = admin(one)
    image = upload_image(client, one)
    ok(client.post(snippet_url(Banner, "add"), banner_data(image, "top")))
    ok(client.post(snippet_url(Banner, "add"), banner_data(image, "right")))
    found = evidence(one, "banners")
    assert found.progress == "2/3"
    assert not found.done


def test_a_banner_refused_by_the_form_does_not_count(one):
    client = admin(one)
    image = upload_image(client, one)
    refused(client.post(snippet_url(Banner, "add"), {**banner_data(image, "top"), "link_url": "javascript:alert(1)"}))
    assert evidence(one, "banners").progress == "0/3"


# --- photos ------------------------------------------------------------------------------------------


def test_publishing_an_album_with_new_photos_is_detected(one):
    client = admin(one)
    images = [upload_image(client, one, f"anh-{n}.png") for n in range(2)]
    ok(publish_album(client, one, images))
    found = evidence(one, "photos")
    assert found.done
    assert [item["label"] for item in found.items] == ["Ra quân làm đường"]


def test_an_album_of_photos_uploaded_before_the_start_does_not_count(one):
    client = admin(one)
    images = [upload_image(client, one, f"cu-{n}.png") for n in range(2)]
    get_image_model().objects.filter(pk__in=[i.pk for i in images]).update(
        created_at=one.started_at - timedelta(minutes=5)
    )
    ok(publish_album(client, one, images))
    assert not evidence(one, "photos").done


def test_an_album_left_unpublished_does_not_count(one):
    client = admin(one)
    ok(publish_album(client, one, [upload_image(client, one)], publish=False))
    assert not evidence(one, "photos").done


# --- footer ------------------------------------------------------------------------------------------


def test_filling_in_the_footer_is_detected(one):
    ok(save_footer(admin(one), one))
    found = evidence(one, "footer")
    assert found.done
    assert [item["label"] for item in found.items] == ["Thông tin chân trang"]


def test_a_footer_saved_with_a_required_field_empty_is_not_done(one):
    ok(save_footer(admin(one), one, responsible_person=""))
    found = evidence(one, "footer")
    assert not found.done
    assert found.progress == "còn thiếu"
    ok(save_footer(admin(one), one))
    assert evidence(one, "footer").done


def test_a_footer_refused_by_the_form_does_not_count(one):
    refused(save_footer(admin(one), one, email="khong-phai-thu"))
    assert not evidence(one, "footer").done


def test_another_trainees_footer_does_not_count(one, two):
    ok(save_footer(admin(two), two))
    assert evidence(two, "footer").done
    assert not evidence(one, "footer").done


# --- The whole checklist -------------------------------------------------------------------------------


def test_each_exercise_counts_only_itself(one):
    """Doing one exercise never ticks another: a category does not fill the footer, and so on."""
    client = admin(one)
    add_category(client, "Chỉ một bài")
    found = detect(seat(one.workshop, 1), DEFAULT_EXERCISES)
    assert [kind for kind, e in found.items() if e.done] == ["category"]


def test_what_a_province_admin_does_on_a_trainees_site_does_not_count_for_the_trainee(one):
    """A trainer showing the way on a trainee's screen (as province admin) does the exercise for no one."""
    province_admin = make_province_admin(one.workshop.province, username="quantri.taphuan")
    client = Client(HTTP_HOST=one.commune.hostname)
    client.force_login(province_admin)
    entry = commune_procedure(one)
    ok(client.post(snippet_url(CommuneProcedure, "edit", entry.pk), local_details()))
    ok(save_footer(client, one))
    entry.refresh_from_db()
    assert entry.officer_name == "Nguyễn Văn A"  # the change was made…
    assert not evidence(one, "procedure_local").done  # …but not by the trainee
    assert not evidence(one, "footer").done
