"""Search latency and recall over many indexed pages, on SQLite and PostgreSQL, in one run.

Each database is fresh and migrated; bench/search_job.py fills it (default 100,000 pages over
20 communes) and times the resident search of one commune against a plain page lookup.
"""

import json
import os
import subprocess
import sys
import tempfile

from provision import ROOT, _env, _fresh_postgres, _manage


def measure(database: str, pages: int) -> dict:
    with tempfile.TemporaryDirectory() as var_dir:
        url = _fresh_postgres("xaso_bench_search") if database == "postgresql" else f"sqlite:///{var_dir}/s.sqlite3"
        env = dict(_env(url, var_dir), BENCH_SEARCH_PAGES=str(pages))
        _manage(env, "migrate", "--noinput")
        out = subprocess.run(
            [sys.executable, "bench/search_job.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        return json.loads(out.strip().splitlines()[-1])


def run(pages=100_000, databases=("sqlite", "postgresql")) -> str:
    results = {db: measure(db, pages) for db in databases}
    lines = [
        f"## Tìm kiếm trên {pages:,} trang đã lập chỉ mục".replace(",", "."),
        "",
        "Tìm trong một xã (như người dân gõ), có dấu và không dấu; so với một lần đọc trang theo địa chỉ "
        "(việc mọi lượt xem trang đều làm) trên cùng cơ sở dữ liệu.",
        "",
        "| CSDL | Trang | Dựng dữ liệu (s) | Độ phủ (recall) | Tìm: trung vị (ms) "
        "| Đọc trang: trung vị (ms) | Tỉ lệ tìm/đọc |",
        "|---|---|---|---|---|---|---|",
    ]
    for db, r in results.items():
        ratio = r["search_median_ms"] / r["reference_median_ms"]
        lines.append(
            f"| {db} | {r['pages']} | {r['build_seconds']:.0f} | {r['recall']:.0%} | {r['search_median_ms']:.1f} "
            f"| {r['reference_median_ms']:.2f} | {ratio:.2f}× |"
        )
    lines += [
        "",
        "| Truy vấn | " + " | ".join(f"{db}: tìm thấy (số kết quả), trung vị / p95 (ms)" for db in results) + " |",
    ]
    lines.append("|---|" + "---|" * len(results))
    for query in next(iter(results.values()))["queries"]:
        cells = []
        for r in results.values():
            q = r["queries"][query]
            cells.append(f"{'có' if q['found'] else 'KHÔNG'} ({q['total']}), {q['median_ms']:.1f} / {q['p95_ms']:.1f}")
        lines.append(f"| `{query}` | " + " | ".join(cells) + " |")
    if len(results) == 2:
        pg, lite = results["postgresql"], results["sqlite"]
        lines += [
            "",
            f"PostgreSQL/SQLite (trung vị tìm kiếm): {pg['search_median_ms'] / lite['search_median_ms']:.2f}×",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    pages = int(os.environ.get("BENCH_SEARCH_PAGES", "100000"))
    print(run(pages))
