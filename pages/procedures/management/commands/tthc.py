"""`manage.py tthc ...`: import a province's TTHC catalogue from a file, export it, make test data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from pages.procedures import importing
from pages.procedures.models import ProcedureStatus, is_commune_level
from pages.procedures.services import FIELD_LABELS, CataloguePlan
from sites import services
from sites.management.commands.commune import VietnameseCommand, VietnameseParser
from sites.models import Commune
from sites.text import os_error_text

LIST_LIMIT = 20  # procedures listed per group unless -v 2


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _write(path: Path, data: bytes) -> None:
    """Write the output file, or say in Vietnamese why it cannot be written."""
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        raise CommandError(f"Không ghi được tệp “{path}”: thư mục “{path.parent}” không tồn tại.") from None
    except IsADirectoryError:
        raise CommandError(f"Không ghi được tệp “{path}”: đường dẫn này là một thư mục; hãy ghi kèm tên tệp.") from None
    except OSError as exc:
        raise CommandError(f"Không ghi được tệp “{path}”: {os_error_text(exc)}.") from None


class Command(VietnameseCommand):
    help = (
        "Danh mục thủ tục hành chính (TTHC) của tỉnh: nhập từ tệp JSON/Excel/CSV, xuất ra tệp, "
        "tạo dữ liệu thử để đo hiệu năng."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(
            dest="action",
            required=True,
            title="Lệnh con",
            metavar="{import,export,generate}",
            parser_class=VietnameseParser,
        )
        imp = actions.add_parser(
            "import",
            help="Nhập (cập nhật) danh mục TTHC của tỉnh từ tệp JSON, Excel (.xlsx) hoặc CSV.",
            description=(
                "Nhập danh mục TTHC của một tỉnh. Thủ tục mới được thêm, thủ tục đã có được cập nhật theo mã, "
                "thủ tục không đổi được giữ nguyên; thủ tục có trong danh mục mà không có trong tệp không bị xóa. "
                "Tệp có lỗi thì không ghi gì. Cách ghi tệp: docs/tthc.md."
            ),
        )
        imp.add_argument("file", metavar="TỆP", help="Tệp .json (cấu trúc CSDL quốc gia), .xlsx hoặc .csv.")
        imp.add_argument("--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn.")
        imp.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra tệp và báo những gì sẽ thay đổi.")

        exp = actions.add_parser(
            "export",
            help="Xuất danh mục TTHC của tỉnh ra tệp (nhập lại tệp này không thay đổi gì).",
            description="Xuất toàn bộ danh mục TTHC của tỉnh, kể cả thủ tục đã bãi bỏ.",
        )
        exp.add_argument("--province", required=True, metavar="TỈNH", help="Tỉnh/thành phố: tên hoặc đường dẫn.")
        exp.add_argument(
            "--format",
            default="json",
            choices=["json", "csv", "xlsx"],
            metavar="ĐỊNH_DẠNG",
            help="json (cấu trúc CSDL quốc gia, mặc định), csv hoặc xlsx (mỗi thủ tục một dòng).",
        )
        exp.add_argument("-o", "--output", metavar="TỆP", help="Tệp ghi ra (bỏ trống: in ra màn hình; xlsx cần -o).")

        gen = actions.add_parser(
            "generate",
            help="Tạo tệp JSON gồm N thủ tục giả lập (mã 1.9xxxxx) để thử và đo hiệu năng.",
            description=(
                "Tạo N thủ tục giả lập nhưng giống thật theo cấu trúc CSDL quốc gia. Cùng --seed thì cùng dữ liệu."
            ),
        )
        gen.add_argument("count", type=int, metavar="N", help="Số thủ tục (1 đến 100.000).")
        gen.add_argument("-o", "--output", required=True, metavar="TỆP", help="Tệp .json ghi ra.")
        gen.add_argument("--seed", type=int, default=2026, metavar="SỐ", help="Hạt giống ngẫu nhiên (mặc định 2026).")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "handle_" + action)(**options)  # ImportFileError and ImportRejected are ServiceErrors
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from None

    # --- import --------------------------------------------------------------------

    def handle_import(self, *, file, province, dry_run, verbosity, **_):
        province = services.resolve_province(province)
        bars = []

        def progress(items):
            bar = tqdm(
                items,
                desc="Đang ghi thủ tục",
                unit=" thủ tục",
                file=getattr(self.stderr, "_out", sys.stderr),
                disable=verbosity == 0 or not items,
            )
            bars.append(bar)
            return bar

        try:
            plan = importing.import_catalogue(province, file, dry_run=dry_run, progress=progress)
        finally:
            for bar in bars:
                bar.close()
        self._report(plan, dry_run=dry_run, verbosity=verbosity)

    def _report(self, plan: CataloguePlan, *, dry_run: bool, verbosity: int) -> None:
        province = plan.province
        title = "Chạy thử – danh mục" if dry_run else "Đã nhập danh mục"
        self.stdout.write(self.style.SUCCESS(f"{title} thủ tục hành chính của {province.name}:"))
        # As in the admin's preview: a procedure the file abolishes is listed under "Bãi bỏ", not "Thay đổi".
        abolished = {r["code"] for r in plan.abolished}
        changed = [(r, keys) for r, keys in plan.changed if r["code"] not in abolished]
        also = {r["code"]: [k for k in keys if k != "status"] for r, keys in plan.changed if r["code"] in abolished}
        self.stdout.write(f"  Thêm mới:   {_n(len(plan.added))}")
        self.stdout.write(f"  Thay đổi:   {_n(len(changed))}")
        self.stdout.write(f"  Bãi bỏ:     {_n(len(plan.abolished))}")
        self.stdout.write(f"  Giữ nguyên: {_n(plan.unchanged)}")
        self.stdout.write(f"  Có trong danh mục nhưng không có trong tệp (giữ nguyên): {_n(plan.not_in_file)}")

        def labels(keys: list[str]) -> str:
            return ", ".join(FIELD_LABELS.get(key, key) for key in keys)

        limit = None if verbosity >= 2 else LIST_LIMIT
        self._list("Thêm mới", [(r, "") for r in plan.added], limit)
        self._list("Thay đổi", [(r, labels(keys)) for r, keys in changed], limit)
        self._list(
            "Bãi bỏ",
            [(r, "cũng đổi " + labels(also[r["code"]]) if also[r["code"]] else "") for r in plan.abolished],
            limit,
        )

        new_local = [r for r in plan.added if is_commune_level(r["level"]) and r["status"] == ProcedureStatus.ACTIVE]
        communes = Commune.objects.filter(province=province, status=Commune.Status.ACTIVE).count()
        if new_local and communes:
            verb = "Sẽ thêm" if dry_run else "Đã thêm"
            self.stdout.write(
                f"{verb} {_n(len(new_local))} thủ tục cấp xã mới vào danh sách thủ tục của {_n(communes)} xã/phường "
                "trong tỉnh (cán bộ xã bỏ bớt thủ tục xã mình không làm)."
            )
        if dry_run:
            self.stdout.write(self.style.WARNING("Chạy thử: chưa ghi gì. Bỏ --dry-run để ghi vào danh mục."))
        elif not plan.has_changes:
            self.stdout.write("Danh mục đã đúng như tệp, không có gì cần ghi.")

    def _list(self, heading: str, rows: list[tuple[dict, str]], limit: int | None) -> None:
        if not rows:
            return
        self.stdout.write(f"\n{heading} ({_n(len(rows))}):")
        for record, detail in rows[:limit]:
            line = f"  {record['code']}  {record['name']}"
            self.stdout.write(f"{line} — {detail}" if detail else line)
        if limit is not None and len(rows) > limit:
            self.stdout.write(f"  … và {_n(len(rows) - limit)} thủ tục khác (thêm -v 2 để xem hết).")

    # --- export --------------------------------------------------------------------

    def handle_export(self, *, province, format, output, **_):
        province = services.resolve_province(province)
        if format == "xlsx" and not output:
            raise CommandError("Tệp Excel cần nơi ghi: thêm -o TỆP.xlsx.")
        records = importing.catalogue_records(province)
        data = importing.export_records(records, format)
        if not output:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
            return
        path = Path(output)
        _write(path, data)
        self.stdout.write(
            self.style.SUCCESS(f"Đã xuất {_n(len(records))} thủ tục của {province.name} ra {path} ({format}).")
        )

    # --- generate ------------------------------------------------------------------

    def handle_generate(self, *, count, output, seed, **_):
        if not 0 < count <= 100_000:
            raise CommandError(f"Số thủ tục phải từ 1 đến 100.000 (đã nhập {count}).")
        records = importing.synthetic_national_records(count, seed=seed)
        path = Path(output)
        _write(path, (json.dumps({"data": records}, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        self.stdout.write(self.style.SUCCESS(f"Đã tạo {_n(count)} thủ tục giả lập trong {path}."))
