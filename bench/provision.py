"""Time bulk provisioning through the real CLI (`commune import`) on SQLite and PostgreSQL.

Each size runs against a fresh, migrated database. Also counts the SQL queries one provisioning takes.
"""

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/{name}")

PROVINCES = [
    ("Thái Nguyên", "thainguyen.gov.vn"),
    ("Quảng Ngãi", "quangngai.gov.vn"),
    ("Bắc Ninh", "bacninh.gov.vn"),
    ("Hà Tĩnh", "hatinh.gov.vn"),
    ("Đắk Lắk", "daklak.gov.vn"),
    ("Lâm Đồng", "lamdong.gov.vn"),
]
SYLLABLES = ["Đông", "Tân", "Phú", "Bình", "Hòa", "Thạnh", "An", "Lộc", "Xuân", "Hưng", "Mỹ", "Đức", "Long", "Vĩnh"]


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["province", "province_domain", "kind", "name", "code", "hostname", "former_units"])
        for i in range(count):
            province, domain = PROVINCES[i % len(PROVINCES)]
            a, b = SYLLABLES[i % len(SYLLABLES)], SYLLABLES[(i // len(SYLLABLES)) % len(SYLLABLES)]
            writer.writerow([province, domain, "xã" if i % 3 else "phường", f"{a} {b} {i}", "", "", ""])


def _env(database_url: str, var_dir: str) -> dict:
    env = dict(os.environ, DATABASE_URL=database_url, VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="cms.settings.dev")
    env.pop("REDIS_URL", None)
    return env


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def _fresh_postgres(name: str) -> str:
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)
    return PG_URL.format(name=name)


def time_import(database: str, count: int) -> float:
    """Seconds for `commune import` of `count` communes into a fresh database."""
    with tempfile.TemporaryDirectory() as var_dir:
        url = _fresh_postgres("xaso_bench") if database == "postgresql" else f"sqlite:///{var_dir}/bench.sqlite3"
        env = _env(url, var_dir)
        _manage(env, "migrate", "--noinput")
        csv_path = Path(var_dir) / "communes.csv"
        write_csv(csv_path, count)
        started = time.perf_counter()
        _manage(env, "commune", "import", str(csv_path))
        return time.perf_counter() - started


QUERY_COUNT_SCRIPT = """
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sites import services
p = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
services.commune_create(province=p, name="Khởi Động")
with CaptureQueriesContext(connection) as ctx:
    services.commune_create(province=p, name="Đo Truy Vấn")
with CaptureQueriesContext(connection) as again:
    services.commune_create(province=p, name="Đo Truy Vấn")
print(len(ctx.captured_queries), len(again.captured_queries))
"""


def query_counts() -> tuple[int, int]:
    """(queries to provision one commune in an existing province, queries to re-run it)."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = _env(f"sqlite:///{var_dir}/q.sqlite3", var_dir)
        _manage(env, "migrate", "--noinput")
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", QUERY_COUNT_SCRIPT],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return int(out[-2]), int(out[-1])


def run(sizes=(100, 1000), databases=("sqlite", "postgresql")) -> str:
    rows = []
    for database in databases:
        for size in sizes:
            print(f"  commune import: {size} xã trên {database} …", file=sys.stderr, flush=True)
            seconds = time_import(database, size)
            rows.append((database, size, seconds))
    first, rerun = query_counts()
    base = {db: next(s / n for d, n, s in rows if d == db) for db in databases}
    lines = [
        "## Tạo xã hàng loạt (`commune import`)",
        "",
        "| CSDL | số xã | thời gian (s) | ms/xã | so với lần đo nhỏ nhất cùng CSDL |",
        "|---|---:|---:|---:|---:|",
    ]
    for database, size, seconds in rows:
        per = seconds / size
        lines.append(f"| {database} | {size} | {seconds:.1f} | {per * 1000:.1f} | {per / base[database]:.2f}× |")
    lines += [
        "",
        f"Số truy vấn SQL để tạo một xã (tỉnh đã có): **{first}**; chạy lại lần hai (không thay đổi gì): **{rerun}**.",
        "",
    ]
    return "\n".join(lines)
