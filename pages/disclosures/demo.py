"""Demo disclosures for a commune over the last two quarters: one posted late, two permanent. Idempotent."""

from __future__ import annotations

import textwrap
from datetime import timedelta

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from pages.guidance.demo import minimal_pdf
from sites.text import fold, vn_slugify

from .models import DisclosureAttachment, DisclosureChannel, DisclosureGroup, DisclosureIndexPage, DisclosurePage, today

G = DisclosureGroup
C = DisclosureChannel
WEB, BOARD, SPEAKER, MEETING, HOUSE = C.WEBSITE, C.NOTICE_BOARD, C.LOUDSPEAKER, C.MEETING, C.CULTURAL_HOUSE

# (slug, group, posted days ago, days from decision to posting, number, title, summary, channels, PDF)
DEMO_DISCLOSURES = (
    (
        "du-toan-ngan-sach-2026",
        G.BUDGET,
        150,
        2,
        "45/QĐ-UBND",
        "Công khai tình hình thực hiện dự toán ngân sách 6 tháng đầu năm",
        "Báo cáo tình hình thực hiện dự toán thu, chi ngân sách xã 6 tháng đầu năm và nhiệm vụ 6 tháng cuối năm.",
        (WEB, BOARD),
        True,
    ),
    (
        "quy-che-dan-chu-o-co-so",
        G.DEMOCRACY_REGULATION,
        140,
        3,
        "30/QĐ-UBND",
        "Quy chế thực hiện dân chủ trong hoạt động của Ủy ban nhân dân xã",
        "Quy chế thực hiện dân chủ, nhiệm vụ của cán bộ, công chức và quy tắc ứng xử khi tiếp công dân.",
        (WEB, BOARD, HOUSE),
        True,
    ),
    (
        "danh-sach-ho-ngheo-duoc-ho-tro",
        G.SUPPORT_POLICIES,
        120,
        1,
        "52/QĐ-UBND",
        "Danh sách hộ nghèo, hộ cận nghèo được hỗ trợ tiền điện",
        "Danh sách hộ nghèo, hộ cận nghèo được hỗ trợ tiền điện quý III theo chính sách của Nhà nước.",
        (BOARD, HOUSE, SPEAKER),
        False,
    ),
    (
        "quy-phong-chong-thien-tai",
        G.FUNDS,
        105,
        2,
        "58/TB-UBND",
        "Kết quả thu, chi Quỹ phòng, chống thiên tai",
        "Công khai kết quả vận động, thu nộp và sử dụng Quỹ phòng, chống thiên tai trên địa bàn xã.",
        (WEB, BOARD, MEETING),
        False,
    ),
    (
        "ke-hoach-su-dung-dat",
        G.INVESTMENT_LAND,
        95,
        21,  # posted late: the warning's example in the demo
        "61/QĐ-UBND",
        "Kế hoạch sử dụng đất và danh mục công trình thu hồi đất",
        "Kế hoạch sử dụng đất năm sau và danh mục công trình, dự án phải thu hồi đất trên địa bàn xã.",
        (WEB, BOARD),
        True,
    ),
    (
        "ho-tro-bao-so-3",
        G.RELIEF,
        75,
        1,
        "70/QĐ-UBND",
        "Phân bổ tiền, hàng ủng hộ khắc phục hậu quả bão",
        "Danh sách hộ gia đình bị thiệt hại và mức hỗ trợ từ nguồn ủng hộ khắc phục hậu quả bão.",
        (WEB, BOARD, SPEAKER),
        False,
    ),
    (
        "danh-sach-goi-nhap-ngu",
        G.MILITARY,
        40,
        2,
        "88/QĐ-UBND",
        "Danh sách công dân gọi nhập ngũ năm sau",
        "Danh sách công dân đủ điều kiện gọi nhập ngũ và thực hiện nghĩa vụ tham gia Công an nhân dân.",
        (BOARD, SPEAKER, HOUSE),
        False,
    ),
    (
        "muc-thu-phi-cho",
        G.FEES,
        25,
        3,
        "92/QĐ-UBND",
        "Mức thu phí sử dụng diện tích bán hàng tại chợ xã",
        "Công khai mức thu phí sử dụng diện tích bán hàng tại chợ xã áp dụng từ quý IV.",
        (WEB, BOARD),
        False,
    ),
    (
        "thu-tuc-hanh-chinh-cap-xa",
        G.PROCEDURES,
        20,
        2,
        "95/QĐ-UBND",
        "Danh mục thủ tục hành chính giải quyết tại Bộ phận Một cửa",
        "Danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã, thời hạn và phí, lệ phí.",
        (WEB, BOARD),
        True,
    ),
    (
        "ket-qua-lay-y-kien-quy-hoach",
        G.CONSULTATION,
        8,
        2,
        "101/TB-UBND",
        "Kết quả lấy ý kiến Nhân dân về quy hoạch khu dân cư",
        "Tổng hợp ý kiến của Nhân dân và việc tiếp thu, giải trình về đồ án quy hoạch chi tiết khu dân cư.",
        (WEB, MEETING),
        False,
    ),
    (
        "tai-san-cong-nam-2026",
        G.PUBLIC_ASSETS,
        0,  # posted today: the current quarter always has an item
        1,
        "104/BC-UBND",
        "Tình hình quản lý, sử dụng tài sản công",
        "Báo cáo tình hình quản lý, sử dụng tài sản công của Ủy ban nhân dân xã.",
        (WEB, BOARD),
        False,
    ),
)


def _attachment(commune, slug, number, title, posted):
    lines = [commune.agency_name, f"So: {number}", f"Ngay {posted:%d/%m/%Y}", ""] + textwrap.wrap(fold(title), 80)
    document = get_document_model()(
        title=f"{number} – {title}",
        file=ContentFile(minimal_pdf(lines), name=f"cong-khai-{slug}.pdf"),
        collection=commune.collection,
    )
    document._set_document_file_metadata()
    document.save()
    return DisclosureAttachment(document=document, caption=f"Văn bản số {number}")


def seed_commune(commune) -> None:
    """Add the demo disclosures this commune's section does not have yet (by slug)."""
    if commune.home_page_id is None:
        return
    index = DisclosureIndexPage.objects.child_of(commune.home_page).first()
    if index is None:
        return
    existing = set(DisclosurePage.objects.child_of(index).values_list("slug", flat=True))
    now = today()
    for slug, group, ago, lag, number, title, summary, channels, pdf in DEMO_DISCLOSURES:
        if slug in existing:
            continue
        posted = now - timedelta(days=ago)
        page = DisclosurePage(
            title=title,
            slug=vn_slugify(slug),
            group=group,
            decision_number=number,
            decision_date=posted - timedelta(days=lag),
            posted_date=posted,
            channels=[c.value for c in channels],
            summary=summary,
            body=f"<p>{summary}</p>",
        )
        if pdf:
            page.attachments = [_attachment(commune, slug, number, title, posted)]
        index.add_child(instance=page)
        page.save_revision().publish()
