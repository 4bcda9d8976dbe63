"""How-to videos and photo albums: what residents see, what officers may enter, and that communes stay apart."""

import io
import re
from datetime import date, timedelta

import av
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text
from wagtailmedia import get_media_model

from pages.home import home_sections
from pages.videos import demo
from pages.videos.home import latest_albums, latest_videos
from pages.videos.models import (
    GalleryImage,
    GalleryIndexPage,
    GalleryPage,
    VideoIndexPage,
    VideoPage,
    VideoPageProcedure,
)
from pages.videos.validators import validate_youtube_url, youtube_video_id

CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào bà con.\n"
VIETNAMESE_LETTER = re.compile(r"[^\x00-\x7f]")


# --- Helpers -----------------------------------------------------------------------------------


def video_index(commune):
    return VideoIndexPage.objects.child_of(commune.home_page).get()


def gallery_index(commune):
    return GalleryIndexPage.objects.child_of(commune.home_page).get()


def make_image(commune, title="Ảnh", description="Cán bộ xã làm việc với người dân"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (96, 64), (40, 120, 200)).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title,
        description=description,
        collection=commune.collection,
        file=ContentFile(buffer.getvalue(), name="anh.png"),
    )


def make_video_file(commune, title="Video khai sinh"):
    return get_media_model().objects.create(
        title=title,
        type="video",
        duration=4,
        width=320,
        height=180,
        collection=commune.collection,
        file=ContentFile(demo.howto_video_bytes("Hướng dẫn đăng ký khai sinh"), name="khai-sinh.mp4"),
    )


def make_captions(commune, content=CAPTIONS, name="phu-de.vtt"):
    return get_document_model().objects.create(
        title="Phụ đề", collection=commune.collection, file=ContentFile(content.encode(), name=name)
    )


def publish(parent, page):
    page = parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_video(commune, title="Hướng dẫn đăng ký khai sinh", **fields):
    if "video" not in fields and "youtube_url" not in fields:
        fields["youtube_url"] = "https://youtu.be/dQw4w9WgXcQ"
    return publish(video_index(commune), VideoPage(title=title, **fields))


def add_album(commune, title="Ra quân làm đường", photos=2, **fields):
    images = [make_image(commune, f"{title} {n}", f"Ảnh {n}: bà con làm đường") for n in range(photos)]
    album = GalleryPage(
        title=title,
        gallery_images=[GalleryImage(image=image, caption=f"Chú thích {n}") for n, image in enumerate(images)],
        **fields,
    )
    return publish(gallery_index(commune), album)


def make_procedure(commune, title="Đăng ký khai sinh", code="1.001193"):
    """A procedure of the province catalogue listed by the commune (its CommuneProcedure)."""
    from tests.factories_procedures import add_procedure

    return add_procedure(commune, title, code)


def get(client, commune, page_or_path):
    path = page_or_path if isinstance(page_or_path, str) else page_or_path.get_url_parts()[2]
    response = client.get(path, HTTP_HOST=commune.hostname)
    assert response.status_code == 200, path
    return response.content.decode()


def query_count(func) -> int:
    func()  # warm up: renditions are made on the first render
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


# --- Video pages -------------------------------------------------------------------------------


def test_uploaded_video_page_plays_in_html5_with_vietnamese_captions(client, commune_a):
    page = add_video(
        commune_a,
        video=make_video_file(commune_a),
        captions=make_captions(commune_a),
        poster=make_image(commune_a),
        description="<p>Mang theo giấy chứng sinh.</p>",
        duration=timedelta(minutes=3, seconds=25),
    )
    body = get(client, commune_a, page)
    assert '<video controls preload="metadata"' in body
    assert re.search(r'<video [^>]*poster="/media/images/[^"]+\.jpg"', body)
    assert re.search(r'<source src="/media/media/khai-sinh[^"]*\.mp4" type="video/mp4">', body)
    assert f'<track kind="captions" srclang="vi" label="Tiếng Việt" src="{page.captions.url}" default>' in body
    assert "Mang theo giấy chứng sinh." in body
    assert "Thời lượng: 3:25" in body
    assert "<iframe" not in body


def test_uploaded_video_page_without_poster_captions_or_duration_still_plays(client, commune_a):
    page = add_video(commune_a, video=make_video_file(commune_a))
    body = get(client, commune_a, page)
    assert '<video controls preload="metadata" playsinline width="320" height="180">' in body
    assert "<track" not in body
    # The file's own length is shown when the officer left the duration empty.
    assert "Thời lượng: 0:04" in body


def test_captions_file_is_served_on_the_commune_site(client, commune_a):
    captions = make_captions(commune_a)
    response = client.get(captions.url, HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")


@pytest.mark.parametrize("with_poster", [True, False])
def test_youtube_video_page_shows_a_facade_and_loads_nothing_from_youtube(client, commune_a, with_poster):
    poster = make_image(commune_a) if with_poster else None
    page = add_video(commune_a, youtube_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=5", poster=poster)
    body = get(client, commune_a, page)
    assert "<iframe" not in body
    assert "<video" not in body
    assert not re.search(r"<script[^>]+src=\"https?://", body), "no external script is loaded"
    assert "youtube.com/iframe_api" not in body and "ytimg" not in body
    assert re.search(
        r'<a class="yt-open" href="https://www.youtube.com/watch\?v=dQw4w9WgXcQ" target="_blank" rel="noopener', body
    )
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in body
    assert '<script src="/static/js/video.js" defer></script>' in body
    assert ("<picture>" in body) is with_poster
    assert ('class="yt-blank"' in body) is not with_poster


def test_video_page_lists_its_procedures(client, commune_a):
    procedure = make_procedure(commune_a)
    page = add_video(commune_a, linked_procedures=[VideoPageProcedure(procedure=procedure)])
    body = get(client, commune_a, page)
    assert "Thủ tục liên quan" in body
    assert f'href="/thu-tuc-hanh-chinh/{procedure.procedure.slug}/">Đăng ký khai sinh</a>' in body


def test_video_is_listed_on_its_procedures_page_of_that_commune_only(client, commune_a, commune_a2):
    procedure = make_procedure(commune_a)
    other = make_procedure(commune_a2)  # the same catalogue procedure, listed by another commune
    add_video(
        commune_a, title="Hướng dẫn khai sinh của xã A", linked_procedures=[VideoPageProcedure(procedure=procedure)]
    )
    assert "Hướng dẫn khai sinh của xã A" in get(client, commune_a, f"/thu-tuc-hanh-chinh/{procedure.procedure.slug}/")
    assert "Hướng dẫn khai sinh của xã A" not in get(client, commune_a2, f"/thu-tuc-hanh-chinh/{other.procedure.slug}/")


def test_video_page_is_found_by_words_in_its_description(commune_a):
    add_video(commune_a, title="Video số 1", description="<p>Cách nộp lệ phí chứng thực bản sao</p>")
    assert [p.title for p in VideoPage.objects.live().search("chứng thực")] == ["Video số 1"]


# --- What officers may enter -------------------------------------------------------------------


def validation_messages(page) -> dict:
    with pytest.raises(ValidationError) as caught:
        page.full_clean()
    return caught.value.message_dict


def test_video_needs_an_upload_or_a_youtube_link(commune_a):
    page = VideoPage(title="Video", slug="video")
    errors = validation_messages(page)
    assert errors["video"] == errors["youtube_url"]
    assert "Hãy tải video lên hoặc dán đường dẫn YouTube" in errors["video"][0]


def test_video_cannot_have_both_an_upload_and_a_youtube_link(commune_a):
    page = VideoPage(
        title="Video", slug="video", video=make_video_file(commune_a), youtube_url="https://youtu.be/dQw4w9WgXcQ"
    )
    errors = validation_messages(page)
    assert "Chỉ chọn một trong hai" in errors["video"][0]


@pytest.mark.parametrize(
    "url",
    [
        "https://vimeo.com/123456",
        "https://youtube.com.lua-dao.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/channel/UCabc",
        "https://www.youtube.com/watch?v=ngan",
        "javascript:alert(1)",
    ],
)
def test_a_link_that_is_not_a_youtube_video_is_refused_in_vietnamese(url):
    with pytest.raises(ValidationError) as caught:
        validate_youtube_url(url)
    assert "không phải địa chỉ một video trên YouTube" in caught.value.messages[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com/watch?v=dQw4w9WgXcQ&list=PL1",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?si=abc",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
    ],
)
def test_every_usual_youtube_link_form_gives_the_video_id(url):
    assert youtube_video_id(url) == "dQw4w9WgXcQ"


def test_captions_without_the_webvtt_header_are_refused_in_vietnamese(commune_a):
    page = VideoPage(
        title="Video",
        slug="video",
        video=make_video_file(commune_a),
        captions=make_captions(commune_a, "1\n00:00:00,000 --> 00:00:02,000\nXin chào\n"),
    )
    errors = validation_messages(page)
    assert "dòng đầu tiên của tệp phải là chữ WEBVTT" in errors["captions"][0]


def test_captions_must_be_a_vtt_file(commune_a):
    page = VideoPage(
        title="Video",
        slug="video",
        video=make_video_file(commune_a),
        captions=make_captions(commune_a, CAPTIONS, name="phu-de.pdf"),
    )
    assert "phải có đuôi .vtt" in validation_messages(page)["captions"][0]


def test_captions_with_a_byte_order_mark_are_accepted(commune_a):
    page = VideoPage(
        title="Video",
        slug="video",
        video=make_video_file(commune_a),
        captions=make_captions(commune_a, "\ufeff" + CAPTIONS),
    )
    page.clean()


def test_album_photo_needs_a_description_for_blind_readers(commune_a):
    photo = GalleryImage(image=make_image(commune_a, title="Ảnh không mô tả", description=""))
    with pytest.raises(ValidationError) as caught:
        photo.clean()
    assert "chưa có mô tả cho người khiếm thị" in caught.value.message_dict["image"][0]


def _post_video_page(client, commune, procedure):
    index = video_index(commune)
    data = nested_form_data(
        {
            "title": "Video mới",
            "slug": "video-moi",
            "youtube_url": "https://youtu.be/dQw4w9WgXcQ",
            "description": rich_text("<p>Mô tả</p>"),
            "linked_procedures": inline_formset([{"procedure": procedure.pk}]),
            "comments": inline_formset([]),
        }
    )
    return client.post(f"/admin/pages/add/videos/videopage/{index.pk}/", data, HTTP_HOST=commune.hostname)


def test_officer_cannot_link_a_procedure_of_another_commune(client, commune_a, commune_b, editor_a):
    client.force_login(editor_a)
    other = make_procedure(commune_b)
    response = _post_video_page(client, commune_a, other)
    assert response.status_code == 200
    assert "Thủ tục này thuộc xã/phường khác" in response.content.decode()
    assert not VideoPage.objects.filter(slug="video-moi").exists()


def test_officer_links_a_procedure_of_their_own_commune(client, commune_a, editor_a):
    client.force_login(editor_a)
    procedure = make_procedure(commune_a)
    response = _post_video_page(client, commune_a, procedure)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = VideoPage.objects.get(slug="video-moi")
    assert [link.procedure_id for link in page.linked_procedures.all()] == [procedure.pk]


# --- Listings ------------------------------------------------------------------------------------


def test_video_index_shows_cards_twelve_to_a_page(client, commune_a):
    for n in range(13):
        add_video(commune_a, title=f"Video số {n:02d}", poster=make_image(commune_a) if n == 12 else None)
    index = video_index(commune_a)
    first = get(client, commune_a, index)
    assert first.count('class="media-card"') == 12
    assert "Video số 12" in first and "Video số 00" not in first  # newest first
    assert "Trang 1/2" in first and 'rel="next"' in first
    assert 'srcset="' in first and "image/webp" in first
    second = get(client, commune_a, index.get_url_parts()[2] + "?page=2")
    assert second.count('class="media-card"') == 1 and "Video số 00" in second


def test_empty_video_and_gallery_sections_say_so(client, commune_a):
    assert "Chưa có video hướng dẫn nào." in get(client, commune_a, video_index(commune_a))
    assert "Chưa có album ảnh nào." in get(client, commune_a, gallery_index(commune_a))


def test_album_shows_a_responsive_grid_linking_to_the_full_size_photos(client, commune_a):
    album = add_album(commune_a, photos=3, date=date(2026, 3, 12), description="<p>Sáng chủ nhật</p>")
    body = get(client, commune_a, album)
    assert "12/03/2026" in body and "3 ảnh" in body and "Sáng chủ nhật" in body
    assert body.count('<figure class="photo">') == 3
    assert body.count('type="image/webp"') == 3
    assert re.search(r'<a href="/media/images/[^"]+\.max-1600x1600\.png"><picture>', body)
    assert 'alt="Ảnh 0: bà con làm đường"' in body
    assert "<figcaption>Chú thích 2</figcaption>" in body


def test_album_without_photos_or_description_still_renders(client, commune_a):
    album = publish(gallery_index(commune_a), GalleryPage(title="Album trống"))
    body = get(client, commune_a, album)
    assert "Album chưa có ảnh." in body


def test_gallery_index_uses_the_chosen_cover_or_the_first_photo(client, commune_a):
    cover = make_image(commune_a, title="Ảnh bìa riêng")
    add_album(commune_a, title="Album có bìa", cover_image=cover, date=date(2026, 1, 2))
    add_album(commune_a, title="Album không bìa", date=date(2026, 1, 1))
    albums = gallery_index(commune_a).get_context(_request(commune_a))["albums"]
    covers = {album.title: album.cover.title for album in albums}
    assert covers == {"Album có bìa": "Ảnh bìa riêng", "Album không bìa": "Album không bìa 0"}


def _request(commune, path="/"):
    from django.test import RequestFactory

    return RequestFactory().get(path, HTTP_HOST=commune.hostname)


# --- Communes stay apart -------------------------------------------------------------------------


def test_other_communes_videos_and_albums_never_appear_in_a_listings_or_home(client, commune_a, commune_b):
    add_video(commune_a, title="AMARKER video")
    add_album(commune_a, title="AMARKER album")
    add_video(commune_b, title="BMARKER video")
    add_album(commune_b, title="BMARKER album")

    for page in (video_index(commune_a), gallery_index(commune_a), commune_a.home_page):
        body = get(client, commune_a, page)
        assert "BMARKER" not in body
    assert "AMARKER video" in get(client, commune_a, video_index(commune_a))
    assert "AMARKER album" in get(client, commune_a, gallery_index(commune_a))

    home = commune_a.home_page
    assert [v.title for v in latest_videos(home, None)] == ["AMARKER video"]
    assert [a.title for a in latest_albums(home, None)] == ["AMARKER album"]


# --- Home sections -------------------------------------------------------------------------------


def test_home_shows_the_four_latest_videos_and_three_latest_albums_with_covers(commune_a):
    for n in range(5):
        add_video(commune_a, title=f"Video {n}")
    for n in range(4):
        add_album(commune_a, title=f"Album {n}", photos=1, date=date(2026, 1, 1) + timedelta(days=n))
    publish(gallery_index(commune_a), GalleryPage(title="Album chưa có ảnh", date=date(2026, 12, 31)))

    sections = {section.key: (section, items) for section, items in home_sections(commune_a.home_page, None)}
    video_section, videos = sections["videos"]
    gallery_section, albums = sections["galleries"]
    assert video_section.order == 50 and gallery_section.order == 60
    assert [v.title for v in videos] == ["Video 4", "Video 3", "Video 2", "Video 1"]
    assert [a.title for a in albums] == ["Album 3", "Album 2", "Album 1"]

    html = render_to_string(video_section.template, {"items": videos, "section": video_section})
    assert html.count('class="media-card"') == 4 and "Xem tất cả video" in html
    html = render_to_string(gallery_section.template, {"items": albums, "section": gallery_section})
    assert html.count("<picture>") == 3 and "Xem tất cả album" in html


def test_home_sections_are_left_out_when_the_commune_has_no_videos_or_albums(commune_a):
    keys = [section.key for section, _ in home_sections(commune_a.home_page, None)]
    assert "videos" not in keys and "galleries" not in keys


# --- Queries do not grow with the number of items -------------------------------------------------


def test_listing_queries_do_not_grow_with_the_number_of_videos_and_albums(client, commune_a, uncached):
    def fill(count):
        for n in range(count):
            add_video(commune_a, title=f"Video {count}-{n}", poster=make_image(commune_a))
            add_album(commune_a, title=f"Album {count}-{n}", photos=1)

    def counts():
        return {
            "videos": query_count(lambda: get(client, commune_a, video_index(commune_a))),
            "albums": query_count(lambda: get(client, commune_a, gallery_index(commune_a))),
            "home": query_count(lambda: home_sections(commune_a.home_page, None)),
        }

    fill(2)
    with_two = counts()
    fill(6)
    with_eight = counts()
    assert with_eight == with_two


def test_album_queries_do_not_grow_with_the_number_of_photos(client, commune_a, uncached):
    small = add_album(commune_a, title="Album nhỏ", photos=2)
    large = add_album(commune_a, title="Album lớn", photos=8)
    assert query_count(lambda: get(client, commune_a, large)) == query_count(lambda: get(client, commune_a, small))


# --- Demo content ----------------------------------------------------------------------------------


def test_demo_seeding_is_idempotent_and_makes_a_playable_mp4(client, commune_a):
    def counts():
        return (
            VideoPage.objects.descendant_of(commune_a.home_page).count(),
            GalleryPage.objects.descendant_of(commune_a.home_page).count(),
            GalleryImage.objects.count(),
            get_media_model().objects.filter(collection=commune_a.collection).count(),
            get_image_model().objects.filter(collection=commune_a.collection).count(),
            get_document_model().objects.filter(collection=commune_a.collection).count(),
            Page.objects.count(),
        )

    demo.seed_commune(commune_a)
    first = counts()
    demo.seed_commune(commune_a)
    assert counts() == first
    assert first[:2] == (3, 2)

    videos = VideoPage.objects.descendant_of(commune_a.home_page).live()
    assert videos.exclude(youtube_url="").count() == 1
    captioned = videos.exclude(captions=None).get()
    assert captioned.video.file.name.endswith(".mp4")
    assert captioned.video.collection_id == commune_a.collection_id

    data = captioned.video.file.read()
    assert len(data) < 200 * 1024
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (320, 180)
        assert sum(1 for _ in container.decode(stream)) == demo.VIDEO_FPS * demo.VIDEO_SECONDS

    for album in GalleryPage.objects.descendant_of(commune_a.home_page):
        assert 4 <= album.gallery_images.count() <= 6
        assert all(photo.image.description for photo in album.gallery_images.all())
    assert "<track" in get(client, commune_a, captioned)


def test_every_label_an_officer_reads_is_vietnamese():
    for model, names in (
        (VideoPage, ("video", "captions", "youtube_url", "poster", "description", "duration")),
        (GalleryPage, ("date", "description", "cover_image")),
        (GalleryImage, ("image", "caption")),
        (VideoPageProcedure, ("procedure",)),
    ):
        for name in names:
            field = model._meta.get_field(name)
            assert VIETNAMESE_LETTER.search(str(field.verbose_name)), (model, name)
            assert VIETNAMESE_LETTER.search(str(field.help_text)), (model, name)


@pytest.mark.parametrize("model", ["videopage", "gallerypage"])
def test_officer_opens_the_add_forms_in_the_admin(client, commune_a, editor_a, model):
    client.force_login(editor_a)
    parent = video_index(commune_a) if model == "videopage" else gallery_index(commune_a)
    response = client.get(f"/admin/pages/add/videos/{model}/{parent.pk}/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    body = response.content.decode()
    if model == "videopage":
        assert "Cách 1: tải video lên" in body and "Thủ tục liên quan" in body
    else:
        assert "Ảnh trong album" in body


def test_officer_opens_the_edit_form_of_a_video(client, commune_a, editor_a):
    client.force_login(editor_a)
    page = add_video(commune_a, video=make_video_file(commune_a), captions=make_captions(commune_a))
    response = client.get(f"/admin/pages/{page.pk}/edit/", HTTP_HOST=commune_a.hostname)
    assert response.status_code == 200
    assert "Video khai sinh" in response.content.decode()
