"""Dates are dd/mm/yyyy with 24-hour time in Vietnam's time zone, in both directions."""

import datetime

from django import forms
from django.utils import formats, timezone, translation


def test_dates_display_as_dd_mm_yyyy_and_24_hour_time():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 5, 14, 30), timezone.get_default_timezone())
    with translation.override("vi"):
        assert formats.date_format(moment.date()) == "05/11/2026"
        assert formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") == "05/11/2026 14:30"


def test_forms_read_dd_mm_yyyy_not_us_order():
    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("01/11/2026") == datetime.date(2026, 11, 1)
        assert field.clean("25/11/2026") == datetime.date(2026, 11, 25)


def test_time_zone_is_vietnam():
    assert str(timezone.get_default_timezone()) == "Asia/Ho_Chi_Minh"
