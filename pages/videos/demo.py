"""Demo content: how-to videos and photo albums for one commune, all generated on this machine.

The video is drawn with Pillow and encoded with PyAV (FFmpeg inside the wheel), so nothing is downloaded.
Idempotent: pages are found by slug and files by title in the commune's collection.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia import get_media_model

from pages.sections import STANDARD_SECTIONS
from sites.text import vn_slugify

from .models import (
    GalleryImage,
    GalleryIndexPage,
    GalleryPage,
    VideoIndexPage,
    VideoPage,
    VideoPageProcedure,
)

VIDEO_SIZE = (320, 180)
VIDEO_FPS = 10
VIDEO_SECONDS = 4
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)

BIRTH_CAPTIONS = """WEBVTT

00:00.000 --> 00:02.000
Hướng dẫn đăng ký khai sinh tại Bộ phận một cửa của xã.

00:02.000 --> 00:04.000
Mang theo giấy chứng sinh và căn cước của cha hoặc mẹ.
"""

VIDEOS = (
    {
        "title": "Hướng dẫn đăng ký khai sinh",
        "kind": "upload",
        "captions": True,
        "procedure": "khai sinh",
        "colour": (11, 79, 156),
        "description": (
            "<p>Video hướng dẫn cha, mẹ đăng ký khai sinh cho con tại Bộ phận một cửa: "
            "giấy tờ cần mang theo, cách điền tờ khai và thời gian nhận kết quả.</p>"
        ),
    },
    {
        "title": "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
        "kind": "youtube",
        # A placeholder address: the officer replaces it with the commune's own video.
        "youtube_url": "https://www.youtube.com/watch?v=xaSoDemo001",
        "colour": (165, 14, 14),
        "description": (
            "<p>Các bước đăng nhập bằng tài khoản định danh điện tử VNeID, chọn thủ tục, "
            "tải giấy tờ lên và theo dõi hồ sơ trên Cổng Dịch vụ công quốc gia.</p>"
        ),
    },
    {
        "title": "Hướng dẫn chứng thực bản sao từ bản chính",
        "kind": "upload",
        "captions": False,
        "procedure": "chứng thực bản sao",
        "colour": (21, 110, 60),
        "poster": False,
        "description": "<p>Những giấy tờ được chứng thực bản sao và lệ phí phải nộp.</p>",
    },
)

ALBUMS = (
    {
        "title": "Ra quân làm đường giao thông nông thôn",
        "days_ago": 12,
        "description": "<p>Bà con các thôn cùng đoàn viên thanh niên ra quân bê tông hóa đường liên thôn.</p>",
        "photos": (
            ("Bà con trộn bê tông làm đường liên thôn", "Trộn bê tông đầu thôn"),
            ("Đoàn viên thanh niên chuyển vật liệu bằng xe rùa", "Thanh niên chuyển vật liệu"),
            ("Đoạn đường bê tông mới hoàn thành giữa cánh đồng", "Đoạn đường mới"),
            ("Lãnh đạo xã kiểm tra tiến độ thi công", "Kiểm tra tiến độ"),
            ("Người dân trồng cây xanh hai bên đường", "Trồng cây ven đường"),
        ),
    },
    {
        "title": "Trao quà Tết cho hộ nghèo",
        "days_ago": 40,
        "description": "<p>Ủy ban nhân dân xã trao quà Tết cho các hộ nghèo, hộ cận nghèo và gia đình chính sách.</p>",
        "photos": (
            ("Cán bộ xã trao quà Tết cho một cụ già", "Trao quà tại nhà văn hóa"),
            ("Các hộ nghèo nhận quà tại hội trường xã", "Hội trường xã"),
            ("Đoàn thanh niên chuẩn bị các phần quà", "Chuẩn bị quà"),
            ("Cán bộ thôn đến thăm gia đình chính sách", "Thăm gia đình chính sách"),
        ),
    },
)

SCENES = ((135, 190, 235), (250, 200, 120), (170, 215, 245), (245, 170, 140), (190, 225, 200), (215, 200, 240))


# --- Drawing and encoding ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int):
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + [line] if line else lines


def _draw_frame(title: str, colour: tuple[int, int, int], progress: float, scale: int = 1) -> Image.Image:
    """One frame of the how-to video (scale > 1 draws the same picture larger, for the poster)."""
    width, height = VIDEO_SIZE[0] * scale, VIDEO_SIZE[1] * scale
    margin = 12 * scale
    frame = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(frame)
    draw.text((margin, 10 * scale), "VIDEO HƯỚNG DẪN", font=_font(11 * scale), fill=(255, 230, 150))
    y = 34 * scale
    for line in _wrap(draw, title, _font(18 * scale), width - 2 * margin):
        draw.text((margin, y), line, font=_font(18 * scale), fill="white")
        y += 24 * scale
    bar = (margin, height - 26 * scale, width - margin, height - 16 * scale)
    draw.rectangle(bar, outline="white", width=scale)
    draw.rectangle((bar[0], bar[1], bar[0] + int((bar[2] - bar[0]) * progress), bar[3]), fill=(242, 183, 5))
    return frame


def poster_image_bytes(title: str, colour: tuple[int, int, int]) -> bytes:
    """The video's opening picture at 1280x720, as the poster residents see before pressing play."""
    out = io.BytesIO()
    _draw_frame(title, colour, 0.0, scale=4).save(out, format="JPEG", quality=85)
    return out.getvalue()


def _video_codec() -> str:
    import av

    return "libx264" if "libx264" in av.codecs_available else "mpeg4"


@lru_cache(maxsize=4)
def howto_video_bytes(title: str, colour: tuple[int, int, int] = (11, 79, 156)) -> bytes:
    """A few seconds of MP4 showing the title and a progress bar; made once per process and title."""
    import av

    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream(_video_codec(), rate=VIDEO_FPS)
        stream.width, stream.height = VIDEO_SIZE
        stream.pix_fmt = "yuv420p"
        total = VIDEO_FPS * VIDEO_SECONDS
        for index in range(total):
            frame = av.VideoFrame.from_image(_draw_frame(title, colour, (index + 1) / total))
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def scene_image_bytes(text: str, seed: int, size=(960, 720)) -> bytes:
    """A simple coloured landscape (sky, sun, hills, road) with a caption band, as JPEG."""
    width, height = size
    sky = SCENES[seed % len(SCENES)]
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    sun = width - 220 - (seed % 5) * 60
    draw.ellipse((sun, 60, sun + 100, 160), fill=(255, 214, 64))
    draw.polygon(
        [(0, height * 0.62), (width * 0.35, height * 0.38), (width * 0.7, height * 0.6), (0, height)],
        fill=(70, 140, 70),
    )
    draw.polygon(
        [(width * 0.3, height), (width * 0.75, height * 0.42), (width, height * 0.58), (width, height)],
        fill=(40, 110, 55),
    )
    draw.polygon(
        [(width * 0.42, height), (width * 0.5, height * 0.55), (width * 0.56, height * 0.55), (width * 0.7, height)],
        fill=(150, 150, 150),
    )
    draw.rectangle((0, height - 70, width, height), fill=(0, 0, 0))
    draw.text((24, height - 52), text, font=_font(30), fill="white")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


# --- Files in the commune's collection ---------------------------------------------------------


def _image(commune, title: str, description: str, make_bytes):
    Image_ = get_image_model()
    image = Image_.objects.filter(collection=commune.collection, title=title).first()
    if image is None:
        image = Image_.objects.create(
            title=title,
            description=description,
            collection=commune.collection,
            file=ContentFile(make_bytes(), name=f"{vn_slugify(title)}.jpg"),
        )
    return image


def _video(commune, title: str, colour):
    Media = get_media_model()
    video = Media.objects.filter(collection=commune.collection, title=title).first()
    if video is None:
        video = Media.objects.create(
            title=title,
            type="video",
            duration=VIDEO_SECONDS,
            width=VIDEO_SIZE[0],
            height=VIDEO_SIZE[1],
            collection=commune.collection,
            file=ContentFile(howto_video_bytes(title, colour), name=f"{vn_slugify(title)}.mp4"),
        )
    return video


def _captions(commune, title: str):
    Document = get_document_model()
    document = Document.objects.filter(collection=commune.collection, title=title).first()
    if document is None:
        document = Document.objects.create(
            title=title,
            collection=commune.collection,
            file=ContentFile(BIRTH_CAPTIONS.encode(), name=f"{vn_slugify(title)}.vtt"),
        )
    return document


# --- Pages ---------------------------------------------------------------------------------------


def _section(commune, model):
    home = commune.home_page
    index = model.objects.child_of(home).first()
    if index is None:
        spec = next(s for s in STANDARD_SECTIONS if s.model == f"videos.{model.__name__}")
        index = home.add_child(instance=model(title=spec.title, slug=spec.slug, intro=spec.intro, show_in_menus=True))
    return index


def _procedure(commune, words: str):
    from pages.procedures.models import CommuneProcedure

    if not words:
        return None
    return CommuneProcedure.objects.filter(commune=commune, procedure__name__icontains=words).first()


def _publish(parent, page):
    page = parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def seed_videos(commune) -> None:
    index = _section(commune, VideoIndexPage)
    existing = set(index.get_children().values_list("slug", flat=True))
    for spec in VIDEOS:
        slug = vn_slugify(spec["title"])
        if slug in existing:
            continue
        page = VideoPage(title=spec["title"], slug=slug, description=spec["description"])
        if spec.get("poster", True):
            page.poster = _image(
                commune,
                f"Ảnh đại diện – {spec['title']}",
                f"Ảnh mở đầu video: {spec['title']}",
                lambda spec=spec: poster_image_bytes(spec["title"], spec["colour"]),
            )
        if spec["kind"] == "upload":
            page.video = _video(commune, spec["title"], spec["colour"])
            page.duration = timedelta(seconds=VIDEO_SECONDS)
            if spec.get("captions"):
                page.captions = _captions(commune, f"Phụ đề – {spec['title']}")
        else:
            page.youtube_url = spec["youtube_url"]
        procedure = _procedure(commune, spec.get("procedure", ""))
        if procedure is not None:
            page.linked_procedures = [VideoPageProcedure(procedure=procedure)]
        _publish(index, page)


def seed_galleries(commune) -> None:
    index = _section(commune, GalleryIndexPage)
    existing = set(index.get_children().values_list("slug", flat=True))
    today = date.today()
    for album_number, spec in enumerate(ALBUMS):
        slug = vn_slugify(spec["title"])
        if slug in existing:
            continue
        photos = []
        for n, (description, caption) in enumerate(spec["photos"], start=1):
            seed = album_number * 3 + n

            def make_bytes(description=description, seed=seed):
                return scene_image_bytes(description, seed)

            photos.append(
                GalleryImage(image=_image(commune, f"{spec['title']} – {n}", description, make_bytes), caption=caption)
            )
        album = GalleryPage(
            title=spec["title"],
            slug=slug,
            date=today - timedelta(days=spec["days_ago"]),
            description=spec["description"],
            gallery_images=photos,
        )
        _publish(index, album)


def seed_commune(commune) -> None:
    """Three how-to videos (two uploaded, one on YouTube) and two photo albums for this commune."""
    seed_videos(commune)
    seed_galleries(commune)
