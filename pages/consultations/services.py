"""Business actions on consultations: a resident's comment, an officer's review, the audited export."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from sites.services import ServiceError

from .models import CommentStatus, ConsultationComment, ConsultationPage, ConsultationState

EXPORT_ACTION = "consultations.comments_exported"
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_HEADERS = ("STT", "Thời gian gửi", "Họ và tên", "Liên hệ", "Ý kiến", "Trạng thái", "Trả lời, tiếp thu của xã")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def comment_refusal(page: ConsultationPage, now=None) -> str | None:
    """Why the consultation takes no comment now (before it opens, after it closes), or None."""
    state = page.state(now)
    if state == ConsultationState.UPCOMING:
        return (
            "Đợt lấy ý kiến này chưa bắt đầu: bắt đầu nhận ý kiến lúc "
            f"{timezone.localtime(page.opens_at):%H:%M ngày %d/%m/%Y}."
        )
    if state == ConsultationState.CLOSED:
        return (
            f"Đợt lấy ý kiến này đã kết thúc lúc {timezone.localtime(page.closes_at):%H:%M ngày %d/%m/%Y}, "
            "không nhận thêm ý kiến."
        )
    return None


def comment_submit(page: ConsultationPage, *, text: str, name: str = "", contact: str = "", now=None):
    """Keep a resident's comment on an open consultation; refused before it opens and after it closes."""
    now = now or timezone.now()
    refusal = comment_refusal(page, now)
    if refusal:
        raise ServiceError(refusal)
    commune = page.commune
    if commune is None:
        raise ServiceError("Trang này không thuộc xã/phường nào.")
    with transaction.atomic():
        return ConsultationComment.objects.create(
            commune=commune, page=page, text=text, name=name, contact=contact, created_at=now
        )


def comment_review(comment: ConsultationComment, *, status: str, response: str, user) -> ConsultationComment:
    """An officer's verdict on a comment: reviewed or spam, and how it was taken into account."""
    if status not in CommentStatus.values:
        raise ServiceError("Trạng thái không hợp lệ.")
    with transaction.atomic():
        comment.status = status
        comment.response = response
        comment.reviewed_at = timezone.now()
        comment.reviewed_by = user
        comment.save(update_fields=["status", "response", "reviewed_at", "reviewed_by"])
    return comment


def _cell(value: str) -> str:
    """Residents' text as plain text in a spreadsheet: a leading =, +, - or @ would run as a formula."""
    value = value or ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _rows(comments, *, escape: bool) -> list[list]:
    """One row per comment; for CSV, text that a spreadsheet would read as a formula is escaped."""
    cell = _cell if escape else (lambda value: value or "")
    return [
        [
            number,
            f"{timezone.localtime(c.created_at):%d/%m/%Y %H:%M}",
            cell(c.name),
            cell(c.contact),
            cell(c.text),
            c.get_status_display(),
            cell(c.response),
        ]
        for number, c in enumerate(comments, start=1)
    ]


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _xlsx(page: ConsultationPage, rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Ý kiến"
    sheet.append([f"Ý kiến Nhân dân: {page.title}"])
    sheet["A1"].font = Font(bold=True, size=13)
    opens, closes = timezone.localtime(page.opens_at), timezone.localtime(page.closes_at)
    sheet.append([f"Thời gian lấy ý kiến: {opens:%d/%m/%Y} – {closes:%d/%m/%Y}; số ý kiến: {len(rows)}"])
    sheet.append([])
    sheet.append(list(EXPORT_HEADERS))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    for letter, width in zip("ABCDEFG", (6, 17, 22, 24, 70, 13, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def comments_export(page: ConsultationPage, fmt: str, *, user) -> tuple[bytes, str]:
    """The consultation's comments as CSV or XLSX (oldest first), and an audit entry: who, which, how many."""
    if fmt not in EXPORT_FORMATS:
        raise ServiceError("Định dạng tải về không hợp lệ (chỉ có CSV hoặc Excel).")
    comments = list(ConsultationComment.objects.filter(page=page).order_by("created_at", "pk"))
    rows = _rows(comments, escape=fmt == "csv")
    body = _csv(rows) if fmt == "csv" else _xlsx(page, rows)
    log(
        page,
        EXPORT_ACTION,
        user=user,
        data={"format": fmt, "rows": len(rows), "consultation": page.title},
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return body, f"y-kien-{page.slug}-{stamp}.{fmt}"
