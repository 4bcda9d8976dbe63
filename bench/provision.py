"""Time bulk provisioning through the real CLI (`commune import`) on SQLite and PostgreSQL.

Each size runs against a fresh, migrated database. Then, in that same database (N communes already
there), one more commune is provisioned in-process to count its SQL queries and time it; the same is
done with a single commune (N = 1). If the cost per commune does not grow with N, the two counts match.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/{name}")
PG_NAME = os.environ.get("BENCH_POSTGRES_DB", "xaso_bench")  # a unique name lets two benches share a server
FULL_COUNT = 3321  # every commune-level unit in Vietnam after the 2025 merger

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


def run_job(script: str, database: str, db_name: str, extra_env: dict) -> dict:
    """Run `bench/<script> --job` on a fresh migrated database; the job prints its result as JSON last."""
    with tempfile.TemporaryDirectory() as var_dir:
        url = _fresh_postgres(db_name) if database == "postgresql" else f"sqlite:///{var_dir}/{db_name}.sqlite3"
        env = dict(_env(url, var_dir), **extra_env)
        _manage(env, "migrate", "--noinput")
        out = subprocess.run(
            [sys.executable, f"bench/{script}", "--job"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])


def _fresh_postgres(name: str) -> str:
    for sql in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)
    return PG_URL.format(name=name)


def _fresh_database(database: str, var_dir: str) -> dict:
    url = _fresh_postgres(PG_NAME) if database == "postgresql" else f"sqlite:///{var_dir}/bench.sqlite3"
    env = _env(url, var_dir)
    _manage(env, "migrate", "--noinput")
    return env


def time_import(database: str, count: int) -> tuple[float, "OneCommune"]:
    """Seconds for `commune import` of `count` communes into a fresh database, then one more measured."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = _fresh_database(database, var_dir)
        csv_path = Path(var_dir) / "communes.csv"
        write_csv(csv_path, count)
        started = time.perf_counter()
        _manage(env, "commune", "import", str(csv_path))
        seconds = time.perf_counter() - started
        return seconds, measure_one(env)


# Province of the bench CSV, so at N = 1,000 it already holds ~170 communes. The warm-up commune fills
# Django's per-process caches (content types) as a long import has. "An …" sorts before every bench name:
# a name-sorted insert would land first among its siblings.
QUERY_COUNT_SCRIPT = """
import time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sites import services
from sites.models import Commune
p = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
services.commune_create(province=p, name="Khởi Động")
existing = Commune.objects.count()
with CaptureQueriesContext(connection) as ctx:
    started = time.perf_counter()
    services.commune_create(province=p, name="An Đo Truy Vấn")
    ms = (time.perf_counter() - started) * 1000
with CaptureQueriesContext(connection) as again:
    services.commune_create(province=p, name="An Đo Truy Vấn")
print(existing, len(ctx.captured_queries), len(again.captured_queries), f"{ms:.1f}")
"""


@dataclass(frozen=True)
class OneCommune:
    existing: int  # communes already there
    queries: int  # to provision one more
    rerun_queries: int  # to provision it again (nothing to do)
    ms: float


def measure_one(env: dict) -> OneCommune:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", QUERY_COUNT_SCRIPT],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return OneCommune(int(out[-4]), int(out[-3]), int(out[-2]), float(out[-1]))


def single_commune(database: str) -> OneCommune:
    """Queries and time of one commune when only one other exists (N = 1)."""
    with tempfile.TemporaryDirectory() as var_dir:
        return measure_one(_fresh_database(database, var_dir))


def projected_seconds(rows: list[tuple[int, float]], target: int = FULL_COUNT) -> float | None:
    """Seconds for `target` communes, from the two largest measured sizes.

    The cost of the n-th commune is taken as a + b·n, so T(N) = a·N + b·N²/2; two measurements give
    a and b (b is not allowed below 0). None with fewer than two sizes.
    """
    if len(rows) < 2:
        return None
    (n1, t1), (n2, t2) = sorted(rows)[-2:]
    b = 2 * (t2 / n2 - t1 / n1) / (n2 - n1)
    if b <= 0:  # no growth (a lower average at the larger size is noise or start-up cost): the larger rate holds
        return target * t2 / n2
    a = t1 / n1 - b * n1 / 2
    return a * target + b * target**2 / 2


def run(sizes=(100, 1000), databases=("sqlite", "postgresql")) -> str:
    rows = []
    for database in databases:
        for size in sizes:
            print(f"  commune import: {size} xã trên {database} …", file=sys.stderr, flush=True)
            seconds, one = time_import(database, size)
            rows.append((database, size, seconds, one))
    base = {db: next(s / n for d, n, s, _ in rows if d == db) for db in databases}
    lines = [
        "## Tạo xã hàng loạt (`commune import`)",
        "",
        "Thời gian gồm cả khởi động lệnh và kiểm tra tệp. Sau mỗi lần nhập, tạo thêm một xã trong cùng cơ sở dữ liệu "
        "(đã có N xã) để đếm truy vấn SQL và đo thời gian của riêng một xã.",
        "",
        "| CSDL | số xã | thời gian (s) | ms/xã | so với lần đo nhỏ nhất cùng CSDL "
        "| truy vấn cho xã thứ N+1 | ms cho xã thứ N+1 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for database, size, seconds, one in rows:
        per = seconds / size
        lines.append(
            f"| {database} | {size} | {seconds:.1f} | {per * 1000:.1f} | {per / base[database]:.2f}× "
            f"| {one.queries} | {one.ms:.0f} |"
        )
    lines += ["", "| CSDL | truy vấn/xã khi N = 1 | truy vấn/xã khi N lớn nhất | tỉ lệ | chạy lại (không đổi gì) |"]
    lines += ["|---|---:|---:|---:|---:|"]
    for database in databases:
        print(f"  một xã (N = 1) trên {database} …", file=sys.stderr, flush=True)
        single = single_commune(database)
        largest = max((r for r in rows if r[0] == database), key=lambda r: r[1])[3]
        lines.append(
            f"| {database} | {single.queries} (N = {single.existing}) | {largest.queries} (N = {largest.existing}) "
            f"| {largest.queries / single.queries:.2f} | {largest.rerun_queries} |"
        )
    lines.append("")
    for database in databases:
        projected = projected_seconds([(n, s) for d, n, s, _ in rows if d == database])
        if projected is not None:
            lines.append(
                f"Dự kiến {FULL_COUNT:,} xã trên {database}: **{projected / 60:.1f} phút** ".replace(",", ".")
                + "(ngoại suy từ hai lần đo lớn nhất; nếu chi phí mỗi xã tăng theo N, coi như tăng tuyến tính)."
            )
    lines.append("")
    return "\n".join(lines)
