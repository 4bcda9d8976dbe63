"""The sections every commune site has. Provisioning creates whichever are missing, so adding
a line here and re-running provisioning extends every existing commune.

A section may declare `children`: pages created beneath it the same way (by slug, when missing),
e.g. the introduction pages Decree 224 Art. 9.1.c requires under "Giới thiệu"."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    model: str  # "app_label.ModelName"
    title: str
    slug: str
    intro: str = ""
    children: tuple["Section", ...] = ()


# Decree 224/2026/NĐ-CP Art. 9.1.c: what a commune must publish about itself.
INTRODUCTION_PAGES = (
    Section(
        "pages.OrganisationPage",
        "Tổ chức bộ máy",
        "to-chuc-bo-may",
        "Lãnh đạo, tiểu sử tóm tắt, nhiệm vụ được phân công và các bộ phận chuyên môn.",
    ),
    Section(
        "pages.MapPage",
        "Bản đồ địa giới hành chính",
        "ban-do-dia-gioi-hanh-chinh",
        "Bản đồ địa giới hành chính của địa phương.",
    ),
    Section("pages.StandardPage", "Điều kiện tự nhiên", "dieu-kien-tu-nhien", "Vị trí địa lý, địa hình, khí hậu."),
    Section(
        "pages.StandardPage",
        "Lịch sử, truyền thống văn hóa",
        "lich-su-truyen-thong-van-hoa",
        "Lịch sử hình thành và truyền thống văn hóa của địa phương.",
    ),
    Section("pages.StandardPage", "Di tích, danh thắng", "di-tich-danh-thang", "Di tích lịch sử, danh lam thắng cảnh."),
)

STANDARD_SECTIONS = (
    Section("news.NewsIndexPage", "Tin tức", "tin-tuc", "Tin tức, sự kiện của địa phương."),
    Section(
        "guidance.DocumentIndexPage",
        "Văn bản chỉ đạo điều hành",
        "van-ban-chi-dao-dieu-hanh",
        "Văn bản chỉ đạo, điều hành của Ủy ban nhân dân.",
    ),
    # Law 10/2022/QH15 Art. 11-13: what the commune must disclose, and the quarterly register.
    Section(
        "disclosures.DisclosureIndexPage",
        "Công khai thông tin",
        "cong-khai",
        "Thông tin Ủy ban nhân dân công khai theo Luật Thực hiện dân chủ ở cơ sở.",
    ),
    Section(
        "procedures.ProcedureIndexPage",
        "Thủ tục hành chính",
        "thu-tuc-hanh-chinh",
        "Thủ tục hành chính giải quyết tại Bộ phận một cửa.",
    ),
    # Public consultations (lấy ý kiến Nhân dân): drafts put to the residents, their comments, the results.
    Section(
        "consultations.ConsultationIndexPage",
        "Lấy ý kiến Nhân dân",
        "lay-y-kien",
        "Các dự thảo, chủ trương của địa phương đang lấy ý kiến Nhân dân và kết quả sau khi kết thúc.",
    ),
    Section("videos.VideoIndexPage", "Video hướng dẫn", "video-huong-dan", "Video hướng dẫn thực hiện thủ tục."),
    Section("videos.GalleryIndexPage", "Thư viện ảnh", "thu-vien-anh", "Hình ảnh hoạt động của địa phương."),
    Section(
        "pages.StandardPage",
        "Giới thiệu",
        "gioi-thieu",
        "Giới thiệu chung về địa phương.",
        children=INTRODUCTION_PAGES,
    ),
    Section("pages.ContactPage", "Liên hệ", "lien-he", "Thông tin liên hệ Ủy ban nhân dân."),
)

# A province's own sections (pages.province_content): news and documents it shares down to chosen communes.
# province_ensure creates them with a new province; `commune refresh` adds them to existing provinces.
PROVINCE_SECTIONS = (
    Section("news.NewsIndexPage", "Tin tức của tỉnh", "tin-tuc-cua-tinh", "Tin tức của tỉnh gửi tới các xã, phường."),
    Section(
        "guidance.DocumentIndexPage",
        "Văn bản của tỉnh",
        "van-ban-cua-tinh",
        "Văn bản chỉ đạo, điều hành của tỉnh gửi tới các xã, phường.",
    ),
)
