"""Residents' comments in the admin ("Ý kiến Nhân dân"), for the commune's own officers only.

Comments are personal data: an officer (editor or approver) reads their own commune's, operators
everyone's; a province admin reads none, not even their own province's (the page's usual province
scope does not apply here). sites.admin_gate already 404s another commune's consultation or comment
named in a URL; every view here looks its objects up again in consultations_for / comments_for.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Page

from sites.models import Commune
from sites.tenancy import scope_for_user

from . import services
from .forms import CommentReviewForm
from .models import CommentStatus, ConsultationComment, ConsultationPage

URL_NAMESPACE = "consultation_comments"
LABEL_MENU = "Ý kiến Nhân dân"
COMMENTS_PER_PAGE = 50
_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def url(view_name, *args):
    return reverse(f"{URL_NAMESPACE}:{view_name}", args=args)


# --- Who reads what -----------------------------------------------------------------------------


def reads_comments(user) -> bool:
    """Operators and commune officers; never a province admin or trainer as such."""
    scope = scope_for_user(user)
    return scope.is_superuser or scope.is_officer


def consultations_for(user):
    """Consultation pages whose comments the user may read: the user's own communes' (all for operators)."""
    scope = scope_for_user(user)
    pages = ConsultationPage.objects.all()
    if scope.is_superuser:
        return pages
    homes = Page.objects.filter(
        pk__in=Commune.objects.filter(pk__in=scope.commune_ids).exclude(home_page=None).values("home_page_id")
    ).values_list("path", flat=True)
    q = Q(pk__in=[])
    for home_path in homes:
        q |= Q(path__startswith=home_path)
    return pages.filter(q)


def comments_for(user):
    """Comments the user may read: on their own communes' consultations (all for operators)."""
    scope = scope_for_user(user)
    comments = ConsultationComment.objects.all()
    return comments if scope.is_superuser else comments.filter(commune_id__in=scope.commune_ids)


class CommentsAreaMixin:
    """404 for anyone who reads no comments (a 404, not "permission denied": there is nothing here for them)."""

    def dispatch(self, request, *args, **kwargs):
        if not reads_comments(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)


class ConsultationObjectMixin(CommentsAreaMixin):
    def dispatch(self, request, *args, **kwargs):
        if not reads_comments(request.user):
            raise Http404("Không tìm thấy trang này.")
        self.consultation = get_object_or_404(consultations_for(request.user), pk=kwargs["page_id"])
        return super().dispatch(request, *args, **kwargs)


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "comment"

    def index_breadcrumbs(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": url("index"), "label": LABEL_MENU}]


# --- The consultations, with their comment counts ------------------------------------------------


class ConsultationListView(CommentsAreaMixin, AdminPage):
    template_name = "consultations/admin/consultation_list.html"
    page_title = LABEL_MENU

    def get_breadcrumbs_items(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": "", "label": LABEL_MENU}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        consultations = list(
            consultations_for(self.request.user)
            .annotate(
                comment_count=Count("comments"),
                new_count=Count("comments", filter=Q(comments__status=CommentStatus.NEW)),
            )
            .order_by("-opens_at", "-pk")
        )
        context["consultations"] = consultations
        return context


# --- One consultation's comments -----------------------------------------------------------------


class CommentListView(ConsultationObjectMixin, AdminPage):
    template_name = "consultations/admin/comment_list.html"

    def get_page_title(self):
        return f"{LABEL_MENU}: {self.consultation.title}"

    def get_breadcrumbs_items(self):
        return [*self.index_breadcrumbs(), {"url": "", "label": self.consultation.title}]

    @property
    def header_buttons(self):
        pk = self.consultation.pk
        return [
            HeaderButton("Tải về CSV", url=url("export_csv", pk), icon_name="download", priority=10),
            HeaderButton("Tải về Excel", url=url("export_xlsx", pk), icon_name="download", priority=20),
            HeaderButton("Sửa trang", url=reverse("wagtailadmin_pages:edit", args=[pk]), icon_name="edit", priority=30),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comments = ConsultationComment.objects.filter(page=self.consultation).select_related("reviewed_by")
        status = self.request.GET.get("status", "")
        if status not in CommentStatus.values:
            status = ""
        counts = dict(
            ConsultationComment.objects.filter(page=self.consultation)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        if status:
            comments = comments.filter(status=status)
        page_obj = Paginator(comments, COMMENTS_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            consultation=self.consultation,
            comments=page_obj.object_list,
            page_obj=page_obj,
            status=status,
            statuses=[(value, label, counts.get(value, 0)) for value, label in CommentStatus.choices],
            total=sum(counts.values()),
        )
        return context


class CommentReviewView(CommentsAreaMixin, AdminPage):
    template_name = "consultations/admin/comment_review.html"
    page_title = "Xem xét ý kiến"

    def dispatch(self, request, *args, **kwargs):
        if not reads_comments(request.user):
            raise Http404("Không tìm thấy trang này.")
        self.comment = get_object_or_404(comments_for(request.user).select_related("page"), pk=kwargs["comment_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        page = self.comment.page
        return [
            *self.index_breadcrumbs(),
            {"url": url("comments", page.pk), "label": page.title},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault(
            "form",
            CommentReviewForm(
                initial={
                    "status": CommentStatus.REVIEWED
                    if self.comment.status == CommentStatus.NEW
                    else self.comment.status,
                    "response": self.comment.response,
                }
            ),
        )
        context["comment"] = self.comment
        context["back_url"] = url("comments", self.comment.page_id)
        return context

    def post(self, request, *args, **kwargs):
        form = CommentReviewForm(request.POST)
        if form.is_valid():
            services.comment_review(
                self.comment,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                user=request.user,
            )
            messages.success(request, "Đã lưu kết quả xem xét ý kiến.")
            return redirect(url("comments", self.comment.page_id))
        messages.validation_error(request, "Chưa lưu được, hãy sửa các lỗi bên dưới.", form)
        return self.render_to_response(self.get_context_data(form=form))


class CommentExportView(ConsultationObjectMixin, View):
    """The comments as a file; each download is written in the page's history (who, how many)."""

    fmt = "csv"

    def get(self, request, *args, **kwargs):
        body, filename = services.comments_export(self.consultation, self.fmt, user=request.user)
        response = HttpResponse(body, content_type=_CONTENT_TYPES[self.fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


# --- The viewset ---------------------------------------------------------------------------------


class CommentsMenuItem(MenuItem):
    def is_shown(self, request):
        return reads_comments(request.user)


class ConsultationCommentsViewSet(ViewSet):
    name = URL_NAMESPACE
    icon = "comment"
    menu_label = LABEL_MENU
    menu_name = "consultation-comments"
    menu_order = 220
    add_to_admin_menu = True

    @property
    def menu_item_class(self):
        return CommentsMenuItem

    def get_urlpatterns(self):
        def view(cls, **initkwargs):
            return self.construct_view(cls, **initkwargs)

        return [
            path("", view(ConsultationListView), name="index"),
            path("<int:page_id>/", view(CommentListView), name="comments"),
            path("<int:page_id>/y-kien.csv", view(CommentExportView, fmt="csv"), name="export_csv"),
            path("<int:page_id>/y-kien.xlsx", view(CommentExportView, fmt="xlsx"), name="export_xlsx"),
            path("y-kien/<int:comment_pk>/", view(CommentReviewView), name="review"),
        ]


consultation_comments_viewset = ConsultationCommentsViewSet()
