"""Demo guiding documents for a commune, each with a small hand-made PDF. Idempotent."""

from __future__ import annotations

import textwrap
from datetime import date

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from sites.text import fold, vn_slugify

from .models import DocumentIndexPage, DocumentStatus, DocumentType, GuidingDocumentFile, GuidingDocumentPage

T = DocumentType

# (number, type, date issued, title, summary, field, signer, expiry date or None)
DEMO_DOCUMENTS = (
    (
        "96/KH-UBND",
        T.KE_HOACH,
        date(2025, 8, 20),
        "Kế hoạch tổ chức Tết Trung thu năm 2025",
        "Kế hoạch tổ chức vui Tết Trung thu cho thiếu nhi trên địa bàn xã năm 2025.",
        "Văn hóa – Xã hội",
        "Phó Chủ tịch",
        None,
    ),
    (
        "15/QĐ-UBND",
        T.QUYET_DINH,
        date(2025, 7, 1),
        "Quyết định ban hành Quy chế làm việc của UBND xã",
        "Quyết định ban hành Quy chế làm việc của Ủy ban nhân dân xã nhiệm kỳ 2021–2026 sau sắp xếp đơn vị hành chính.",
        "Nội vụ",
        "Chủ tịch",
        None,
    ),
    (
        "210/UBND-VP",
        T.CONG_VAN,
        date(2025, 9, 12),
        "Về việc triển khai dịch vụ công trực tuyến toàn trình",
        "Công văn về việc đẩy mạnh tiếp nhận, giải quyết hồ sơ dịch vụ công trực tuyến toàn trình"
        " trên Cổng Dịch vụ công quốc gia.",
        "Chuyển đổi số",
        "Chủ tịch",
        None,
    ),
    (
        "45/TB-UBND",
        T.THONG_BAO,
        date(2025, 10, 3),
        "Thông báo lịch tiếp công dân quý IV năm 2025",
        "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND xã quý IV năm 2025.",
        "Hành chính – Tổng hợp",
        "Chủ tịch",
        None,
    ),
    (
        "02/CT-UBND",
        T.CHI_THI,
        date(2025, 1, 10),
        "Chỉ thị tăng cường phòng cháy, chữa cháy dịp Tết Nguyên đán",
        "Chỉ thị về tăng cường công tác phòng cháy, chữa cháy và cứu nạn, cứu hộ dịp Tết Nguyên đán Ất Tỵ 2025.",
        "Quốc phòng – An ninh",
        "Chủ tịch",
        None,
    ),
    (
        "08/NQ-HĐND",
        T.NGHI_QUYET,
        date(2024, 12, 20),
        "Nghị quyết dự toán ngân sách xã năm 2025",
        "Nghị quyết về dự toán thu, chi ngân sách xã và phân bổ dự toán ngân sách năm 2025.",
        "Tài chính – Ngân sách",
        "Chủ tịch HĐND",
        None,
    ),
    (
        "120/BC-UBND",
        T.BAO_CAO,
        date(2024, 12, 5),
        "Báo cáo tình hình kinh tế – xã hội năm 2024",
        "Báo cáo tình hình thực hiện nhiệm vụ phát triển kinh tế – xã hội năm 2024, phương hướng nhiệm vụ năm 2025.",
        "Kinh tế",
        "Chủ tịch",
        None,
    ),
    (
        "33/TTr-UBND",
        T.TO_TRINH,
        date(2024, 11, 18),
        "Tờ trình đề nghị phê duyệt kế hoạch đầu tư công trung hạn",
        "Tờ trình đề nghị Hội đồng nhân dân xã phê duyệt điều chỉnh kế hoạch đầu tư công trung hạn"
        " giai đoạn 2021–2025.",
        "Tài chính – Ngân sách",
        "Chủ tịch",
        None,
    ),
    (
        "27/GM-UBND",
        T.GIAY_MOI,
        date(2025, 11, 4),
        "Giấy mời dự hội nghị đối thoại với Nhân dân",
        "Giấy mời dự hội nghị đối thoại giữa Chủ tịch UBND xã với Nhân dân về công tác quản lý đất đai.",
        "Đất đai",
        "Chủ tịch",
        None,
    ),
    (
        "05/HD-UBND",
        T.HUONG_DAN,
        date(2025, 3, 14),
        "Hướng dẫn thu gom, phân loại rác thải sinh hoạt",
        "Hướng dẫn phân loại rác thải sinh hoạt tại nguồn và lịch thu gom rác tại các thôn, tổ dân phố.",
        "Nông nghiệp và Môi trường",
        "Phó Chủ tịch",
        None,
    ),
    (
        "78/KH-UBND",
        T.KE_HOACH,
        date(2024, 6, 10),
        "Kế hoạch phòng, chống thiên tai năm 2024",
        "Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn trên địa bàn xã năm 2024.",
        "Quốc phòng – An ninh",
        "Phó Chủ tịch",
        date(2024, 12, 31),
    ),
    (
        "52/QĐ-UBND",
        T.QUYET_DINH,
        date(2024, 4, 22),
        "Quyết định công nhận thôn đạt chuẩn nông thôn mới kiểu mẫu",
        "Quyết định công nhận thôn Trung Tâm đạt chuẩn nông thôn mới kiểu mẫu năm 2024.",
        "Nông nghiệp và Môi trường",
        "Chủ tịch",
        None,
    ),
    (
        "140/UBND-TP",
        T.CONG_VAN,
        date(2023, 10, 9),
        "Về việc rà soát hồ sơ hộ tịch tồn đọng",
        "Công văn về việc rà soát, số hóa sổ hộ tịch và giải quyết hồ sơ hộ tịch tồn đọng.",
        "Tư pháp – Hộ tịch",
        "Phó Chủ tịch",
        None,
    ),
    (
        "61/KH-UBND",
        T.KE_HOACH,
        date(2023, 5, 15),
        "Kế hoạch tuyển chọn và gọi công dân nhập ngũ năm 2024",
        "Kế hoạch tuyển chọn và gọi công dân nhập ngũ, thực hiện nghĩa vụ tham gia Công an nhân dân năm 2024.",
        "Quốc phòng – An ninh",
        "Chủ tịch",
        None,
    ),
    (
        "12/TB-UBND",
        T.THONG_BAO,
        date(2023, 2, 6),
        "Thông báo kết quả lấy ý kiến Nhân dân về quy hoạch khu dân cư",
        "Thông báo kết quả lấy ý kiến Nhân dân về đồ án quy hoạch chi tiết khu dân cư phía Đông xã.",
        "Xây dựng – Giao thông",
        "Phó Chủ tịch",
        None,
    ),
)

_SIGNERS = {"Chủ tịch": "Nguyễn Văn Hùng", "Phó Chủ tịch": "Trần Thị Mai", "Chủ tịch HĐND": "Lê Văn Bình"}


def _pdf_text(value: str) -> str:
    """ASCII text safe inside a PDF string literal."""
    ascii_text = fold(value).encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing lines of text in Helvetica; a few hundred bytes, no library needed."""
    text_ops = ["BT", "/F1 12 Tf", "50 790 Td", "16 TL"]
    for line in lines:
        text_ops.append(f"({_pdf_text(line)}) Tj T*")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_at)
    return bytes(out)


def seed_commune(commune) -> None:
    """Add the demo documents that this commune's documents section does not have yet."""
    if commune.home_page_id is None:
        return
    index = DocumentIndexPage.objects.child_of(commune.home_page).first()
    if index is None:
        return
    existing = set(GuidingDocumentPage.objects.child_of(index).values_list("slug", flat=True))
    Document = get_document_model()
    for number, doc_type, issued, title, summary, field, role, expiry in DEMO_DOCUMENTS:
        slug = vn_slugify(f"{number} {issued.year}")
        if slug in existing:
            continue
        lines = [commune.agency_name, f"So: {number}", f"Ngay {issued:%d/%m/%Y}", ""]
        lines += textwrap.wrap(fold(summary), 80)
        document = Document(
            title=f"{number} – {title}",
            file=ContentFile(minimal_pdf(lines), name=f"{slug}.pdf"),
            collection=commune.collection,
        )
        document._set_document_file_metadata()  # size and hash, as Wagtail's upload form does
        document.save()
        page = GuidingDocumentPage(
            title=title,
            slug=slug,
            number=number,
            document_type=doc_type,
            issuing_body=commune.agency_name if not number.endswith("HĐND") else f"HĐND {commune.kind} {commune.name}",
            signer=f"{_SIGNERS[role]} – {role}",
            date_issued=issued,
            date_effective=issued,
            summary=summary,
            field=field,
            status=DocumentStatus.EXPIRED if expiry else DocumentStatus.IN_FORCE,
            expiry_date=expiry,
        )
        page.attachments = [GuidingDocumentFile(document=document)]
        index.add_child(instance=page)
        page.save_revision().publish()
