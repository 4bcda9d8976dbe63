"""Upload safety: what a file is comes from its bytes, never from its name.

Each check returns nothing or raises UploadRejected with a Vietnamese message an officer can act
on. The admin forms (media/forms.py) call them for every image, document and video upload.
"""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

# Images: Wagtail already decodes the file and refuses an extension that disagrees with the
# content; this adds a pixel cap and drops metadata (GPS position, camera, owner) before storing.
MAX_IMAGE_PIXELS = 40_000_000  # 8000 × 5000: any phone photo, far below a decompression bomb
MAX_VIDEO_BYTES = 300 * 1024 * 1024
# Office files are ZIP archives; a small file that inflates to gigabytes is a zip bomb.
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_MEMBERS = 5_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls
_ZIP = b"PK\x03\x04"
# Text a browser would run as a page or script, wherever it hides in the first kilobytes.
_ACTIVE_MARKERS = (b"<html", b"<script", b"<!doctype html", b"<svg", b"<iframe", b"<body", b"javascript:")


class UploadRejected(ValueError):
    pass


def _head(file, size=8192) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _has_active_content(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker in lowered for marker in _ACTIVE_MARKERS)


# --- Documents ----------------------------------------------------------------------------

OFFICE_ZIP_MARKERS = {
    "docx": "word/",
    "xlsx": "xl/",
    "odt": "mimetypeapplication/vnd.oasis.opendocument.text",
    "ods": "mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
}


def check_document(file, extension: str) -> None:
    """The file's bytes must be the kind its extension promises, and nothing a browser would run."""
    extension = extension.lower().lstrip(".")
    head = _head(file)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        raise UploadRejected("Tệp là chương trình chạy được (.exe); không được phép tải lên.")
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            raise UploadRejected("Tệp không phải PDF thật (nội dung không bắt đầu bằng %PDF). Hãy xuất lại tệp PDF.")
        if _has_active_content(head):
            raise UploadRejected("Tệp PDF có chứa mã trang web (HTML/script); không được phép tải lên.")
    elif extension in ("doc", "xls"):
        if not head.startswith(_OLE2):
            raise UploadRejected(f"Tệp không phải tệp .{extension} của Microsoft Office. Hãy lưu lại bằng Word/Excel.")
    elif extension in ("docx", "xlsx", "odt", "ods", "zip"):
        if not head.startswith(_ZIP):
            raise UploadRejected(f"Tệp không phải tệp .{extension} hợp lệ (không phải gói nén ZIP).")
        check_zip(file, extension)
    elif extension == "vtt":
        text = head.lstrip(b"\xef\xbb\xbf")
        if not text.startswith(b"WEBVTT"):
            raise UploadRejected("Tệp phụ đề phải là WebVTT: dòng đầu tiên là WEBVTT.")
        if _has_active_content(head):
            raise UploadRejected("Tệp phụ đề có chứa mã trang web (HTML/script); không được phép tải lên.")
    else:
        raise UploadRejected(f"Không nhận tệp .{extension}.")


def check_zip(file, extension: str) -> None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UploadRejected("Tệp nén có quá nhiều tệp bên trong.")
            total = sum(m.file_size for m in members)
            packed = max(1, sum(m.compress_size for m in members))
            if total > MAX_ZIP_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO:
                raise UploadRejected("Tệp nén giải nén ra quá lớn (nghi là “bom nén”); không được phép tải lên.")
            names = [m.filename for m in members]
            if extension in ("docx", "xlsx") and not any(n.startswith(OFFICE_ZIP_MARKERS[extension]) for n in names):
                raise UploadRejected(f"Tệp không phải tệp .{extension} của Microsoft Office.")
            if extension in ("odt", "ods"):
                first = archive.read(members[0]) if members and members[0].filename == "mimetype" else b""
                if "mimetype" + first.decode("ascii", "ignore") != OFFICE_ZIP_MARKERS[extension]:
                    raise UploadRejected(f"Tệp không phải tệp .{extension} của OpenDocument.")
            if any(
                n.lower().endswith((".exe", ".bat", ".cmd", ".js", ".vbs", ".ps1", ".scr", ".html", ".htm"))
                for n in names
            ):
                raise UploadRejected("Tệp nén chứa chương trình hoặc trang web; không được phép tải lên.")
    except zipfile.BadZipFile as exc:
        raise UploadRejected("Tệp nén bị hỏng, không mở được.") from exc
    finally:
        file.seek(0)


# --- Videos -------------------------------------------------------------------------------


def check_video(file, extension: str) -> None:
    extension = extension.lower().lstrip(".")
    if file.size > MAX_VIDEO_BYTES:
        raise UploadRejected(f"Video quá lớn (tối đa {MAX_VIDEO_BYTES // (1024 * 1024)} MB). Hãy nén hoặc cắt ngắn.")
    head = _head(file, 64)
    if extension == "mp4" and head[4:8] == b"ftyp":
        return
    if extension == "webm" and head.startswith(b"\x1a\x45\xdf\xa3"):
        return
    raise UploadRejected(f"Tệp không phải video .{extension} thật. Chỉ nhận video MP4 hoặc WebM.")


# --- Images -------------------------------------------------------------------------------


def check_image(file) -> None:
    """Refuse SVG and images too large to decode safely, before anything opens them fully."""
    from PIL import Image

    head = _head(file, 1024)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        raise UploadRejected("Không nhận ảnh SVG hoặc tệp văn bản; hãy dùng ảnh JPEG, PNG hoặc WebP.")
    try:
        with Image.open(file) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise UploadRejected("Ảnh có kích thước điểm ảnh quá lớn; không được phép tải lên.") from exc
    except Exception:  # Wagtail's own field reports unreadable images
        return
    finally:
        file.seek(0)
    if width * height > MAX_IMAGE_PIXELS:
        raise UploadRejected(
            f"Ảnh quá lớn ({width}×{height} điểm ảnh). Hãy thu nhỏ dưới {MAX_IMAGE_PIXELS // 1_000_000} triệu điểm ảnh."
        )


def without_metadata(file):
    """The image re-encoded without EXIF/XMP (GPS, camera, owner), turned upright first.

    Returns the file unchanged when there is nothing to remove or the format is not one we re-encode.
    """
    from PIL import Image, ImageOps

    file.seek(0)
    try:
        image = Image.open(file)
        image.load()
    except Exception:
        file.seek(0)
        return file
    fmt = image.format
    if fmt not in ("JPEG", "PNG", "WEBP") or not (
        image.getexif() or "xmp" in image.info or "XML:com.adobe.xmp" in image.info
    ):
        file.seek(0)
        return file
    image = ImageOps.exif_transpose(image)
    out = io.BytesIO()
    options = {"icc_profile": image.info.get("icc_profile")} if image.info.get("icc_profile") else {}
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=92, optimize=True, **options)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=90, **options)
    else:
        image.save(out, "PNG", optimize=True, **options)
    content_type = getattr(file, "content_type", None) or f"image/{fmt.lower()}"
    return SimpleUploadedFile(file.name, out.getvalue(), content_type=content_type)
