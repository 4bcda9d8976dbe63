"""Checks on what an officer enters for a video: a real YouTube address and a real WebVTT captions file."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtu.be"}
_VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_PATH_PREFIXES = ("/embed/", "/shorts/", "/live/", "/v/")


def youtube_video_id(url: str) -> str | None:
    """The 11-character video id of a youtube.com or youtu.be address, or None if it is not one."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in YOUTUBE_HOSTS:
        return None
    if host.endswith("youtu.be"):
        candidate = parts.path.strip("/").split("/")[0]
    elif parts.path in ("/watch", "/watch/"):
        candidate = (parse_qs(parts.query).get("v") or [""])[0]
    else:
        prefix = next((p for p in _PATH_PREFIXES if parts.path.startswith(p)), None)
        candidate = parts.path[len(prefix) :].split("/")[0] if prefix else ""
    return candidate if _VIDEO_ID.match(candidate) else None


def validate_youtube_url(value: str) -> None:
    if value and youtube_video_id(value) is None:
        raise ValidationError(
            _(
                "Đây không phải địa chỉ một video trên YouTube. Hãy mở video trên YouTube, bấm “Chia sẻ” "
                "rồi dán địa chỉ dạng https://youtu.be/… hoặc https://www.youtube.com/watch?v=…"
            ),
            code="youtube_url",
        )


def validate_webvtt(document) -> None:
    """The captions document must be a .vtt file whose first line is WEBVTT (the format browsers read)."""
    name = (document.file.name or "").lower()
    if not name.endswith(".vtt"):
        raise ValidationError(_("Tệp phụ đề phải có đuôi .vtt (định dạng WebVTT)."), code="webvtt_extension")
    try:
        with document.file.open("rb") as handle:
            head = handle.read(64)
    except OSError:
        raise ValidationError(_("Không đọc được tệp phụ đề. Hãy tải tệp lên lại."), code="webvtt_missing") from None
    head = head.removeprefix(b"\xef\xbb\xbf")
    first_line = head.splitlines()[0] if head else b""
    if not (first_line == b"WEBVTT" or first_line.startswith((b"WEBVTT ", b"WEBVTT\t"))):
        raise ValidationError(
            _(
                "Tệp phụ đề không đúng định dạng WebVTT: dòng đầu tiên của tệp phải là chữ WEBVTT. "
                "Hãy mở tệp bằng Notepad, thêm dòng WEBVTT ở đầu, lưu lại rồi tải lên lại."
            ),
            code="webvtt_header",
        )
