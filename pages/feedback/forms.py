"""The rating form every commune page carries (public) and the period of the officers' report (admin)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Reason

MAX_PERIOD_DAYS = 3 * 366


class RatingForm(forms.Form):
    """Which page, useful or not, and optionally why not: no free text, so nothing personal."""

    page = forms.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "required": "Thiếu trang được đánh giá.",
            "invalid": "Trang được đánh giá không hợp lệ.",
            "min_value": "Trang được đánh giá không hợp lệ.",
            "max_value": "Trang được đánh giá không hợp lệ.",
        },
    )
    useful = forms.ChoiceField(
        choices=[("yes", "Có"), ("no", "Không")],
        error_messages={
            "required": "Hãy chọn Có hoặc Không.",
            "invalid_choice": "Hãy chọn Có hoặc Không.",
        },
    )
    reason = forms.ChoiceField(
        choices=[("", "Không nêu lý do"), *Reason.choices],
        required=False,
        error_messages={"invalid_choice": "Lý do không hợp lệ."},
    )


class SatisfactionPeriodForm(forms.Form):
    """From / to dates of the satisfaction report (the last 90 days unless chosen)."""

    start = forms.DateField(
        label="Từ ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ngày bắt đầu không hợp lệ."},
    )
    end = forms.DateField(
        label="Đến ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ngày kết thúc không hợp lệ."},
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("end") or today
        start = cleaned.get("start") or end - timedelta(days=89)
        if self.errors:
            return cleaned
        if start > end:
            raise ValidationError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", code="order")
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError("Chỉ xem được tối đa 3 năm một lần.", code="too_long")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self):
        """(start, end) when valid, else the default last 90 days."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        today = timezone.localdate()
        return today - timedelta(days=89), today
