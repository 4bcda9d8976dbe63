"""How-to videos (video hướng dẫn) and photo albums (thư viện ảnh) of the commune."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtailmedia.edit_handlers import MediaChooserPanel

from pages.models import CommunePage, SectionPage

from .validators import validate_webvtt, validate_youtube_url, youtube_video_id

PAGE_SIZE = 12
PROCEDURE_MODEL = "procedures.CommuneProcedure"


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of a listing; out-of-range or junk ?page= values fall back to the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def format_duration(value: timedelta | float | None) -> str:
    """3:25 or 1:02:03; empty when unknown."""
    if value is None:
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds <= 0:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def attach_album_covers(albums) -> list:
    """Give each album a `cover`: its chosen cover image, else its first photo. Two queries in all."""
    albums = list(albums)
    ids = {album.cover_image_id or album.first_image_id for album in albums} - {None}
    images = get_image_model().objects.prefetch_related("renditions").in_bulk(ids)
    for album in albums:
        album.cover = images.get(album.cover_image_id or album.first_image_id)
    return albums


# --- Videos ----------------------------------------------------------------------


class VideoIndexPage(SectionPage):
    """Video hướng dẫn: the commune's how-to videos, shown as a grid of cards."""

    subpage_types = ["videos.VideoPage"]

    class Meta:
        verbose_name = _("Chuyên mục video hướng dẫn")

    def videos(self):
        return (
            VideoPage.objects.child_of(self)
            .live()
            .public()
            .select_related("poster", "video")
            .prefetch_related("poster__renditions")
            .order_by("-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = context["videos"] = paginate(request, self.videos())
        return context


class VideoPageForm(WagtailAdminPageForm):
    """Checks that every chosen file and procedure belongs to the commune the video page is in."""

    def _commune(self):
        from sites.tenancy import commune_for_page

        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        return commune_for_page(parent) if parent else None

    def clean(self):
        cleaned_data = super().clean()
        commune = self._commune()
        for name in ("video", "poster", "captions"):
            chosen = cleaned_data.get(name)
            if commune is not None and chosen is not None and chosen.commune_id != commune.pk:
                self.add_error(name, _("Tệp này thuộc xã/phường khác. Hãy chọn tệp trong thư viện của xã mình."))
        return cleaned_data

    def is_valid(self):
        # Child forms are cleaned after the page form, so their procedures are checked here.
        valid = super().is_valid()
        return self._check_procedures() and valid

    def _check_procedures(self) -> bool:
        formset = self.formsets.get("linked_procedures")
        commune = self._commune()
        if formset is None or commune is None:
            return True
        ok = True
        for form in formset.forms:
            procedure = getattr(form, "cleaned_data", {}).get("procedure")
            if procedure is None or form.cleaned_data.get("DELETE"):
                continue
            if procedure.commune_id != commune.pk:
                form.add_error("procedure", _("Thủ tục này thuộc xã/phường khác. Hãy chọn thủ tục của xã mình."))
                ok = False
        return ok


class VideoPage(CommunePage):
    """One how-to video: a file uploaded to the commune's library (with captions) or a YouTube link."""

    video = models.ForeignKey(
        settings.WAGTAILMEDIA["MEDIA_MODEL"],
        verbose_name=_("Video tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Chọn hoặc tải lên tệp video (MP4 hoặc WebM). Bỏ trống nếu dùng đường dẫn YouTube."),
    )
    captions = models.ForeignKey(
        settings.WAGTAILDOCS_DOCUMENT_MODEL,
        verbose_name=_("Phụ đề tiếng Việt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Tệp phụ đề dạng WebVTT (đuôi .vtt), dòng đầu tiên là WEBVTT. "
            "Phụ đề giúp người khiếm thính và người xem không bật loa."
        ),
    )
    youtube_url = models.URLField(
        _("Đường dẫn YouTube"),
        blank=True,
        validators=[validate_youtube_url],
        help_text=_(
            "Dán địa chỉ video trên YouTube, ví dụ https://www.youtube.com/watch?v=… hoặc https://youtu.be/…. "
            "Bỏ trống nếu tải video lên."
        ),
    )
    poster = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh hiện trước khi bấm xem và trong danh sách video. Nên dùng ảnh ngang."),
    )
    description = RichTextField(
        _("Mô tả"),
        blank=True,
        features=["bold", "italic", "ol", "ul", "link"],
        help_text=_("Video hướng dẫn việc gì, dành cho ai, cần chuẩn bị gì."),
    )
    duration = models.DurationField(
        _("Thời lượng"),
        null=True,
        blank=True,
        help_text=_("Ví dụ 3:25 là 3 phút 25 giây. Có thể bỏ trống."),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [MediaChooserPanel("video", media_type="video"), FieldPanel("captions")],
            heading=_("Cách 1: tải video lên"),
        ),
        MultiFieldPanel([FieldPanel("youtube_url")], heading=_("Cách 2: video trên YouTube")),
        FieldPanel("poster"),
        FieldPanel("duration"),
        FieldPanel("description"),
        InlinePanel(
            "linked_procedures",
            heading=_("Thủ tục liên quan"),
            label=_("Thủ tục"),
            help_text=_("Các thủ tục hành chính mà video này hướng dẫn."),
        ),
    ]
    search_fields = CommunePage.search_fields + [index.SearchField("description")]
    base_form_class = VideoPageForm
    parent_page_types = ["videos.VideoIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Video hướng dẫn")
        verbose_name_plural = _("Video hướng dẫn")

    def clean(self):
        super().clean()
        errors = {}
        if bool(self.video_id) == bool(self.youtube_url):
            message = (
                _("Chỉ chọn một trong hai: tải video lên hoặc dán đường dẫn YouTube, không dùng cả hai.")
                if self.video_id
                else _("Hãy tải video lên hoặc dán đường dẫn YouTube (chọn một trong hai).")
            )
            errors["video"] = errors["youtube_url"] = message
        if self.captions_id:
            if not self.video_id:
                errors["captions"] = _("Phụ đề chỉ dùng cho video tải lên. Video YouTube có phụ đề riêng trên YouTube.")
            else:
                try:
                    validate_webvtt(self.captions)
                except ValidationError as exc:
                    errors["captions"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def youtube_id(self) -> str:
        return youtube_video_id(self.youtube_url) or ""

    @property
    def youtube_watch_url(self) -> str:
        return f"https://www.youtube.com/watch?v={self.youtube_id}" if self.youtube_id else ""

    @property
    def youtube_embed_url(self) -> str:
        # The no-cookie domain sets no tracking cookies until the resident presses play.
        return f"https://www.youtube-nocookie.com/embed/{self.youtube_id}?autoplay=1" if self.youtube_id else ""

    @property
    def display_duration(self) -> str:
        if self.duration:
            return format_duration(self.duration)
        return format_duration(self.video.duration) if self.video_id and self.video else ""

    def procedures(self, request=None):
        """[(procedure, url)] for the commune's linked procedures in force, in the order the officer set."""
        from pages.procedures.models import ProcedureIndexPage, ProcedureStatus

        entries = [
            link.procedure
            for link in self.linked_procedures.select_related("procedure__procedure").order_by("sort_order")
            if link.procedure.procedure.status == ProcedureStatus.ACTIVE
        ]
        index = ProcedureIndexPage.objects.sibling_of(self.get_parent()).live().first() if entries else None
        if index is None:
            return []
        return [(entry.procedure, index.procedure_url(entry, request)) for entry in entries]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["procedures"] = self.procedures(request)
        return context


class VideoPageProcedure(Orderable):
    """A procedure (thủ tục hành chính) of the commune this video explains; shown on the procedure's page."""

    page = ParentalKey(VideoPage, on_delete=models.CASCADE, related_name="linked_procedures")
    procedure = models.ForeignKey(
        PROCEDURE_MODEL,
        verbose_name=_("Thủ tục"),
        on_delete=models.CASCADE,
        related_name="videos",
        help_text=_("Chọn thủ tục trong danh sách thủ tục của xã."),
    )

    panels = [FieldPanel("procedure")]

    class Meta(Orderable.Meta):
        verbose_name = _("Thủ tục liên quan")
        verbose_name_plural = _("Thủ tục liên quan")


# --- Photo albums ----------------------------------------------------------------


class GalleryIndexPage(SectionPage):
    """Thư viện ảnh: the commune's photo albums, newest first."""

    subpage_types = ["videos.GalleryPage"]

    class Meta:
        verbose_name = _("Chuyên mục thư viện ảnh")

    def albums(self):
        return with_first_image(GalleryPage.objects.child_of(self).live().public()).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        albums = paginate(request, self.albums())
        albums.object_list = attach_album_covers(albums.object_list)
        context["items"] = context["albums"] = albums
        return context


class GalleryPage(CommunePage):
    """An album of photos from one event or place, with a date and a short description."""

    date = models.DateField(_("Ngày"), default=timezone.localdate, help_text=_("Ngày diễn ra sự kiện hoặc chụp ảnh."))
    description = RichTextField(
        _("Mô tả"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Vài dòng về sự kiện: ở đâu, ai tham gia, kết quả ra sao."),
    )
    cover_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Ảnh hiện ở danh sách album. Bỏ trống thì dùng ảnh đầu tiên của album."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("description"),
        FieldPanel("cover_image"),
        InlinePanel(
            "gallery_images",
            heading=_("Ảnh trong album"),
            label=_("Ảnh"),
            min_num=1,
            help_text=_("Kéo để đổi thứ tự. Mỗi ảnh cần có mô tả (văn bản thay thế) cho người khiếm thị."),
        ),
    ]
    search_fields = CommunePage.search_fields + [index.SearchField("description")]
    parent_page_types = ["videos.GalleryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Album ảnh")
        verbose_name_plural = _("Album ảnh")

    def photos(self):
        return self.gallery_images.select_related("image").prefetch_related("image__renditions").order_by("sort_order")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["photos"] = self.photos()
        return context


class GalleryImage(Orderable):
    """One photo of an album; its alt text is the image's own description, which is required."""

    page = ParentalKey(GalleryPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("Ảnh"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Chọn ảnh trong thư viện của xã hoặc tải ảnh mới lên."),
    )
    caption = models.CharField(
        _("Chú thích"),
        max_length=255,
        blank=True,
        help_text=_("Dòng chữ hiện dưới ảnh, ví dụ: Bà con dọn vệ sinh đường làng sáng 12/3."),
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        verbose_name = _("Ảnh trong album")
        verbose_name_plural = _("Ảnh trong album")

    def clean(self):
        super().clean()
        if self.image_id and not (self.image.description or "").strip():
            raise ValidationError(
                {
                    "image": _(
                        "Ảnh “%(title)s” chưa có mô tả cho người khiếm thị. Hãy mở ảnh trong mục Hình ảnh, "
                        "điền ô “Mô tả” (ví dụ: Cán bộ xã trao quà cho hộ nghèo) rồi chọn lại."
                    )
                    % {"title": self.image.title}
                }
            )

    @property
    def alt(self) -> str:
        return self.image.description


def with_first_image(queryset):
    """Annotate albums with `first_image_id`, the photo used as cover when none is chosen."""
    first = GalleryImage.objects.filter(page=OuterRef("pk")).order_by("sort_order", "pk").values("image_id")[:1]
    return queryset.annotate(first_image_id=Subquery(first))
