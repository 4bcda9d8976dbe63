"""`manage.py holidays ...`: the public holidays that do not count as working days (list, add, remove, import)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from pages.disclosures import services
from sites.management.commands.commune import VietnameseCommand, VietnameseParser, format_table
from sites.models import PublicHoliday
from sites.text import os_error_text

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _date(value: str):
    try:
        return services.parse_date(value)
    except ValueError:
        raise CommandError(
            f"Ngày “{value}” không hợp lệ; hãy ghi theo dạng ngày/tháng/năm, ví dụ 02/09/2026."
        ) from None


def _read_text(name: str) -> str:
    path = Path(name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"Không tìm thấy tệp “{name}”.") from None
    except IsADirectoryError:
        raise CommandError(f"“{name}” là một thư mục, không phải tệp CSV.") from None
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp “{name}”: {os_error_text(exc)}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CommandError(f"Tệp “{name}” không phải văn bản UTF-8; hãy lưu lại dưới dạng CSV UTF-8.") from None


class Command(VietnameseCommand):
    help = (
        "Quản lý danh sách ngày nghỉ lễ (không tính là ngày làm việc khi tính hạn công khai 5 ngày làm việc, "
        "thông báo cắt điện 7 ngày làm việc…). Ngày ghi theo dạng ngày/tháng/năm."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            title="Lệnh con",
            metavar="{list,add,remove,import}",
            parser_class=VietnameseParser,
        )
        lst = actions.add_parser("list", help="Xem danh sách ngày nghỉ.", description="Xem danh sách ngày nghỉ lễ.")
        lst.add_argument("--year", type=int, metavar="NĂM", help="Chỉ xem các ngày nghỉ của năm này, ví dụ 2026.")

        add = actions.add_parser("add", help="Thêm một ngày nghỉ.", description="Thêm một ngày nghỉ lễ hoặc nghỉ bù.")
        add.add_argument("date", metavar="NGÀY", help="Ngày nghỉ, dạng ngày/tháng/năm, ví dụ 02/09/2026.")
        add.add_argument("name", metavar="TÊN", help="Tên ngày nghỉ, ví dụ “Quốc khánh”.")

        remove = actions.add_parser("remove", help="Bỏ một ngày nghỉ.", description="Bỏ một ngày khỏi danh sách.")
        remove.add_argument("date", metavar="NGÀY", help="Ngày cần bỏ, dạng ngày/tháng/năm.")

        imp = actions.add_parser(
            "import",
            help="Nhập ngày nghỉ từ tệp CSV (UTF-8), mỗi dòng: ngày/tháng/năm,tên.",
            description=(
                "Nhập ngày nghỉ từ tệp CSV: mỗi dòng “02/09/2026,Quốc khánh” (dòng tiêu đề “ngay,ten” có thể có). "
                "Tệp có dòng lỗi thì không ghi gì. Ngày đã có với cùng tên được bỏ qua."
            ),
        )
        imp.add_argument("file", metavar="TỆP", help="Đường dẫn tệp .csv.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from None

    def handle_list(self, *, year=None, **options):
        holidays = PublicHoliday.objects.order_by("date")
        if year is not None:
            if not 1 <= year <= 9999:
                raise CommandError(f"Năm “{year}” không hợp lệ; hãy ghi năm có 4 chữ số, ví dụ 2026.")
            holidays = holidays.filter(date__year=year)
        rows = [[f"{h.date:%d/%m/%Y}", WEEKDAYS[h.date.weekday()], h.name] for h in holidays]
        if not rows:
            self.stdout.write("Không có ngày nghỉ nào" + (f" trong năm {year}." if year is not None else "."))
            return
        self.stdout.write(format_table(["Ngày", "Thứ", "Tên ngày nghỉ"], rows))
        self.stdout.write(f"Tổng cộng: {len(rows)} ngày.")

    def handle_add(self, *, date, name, **options):
        day = _date(date)
        services.holiday_add(day, name)
        self.stdout.write(f"Đã thêm ngày nghỉ {day:%d/%m/%Y} ({WEEKDAYS[day.weekday()]}).")

    def handle_remove(self, *, date, **options):
        day = _date(date)
        services.holiday_remove(day)
        self.stdout.write(f"Đã bỏ ngày nghỉ {day:%d/%m/%Y}.")

    def handle_import(self, *, file, **options):
        text = _read_text(file)
        rows = services.parse_holiday_csv(text)
        rows = list(tqdm(rows, desc="Kiểm tra ngày nghỉ", unit="dòng", file=self.stderr, disable=len(rows) < 50))
        added, present = services.holidays_import(rows)
        self.stdout.write(f"Đã thêm {added} ngày nghỉ; {present} ngày đã có sẵn.")
