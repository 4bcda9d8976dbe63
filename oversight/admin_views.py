"""The province oversight dashboard in the Wagtail admin ("Giám sát các xã").

For province admins (their provinces only) and operators (any province); everyone else gets 404. Every
province and commune named by a URL is looked up among the user's own (provinces_for), and
sites.admin_gate refuses other provinces' ids before a view runs.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from sites.tenancy import scope_for_user

from . import charts, reports
from .compliance import CHECKS, compliance
from .selectors import DEFAULT_PRESET, PRESETS, commune_metrics, disclosure_stats_for, period_for, review_items

URL_NAMESPACE = "oversight"
LABEL_MENU = "Giám sát các xã"
MAX_PERIOD_DAYS = 3 * 366 + 1


def url(view_name, *args):
    return reverse(f"{URL_NAMESPACE}:{view_name}", args=args)


# --- Who may see what -----------------------------------------------------------------------------


def can_oversee(user) -> bool:
    return scope_for_user(user).administers_provinces


def provinces_for(user):
    """The provinces whose communes this user oversees: all for operators, their own for province admins."""
    return scope_for_user(user).administered_provinces()


# --- The filter form ---------------------------------------------------------------------------------

SORT_CHOICES = [(key, key) for key in reports.COLUMN_KEYS] + [(f"-{key}", f"-{key}") for key in reports.COLUMN_KEYS]
DATE_HELP = "Dạng ngày/tháng/năm, ví dụ 15/03/2026."


class PeriodForm(forms.Form):
    """The period (preset or dates), the name filter, the score range and the order of the rows."""

    preset = forms.ChoiceField(
        label="Kỳ báo cáo",
        choices=list(PRESETS.items()),
        initial=DEFAULT_PRESET,
        required=False,
        error_messages={"invalid_choice": "Kỳ báo cáo “%(value)s” không có; chọn tháng, quý, năm hoặc tự chọn."},
    )
    start = forms.DateField(
        label="Từ ngày",
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text=DATE_HELP,
        error_messages={"invalid": "Ngày bắt đầu không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 01/01/2026."},
    )
    end = forms.DateField(
        label="Đến ngày",
        required=False,
        input_formats=["%d/%m/%Y"],
        help_text=DATE_HELP,
        error_messages={"invalid": "Ngày kết thúc không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 31/12/2026."},
    )
    q = forms.CharField(label="Tên xã/phường", required=False, max_length=100)
    score_min = forms.IntegerField(
        label="Điểm từ",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "Điểm thấp nhất phải là một số từ 0 đến 100.",
            "min_value": "Điểm thấp nhất phải từ 0 đến 100.",
            "max_value": "Điểm thấp nhất phải từ 0 đến 100.",
        },
    )
    score_max = forms.IntegerField(
        label="Điểm đến",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "Điểm cao nhất phải là một số từ 0 đến 100.",
            "min_value": "Điểm cao nhất phải từ 0 đến 100.",
            "max_value": "Điểm cao nhất phải từ 0 đến 100.",
        },
    )
    problems = forms.BooleanField(label="Chỉ xã còn thiếu sót", required=False)
    sort = forms.ChoiceField(
        label="Sắp xếp",
        choices=SORT_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Không sắp xếp được theo “%(value)s”."},
    )

    def clean_q(self):
        value = self.cleaned_data.get("q") or ""
        if "\x00" in value:
            raise forms.ValidationError("Tên tìm kiếm có ký tự không hợp lệ.")
        return value.strip()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("preset") == "custom" and not self.errors.get("start") and not self.errors.get("end"):
            if not start or not end:
                raise forms.ValidationError("Kỳ tự chọn cần cả ngày bắt đầu và ngày kết thúc.")
        if start and end:
            if start > end:
                raise forms.ValidationError("Ngày bắt đầu phải trước hoặc trùng ngày kết thúc.")
            if (end - start).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError("Kỳ báo cáo dài nhất là 3 năm.")
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError("Điểm thấp nhất phải nhỏ hơn hoặc bằng điểm cao nhất.")
        return data

    def period(self):
        """The chosen period; this year when the form is empty or wrong."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        preset = data.get("preset") or ("custom" if start and end else DEFAULT_PRESET)
        return period_for(preset, start, end)

    def filters(self) -> reports.Filters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return reports.Filters(
            query=data.get("q") or "",
            score_min=data.get("score_min"),
            score_max=data.get("score_max"),
            problems_only=bool(data.get("problems")),
            sort=data.get("sort") or "name",
        )


def period_form(request) -> PeriodForm:
    form = PeriodForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    return form


# --- Views ------------------------------------------------------------------------------------------


class OversightAreaMixin:
    """404 for anyone who oversees no province (commune officers, trainers)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_oversee(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)

    def base_breadcrumbs(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": url("index"), "label": LABEL_MENU}]


class ProvinceMixin(OversightAreaMixin):
    def dispatch(self, request, *args, **kwargs):
        if not can_oversee(request.user):
            raise Http404("Không tìm thấy trang này.")
        self.province = get_object_or_404(provinces_for(request.user), pk=kwargs["province_pk"])
        return super().dispatch(request, *args, **kwargs)


class AdminPage(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"


class OversightIndexView(OversightAreaMixin, AdminPage):
    """Choose a province; a province admin of one province goes straight to it."""

    template_name = "oversight/admin/index.html"
    page_title = LABEL_MENU

    def get(self, request, *args, **kwargs):
        provinces = list(provinces_for(request.user)[:2])
        if len(provinces) == 1:
            target = url("province", provinces[0].pk)
            return redirect(f"{target}?{request.GET.urlencode()}" if request.GET else target)
        return super().get(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*WagtailAdminTemplateMixin.breadcrumbs_items, {"url": "", "label": LABEL_MENU}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["provinces"] = [(p, url("province", p.pk)) for p in provinces_for(self.request.user)]
        return context


def _query_with(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def display(key: str, value) -> str:
    """A cell as the screen shows it (the exports keep the raw value)."""
    if value is None:
        return "–"
    if key == "satisfaction":
        return f"{value:.1f}".replace(".", ",").removesuffix(",0") + "%"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


class ProvinceDashboardView(ProvinceMixin, AdminPage):
    template_name = "oversight/admin/dashboard.html"

    def get_page_title(self):
        return f"{LABEL_MENU} – {self.province.name}"

    def get_breadcrumbs_items(self):
        return [*self.base_breadcrumbs(), {"url": "", "label": self.province.name}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = period_form(self.request)
        report = reports.province_report(self.province, form.period(), form.filters())
        _headers, rows = reports.table(report)
        current = report.filters.sort
        columns = []
        for column in reports.COLUMNS:
            ascending = current == column.key
            next_sort = f"-{column.key}" if ascending else column.key
            state = "ascending" if ascending else ("descending" if current == f"-{column.key}" else "none")
            columns.append({"column": column, "url": "?" + _query_with(self.request, sort=next_sort), "state": state})
        table_rows = []
        for row, cells in zip(report.rows, rows, strict=True):
            shown = []
            for column, cell in zip(reports.COLUMNS[1:], cells[1:], strict=True):
                css = "xaso-num" if column.numeric else ""
                if column.key == "score" and row.compliance.has_problems:
                    css += " xaso-problem"
                shown.append((css, display(column.key, cell)))
            suffix = "?" + self.request.GET.urlencode() if self.request.GET else ""
            table_rows.append({"name": cells[0], "cells": shown, "detail_url": url("commune", row.commune.pk) + suffix})
        query = self.request.GET.urlencode()
        context.update(
            province=self.province,
            form=form,
            report=report,
            columns=columns,
            table_rows=table_rows,
            export_xlsx=url("export_xlsx", self.province.pk) + (f"?{query}" if query else ""),
            export_csv=url("export_csv", self.province.pk) + (f"?{query}" if query else ""),
            posts_chart=charts.bars([(m.label, m.posts) for m in report.months], "Tin bài và văn bản đăng mỗi tháng"),
            views_chart=charts.bars([(m.label, m.views) for m in report.months], "Lượt xem mỗi tháng"),
            score_chart=charts.bars(report.score_bins, "Số xã theo điểm tuân thủ"),
            checks=CHECKS,
            other_provinces=provinces_for(self.request.user).exclude(pk=self.province.pk).exists(),
        )
        return context


class ProvinceExportView(ProvinceMixin, View):
    """The dashboard's rows as a file: exactly the numbers on screen (same period, filters and order)."""

    fmt = "xlsx"
    content_types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv; charset=utf-8",
    }

    def get(self, request, *args, **kwargs):
        form = period_form(request)
        if form.is_bound and not form.is_valid():
            return redirect(url("province", self.province.pk) + "?" + request.GET.urlencode())
        report = reports.province_report(self.province, form.period(), form.filters(), chart=False)
        response = HttpResponse(reports.export(report, self.fmt), content_type=self.content_types[self.fmt])
        response["Content-Disposition"] = f'attachment; filename="{reports.filename(report, self.fmt)}"'
        return response


class CommuneDetailView(OversightAreaMixin, AdminPage):
    """One commune: its figures, each compliance check with its points, and what is overdue for review."""

    template_name = "oversight/admin/commune.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_oversee(request.user):
            raise Http404("Không tìm thấy trang này.")
        communes = reports.province_communes_for(provinces_for(request.user))
        self.commune = get_object_or_404(communes, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.commune.full_name} – {LABEL_MENU}"

    def get_breadcrumbs_items(self):
        province = self.commune.province
        return [
            *self.base_breadcrumbs(),
            {"url": url("province", province.pk), "label": province.name},
            {"url": "", "label": self.commune.full_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = period_form(self.request)
        period = form.period()
        communes = [self.commune]
        disclosures = disclosure_stats_for(communes, period)
        metrics = commune_metrics(communes, period, disclosures=disclosures)[self.commune.pk]
        result = compliance(
            communes, period=period, disclosures=disclosures, procedures={self.commune.pk: metrics.procedures}
        )[self.commune.pk]
        row = reports.Row(self.commune, metrics, result)
        today = timezone.localdate()
        overdue = [item for item in review_items(communes, today - timedelta(days=1)).get(self.commune.pk, [])]
        context.update(
            commune=self.commune,
            period=period,
            form=form,
            cells=[(c.label, display(c.key, row.value(c.key))) for c in reports.COLUMNS[1:]],
            compliance=result,
            checks=[(check, round(result.points.get(check.key, 0), 1)) for check in CHECKS],
            missing_groups=metrics.missing_groups,
            overdue=overdue,
            back_url=url("province", self.commune.province_id)
            + ("?" + self.request.GET.urlencode() if self.request.GET else ""),
        )
        return context


# --- The viewset ------------------------------------------------------------------------------------


class OversightMenuItem(MenuItem):
    def is_shown(self, request):
        return can_oversee(request.user)


class XlsxExportView(ProvinceExportView):
    fmt = "xlsx"


class CsvExportView(ProvinceExportView):
    fmt = "csv"


class OversightViewSet(ViewSet):
    name = URL_NAMESPACE
    icon = "table"
    menu_label = LABEL_MENU
    menu_name = "oversight"
    menu_order = 155
    add_to_admin_menu = True

    @property
    def menu_item_class(self):
        return OversightMenuItem

    def get_urlpatterns(self):
        def view(cls):
            return self.construct_view(cls)

        return [
            path("", view(OversightIndexView), name="index"),
            path("province/<int:province_pk>/", view(ProvinceDashboardView), name="province"),
            path("province/<int:province_pk>/export.xlsx", view(XlsxExportView), name="export_xlsx"),
            path("province/<int:province_pk>/export.csv", view(CsvExportView), name="export_csv"),
            path("commune/<int:pk>/", view(CommuneDetailView), name="commune"),
        ]


oversight_viewset = OversightViewSet()
