"""`manage.py flush_view_counts`: move the article view counts kept in the cache into the database.

Run it from cron or a worker every few minutes, e.g. `*/5 * * * * cd /srv/xaso && .venv/bin/python manage.py
flush_view_counts`. Views not yet flushed still show on the article (stored count + pending count).
"""

from pages.news.services import flush_view_counts
from sites.management.commands.commune import VietnameseCommand


class Command(VietnameseCommand):
    help = "Ghi số lượt xem tin bài đang giữ trong bộ nhớ đệm vào cơ sở dữ liệu (chạy định kỳ bằng cron)."

    def handle(self, *args, **options):
        added = flush_view_counts()
        self.stdout.write(f"Đã ghi {added} lượt xem vào cơ sở dữ liệu.")
