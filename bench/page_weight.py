"""Each public page of a demo commune: SQL queries per request and bytes downloaded (HTML + CSS + JS).

Runs on a fresh SQLite database filled by `seed_demo`; bench/page_weight_job.py does the measuring.
"""

import json
import subprocess
import sys
import tempfile

from provision import ROOT, _env, _manage


def measure() -> list[dict]:
    with tempfile.TemporaryDirectory() as var_dir:
        env = dict(_env(f"sqlite:///{var_dir}/p.sqlite3", var_dir), MEDIA_ROOT=f"{var_dir}/media")
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo")
        out = subprocess.run(
            [sys.executable, "bench/page_weight_job.py"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        return json.loads(out.strip().splitlines()[-1])


def kb(n: int) -> str:
    return f"{n / 1024:.1f}".replace(".", ",")


def run() -> str:
    rows = measure()
    lines = [
        "## Trang công khai: số truy vấn và dung lượng tải về (dữ liệu demo, xã Động Đạt)",
        "",
        "Truy vấn: một lượt xem khi bộ nhớ đệm đã có (và khi vừa xóa bộ nhớ đệm). Dung lượng: HTML cộng CSS và JS "
        "mà trang liên kết, không kể ảnh; KB thô / KB nén gzip.",
        "",
        "| Trang | Địa chỉ | Truy vấn (đệm trống) | HTML KB | CSS+JS KB | Tổng KB | Tổng nén gzip KB |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        total, total_gz = r["html"] + r["css_js"], r["html_gz"] + r["css_js_gz"]
        lines.append(
            f"| {r['page']} | `{r['path']}` | {r['queries']} ({r['queries_cold_cache']}) | {kb(r['html'])} "
            f"| {kb(r['css_js'])} | {kb(total)} | {kb(total_gz)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
