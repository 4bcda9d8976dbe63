"""Admin for what a province pushes down to its communes.

- "Cảnh báo của tỉnh" (ProvinceAlertViewSet): province admins list, post, edit and withdraw their
  province's alerts (operators: every province's). Officers never reach it: every view answers 404, and the
  admin gate refuses an alert outside the user's provinces (it loads the alert's province).
- "Tin, văn bản của tỉnh" (SharedItemsView): an officer sees the province's news and documents listed on
  their commune's site and hides or shows each one there (POST). Nothing else of the province is theirs.

Every write goes through pages.province_content.services.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from sites.models import Commune, Province
from sites.tenancy import commune_for_user, scope_for_user

from . import services
from .models import AlertKind, HiddenSharedItem, ProvinceAlert, authority_name

ALERTS_NAMESPACE = "province_alerts"
ALERTS_LABEL = "Cảnh báo của tỉnh"
SHARED_LABEL = "Tin, văn bản của tỉnh"


def alerts_url(name: str, *args) -> str:
    return reverse(f"{ALERTS_NAMESPACE}:{name}", args=args)


def _local(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


# --- Who may post alerts ----------------------------------------------------------------------------------


def alert_provinces(user):
    """Provinces whose alerts this user posts: all for operators, administered ones for province admins.

    An officer of a commune gets none from that role (they see their commune's alerts on the dashboard)."""
    return scope_for_user(user).administered_provinces()


def can_post_alerts(user) -> bool:
    return scope_for_user(user).administers_provinces


class ProvinceAlertPolicy(ModelPermissionPolicy):
    """Rights follow the user's scope (province admins, operators), not Django model permissions."""

    def user_has_permission(self, user, action):
        return can_post_alerts(user)

    def user_has_any_permission(self, user, actions):
        return can_post_alerts(user)


class AlertAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_post_alerts(request.user):
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)


def _alerts_of(user):
    return ProvinceAlert.objects.filter(province__in=alert_provinces(user)).select_related("province")


class AlertObjectMixin(AlertAccessMixin):
    def get_queryset(self):
        return _alerts_of(self.request.user)


# --- The form ------------------------------------------------------------------------------------------------


class ProvinceAlertForm(WagtailAdminModelForm):
    """An alert of one of the user's provinces, for all of its communes or chosen ones."""

    province_choice = forms.ModelChoiceField(
        queryset=Province.objects.none(),
        required=False,
        label="Tỉnh/thành phố",
        help_text="Cảnh báo của tỉnh/thành phố nào.",
        empty_label="— Chọn tỉnh/thành phố —",
        error_messages={"invalid_choice": "Bạn không quản lý tỉnh/thành phố này."},
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        provinces = alert_provinces(for_user) if for_user is not None else Province.objects.none()
        self._only_province = None
        if self.instance.province_id:
            self.fields.pop("province_choice", None)
            provinces = Province.objects.filter(pk=self.instance.province_id)
        else:
            listed = list(provinces[:2])
            if len(listed) == 1:
                self._only_province = listed[0]
                self.fields.pop("province_choice", None)
            elif "province_choice" in self.fields:
                self.fields["province_choice"].queryset = provinces
                self.fields["province_choice"].required = True
                self.fields["province_choice"].error_messages["required"] = "Hãy chọn tỉnh/thành phố."
        if "communes" in self.fields:
            # Practice sites of training workshops are never offered.
            field = self.fields["communes"]
            field.queryset = (
                Commune.objects.listed().filter(province__in=provinces).select_related("province").order_by("sort_name")
            )
            field.widget = forms.CheckboxSelectMultiple()
            field.widget.choices = field.choices
            message = "Chỉ chọn được xã/phường đang hoạt động của tỉnh/thành phố mình."
            field.error_messages["invalid_choice"] = message
            field.error_messages["invalid_pk_value"] = message
        for name, message in (
            ("title", "Hãy nhập tiêu đề cảnh báo."),
            ("expires_at", "Hãy nhập thời điểm hết hạn."),
            ("starts_at", "Hãy nhập thời điểm bắt đầu hiện."),
        ):
            if name in self.fields:
                self.fields[name].error_messages["required"] = message

    @property
    def province(self):
        if self.instance.province_id:
            return self.instance.province
        return self._only_province or getattr(self, "cleaned_data", {}).get("province_choice")

    def _post_clean(self):
        # The province before the model's own checks run.
        if not self.instance.province_id and self.province is not None:
            self.instance.province = self.province
        super()._post_clean()

    def clean(self):
        cleaned = super().clean()
        province = self.province
        if province is None:
            if "province_choice" not in self.fields:
                raise ValidationError("Tài khoản của bạn không quản lý tỉnh/thành phố nào.")
            return cleaned
        try:
            cleaned["communes"] = services.clean_targets(
                province, cleaned.get("all_communes"), cleaned.get("communes") or []
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def alert_edit_handler():
    return ObjectList(
        [
            FieldPanel("province_choice"),
            FieldPanel("kind"),
            FieldPanel("title"),
            FieldPanel("text"),
            FieldPanel("link_url"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("expires_at")], heading="Thời gian hiện"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("outage_starts_at"), FieldPanel("restore_expected_at")])],
                heading="Lịch ngừng cung cấp dịch vụ (Nghị định 224, Điều 13)",
                help_text=(
                    "Chỉ điền khi loại là “Lịch ngừng cung cấp dịch vụ theo kế hoạch”: phải thông báo trước "
                    "ít nhất 7 ngày làm việc."
                ),
            ),
            MultiFieldPanel(
                [FieldPanel("all_communes"), FieldPanel("communes")],
                heading="Gửi tới",
            ),
        ],
        base_form_class=ProvinceAlertForm,
    )


def _alert_fields(instance) -> dict:
    return {name: getattr(instance, name) for name in services.ALERT_FIELDS}


# --- Views ------------------------------------------------------------------------------------------------


def _targets_text(alert) -> str:
    if alert.all_communes:
        return "Tất cả xã/phường"
    names = [c.full_name for c in alert.communes.all()]
    return ", ".join(names) if names else "—"


class AlertIndexView(AlertAccessMixin, generic.IndexView):
    page_title = ALERTS_LABEL
    add_item_label = "Đăng cảnh báo"
    is_searchable = True
    search_fields = ["title", "text"]

    def get_base_queryset(self):
        return _alerts_of(self.request.user).prefetch_related("communes")

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return queryset.filter(title__icontains=self.search_query)

    @cached_property
    def several_provinces(self) -> bool:
        return alert_provinces(self.request.user).count() > 1

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        columns = [
            title_column("title", label="Tiêu đề", get_url=self.get_edit_url),
            Column("kind", label="Loại", accessor="get_kind_display"),
            Column("targets", label="Gửi tới", accessor=_targets_text),
            Column("starts_at", label="Hiện từ", accessor=lambda a: _local(a.starts_at), sort_key="starts_at"),
            Column("expires_at", label="Hết hạn", accessor=lambda a: _local(a.expires_at), sort_key="expires_at"),
            Column("status", label="Tình trạng", accessor=lambda a: a.status_label()),
        ]
        if self.several_provinces:
            columns.insert(1, Column("province", label="Tỉnh/thành phố", accessor="province.name"))
        return columns

    def get_list_more_buttons(self, instance):
        buttons = []
        if edit_url := self.get_edit_url(instance):
            buttons.append(ListingMenuItem("Sửa", url=edit_url, icon_name="edit", priority=10))
            buttons.append(
                ListingMenuItem(
                    "Lịch sử thay đổi", url=alerts_url("history", quote(instance.pk)), icon_name="history", priority=20
                )
            )
        if not instance.withdrawn_at and (delete_url := self.get_delete_url(instance)):
            buttons.append(ListingMenuItem("Thu hồi", url=delete_url, icon_name="bin", priority=30))
        return buttons

    @cached_property
    def no_results_message(self):
        if self.is_searching:
            return "Không có cảnh báo nào khớp với từ khóa."
        return "Chưa có cảnh báo nào. Bấm “Đăng cảnh báo” để gửi cảnh báo tới các xã/phường."


def _breadcrumbs(view, label: str) -> list[dict]:
    return view.breadcrumbs_items + [{"url": alerts_url("index"), "label": ALERTS_LABEL}, {"url": "", "label": label}]


class AlertCreateView(AlertAccessMixin, generic.CreateView):
    page_title = "Đăng cảnh báo"
    submit_button_label = "Đăng cảnh báo"
    submit_button_active_label = "Đang đăng…"
    error_message = "Chưa đăng được cảnh báo, hãy sửa các lỗi bên dưới."

    def get_page_subtitle(self):
        return "Cảnh báo mới tới các xã/phường"

    def get_breadcrumbs_items(self):
        return _breadcrumbs(self, "Đăng cảnh báo")

    def save_instance(self):
        form = self.form
        return services.alert_publish(
            province=form.province,
            user=self.request.user,
            communes=form.cleaned_data.get("communes") or [],
            **_alert_fields(form.instance),
        )

    def get_success_message(self, instance):
        return f"Đã đăng cảnh báo “{instance.title}”: {_targets_text(instance).lower()} sẽ thấy trên trang của mình."


class AlertEditView(AlertObjectMixin, generic.EditView):
    submit_button_label = "Lưu"
    submit_button_active_label = "Đang lưu…"
    error_message = "Chưa lưu được cảnh báo, hãy sửa các lỗi bên dưới."
    delete_item_label = "Thu hồi cảnh báo"

    def get_page_subtitle(self):
        return self.object.title

    def get_breadcrumbs_items(self):
        return _breadcrumbs(self, self.object.title)

    def save_instance(self):
        form = self.form
        return services.alert_update(
            form.instance,
            user=self.request.user,
            communes=form.cleaned_data.get("communes") or [],
            **_alert_fields(form.instance),
        )

    def get_success_message(self):
        return f"Đã lưu cảnh báo “{self.object.title}”."


class AlertWithdrawView(AlertObjectMixin, generic.DeleteView):
    """ "Deleting" an alert withdraws it: off every commune site at once, the record kept for the history."""

    page_title = "Thu hồi cảnh báo"

    def get_usage_url(self):
        return None

    @property
    def confirmation_message(self):
        return f"Thu hồi cảnh báo “{self.object.title}”? Cảnh báo biến khỏi trang của mọi xã/phường ngay."

    def delete_action(self):
        services.alert_withdraw(self.object, user=self.request.user)

    def get_success_message(self):
        return f"Đã thu hồi cảnh báo “{self.object.title}”."


class AlertHistoryView(AlertAccessMixin, history.HistoryView):
    def get_base_object_queryset(self):
        return _alerts_of(self.request.user)


class AlertMenuItem(MenuItem):
    def is_shown(self, request):
        return can_post_alerts(request.user)


class ProvinceAlertViewSet(ModelViewSet):
    model = ProvinceAlert
    name = ALERTS_NAMESPACE
    url_prefix = "province-alerts"
    icon = "warning"
    menu_label = ALERTS_LABEL
    menu_name = "province-alerts"
    menu_order = 155
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50
    ordering = ["-starts_at", "-pk"]

    index_view_class = AlertIndexView
    add_view_class = AlertCreateView
    edit_view_class = AlertEditView
    delete_view_class = AlertWithdrawView
    history_view_class = AlertHistoryView
    edit_handler = alert_edit_handler()

    @cached_property
    def menu_item_class(self):
        return AlertMenuItem

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(usage_url_name=None, **kwargs)

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "usage"]


register_permission_policy(ProvinceAlert, ProvinceAlertPolicy(ProvinceAlert))
alerts_viewset = ProvinceAlertViewSet()


# --- Shared items: an officer hides or shows them on their commune's site -----------------------------------


def _shared_rows(commune):
    """(page, kind label, hidden?) for every live province item shared with the commune, newest first."""
    from pages.guidance.models import GuidingDocumentPage
    from pages.news.models import ArticlePage

    from .sharing import shared_q

    home_path = commune.home_page.path
    hidden = set(HiddenSharedItem.objects.filter(commune=commune).values_list("page_id", flat=True))
    rows = []
    for model, kind in ((ArticlePage, "Tin bài"), (GuidingDocumentPage, "Văn bản")):
        # Hidden ones too: the officer must be able to show them again.
        items = model.objects.filter(shared_q(model, home_path, commune_id=commune.pk, include_hidden=True)).live()
        for page in items.only("id", "title", "path", "depth", "url_path", "first_published_at", "content_type"):
            rows.append({"page": page, "kind": kind, "hidden": page.pk in hidden, "when": page.first_published_at})
    rows.sort(key=lambda row: row["when"] or timezone.now(), reverse=True)
    return rows


class SharedItemsView(WagtailAdminTemplateMixin, TemplateView):
    """The province's items listed on the officer's commune, each with Ẩn/Hiện (POST: action, page)."""

    template_name = "province_content/admin/shared_items.html"
    page_title = SHARED_LABEL
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        self.commune = commune_for_user(request.user)
        if self.commune is None or self.commune.home_page_id is None:
            raise Http404("Không tìm thấy trang này.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            commune=self.commune,
            authority=authority_name(self.commune.province),
            rows=_shared_rows(self.commune),
            action_url=reverse("province_shared_items"),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        try:
            page_id = int(request.POST.get("page", ""))
        except ValueError:
            page_id = None
        row = next((r for r in _shared_rows(self.commune) if r["page"].pk == page_id), None)
        if row is None or action not in ("hide", "show"):
            messages.error(request, "Không tìm thấy tin, văn bản này trong danh sách tỉnh chia sẻ với xã/phường.")
            return redirect("province_shared_items")
        page = Page.objects.get(pk=page_id)
        if action == "hide":
            services.shared_item_hide(self.commune, page, user=request.user)
            messages.success(request, f"Đã ẩn “{page.title}” khỏi trang của {self.commune.full_name}.")
        else:
            services.shared_item_show(self.commune, page)
            messages.success(request, f"“{page.title}” đã hiện lại trên trang của {self.commune.full_name}.")
        return redirect("province_shared_items")


class SharedItemsMenuItem(MenuItem):
    def is_shown(self, request):
        return commune_for_user(request.user) is not None


def admin_urls():
    return [path("tin-van-ban-cua-tinh/", SharedItemsView.as_view(), name="province_shared_items")]


__all__ = ["AlertKind", "alerts_viewset", "admin_urls", "SharedItemsMenuItem"]
