"""The sections every commune site has. Provisioning creates whichever are missing, so adding
a line here and re-running provisioning extends every existing commune."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    model: str  # "app_label.ModelName"
    title: str
    slug: str
    intro: str = ""


STANDARD_SECTIONS = (
    Section("news.NewsIndexPage", "Tin tức", "tin-tuc", "Tin tức, sự kiện của địa phương."),
    Section(
        "guidance.DocumentIndexPage",
        "Văn bản chỉ đạo điều hành",
        "van-ban-chi-dao-dieu-hanh",
        "Văn bản chỉ đạo, điều hành của Ủy ban nhân dân.",
    ),
    Section(
        "procedures.ProcedureIndexPage",
        "Thủ tục hành chính",
        "thu-tuc-hanh-chinh",
        "Thủ tục hành chính giải quyết tại Bộ phận một cửa.",
    ),
    Section("videos.VideoIndexPage", "Video hướng dẫn", "video-huong-dan", "Video hướng dẫn thực hiện thủ tục."),
    Section("pages.StandardPage", "Giới thiệu", "gioi-thieu", "Giới thiệu chung về địa phương."),
    Section("pages.ContactPage", "Liên hệ", "lien-he", "Thông tin liên hệ Ủy ban nhân dân."),
)
