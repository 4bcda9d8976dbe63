"""Checks on what an officer types that a field's type alone does not make: a telephone number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Digits with the usual separators: "0208 3850 001", "(0208) 3.850.001", "+84 912 345 678", "113", two numbers
# separated by "/" or ",". Words ("gọi cho tôi"), markup and links are not a number a resident can dial.
_PHONE = re.compile(r"^[0-9 +.\-()/,;]+$", re.ASCII)
MIN_PHONE_DIGITS = 3  # 113, 114, 115


def is_phone_number(value: str) -> bool:
    value = (value or "").strip()
    return bool(_PHONE.match(value)) and sum(ch.isdigit() for ch in value) >= MIN_PHONE_DIGITS


def clean_phone_fields(instance, *names: str) -> None:
    """Model.clean() helper: a Vietnamese error on every named field that holds something other than a number."""
    errors = {}
    for name in names:
        value = (getattr(instance, name, "") or "").strip()
        if value and not is_phone_number(value):
            errors[name] = _(
                "Số điện thoại “%(value)s” không hợp lệ: chỉ ghi chữ số, dấu cách và các dấu + . - ( ) /, "
                "ví dụ 0208 3850 001."
            ) % {"value": value}
    if errors:
        raise ValidationError(errors)
