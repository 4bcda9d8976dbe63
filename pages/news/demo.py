"""Demo news for a commune: three categories and a dozen articles with locally drawn pictures.

Idempotent: categories are found by slug and articles by slug under the news section, so running
it again adds nothing. Pictures are drawn with Pillow (a gradient and the title); nothing is downloaded.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image, ImageChops, ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from sites.text import fold, vn_slugify

from .models import ArticlePage, ArticleRelatedLink, NewsCategory, NewsIndexPage

CATEGORIES = (
    ("Tin hoạt động", "Hoạt động của Đảng ủy, HĐND, UBND và các đoàn thể.", 1),
    ("Thông báo", "Thông báo, lịch làm việc và kế hoạch của UBND.", 2),
    ("Chuyển đổi số", "Dịch vụ công trực tuyến, định danh điện tử và chuyển đổi số ở địa phương.", 3),
)


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    summary: str
    paragraphs: tuple[str, ...]
    days_ago: int
    featured: bool = False
    author: str = ""
    colours: tuple[str, str] = ("#0b4f9c", "#2a9d8f")


ARTICLES = (
    DemoArticle(
        "Hội nghị triển khai nhiệm vụ phát triển kinh tế – xã hội quý IV",
        "Tin hoạt động",
        "UBND {place} tổ chức hội nghị đánh giá kết quả 9 tháng và triển khai nhiệm vụ trọng tâm quý IV.",
        (
            "Sáng nay, UBND {place} tổ chức hội nghị đánh giá kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội "
            "9 tháng đầu năm và triển khai nhiệm vụ trọng tâm quý IV.",
            "Hội nghị thống nhất tập trung vào thu ngân sách, chăm lo an sinh xã hội và đẩy mạnh cải cách hành chính.",
        ),
        2,
        featured=True,
        author="Văn phòng HĐND và UBND",
        colours=("#a50e0e", "#f4a261"),
    ),
    DemoArticle(
        "Ra quân tổng vệ sinh môi trường, xây dựng nông thôn mới",
        "Tin hoạt động",
        "Hơn 300 đoàn viên, hội viên và người dân tham gia ra quân dọn vệ sinh các tuyến đường liên thôn.",
        (
            "Hưởng ứng phong trào “Ngày Chủ nhật xanh”, các thôn, tổ dân phố trên địa bàn {place} đồng loạt ra quân "
            "thu gom rác thải, phát quang bụi rậm dọc các tuyến đường.",
            "Hoạt động góp phần nâng cao ý thức bảo vệ môi trường và giữ gìn cảnh quan nông thôn sáng – xanh – sạch.",
        ),
        4,
        author="Đoàn Thanh niên",
        colours=("#2a9d8f", "#8ab17d"),
    ),
    DemoArticle(
        "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND",
        "Thông báo",
        "Chủ tịch UBND {place} tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở UBND.",
        (
            "Thực hiện Luật Tiếp công dân, Chủ tịch UBND {place} thông báo lịch tiếp công dân định kỳ vào ngày 15 "
            "hằng tháng; nếu trùng ngày nghỉ thì chuyển sang ngày làm việc kế tiếp.",
            "Công dân khi đến cần mang theo giấy tờ tùy thân và tài liệu liên quan đến nội dung trình bày.",
        ),
        5,
        featured=True,
        colours=("#264653", "#2a9d8f"),
    ),
    DemoArticle(
        "Hướng dẫn nộp hồ sơ đăng ký khai sinh trực tuyến",
        "Chuyển đổi số",
        "Người dân có thể đăng ký khai sinh ngay trên điện thoại qua Cổng Dịch vụ công quốc gia.",
        (
            "Để đăng ký khai sinh trực tuyến, người dân truy cập Cổng Dịch vụ công quốc gia, đăng nhập bằng tài khoản "
            "định danh điện tử VNeID và làm theo hướng dẫn.",
            "Kết quả được trả qua bưu chính công ích hoặc nhận trực tiếp tại Bộ phận một cửa của UBND {place}.",
        ),
        6,
        featured=True,
        author="Công chức Tư pháp – Hộ tịch",
        colours=("#0b4f9c", "#48cae4"),
    ),
    DemoArticle(
        "Thông báo tạm ngừng cung cấp điện để bảo dưỡng lưới điện",
        "Thông báo",
        "Điện lực khu vực tạm ngừng cấp điện một số thôn từ 7 giờ đến 16 giờ để bảo dưỡng đường dây.",
        (
            "Để bảo đảm vận hành an toàn, điện lực khu vực thông báo tạm ngừng cung cấp điện tại một số thôn của "
            "{place} từ 07:00 đến 16:00.",
            "Đề nghị nhân dân chủ động sắp xếp công việc sinh hoạt và sản xuất trong thời gian trên.",
        ),
        8,
        colours=("#e76f51", "#f4a261"),
    ),
    DemoArticle(
        "Tập huấn kỹ năng số cho tổ công nghệ số cộng đồng",
        "Chuyển đổi số",
        "Các thành viên tổ công nghệ số cộng đồng được hướng dẫn cài đặt VNeID và thanh toán không dùng tiền mặt.",
        (
            "UBND {place} phối hợp tổ chức lớp tập huấn kỹ năng số cho thành viên tổ công nghệ số cộng đồng "
            "ở các thôn.",
            "Sau tập huấn, các tổ sẽ đến từng hộ gia đình hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
        ),
        10,
        colours=("#5a189a", "#9d4edd"),
    ),
    DemoArticle(
        "Trao quà cho gia đình chính sách nhân dịp kỷ niệm Ngày Thương binh – Liệt sĩ",
        "Tin hoạt động",
        "Lãnh đạo {place} thăm hỏi, tặng quà các gia đình chính sách, người có công với cách mạng.",
        (
            "Nhân dịp kỷ niệm Ngày Thương binh – Liệt sĩ 27/7, đoàn công tác của {place} đã đến thăm hỏi, tặng quà "
            "các gia đình chính sách tiêu biểu.",
            "Đây là hoạt động thể hiện đạo lý “Uống nước nhớ nguồn” của Đảng bộ và nhân dân địa phương.",
        ),
        13,
        colours=("#9b2226", "#ca6702"),
    ),
    DemoArticle(
        "Kế hoạch tổ chức khám sức khỏe nghĩa vụ quân sự",
        "Thông báo",
        "Công dân trong độ tuổi gọi nhập ngũ có giấy gọi khám sức khỏe đề nghị có mặt đúng thời gian, địa điểm.",
        (
            "Hội đồng nghĩa vụ quân sự {place} thông báo kế hoạch khám sức khỏe cho công dân trong diện gọi nhập ngũ.",
            "Công dân mang theo căn cước và giấy gọi khám; nếu vắng mặt cần báo trước với Ban Chỉ huy quân sự.",
        ),
        16,
        colours=("#386641", "#6a994e"),
    ),
    DemoArticle(
        "Đẩy mạnh thanh toán không dùng tiền mặt tại chợ",
        "Chuyển đổi số",
        "Tiểu thương tại chợ trung tâm được hỗ trợ tạo mã QR để nhận tiền qua ngân hàng.",
        (
            "Đoàn Thanh niên {place} phối hợp với các ngân hàng hỗ trợ tiểu thương tạo mã QR thanh toán.",
            "Mô hình giúp người dân mua bán thuận tiện, an toàn và minh bạch hơn.",
        ),
        19,
        author="Đoàn Thanh niên",
        colours=("#023e8a", "#00b4d8"),
    ),
    DemoArticle(
        "Lấy ý kiến Nhân dân về dự thảo quy hoạch khu dân cư",
        "Thông báo",
        "UBND {place} lấy ý kiến Nhân dân về dự thảo quy hoạch chi tiết khu dân cư mới trong 30 ngày.",
        (
            "Thực hiện Luật Thực hiện dân chủ ở cơ sở, UBND {place} niêm yết công khai dự thảo quy hoạch tại trụ sở "
            "và nhà văn hóa các thôn.",
            "Ý kiến góp ý gửi trực tiếp tại Bộ phận một cửa hoặc qua thư điện tử của UBND.",
        ),
        23,
        colours=("#6c584c", "#a98467"),
    ),
    DemoArticle(
        "Giải bóng đá thanh niên chào mừng Ngày Quốc khánh",
        "Tin hoạt động",
        "Tám đội bóng đến từ các thôn tham gia giải bóng đá thanh niên năm nay.",
        (
            "Giải bóng đá thanh niên {place} thu hút đông đảo người dân đến cổ vũ trong suốt hai tuần thi đấu.",
            "Giải đấu góp phần đẩy mạnh phong trào thể dục thể thao và tăng cường đoàn kết trong thanh niên.",
        ),
        27,
        colours=("#1b4332", "#40916c"),
    ),
    DemoArticle(
        "Ra mắt trang thông tin điện tử mới của địa phương",
        "Chuyển đổi số",
        "Trang thông tin điện tử của {place} có giao diện mới, dễ dùng trên điện thoại.",
        (
            "Trang thông tin điện tử mới giúp người dân tra cứu thủ tục hành chính, văn bản chỉ đạo và tin tức của "
            "{place} nhanh chóng, ngay trên điện thoại.",
            "Mọi góp ý về trang xin gửi về Văn phòng HĐND và UBND.",
        ),
        32,
        author="Văn phòng HĐND và UBND",
        colours=("#a50e0e", "#6a040f"),
    ),
)

_FONT_NAMES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf")


def _font(size: int):
    """A font able to draw Vietnamese, or None when the machine has none (the text is then folded)."""
    for name in _FONT_NAMES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return None


def draw_picture(title: str, colours: tuple[str, str], size=(1200, 675)) -> bytes:
    """A JPEG with a diagonal gradient between two colours and the title written on it."""
    width, height = size
    start, end = Image.new("RGB", size, colours[0]), Image.new("RGB", size, colours[1])
    # Half top-to-bottom plus half left-to-right: a smooth diagonal blend.
    vertical = Image.linear_gradient("L").resize(size).point(lambda p: p // 2)
    horizontal = Image.linear_gradient("L").rotate(90).resize(size).point(lambda p: p // 2)
    mask = ImageChops.add(vertical, horizontal)
    picture = Image.composite(end, start, mask)
    draw = ImageDraw.Draw(picture)
    font = _font(54)
    text = title if font is not None else fold(title)
    font = font or ImageFont.load_default(size=54)
    lines = textwrap.wrap(text, width=32)[:4]
    y = height - 80 - len(lines) * 68
    for line in lines:
        draw.text((64, y), line, font=font, fill="white", stroke_width=2, stroke_fill="#00000080")
        y += 68
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _image(commune, article: DemoArticle, slug: str):
    image_model = get_image_model()
    data = draw_picture(article.title, article.colours)
    return image_model.objects.create(
        title=article.title,
        file=ImageFile(io.BytesIO(data), name=f"tin-{slug}.jpg"),
        collection=commune.collection,
        description=f"Ảnh minh họa: {article.title}",
    )


def seed_commune(commune) -> None:
    """Categories and articles for one commune's news section (created once)."""
    if commune.home_page_id is None:
        return
    index = NewsIndexPage.objects.descendant_of(commune.home_page).first()
    if index is None:
        return
    categories = {}
    for name, description, order in CATEGORIES:
        slug = vn_slugify(name)
        category = NewsCategory.objects.filter(commune=commune, slug=slug).first()
        if category is None:
            category = NewsCategory.objects.create(
                commune=commune, name=name, slug=slug, description=description, sort_order=order
            )
        categories[name] = category

    place = f"{commune.kind} {commune.name}"  # "xã Động Đạt", mid-sentence
    existing = {a.slug: a for a in ArticlePage.objects.child_of(index)}
    now = timezone.now()
    previous = None
    for article in reversed(ARTICLES):  # oldest first, so related links point back in time
        slug = vn_slugify(article.title)[:80]
        page = existing.get(slug)
        if page is None:
            page = _create_article(index, commune, article, slug, categories, place, now, previous)
        previous = page


def _create_article(index, commune, article, slug, categories, place, now, previous):
    date = now - timedelta(days=article.days_ago, hours=article.days_ago % 7)
    body = [("paragraph", RichText(f"<p>{p.format(place=place)}</p>")) for p in article.paragraphs]
    page = ArticlePage(
        title=article.title,
        slug=slug,
        summary=article.summary.format(place=place),
        featured_image=_image(commune, article, slug),
        featured_image_caption=f"{article.title} (ảnh minh họa)",
        body=body,
        date=date,
        first_published_at=date,
        author=article.author,
        featured=article.featured,
    )
    if previous is not None:
        page.related_links = [ArticleRelatedLink(related=previous)]
    index.add_child(instance=page)
    page.categories.set([categories[article.category]])
    page.save_revision().publish()
    return page
