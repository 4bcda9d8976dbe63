"""Demo content for a commune's frame: identity and footer, menu, banners, an urgent notice,
leaders and the contact directory. Idempotent: each part is filled only when still empty.
Pictures are drawn with Pillow; nothing is downloaded."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model

from .models import CommuneIdentity, ContactOfficial, ContactPage, FooterLink, Leader, OrganisationPage
from .site_content import Banner, MenuItem, NavigationSettings, Notice

# Dark enough for white text (checked by validate_brand_colour in the tests).
PALETTE = ("#a50e0e", "#0b4f9c", "#1d6b2f", "#6b2c91", "#8a4b08")
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf")

LEADERS = (
    (
        "Nguyễn Văn An",
        "Bí thư Đảng ủy",
        "Sinh năm 1972. Cử nhân Luật. Nguyên Phó Bí thư Đảng ủy xã.",
        "Lãnh đạo toàn diện công tác của Đảng bộ\nPhụ trách công tác tổ chức, cán bộ",
    ),
    (
        "Trần Thị Bình",
        "Chủ tịch Ủy ban nhân dân",
        "Sinh năm 1978. Thạc sĩ Quản lý công.",
        "Lãnh đạo, điều hành chung hoạt động của UBND\nPhụ trách tài chính, ngân sách, đất đai",
    ),
    (
        "Lê Văn Cường",
        "Phó Chủ tịch Ủy ban nhân dân",
        "Sinh năm 1983. Kỹ sư Nông nghiệp.",
        "Phụ trách kinh tế, nông nghiệp, xây dựng\nPhụ trách Bộ phận một cửa",
    ),
)
OFFICIALS = (
    ("Trần Thị Bình", "Chủ tịch UBND", "0208 3850 001"),
    ("Phạm Thị Dung", "Văn phòng – Thống kê", "0208 3850 002"),
    ("Hoàng Văn Em", "Tư pháp – Hộ tịch", "0208 3850 003"),
    ("Bộ phận một cửa", "Tiếp nhận và trả kết quả thủ tục hành chính", "0208 3850 010"),
)


def seed_commune(commune) -> None:
    if commune.site_id is None or commune.home_page_id is None:
        return
    _seed_identity(commune)
    _seed_menu(commune)
    _seed_banners(commune)
    _seed_notice(commune)
    _seed_leaders(commune)
    _seed_contact(commune)


# --- Pictures --------------------------------------------------------------------


def _font(size: int):
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _picture(size, colour, lines=(), *, circle=False) -> bytes:
    picture = Image.new("RGB", size, colour if not circle else "#f3f0e8")
    draw = ImageDraw.Draw(picture)
    if circle:  # a portrait placeholder: head and shoulders
        w, h = size
        draw.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.5), fill=colour)
        draw.ellipse((w * 0.12, h * 0.55, w * 0.88, h * 1.25), fill=colour)
    font_size = max(14, size[1] // 6)
    font = _font(font_size)
    while font_size > 14 and any(draw.textlength(line, font=font) > size[0] * 0.9 for line in lines):
        font_size -= 2  # shrink until the longest line fits
        font = _font(font_size)
    y = size[1] // 2 - len(lines) * font.size // 2
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((size[0] - width) / 2, y), line, fill="#ffffff", font=font)
        y += int(font.size * 1.3)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _image(commune, title: str, filename: str, size, colour, lines=(), *, circle=False, description=""):
    """The commune's image with this title, drawn once."""
    Image_ = get_image_model()
    existing = Image_.objects.filter(collection=commune.collection, title=title).first()
    if existing:
        return existing
    data = _picture(size, colour, lines, circle=circle)
    image = Image_(
        title=title,
        description=description,
        collection=commune.collection,
        file=ImageFile(io.BytesIO(data), name=filename),
    )
    image.save()
    return image


def _colour(commune) -> str:
    return PALETTE[commune.pk % len(PALETTE)]


# --- Parts -----------------------------------------------------------------------


def _seed_identity(commune) -> None:
    identity = CommuneIdentity.for_site(commune.site)
    if identity.agency_name:
        return
    colour = _colour(commune)
    identity.agency_name = f"Ủy ban nhân dân {commune.kind} {commune.name}"
    identity.address = f"Trụ sở UBND {commune.kind} {commune.name}, {commune.province.name}"
    identity.phone = "0208 3850 001"
    identity.email = f"ubnd.{commune.slug.replace('-', '')}@{commune.province.domain}"
    identity.responsible_person = f"Trần Thị Bình – Chủ tịch UBND {commune.kind} {commune.name}"
    identity.licence_line = "Giấy phép số 12/GP-STTTT ngày 05/03/2026 của Sở Khoa học và Công nghệ (dữ liệu mẫu)."
    identity.primary_color = colour
    identity.logo = _image(
        commune,
        f"Biểu trưng {commune.full_name}",
        "bieu-trung.png",
        (256, 256),
        colour,
        ("UBND",),
        description=f"Biểu trưng {commune.full_name}",
    )
    identity.zalo_url = "https://zalo.me/"
    identity.facebook_url = "https://www.facebook.com/"
    identity.save()
    if not identity.footer_links.exists():
        FooterLink.objects.create(
            identity=identity,
            label=f"Cổng thông tin {commune.province.name}",
            link_url=f"https://{commune.province.domain}",
        )


def _seed_menu(commune) -> None:
    nav = NavigationSettings.for_site(commune.site)
    if nav.menu_items.exists():
        return
    home = commune.home_page
    children = {p.slug: p for p in home.get_children()}
    entries = [
        ("Giới thiệu", "gioi-thieu"),
        ("Tin tức", "tin-tuc"),
        ("Văn bản", "van-ban-chi-dao-dieu-hanh"),
        ("Thủ tục hành chính", "thu-tuc-hanh-chinh"),
        ("Công khai", "cong-khai"),
        ("Video hướng dẫn", "video-huong-dan"),
        ("Liên hệ", "lien-he"),
    ]
    order = 0
    for label, slug in entries:
        if slug in children:
            MenuItem.objects.create(settings=nav, label=label, link_page=children[slug], sort_order=order)
            order += 1
    MenuItem.objects.create(settings=nav, label="Dịch vụ công", link_url="https://dichvucong.gov.vn", sort_order=order)


def _seed_banners(commune) -> None:
    if Banner.objects.filter(commune=commune).exists():
        return
    colour = _colour(commune)
    specs = (
        (Banner.Position.TOP, (1200, 200), f"Trang thông tin điện tử {commune.full_name}", "banner-tren.png"),
        (Banner.Position.HORIZONTAL, (1200, 150), "Chung tay xây dựng nông thôn mới", "banner-ngang.png"),
        (Banner.Position.RIGHT, (600, 400), "Dịch vụ công trực tuyến toàn trình", "banner-phai.png"),
    )
    for position, size, text, filename in specs:
        image = _image(commune, f"Banner – {text}", filename, size, colour, (text,), description=text)
        link = "https://dichvucong.gov.vn" if position == Banner.Position.RIGHT else ""
        Banner.objects.create(commune=commune, position=position, image=image, alt_text=text, link_url=link)


def _seed_notice(commune) -> None:
    if Notice.objects.filter(commune=commune).exists():
        return
    now = timezone.now()
    Notice.objects.create(
        commune=commune,
        title="Lịch tiếp công dân tuần này (dữ liệu mẫu)",
        text="Lãnh đạo UBND tiếp công dân sáng thứ Năm, từ 07:30 đến 11:00, tại trụ sở UBND.",
        starts_at=now,
        expires_at=now + timedelta(days=30),
    )


def _intro_page(commune, model, slug):
    return model.objects.filter(path__startswith=commune.home_page.path, slug=slug).first()


def _seed_leaders(commune) -> None:
    page = _intro_page(commune, OrganisationPage, "to-chuc-bo-may")
    if page is None or page.leaders.exists():
        return
    colour = _colour(commune)
    for index, (name, position, biography, duties) in enumerate(LEADERS):
        photo = _image(
            commune,
            f"Ảnh chân dung {name}",
            f"chan-dung-{index + 1}.png",
            (300, 400),
            colour,
            circle=True,
            description=f"Ảnh chân dung {name}",
        )
        page.leaders.add(
            Leader(
                photo=photo,
                full_name=name,
                position=f"{position} {commune.kind} {commune.name}",
                biography=biography,
                duties=duties,
                sort_order=index,
            )
        )
    page.departments = (
        "<ul><li>Văn phòng HĐND và UBND</li><li>Phòng Kinh tế</li><li>Phòng Văn hóa – Xã hội</li>"
        "<li>Trung tâm Phục vụ hành chính công</li></ul>"
    )
    page.save_revision().publish()


def _seed_contact(commune) -> None:
    page = _intro_page(commune, ContactPage, "lien-he")
    if page is None or page.officials.exists():
        return
    for index, (name, position, phone) in enumerate(OFFICIALS):
        page.officials.add(ContactOfficial(name=name, position=position, phone=phone, sort_order=index))
    page.map_url = "https://www.openstreetmap.org/#map=15/21.5942/105.8480"
    page.save_revision().publish()
