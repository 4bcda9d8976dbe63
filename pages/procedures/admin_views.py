"""The admin for administrative procedures (thủ tục hành chính).

Two areas:

- "Danh mục thủ tục hành chính" (ProcedureCatalogueViewSet): province admins keep their province's
  catalogue by hand or by importing a file (upload, preview, confirm). Officers never reach it:
  every view answers 404 to them, and the admin gate refuses catalogue objects outside the
  user's provinces (tenancy.owner_of gives a Procedure its province).
- "Thủ tục hành chính của xã" (CommuneProcedureViewSet, a commune snippet): officers choose which
  catalogue procedures their commune handles and fill in the local details. The catalogue text is
  shown read-only; the form has no catalogue field once a procedure is listed.

Business actions go through pages.procedures.services and importing; nothing here writes the
catalogue another way than Wagtail's own create/edit actions.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import django_filters
from django.conf import settings
from django.contrib.admin.utils import quote
from django.core.files import File
from django.db.models import Count, ProtectedError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList, Panel, TabbedInterface
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permissions import policy_registry
from wagtail.snippets.views import snippets as snippet_views

from sites.importers import ImportFileError, ImportRejected
from sites.models import Commune, Province
from sites.snippets import (
    CommuneOwnedChooserViewSet,
    CommuneSnippetViewSet,
    ScopedChooseResultsView,
    ScopedChooseView,
    owned_in_scope,
)
from sites.tenancy import scope_for_user
from sites.text import search_words, vn_sort_key

from . import services
from .forms import (
    CatalogueImportForm,
    CommuneProcedureAdminForm,
    EnsureAllForm,
    ProcedureChooserFilterForm,
    ProcedureForm,
    can_manage_catalogue,
    catalogue_provinces,
)
from .models import (
    CommuneProcedure,
    OnlineLevel,
    Procedure,
    ProcedureIndexPage,
    ProcedureStatus,
    is_commune_level,
    procedure_search_filter,
)
from .records import CHANNEL_NAMES, time_display, vnd

CATALOGUE_NAMESPACE = "procedure_catalogue"
CATALOGUE_LABEL = "Danh mục thủ tục hành chính"
COMMUNE_LABEL = "Thủ tục hành chính của xã"
# Menu labels short enough for the sidebar, which cuts anything longer than about twenty letters.
CATALOGUE_MENU_LABEL = "Danh mục thủ tục"
COMMUNE_MENU_LABEL = "Thủ tục của xã"
ADD_ALL_LABEL = "Thêm tất cả thủ tục cấp xã"
IMPORT_LABEL = "Nhập danh mục từ tệp"
PROVINCE_NOTE = "Nội dung thủ tục do tỉnh cập nhật"
PREVIEW_ROWS = 300  # rows shown per section of an import preview; the counts are always complete


def catalogue_url(name: str, *args) -> str:
    return reverse(f"{CATALOGUE_NAMESPACE}:{name}", args=args)


def _date(value) -> str:
    return formats.date_format(value, "d/m/Y") if value else ""


# --- The catalogue text, read-only --------------------------------------------------------------


def catalogue_display(procedure: Procedure) -> dict:
    """A procedure as the read-only panel shows it: plain data from the record, fees and times written out."""
    record = procedure.record
    methods = [
        {
            "channel": CHANNEL_NAMES.get(method["channel"], ""),
            "time": time_display(method),
            "time_note": method["time_note"].rstrip("."),
            "fees": [{"text": vnd(fee["amount"]), "note": fee["note"].rstrip(".")} for fee in method["fees"]],
        }
        for method in record["methods"]
    ]
    return {
        "procedure": procedure,
        "record": record,
        "methods": methods,
        "status_label": procedure.get_status_display(),
        "online_label": procedure.get_online_level_display(),
        "updated_on": _date(procedure.updated_on),
        "province_note": PROVINCE_NOTE,
    }


class CatalogueRecordPanel(Panel):
    """The catalogue text of a listed procedure on the commune's edit page: shown, never a form field."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "procedures/admin/catalogue_record_panel.html"

        def is_shown(self):
            return bool(self.instance is not None and self.instance.pk and self.instance.procedure_id)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(catalogue_display(self.instance.procedure))
            return context


# --- Catalogue: listing ---------------------------------------------------------------------------


class CatalogueAccessMixin:
    """Operators and province admins only; anyone else is told the page does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_catalogue(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)


def _catalogue_of(user):
    return Procedure.objects.filter(province__in=catalogue_provinces(user)).select_related("province")


class CatalogueObjectMixin(CatalogueAccessMixin):
    """Procedures are looked up in the user's provinces only (the admin gate checks the same)."""

    def get_queryset(self):
        return _catalogue_of(self.request.user)


def _fields_of(queryset) -> list[tuple[str, str]]:
    fields = {value for value in queryset.values_list("field", flat=True).distinct() if value}
    return [(value, value) for value in sorted(fields, key=vn_sort_key)]


class CatalogueFilterSet(WagtailFilterSet):
    field = django_filters.ChoiceFilter(label="Lĩnh vực", choices=[], empty_label="Tất cả lĩnh vực")
    status = django_filters.ChoiceFilter(label="Tình trạng", choices=ProcedureStatus.choices, empty_label="Tất cả")
    online_level = django_filters.ChoiceFilter(
        label="Dịch vụ công trực tuyến", choices=OnlineLevel.choices, empty_label="Tất cả"
    )
    province = django_filters.ModelChoiceFilter(
        label="Tỉnh/thành phố", queryset=Province.objects.none(), empty_label="Tất cả tỉnh/thành phố"
    )

    class Meta:
        model = Procedure
        fields = ["field", "status", "online_level", "province"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        provinces = catalogue_provinces(request.user)
        self.filters["field"].extra["choices"] = _fields_of(Procedure.objects.filter(province__in=provinces))
        if provinces.count() > 1:
            self.filters["province"].queryset = provinces
        else:
            del self.filters["province"]


class CatalogueIndexView(CatalogueAccessMixin, generic.IndexView):
    page_title = CATALOGUE_LABEL
    add_item_label = "Thêm thủ tục"
    is_searchable = True

    def get_base_queryset(self):
        return (
            Procedure.objects.filter(province__in=catalogue_provinces(self.request.user))
            .select_related("province")
            .annotate(commune_count=Count("commune_entries"))
        )

    def search_queryset(self, queryset):
        """Every word of the query in the code, name or field, typed with or without diacritics."""
        if not self.is_searching:
            return queryset
        for word in search_words(self.search_query):
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    @cached_property
    def several_provinces(self) -> bool:
        return catalogue_provinces(self.request.user).count() > 1

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        columns = [
            title_column("name", label="Tên thủ tục", sort_key="name", get_url=self.get_edit_url),
            Column("code", label="Mã thủ tục", sort_key="code"),
            Column("field", label="Lĩnh vực", sort_key="field"),
            Column("status", label="Tình trạng", accessor="get_status_display", sort_key="status"),
            Column("online_level", label="Trực tuyến", accessor="get_online_level_display", sort_key="online_level"),
            Column("updated_on", label="Ngày cập nhật", accessor=lambda p: _date(p.updated_on), sort_key="updated_on"),
            Column("commune_count", label="Số xã đang dùng", sort_key="commune_count"),
        ]
        if self.several_provinces:
            columns.insert(1, Column("province", label="Tỉnh/thành phố", accessor="province.name"))
        return columns

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_any_permission(["add", "change"]):
            buttons.append(HeaderButton("Nhập từ tệp", url=catalogue_url("import"), icon_name="upload", priority=20))
            if not self.several_provinces:
                buttons.append(
                    HeaderButton("Tải về (Excel)", url=catalogue_url("export"), icon_name="download", priority=30)
                )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            buttons.append(ListingMenuItem("Sửa", url=edit_url, icon_name="edit", priority=10))
            buttons.append(
                ListingMenuItem(
                    "Lịch sử thay đổi",
                    url=catalogue_url("history", quote(instance.pk)),
                    icon_name="history",
                    priority=20,
                )
            )
        if delete_url := self.get_delete_url(instance):
            buttons.append(ListingMenuItem("Xóa khỏi danh mục", url=delete_url, icon_name="bin", priority=30))
        return buttons

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "Không có thủ tục nào khớp với điều kiện tìm kiếm."
        return "Danh mục chưa có thủ tục nào. Hãy thêm thủ tục hoặc nhập danh mục từ tệp."


# --- Catalogue: create, edit, delete, history --------------------------------------------------------------


def _catalogue_breadcrumbs(view, label: str) -> list[dict]:
    return view.breadcrumbs_items + [
        {"url": catalogue_url("index"), "label": CATALOGUE_LABEL},
        {"url": "", "label": label},
    ]


class CatalogueCreateView(CatalogueAccessMixin, generic.CreateView):
    page_title = "Thêm thủ tục"
    submit_button_label = "Thêm vào danh mục"
    submit_button_active_label = "Đang lưu…"
    error_message = "Chưa lưu được thủ tục, hãy sửa các lỗi bên dưới."
    listed_on = 0

    def get_page_subtitle(self):
        return "Thêm thủ tục vào danh mục"

    def get_breadcrumbs_items(self):
        return _catalogue_breadcrumbs(self, "Thêm thủ tục")

    def save_instance(self):
        procedure = super().save_instance()
        self.listed_on = services.list_on_communes(procedure.province, [procedure])
        return procedure

    def get_success_message(self, instance):
        message = f"Đã thêm “{instance.name}” ({instance.code}) vào danh mục của {instance.province.name}."
        if self.listed_on:
            message += f" Thủ tục cấp xã này đã được đưa vào danh sách thủ tục của {self.listed_on} xã/phường."
        return message

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), "Sửa")]


class CatalogueEditView(CatalogueObjectMixin, generic.EditView):
    template_name = "procedures/admin/catalogue_edit.html"
    submit_button_label = "Lưu"
    submit_button_active_label = "Đang lưu…"
    delete_item_label = "Xóa khỏi danh mục"
    error_message = "Chưa lưu được thủ tục, hãy sửa các lỗi bên dưới."

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return _catalogue_breadcrumbs(self, self.object.name)

    @cached_property
    def commune_count(self) -> int:
        return self.object.commune_entries.count()

    def get_success_message(self):
        message = f"Đã lưu “{self.object.name}” ({self.object.code})."
        if self.commune_count:
            message += f" Thay đổi đã hiện trên trang của {self.commune_count} xã/phường đang dùng thủ tục này."
        return message

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), "Sửa tiếp")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["commune_count"] = self.commune_count
        context["province"] = self.object.province
        return context


class CatalogueDeleteView(CatalogueObjectMixin, generic.DeleteView):
    """Deleting is for mistakes; a procedure communes list is abolished instead (the model protects it)."""

    template_name = "procedures/admin/catalogue_confirm_delete.html"
    page_title = "Xóa thủ tục khỏi danh mục"

    def get_usage_url(self):
        return None

    @cached_property
    def commune_count(self) -> int:
        return self.object.commune_entries.count()

    @property
    def confirmation_message(self):
        return (
            f"Xóa hẳn “{self.object.name}” ({self.object.code}) khỏi danh mục của {self.object.province.name}? "
            "Không khôi phục lại được."
        )

    def get_success_message(self):
        return f"Đã xóa “{self.object.name}” ({self.object.code}) khỏi danh mục."

    def refuse(self):
        messages.error(
            self.request,
            f"Không xóa được “{self.object.name}”: thủ tục đang được {self.commune_count} xã/phường sử dụng. "
            "Nếu thủ tục không còn áp dụng, hãy đặt Tình trạng là “Đã bãi bỏ”.",
        )
        return redirect(catalogue_url("edit", quote(self.object.pk)))

    def form_valid(self, form):
        if self.commune_count:
            return self.refuse()
        try:
            return super().form_valid(form)
        except ProtectedError:  # listed by a commune between the page and the click
            return self.refuse()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            commune_count=self.commune_count,
            edit_url=catalogue_url("edit", quote(self.object.pk)),
            index_url=catalogue_url("index"),
        )
        return context


class CatalogueHistoryView(CatalogueAccessMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return _catalogue_of(self.request.user)


# --- Catalogue: import from a file -------------------------------------------------------------------
#
# The uploaded file waits between the preview and the confirmation in VAR_DIR/imports (never under
# MEDIA_ROOT, which the web server publishes), named by the user's id and a random token: another
# user's token names no file of theirs.

IMPORT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
IMPORT_MAX_AGE = 24 * 3600


def imports_dir() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


@dataclass
class PendingImport:
    """An uploaded catalogue file waiting for the user's confirmation."""

    token: str
    user_id: int
    province_id: int
    name: str

    @property
    def data_path(self) -> Path:
        return imports_dir() / f"{self.user_id}-{self.token}.upload"

    @property
    def meta_path(self) -> Path:
        return imports_dir() / f"{self.user_id}-{self.token}.json"

    @classmethod
    def save(cls, user, province: Province, upload) -> PendingImport:
        _sweep_old_imports()
        pending = cls(
            token=secrets.token_urlsafe(24),
            user_id=user.pk,
            province_id=province.pk,
            name=Path(upload.name or "tệp tải lên").name[:200],
        )
        with open(pending.data_path, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        meta = {"user": pending.user_id, "province": pending.province_id, "name": pending.name}
        pending.meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return pending

    @classmethod
    def load(cls, user, token: str) -> PendingImport | None:
        if not IMPORT_TOKEN.match(token or ""):
            return None
        pending = cls(token=token, user_id=user.pk, province_id=0, name="")
        if not (pending.meta_path.is_file() and pending.data_path.is_file()):
            return None
        try:
            meta = json.loads(pending.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("user") != user.pk:
            return None
        pending.province_id, pending.name = int(meta["province"]), str(meta.get("name") or "")
        return pending

    def open(self) -> File:
        # Named as uploaded, so the importer's messages speak of the user's file, not of our copy.
        return File(open(self.data_path, "rb"), name=self.name)

    def delete(self) -> None:
        self.data_path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)


def _sweep_old_imports() -> None:
    """Files of previews nobody confirmed go after a day."""
    limit = time.time() - IMPORT_MAX_AGE
    for item in imports_dir().iterdir():
        try:
            if item.is_file() and item.stat().st_mtime < limit:
                item.unlink(missing_ok=True)
        except OSError:
            continue


def run_import(province: Province, pending: PendingImport, *, dry_run: bool, user):
    """(plan, errors): the importer's plan, or its Vietnamese error lines with nothing written."""
    from .importing import import_catalogue

    with pending.open() as upload:
        try:
            return import_catalogue(province, upload, dry_run=dry_run, user=user), []
        except ImportRejected as rejected:
            return None, rejected.errors
        except ImportFileError as error:
            return None, [str(error)]


def plan_display(plan, province: Province) -> dict:
    """What the preview shows: the plan's lists, changed fields named in Vietnamese."""
    abolished_codes = {record["code"] for record in plan.abolished}
    changed = [
        {"record": record, "fields": ", ".join(services.FIELD_LABELS.get(key, key) for key in keys)}
        for record, keys in plan.changed
        if record["code"] not in abolished_codes
    ]
    new_for_communes = [r for r in plan.added if is_commune_level(r["level"]) and r["status"] == ProcedureStatus.ACTIVE]
    communes = Commune.objects.filter(province=province, status=Commune.Status.ACTIVE).count()
    return {
        "plan": plan,
        "added": plan.added[:PREVIEW_ROWS],
        "added_more": max(0, len(plan.added) - PREVIEW_ROWS),
        "changed": changed[:PREVIEW_ROWS],
        "changed_count": len(changed),
        "changed_more": max(0, len(changed) - PREVIEW_ROWS),
        "abolished": plan.abolished[:PREVIEW_ROWS],
        "abolished_more": max(0, len(plan.abolished) - PREVIEW_ROWS),
        "new_for_communes": len(new_for_communes),
        "commune_count": communes if new_for_communes else 0,
    }


class CatalogueImportMixin(CatalogueAccessMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin):
    model = Procedure
    any_permission_required = ["add", "change"]
    header_icon = "upload"
    page_title = IMPORT_LABEL

    def get_breadcrumbs_items(self):
        return _catalogue_breadcrumbs(self, IMPORT_LABEL)

    def upload_form(self, *args, **kwargs) -> CatalogueImportForm:
        return CatalogueImportForm(*args, provinces=catalogue_provinces(self.request.user), **kwargs)

    def render_upload(self, form=None, errors=(), file_name=""):
        context = self.get_context_data(
            form=form or self.upload_form(),
            errors=list(errors),
            file_name=file_name,
            action_url=catalogue_url("import"),
            index_url=catalogue_url("index"),
        )
        return self.response_class(
            request=self.request, template="procedures/admin/catalogue_import.html", context=context
        )


class CatalogueImportView(CatalogueImportMixin, FormView):
    """Step 1: choose the file. It is kept privately and read in the preview; nothing is written yet."""

    template_name = "procedures/admin/catalogue_import.html"

    def get(self, request, *args, **kwargs):
        return self.render_upload()

    def post(self, request, *args, **kwargs):
        form = self.upload_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_upload(form)
        province = form.chosen_province
        if province is None or not catalogue_provinces(request.user).filter(pk=province.pk).exists():
            raise Http404("Không tìm thấy trang này.")
        pending = PendingImport.save(request.user, province, form.cleaned_data["file"])
        return redirect(catalogue_url("import_preview", pending.token))


class CatalogueExportView(CatalogueAccessMixin, PermissionCheckedMixin, View):
    """The province's catalogue as an Excel file: a template to edit many procedures and import back unchanged."""

    model = Procedure
    any_permission_required = ["add", "change"]

    def get(self, request, *args, **kwargs):
        from .importing import export_catalogue

        provinces = catalogue_provinces(request.user)
        chosen = request.GET.get("province") or ""
        province = provinces.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if province is None:
            if provinces.count() != 1:
                raise Http404("Hãy chọn tỉnh/thành phố.")
            province = provinces.get()
        body = export_catalogue(province, "xlsx")
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        stamp = timezone.localdate().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="danh-muc-tthc-{province.slug}-{stamp}.xlsx"'
        return response


class CatalogueImportPreviewView(CatalogueImportMixin, TemplateView):
    """Step 2: what the file would add, change and abolish (a dry run); step 3: the confirmation (POST)."""

    template_name = "procedures/admin/catalogue_import_preview.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_catalogue(request.user):
            raise Http404("Không tìm thấy trang này.")
        self.pending = PendingImport.load(request.user, kwargs["token"])
        if self.pending is None:
            messages.warning(
                request,
                "Không tìm thấy tệp đã tải lên: tệp đã được nhập, đã quá một ngày hoặc không phải của bạn. "
                "Hãy tải tệp lên lại.",
            )
            return redirect(catalogue_url("import"))
        self.province = catalogue_provinces(request.user).filter(pk=self.pending.province_id).first()
        if self.province is None:
            self.pending.delete()
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        plan, errors = run_import(self.province, self.pending, dry_run=True, user=request.user)
        if errors:
            self.pending.delete()
            return self.render_upload(errors=errors, file_name=self.pending.name)
        if not plan.has_changes:
            self.pending.delete()
        context = self.get_context_data(
            province=self.province,
            file_name=self.pending.name,
            confirm_url=catalogue_url("import_preview", self.pending.token),
            import_url=catalogue_url("import"),
            **plan_display(plan, self.province),
        )
        return self.render_to_response(context)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "cancel":
            self.pending.delete()
            messages.success(request, f"Đã hủy nhập tệp “{self.pending.name}”; danh mục giữ nguyên.")
            return redirect(catalogue_url("index"))
        try:
            plan, errors = run_import(self.province, self.pending, dry_run=False, user=request.user)
        finally:
            self.pending.delete()
        if errors:
            return self.render_upload(errors=errors, file_name=self.pending.name)
        message = f"Đã nhập tệp “{self.pending.name}” vào danh mục của {self.province.name}: {plan.summary()}"
        if plan.communes_assigned:
            message += (
                f" Các thủ tục cấp xã mới đã được đưa vào danh sách thủ tục của các xã/phường "
                f"({plan.communes_assigned} lượt thêm)."
            )
        messages.success(request, message)
        return redirect(catalogue_url("index"))


# --- Catalogue: the viewset ---------------------------------------------------------------------------


def catalogue_edit_handler():
    """The model's panels, with the province choice first for users who keep several catalogues."""
    tabs = Procedure.panels[0]
    first, *others = tabs.children
    general = ObjectList([FieldPanel("province_choice"), *first.children], heading=first.heading)
    return TabbedInterface([general, *others], base_form_class=ProcedureForm)


class CatalogueMenuItem(MenuItem):
    """Operators and province admins; officers never see the catalogue."""

    def is_shown(self, request):
        policy = policy_registry.get_by_type(Procedure)
        return can_manage_catalogue(request.user) and policy.user_has_any_permission(
            request.user, ["add", "change", "delete", "view"]
        )


class ProcedureCatalogueViewSet(ModelViewSet):
    model = Procedure
    name = CATALOGUE_NAMESPACE
    url_prefix = "procedures/catalogue"
    icon = "list-ul"
    menu_label = CATALOGUE_MENU_LABEL
    menu_name = "procedure-catalogue"
    menu_order = 160
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    ordering = "name"

    index_view_class = CatalogueIndexView
    add_view_class = CatalogueCreateView
    edit_view_class = CatalogueEditView
    delete_view_class = CatalogueDeleteView
    history_view_class = CatalogueHistoryView
    filterset_class = CatalogueFilterSet
    edit_handler = catalogue_edit_handler()

    @cached_property
    def menu_item_class(self):
        return CatalogueMenuItem

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)

    @property
    def import_view(self):
        return self.construct_view(CatalogueImportView)

    @property
    def import_preview_view(self):
        return self.construct_view(CatalogueImportPreviewView)

    def get_urlpatterns(self):
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name != "usage"]
        return patterns + [
            path("import/", self.import_view, name="import"),
            path("import/<str:token>/", self.import_preview_view, name="import_preview"),
            path("export/", self.construct_view(CatalogueExportView), name="export"),
        ]


catalogue_viewset = ProcedureCatalogueViewSet()


# --- The commune's procedures ---------------------------------------------------------------------------


class CommuneProcedureFilterSet(WagtailFilterSet):
    field = django_filters.ChoiceFilter(
        label="Lĩnh vực", field_name="procedure__field", choices=[], empty_label="Tất cả lĩnh vực"
    )
    local = django_filters.ChoiceFilter(
        label="Thông tin của xã",
        choices=[("missing", "Chưa điền"), ("filled", "Đã điền")],
        empty_label="Tất cả",
        method="filter_local",
    )
    commune = django_filters.ModelChoiceFilter(
        label="Xã/phường", queryset=Commune.objects.none(), empty_label="Tất cả xã/phường"
    )

    class Meta:
        model = CommuneProcedure
        fields = ["field", "local", "commune"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        mine = owned_in_scope(request.user, CommuneProcedure.objects.all())
        self.filters["field"].extra["choices"] = _fields_of(
            Procedure.objects.filter(pk__in=mine.values("procedure_id"))
        )
        communes = scope_for_user(request.user).communes().order_by("name")
        if communes.count() > 1:
            self.filters["commune"].queryset = communes
        else:
            del self.filters["commune"]

    def filter_local(self, queryset, name, value):
        empty = {"submission_place": "", "opening_hours": "", "officer_name": "", "local_notes": ""}
        if value == "missing":
            return queryset.filter(**empty)
        if value == "filled":
            return queryset.exclude(**empty)
        return queryset


def _several_communes(user) -> bool:
    return scope_for_user(user).communes().count() > 1


class CommuneProcedureIndexView(snippet_views.IndexView):
    page_title = COMMUNE_LABEL
    add_item_label = "Thêm thủ tục"
    is_searchable = True
    add_all_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("procedure", "commune")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(procedure_search_filter(self.search_query))

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        columns = [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            title_column(
                "name",
                label="Tên thủ tục",
                accessor="procedure.name",
                sort_key="procedure__name",
                get_url=self.get_edit_url,
                get_title_id=lambda entry: f"snippet_{quote(entry.pk)}_title",
            ),
            Column("code", label="Mã thủ tục", accessor="procedure.code", sort_key="procedure__code"),
            Column("field", label="Lĩnh vực", accessor="procedure.field", sort_key="procedure__field"),
            Column(
                "is_featured",
                label="Thường dùng",
                accessor=lambda entry: "Có" if entry.is_featured else "",
                sort_key="is_featured",
            ),
            StatusTagColumn(
                "local",
                label="Thông tin của xã",
                accessor=lambda entry: "Đã điền" if entry.has_local_details else "Chưa điền",
                primary=lambda entry: entry.has_local_details,  # Wagtail draws the other one darker
            ),
            Column(
                "status",
                label="Ghi chú",
                accessor=lambda entry: "" if entry.procedure.is_active else "Tỉnh đã bãi bỏ, người dân không còn thấy",
                sort_key="procedure__status",
            ),
        ]
        if _several_communes(self.request.user):
            columns.insert(2, Column("commune", label="Xã/phường", accessor="commune.name", sort_key="commune__name"))
        return columns

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.add_all_url_name and self.user_has_permission("add"):
            buttons.append(
                HeaderButton(ADD_ALL_LABEL, url=reverse(self.add_all_url_name), icon_name="list-ul", priority=20)
            )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            buttons.append(ListingMenuItem("Sửa thông tin của xã", url=edit_url, icon_name="edit", priority=10))
        if delete_url := self.get_delete_url(instance):
            buttons.append(ListingMenuItem("Gỡ khỏi danh sách của xã", url=delete_url, icon_name="bin", priority=30))
        return buttons

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "Không có thủ tục nào khớp với điều kiện tìm kiếm."
        return f"Xã chưa có thủ tục nào. Bấm “{ADD_ALL_LABEL}” để đưa các thủ tục cấp xã của tỉnh vào danh sách."


def _commune_breadcrumbs(view, label: str) -> list[dict]:
    return view.breadcrumbs_items + [
        {"url": reverse(view.index_url_name), "label": COMMUNE_LABEL},
        {"url": "", "label": label},
    ]


class CommuneProcedureCreateView(snippet_views.CreateView):
    error_message = "Chưa thêm được thủ tục, hãy sửa các lỗi bên dưới."

    def get_page_subtitle(self):
        return "Thêm thủ tục từ danh mục của tỉnh"

    def get_breadcrumbs_items(self):
        return _commune_breadcrumbs(self, "Thêm thủ tục")

    def get_success_message(self, instance):
        return f"Đã thêm “{instance.procedure.name}” vào danh sách thủ tục của {instance.commune.full_name}."

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), "Sửa thông tin của xã")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        field = self.form.fields.get("procedure")
        context["nothing_to_add"] = field is not None and not field.queryset.exists()
        context["catalogue_note"] = PROVINCE_NOTE
        return context


class CommuneProcedureEditView(snippet_views.EditView):
    error_message = "Chưa lưu được, hãy sửa các lỗi bên dưới."

    def get_page_subtitle(self):
        return self.object.procedure.name

    def get_breadcrumbs_items(self):
        return _commune_breadcrumbs(self, self.object.procedure.name)

    def get_success_message(self):
        return f"Đã lưu thông tin của {self.object.commune.full_name} cho thủ tục “{self.object.procedure.name}”."

    def get_success_buttons(self):
        return [messages.button(self.get_edit_url(), "Sửa tiếp")]

    @cached_property
    def header_buttons(self):
        index = ProcedureIndexPage.objects.child_of(self.object.commune.home_page).live().first()
        if index is None:
            return []
        url = index.specific.procedure_url(self.object, self.request)
        return [
            HeaderButton(
                "Xem trên trang của xã",
                url=url,
                icon_name="link-external",
                attrs={"target": "_blank", "rel": "noopener"},
                priority=10,
            )
        ]


class CommuneProcedureDeleteView(snippet_views.DeleteView):
    page_title = "Gỡ thủ tục khỏi danh sách của xã"

    def get_page_subtitle(self):
        return self.object.procedure.name

    @property
    def confirmation_message(self):
        return (
            f"Gỡ “{self.object.procedure.name}” khỏi danh sách thủ tục của {self.object.commune.full_name}? "
            "Người dân sẽ không còn thấy thủ tục này trên trang của xã, và thông tin riêng của xã "
            "(nơi nộp, giờ tiếp nhận, cán bộ phụ trách, lưu ý) bị xóa theo. Thủ tục vẫn còn trong danh mục "
            "của tỉnh nên có thể thêm lại bất cứ lúc nào."
        )

    def get_success_message(self):
        return f"Đã gỡ “{self.object.procedure.name}” khỏi danh sách thủ tục của {self.object.commune.full_name}."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["video_count"] = self.object.videos.count()
        return context


def missing_commune_level(commune: Commune):
    """Commune-level procedures in force that the commune does not list yet (what "add all" would add)."""
    taken = CommuneProcedure.objects.filter(commune=commune).values("procedure_id")
    return (
        Procedure.objects.filter(province_id=commune.province_id)
        .active()
        .commune_level()
        .exclude(pk__in=taken)
        .order_by("field", "name")
    )


class CommuneProceduresAddAllView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Confirm, then list every commune-level procedure of the catalogue on the commune (services)."""

    model = CommuneProcedure
    permission_required = "add"
    template_name = "procedures/admin/commune_procedures_add_all.html"
    page_title = ADD_ALL_LABEL
    header_icon = "list-ul"
    index_url_name = None
    add_all_url_name = None

    def get_breadcrumbs_items(self):
        return _commune_breadcrumbs(self, ADD_ALL_LABEL)

    @cached_property
    def communes(self):
        return scope_for_user(self.request.user).communes().filter(status=Commune.Status.ACTIVE).order_by("name")

    def get_form(self, form_class=None):
        return EnsureAllForm(**self.get_form_kwargs(), communes=self.communes)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        only = list(self.communes[:2])
        commune = only[0] if len(only) == 1 else None
        missing = list(missing_commune_level(commune)) if commune else None
        context.update(
            commune=commune,
            missing=missing,
            action_url=reverse(self.add_all_url_name),
            index_url=reverse(self.index_url_name),
        )
        return context

    def form_valid(self, form):
        commune = form.chosen_commune
        added = services.commune_procedures_ensure(commune)
        if added:
            messages.success(
                self.request,
                f"Đã thêm {added} thủ tục cấp xã vào danh sách của {commune.full_name}. "
                "Hãy bổ sung nơi nộp hồ sơ, giờ tiếp nhận và cán bộ phụ trách cho từng thủ tục.",
            )
        else:
            messages.info(self.request, f"{commune.full_name} đã có đủ các thủ tục cấp xã còn hiệu lực của tỉnh.")
        return redirect(reverse(self.index_url_name))


# The video pages' procedure chooser: the officer's own commune entries in force, searchable without diacritics.


class _ProcedureChooserMixin:
    filter_form_class = ProcedureChooserFilterForm

    def get_object_list(self):
        entries = super().get_object_list()
        return entries.filter(procedure__status=ProcedureStatus.ACTIVE).select_related("procedure", "commune")

    def apply_object_list_ordering(self, objects):
        return objects.order_by("procedure__name", "pk")

    @property
    def columns(self):
        columns = super().columns
        columns[0].label = "Tên thủ tục"  # built afresh on each call
        columns.append(Column("field", label="Lĩnh vực", accessor="procedure.field"))
        if _several_communes(self.request.user):
            columns.append(Column("commune", label="Xã/phường", accessor="commune.name"))
        return columns


class CommuneProcedureChooseView(_ProcedureChooserMixin, ScopedChooseView):
    pass


class CommuneProcedureChooseResultsView(_ProcedureChooserMixin, ScopedChooseResultsView):
    pass


class CommuneProcedureChooserViewSet(CommuneOwnedChooserViewSet):
    choose_view_class = CommuneProcedureChooseView
    choose_results_view_class = CommuneProcedureChooseResultsView


class CommuneProcedureViewSet(CommuneSnippetViewSet):
    model = CommuneProcedure
    icon = "list-ul"
    menu_label = COMMUNE_MENU_LABEL
    menu_name = "commune-procedures"
    menu_order = 215
    add_to_admin_menu = True
    copy_view_enabled = False
    list_per_page = 50
    ordering = "procedure__name"

    index_view_class = CommuneProcedureIndexView
    add_view_class = CommuneProcedureCreateView
    edit_view_class = CommuneProcedureEditView
    delete_view_class = CommuneProcedureDeleteView
    filterset_class = CommuneProcedureFilterSet
    chooser_viewset_class = CommuneProcedureChooserViewSet
    create_template_name = "procedures/admin/commune_procedure_create.html"
    delete_template_name = "procedures/admin/commune_procedure_confirm_delete.html"
    # What the commune fills in comes first; the catalogue text follows, to read.
    edit_handler = ObjectList(
        [
            FieldPanel("commune_choice"),
            FieldPanel("procedure"),
            *CommuneProcedure.panels[1:],
            CatalogueRecordPanel(heading="Nội dung thủ tục (tỉnh cập nhật, xã chỉ xem)"),
        ],
        base_form_class=CommuneProcedureAdminForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(add_all_url_name=self.get_url_name("add_all"), **kwargs)

    @property
    def add_all_view(self):
        return self.construct_view(CommuneProceduresAddAllView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [path("add-all/", self.add_all_view, name="add_all")]
