"""Public consultations (lấy ý kiến Nhân dân): drafts, residents' comments, published results.

A consultation is a page under the commune's "Lấy ý kiến Nhân dân" section. Residents comment through a
plain form posted to the page's `gui-y-kien/` route; the comments are personal data kept in
ConsultationComment, readable only by the commune's own officers (pages.consultations.admin_views).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from pages.models import AttachedDocument, CommunePage, SectionPage
from sites.models import Commune

CLOSED_PER_PAGE = 20
COMMENT_MAX_LENGTH = 5000


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", _("Sắp lấy ý kiến")
    OPEN = "open", _("Đang lấy ý kiến")
    CLOSED = "closed", _("Đã kết thúc")


class ConsultationIndexPage(SectionPage):
    """Lấy ý kiến Nhân dân: the commune's consultations, open ones first, then closed ones with their results."""

    subpage_types = ["consultations.ConsultationPage"]

    class Meta:
        verbose_name = _("Chuyên mục lấy ý kiến Nhân dân")

    def consultations(self):
        """This section's published consultations (children only: never another commune's)."""
        return ConsultationPage.objects.child_of(self).live().public().order_by("-opens_at", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        rows = list(self.consultations().defer("body", "results"))
        open_ = sorted((c for c in rows if c.state(now) == ConsultationState.OPEN), key=lambda c: c.closes_at)
        upcoming = sorted((c for c in rows if c.state(now) == ConsultationState.UPCOMING), key=lambda c: c.opens_at)
        closed = [c for c in rows if c.state(now) == ConsultationState.CLOSED]
        closed.sort(key=lambda c: c.closes_at, reverse=True)
        closed_page = Paginator(closed, CLOSED_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            open_consultations=open_,
            upcoming_consultations=upcoming,
            closed_consultations=closed_page.object_list,
            page_obj=closed_page,
            now=now,
        )
        return context


class ConsultationPage(RoutablePageMixin, CommunePage):
    """One consultation: what is asked, the drafts, when comments are taken, and afterwards the results."""

    subject = models.CharField(
        _("Vấn đề lấy ý kiến"),
        max_length=300,
        help_text=_("Nêu ngắn gọn Nhân dân được hỏi ý kiến về việc gì, ví dụ: “Dự thảo Quy ước thôn Trung Tâm”."),
    )
    summary = models.TextField(
        _("Tóm tắt"),
        max_length=1000,
        blank=True,
        help_text=_("Hai ba câu giới thiệu nội dung chính của dự thảo."),
    )
    body = RichTextField(_("Nội dung chi tiết"), blank=True)
    opens_at = models.DateTimeField(_("Bắt đầu nhận ý kiến"), help_text=_("Ngày giờ bắt đầu nhận ý kiến (dd/mm/yyyy)."))
    closes_at = models.DateTimeField(
        _("Hết hạn nhận ý kiến"), help_text=_("Sau thời điểm này trang không nhận ý kiến nữa.")
    )
    consulted = models.TextField(
        _("Đối tượng lấy ý kiến"),
        max_length=1000,
        blank=True,
        help_text=_("Ví dụ: toàn thể cử tri, hộ gia đình trong xã; các hộ dân thôn Trung Tâm."),
    )
    other_channels = models.TextField(
        _("Cách góp ý khác"),
        max_length=1000,
        blank=True,
        help_text=_("Ngoài trang web, người dân góp ý bằng cách nào: hộp thư góp ý, hội nghị thôn, gửi văn bản…"),
    )
    results = RichTextField(
        _("Kết quả lấy ý kiến"),
        blank=True,
        help_text=_(
            "Tổng hợp các ý kiến đã nhận và việc tiếp thu, giải trình của xã. Chỉ hiện trên trang sau khi hết hạn "
            "nhận ý kiến."
        ),
    )

    content_panels = CommunePage.content_panels + [
        FieldPanel("subject"),
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Thời gian lấy ý kiến")),
        FieldPanel("body"),
        InlinePanel(
            "draft_documents",
            heading=_("Dự thảo và tài liệu kèm theo"),
            label=_("Tài liệu"),
            help_text=_("Tệp dự thảo để người dân tải về đọc (PDF, Word…)."),
        ),
        MultiFieldPanel([FieldPanel("consulted"), FieldPanel("other_channels")], heading=_("Ai được hỏi, góp ý ở đâu")),
        MultiFieldPanel(
            [
                FieldPanel("results"),
                InlinePanel("result_documents", label=_("Tài liệu kết quả")),
            ],
            heading=_("Kết quả lấy ý kiến (sau khi kết thúc)"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("subject"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("opens_at"),
        index.FilterField("closes_at"),
    ]
    parent_page_types = ["consultations.ConsultationIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("Lấy ý kiến Nhân dân")
        verbose_name_plural = _("Lấy ý kiến Nhân dân")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Thời điểm hết hạn phải sau thời điểm bắt đầu nhận ý kiến.")})

    # --- State ----------------------------------------------------------------------------

    def state(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return ConsultationState.UPCOMING
        if now < self.closes_at:
            return ConsultationState.OPEN
        return ConsultationState.CLOSED

    def state_label(self, now: datetime | None = None) -> str:
        return ConsultationState(self.state(now)).label

    @property
    def is_open(self) -> bool:
        return self.state() == ConsultationState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state() == ConsultationState.CLOSED

    @property
    def days_left(self) -> int:
        """Whole calendar days until the closing day (0: it closes today), in Vietnam's time."""
        return max(0, (timezone.localdate(self.closes_at) - timezone.localdate()).days)

    @cached_property
    def commune(self) -> Commune | None:
        from sites.tenancy import commune_for_page

        return commune_for_page(self)

    # --- Serving --------------------------------------------------------------------------

    def comment_url(self, request=None) -> str:
        return (self.get_url(request) or "") + self.reverse_subpage("comment")

    def get_context(self, request, *args, **kwargs):
        from .forms import CommentForm

        context = super().get_context(request, *args, **kwargs)
        state = self.state()
        context.update(
            state=state,
            state_label=ConsultationState(state).label,
            draft_documents=list(self.draft_documents.select_related("document")),
            result_documents=(
                list(self.result_documents.select_related("document")) if state == ConsultationState.CLOSED else []
            ),
            comment_action=self.comment_url(request),
        )
        context.setdefault("comment_form", CommentForm() if state == ConsultationState.OPEN else None)
        return context

    @path("gui-y-kien/")
    def comment(self, request):
        """Residents' comments (POST, CSRF-exempt by cms.urls: no session, the host is checked instead)."""
        if request.method != "POST":
            return HttpResponseRedirect(self.get_url(request))
        from .views import comment_submitted

        return comment_submitted(request, self)


class ConsultationDraftDocument(AttachedDocument):
    """A draft put to the residents (and its appendices)."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="draft_documents")

    class Meta(AttachedDocument.Meta):
        verbose_name = _("Tài liệu dự thảo")
        verbose_name_plural = _("Tài liệu dự thảo")


class ConsultationResultDocument(AttachedDocument):
    """A document of the results: the summary report, the final text adopted."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="result_documents")

    class Meta(AttachedDocument.Meta):
        verbose_name = _("Tài liệu kết quả")
        verbose_name_plural = _("Tài liệu kết quả")


# --- Comments: personal data -------------------------------------------------------------------------


class CommentStatus(models.TextChoices):
    NEW = "new", _("Mới")
    REVIEWED = "reviewed", _("Đã xem xét")
    SPAM = "spam", _("Spam")


class ConsultationComment(models.Model):
    """A resident's comment on a consultation; read only by the commune's own officers.

    Not a CommuneOwned snippet on purpose: those are copied into training practice sites and their
    changes refresh the public page cache; a comment is neither public nor copied anywhere.
    """

    commune = models.ForeignKey(Commune, verbose_name=_("Xã/phường"), on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(
        ConsultationPage, verbose_name=_("Đợt lấy ý kiến"), on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField(_("Ý kiến"), max_length=COMMENT_MAX_LENGTH)
    name = models.CharField(_("Họ và tên"), max_length=100, blank=True)
    contact = models.CharField(_("Điện thoại hoặc thư điện tử"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("Thời gian gửi"), default=timezone.now, db_index=True)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.NEW)
    response = models.TextField(
        _("Trả lời, tiếp thu của xã"),
        max_length=COMMENT_MAX_LENGTH,
        blank=True,
        help_text=_("Ghi chú của cán bộ: ý kiến được tiếp thu thế nào. Người dân không thấy ô này trên trang web."),
    )
    reviewed_at = models.DateTimeField(_("Xem xét lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người xem xét"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Ý kiến Nhân dân")
        verbose_name_plural = _("Ý kiến Nhân dân")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "status"])]

    def __str__(self):
        return f"{self.author_label} – {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    @property
    def author_label(self) -> str:
        return self.name or str(_("Không ghi tên"))
