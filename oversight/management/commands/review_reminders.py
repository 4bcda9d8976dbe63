"""`manage.py review_reminders`: e-mail each commune's officers what is due for review (one digest a day).

For cron, e.g. every morning: `0 7 * * * cd /srv/xaso && .venv/bin/python manage.py review_reminders`.
Running it again the same day sends nothing more.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from oversight.services import review_reminders_send
from sites import services as site_services
from sites.management.commands.commune import VietnameseCommand
from sites.models import Commune


class Command(VietnameseCommand):
    help = (
        "Gửi thư nhắc rà soát: mỗi xã/phường một thư cho cán bộ, liệt kê trang và thủ tục đã đến hoặc sắp đến "
        "ngày cần rà soát lại (trong 14 ngày tới). Mỗi ngày gửi nhiều nhất một thư cho mỗi xã."
    )

    def add_arguments(self, parser):
        parser.add_argument("--commune", metavar="XÃ", help="Chỉ gửi cho xã/phường này (đường dẫn, hoặc tỉnh/xã).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ in ra sẽ gửi gì, không gửi thư nào.")

    def handle(self, *args, commune=None, dry_run=False, **options):
        communes = None
        if commune is not None:
            try:
                found = site_services.resolve_commune(commune)
            except site_services.ServiceError as exc:
                raise CommandError(str(exc)) from None
            if found.is_practice:
                raise CommandError(f"“{commune}” là trang thực hành của lớp tập huấn: không gửi thư nhắc.")
            communes = [found]
        results = review_reminders_send(communes or Commune.objects.listed(), dry_run=dry_run)
        sent = 0
        for result in results:
            if not result.items:
                continue
            name = result.commune.full_name
            if result.skipped:
                self.stdout.write(f"{name}: {len(result.items)} nội dung cần rà soát; không gửi ({result.skipped}).")
            elif dry_run:
                self.stdout.write(
                    f"{name}: sẽ gửi {len(result.items)} nội dung cần rà soát tới {', '.join(result.recipients)}."
                )
            else:
                sent += 1
                self.stdout.write(
                    f"{name}: đã gửi {len(result.items)} nội dung cần rà soát tới {len(result.recipients)} cán bộ."
                )
        if dry_run:
            self.stdout.write("Chạy thử: không gửi thư nào.")
        else:
            self.stdout.write(f"Đã gửi {sent} thư nhắc rà soát.")
