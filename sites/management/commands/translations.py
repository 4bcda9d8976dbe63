from cms import translations
from sites.management.commands.commune import VietnameseCommand


class Command(VietnameseCommand):
    help = "Bản dịch tiếng Việt của trang quản trị: đồng bộ với mã nguồn (sync) hoặc báo độ phủ (coverage)."

    def add_arguments(self, parser):
        parser.add_argument(
            "action",
            choices=["sync", "coverage"],
            metavar="{sync,coverage}",
            help="sync: cập nhật locale/vi từ các gói; coverage: thống kê",
        )

    def handle(self, action, **options):
        if action == "sync":
            for domain in translations.DOMAINS:
                total, done = translations.sync(domain)
                self.stdout.write(f"{translations.project_catalogue(domain)}: {done}/{total} chuỗi đã dịch")
            return
        all_total = all_done = 0
        for c in translations.coverage():
            all_total += c.total
            all_done += c.translated
            self.stdout.write(f"{c.package:32} {c.domain:9} {c.translated:5}/{c.total:<5} {c.percent:6.1f}%")
        self.stdout.write(f"{'Tổng':42} {all_done:5}/{all_total:<5} {100.0 * all_done / all_total:6.1f}%")
