"""`manage.py renditions [--commune XÃ]`: make the theme's image sizes that older images still lack."""

from django.core.management.base import CommandError
from tqdm import tqdm

from media.renditions import theme_rendition_backfill, theme_specs
from sites import services
from sites.management.commands.commune import VietnameseCommand


class Command(VietnameseCommand):
    help = (
        "Tạo các cỡ ảnh mà giao diện dùng (ảnh thu nhỏ) cho những ảnh còn thiếu, ví dụ ảnh tải lên trước khi có "
        "tính năng tạo sẵn. Cỡ nào đã có thì bỏ qua, nên chạy lại sau khi bị ngắt là làm tiếp phần còn lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--commune", metavar="XÃ", help="Chỉ ảnh của xã/phường này (đường dẫn, hoặc tỉnh/xã khi trùng tên)."
        )

    def handle(self, *args, commune=None, **options):
        try:
            target = services.resolve_commune(commune) if commune else None
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from None

        def progress(images, total):
            return tqdm(images, total=total, desc="Tạo cỡ ảnh", unit="ảnh", file=self.stderr, disable=total == 0)

        report = theme_rendition_backfill(commune=target, progress=progress)
        where = f" của {target.full_name} ({target.province.name})" if target else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã kiểm tra {report.images} ảnh{where}: tạo mới {report.created} ảnh thu nhỏ "
                f"({len(theme_specs())} cỡ cho mỗi ảnh; cỡ nào đã có thì bỏ qua)."
            )
        )
        if report.failed:
            names = ", ".join(f"#{pk} “{title}”" for pk, title in report.failed[:10])
            more = f" và {len(report.failed) - 10} ảnh khác" if len(report.failed) > 10 else ""
            self.stderr.write(f"Không đọc được tệp gốc của {len(report.failed)} ảnh: {names}{more}.")
