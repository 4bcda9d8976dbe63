"""Exercises a trainee can be given, and how each is detected from what they actually did.

A detector reads the practice site's history (Wagtail's log entries: who created, edited or published
what, and when) together with the content as it is now, counting only what happened since the site
was created or last reset. Nothing depends on the trainee saying they are done.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.models import ModelLogEntry, Page, PageLogEntry

EDIT_ACTIONS = ("wagtail.create", "wagtail.edit")


@dataclass
class Evidence:
    """What a trainee did towards one exercise: done or not, how far, and the traces it left."""

    done: bool = False
    progress: str = ""  # "2/3" for exercises with parts
    when: datetime | None = None
    items: list[dict] = field(default_factory=list)  # {"label", "when", "url", "admin_url"}

    def add(self, label, when, *, url="", admin_url=""):
        self.items.append({"label": str(label), "when": when, "url": url, "admin_url": admin_url})
        if when and (self.when is None or when > self.when):
            self.when = when


@dataclass(frozen=True)
class ExerciseSpec:
    kind: str
    title: str
    hint: str  # what counts, shown to the trainee and the trainer
    detect: callable
    guide: str = ""  # anchor of its section in the trainee guide (docs/huong-dan-hoc-vien.md, training/guide.py)


EXERCISES: dict[str, ExerciseSpec] = {}


def exercise(kind, title, hint):
    def register(func):
        EXERCISES[kind] = ExerciseSpec(kind, title, hint, func)
        return func

    return register


# The workshop the 16-commune training ran: these, in this order, unless the trainer changes the list.
DEFAULT_EXERCISES = ("category", "article_image", "procedure_local", "video_captions", "banners", "photos", "footer")


# --- Helpers ---------------------------------------------------------------------------------------


def _pages(commune, model):
    return model.objects.descendant_of(commune.home_page).filter(locale_id=commune.home_page.locale_id)


def _log_entries(model, object_ids, since, actions=EDIT_ACTIONS, *, by):
    """What the trainee's account (`by`) did: a trainer showing the way on a trainee's site earns them nothing."""
    content_type = ContentType.objects.get_for_model(model)
    if by is None:
        return ModelLogEntry.objects.none()
    return (
        ModelLogEntry.objects.filter(
            content_type=content_type,
            object_id__in=[str(pk) for pk in object_ids],
            action__in=actions,
            timestamp__gte=since,
            user_id=by,
        )
        # Opening a form and pressing "Lưu" without changing anything is logged too (content_changed=False).
        .exclude(action="wagtail.edit", content_changed=False)
        .select_related("user")
        .order_by("timestamp")
    )


def _page_log(pages, since, actions=("wagtail.publish",), *, by):
    if by is None:
        return PageLogEntry.objects.none()
    return (
        PageLogEntry.objects.filter(page__in=pages, action__in=actions, timestamp__gte=since, user_id=by)
        .select_related("page")
        .order_by("timestamp")
    )


def _snippet_admin_url(obj) -> str:
    viewset = getattr(type(obj), "snippet_viewset", None)
    if viewset is None:
        return ""
    from django.urls import reverse

    return reverse(viewset.get_url_name("edit"), args=[obj.pk])


def _page_admin_url(page) -> str:
    from django.urls import reverse

    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def _public_url(page) -> str:
    return page.full_url or "" if page.live else ""


def _published(trainee, since, pages, keep=None) -> Evidence:
    """Done when the trainee published one of these pages since the start (and keep(page) accepts it)."""
    evidence = Evidence()
    for entry in _page_log(pages, since, by=trainee.user_id):
        page = entry.page.specific
        if keep is None or keep(page):
            evidence.add(page.title, entry.timestamp, url=_public_url(page), admin_url=_page_admin_url(page))
    evidence.done = bool(evidence.items)
    return evidence


def _recorded(trainee, since, model, rows, actions, label) -> Evidence:
    """Done when the trainee created or changed (actions) one of these commune records since the start."""
    rows = {row.pk: row for row in rows}
    evidence = Evidence()
    for entry in _log_entries(model, rows, since, actions, by=trainee.user_id):
        row = rows[int(entry.object_id)]
        evidence.add(label(row), entry.timestamp, admin_url=_snippet_admin_url(row))
    evidence.done = bool(evidence.items)
    return evidence


# --- The exercises ---------------------------------------------------------------------------------


@exercise("category", _("Tạo chuyên mục tin tức"), _("Thêm một chuyên mục tin mới (Tin tức › Chuyên mục tin)."))
def _category(trainee, since):
    from pages.news.models import NewsCategory

    rows = NewsCategory.objects.filter(commune=trainee.commune)
    return _recorded(trainee, since, NewsCategory, rows, ("wagtail.create",), lambda category: category.name)


def _article_images(article) -> bool:
    if article.featured_image_id:
        return True
    return any(block.block_type == "image" for block in article.body)


@exercise(
    "article_image",
    _("Đăng bài viết có ảnh"),
    _("Viết một tin bài có ảnh đại diện hoặc ảnh trong nội dung, rồi xuất bản."),
)
def _article_image(trainee, since):
    from pages.news.models import ArticlePage

    return _published(trainee, since, _pages(trainee.commune, ArticlePage).live(), keep=_article_images)


@exercise(
    "procedure_local",
    _("Cập nhật thông tin thủ tục hành chính"),
    _("Sửa nơi tiếp nhận, giờ làm việc, cán bộ phụ trách hoặc ghi chú của một thủ tục tại xã."),
)
def _procedure_local(trainee, since):
    from pages.procedures.models import CommuneProcedure

    rows = CommuneProcedure.objects.filter(commune=trainee.commune).select_related("procedure")
    return _recorded(trainee, since, CommuneProcedure, rows, ("wagtail.edit",), lambda row: row.procedure.name)


@exercise(
    "video_captions",
    _("Đăng video hướng dẫn có phụ đề"),
    _("Tải lên một video mới kèm tệp phụ đề (.vtt) trong một trang video, rồi xuất bản."),
)
def _video_captions(trainee, since):
    from pages.videos.models import VideoPage

    pages = _pages(trainee.commune, VideoPage).live().filter(captions__isnull=False, video__created_at__gte=since)
    return _published(trainee, since, pages)


@exercise(
    "banners",
    _("Thay đổi banner trên, banner ngang và banner bên phải"),
    _("Sửa hoặc thêm một banner ở mỗi vị trí: trên cùng, ngang và bên phải."),
)
def _banners(trainee, since):
    from pages.site_content import Banner

    evidence = Evidence()
    rows = {b.pk: b for b in Banner.objects.filter(commune=trainee.commune)}
    positions = {}
    for entry in _log_entries(Banner, rows, since, by=trainee.user_id):
        banner = rows[int(entry.object_id)]
        positions.setdefault(banner.position, entry.timestamp)
        evidence.add(
            banner.get_position_display(),
            entry.timestamp,
            admin_url=_snippet_admin_url(banner),
        )
    wanted = [choice for choice, _label in Banner.Position.choices]
    evidence.progress = f"{sum(p in positions for p in wanted)}/{len(wanted)}"
    evidence.done = all(p in positions for p in wanted)
    return evidence


@exercise(
    "photos",
    _("Thêm ảnh vào thư viện ảnh"),
    _("Tải ảnh mới lên một album ảnh (Thư viện ảnh) và xuất bản album."),
)
def _photos(trainee, since):
    from pages.videos.models import GalleryPage

    pages = _pages(trainee.commune, GalleryPage).live().filter(gallery_images__image__created_at__gte=since).distinct()
    return _published(trainee, since, pages)


FOOTER_FIELDS = ("agency_name", "address", "phone", "email", "responsible_person")


@exercise(
    "footer",
    _("Điền thông tin chân trang"),
    _("Sửa Thông tin chân trang: tên cơ quan, địa chỉ, điện thoại, thư điện tử và người chịu trách nhiệm."),
)
def _footer(trainee, since):
    from pages.models import CommuneIdentity

    evidence = Evidence()
    identity = CommuneIdentity.objects.filter(site_id=trainee.commune.site_id).first()
    if identity is None:
        return evidence
    complete = all(getattr(identity, name) for name in FOOTER_FIELDS)
    for entry in _log_entries(CommuneIdentity, [identity.pk], since, by=trainee.user_id):
        evidence.add(_("Thông tin chân trang"), entry.timestamp)
    evidence.done = bool(evidence.items) and complete
    if evidence.items and not complete:
        evidence.progress = _("còn thiếu")
    return evidence


@exercise(
    "document",
    _("Đăng văn bản chỉ đạo điều hành"),
    _("Thêm một văn bản (số, ngày ban hành, trích yếu, tệp đính kèm) và xuất bản."),
)
def _document(trainee, since):
    from pages.guidance.models import GuidingDocumentPage

    pages = _pages(trainee.commune, GuidingDocumentPage).live().filter(attachments__isnull=False).distinct()
    return _published(trainee, since, pages)


@exercise("notice", _("Đăng thông báo"), _("Thêm một thông báo hiện ở đầu trang chủ."))
def _notice(trainee, since):
    from pages.site_content import Notice

    rows = Notice.objects.filter(commune=trainee.commune)
    return _recorded(trainee, since, Notice, rows, ("wagtail.create",), str)


@exercise(
    "submit_for_approval",
    _("Gửi bài chờ lãnh đạo duyệt"),
    _("Viết một trang hoặc tin bài rồi bấm “Gửi duyệt” thay vì xuất bản."),
)
def _submit(trainee, since):
    evidence = Evidence()
    pages = Page.objects.descendant_of(trainee.commune.home_page)
    for entry in _page_log(pages, since, ("wagtail.workflow.start",), by=trainee.user_id):
        evidence.add(entry.page.title, entry.timestamp, admin_url=_page_admin_url(entry.page))
    evidence.done = bool(evidence.items)
    return evidence


# Each exercise's section in the trainee guide ({#anchor} of its heading in docs/huong-dan-hoc-vien.md).
GUIDE_ANCHORS = {
    "category": "muc-tin",
    "article_image": "tin-bai-co-anh",
    "procedure_local": "thu-tuc",
    "video_captions": "video-phu-de",
    "banners": "banner",
    "photos": "album-anh",
    "footer": "chan-trang",
    "document": "van-ban",
    "notice": "thong-bao",
    "submit_for_approval": "gui-duyet",
}
for _kind, _anchor in GUIDE_ANCHORS.items():
    EXERCISES[_kind] = replace(EXERCISES[_kind], guide=_anchor)


def detect(trainee, kinds) -> dict[str, Evidence]:
    """Evidence for each exercise kind, for one trainee (empty evidence if their site is gone)."""
    if trainee.commune_id is None or trainee.commune.home_page_id is None:
        return {kind: Evidence() for kind in kinds}
    return {kind: EXERCISES[kind].detect(trainee, trainee.started_at) for kind in kinds if kind in EXERCISES}
