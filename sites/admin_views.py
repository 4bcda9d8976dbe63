"""Commune management in the Wagtail admin, for province admins.

One ModelViewSet ("Xã/phường" in the main menu) with: the listing, the "Thêm xã/phường" form,
a detail page (facts, officers, "Thêm cán bộ") and the "Lưu trữ" confirmation.
Every business action goes through sites.services; every object lookup goes through
_communes_for(request), which asks the tenancy resolver. Nothing here writes to the database itself.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.models import Site
from wagtail.permissions import policy_registry

from . import services, two_factor
from .models import Commune, FormerUnit, Province
from .tenancy import scope_for_user
from .text import fold, search_words, vn_sort_key

URL_NAMESPACE = "communes"
MANAGE_PERMISSIONS = ["add", "change", "view"]

LABEL_PLURAL = "Xã/phường"
LABEL_ADD = "Thêm xã/phường"
LABEL_OFFICERS = "Cán bộ"
LABEL_ADD_OFFICER = "Thêm cán bộ"
LABEL_ARCHIVE = "Lưu trữ"
LABEL_MANAGE_PAGES = "Quản lý trang"
LABEL_VIEW_SITE = "Xem trang"
LABEL_RESET_TWO_FACTOR = "Đặt lại xác thực hai lớp"

OFFICER_ROLES = (services.ROLE_EDITOR, services.ROLE_APPROVER)


def url(view_name, *args):
    return reverse(f"{URL_NAMESPACE}:{view_name}", args=args)


# --- Who may use the area, and what they may see ------------------------------------------


def can_manage_communes(user) -> bool:
    """Operators and province admins; never commune officers (editors, approvers)."""
    scope = scope_for_user(user)
    return scope.is_superuser or scope.is_province_admin


def _communes_for(request):
    """The communes this user manages: the tenancy resolver's scope, narrowed to provinces they administer.

    A province admin who is also an officer somewhere keeps officer rights there, not admin rights.
    Practice sites are left out: they belong to training workshops and are managed under "Tập huấn".
    """
    scope = scope_for_user(request.user)
    communes = scope.communes().real()
    if not scope.is_superuser:
        communes = communes.filter(province_id__in=scope.province_ids)
    return communes


def _provinces_for(request):
    """The provinces this user may create communes in (same narrowing as _communes_for)."""
    return scope_for_user(request.user).administered_provinces()


class CommuneAreaMixin:
    """Refuse the whole area to anyone who is not an operator or a province admin.

    PermissionDenied: Wagtail's admin turns it into a redirect to the dashboard with a Vietnamese message.
    """

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_communes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CommuneObjectMixin(CommuneAreaMixin):
    """Load the commune named by the URL from the user's scope; anything else is 404."""

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_communes(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(_communes_for(request), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": url("index"), "label": LABEL_PLURAL},
            {"url": url("detail", self.object.pk), "label": self.object.full_name},
        ]


def _error_field(message: str, fields) -> str | None:
    """Which form field a services.ServiceError message is about (None: the whole form)."""
    prefixes = (
        ("Tên miền", "hostname"),
        ("Mã đơn vị", "code"),
        ("Loại đơn vị", "kind"),
        ("Thiếu tên", "name"),
        ("Tên đơn vị cũ", "former_units"),
        ("Tên", "name"),
        ("Địa chỉ thư điện tử", "email"),
        ("Tên đăng nhập", "username"),
        ("Tài khoản", "username"),
        ("Mật khẩu", "password"),
        ("Vai trò", "role"),
    )
    for prefix, field in prefixes:
        if message.startswith(prefix) and field in fields:
            return field
    return None


def add_service_error(form, error: services.ServiceError) -> None:
    message = str(error)
    form.add_error(_error_field(message, form.fields), message)


# --- Listing -------------------------------------------------------------------------------


class CommuneFilterSet(WagtailFilterSet):
    province = django_filters.ModelChoiceFilter(
        label="Tỉnh/thành phố", queryset=Province.objects.none(), empty_label="Tất cả tỉnh/thành phố"
    )
    status = django_filters.ChoiceFilter(label="Trạng thái", choices=Commune.Status.choices, empty_label="Tất cả")

    class Meta:
        model = Commune
        fields = ["province", "status"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        provinces = _provinces_for(request)
        if provinces.count() > 1:
            self.filters["province"].queryset = provinces
        else:
            del self.filters["province"]


class HostnameColumn(Column):
    """The commune's hostname, linking to its public site."""

    cell_template_name = "sites/admin/hostname_cell.html"


class CommuneIndexView(CommuneAreaMixin, generic.IndexView):
    any_permission_required = MANAGE_PERMISSIONS
    page_title = LABEL_PLURAL
    add_item_label = LABEL_ADD

    @property
    def is_searchable(self):
        return True

    def get_base_queryset(self):
        return _communes_for(self.request)

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "full_name",
                label="Tên",
                sort_key="sort_name",
                get_url=lambda commune: url("detail", commune.pk),
            ),
            Column("province", label="Tỉnh/thành phố", accessor="province.name", sort_key="province__sort_name"),
            HostnameColumn("hostname", label="Tên miền", sort_key="hostname"),
            StatusTagColumn(
                "status",
                label="Trạng thái",
                accessor="get_status_display",
                sort_key="status",
                primary=lambda commune: commune.is_active,
            ),
            Column(
                "created_at",
                label="Ngày tạo",
                accessor=lambda commune: formats.date_format(timezone.localtime(commune.created_at), "d/m/Y"),
                sort_key="created_at",
            ),
        ]

    def search_queryset(self, queryset):
        """Accent-insensitive search on the name, kind, hostname and the former units' names."""
        if not self.is_searching:
            return queryset
        needle = " ".join(search_words(self.search_query))
        matches = {
            pk
            for pk, kind, name, hostname in queryset.values_list("pk", "kind", "name", "hostname")
            if needle in fold(f"{kind} {name} {hostname}").lower()
        }
        former = FormerUnit.objects.filter(commune__in=queryset.values("pk")).values_list("commune_id", "name")
        matches |= {commune_id for commune_id, name in former if needle in fold(name).lower()}
        return queryset.filter(pk__in=matches)

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "Không có xã/phường nào khớp với điều kiện tìm kiếm."
        return "Chưa có xã/phường nào."

    def get_list_more_buttons(self, instance):
        buttons = [
            ListingMenuItem("Xem chi tiết", url=url("detail", instance.pk), icon_name="info-circle", priority=10),
        ]
        if instance.home_page_id:
            explore = reverse("wagtailadmin_explore", args=[instance.home_page_id])
            buttons.append(
                ListingMenuItem(LABEL_MANAGE_PAGES, url=explore, icon_name="folder-open-inverse", priority=20)
            )
        if instance.is_active and self.user_has_permission("change"):
            buttons.append(
                ListingMenuItem(LABEL_ARCHIVE, url=url("archive", instance.pk), icon_name="bin", priority=30)
            )
        return buttons


# --- Create -------------------------------------------------------------------------------


class CommuneCreateForm(forms.Form):
    province = forms.ModelChoiceField(
        label="Tỉnh/thành phố",
        queryset=Province.objects.none(),
        error_messages={
            "required": "Hãy chọn tỉnh/thành phố.",
            "invalid_choice": "Bạn không được tạo xã/phường ở tỉnh/thành phố này.",
        },
    )
    name = forms.CharField(
        label="Tên xã/phường",
        max_length=100,
        help_text="Tên không kèm chữ “xã”, “phường”, ví dụ: Động Đạt.",
        error_messages={"required": "Hãy nhập tên xã/phường."},
    )
    kind = forms.ChoiceField(
        label="Loại đơn vị",
        choices=Commune.Kind.choices,
        initial=Commune.Kind.XA,
        error_messages={
            "required": "Hãy chọn loại đơn vị.",
            "invalid_choice": "Loại đơn vị không hợp lệ; chọn xã, phường, thị trấn hoặc đặc khu.",
        },
    )
    code = forms.CharField(
        label="Mã đơn vị hành chính",
        max_length=10,
        required=False,
        help_text="Không bắt buộc. Mã số theo danh mục đơn vị hành chính, chỉ gồm chữ số.",
    )
    hostname = forms.CharField(
        label="Tên miền",
        max_length=253,
        required=False,
        help_text=(
            "Không bắt buộc. Để trống thì dùng <tên không dấu>.<tên miền tỉnh>, ví dụ dongdat.thainguyen.gov.vn."
        ),
    )
    former_units = forms.CharField(
        label="Đơn vị cũ đã sáp nhập",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Không bắt buộc. Mỗi dòng một tên, ví dụ: Xã Bình Thành. Người dân tìm theo tên cũ vẫn thấy xã mới.",
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = provinces
        only = list(provinces[:2])
        if len(only) == 1:
            field.empty_label = None
            field.initial = only[0].pk
            domain = only[0].domain
            self.fields[
                "hostname"
            ].help_text = (
                f"Không bắt buộc. Để trống thì dùng <tên không dấu>.{domain}, ví dụ với xã Động Đạt: dongdat.{domain}."
            )
        else:
            field.empty_label = "— Chọn tỉnh/thành phố —"

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "province": data["province"],
            "name": data["name"],
            "kind": data["kind"],
            "code": data.get("code", ""),
            "hostname": data.get("hostname") or None,
            "former_units": [line for line in data.get("former_units", "").splitlines() if line.strip()],
        }

    def clean(self):
        """Ask the business rules (services.commune_spec and its conflict check) before anything is written."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            spec = services.commune_spec(**self.service_kwargs())
            existing = Commune.objects.filter(province=spec.province, slug=spec.slug).first()
            if existing is not None:
                self.add_error(
                    "name",
                    f"{spec.province.name} đã có {existing.full_name} (đường dẫn “{spec.slug}”). "
                    "Nếu đây là đơn vị khác, hãy đặt tên phân biệt.",
                )
                return cleaned
            services.check_spec_conflicts(spec)
        except services.ServiceError as error:
            add_service_error(self, error)
        return cleaned


class CommuneCreateView(CommuneAreaMixin, generic.CreateView):
    permission_required = "add"
    page_title = LABEL_ADD
    page_subtitle = ""
    submit_button_label = "Tạo xã/phường"
    submit_button_active_label = "Đang tạo…"
    error_message = "Chưa tạo được xã/phường, hãy sửa các lỗi bên dưới."

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": url("index"), "label": LABEL_PLURAL},
            {"url": "", "label": LABEL_ADD},
        ]

    def get_form_class(self):
        return CommuneCreateForm

    def get_form_kwargs(self):
        kwargs = {"provinces": _provinces_for(self.request), "initial": self.get_initial(), "prefix": None}
        if self.request.method in ("POST", "PUT"):
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return kwargs

    def form_valid(self, form):
        self.form = form
        kwargs = form.service_kwargs()
        # The form's queryset already limits provinces; check again so no path can skip the scope.
        if not _provinces_for(self.request).filter(pk=kwargs["province"].pk).exists():
            raise PermissionDenied
        try:
            self.object = services.commune_create(**kwargs)
        except services.ServiceError as error:
            add_service_error(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        return self.save_action()

    def get_success_message(self, instance):
        return (
            f"Đã tạo {instance.full_name} ({instance.province.name}) với tên miền {instance.hostname}: "
            "trang chủ, các chuyên mục, thư mục tệp, nhóm cán bộ và quy trình duyệt tin đã sẵn sàng. "
            "Bước tiếp theo: thêm cán bộ cho xã/phường."
        )

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return url("detail", self.object.pk)

    def get_edit_url(self):
        return url("detail", self.object.pk)


# --- Detail and officers ----------------------------------------------------------------------


class OfficerForm(forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        help_text="Chỉ gồm chữ không dấu, chữ số và các ký tự @ . + - _, ví dụ: nguyenvana.dongdat",
        error_messages={"required": "Hãy nhập tên đăng nhập."},
    )
    email = forms.CharField(
        label="Thư điện tử",
        max_length=254,
        error_messages={"required": "Hãy nhập địa chỉ thư điện tử."},
    )
    role = forms.ChoiceField(
        label="Vai trò",
        choices=[
            (services.ROLE_EDITOR, "Biên tập viên – soạn tin bài và gửi lãnh đạo duyệt"),
            (services.ROLE_APPROVER, "Lãnh đạo phê duyệt – duyệt và xuất bản tin bài"),
        ],
        initial=services.ROLE_EDITOR,
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn vai trò.", "invalid_choice": "Vai trò không hợp lệ."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Không bắt buộc. Để trống thì hệ thống tạo mật khẩu ngẫu nhiên và hiện một lần sau khi tạo.",
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_username(self):
        """An existing account may only be reused if it already works for this commune, and keeps its password.

        services.officer_create would otherwise reset any account's password, including an operator's.
        """
        username = self.cleaned_data["username"].strip()
        existing = get_user_model().objects.filter(username=username).first()
        if existing is None:
            return username
        scope = scope_for_user(existing)
        works_here = scope.commune_ids == frozenset({self.commune.pk})
        if existing.is_superuser or existing.is_staff or scope.province_ids or not works_here:
            raise forms.ValidationError(
                f"Tên đăng nhập “{username}” đã được dùng cho một tài khoản khác. Hãy chọn tên khác."
            )
        self.existing_user = existing
        return username

    def clean(self):
        cleaned = super().clean()
        existing = getattr(self, "existing_user", None)
        if existing is None:
            return cleaned
        if cleaned.get("password"):
            self.add_error(
                "password",
                "Tài khoản này đã có mật khẩu; ở đây chỉ thêm vai trò. Hãy để trống ô mật khẩu.",
            )
        role = cleaned.get("role")
        group_id = self.commune.editors_group_id if role == services.ROLE_EDITOR else self.commune.approvers_group_id
        if role and existing.groups.filter(pk=group_id).exists():
            self.add_error(
                "role",
                f"Tài khoản “{existing.get_username()}” đã là {services.ROLES[role]} của {self.commune.full_name}.",
            )
        return cleaned


def officer_sort_key(user) -> tuple:
    """Vietnamese directory order: by given name (tên: last word of first_name), then "Họ đệm Tên"."""
    full = f"{user.last_name} {user.first_name}".strip() or user.get_username()
    given = (user.first_name.split() or [full])[-1]
    return (vn_sort_key(given), vn_sort_key(full))


def _officer_groups(commune: Commune) -> dict[str, int]:
    return {services.ROLE_EDITOR: commune.editors_group_id, services.ROLE_APPROVER: commune.approvers_group_id}


def officer_accounts(commune: Commune):
    """The accounts in the commune's editors or approvers group."""
    group_ids = [gid for gid in _officer_groups(commune).values() if gid]
    return get_user_model().objects.filter(groups__in=group_ids).distinct()


def is_plain_officer(user) -> bool:
    """An editor or approver and nothing more: never an operator or a province admin, whose recovery
    (2FA reset) is the operator's job from the command line."""
    return not user.is_superuser and not scope_for_user(user).province_ids


def resettable_officer(commune: Commune, user_pk):
    """The commune's officer whose 2FA a province admin may reset, or None."""
    officer = officer_accounts(commune).filter(pk=user_pk).first()
    return officer if officer is not None and is_plain_officer(officer) else None


def officers_of(commune: Commune) -> list[dict]:
    """Each account in the commune's editors or approvers group, with its roles."""
    groups = _officer_groups(commune)
    users = sorted(officer_accounts(commune).prefetch_related("groups"), key=officer_sort_key)
    locked = services.locked_out_usernames(u.get_username() for u in users)
    with_device = two_factor.users_with_device(u.pk for u in users)
    rows = []
    for user in users:
        member_of = {g.pk for g in user.groups.all()}
        roles = [services.ROLES[role] for role, gid in groups.items() if gid in member_of]
        rows.append(
            {
                "user": user,
                "roles": roles,
                "locked_out": user.get_username() in locked,
                "unlock_url": url("unlock_officer", commune.pk, user.pk),
                "two_factor": user.pk in with_device,
                "two_factor_resettable": user.pk in with_device and is_plain_officer(user),
                "two_factor_reset_url": url("reset_two_factor", commune.pk, user.pk),
            }
        )
    return rows


def portal_url(path_: str) -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else "") + path_


class CommuneDetailView(CommuneObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Commune
    any_permission_required = MANAGE_PERMISSIONS
    template_name = "sites/admin/commune_detail.html"
    header_icon = "site"

    def get_page_title(self):
        return self.object.full_name

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": url("index"), "label": LABEL_PLURAL},
            {"url": "", "label": self.object.full_name},
        ]

    @property
    def header_buttons(self):
        commune = self.object
        buttons = []
        if commune.home_page_id:
            explore = reverse("wagtailadmin_explore", args=[commune.home_page_id])
            buttons.append(HeaderButton(LABEL_MANAGE_PAGES, url=explore, icon_name="folder-open-inverse", priority=10))
        if commune.url and commune.is_active:
            buttons.append(
                HeaderButton(
                    LABEL_VIEW_SITE,
                    url=commune.url,
                    icon_name="link-external",
                    attrs={"target": "_blank", "rel": "noopener noreferrer"},
                    priority=20,
                )
            )
        return buttons

    def get_officer_form(self):
        return OfficerForm(commune=self.object, prefix="officer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        commune = self.object
        portal_path = f"/{commune.province.slug}/{commune.slug}/"
        can_change = self.user_has_permission("change")
        context.update(
            commune=commune,
            object=commune,
            portal_path=portal_path,
            portal_link=portal_url(portal_path),
            explore_url=reverse("wagtailadmin_explore", args=[commune.home_page_id]) if commune.home_page_id else "",
            former_units=list(commune.former_units.order_by("name")),
            officers=officers_of(commune),
            officer_form=kwargs.get("officer_form") or self.get_officer_form(),
            add_officer_url=url("add_officer", commune.pk),
            can_add_officer=can_change and commune.is_active,
            can_reset_two_factor=can_change,
            archive_url=url("archive", commune.pk) if can_change and commune.is_active else "",
        )
        return context


class CommuneOfficerCreateView(CommuneDetailView):
    """POST target of the "Thêm cán bộ" form on the detail page; errors show on the detail page."""

    any_permission_required = None
    permission_required = "change"

    def get(self, request, *args, **kwargs):
        return redirect(url("detail", self.object.pk) + "#them-can-bo")

    def post(self, request, *args, **kwargs):
        commune = self.object
        if not commune.is_active:
            messages.error(request, f"{commune.full_name} đã được lưu trữ, không thêm cán bộ được.")
            return redirect(url("detail", commune.pk))
        form = OfficerForm(request.POST, commune=commune, prefix="officer")
        if form.is_valid():
            data = form.cleaned_data
            try:
                user, password = services.officer_create(
                    username=data["username"],
                    email=data["email"],
                    role=data["role"],
                    commune=commune,
                    password=data["password"] or None,
                )
            except services.ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, self.success_message(user, data["role"], password, bool(data["password"])))
                return redirect(url("detail", commune.pk) + "#can-bo")
        messages.validation_error(request, "Chưa thêm được cán bộ, hãy sửa các lỗi bên dưới.", form)
        return self.render_to_response(self.get_context_data(officer_form=form))

    def success_message(self, user, role, password, typed) -> str:
        role_label = services.ROLES[role]
        message = f"Đã thêm {user.get_username()} làm {role_label} của {self.object.full_name}."
        if password and not typed:
            message += (
                f" Mật khẩu đăng nhập: {password} — hãy ghi lại và trao tận tay cán bộ; "
                "mật khẩu này chỉ hiện một lần. Cán bộ nên đổi mật khẩu sau lần đăng nhập đầu tiên."
            )
        elif password:
            message += " Mật khẩu là mật khẩu bạn vừa nhập."
        else:
            message += " Tài khoản đã có từ trước nên giữ nguyên mật khẩu cũ."
        return message


class CommuneOfficerUnlockView(CommuneDetailView):
    """POST: lift the login lockout of one of this commune's officers."""

    any_permission_required = None
    permission_required = "change"

    def get(self, request, *args, **kwargs):
        return redirect(url("detail", self.object.pk) + "#can-bo")

    def post(self, request, *args, **kwargs):
        commune = self.object
        officer = officer_accounts(commune).filter(pk=kwargs["user_pk"]).first()
        if officer is None:
            raise Http404("Không có cán bộ này trong xã/phường.")
        services.officer_unlock(officer.get_username())
        messages.success(request, f"Đã mở khóa đăng nhập cho {officer.get_username()}.")
        return redirect(url("detail", commune.pk) + "#can-bo")


class CommuneOfficerTwoFactorResetView(
    CommuneObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """GET: what resetting an officer's two-factor authentication means; POST: do it (two_factor.reset).

    For an officer who lost their phone. Only the commune's own editors and approvers: anyone else
    (another commune's officer, a province admin, an operator) is 404 here.
    """

    model = Commune
    permission_required = "change"
    template_name = "sites/admin/officer_two_factor_reset.html"
    header_icon = "key"

    def load_officer(self):
        self.officer = resettable_officer(self.object, self.kwargs["user_pk"])
        if self.officer is None:
            raise Http404("Không có cán bộ này trong xã/phường.")

    def get(self, request, *args, **kwargs):
        self.load_officer()
        return super().get(request, *args, **kwargs)

    def get_page_title(self):
        return f"{LABEL_RESET_TWO_FACTOR} – {self.officer.get_username()}"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": LABEL_RESET_TWO_FACTOR}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            commune=self.object,
            officer=self.officer,
            device=two_factor.confirmed_device(self.officer),
            reset_url=url("reset_two_factor", self.object.pk, self.officer.pk),
            detail_url=url("detail", self.object.pk) + "#can-bo",
        )
        return context

    def post(self, request, *args, **kwargs):
        self.load_officer()
        username = self.officer.get_username()
        removed = two_factor.reset(self.officer, by=request.user)
        if removed:
            messages.success(
                request,
                f"Đã đặt lại xác thực hai lớp cho {username}: đã xóa {removed} ứng dụng xác thực đã đăng ký. "
                "Từ lần đăng nhập tới, cán bộ chỉ cần mật khẩu; hãy nhắc cán bộ bật lại xác thực hai lớp "
                "với điện thoại mới (Tài khoản → Xác thực hai lớp).",
            )
        else:
            messages.info(request, f"{username} chưa bật xác thực hai lớp; không có gì để đặt lại.")
        return redirect(url("detail", self.object.pk) + "#can-bo")


# --- Archive ----------------------------------------------------------------------------------


class CommuneArchiveView(CommuneObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Commune
    permission_required = "change"
    template_name = "sites/admin/commune_archive.html"
    header_icon = "warning"

    def get_page_title(self):
        return f"{LABEL_ARCHIVE} {self.object.full_name}"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [{"url": "", "label": LABEL_ARCHIVE}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            commune=self.object,
            object=self.object,
            archive_url=url("archive", self.object.pk),
            detail_url=url("detail", self.object.pk),
        )
        return context

    def post(self, request, *args, **kwargs):
        commune = self.object
        if not commune.is_active:
            messages.warning(request, f"{commune.full_name} đã được lưu trữ từ trước.")
            return redirect(url("detail", commune.pk))
        services.commune_archive(commune)
        messages.success(
            request,
            f"Đã lưu trữ {commune.full_name}. Trang {commune.hostname} đã ngừng hiển thị với người dân; "
            "mọi dữ liệu (trang, tin bài, tệp, tài khoản cán bộ) vẫn được giữ nguyên.",
        )
        return redirect(url("detail", commune.pk))


# --- The viewset ------------------------------------------------------------------------------


class CommuneMenuItem(MenuItem):
    """Shown to whoever can open the listing: operators and province admins (with the commune permissions)."""

    def is_shown(self, request):
        user = request.user
        policy = policy_registry.get_by_type(Commune)
        return can_manage_communes(user) and policy.user_has_any_permission(user, MANAGE_PERMISSIONS)


class CommuneViewSet(ModelViewSet):
    model = Commune
    name = URL_NAMESPACE
    icon = "site"
    menu_label = LABEL_PLURAL
    menu_name = "communes"
    menu_order = 150
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    list_per_page = 50

    index_view_class = CommuneIndexView
    add_view_class = CommuneCreateView
    filterset_class = CommuneFilterSet
    index_results_template_name = "sites/admin/commune_index_results.html"
    create_template_name = "sites/admin/commune_create.html"

    @cached_property
    def menu_item_class(self):
        return CommuneMenuItem

    def get_common_view_kwargs(self, **kwargs):
        # No generic edit, delete, copy, history or usage views: a commune changes only through services.
        return super().get_common_view_kwargs(
            edit_url_name=None,
            delete_url_name=None,
            history_url_name=None,
            usage_url_name=None,
            inspect_url_name=self.get_url_name("detail"),
            **kwargs,
        )

    def get_form_class(self, for_update=False):
        return CommuneCreateForm

    @property
    def detail_view(self):
        return self.construct_view(CommuneDetailView)

    @property
    def add_officer_view(self):
        return self.construct_view(CommuneOfficerCreateView)

    @property
    def unlock_officer_view(self):
        return self.construct_view(CommuneOfficerUnlockView)

    @property
    def reset_two_factor_view(self):
        return self.construct_view(CommuneOfficerTwoFactorResetView)

    @property
    def archive_view(self):
        return self.construct_view(CommuneArchiveView)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.add_view, name="add"),
            path("<int:pk>/", self.detail_view, name="detail"),
            path("<int:pk>/officers/new/", self.add_officer_view, name="add_officer"),
            path("<int:pk>/officers/<int:user_pk>/unlock/", self.unlock_officer_view, name="unlock_officer"),
            path(
                "<int:pk>/officers/<int:user_pk>/two-factor-reset/",
                self.reset_two_factor_view,
                name="reset_two_factor",
            ),
            path("<int:pk>/archive/", self.archive_view, name="archive"),
        ]

    @property
    def url_finder_class(self):
        return type("CommuneAdminURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("detail")})


commune_viewset = CommuneViewSet()


@hooks.register("register_admin_viewset")
def register_commune_viewset():
    return commune_viewset
