"""Admin for disclosures: the early-removal guard's pages, and the public holiday list (operators only)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet

from sites.models import PublicHoliday

from .forms import EarlyRemovalForm
from .services import ServiceError, disclosure_confirm_early_removal, may_confirm_early_removal

ACTION_LABELS = {"unpublish": "gỡ xuống (ngừng xuất bản)", "delete": "xóa"}
# Fields of the original request that the confirmation must send again (Wagtail's own confirmation form).
_NOT_REPEATED = {"csrfmiddlewaretoken", "disclosure_reason"}


def guard_removal(request, disclosures, action: str):
    """None to let the removal go ahead, or the page that stops it.

    An editor (or a province admin) is refused. The commune's approver is asked for a reason first; once
    given, it goes to the audit log and the removal proceeds.
    """
    if not disclosures:
        return None
    allowed = all(may_confirm_early_removal(request.user, d) for d in disclosures)
    context = {
        "disclosures": disclosures,
        "action": action,
        "action_label": ACTION_LABELS.get(action, action),
        "header_title": _("Chưa hết thời hạn công khai"),
        "page_title": _("Chưa hết thời hạn công khai"),
        "header_icon": "warning",
    }
    if not allowed:
        return render(request, "disclosures/admin/early_removal_refused.html", context, status=403)
    form = EarlyRemovalForm(request.POST if "disclosure_reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            disclosure_confirm_early_removal(
                disclosures=disclosures,
                user=request.user,
                reason=form.cleaned_data["disclosure_reason"],
                action=action,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            return None
    repeated = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in _NOT_REPEATED]
    context.update(form=form, repeated=repeated, action_url=request.get_full_path())
    return render(request, "disclosures/admin/early_removal_confirm.html", context)


class PublicHolidayForm(WagtailAdminModelForm):
    """One public holiday; a date already on the list is refused in Vietnamese."""

    class Meta:
        model = PublicHoliday
        fields = ["date", "name"]
        error_messages = {
            "date": {
                "unique": _("Ngày này đã có trong danh sách ngày nghỉ."),
                "required": _("Hãy chọn ngày nghỉ."),
                "invalid": _("Ngày không hợp lệ; hãy ghi theo dạng ngày/tháng/năm."),
            },
            "name": {"required": _("Hãy ghi tên ngày nghỉ, ví dụ: Nghỉ bù Quốc khánh.")},
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Hãy ghi tên ngày nghỉ, ví dụ: Nghỉ bù Quốc khánh."))
        return name


class PublicHolidayViewSet(ModelViewSet):
    """Settings → Ngày nghỉ lễ: the days that do not count as working days (operators only, see admin_gate)."""

    model = PublicHoliday
    name = "public_holidays"
    icon = "date"
    menu_label = _("Ngày nghỉ lễ")
    add_to_settings_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["date", "name"]
    list_display = ["date", "name"]
    list_filter = []
    ordering = ["-date"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return PublicHolidayForm


holiday_viewset = PublicHolidayViewSet()
