"""Forms of the disclosures section: the archive's filter, and the approver's reason for an early removal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisclosureGroup


class ArchiveFilterForm(forms.Form):
    """Filters the archive by group and year posted; an unknown value is left out, never an error page."""

    group = forms.ChoiceField(label="Nhóm thông tin", required=False)
    year = forms.TypedChoiceField(label="Năm công khai", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Tất cả các nhóm")] + list(DisclosureGroup.choices)
        self.fields["year"].choices = [("", "Tất cả các năm")] + [(y, str(y)) for y in years]

    def has_filters(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(k) for k in ("group", "year"))

    def filter(self, disclosures):
        self.is_valid()  # a field with a bad value drops out of cleaned_data: the valid part still filters
        data = self.cleaned_data
        if data.get("group"):
            disclosures = disclosures.filter(group=data["group"])
        if data.get("year"):
            disclosures = disclosures.filter(posted_date__year=data["year"])
        return disclosures


class EarlyRemovalForm(forms.Form):
    """An approver's confirmation that a disclosure may come down before its period ends: the reason is kept."""

    disclosure_reason = forms.CharField(
        label=_("Lý do gỡ trước thời hạn"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: quyết định đã bị thay thế bởi Quyết định số 52/QĐ-UBND. Lý do được ghi vào nhật ký."),
        error_messages={
            "required": _("Hãy ghi lý do gỡ trước thời hạn."),
            "max_length": _("Lý do dài quá %(limit_value)d ký tự."),
        },
    )

    def clean_disclosure_reason(self):
        reason = " ".join(self.cleaned_data["disclosure_reason"].split())
        if len(reason) < 5:
            raise forms.ValidationError(_("Lý do quá ngắn; hãy ghi rõ vì sao cần gỡ trước thời hạn."))
        return reason
