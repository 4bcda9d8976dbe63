"""Import of a province's TTHC catalogue: 2,000 procedures into an empty catalogue, then the same file again.

Each database (SQLite, PostgreSQL) is fresh and migrated; this file then runs itself with --job inside it:
a province with 10 communes, 2,000 synthetic procedures from the same generator as `manage.py tthc generate`,
timed through importing.import_catalogue (the function the CLI and the admin call), in-process so that
Python start-up is not counted. Also a re-import of the flat Excel export (no changes either).

    python bench/tthc_import.py            # both databases, prints the markdown section
    python bench/run.py --only tthc        # the same, written to bench/results/
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCEDURES = int(os.environ.get("BENCH_TTHC_PROCEDURES", "2000"))
COMMUNES = int(os.environ.get("BENCH_TTHC_COMMUNES", "10"))


# --- runner ------------------------------------------------------------------------------


def measure(database: str, procedures: int = PROCEDURES, communes: int = COMMUNES) -> dict:
    from provision import ROOT, _env, _fresh_postgres, _manage

    with tempfile.TemporaryDirectory() as var_dir:
        url = _fresh_postgres("xaso_bench_tthc") if database == "postgresql" else f"sqlite:///{var_dir}/t.sqlite3"
        env = dict(_env(url, var_dir), BENCH_TTHC_PROCEDURES=str(procedures), BENCH_TTHC_COMMUNES=str(communes))
        _manage(env, "migrate", "--noinput")
        out = subprocess.run(
            [sys.executable, "bench/tthc_import.py", "--job"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])


def _ms(seconds: float, count: int) -> str:
    return f"{seconds / count * 1000:.2f}".replace(".", ",")


def _s(seconds: float) -> str:
    return f"{seconds:.2f}".replace(".", ",")


def run(databases=("sqlite", "postgresql"), procedures: int = PROCEDURES, communes: int = COMMUNES) -> str:
    results = {}
    for database in databases:
        print(f"  tthc import: {procedures} thủ tục trên {database} …", file=sys.stderr, flush=True)
        results[database] = measure(database, procedures, communes)
    first = next(iter(results.values()))
    count = f"{first['procedures']:,}".replace(",", ".")
    lines = [
        "## Nhập danh mục thủ tục hành chính (`tthc import`)",
        "",
        f"{count} thủ tục giả lập (`manage.py tthc generate`), một tỉnh có {first['communes']} xã; "
        "đo trong tiến trình qua `importing.import_catalogue` (hàm mà lệnh và trang quản trị cùng gọi), "
        "không tính thời gian khởi động Python. “Kiểm tra tệp” là đọc và kiểm tra JSON, chưa ghi gì.",
        "",
        "Cột “× một trang” so với mốc đo cùng lượt: thời gian tạo một trang Wagtail (như khi mỗi thủ tục là một "
        f"trang của xã, cách làm cũ), đo bằng {REFERENCE_PAGES} trang. Nhỏ hơn 1 nghĩa là nhập một thủ tục cho cả "
        "tỉnh (kể cả gán cho mọi xã) rẻ hơn tạo một trang cho một xã.",
        "",
        "| CSDL | Bước | Thời gian (s) | ms/thủ tục | × một trang | Truy vấn SQL | Ghi chú |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for database, r in results.items():
        n = r["procedures"]

        def per(seconds, n=n, r=r):
            return _ms(seconds, n) + " | " + f"{seconds * 1000 / n / r['page_ms']:.2f}".replace(".", ",")

        lines += [
            f"| {database} | Kiểm tra tệp JSON | {_s(r['read_seconds'])} | {per(r['read_seconds'])} | 0 | |",
            f"| {database} | Nhập lần đầu (danh mục trống) | {_s(r['first_seconds'])} | {per(r['first_seconds'])} "
            f"| {r['first_queries']} | thêm {r['first_added']}, gán {r['listed']} lượt thủ tục cho các xã |",
            f"| {database} | Nhập lại cùng tệp (không đổi) | {_s(r['again_seconds'])} | {per(r['again_seconds'])} "
            f"| {r['again_queries']} | thay đổi {r['again_changed']}, ghi {r['again_writes']} câu lệnh |",
            f"| {database} | Nhập lại bản xuất Excel | {_s(r['xlsx_seconds'])} | {per(r['xlsx_seconds'])} "
            f"| {r['xlsx_queries']} | thay đổi {r['xlsx_changed']}; xuất Excel mất {_s(r['export_seconds'])} s |",
            f"| {database} | Mốc: tạo một trang Wagtail | | {r['page_ms']:.1f} | 1,00 | | |".replace(".", ","),
        ]
    return "\n".join(lines) + "\n"


# --- job (inside a migrated, empty database) ------------------------------------------------


REFERENCE_PAGES = 200


def _page_reference(province) -> float:
    """The design this replaced, in the same run: seconds to create REFERENCE_PAGES Wagtail pages under one commune."""
    from pages.models import StandardPage
    from sites.models import Commune

    home = Commune.objects.filter(province=province).first().home_page
    parent = home.add_child(instance=StandardPage(title="Đo tạo trang", slug="do-tao-trang"))
    started = time.perf_counter()
    for i in range(REFERENCE_PAGES):
        parent.add_child(instance=StandardPage(title=f"Thủ tục dạng trang {i}", slug=f"thu-tuc-dang-trang-{i}"))
    return time.perf_counter() - started


def job() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()

    from django.db import connection

    from pages.procedures import importing
    from pages.procedures.models import CommuneProcedure
    from sites import services

    counted = {"all": 0, "writes": 0}

    def count(execute, sql, params, many, context):
        counted["all"] += 1
        counted["writes"] += sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        return execute(sql, params, many, context)

    def timed(fn):
        counted.update(all=0, writes=0)
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = fn()
            return result, time.perf_counter() - started, counted["all"], counted["writes"]

    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    for i in range(COMMUNES):
        services.commune_create(province=province, name=f"Đo Thủ Tục {i}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tthc.json"
        raws = importing.synthetic_national_records(PROCEDURES)
        path.write_text(json.dumps({"data": raws}, ensure_ascii=False), encoding="utf-8")

        _, read_seconds, _, _ = timed(lambda: importing.read_catalogue_file(path))
        first, first_seconds, first_queries, _ = timed(lambda: importing.import_catalogue(province, path))
        again, again_seconds, again_queries, again_writes = timed(lambda: importing.import_catalogue(province, path))
        xlsx = Path(tmp) / "tthc.xlsx"
        started = time.perf_counter()
        xlsx.write_bytes(importing.export_catalogue(province, "xlsx"))
        export_seconds = time.perf_counter() - started
        flat, xlsx_seconds, xlsx_queries, _ = timed(lambda: importing.import_catalogue(province, xlsx))
    page_seconds = _page_reference(province)
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "procedures": PROCEDURES,
                "communes": COMMUNES,
                "read_seconds": read_seconds,
                "first_seconds": first_seconds,
                "first_queries": first_queries,
                "first_added": len(first.added),
                "listed": CommuneProcedure.objects.filter(commune__province=province).count(),
                "again_seconds": again_seconds,
                "again_queries": again_queries,
                "again_writes": again_writes,
                "again_changed": len(again.added) + len(again.changed),
                "export_seconds": export_seconds,
                "xlsx_seconds": xlsx_seconds,
                "xlsx_queries": xlsx_queries,
                "xlsx_changed": len(flat.added) + len(flat.changed),
                "page_ms": page_seconds * 1000 / REFERENCE_PAGES,
            }
        )
    )


if __name__ == "__main__":
    if "--job" in sys.argv:
        job()
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        databases = ("sqlite",) if "--sqlite-only" in sys.argv else ("sqlite", "postgresql")
        print(run(databases))
