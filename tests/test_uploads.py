"""Hostile files, generated here, are refused at upload with a Vietnamese message; good files pass."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model

from media.uploads import MAX_IMAGE_PIXELS


def png_bytes(size=(40, 30), colour="#336699") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A PNG whose header claims 20000×20000 pixels in a few hundred bytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * 64
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * 4)) + chunk(b"IEND", b"")


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (60, 40), "#aa3300")
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh thử"  # Make
    exif[0x0112] = 1  # Orientation
    gps = {1: "N", 2: (21.0, 35.0, 10.0), 3: "E", 4: (105.0, 50.0, 20.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>Kế hoạch</w:document>")
    return out.getvalue()


def zip_bomb(extension="docx") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 200
HOSTILE_IMAGES = [
    ("svg-co-script.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("svg-doi-ten.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("html-doi-ten.jpg", b"<html><script>alert(1)</script></html>"),
    ("bom-anh.png", png_bomb()),
]
HOSTILE_DOCUMENTS = [
    ("trang-web.pdf", b"<html><body><script>alert(document.cookie)</script></body></html>"),
    ("da-dang.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"),
    ("chuong-trinh.pdf", b"MZ\x90\x00" + b"\x00" * 500),
    ("chuong-trinh.docx", b"MZ\x90\x00" + b"\x00" * 500),
    ("khong-phai-word.doc", b"Day la van ban thuong"),
    ("bom-nen.docx", zip_bomb()),
    ("zip-chua-exe.zip", None),  # filled below
    ("phu-de.vtt", b"<script>alert(1)</script>"),
]


def _zip_with_exe() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("cai-dat.exe", b"MZ" + b"\x00" * 100)
    return out.getvalue()


HOSTILE_DOCUMENTS[6] = ("zip-chua-exe.zip", _zip_with_exe())


def vietnamese(text: str) -> bool:
    """A non-empty message written in Vietnamese (it has Vietnamese letters)."""
    return bool(text) and any(
        ch in "ăâđêôơưàáạảãầấậẩẫằắặẳẵèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ" for ch in text.lower()
    )


def upload(client, commune, url, name, content, **fields):
    data = {"title": name, "collection": commune.collection_id, **fields}
    data["file"] = SimpleUploadedFile(name, content)
    return client.post(url, data, HTTP_HOST=commune.hostname)


@pytest.fixture
def officer(client, editor_a):
    client.force_login(editor_a)
    return client


@pytest.mark.parametrize("name,content", HOSTILE_IMAGES, ids=[n for n, _ in HOSTILE_IMAGES])
def test_hostile_images_are_refused(officer, commune_a, name, content):
    response = upload(officer, commune_a, "/admin/images/add/", name, content)
    assert response.status_code == 200  # the form again, with the error
    errors = " ".join(str(e) for e in response.context["form"].errors.get("file", []))
    assert vietnamese(errors), errors
    assert get_image_model().objects.count() == 0


@pytest.mark.parametrize("name,content", HOSTILE_DOCUMENTS, ids=[n for n, _ in HOSTILE_DOCUMENTS])
def test_hostile_documents_are_refused(officer, commune_a, name, content):
    response = upload(officer, commune_a, "/admin/documents/add/", name, content)
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get("file", []))
    assert vietnamese(errors), errors
    assert get_document_model().objects.count() == 0


def test_an_oversized_document_is_refused(officer, commune_a, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024 * 1024
    response = upload(officer, commune_a, "/admin/documents/add/", "qua-lon.pdf", PDF + b"0" * (2 * 1024 * 1024))
    errors = " ".join(str(e) for e in response.context["form"].errors.get("file", []))
    assert "quá lớn" in errors.lower() or "dung lượng" in errors.lower(), errors
    assert get_document_model().objects.count() == 0


def test_an_image_over_the_pixel_cap_is_refused_even_if_it_decodes(officer, commune_a):
    side = int(MAX_IMAGE_PIXELS**0.5) + 10
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    response = upload(officer, commune_a, "/admin/images/add/", "qua-lon.png", out.getvalue())
    assert response.context["form"].errors.get("file")
    assert get_image_model().objects.count() == 0


@pytest.mark.parametrize(
    "name,content",
    [("trang-web.mp4", b"<html><script>alert(1)</script></html>"), ("chuong-trinh.webm", b"MZ" + b"\x00" * 200)],
)
def test_hostile_videos_are_refused(officer, commune_a, name, content):
    response = upload(officer, commune_a, "/admin/media/video/add/", name, content)
    assert response.status_code == 200
    assert "video" in " ".join(str(e) for e in response.context["form"].errors.get("file", [])).lower()
    assert get_media_model().objects.count() == 0


def test_gps_and_camera_metadata_are_removed_from_stored_photos(officer, commune_a):
    response = upload(officer, commune_a, "/admin/images/add/", "anh-co-gps.jpg", jpeg_with_gps())
    assert response.status_code == 302, response.context["form"].errors
    image = get_image_model().objects.get()
    with image.file.open("rb") as stored, Image.open(stored) as photo:
        exif = photo.getexif()
        assert not exif.get_ifd(0x8825)  # no GPS block
        assert 0x010F not in exif  # no camera make
        assert photo.size == (60, 40)
    assert image.commune_id == commune_a.pk


@pytest.mark.parametrize(
    "url,name,content",
    [
        ("/admin/images/add/", "anh-dep.png", png_bytes()),
        ("/admin/documents/add/", "ke-hoach.pdf", PDF),
        ("/admin/documents/add/", "ke-hoach.docx", docx_bytes()),
        ("/admin/documents/add/", "phu-de.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào\n".encode()),
    ],
)
def test_good_files_are_accepted(officer, commune_a, url, name, content):
    response = upload(officer, commune_a, url, name, content)
    assert response.status_code == 302, response.context["form"].errors


def test_a_real_video_is_accepted(officer, commune_a):
    from pages.videos.demo import howto_video_bytes

    response = upload(
        officer, commune_a, "/admin/media/video/add/", "huong-dan.mp4", howto_video_bytes("Hướng dẫn thử")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert get_media_model().objects.get().commune_id == commune_a.pk
