"""Business actions of the disclosures app: the early-removal guard and the public holiday list.

The admin hooks, the holidays command, the demo seed and the tests call these functions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from wagtail.log_actions import log
from wagtail.models import Page

from sites.models import PublicHoliday
from sites.text import has_control_characters
from sites.workdays import forget_holidays

from .models import DisclosurePage, today

EARLY_REMOVAL_ACTION = "disclosures.early_removal"
DATE_FORMAT = "%d/%m/%Y"
HOLIDAY_NAME_LENGTH = PublicHoliday._meta.get_field("name").max_length


class ServiceError(Exception):
    """A refusal with a Vietnamese message for the person who asked."""


# --- Minimum posting period ----------------------------------------------------------------------


def guarded_disclosures(pages, *, descendants: bool = False, on: date | None = None) -> list[DisclosurePage]:
    """The disclosures among pages (and their descendants) still inside their posting period: removing
    one of them now needs an approver's confirmation. Permanent ones are always guarded."""
    on = on or today()
    pages = [p for p in pages if p is not None]
    if not pages:
        return []
    ids = [p.pk for p in pages]
    q = DisclosurePage.objects.filter(pk__in=ids)
    if descendants:
        for page in pages:
            q = q | DisclosurePage.objects.filter(path__startswith=page.path, depth__gt=page.depth)
    return [d for d in q.filter(live=True).order_by("path") if d.is_current(on)]


def may_confirm_early_removal(user, page: Page) -> bool:
    """Only an approver of the page's own commune (or an operator) may take a disclosure down early."""
    from sites.tenancy import commune_for_page

    if user.is_superuser:
        return True
    commune = commune_for_page(page)
    if commune is None or commune.approvers_group_id is None:
        return False
    return user.groups.filter(pk=commune.approvers_group_id).exists()


@transaction.atomic
def disclosure_confirm_early_removal(*, disclosures, user, reason: str, action: str) -> None:
    """Record in the audit log who took which disclosures down before their period ended, and why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError("Hãy ghi lý do gỡ trước thời hạn.")
    for disclosure in disclosures:
        if not may_confirm_early_removal(user, disclosure):
            raise ServiceError("Chỉ lãnh đạo phê duyệt của xã mới gỡ được thông tin trước thời hạn công khai.")
        ends_on = disclosure.computed_ends_on
        log(
            disclosure,
            EARLY_REMOVAL_ACTION,
            user=user,
            data={
                "reason": reason,
                "action": action,
                "ends_on": ends_on.isoformat() if ends_on else None,
                "permanent": disclosure.is_permanent,
            },
        )


# --- Public holidays ---------------------------------------------------------------------------


def parse_date(value: str) -> date:
    """dd/mm/yyyy, as officers write dates; ValueError otherwise."""
    return datetime.strptime(value.strip(), DATE_FORMAT).date()


def _check_name(name: str, where: str = "") -> str:
    if has_control_characters(name):
        raise ServiceError(f"{where}Tên ngày nghỉ có ký tự điều khiển.")
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(f"{where}Tên ngày nghỉ không được để trống.")
    if len(name) > HOLIDAY_NAME_LENGTH:
        raise ServiceError(f"{where}Tên ngày nghỉ dài quá {HOLIDAY_NAME_LENGTH} ký tự.")
    return name


@transaction.atomic
def holiday_add(day: date, name: str) -> PublicHoliday:
    """Add one public holiday; a date already on the list is refused."""
    name = _check_name(name)
    if PublicHoliday.objects.filter(date=day).exists():
        raise ServiceError(f"Ngày {day:%d/%m/%Y} đã có trong danh sách ngày nghỉ.")
    try:
        with transaction.atomic():
            holiday = PublicHoliday.objects.create(date=day, name=name)
    except IntegrityError:
        raise ServiceError(f"Ngày {day:%d/%m/%Y} đã có trong danh sách ngày nghỉ.") from None
    forget_holidays()
    return holiday


@transaction.atomic
def holiday_remove(day: date) -> None:
    """Remove one public holiday."""
    deleted, _ = PublicHoliday.objects.filter(date=day).delete()
    if not deleted:
        raise ServiceError(f"Ngày {day:%d/%m/%Y} không có trong danh sách ngày nghỉ.")
    forget_holidays()


@dataclass(frozen=True)
class HolidayRow:
    line: int
    date: date
    name: str


def parse_holiday_csv(text: str) -> list[HolidayRow]:
    """Rows "dd/mm/yyyy,name" (a header line "ngay,ten" is allowed); every bad line is a ServiceError naming it."""
    rows, seen = [], {}
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or all(not f.strip() for f in fields):
            continue
        if number == 1 and fields[0].strip().lower() in ("ngay", "ngày", "date"):
            continue
        where = f"Dòng {number}: "
        if len(fields) != 2:
            raise ServiceError(f"{where}cần đúng 2 cột (ngày dd/mm/yyyy, tên ngày nghỉ), có {len(fields)} cột.")
        try:
            day = parse_date(fields[0])
        except ValueError:
            raise ServiceError(
                f"{where}ngày “{fields[0].strip()}” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 02/09/2026."
            ) from None
        if day in seen:
            raise ServiceError(f"{where}ngày {day:%d/%m/%Y} đã có ở dòng {seen[day]}.")
        seen[day] = number
        rows.append(HolidayRow(number, day, _check_name(fields[1], where)))
    if not rows:
        raise ServiceError("Tệp không có dòng ngày nghỉ nào.")
    return rows


@transaction.atomic
def holidays_import(rows: list[HolidayRow]) -> tuple[int, int]:
    """Add the holidays of a file in one transaction: (added, already present with the same name).

    A date already on the list under another name is refused, naming the line: nothing is written.
    """
    existing = dict(PublicHoliday.objects.filter(date__in=[r.date for r in rows]).values_list("date", "name"))
    new = []
    for row in rows:
        if row.date in existing:
            if existing[row.date] != row.name:
                raise ServiceError(
                    f"Dòng {row.line}: ngày {row.date:%d/%m/%Y} đã có trong danh sách với tên “{existing[row.date]}”."
                )
            continue
        new.append(PublicHoliday(date=row.date, name=row.name))
    PublicHoliday.objects.bulk_create(new)
    forget_holidays()
    transaction.on_commit(forget_holidays)
    return len(new), len(rows) - len(new)
