"""`make bench`: run the benchmarks and write bench/results/<date>-<machine>.md.

make bench                         # provisioning 100 communes, search over 100,000 pages; SQLite and PostgreSQL
make bench BENCH_ARGS="--full"     # also 1,000 communes
make bench BENCH_ARGS="--only search --search-pages 100000"   # search latency and recall only
make bench BENCH_ARGS="--only tthc"   # import of 2,000 procedures into a province catalogue
make bench BENCH_ARGS="--only load"   # load test (gunicorn + wrk; nginx, bare Wagtail): 10 and 100 communes
make bench BENCH_ARGS="--only load --communes 10 --communes 3321 --load-seconds 8"   # any commune counts
make bench BENCH_ARGS="--only load --full"   # load test at 10, 1,000 and 3,321 communes (+ SQLite at 10); hours
make bench BENCH_ARGS="--only workshop"   # a 30-trainee workshop: create, reset one, close
make bench BENCH_ARGS="--only oversight"   # the province oversight dashboard for 150 communes: time and queries
"""

import argparse
import datetime
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
import machine  # noqa: E402
import page_weight  # noqa: E402
import provision  # noqa: E402
import search  # noqa: E402
import tthc_import  # noqa: E402
import workshop  # noqa: E402

import oversight  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def main():
    parser = argparse.ArgumentParser(description="Đo hiệu năng Xã Số")
    parser.add_argument("--full", action="store_true", help="đo cả 1.000 xã (lâu hơn)")
    parser.add_argument("--sqlite-only", action="store_true", help="bỏ qua PostgreSQL")
    parser.add_argument("--search-pages", type=int, default=100_000, help="số trang cho phép đo tìm kiếm (0: bỏ qua)")
    parser.add_argument(
        "--only",
        choices=["provision", "search", "pages", "tthc", "workshop", "load", "oversight"],
        help="chỉ chạy một phép đo",
    )
    parser.add_argument("--communes", type=int, action="append", help="đo tải: số xã (lặp lại được)")
    parser.add_argument("--load-seconds", type=float, help="đo tải: số giây đo mỗi trang (mặc định 3, --full: 8)")
    args = parser.parse_args()

    sizes = (100, 1000) if args.full else (100,)
    databases = ("sqlite",) if args.sqlite_only else ("sqlite", "postgresql")
    info = machine.describe()
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d-%H%M")
    path = RESULTS / f"{stamp}-{platform.node() or 'may'}.md"
    sections = []
    if args.only in (None, "provision"):
        sections.append(provision.run(sizes, databases))
    if args.only in (None, "pages"):
        sections.append(page_weight.run())
    if args.only in (None, "search") and args.search_pages:
        sections.append(search.run(args.search_pages, databases))
    if args.only in (None, "tthc"):
        sections.append(tthc_import.run(databases))
    if args.only in (None, "workshop"):
        sections.append(workshop.run(databases))
    if args.only in (None, "oversight"):
        sections.append(oversight.run(databases))
    if args.only in (None, "load"):
        counts = args.communes or (load.FULL_COUNTS if args.full else load.QUICK_COUNTS)
        load_databases = ("sqlite",) if args.sqlite_only else (databases if args.full else ("postgresql",))
        seconds = args.load_seconds or (8.0 if args.full else 3.0)
        warmup = 2.0 if args.full else 1.0
        svg_path = path.with_name(f"{path.stem}-tai.svg")
        content = 0 if args.full else load.QUICK_CONTENT_COMMUNES
        sections.append(load.run(counts, load_databases, seconds, warmup, svg_path, content_communes=content))
    text = f"# Kết quả đo {stamp}\n\n## Máy\n\n{machine.markdown(info)}\n\n" + "\n".join(sections)
    path.write_text(text, encoding="utf-8")
    print(text)
    print(f"Đã ghi {path.relative_to(RESULTS.parent.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
