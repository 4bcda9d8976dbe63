"""`manage.py flush_view_counts`: move the article view counts kept in the cache into the database.

Run it from cron or a worker every few minutes, e.g. `*/5 * * * * cd /srv/xaso && .venv/bin/python manage.py
flush_view_counts`. Views not yet flushed still show on the article (stored count + pending count).
It also moves the page views of each commune per day (oversight.page_views) into the database.
"""

from pages.news.services import flush_view_counts
from sites.management.commands.commune import VietnameseCommand


class Command(VietnameseCommand):
    help = (
        "Ghi số lượt xem tin bài và lượt xem trang của từng xã theo ngày đang giữ trong bộ nhớ đệm vào cơ sở dữ liệu "
        "(chạy định kỳ bằng cron)."
    )

    def handle(self, *args, **options):
        from oversight.page_views import flush_page_views

        added = flush_view_counts()
        self.stdout.write(f"Đã ghi {added} lượt xem vào cơ sở dữ liệu.")
        pages = flush_page_views()
        self.stdout.write(f"Đã ghi {pages} lượt xem trang của các xã vào cơ sở dữ liệu.")
