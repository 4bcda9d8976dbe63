"""Demo consultations for a commune: one open (with comments), one closed with its results. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents import get_document_model

from .models import (
    CommentStatus,
    ConsultationComment,
    ConsultationDraftDocument,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationResultDocument,
)

OPEN_SLUG = "du-thao-quy-uoc-thon-nam-2026"
CLOSED_SLUG = "phuong-an-lam-duong-lien-thon"

COMMENTS = (
    (
        "Nguyễn Văn Hải",
        "0912 345 678",
        "Đề nghị bổ sung quy định giờ giữ trật tự buổi tối, sau 22 giờ không hát karaoke.",
        "",
    ),
    ("", "", "Nên quy định rõ mức đóng góp quỹ vệ sinh môi trường cho hộ kinh doanh và hộ gia đình khác nhau.", ""),
    (
        "Trần Thị Lan",
        "lan.tran@example.vn",
        "Tôi đồng ý với dự thảo. Đề nghị có thêm điều khoản khen thưởng gia đình văn hóa tiêu biểu.",
        "Tiếp thu, bổ sung vào Điều 12 của dự thảo.",
    ),
)


def _document(commune, title: str, slug: str, lines: list[str]):
    from pages.guidance.demo import minimal_pdf

    Document = get_document_model()
    found = Document.objects.filter(collection=commune.collection, title=title).first()
    if found is not None:
        return found
    document = Document(
        title=title, file=ContentFile(minimal_pdf(lines), name=f"{slug}.pdf"), collection=commune.collection
    )
    document._set_document_file_metadata()
    document.save()
    return document


def seed_commune(commune) -> None:
    """Add the two demo consultations this commune's section does not have yet."""
    if commune.home_page_id is None:
        return
    index = ConsultationIndexPage.objects.child_of(commune.home_page).first()
    if index is None:
        return
    existing = set(ConsultationPage.objects.child_of(index).values_list("slug", flat=True))
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    if OPEN_SLUG not in existing:
        page = ConsultationPage(
            title="Lấy ý kiến dự thảo Quy ước thôn năm 2026",
            slug=OPEN_SLUG,
            subject="Dự thảo Quy ước thôn (sửa đổi, bổ sung) năm 2026",
            summary=(
                "Ủy ban nhân dân xã lấy ý kiến Nhân dân về dự thảo Quy ước thôn sửa đổi: giữ gìn trật tự, vệ sinh "
                "môi trường, việc cưới, việc tang và xây dựng gia đình văn hóa."
            ),
            body="<p>Dự thảo gồm 5 chương, 24 điều. Mời bà con đọc dự thảo và góp ý trực tiếp trên trang này.</p>",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=20),
            consulted="Toàn thể cử tri và hộ gia đình trong xã.",
            other_channels=(
                "Góp ý tại hội nghị thôn, hộp thư góp ý tại trụ sở UBND xã, hoặc gửi văn bản về Văn phòng UBND."
            ),
        )
        document = _document(
            commune,
            "Dự thảo Quy ước thôn năm 2026",
            f"du-thao-quy-uoc-{commune.slug}",
            [commune.agency_name, "Du thao Quy uoc thon nam 2026"],
        )
        page.draft_documents = [
            ConsultationDraftDocument(document=document, caption="Dự thảo Quy ước thôn (bản lấy ý kiến)")
        ]
        index.add_child(instance=page)
        page.save_revision().publish()
        for offset, (name, contact, text, response) in enumerate(COMMENTS):
            ConsultationComment.objects.create(
                commune=commune,
                page=page,
                name=name,
                contact=contact,
                text=text,
                response=response,
                status=CommentStatus.REVIEWED if response else CommentStatus.NEW,
                created_at=now - timedelta(days=8 - 2 * offset),
            )
    if CLOSED_SLUG not in existing:
        page = ConsultationPage(
            title="Lấy ý kiến phương án làm đường liên thôn",
            slug=CLOSED_SLUG,
            subject="Phương án đầu tư, hướng tuyến và mức đóng góp làm đường bê tông liên thôn",
            summary="Lấy ý kiến về hướng tuyến đường và mức đóng góp của các hộ dân hưởng lợi.",
            body="<p>Phương án gồm hướng tuyến dài 2,4 km, mặt đường rộng 3,5 m và mức đóng góp dự kiến.</p>",
            opens_at=now - timedelta(days=75),
            closes_at=now - timedelta(days=45),
            consulted="Các hộ dân thôn Trung Tâm và thôn Đồng Tâm.",
            results=(
                "<p>Xã nhận được 46 ý kiến: 41 ý kiến đồng ý với hướng tuyến, 5 ý kiến đề nghị điều chỉnh đoạn qua khu "
                "dân cư. UBND xã tiếp thu, điều chỉnh đoạn tuyến qua xóm Giữa và giảm 20% mức đóng góp cho hộ nghèo, "
                "hộ cận nghèo.</p>"
            ),
        )
        report = _document(
            commune,
            "Báo cáo kết quả lấy ý kiến phương án làm đường liên thôn",
            f"ket-qua-lay-y-kien-duong-{commune.slug}",
            [commune.agency_name, "Bao cao ket qua lay y kien"],
        )
        page.result_documents = [ConsultationResultDocument(document=report)]
        index.add_child(instance=page)
        page.save_revision().publish()
