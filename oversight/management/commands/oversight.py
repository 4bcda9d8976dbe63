"""`manage.py oversight report`: a province's oversight figures (the dashboard's table) as an XLSX or CSV file.

python manage.py oversight report --province thai-nguyen -o giam-sat.xlsx
python manage.py oversight report --province thai-nguyen --from 01/01/2026 --to 31/03/2026 -o quy-1.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from oversight import reports
from oversight.selectors import period_for
from sites import services as site_services
from sites.management.commands.commune import VietnameseCommand, VietnameseParser
from training.management.commands.workshop import check_output_path, parse_date

FORMATS = (".xlsx", ".csv")
MAX_PERIOD_DAYS = 3 * 366 + 1


def output_format(value: str) -> tuple[Path, str]:
    path = check_output_path(value)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise CommandError(
            f"Không ghi được tệp “{value}”: chỉ ghi được tệp .xlsx (Excel) hoặc .csv; hãy đặt tên tệp có một "
            "trong hai đuôi đó, ví dụ giam-sat.xlsx."
        )
    return path, suffix[1:]


class Command(VietnameseCommand):
    help = "Giám sát trang thông tin các xã: xuất số liệu và điểm tuân thủ của mọi xã/phường trong một tỉnh."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action", required=True, title="Lệnh con", metavar="{report}", parser_class=VietnameseParser
        )
        report = actions.add_parser(
            "report",
            help="Xuất bảng số liệu của các xã/phường trong tỉnh ra tệp Excel (.xlsx) hoặc CSV.",
            description=(
                "Xuất bảng số liệu của các xã/phường trong tỉnh (đúng như bảng “Giám sát các xã” trong trang quản "
                "trị) ra tệp .xlsx hoặc .csv. Mặc định: năm nay."
            ),
        )
        report.add_argument("--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn.")
        report.add_argument("--from", dest="start", metavar="NGÀY", help="Từ ngày, dạng ngày/tháng/năm.")
        report.add_argument("--to", dest="end", metavar="NGÀY", help="Đến ngày, dạng ngày/tháng/năm.")
        report.add_argument("-o", "--output", required=True, metavar="TỆP", help="Tệp kết quả, đuôi .xlsx hoặc .csv.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action)(**options)
        except site_services.ServiceError as exc:
            raise CommandError(str(exc)) from None

    def handle_report(self, *, province, start, end, output, verbosity, **_):
        province = site_services.resolve_province(province)
        first, last = parse_date(start), parse_date(end)
        if bool(first) != bool(last):
            raise CommandError("Hãy ghi cả --from và --to (hoặc bỏ cả hai để lấy năm nay).")
        if first and last and first > last:
            raise CommandError(f"Ngày bắt đầu {start} sau ngày kết thúc {end}.")
        if first and last and (last - first).days > MAX_PERIOD_DAYS:
            raise CommandError("Kỳ báo cáo dài nhất là 3 năm.")
        path, fmt = output_format(output)
        period = period_for("custom", first, last) if first else period_for()
        steps = tqdm(total=2, desc="Giám sát", unit="bước", file=sys.stderr, disable=verbosity == 0)
        with steps:
            report = reports.province_report(province, period, chart=False)
            steps.update(1)
            data = reports.export(report, fmt)
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise CommandError(f"Không ghi được tệp “{output}”: {exc.strerror}.") from None
            steps.update(1)
        self.stdout.write(
            f"Đã ghi số liệu {len(report.rows)} xã/phường của {province.name}, kỳ {period.label}, vào {path}."
        )
