"""Training workshops in the Wagtail admin ("Tập huấn"), for trainers, province admins and operators.

The list, the "Tạo lớp tập huấn" form, the live board (a grid refreshed by static/training/board.js
from the board_grid partial), one cell's evidence, the printable login cards, the confirmation pages
of reset, close, exercises and new seats, and the results as Excel. Every business action goes through
training.services; every workshop is looked up in services.workshops_for_user (the tenancy scope), and
sites.admin_gate refuses the URLs of other provinces' workshops and trainees before a view runs.
"""

from __future__ import annotations

import io

from django import forms
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import TemplateView, View
from django_tasks import TaskResultStatus
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.admin.widgets.button import HeaderButton

from sites.models import Commune, Province
from sites.services import ServiceError
from sites.tenancy import scope_for_user

from . import services, tasks
from .exercises import DEFAULT_EXERCISES, EXERCISES, detect
from .models import Trainee, Workshop

URL_NAMESPACE = "workshops"
LABEL_MENU = "Tập huấn"
LABEL_ADD = "Tạo lớp tập huấn"
LABEL_CARDS = "In thẻ đăng nhập"
LABEL_EXERCISES = "Sửa bài tập"
LABEL_ADD_SEATS = "Thêm học viên"
LABEL_RESET_ALL = "Đặt lại cả lớp"
LABEL_CLOSE = "Kết thúc lớp"
LABEL_EXPORT = "Tải kết quả (Excel)"
BOARD_REFRESH_SECONDS = 10
CARDS_PER_SHEET = 8  # 2 × 4 on an A4 page


def url(view_name, *args):
    return reverse(f"{URL_NAMESPACE}:{view_name}", args=args)


# --- Who may use the area ---------------------------------------------------------------------


def can_run_workshops(user) -> bool:
    """Operators, and whoever runs workshops in some province (trainers, province admins)."""
    scope = scope_for_user(user)
    return scope.is_superuser or bool(scope.workshop_province_ids)


def provinces_for(user):
    """The provinces this user may create workshops in."""
    scope = scope_for_user(user)
    provinces = Province.objects.all()
    if not scope.is_superuser:
        provinces = provinces.filter(pk__in=scope.workshop_province_ids)
    return provinces.order_by("sort_name")


def template_communes(provinces):
    """Real communes a workshop may copy: active, with a home page, never another practice site."""
    return (
        Commune.objects.listed()
        .filter(province__in=provinces)
        .exclude(home_page=None)
        .select_related("province")
        .order_by("province__sort_name", "sort_name", "kind")
    )


class WorkshopAreaMixin:
    """The whole area is 404 for anyone who runs no workshop (commune officers, anonymous users are
    sent to the sign-in page by Wagtail first)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_run_workshops(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)

    def base_breadcrumbs(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": url("index"), "label": LABEL_MENU}]


class WorkshopObjectMixin(WorkshopAreaMixin):
    """Load the workshop named by the URL from the user's workshops; anything else is 404.

    Views that change a workshop (requires_open) only show a closed one's board, with a message saying why.
    """

    requires_open = False

    def dispatch(self, request, *args, **kwargs):
        if not can_run_workshops(request.user):
            raise Http404("Không tìm thấy trang này.")
        self.workshop = get_object_or_404(services.workshops_for_user(request.user), pk=kwargs["pk"])
        closing_ok = getattr(self, "allows_closing", False) and self.workshop.status == Workshop.Status.CLOSING
        if self.requires_open and not self.workshop.is_open and not closing_ok:
            messages.warning(request, f"Lớp “{self.workshop.name}” đã kết thúc; không thể thay đổi nữa.")
            return redirect(url("detail", self.workshop.pk))
        return super().dispatch(request, *args, **kwargs)

    def trainee(self, trainee_pk) -> Trainee:
        """A seat of this workshop (a trainee of another workshop is 404 here, even one the user runs)."""
        trainee = (
            self.workshop.trainees.select_related("commune__home_page", "commune__site", "user")
            .filter(pk=trainee_pk)
            .first()
        )
        if trainee is None:
            raise Http404("Không có học viên này trong lớp.")
        trainee.workshop = self.workshop
        return trainee

    def get_breadcrumbs_items(self):
        return [*self.base_breadcrumbs(), {"url": url("detail", self.workshop.pk), "label": self.workshop.name}]


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "group"


# --- List -------------------------------------------------------------------------------------


class WorkshopIndexView(WorkshopAreaMixin, AdminPage):
    template_name = "training/admin/workshop_index.html"
    page_title = LABEL_MENU

    def get_breadcrumbs_items(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": "", "label": LABEL_MENU}]

    @property
    def header_buttons(self):
        return [HeaderButton(LABEL_ADD, url=url("add"), icon_name="plus", priority=10)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshops = list(
            services.workshops_for_user(self.request.user)
            .annotate(trainee_count=Count("trainees"))
            .order_by("-date", "-created_at")
        )
        scope = scope_for_user(self.request.user)
        context.update(
            open_workshops=[w for w in workshops if w.is_open],
            closed_workshops=[w for w in workshops if not w.is_open],
            show_province=scope.is_superuser or len(scope.workshop_province_ids) > 1,
            add_url=url("add"),
        )
        return context


# --- Create -----------------------------------------------------------------------------------

# Which field a services.ServiceError is about: by how the message starts, then by a word in it.
_ERROR_STARTS = (
    ("Số học viên", "trainees"),
    ("Một lớp có tối đa", "trainees"),
    ("Mã lớp", "slug"),
    ("Tên miền", "slug"),
    ("Tên đăng nhập", "slug"),
    ("Tên lớp", "name"),
    ("Thiếu tên lớp", "name"),
    ("Bài tập", "exercises"),
    ("Lớp tập huấn cần", "exercises"),
)


def _error_field(message: str, fields) -> str | None:
    for start, field in _ERROR_STARTS:
        if message.startswith(start) and field in fields:
            return field
    if "mẫu" in message and "template" in fields:
        return "template"
    return None


def add_service_error(form, error: ServiceError) -> None:
    message = str(error)
    form.add_error(_error_field(message, form.fields), message)


def exercise_label(spec) -> str:
    return format_html(
        '<span class="xaso-choice"><span class="xaso-choice-title">{}</span>'
        '<span class="xaso-choice-hint">{}</span></span>',
        spec.title,
        spec.hint,
    )


class TemplateCommuneField(forms.ModelChoiceField):
    def __init__(self, *args, with_province=False, **kwargs):
        self.with_province = with_province
        super().__init__(*args, **kwargs)

    def label_from_instance(self, commune):
        return f"{commune.full_name} ({commune.province.name})" if self.with_province else commune.full_name


class WorkshopCreateForm(forms.Form):
    province = forms.ModelChoiceField(
        label="Tỉnh/thành phố",
        queryset=Province.objects.none(),
        empty_label="— Chọn tỉnh/thành phố —",
        error_messages={
            "required": "Hãy chọn tỉnh/thành phố.",
            "invalid_choice": "Bạn không tổ chức tập huấn ở tỉnh/thành phố này.",
        },
    )
    name = forms.CharField(
        label="Tên lớp tập huấn",
        help_text="Ví dụ: Tập huấn quản trị trang thông tin điện tử xã – đợt 1. In trên thẻ đăng nhập.",
        widget=forms.TextInput(attrs={"maxlength": services.NAME_MAX}),
        error_messages={"required": "Hãy nhập tên lớp tập huấn."},
    )
    slug = forms.CharField(
        label="Mã lớp",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": services.SLUG_MAX, "autocomplete": "off"}),
        help_text=(
            "Không bắt buộc; để trống thì tạo từ tên lớp. Dùng trong địa chỉ trang thực hành và tên đăng nhập "
            f"của học viên: chữ không dấu, chữ số và gạch ngang, tối đa {services.SLUG_MAX} ký tự, "
            "ví dụ: tap-huan-dot-1."
        ),
    )
    date = forms.DateField(
        label="Ngày tập huấn",
        required=False,
        widget=AdminDateInput,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="Không bắt buộc. Dạng ngày/tháng/năm, ví dụ 15/06/2026.",
        error_messages={"invalid": "Ngày tập huấn không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 15/06/2026."},
    )
    trainees = forms.CharField(
        label="Số học viên",
        widget=forms.NumberInput(attrs={"min": 1, "max": services.MAX_TRAINEES, "step": 1}),
        help_text=(
            f"Từ 1 đến {services.MAX_TRAINEES}. Mỗi học viên có một trang thực hành và một tài khoản riêng; "
            "tạo mỗi trang mất khoảng một đến hai giây."
        ),
        error_messages={"required": f"Hãy nhập số học viên (từ 1 đến {services.MAX_TRAINEES})."},
    )
    template = TemplateCommuneField(
        label="Xã/phường mẫu",
        queryset=Commune.objects.none(),
        empty_label="— Chọn xã/phường mẫu —",
        help_text=(
            "Trang thực hành của mỗi học viên là bản sao nội dung của xã/phường này (tin bài, văn bản, thủ tục, "
            "video, banner, chân trang). Xã/phường mẫu không bị thay đổi gì."
        ),
        error_messages={
            "required": "Hãy chọn xã/phường mẫu.",
            "invalid_choice": (
                "Xã/phường mẫu này không có trong danh sách; hãy chọn một xã/phường của tỉnh bạn phụ trách."
            ),
        },
    )
    exercises = forms.MultipleChoiceField(
        label="Bài tập",
        widget=forms.CheckboxSelectMultiple,
        choices=[(kind, exercise_label(spec)) for kind, spec in EXERCISES.items()],
        initial=list(DEFAULT_EXERCISES),
        help_text="Có thể đổi thứ tự, bỏ hoặc thêm bài tập sau khi tạo lớp.",
        error_messages={
            "required": "Hãy chọn ít nhất một bài tập.",
            "invalid_choice": "Bài tập “%(value)s” không có trong danh sách.",
        },
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = list(provinces)
        self.single_province = provinces[0] if len(provinces) == 1 else None
        if self.single_province is not None:
            del self.fields["province"]
        else:
            self.fields["province"].queryset = Province.objects.filter(pk__in=[p.pk for p in provinces]).order_by(
                "sort_name"
            )
        template = self.fields["template"]
        template.queryset = template_communes(provinces)
        template.with_province = self.single_province is None
        self.workshop_request = None

    def clean(self):
        """Ask the business rules (services.check_request) before anything is written."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        province = self.single_province or cleaned["province"]
        try:
            self.workshop_request = services.check_request(
                services.WorkshopRequest(
                    province=province,
                    name=cleaned["name"],
                    trainees=cleaned["trainees"].strip(),
                    slug=cleaned.get("slug", ""),
                    date=cleaned.get("date"),
                    template=cleaned["template"],
                    exercises=tuple(kind for kind in EXERCISES if kind in cleaned["exercises"]),
                )
            )
        except ServiceError as error:
            add_service_error(self, error)
        return cleaned


class WorkshopCreateView(WorkshopAreaMixin, AdminPage):
    template_name = "training/admin/workshop_create.html"
    page_title = LABEL_ADD
    header_icon = "plus"

    def get_breadcrumbs_items(self):
        return [*self.base_breadcrumbs(), {"url": "", "label": LABEL_ADD}]

    def get_form(self, data=None):
        return WorkshopCreateForm(data, provinces=provinces_for(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context.update(
            form=form,
            action_url=url("add"),
            index_url=url("index"),
            has_templates=form.fields["template"].queryset.exists(),
            exercise_field=form["exercises"],
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                workshop = services.workshop_open(form.workshop_request, user=request.user)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                # The seats are made by a task: at once in the default setup, by the worker in production,
                # where 30 sites take longer than a web request may last. The board shows the progress.
                tasks.build_workshop_seats.enqueue(workshop.pk)
                workshop.refresh_from_db()
                count = workshop.trainees.count()
                if count == workshop.seats_planned:
                    text = (
                        f"Đã tạo lớp “{workshop.name}” với {count} học viên: mỗi học viên có trang thực hành và tài "
                        "khoản riêng. Bước tiếp theo: in thẻ đăng nhập và phát cho học viên."
                    )
                else:
                    text = (
                        f"Đã tạo lớp “{workshop.name}”; {workshop.seats_planned} trang thực hành đang được tạo, "
                        "bảng theo dõi hiện từng học viên khi xong. In thẻ đăng nhập khi đã tạo đủ."
                    )
                messages.success(request, text, buttons=[messages.button(url("cards", workshop.pk), LABEL_CARDS)])
                return redirect(url("detail", workshop.pk))
        messages.validation_error(request, "Chưa tạo được lớp tập huấn, hãy sửa các lỗi bên dưới.", form)
        return self.render_to_response(self.get_context_data(form=form))


# --- The live board ----------------------------------------------------------------------------


def _state(evidence) -> str:
    if evidence.done:
        return "done"
    if evidence.items:
        return "partial"
    return "todo"


def board_context(workshop: Workshop) -> dict:
    """The board (services.board) as the grid template shows it: each cell with its state and link,
    the totals of each exercise and of each trainee."""
    data = services.board(workshop)
    exercises = data["exercises"]
    rows = []
    totals = [0] * len(exercises)
    for row in data["rows"]:
        trainee = row["trainee"]
        cells = []
        for index, (spec, evidence) in enumerate(zip(exercises, row["cells"], strict=True)):
            state = _state(evidence)
            totals[index] += state == "done"
            cells.append(
                {
                    "spec": spec,
                    "evidence": evidence,
                    "state": state,
                    "url": url("cell", workshop.pk, trainee.pk, spec.kind),
                }
            )
        rows.append({**row, "cells": cells, "complete": bool(exercises) and row["done"] == len(exercises)})
    return {
        "workshop": workshop,
        "exercises": exercises,
        "rows": rows,
        "columns": [{"spec": spec, "done": done} for spec, done in zip(exercises, totals, strict=True)],
        "complete_count": sum(1 for row in rows if row["complete"]),
        "trainee_count": len(rows),
        "exercise_count": len(exercises),
        "refreshed_at": timezone.localtime(),
        "seats_planned": workshop.seats_planned,
        "building": len(rows) < workshop.seats_planned,
        "task_error": workshop.task_error,
        "build_url": url("build", workshop.pk),
    }


def summary_context(workshop: Workshop) -> dict:
    """The results kept when the workshop closed (workshop.summary), with totals."""
    summary = workshop.summary or {}
    kinds = [kind for kind, _title in summary.get("exercises", [])]
    rows = []
    totals = [0] * len(kinds)
    for trainee in summary.get("trainees", []):
        done = set(trainee.get("done", []))
        marks = [kind in done for kind in kinds]
        for index, mark in enumerate(marks):
            totals[index] += mark
        rows.append({"number": trainee["number"], "username": trainee["username"], "marks": marks, "done": sum(marks)})
    return {
        "summary_columns": [
            {"title": title, "done": done}
            for (_kind, title), done in zip(summary.get("exercises", []), totals, strict=True)
        ],
        "summary_rows": rows,
        "summary_complete": sum(1 for row in rows if kinds and row["done"] == len(kinds)),
    }


class WorkshopDetailView(WorkshopObjectMixin, AdminPage):
    """The trainer's board for an open workshop; the kept results for a closed one."""

    template_name = "training/admin/workshop_detail.html"

    def get_page_title(self):
        return self.workshop.name

    def get_breadcrumbs_items(self):
        return [*self.base_breadcrumbs(), {"url": "", "label": self.workshop.name}]

    @property
    def header_buttons(self):
        workshop = self.workshop
        if not workshop.is_open:
            return [HeaderButton(LABEL_EXPORT, url=url("export", workshop.pk), icon_name="download", priority=10)]
        return [
            HeaderButton(LABEL_CARDS, url=url("cards", workshop.pk), icon_name="doc-full", priority=10),
            HeaderButton(LABEL_EXERCISES, url=url("exercises", workshop.pk), icon_name="list-ol", priority=20),
            HeaderButton(LABEL_ADD_SEATS, url=url("add_seats", workshop.pk), icon_name="plus", priority=30),
        ]

    @property
    def header_more_buttons(self):
        workshop = self.workshop
        if not workshop.is_open:
            return []
        return [
            HeaderButton(LABEL_EXPORT, url=url("export", workshop.pk), icon_name="download", priority=10),
            HeaderButton(LABEL_RESET_ALL, url=url("reset", workshop.pk), icon_name="rotate", priority=20),
            HeaderButton(LABEL_CLOSE, url=url("close", workshop.pk), icon_name="bin", priority=30),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        workshop = self.workshop
        context["workshop"] = workshop
        if workshop.is_open:
            context.update(board_context(workshop))
            context.update(
                grid_url=url("board_grid", workshop.pk),
                refresh_seconds=BOARD_REFRESH_SECONDS,
                cards_url=url("cards", workshop.pk),
            )
        else:
            context.update(summary_context(workshop), export_url=url("export", workshop.pk))
        return context


class WorkshopBoardGridView(WorkshopObjectMixin, View):
    """The board's grid alone, for board.js to swap in every few seconds without reloading the page."""

    def get(self, request, *args, **kwargs):
        if not self.workshop.is_open:
            # The page reloads itself on this answer and shows the kept results instead.
            response = HttpResponse("", status=204)
            response["X-Workshop-Closed"] = "1"
            return response
        html = render_to_string("training/admin/_board_grid.html", board_context(self.workshop), request)
        response = HttpResponse(html)
        response["Cache-Control"] = "no-store"
        return response


class TraineeCellView(WorkshopObjectMixin, AdminPage):
    """What one trainee did towards one exercise: the evidence the detector found, with links."""

    template_name = "training/admin/trainee_cell.html"

    def get(self, request, *args, **kwargs):
        self.seat = self.trainee(kwargs["trainee_pk"])
        kinds = list(self.workshop.exercises.values_list("kind", flat=True))
        if kwargs["kind"] not in kinds or kwargs["kind"] not in EXERCISES:
            raise Http404("Lớp không có bài tập này.")
        self.spec = EXERCISES[kwargs["kind"]]
        self.evidence = detect(self.seat, [self.spec.kind])[self.spec.kind]
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.seat} – {self.spec.title}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": f"{self.seat} – {self.spec.title}"}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = scope_for_user(self.request.user)
        # Everything the evidence points at lives on the trainee's practice site: a province admin may
        # open it in the admin; a designated trainer reaches no commune's content, so gets no edit links.
        can_edit = bool(self.seat.commune_id) and scope.allows(self.seat.commune_id, self.workshop.province_id)
        items = [{**item, "admin_url": item["admin_url"] if can_edit else ""} for item in self.evidence.items]
        context.update(
            workshop=self.workshop,
            trainee=self.seat,
            spec=self.spec,
            guide_url=guide_url(self.spec),
            evidence=self.evidence,
            state=_state(self.evidence),
            items=items,
            board_url=url("detail", self.workshop.pk),
        )
        return context


def guide_url(spec) -> str:
    """The exercise's section in the trainee guide ("Hướng dẫn học viên"), if the guide has one."""
    anchor = getattr(spec, "guide", "")
    try:
        return reverse("xaso_trainee_guide") + (f"#{anchor}" if anchor else "")
    except NoReverseMatch:
        return ""


# --- Login cards ---------------------------------------------------------------------------------


class WorkshopCardsView(WorkshopObjectMixin, TemplateView):
    """A4 sheets of login cards (8 a page, cut along the dashed lines), printed from the browser."""

    template_name = "training/admin/workshop_cards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trainees = [t for t in self.workshop.trainees.order_by("number") if t.card_password and t.site_url]
        sheets = [trainees[i : i + CARDS_PER_SHEET] for i in range(0, len(trainees), CARDS_PER_SHEET)]
        context.update(
            workshop=self.workshop, trainees=trainees, sheets=sheets, board_url=url("detail", self.workshop.pk)
        )
        return context


# --- Actions with a confirmation page -----------------------------------------------------------


class ConfirmView(WorkshopObjectMixin, AdminPage):
    """GET: what the action does; POST: do it through training.services, then back to the board."""

    requires_open = True
    action_label = ""
    header_icon = "warning"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.action_label}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(workshop=self.workshop, board_url=url("detail", self.workshop.pk), action_url=self.request.path)
        return context

    def post(self, request, *args, **kwargs):
        try:
            message = self.perform()
        except ServiceError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        messages.success(request, message)
        return redirect(url("detail", self.workshop.pk))


class TraineeResetView(ConfirmView):
    template_name = "training/admin/trainee_reset.html"
    action_label = "Đặt lại trang thực hành"

    def get_page_title(self):
        return f"{self.action_label} – {self.seat}"

    def get(self, request, *args, **kwargs):
        self.seat = self.trainee(kwargs["trainee_pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.seat = self.trainee(kwargs["trainee_pk"])
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "trainee": self.seat}

    def perform(self) -> str:
        services.trainee_reset(self.seat, user=self.request.user)
        return (
            f"Đã đặt lại trang thực hành của {self.seat} ({self.seat.username}) về như lúc bắt đầu. "
            "Tên đăng nhập và mật khẩu trên thẻ vẫn giữ nguyên; bảng theo dõi của học viên này bắt đầu lại từ đầu."
        )


class WorkshopResetView(ConfirmView):
    template_name = "training/admin/workshop_reset.html"
    action_label = LABEL_RESET_ALL

    def get_page_title(self):
        return f"{self.action_label} – {self.workshop.name}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "trainee_count": self.workshop.trainees.count()}

    def perform(self) -> str:
        services._require_open(self.workshop)
        result = tasks.reset_workshop.enqueue(self.workshop.pk, self.request.user.pk)
        count = self.workshop.trainees.count()
        if result.status == TaskResultStatus.SUCCESSFUL:  # run at once (the default setup)
            return (
                f"Đã đặt lại trang thực hành của cả {count} học viên về như lúc bắt đầu. "
                "Tên đăng nhập và mật khẩu trên thẻ vẫn giữ nguyên."
            )
        return (
            f"Đang đặt lại trang thực hành của cả {count} học viên về như lúc bắt đầu (xong thì bảng theo dõi "
            "bắt đầu lại từ đầu). Tên đăng nhập và mật khẩu trên thẻ vẫn giữ nguyên."
        )


class WorkshopCloseView(ConfirmView):
    template_name = "training/admin/workshop_close.html"
    action_label = LABEL_CLOSE
    allows_closing = True  # a close that stopped half-way is finished from here

    def get_page_title(self):
        return f"{self.action_label} – {self.workshop.name}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "trainee_count": self.workshop.trainees.count()}

    def perform(self) -> str:
        workshop = services.workshop_close_begin(self.workshop, user=self.request.user)
        tasks.close_workshop.enqueue(workshop.pk, self.request.user.pk)
        workshop.refresh_from_db()
        count = len(workshop.summary.get("trainees", []))
        if workshop.status == Workshop.Status.CLOSED:
            return (
                f"Đã kết thúc lớp “{workshop.name}”: đã xóa hẳn {count} trang thực hành và tài khoản học viên. "
                "Kết quả (ai đã làm xong bài nào) được giữ lại bên dưới."
            )
        return (
            f"Đang kết thúc lớp “{workshop.name}”: {count} trang thực hành và tài khoản học viên đang được xóa hẳn. "
            "Kết quả (ai đã làm xong bài nào) đã được giữ lại bên dưới."
        )


class WorkshopBuildView(ConfirmView):
    """Make the seats a stopped creation left unmade (the board offers it when workshop.task_error is set)."""

    template_name = "training/admin/workshop_build.html"
    action_label = "Tạo tiếp trang thực hành"

    def get_page_title(self):
        return f"{self.action_label} – {self.workshop.name}"

    def get_context_data(self, **kwargs):
        missing = services.missing_seats(self.workshop)
        return {**super().get_context_data(**kwargs), "missing_count": len(missing)}

    def perform(self) -> str:
        services._require_open(self.workshop)
        services._template_of(self.workshop)
        tasks.build_workshop_seats.enqueue(self.workshop.pk)
        self.workshop.refresh_from_db()
        if self.workshop.task_error:
            raise ServiceError(self.workshop.task_error)
        return f"Đang tạo tiếp trang thực hành: cần {self.workshop.seats_planned} học viên."


class ExercisesForm(forms.Form):
    """One row per known exercise: include it or not, and its position in the workshop's list."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        others = [kind for kind in EXERCISES if kind not in current]
        self.rows = []
        for position, kind in enumerate([*current, *others], start=1):
            spec = EXERCISES[kind]
            self.fields[f"include_{kind}"] = forms.BooleanField(
                label=spec.title, required=False, initial=kind in current
            )
            self.fields[f"position_{kind}"] = forms.IntegerField(
                label=f"Thứ tự của “{spec.title}”",
                min_value=1,
                max_value=99,
                initial=position,
                widget=forms.NumberInput(attrs={"min": 1, "max": 99, "class": "xaso-position"}),
                error_messages={
                    "required": "Hãy ghi số thứ tự.",
                    "invalid": "Số thứ tự phải là một số.",
                    "min_value": "Số thứ tự từ 1 trở lên.",
                    "max_value": "Số thứ tự tối đa là 99.",
                },
            )
            self.rows.append((kind, spec))

    def bound_rows(self):
        return [
            {"kind": kind, "spec": spec, "include": self[f"include_{kind}"], "position": self[f"position_{kind}"]}
            for kind, spec in self.rows
        ]

    def chosen_kinds(self) -> list[str]:
        """The ticked exercises by their number; equal numbers keep the order shown."""
        data = self.cleaned_data
        order = {kind: index for index, (kind, _spec) in enumerate(self.rows)}
        chosen = [kind for kind, _spec in self.rows if data.get(f"include_{kind}")]
        return sorted(chosen, key=lambda kind: (data[f"position_{kind}"], order[kind]))


class WorkshopExercisesView(WorkshopObjectMixin, AdminPage):
    requires_open = True
    template_name = "training/admin/workshop_exercises.html"
    header_icon = "list-ol"

    def get_page_title(self):
        return f"{LABEL_EXERCISES} – {self.workshop.name}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": LABEL_EXERCISES}]

    def get_form(self, data=None):
        current = list(self.workshop.exercises.values_list("kind", flat=True))
        return ExercisesForm(data, current=[k for k in current if k in EXERCISES])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.get_form()
        context.update(
            workshop=self.workshop,
            form=form,
            rows=form.bound_rows(),
            action_url=url("exercises", self.workshop.pk),
            board_url=url("detail", self.workshop.pk),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                kinds = services.workshop_set_exercises(self.workshop, form.chosen_kinds())
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                titles = ", ".join(f"{i}. {EXERCISES[k].title}" for i, k in enumerate(kinds, 1))
                messages.success(request, f"Đã lưu danh sách {len(kinds)} bài tập: {titles}.")
                return redirect(url("detail", self.workshop.pk))
        messages.validation_error(request, "Chưa lưu được danh sách bài tập, hãy sửa các lỗi bên dưới.", form)
        return self.render_to_response(self.get_context_data(form=form))


class AddSeatsForm(forms.Form):
    count = forms.CharField(
        label="Số học viên thêm",
        initial="1",
        widget=forms.NumberInput(attrs={"min": 1, "max": services.MAX_TRAINEES, "step": 1}),
        error_messages={"required": "Hãy nhập số học viên cần thêm."},
    )


class WorkshopAddSeatsView(WorkshopObjectMixin, AdminPage):
    requires_open = True
    template_name = "training/admin/workshop_add_seats.html"
    header_icon = "plus"

    def get_page_title(self):
        return f"{LABEL_ADD_SEATS} – {self.workshop.name}"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": LABEL_ADD_SEATS}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        count = self.workshop.trainees.count()
        context.update(
            workshop=self.workshop,
            form=kwargs.get("form") or AddSeatsForm(),
            trainee_count=count,
            room_left=max(services.MAX_TRAINEES - count, 0),
            max_trainees=services.MAX_TRAINEES,
            action_url=url("add_seats", self.workshop.pk),
            board_url=url("detail", self.workshop.pk),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = AddSeatsForm(request.POST)
        if form.is_valid():
            try:
                added = services.workshop_add_seats(self.workshop, form.cleaned_data["count"].strip())
            except ServiceError as error:
                form.add_error("count", str(error))
            else:
                names = ", ".join(str(t) for t in added)
                messages.success(
                    request,
                    f"Đã thêm {len(added)} học viên ({names}), mỗi người có trang thực hành và tài khoản riêng. "
                    "Hãy in thẻ đăng nhập cho học viên mới.",
                    buttons=[messages.button(url("cards", self.workshop.pk), LABEL_CARDS)],
                )
                return redirect(url("detail", self.workshop.pk))
        messages.validation_error(request, "Chưa thêm được học viên, hãy sửa các lỗi bên dưới.", form)
        return self.render_to_response(self.get_context_data(form=form))


# --- Results as Excel -------------------------------------------------------------------------------


def results_xlsx(workshop: Workshop, results: dict) -> bytes:
    """Trainees × exercises, ✓ where done, with each exercise's and each trainee's total."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    titles = [title for _kind, title in results.get("exercises", [])]
    kinds = [kind for kind, _title in results.get("exercises", [])]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kết quả"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    date = workshop.date.strftime("%d/%m/%Y") if workshop.date else ""
    sheet.append([f"{workshop.name}" + (f" – {date}" if date else "")])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{workshop.province.name}; xã/phường mẫu: {workshop.template_name}"])
    sheet.append([])
    sheet.append(["Học viên", "Tên đăng nhập", *titles, "Số bài đã xong"])
    for cell in sheet[4]:
        cell.font, cell.alignment = bold, wrap
    totals = [0] * len(kinds)
    for trainee in results.get("trainees", []):
        done = set(trainee.get("done", []))
        marks = []
        for index, kind in enumerate(kinds):
            totals[index] += kind in done
            marks.append("✓" if kind in done else "")
        sheet.append([f"Học viên {trainee['number']:02d}", trainee["username"], *marks, f"{len(done)}/{len(kinds)}"])
    count = len(results.get("trainees", []))
    sheet.append(["Số học viên đã xong", "", *[f"{t}/{count}" for t in totals], ""])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 40
    for index in range(len(kinds) + 1):
        sheet.column_dimensions[get_column_letter(index + 3)].width = 18
    sheet.freeze_panes = "C5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


class WorkshopExportView(WorkshopObjectMixin, View):
    """The results as Excel: the kept summary of a closed workshop, or the progress so far of an open one."""

    def get(self, request, *args, **kwargs):
        workshop = self.workshop
        results = workshop.summary if not workshop.is_open else services.results(workshop)
        response = HttpResponse(
            results_xlsx(workshop, results),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"ket-qua-{workshop.province.slug}-{workshop.slug}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- The viewset ------------------------------------------------------------------------------------


class WorkshopMenuItem(MenuItem):
    """Shown to operators and to whoever runs workshops in a province (trainers, province admins)."""

    def is_shown(self, request):
        return can_run_workshops(request.user)


class WorkshopViewSet(ViewSet):
    name = URL_NAMESPACE
    icon = "group"
    menu_label = LABEL_MENU
    menu_name = "workshops"
    menu_order = 160
    add_to_admin_menu = True

    @property
    def menu_item_class(self):
        return WorkshopMenuItem

    def get_urlpatterns(self):
        def view(cls):
            return self.construct_view(cls)

        return [
            path("", view(WorkshopIndexView), name="index"),
            path("new/", view(WorkshopCreateView), name="add"),
            path("<int:pk>/", view(WorkshopDetailView), name="detail"),
            path("<int:pk>/board/", view(WorkshopBoardGridView), name="board_grid"),
            path("<int:pk>/trainees/<int:trainee_pk>/exercises/<slug:kind>/", view(TraineeCellView), name="cell"),
            path("<int:pk>/trainees/<int:trainee_pk>/reset/", view(TraineeResetView), name="reset_trainee"),
            path("<int:pk>/cards/", view(WorkshopCardsView), name="cards"),
            path("<int:pk>/exercises/", view(WorkshopExercisesView), name="exercises"),
            path("<int:pk>/seats/", view(WorkshopAddSeatsView), name="add_seats"),
            path("<int:pk>/reset/", view(WorkshopResetView), name="reset"),
            path("<int:pk>/close/", view(WorkshopCloseView), name="close"),
            path("<int:pk>/build/", view(WorkshopBuildView), name="build"),
            path("<int:pk>/results.xlsx", view(WorkshopExportView), name="export"),
        ]


workshop_viewset = WorkshopViewSet()
