from tqdm import tqdm

from pages.slugs import clean_slugs, unclean_pages
from sites.management.commands.commune import VietnameseCommand


class Command(VietnameseCommand):
    help = (
        "Đổi đường dẫn (slug) có dấu hoặc sai quy tắc của các trang thành chữ không dấu; "
        "địa chỉ cũ được chuyển hướng sang địa chỉ mới."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không thay đổi gì.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            pages = unclean_pages()
            for page in pages:
                self.stdout.write(f"  #{page.pk} {page.slug}")
            self.stdout.write(f"{len(pages)} trang cần đổi đường dẫn.")
            return
        changes = clean_slugs(progress=lambda items: tqdm(items, desc="Đổi đường dẫn", unit="trang"))
        for change in changes:
            self.stdout.write(f"  #{change.page_id} {change.old} -> {change.new}")
        self.stdout.write(self.style.SUCCESS(f"Đã đổi đường dẫn {len(changes)} trang; địa chỉ cũ được chuyển hướng."))
