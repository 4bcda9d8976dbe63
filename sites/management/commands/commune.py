"""`manage.py commune ...`: create, import, list, archive communes and give officers their accounts."""

from __future__ import annotations

import argparse
import re
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser, DjangoHelpFormatter
from tqdm import tqdm

from sites import importers, services
from sites.models import Commune

# --- Vietnamese argparse -------------------------------------------------------

# Django's and argparse's own texts are English; every person reading this CLI reads Vietnamese.
_BASE_OPTION_HELP = {
    "help": "Hiện hướng dẫn này rồi thoát.",
    "version": "Hiện phiên bản Django rồi thoát.",
    "verbosity": "Mức chi tiết của thông báo: 0 = tối thiểu, 1 = bình thường, 2 = chi tiết, 3 = rất chi tiết.",
    "settings": "Mô-đun cấu hình Python, ví dụ “cms.settings.dev” (mặc định lấy từ biến DJANGO_SETTINGS_MODULE).",
    "pythonpath": "Thư mục thêm vào đường dẫn Python, ví dụ “/home/xaso”.",
    "traceback": "Hiện toàn bộ dấu vết lỗi (traceback) khi lệnh báo lỗi.",
    "no_color": "Không tô màu thông báo.",
    "force_color": "Luôn tô màu thông báo.",
    "skip_checks": "Bỏ qua bước kiểm tra hệ thống.",
}

_BASE_OPTION_METAVAR = {"settings": "MÔ_ĐUN", "pythonpath": "THƯ_MỤC"}

_ARGPARSE_ERRORS = [
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"không hiểu tham số: \1"),
    (r"argument (\S+): expected one argument", r"tham số \1 cần một giá trị"),
    (
        r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
        r"tham số \1: không có lựa chọn \2 (chọn một trong: \3)",
    ),
    (r"argument (\S+): not allowed with argument (\S+)", r"không dùng \1 cùng với \2"),
    (r"one of the arguments (.*) is required", r"cần một trong các tham số: \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 không rõ ràng, có thể là: \2"),
    (r"argument (\S+): invalid (\S+) value: (.*)", r"tham số \1: giá trị \3 không hợp lệ"),
]


def _vietnamese_error(message: str) -> str:
    for pattern, replacement in _ARGPARSE_ERRORS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


class VietnameseHelpFormatter(DjangoHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix="Cách dùng: " if prefix is None else prefix)


class VietnameseParser(CommandParser):
    """Django's parser with Vietnamese errors and help headings."""

    def __init__(self, **kwargs):
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        super().__init__(**kwargs)
        vietnamize(self)

    def error(self, message):
        message = _vietnamese_error(message)
        if self.called_from_command_line:
            self.print_usage(sys.stderr)
            self.exit(2, f"{self.prog}: lỗi: {message}\n")
        raise CommandError(f"Lỗi: {message}")


def vietnamize(parser: argparse.ArgumentParser) -> None:
    parser._positionals.title = "Tham số"
    parser._optionals.title = "Tùy chọn"
    for action in parser._actions:
        if action.dest in _BASE_OPTION_HELP:
            action.help = _BASE_OPTION_HELP[action.dest]
        if action.dest in _BASE_OPTION_METAVAR:
            action.metavar = _BASE_OPTION_METAVAR[action.dest]


class VietnameseCommand(BaseCommand):
    """A management command whose help and argument errors are in Vietnamese."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", VietnameseHelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = VietnameseParser  # same state, Vietnamese errors
        vietnamize(parser)
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            # From a terminal Django would print "CommandError: ..."; a person reads "Lỗi: ..." instead.
            if getattr(self, "_called_from_command_line", False) and not options.get("traceback"):
                self.stderr.write(f"Lỗi: {exc}")
                sys.exit(exc.returncode)
            raise


# --- The command -------------------------------------------------------------------


def _split_former(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(importers.FORMER_UNITS_SEPARATOR) if part.strip()]


def format_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in [headers, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


class Command(VietnameseCommand):
    help = (
        "Quản lý xã/phường: tạo một xã, nhập hàng loạt từ tệp CSV/Excel, xem danh sách, "
        "lưu trữ (ngừng hiển thị) và cấp tài khoản cán bộ."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            title="Lệnh con",
            metavar="{create,import,list,archive,officer}",
            parser_class=VietnameseParser,
        )

        create = actions.add_parser(
            "create",
            help="Tạo một xã/phường với trang web, thư mục tệp, nhóm cán bộ và quy trình duyệt tin.",
            description="Tạo một xã/phường. Chạy lại với cùng tên thì không tạo trùng mà chỉ bổ sung phần còn thiếu.",
        )
        create.add_argument(
            "--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn, ví dụ “Thái Nguyên”."
        )
        create.add_argument(
            "--name", required=True, metavar="TÊN", help="Tên xã/phường, không kèm chữ “xã”, ví dụ “Động Đạt”."
        )
        create.add_argument(
            "--kind",
            default="xã",
            metavar="LOẠI",
            help="Loại đơn vị: xã, phường, thị trấn hoặc đặc khu (mặc định: xã).",
        )
        create.add_argument(
            "--hostname",
            metavar="TÊN_MIỀN",
            help="Tên miền riêng (mặc định: <tên không dấu>.<tên miền tỉnh>, ví dụ dongdat.thainguyen.gov.vn).",
        )
        create.add_argument("--code", default="", metavar="MÃ", help="Mã đơn vị hành chính (chỉ gồm chữ số).")
        create.add_argument(
            "--former", default="", metavar="ĐƠN_VỊ_CŨ", help="Các đơn vị cũ đã sáp nhập, cách nhau bởi dấu “;”."
        )
        create.add_argument(
            "--local-hostnames",
            action="store_true",
            help="Dùng tên miền chạy thử trên máy: dongdat.thainguyen.localhost thay cho dongdat.thainguyen.gov.vn.",
        )

        imp = actions.add_parser(
            "import",
            help="Nhập hàng loạt xã/phường từ tệp CSV (UTF-8) hoặc Excel (.xlsx).",
            description=(
                "Nhập hàng loạt xã/phường. Cột: " + ", ".join(importers.COLUMNS) + ". "
                "Tệp có dòng lỗi thì không ghi gì. Nếu bị ngắt giữa chừng, chạy lại cùng tệp để làm tiếp."
            ),
        )
        imp.add_argument("file", metavar="TỆP", help="Đường dẫn tệp .csv hoặc .xlsx.")
        imp.add_argument("--local-hostnames", action="store_true", help="Dùng tên miền chạy thử trên máy (.localhost).")
        imp.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra tệp và báo kết quả, không ghi gì.")

        lst = actions.add_parser("list", help="Xem danh sách xã/phường.", description="Xem danh sách xã/phường.")
        lst.add_argument("--province", metavar="TỈNH", help="Chỉ xem các xã/phường của tỉnh này (tên hoặc đường dẫn).")
        lst.add_argument(
            "--practice",
            action="store_true",
            help="Chỉ xem các trang thực hành của lớp tập huấn (mặc định không liệt kê; quản lý bằng lệnh workshop).",
        )

        archive = actions.add_parser(
            "archive",
            help="Lưu trữ một xã/phường: trang web ngừng hiển thị, dữ liệu được giữ nguyên.",
            description="Lưu trữ một xã/phường: trang web trả lời “đã ngừng hoạt động”, mọi dữ liệu được giữ nguyên.",
        )
        archive.add_argument(
            "commune", metavar="XÃ", help="Đường dẫn của xã, hoặc tỉnh/xã khi trùng tên, ví dụ bac-ninh/tan-phu."
        )

        refresh = actions.add_parser(
            "refresh",
            help="Cập nhật xã/phường đã có theo chuẩn hiện hành (chuyên mục mới, quyền mới). Chạy lại không sao.",
            description=(
                "Bổ sung cho các xã/phường đã có những gì bản mới của hệ thống tạo cho xã mới: chuyên mục chuẩn, "
                "trang giới thiệu bắt buộc, quyền trên các loại nội dung mới. Không sửa nội dung đã có."
            ),
        )
        refresh.add_argument("communes", nargs="*", metavar="XÃ", help="Các xã cần cập nhật; bỏ trống là tất cả.")

        officer = actions.add_parser(
            "officer",
            help="Cấp tài khoản cán bộ: biên tập viên, lãnh đạo phê duyệt hoặc quản trị tỉnh.",
            description=(
                "Cấp tài khoản cán bộ. Vai trò editor (biên tập viên) và approver (lãnh đạo phê duyệt) cần --commune; "
                "vai trò province-admin (quản trị tỉnh) cần --province."
            ),
        )
        where = officer.add_mutually_exclusive_group(required=True)
        where.add_argument("--commune", metavar="XÃ", help="Xã/phường (đường dẫn, hoặc tỉnh/xã khi trùng tên).")
        where.add_argument(
            "--province", metavar="TỈNH", help="Tỉnh/thành phố (tên hoặc đường dẫn), cho vai trò province-admin."
        )
        officer.add_argument("--username", required=True, metavar="TÊN_ĐĂNG_NHẬP", help="Tên đăng nhập.")
        officer.add_argument("--email", required=True, metavar="THƯ", help="Địa chỉ thư điện tử.")
        officer.add_argument(
            "--role",
            required=True,
            metavar="VAI_TRÒ",
            help="Vai trò: editor (biên tập viên), approver (lãnh đạo phê duyệt), province-admin (quản trị tỉnh).",
        )
        officer.add_argument("--password", metavar="MẬT_KHẨU", help="Mật khẩu (bỏ trống thì hệ thống tự tạo và in ra).")

    def handle(self, *args, action, **options):
        handler = getattr(self, "handle_" + action)
        try:
            handler(**options)
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from None

    # --- create --------------------------------------------------------------------

    def handle_create(self, *, province, name, kind, hostname, code, former, local_hostnames, **_):
        province = services.resolve_province(province)
        spec = services.commune_spec(
            province=province, name=name, kind=kind, code=code, hostname=hostname, local_hostnames=local_hostnames
        )
        existed = Commune.objects.filter(province=province, slug=spec.slug).exists()
        commune = services.commune_create(
            province=province,
            name=name,
            kind=kind,
            code=code,
            hostname=hostname,
            former_units=_split_former(former),
            local_hostnames=local_hostnames,
        )
        verb = "Đã có sẵn (đã bổ sung phần còn thiếu nếu có)" if existed else "Đã tạo"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {commune.full_name} ({commune.province.name})"))
        self.stdout.write(f"  Địa chỉ:   {commune.address}")
        self.stdout.write(f"  Trang web: {commune.url}")
        self.stdout.write(f"  Quản trị:  {commune.url}admin/")

    # --- import --------------------------------------------------------------------

    def handle_import(self, *, file, local_hostnames, dry_run, verbosity, **_):
        rows = importers.read_commune_rows(file)
        if not rows:
            raise CommandError(f"Tệp “{file}” không có dòng dữ liệu nào dưới dòng tiêu đề.")
        if dry_run:
            specs, errors = importers.validate_rows(rows, local_hostnames=local_hostnames)
            if errors:
                raise CommandError(str(importers.ImportRejected(errors)))
            present = importers.specs_already_present(specs)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Tệp hợp lệ: {len(specs)} xã/phường, {len(specs) - present} sẽ được tạo mới, "
                    f"{present} đã có sẵn. Chưa ghi gì (chạy thử --dry-run)."
                )
            )
            return

        bars = []

        def progress():
            # The bar appears once the file has passed validation and the first commune is done.
            if not bars:
                bars.append(
                    tqdm(
                        total=len(rows),
                        desc="Đang tạo xã/phường",
                        unit=" xã",
                        file=getattr(self.stderr, "_out", sys.stderr),
                        disable=verbosity == 0,
                    )
                )
            bars[0].update()

        try:
            report = importers.commune_import(rows, local_hostnames=local_hostnames, progress=progress)
        except KeyboardInterrupt:
            done = bars[0].n if bars else 0
            raise CommandError(
                f"Đã dừng giữa chừng sau {done} xã/phường (các xã này đã được tạo đầy đủ). "
                "Chạy lại đúng lệnh này để làm tiếp phần còn lại."
            ) from None
        finally:
            for bar in bars:
                bar.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: tạo mới {report.created} xã/phường, {report.already_present} đã có sẵn (tổng {report.total})."
            )
        )
        if verbosity >= 2:
            for commune in report.communes:
                self.stdout.write(f"  {commune.address}  {commune.url}")
        self.stdout.write("Xem danh sách: manage.py commune list")

    # --- list ----------------------------------------------------------------------

    def handle_list(self, *, province, practice=False, **_):
        # Practice sites belong to training workshops: listed only when asked for, and then alone.
        communes = Commune.objects.select_related("province").filter(is_practice=practice)
        communes = communes.order_by("province__slug", "slug")
        if province:
            communes = communes.filter(province=services.resolve_province(province))
        rows = [[c.address, c.full_name, c.hostname, c.get_status_display()] for c in communes]
        if not rows:
            self.stdout.write("Chưa có trang thực hành nào." if practice else "Chưa có xã/phường nào.")
            return
        self.stdout.write(format_table(["Địa chỉ", "Tên đầy đủ", "Tên miền", "Trạng thái"], rows))
        self.stdout.write(f"Tổng: {len(rows)} trang thực hành." if practice else f"Tổng: {len(rows)} xã/phường.")

    # --- archive -------------------------------------------------------------------

    def handle_archive(self, *, commune, **_):
        commune = services.resolve_commune(commune)
        if not commune.is_active:
            self.stdout.write(f"{commune.full_name} ({commune.province.name}) đã được lưu trữ từ trước.")
            return
        services.commune_archive(commune)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã lưu trữ {commune.full_name} ({commune.province.name}): trang {commune.hostname} ngừng hiển thị, "
                "dữ liệu (trang, tệp, tài khoản) vẫn được giữ nguyên."
            )
        )

    # --- refresh -------------------------------------------------------------------

    def handle_refresh(self, *, communes, **_):
        if communes:
            targets = [services.resolve_commune(value) for value in communes]
        else:
            targets = list(Commune.objects.select_related("province").filter(status=Commune.Status.ACTIVE))
        for commune in tqdm(targets, desc="Cập nhật", unit="xã", file=self.stderr, disable=len(targets) < 2):
            services.commune_refresh(commune)
        self.stdout.write(self.style.SUCCESS(f"Đã cập nhật {len(targets)} xã/phường."))

    # --- officer -------------------------------------------------------------------

    def handle_officer(self, *, commune, province, username, email, role, password, **_):
        commune_obj = services.resolve_commune(commune) if commune else None
        province_obj = services.resolve_province(province) if province else None
        user, new_password = services.officer_create(
            username=username, email=email, role=role, commune=commune_obj, province=province_obj, password=password
        )
        where = f"{commune_obj.full_name} ({commune_obj.address})" if commune_obj else province_obj.name
        self.stdout.write(self.style.SUCCESS(f"Đã cấp quyền {services.ROLES[role]} – {where}."))
        self.stdout.write(f"  Tên đăng nhập: {user.get_username()}")
        if new_password:
            self.stdout.write(f"  Mật khẩu:      {new_password}")
        else:
            self.stdout.write("  Mật khẩu:      (tài khoản đã có, giữ nguyên mật khẩu cũ)")
        site = commune_obj.url if commune_obj else ""
        if site:
            self.stdout.write(f"  Đăng nhập tại: {site}admin/")
