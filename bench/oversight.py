"""The province oversight dashboard for a province of 150 communes: its load time and SQL queries.

Each database (SQLite, PostgreSQL) is fresh and migrated; this file then runs itself with --job inside it:
one province of 150 communes provisioned through the real import (`importers.commune_import`, sections and
all), each filled in bulk with a year of content (articles and documents published across the year, a few
disclosures, review dates, ratings, daily page views), and a second province of 10 communes filled the same
way. Then, signed in as the province admin through Django's test client, the dashboard is opened several
times (median); its queries are counted once, at 150 and at 10 communes.

The references measured in the same run, for the same province admin: the commune list of the admin
("Xã/phường", 50 a page) and Wagtail's page explorer of the province page (the 150 home pages).

    python bench/oversight.py            # both databases, prints the markdown section
    python bench/run.py --only oversight # the same, written to bench/results/
"""

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

COMMUNES = int(os.environ.get("BENCH_OVERSIGHT_COMMUNES", "150"))
SMALL = 10
RUNS = int(os.environ.get("BENCH_OVERSIGHT_RUNS", "7"))
ARTICLES = 24  # per commune, spread over the year
DOCUMENTS = 8
DISCLOSURES = 6


def measure(database: str, communes: int = COMMUNES) -> dict:
    from provision import run_job

    return run_job("oversight.py", database, "xaso_bench_oversight", {"BENCH_OVERSIGHT_COMMUNES": str(communes)})


def _n(value: float, digits: int = 0) -> str:
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def run(databases=("sqlite", "postgresql"), communes: int = COMMUNES) -> str:
    results = {}
    for database in databases:
        print(f"  giám sát: {communes} xã trên {database} …", file=sys.stderr, flush=True)
        results[database] = measure(database, communes)
    first = next(iter(results.values()))
    lines = [
        "## Bảng giám sát của tỉnh (`Giám sát các xã`)",
        "",
        f"Một tỉnh {first['communes']} xã/phường (tạo bằng `commune import`, đủ chuyên mục), mỗi xã có nội dung "
        f"của một năm: {ARTICLES} tin bài và {DOCUMENTS} văn bản rải đều các tháng, {DISCLOSURES} nội dung công "
        "khai, ngày rà soát, đánh giá hài lòng và lượt xem từng ngày trong 365 ngày "
        f"({_n(first['view_rows'])} dòng lượt xem). Mở bảng (kỳ mặc định: năm nay; có biểu đồ) bằng Django test "
        f"client với tài khoản quản trị tỉnh, trung vị của {RUNS} lần; đếm truy vấn SQL một lần.",
        "",
        "Mốc đo cùng lượt, cùng tài khoản: danh sách “Xã/phường” của trang quản trị (50 xã một trang) và trang "
        "duyệt cây trang của Wagtail mở ở trang của tỉnh (liệt kê trang chủ các xã).",
        "",
        "| CSDL | Trang | Thời gian (ms, trung vị) | × danh sách xã | × cây trang Wagtail | Truy vấn SQL |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for database, r in results.items():
        base, explorer = r["communes_list_ms"], r["explorer_ms"]
        rows = [
            (f"Bảng giám sát, {r['communes']} xã", r["dashboard_ms"], r["dashboard_queries"]),
            (f"Bảng giám sát, {r['small_communes']} xã", r["small_dashboard_ms"], r["small_dashboard_queries"]),
            (f"Tải về Excel, {r['communes']} xã", r["xlsx_ms"], r["xlsx_queries"]),
            ("Mốc: danh sách xã/phường", base, r["communes_list_queries"]),
            ("Mốc: cây trang Wagtail (trang của tỉnh)", explorer, r["explorer_queries"]),
        ]
        for label, ms, queries in rows:
            lines.append(
                f"| {database} | {label} | {_n(ms)} | {_n(ms / base, 2)} | {_n(ms / explorer, 2)} | {queries} |"
            )
    lines += [
        "",
        "Số truy vấn không tăng theo số xã: các con số được nhóm theo đầu đường dẫn cây trang của từng xã hoặc "
        "theo mã xã, không truy vấn riêng cho từng xã.",
    ]
    return "\n".join(lines) + "\n"


# --- job (inside a migrated, empty database) ------------------------------------------------


def _fill(commune, rng, today, bulk_children) -> int:
    """A year of content for one commune, inserted in bulk (no revisions: the dashboard reads live rows)."""
    import datetime

    from django.utils import timezone

    from oversight.demo import seed_views
    from pages.disclosures.models import REQUIRED_GROUPS, DisclosureIndexPage, DisclosurePage
    from pages.feedback.models import PageRating
    from pages.guidance.models import DocumentIndexPage, GuidingDocumentPage, number_key
    from pages.models import CommuneIdentity, StandardPage
    from pages.news.models import ArticlePage, NewsIndexPage
    from pages.procedures.models import CommuneProcedure

    home = commune.home_page
    start = datetime.datetime(today.year, 1, 1, 8, tzinfo=timezone.get_current_timezone())
    span = max((timezone.now() - start).total_seconds(), 3600)

    def when(k, total):
        return start + datetime.timedelta(seconds=span * (k + 0.5) / total)

    news = NewsIndexPage.objects.child_of(home).get()
    bulk_children(
        news,
        [
            ArticlePage(
                title=f"Tin số {k} của {commune.name}",
                slug=f"tin-so-{k}",
                summary="Tin hoạt động của địa phương.",
                date=when(k, ARTICLES),
                first_published_at=when(k, ARTICLES),
            )
            for k in range(ARTICLES)
        ],
    )
    register = DocumentIndexPage.objects.child_of(home).get()
    bulk_children(
        register,
        [
            GuidingDocumentPage(
                title=f"Kế hoạch số {k}",
                slug=f"ke-hoach-{k}",
                number=f"{k + 1}/KH-UBND",
                number_key=number_key(f"{k + 1}/KH-UBND"),
                document_type="ke-hoach",
                date_issued=when(k, DOCUMENTS).date(),
                summary="Kế hoạch của UBND.",
                first_published_at=when(k, DOCUMENTS),
            )
            for k in range(DOCUMENTS)
        ],
    )
    index = DisclosureIndexPage.objects.child_of(home).first()
    if index is not None:
        groups = rng.sample(list(REQUIRED_GROUPS), DISCLOSURES)
        bulk_children(
            index,
            [
                DisclosurePage(
                    title=f"Công khai {k}",
                    slug=f"cong-khai-{k}",
                    group=group,
                    summary="Nội dung công khai.",
                    decision_date=when(k, DISCLOSURES).date() - datetime.timedelta(days=rng.choice((1, 2, 12))),
                    posted_date=when(k, DISCLOSURES).date(),
                    first_published_at=when(k, DISCLOSURES),
                )
                for k, group in enumerate(groups)
            ],
        )
    StandardPage.objects.filter(path__startswith=home.path, slug="dieu-kien-tu-nhien").update(
        review_date=today - datetime.timedelta(days=rng.randint(-20, 20))
    )
    CommuneProcedure.objects.filter(
        commune=commune, pk__in=CommuneProcedure.objects.filter(commune=commune)[:2]
    ).update(review_date=today - datetime.timedelta(days=3))
    if rng.random() < 0.5:
        CommuneIdentity.objects.update_or_create(
            site_id=commune.site_id,
            defaults={
                "agency_name": f"UBND {commune.full_name}",
                "responsible_person": "Nguyễn Văn An – Chủ tịch",
                "address": "Thôn Trung Tâm",
                "phone": "0208 3850 123",
                "email": f"ubnd.{commune.slug}@example.vn",
            },
        )
    PageRating.objects.bulk_create(
        [
            PageRating(
                commune=commune,
                page=home,
                date=today - datetime.timedelta(days=d),
                useful=rng.randint(0, 9),
                not_useful=rng.randint(0, 3),
            )
            for d in range(0, 60, 3)
        ]
    )
    return seed_views(commune)


BENCH = Path(__file__).resolve().parent


def _bulk_children():
    """load_job.bulk_children, loaded by file: bench/ is kept off sys.path inside the job (see job())."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_load_job", BENCH / "load_job.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.bulk_children


def job() -> None:
    # This file is named like the "oversight" app: inside the job the project root must come first, bench/ not at all.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
    sys.path.insert(0, str(BENCH.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()

    import csv
    import random

    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone
    from tqdm import tqdm

    from sites import importers, services
    from sites.models import Commune
    from tests.factories import login_verified
    from tests.factories_procedures import add_catalogue_procedure

    bulk_children = _bulk_children()
    today = timezone.localdate()
    rng = random.Random(2026)
    sizes = (("Thái Nguyên", "thainguyen.gov.vn", COMMUNES), ("Bắc Kạn", "backan.gov.vn", SMALL))
    provinces, view_rows = {}, 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "communes.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(importers.COLUMNS)
            for name, domain, count in sizes:
                for i in range(count):
                    writer.writerow([name, domain, "xã", f"Đo Giám Sát {i + 1}", "", "", ""])
        for name, domain, _count in sizes:
            province = services.province_ensure(name=name, domain=domain)
            provinces[name] = province
            for n in range(3):  # a small catalogue: every commune lists these
                add_catalogue_procedure(province, f"Thủ tục số {n}", f"1.00{n:04d}")
        rows = importers.read_commune_rows(str(path))
        with tqdm(total=len(rows), desc="Tạo xã", unit="xã", file=sys.stderr) as bar:
            importers.commune_import(rows, progress=bar.update)
    communes = list(Commune.objects.select_related("home_page").order_by("pk"))
    for commune in tqdm(communes, desc="Nội dung", unit="xã", file=sys.stderr):
        with transaction.atomic():
            view_rows += _fill(commune, rng, today, bulk_children)

    big, small = provinces["Thái Nguyên"], provinces["Bắc Kạn"]
    admin_user, _password = services.officer_create(
        username="quantri.bench",
        email="quantri.bench@example.vn",
        role=services.ROLE_PROVINCE_ADMIN,
        province=big,
        password="mat-khau-do-1",
    )
    small_admin, _password = services.officer_create(
        username="quantri.bench.nho",
        email="quantri.bench.nho@example.vn",
        role=services.ROLE_PROVINCE_ADMIN,
        province=small,
        password="mat-khau-do-1",
    )

    def timed(client, url, expect=200):
        response = client.get(url)  # warm
        assert response.status_code == expect, (url, response.status_code)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return statistics.median(times), len(queries.captured_queries)

    client = login_verified(Client(HTTP_HOST="localhost"), admin_user)
    small_client = login_verified(Client(HTTP_HOST="localhost"), small_admin)
    dashboard_ms, dashboard_queries = timed(client, reverse("oversight:province", args=[big.pk]))
    small_ms, small_queries = timed(small_client, reverse("oversight:province", args=[small.pk]))
    xlsx_ms, xlsx_queries = timed(client, reverse("oversight:export_xlsx", args=[big.pk]))
    list_ms, list_queries = timed(client, reverse("communes:index"))
    explorer_ms, explorer_queries = timed(client, reverse("wagtailadmin_explore", args=[big.page_id]))
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "communes": Commune.objects.filter(province=big).count(),
                "small_communes": Commune.objects.filter(province=small).count(),
                "view_rows": view_rows,
                "dashboard_ms": dashboard_ms,
                "dashboard_queries": dashboard_queries,
                "small_dashboard_ms": small_ms,
                "small_dashboard_queries": small_queries,
                "xlsx_ms": xlsx_ms,
                "xlsx_queries": xlsx_queries,
                "communes_list_ms": list_ms,
                "communes_list_queries": list_queries,
                "explorer_ms": explorer_ms,
                "explorer_queries": explorer_queries,
            }
        )
    )


if __name__ == "__main__":
    if "--job" in sys.argv:
        job()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        dbs = ("sqlite",) if "--sqlite-only" in sys.argv else ("sqlite", "postgresql")
        print(run(dbs))
