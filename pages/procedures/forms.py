"""Admin forms for the procedure catalogue (province admins) and the commune's procedures (officers).

Who may do what is decided here once (catalogue_provinces), through the tenancy resolver, and
every view and form asks it. The forms never let an officer write the catalogue: the commune
form has no catalogue field at all once a procedure is listed.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm

from sites.models import Commune, Province
from sites.tenancy import scope_for_user
from sites.text import vn_sort_key

from .models import FIELD_SUGGESTIONS, CommuneProcedureForm, Procedure, procedure_search_filter, procedure_slug

IMPORT_MAX_BYTES = 20 * 1024 * 1024


# --- Who may keep the catalogue -----------------------------------------------------------


def catalogue_provinces(user) -> QuerySet[Province]:
    """Provinces whose catalogue this user keeps: every province for operators, administered ones otherwise.

    A province admin who is also an officer somewhere gets no catalogue rights from the officer role.
    """
    scope = scope_for_user(user)
    provinces = scope.provinces()
    if not scope.is_superuser:
        provinces = provinces.filter(pk__in=scope.province_ids)
    return provinces.order_by("name")


def can_manage_catalogue(user) -> bool:
    scope = scope_for_user(user)
    return scope.is_superuser or scope.is_province_admin


def field_suggestions(provinces) -> list[str]:
    """The usual fields (lĩnh vực) and those already in these catalogues, in Vietnamese order."""
    used = Procedure.objects.filter(province__in=provinces).values_list("field", flat=True).distinct()
    return sorted({*FIELD_SUGGESTIONS, *(f for f in used if f)}, key=vn_sort_key)


class SuggestionsInput(forms.TextInput):
    """A text box that suggests values (HTML datalist) but accepts any text."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        # Rendered in code: Django's form renderer does not read the project's template folders.
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-goi-y"
        attrs["list"] = list_id
        options = format_html_join("", '<option value="{}"></option>', ((s,) for s in self.suggestions))
        datalist = format_html('<datalist id="{}">{}</datalist>', list_id, options)
        return super().render(name, value, attrs, renderer) + datalist


# --- Catalogue ------------------------------------------------------------------------------


class ProcedureForm(WagtailAdminModelForm):
    """A catalogue procedure: the province comes from the user, the code is unique in the province."""

    province_choice = forms.ModelChoiceField(
        queryset=Province.objects.none(),
        required=False,
        label="Tỉnh/thành phố",
        help_text="Danh mục của tỉnh/thành phố nào.",
        empty_label="— Chọn tỉnh/thành phố —",
        error_messages={"invalid_choice": "Bạn không quản lý danh mục của tỉnh/thành phố này."},
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        provinces = catalogue_provinces(for_user) if for_user is not None else Province.objects.none()
        self._only_province = None
        if self.instance.province_id:
            self.fields.pop("province_choice", None)
        else:
            listed = list(provinces[:2])
            if len(listed) == 1:
                self._only_province = listed[0]
                self.fields.pop("province_choice", None)
            elif "province_choice" in self.fields:
                self.fields["province_choice"].queryset = provinces
                self.fields["province_choice"].required = True
                self.fields["province_choice"].error_messages["required"] = "Hãy chọn tỉnh/thành phố."
        if "field" in self.fields:
            scope = [self.instance.province_id] if self.instance.province_id else provinces
            self.fields["field"].widget = SuggestionsInput(
                field_suggestions(scope), attrs=self.fields["field"].widget.attrs
            )
        if "code" in self.fields:
            self.fields["code"].error_messages["required"] = "Hãy nhập mã thủ tục, ví dụ: 1.001193."
        if "name" in self.fields:
            self.fields["name"].error_messages["required"] = "Hãy nhập tên thủ tục."
        if "field" in self.fields:
            self.fields["field"].error_messages["required"] = "Hãy nhập lĩnh vực, ví dụ: Hộ tịch."
        if not self.instance.pk and "updated_on" in self.fields and not self.is_bound:
            self.initial.setdefault("updated_on", timezone.localdate())

    @property
    def province(self) -> Province | None:
        if self.instance.province_id:
            return self.instance.province
        if self._only_province is not None:
            return self._only_province
        return getattr(self, "cleaned_data", {}).get("province_choice")

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip()

    def clean_name(self):
        return " ".join((self.cleaned_data.get("name") or "").split())

    def clean_field(self):
        return " ".join((self.cleaned_data.get("field") or "").split())

    def clean(self):
        cleaned = super().clean()
        province = self.province
        if province is None and not self.instance.province_id and "province_choice" not in self.fields:
            raise forms.ValidationError("Tài khoản của bạn không quản lý danh mục thủ tục của tỉnh/thành phố nào.")
        code, name = cleaned.get("code"), cleaned.get("name")
        if province is None or not code:
            return cleaned
        others = Procedure.objects.filter(province=province).exclude(pk=self.instance.pk)
        clash = others.filter(code=code).first()
        if clash is not None:
            self.add_error(
                "code",
                f"Mã thủ tục “{code}” đã có trong danh mục của {province.name}: “{clash.name}”. "
                "Mỗi mã chỉ dùng cho một thủ tục; hãy mở thủ tục đó để sửa.",
            )
        elif name and others.filter(slug=procedure_slug(name, code)).exists():
            self.add_error(
                "code",
                f"Danh mục của {province.name} đã có một thủ tục cùng tên và mã gần giống “{code}” "
                "(chỉ khác chữ hoa, chữ thường). Hãy kiểm tra lại mã.",
            )
        return cleaned

    def save(self, commit=True):
        if not self.instance.province_id:
            self.instance.province = self.province
        return super().save(commit=commit)


# --- The commune's procedures -------------------------------------------------------------------


def grouped_procedure_choices(queryset) -> list:
    """Select options grouped by field (lĩnh vực), names in Vietnamese order: easier than one long list."""
    groups: dict[str, list] = {}
    for procedure in queryset.only("pk", "name", "code", "field"):
        groups.setdefault(procedure.field or "Khác", []).append(procedure)
    choices: list = [("", "— Chọn thủ tục —")]
    for field in sorted(groups, key=vn_sort_key):
        items = sorted(groups[field], key=lambda p: vn_sort_key(p.name))
        choices.append((field, [(p.pk, f"{p.name} ({p.code})") for p in items]))
    return choices


class CommuneProcedureAdminForm(CommuneProcedureForm):
    """Add: choose a procedure of the province's catalogue. Edit: only the commune's own details.

    Once listed, the form has no catalogue field at all, so a crafted POST cannot change which
    procedure the entry shows, let alone the catalogue text.
    """

    commune_choice = forms.ModelChoiceField(queryset=Commune.objects.none(), required=False, label="Xã/phường")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice = self.fields.get("commune_choice")
        if self.instance.commune_id or self._only_commune is not None or self._user is None:
            # CommuneOwnedForm fills the choice only for users with several communes, on add.
            del self.fields["commune_choice"]
        elif choice is not None:
            choice.empty_label = "— Chọn xã/phường —"
            choice.help_text = "Thêm thủ tục vào danh sách của xã/phường nào."
            choice.error_messages["required"] = "Hãy chọn xã/phường."
        field = self.fields.get("procedure")
        if field is None:
            return
        if self.instance.pk:
            del self.fields["procedure"]
            return
        field.label = "Thủ tục trong danh mục của tỉnh"
        field.help_text = (
            "Chỉ hiện các thủ tục còn hiệu lực mà xã chưa có. Nội dung thủ tục do tỉnh cập nhật; "
            "xã chỉ bổ sung thông tin riêng bên dưới."
        )
        field.error_messages["required"] = "Hãy chọn một thủ tục trong danh mục."
        field.error_messages["invalid_choice"] = (
            "Thủ tục này không có trong danh mục của tỉnh, đã bãi bỏ hoặc xã đã có trong danh sách."
        )
        field.widget.choices = grouped_procedure_choices(field.queryset)


class ProcedureChooserFilterForm(BaseFilterForm):
    """Search of the procedure chooser (video pages): name or code, typed with or without diacritics."""

    q = forms.CharField(
        label="Tìm thủ tục",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Tên hoặc mã thủ tục, gõ không dấu cũng được"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()[:200]
        if query:
            objects = objects.filter(procedure_search_filter(query))
            self.is_searching = True
            self.search_query = query
        return objects


class EnsureAllForm(forms.Form):
    """Which commune gets every commune-level procedure it does not list yet."""

    commune = forms.ModelChoiceField(
        queryset=Commune.objects.none(),
        label="Xã/phường",
        empty_label="— Chọn xã/phường —",
        error_messages={"required": "Hãy chọn xã/phường.", "invalid_choice": "Bạn không quản lý xã/phường này."},
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes
        only = list(communes[:2])
        self.only_commune = only[0] if len(only) == 1 else None
        if self.only_commune is not None:
            del self.fields["commune"]  # an officer's own commune

    @property
    def chosen_commune(self) -> Commune | None:
        return self.only_commune or self.cleaned_data.get("commune")


# --- Import ---------------------------------------------------------------------------------------


class CatalogueImportForm(forms.Form):
    province = forms.ModelChoiceField(
        queryset=Province.objects.none(),
        label="Tỉnh/thành phố",
        empty_label="— Chọn tỉnh/thành phố —",
        help_text="Nhập vào danh mục của tỉnh/thành phố nào.",
        error_messages={
            "required": "Hãy chọn tỉnh/thành phố.",
            "invalid_choice": "Bạn không quản lý danh mục của tỉnh/thành phố này.",
        },
    )
    file = forms.FileField(
        label="Tệp danh mục thủ tục",
        help_text=(
            "Tệp JSON theo cấu trúc của Cơ sở dữ liệu quốc gia về thủ tục hành chính (MATTHC, TENTTHC, …), "
            "hoặc tệp Excel (.xlsx) hay CSV xuất từ Cổng Dịch vụ công. Tối đa 20 MB."
        ),
        error_messages={
            "required": "Hãy chọn tệp cần nhập.",
            "empty": "Tệp tải lên không có nội dung.",
            "invalid": "Không nhận được tệp; hãy chọn lại tệp.",
            "missing": "Không nhận được tệp; hãy chọn lại tệp.",
        },
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        only = list(provinces[:2])
        self.only_province = only[0] if len(only) == 1 else None
        if self.only_province is not None:
            del self.fields["province"]  # the one province the user keeps

    @property
    def chosen_province(self) -> Province | None:
        return self.only_province or self.cleaned_data.get("province")

    def clean_file(self):
        # The importer recognises JSON, XLSX and CSV by content and explains anything else; only the size is ours.
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            size_mb = upload.size / (1024 * 1024)
            raise forms.ValidationError(
                f"Tệp “{upload.name}” nặng {size_mb:.1f} MB, quá giới hạn 20 MB. "
                "Hãy chia danh mục thành nhiều tệp nhỏ hơn rồi nhập lần lượt."
            )
        return upload
