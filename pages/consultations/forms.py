"""The residents' comment form (public) and the officer's review form (admin)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .models import COMMENT_MAX_LENGTH, CommentStatus

MAX_LINKS = 2
_LINK = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-]{7,18}[0-9]$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_control_characters(value: str) -> None:
    if _CONTROL.search(value or ""):
        raise ValidationError("Nội dung có ký tự không hợp lệ.", code="control")


class CommentForm(forms.Form):
    """A comment, with an optional name and contact; `website` is a honeypot people never see."""

    text = forms.CharField(
        label="Ý kiến của bạn",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[_no_control_characters],
        error_messages={
            "required": "Hãy viết ý kiến của bạn.",
            "max_length": "Ý kiến dài tối đa %(limit_value)d ký tự (hiện có %(show_value)d ký tự).",
        },
    )
    name = forms.CharField(
        label="Họ và tên (không bắt buộc)",
        max_length=100,
        required=False,
        validators=[_no_control_characters],
        error_messages={"max_length": "Họ và tên dài tối đa %(limit_value)d ký tự."},
    )
    contact = forms.CharField(
        label="Điện thoại hoặc thư điện tử (không bắt buộc)",
        max_length=150,
        required=False,
        help_text="Để cán bộ xã liên hệ lại khi cần làm rõ ý kiến.",
        error_messages={"max_length": "Thông tin liên hệ dài tối đa %(limit_value)d ký tự."},
    )
    # The honeypot: hidden by CSS and from screen readers; a bot filling every box fills it too.
    website = forms.CharField(label="Để trống ô này", required=False)

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError("Hãy viết ý kiến của bạn.", code="required")
        if len(_LINK.findall(text)) > MAX_LINKS:
            raise ValidationError(
                "Ý kiến có quá nhiều đường liên kết (tối đa %(n)d). Hãy bớt liên kết rồi gửi lại.",
                code="links",
                params={"n": MAX_LINKS},
            )
        return text

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        if not contact:
            return ""
        if "@" in contact:
            try:
                validate_email(contact)
            except ValidationError:
                raise ValidationError("Địa chỉ thư điện tử không hợp lệ.", code="email") from None
        elif not _PHONE.match(contact):
            raise ValidationError(
                "Hãy ghi số điện thoại (ví dụ 0912 345 678) hoặc địa chỉ thư điện tử.", code="contact"
            )
        return contact

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise ValidationError("Ô này phải để trống.", code="honeypot")
        return ""


class CommentReviewForm(forms.Form):
    """An officer marks a comment reviewed (or spam) and notes how it was taken into account."""

    status = forms.ChoiceField(
        label="Trạng thái",
        choices=CommentStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy chọn trạng thái.",
            "invalid_choice": "Trạng thái không hợp lệ.",
        },
    )
    response = forms.CharField(
        label="Trả lời, tiếp thu của xã",
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[_no_control_characters],
        help_text="Ý kiến được tiếp thu, giải trình thế nào. Dùng khi tổng hợp kết quả lấy ý kiến.",
        error_messages={"max_length": "Nội dung trả lời dài tối đa %(limit_value)d ký tự."},
    )
