"""Demo data of Thái Nguyên province: an alert to two communes, a planned outage notice, a shared article and document.

Province-level content, seeded from the first demo commune of the province that reaches here; created once
(looked up by title or number), so running `seed_demo` again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from wagtail.rich_text import RichText

from sites.models import Commune
from sites.workdays import add_working_days

from .models import AlertKind, ProvinceAlert

DEMO_PROVINCE = "thai-nguyen"
ALERT_TITLE = "Mưa lớn diện rộng, nguy cơ lũ quét và sạt lở đất"
OUTAGE_TITLE = "Tạm ngừng Cổng Dịch vụ công tỉnh để nâng cấp hệ thống"
ARTICLE_TITLE = "Thái Nguyên phát động phong trào “Bình dân học vụ số” năm 2026"
DOCUMENT_NUMBER = "1250/UBND-KT"


def seed_commune(commune) -> None:
    """Seed the province's items once, when called for a commune of the demo province."""
    province = commune.province
    if province.slug != DEMO_PROVINCE or province.page_id is None:
        return
    from sites.services import province_sections_ensure

    province_sections_ensure(province)
    communes = list(Commune.objects.listed().filter(province=province).order_by("pk")[:2])
    _alerts(province, communes)
    _article(province)
    _document(province, communes)


def _alerts(province, communes) -> None:
    from .services import alert_publish

    now = timezone.now()
    if not ProvinceAlert.objects.filter(province=province, title=ALERT_TITLE).exists():
        alert_publish(
            province=province,
            communes=communes,
            kind=AlertKind.DISASTER,
            title=ALERT_TITLE,
            text=(
                "Từ đêm nay đến hết ngày kia có mưa to đến rất to. Người dân không đi qua ngầm, tràn, suối khi có "
                "nước lũ; di chuyển khỏi nơi có nguy cơ sạt lở theo hướng dẫn của chính quyền địa phương."
            ),
            starts_at=now - timedelta(hours=1),
            expires_at=now + timedelta(days=7),
        )
    if not ProvinceAlert.objects.filter(province=province, title=OUTAGE_TITLE).exists():
        # Decree 224 Art. 13: announced today, so the stop may start 7 working days from now at the earliest.
        day = add_working_days(timezone.localdate(), 8)
        start = timezone.make_aware(datetime.combine(day, time(22, 0)))
        alert_publish(
            province=province,
            all_communes=True,
            kind=AlertKind.PLANNED_OUTAGE,
            title=OUTAGE_TITLE,
            text="Trong thời gian này, người dân nộp hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia.",
            link_url="https://dichvucong.gov.vn",
            starts_at=now - timedelta(minutes=5),
            outage_starts_at=start,
            restore_expected_at=start + timedelta(hours=8),
            expires_at=start + timedelta(days=1),
        )


def _article(province) -> None:
    from pages.news.models import ArticlePage, NewsIndexPage

    section = NewsIndexPage.objects.child_of(province.page).first()
    if section is None or ArticlePage.objects.child_of(section).filter(title=ARTICLE_TITLE).exists():
        return
    published = timezone.now() - timedelta(days=1)
    article = ArticlePage(
        title=ARTICLE_TITLE,
        slug="phat-dong-binh-dan-hoc-vu-so-2026",
        summary=(
            "UBND tỉnh phát động phong trào giúp mọi người dân biết dùng dịch vụ công trực tuyến, "
            "thanh toán không dùng tiền mặt và nhận diện lừa đảo trên mạng."
        ),
        body=[
            (
                "paragraph",
                RichText(
                    "<p>Mỗi xã, phường thành lập tổ công nghệ số cộng đồng, hướng dẫn người dân cài đặt VNeID, "
                    "nộp hồ sơ trực tuyến và tra cứu kết quả giải quyết thủ tục hành chính.</p>"
                ),
            )
        ],
        date=published,
        first_published_at=published,
        author="Văn phòng UBND tỉnh",
        share_with_all_communes=True,
    )
    section.add_child(instance=article)
    article.save_revision().publish()


def _document(province, communes) -> None:
    from pages.guidance.models import DocumentIndexPage, DocumentType, GuidingDocumentPage

    section = DocumentIndexPage.objects.child_of(province.page).first()
    if section is None or GuidingDocumentPage.objects.child_of(section).filter(number=DOCUMENT_NUMBER).exists():
        return
    document = GuidingDocumentPage(
        title="Chủ động ứng phó mưa lớn, lũ quét, sạt lở đất",
        slug="1250-ubnd-kt",
        number=DOCUMENT_NUMBER,
        document_type=DocumentType.CONG_VAN,
        issuing_body=f"UBND tỉnh {province.name}",
        signer="Phó Chủ tịch UBND tỉnh",
        date_issued=timezone.localdate() - timedelta(days=2),
        summary="Về việc chủ động ứng phó với mưa lớn, lũ quét, sạt lở đất trên địa bàn tỉnh.",
        field="Nông nghiệp và Môi trường",
    )
    section.add_child(instance=document)
    document.shared_communes.set(communes)
    document.save_revision().publish()
