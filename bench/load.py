"""Load test: the public pages of one commune served by gunicorn under wrk, at several commune counts.

For each (database, number of communes): a fresh database, migrated and filled by bench/load_job.py
(real provisioning, bulk content); then, for each mode (toggles passed as environment variables),
gunicorn with the production settings (bench/settings.py adds only the bare reference page) serves
the measured commune's pages to wrk on loopback. References measured in the same run: nginx serving
a saved copy of the same home page, and a bare Wagtail page served by the same gunicorn.
Writes a Markdown section and an SVG chart (p95 and req/s against the number of communes).

python bench/load.py --communes 10 --communes 300      # or through `make bench BENCH_ARGS="--only load"`
"""

import argparse
import gzip
import hashlib
import html
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from provision import PG_URL, ROOT, _fresh_postgres, write_csv  # noqa: E402

BENCH = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
WORKERS = 2
CONNECTIONS = 8
PG_DATABASE = "xaso_bench_load"
PG_TEMPLATE = "xaso_bench_load_template"
# Quick mode (`make bench`) must end within 10 minutes on a 2-core machine; --full measures FULL_COUNTS.
QUICK_COUNTS = (10, 100)
# Quick mode gives content to the first 10 communes only (the measured one among them): indexing content
# for search costs about as much as provisioning. --full seeds every commune.
QUICK_CONTENT_COMMUNES = 10
FULL_COUNTS = (10, 1000, 3321)
# All toggles off is Wagtail's stock behaviour; each is an environment variable read by the settings.
_OFF = {"PAGE_CACHE": "0", "SITE_ROOT_INDEX": "0", "FRAGMENT_CACHE": "0", "DIRECT_ROUTE": "0"}
MODES = {
    "stock": _OFF,
    "index": {**_OFF, "SITE_ROOT_INDEX": "1", "FRAGMENT_CACHE": "1", "DIRECT_ROUTE": "1"},
    "cached": {"PAGE_CACHE": "1", "SITE_ROOT_INDEX": "1", "FRAGMENT_CACHE": "1", "DIRECT_ROUTE": "1"},
}
MODE_LABELS = {"stock": "gốc (stock)", "index": "không đệm trang", "cached": "đệm trang"}
PAGES = {
    "home": "Trang chủ",
    "news": "Tin tức (danh sách)",
    "article": "Tin bài",
    "documents": "Văn bản (danh sách)",
    "procedure": "Thủ tục (chi tiết)",
    "search": "Tìm kiếm (không dấu)",
    "feed": "RSS",
    "sitemap": "sitemap.xml",
}
CHECKED_TITLES = ("home", "news", "article", "procedure")
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- Processes ---------------------------------------------------------------------------------


_T0 = time.monotonic()


def say(text: str) -> None:
    print(f"  [{time.monotonic() - _T0:6.0f} s] tải: {text}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """Child process ids (gunicorn's or nginx's workers)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return [
            int(d.name)
            for d in Path("/proc").iterdir()
            if d.name.isdigit() and _stat(int(d.name)) and int(_stat(int(d.name))[1]) == pid
        ]


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after "pid (comm) "


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes (from /proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def http_get(port: int, host: str, path: str, headers=None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": host, **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, host: str, proc, seconds=90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Máy chủ dừng khi khởi động (mã {proc.returncode}).")
        try:
            if http_get(port, host, "/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"Máy chủ không trả lời sau {seconds} giây.")


def _stop(proc) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)  # quick shutdown for both gunicorn and nginx: nothing is in flight
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def gunicorn(env: dict, log: Path, ready_host: str):
    """2 sync workers (one per core): pages are CPU-bound, the database is on loopback."""
    port = free_port()
    cmd = [
        str(GUNICORN),
        "cms.wsgi:application",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--env=DJANGO_SETTINGS_MODULE=bench.settings",
        f"--chdir={ROOT}",
        "--timeout=120",
        "--log-level=warning",
    ]
    with log.open("ab") as log_file:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_file, stderr=log_file)
        try:
            wait_ready(port, ready_host, proc)
            yield port, proc.pid
        finally:
            _stop(proc)


NGINX_CONF = """daemon off;
worker_processes {workers};
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  include /etc/nginx/mime.types;
  sendfile on;
  gzip on;
  gzip_types text/css application/javascript application/xml image/svg+xml;
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/www;
    location = / {{ default_type text/html; try_files /home.html =404; }}
    location /static/ {{ alias {static}/; }}
  }}
}}
"""


@contextmanager
def nginx(home_html: bytes, static_root: Path):
    """nginx serving a saved copy of the commune home page (gzip on, like in front of the app)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="xaso-nginx-") as tmp:
        os.chmod(tmp, 0o755)  # nginx workers run as another user
        (Path(tmp) / "www").mkdir()
        (Path(tmp) / "www" / "home.html").write_bytes(home_html)
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=WORKERS, tmp=tmp, port=port, static=static_root))
        proc = subprocess.Popen(
            ["nginx", "-p", tmp, "-e", f"{tmp}/nginx-error.log", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            wait_ready(port, "localhost", proc, seconds=20)
            yield port, proc.pid
        finally:
            _stop(proc)


# --- Measuring ---------------------------------------------------------------------------------


def _wrk_cmd(port: int, host: str, path: str, seconds: float, script: str) -> list[str]:
    return [
        "wrk",
        "-t1",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout=30s",
        "-s",
        str(BENCH / script),
        "-H",
        f"Host: {host}",
        "-H",
        "Accept-Encoding: gzip",  # as a browser sends it; nginx compresses, the app behind nginx would too
        f"http://127.0.0.1:{port}{path}",
    ]


def warm_up(port: int, host: str, paths, seconds: float) -> None:
    """Every page a few times on every worker (templates, connections, caches) before any is measured."""
    cmd = _wrk_cmd(port, host, "/", seconds, "wrk_paths.lua") + ["--", *paths]
    subprocess.run(cmd, capture_output=True, check=True)


def wrk(port: int, host: str, path: str, seconds: float) -> dict:
    cmd = _wrk_cmd(port, host, path, seconds, "wrk_report.lua")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("XASO_WRK "))
    n, duration, e_conn, e_read, e_write, e_status, e_timeout, p50, p90, p95, p99, pmax = map(float, line.split()[1:])
    return {
        "requests": int(n),
        "rps": n / (duration / 1e6),
        "errors": int(e_conn + e_read + e_write + e_status + e_timeout),
        "p50": p50 / 1000,
        "p90": p90 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "max": pmax / 1000,
    }


def settle(pids, quiet=0.2, limit=60.0) -> None:
    """Wait until the workers stop using CPU: requests wrk left queued are still served after it stops."""
    deadline = time.monotonic() + limit
    last = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(pids)
        if now == last:
            return
        last = now


def measure(port: int, master: int, host: str, path: str, seconds: float) -> dict:
    """wrk from idle workers; CPU per request and the largest worker's RSS after the run.

    When wrk stops, each of its connections has one request in flight that the workers still serve:
    the CPU time is read once they are idle again and divided by the requests wrk counted plus those.
    """
    workers = children(master)
    settle(workers)
    before = cpu_seconds(workers)
    result = wrk(port, host, path, seconds)
    settle(workers)
    used = cpu_seconds(workers) - before
    result["cpu_ms"] = used * 1000 / (result["requests"] + CONNECTIONS)
    result["rss_mb"] = max((rss_mb(pid) for pid in workers), default=0.0)
    return result


# --- One database, one commune count -------------------------------------------------------------


def base_env(database_url: str, var_dir: Path, static_root: Path) -> dict:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        STATIC_ROOT=str(static_root),
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-not-secret",
        ALLOWED_HOSTS="*",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
        LOG_LEVEL="ERROR",
    )
    for name in ("REDIS_URL", *MODES["stock"]):
        env.pop(name, None)
    return env


def _job_start(env, *args, stderr=None):
    return subprocess.Popen(
        [sys.executable, str(BENCH / "load_job.py"), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def _job_result(proc) -> dict:
    out, _ = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"bench/load_job.py {' '.join(proc.args[2:4])}: lỗi (mã {proc.returncode}).")
    return json.loads(out.strip().splitlines()[-1])


def _job(env, *args, stderr=None) -> dict:
    return _job_result(_job_start(env, *args, stderr=stderr))


def verify(port: int, seed: dict) -> None:
    """Every measured page answers 200; home, listing, article and procedure show the expected titles."""
    for key, path in seed["paths"].items():
        status, body = http_get(port, seed["host"], path)
        if status != 200:
            raise RuntimeError(f"{path} trả về {status}, không phải 200: dữ liệu dựng chưa đúng.")
        expected = seed["titles"].get(key)
        text = html.unescape(body.decode("utf-8", "replace"))
        if key in CHECKED_TITLES and expected not in text:
            raise RuntimeError(f"{path} không có tiêu đề “{expected}”: dữ liệu dựng chưa đúng.")


def page_weight(home_html: bytes, static_root: Path) -> dict:
    """Home page bytes a phone downloads: HTML plus the CSS and JS it links (no images), gzip -6."""
    assets = []
    for url in ASSET.findall(home_html.decode("utf-8", "replace")):
        path = static_root / url.removeprefix("/static/").split("?")[0]
        if path.is_file():
            assets.append(path.read_bytes())
    return {
        "html": len(home_html),
        "html_gz": len(gzip.compress(home_html, 6)),
        "css_js": sum(map(len, assets)),
        "css_js_gz": sum(len(gzip.compress(a, 6)) for a in assets),
    }


def _psql(sql: str) -> str:
    cmd = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAqc", sql]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


def schema_key() -> str:
    """Changes whenever a migration or a pinned requirement changes: the migrated template is then rebuilt."""
    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted(ROOT.glob("*/**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def migrated(database: str, template_dir: Path, static_root: Path) -> tuple[str, float | None]:
    """A migrated empty database to copy for each count (migrating takes about a minute here).

    The PostgreSQL template is kept between runs while the migrations are unchanged (seconds: None).
    """
    key = schema_key()
    if database == "postgresql":
        url = PG_URL.format(name=PG_TEMPLATE)
        kept = _psql(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{PG_TEMPLATE}'")
        if kept == key:
            return url, None
        _fresh_postgres(PG_TEMPLATE)
    else:
        url = f"sqlite:///{template_dir}/template.sqlite3"
    env = base_env(url, template_dir, static_root)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    if database == "postgresql":
        _psql(f"COMMENT ON DATABASE \"{PG_TEMPLATE}\" IS '{key}'")
    return url, time.perf_counter() - started


def fresh_copy(database: str, template_url: str, var_dir: Path) -> str:
    if database == "postgresql":
        create = f'CREATE DATABASE "{PG_DATABASE}" TEMPLATE "{PG_TEMPLATE}"'
        for sql in (f'DROP DATABASE IF EXISTS "{PG_DATABASE}"', create):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)
        return PG_URL.format(name=PG_DATABASE)
    shutil.copy(template_url.removeprefix("sqlite:///"), var_dir / "load.sqlite3")
    return f"sqlite:///{var_dir}/load.sqlite3"


def run_one(database, count, template, static_root, seconds, warmup, log, content_communes=0) -> dict:
    with tempfile.TemporaryDirectory(prefix="xaso-load-") as tmp:
        var_dir = Path(tmp)
        url = fresh_copy(database, template[0], var_dir)
        env = base_env(url, var_dir, static_root)
        migrate_seconds = template[1]
        csv_path = var_dir / "communes.csv"
        write_csv(csv_path, count)
        say(f"dựng {count} xã trên {database} …")
        seed = _job(env, "seed", str(count), str(csv_path), str(content_communes))  # tqdm bars go to the terminal
        seed["migrate_seconds"] = migrate_seconds
        paths = seed["paths"]
        results, queries, home_html = {}, {}, b""
        load_before = os.getloadavg()[0]
        for mode, toggles in MODES.items():
            shutil.rmtree(var_dir / "cache", ignore_errors=True)  # each mode starts with an empty page cache
            mode_env = {**env, **toggles}
            # The in-process query count runs while gunicorn boots (nothing is measured yet).
            say(f"{mode}: khởi động gunicorn, đếm truy vấn")
            targets = [f"{seed['host']}{path}" for path in paths.values()] + [f"{seed['bare_host']}/"]
            probe = _job_start(mode_env, "probe", *targets)
            with gunicorn(mode_env, log, seed["bare_host"]) as (port, master):
                counted = _job_result(probe)
                queries[mode] = {key: counted[f"{seed['host']}{path}"]["queries"] for key, path in paths.items()}
                queries[mode]["bare"] = counted[f"{seed['bare_host']}/"]["queries"]
                say(f"{mode}: kiểm tra trang")
                verify(port, seed)
                if mode == "cached":
                    home_html = http_get(port, seed["host"], "/")[1]
                say(f"{mode}: làm nóng")
                warm_up(port, seed["host"], paths.values(), warmup * 2)
                warm_up(port, seed["bare_host"], ["/"], warmup)
                for key, path in paths.items():
                    say(f"{database} {count} xã, {mode}, {path}")
                    results[(mode, key)] = measure(port, master, seed["host"], path, seconds)
                say(f"{mode}: Wagtail tối giản")
                results[(mode, "bare")] = measure(port, master, seed["bare_host"], "/", seconds)
        say("nginx")
        with nginx(home_html, static_root) as (port, master):
            warm_up(port, "localhost", ["/"], warmup)
            results[("nginx", "home")] = measure(port, master, "localhost", "/", seconds)
        return {
            "database": database,
            "count": count,
            "seed": seed,
            "results": results,
            "queries": queries,
            "weight": page_weight(home_html, static_root),
            "loadavg": (load_before, os.getloadavg()[0]),
        }


def collectstatic(static_root: Path) -> None:
    env = base_env("sqlite:///:memory:", static_root.parent, static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(
            f"Thiếu {', '.join(missing)}: cài bằng `apt-get install {' '.join(missing)}` (make bench tự cài)."
        )


def measure_all(counts, databases, seconds=5.0, warmup=1.0, content_communes=0) -> list[dict]:
    ensure_tools()
    runs = []
    with tempfile.TemporaryDirectory(prefix="xaso-load-static-") as tmp:
        static_root = Path(tmp) / "static"
        collectstatic(static_root)
        log = Path(tmp) / "gunicorn.log"
        templates = {}
        try:
            for database, count in plan(counts, databases):
                if database not in templates:
                    say(f"migrate {database} …")
                    templates[database] = migrated(database, Path(tmp), static_root)
                runs.append(
                    run_one(database, count, templates[database], static_root, seconds, warmup, log, content_communes)
                )
        except Exception:
            if log.exists():
                print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
    return runs


def plan(counts, databases) -> list[tuple[str, int]]:
    """PostgreSQL for every count; SQLite for the smallest only (or every count up to 1,000 without PostgreSQL)."""
    counts = sorted(set(counts))
    pairs = []
    if "postgresql" in databases:
        pairs += [("postgresql", n) for n in counts]
    if "sqlite" in databases:
        sqlite_counts = counts[:1] if "postgresql" in databases else [n for n in counts if n <= 1000] or counts[:1]
        pairs += [("sqlite", n) for n in sqlite_counts]
    return pairs


# --- Report ------------------------------------------------------------------------------------


def _n(value: float, digits=1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def content_scope(seed: dict, count: int) -> str:
    if seed["content_communes"] >= count:
        return "mỗi xã"
    rest = _count(count - seed["content_communes"])
    return (
        f"{seed['content_communes']} xã đầu (trong đó có xã được đo; {rest} xã còn lại chỉ có các chuyên mục "
        "do việc tạo xã sinh ra), mỗi xã"
    )


def migrate_text(seconds: float | None) -> str:
    return "(mẫu đã có từ lần chạy trước)" if seconds is None else f"{seconds:.0f} s"


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def markdown(runs: list[dict], seconds: float, warmup: float, svg_name: str | None) -> str:
    lines = [
        "## Tải: trang công khai dưới wrk (gunicorn, cấu hình production)",
        "",
        f"Mỗi trang: wrk `-t1 -c{CONNECTIONS}` trong {seconds:g} s, từ lúc các worker rảnh; mỗi chế độ làm nóng "
        f"{warmup * 2:g} s qua mọi trang trước khi đo. Trên loopback, "
        f"gửi `Accept-Encoding: gzip`. gunicorn {WORKERS} worker đồng bộ (sync, một worker một lõi; trang tốn CPU, "
        "CSDL trên cùng máy), `bench/settings.py` = cấu hình production + trang Wagtail tối giản. Không có Redis: "
        "bộ nhớ đệm dùng chung là tệp (như production khi không đặt REDIS_URL).",
        "",
        "Chế độ: **gốc** = `PAGE_CACHE=0 SITE_ROOT_INDEX=0 FRAGMENT_CACHE=0 DIRECT_ROUTE=0` (cách làm gốc của "
        "Wagtail: tìm Site bằng cách duyệt hết, đi cây trang từng tầng, không đệm); **không đệm trang** = "
        "`PAGE_CACHE=0` (chỉ mục Site, tìm trang một truy vấn, đệm phần chung của xã); **đệm trang** = mặc định "
        "(tất cả bật). Truy vấn SQL: một lượt xem sau một "
        "lượt làm nóng, đo trong tiến trình. CPU ms/yêu cầu: thời gian CPU của các worker gunicorn (không kể "
        "PostgreSQL) ÷ số yêu cầu (cộng các yêu cầu wrk để lại khi dừng). RSS: worker lớn nhất sau lượt đo. "
        "Tỉ lệ nginx: req/s ÷ req/s của nginx phục vụ bản lưu của cùng trang chủ (gzip bật). "
        "Tỉ lệ Wagtail tối giản: p95 ÷ p95 của một trang Wagtail không trường, mẫu vài dòng, cùng gunicorn, "
        "cùng chế độ.",
        "",
    ]
    for run in runs:
        seed, res = run["seed"], run["results"]
        nginx_rps = res[("nginx", "home")]["rps"]
        lines += [
            f"### {run['database']}, {_count(run['count'])} xã ({_count(seed['pages'])} trang)",
            "",
            f"Dựng dữ liệu: {content_scope(seed, run['count'])} {seed['articles']} tin bài trong 3 mục tin, "
            f"{seed['documents']} văn bản, "
            f"{seed['procedures_per_commune']} thủ tục từ danh mục chung của tỉnh, {seed['videos']} video, "
            "4 banner, 1 album ảnh 4 ảnh. "
            f"Thời gian: migrate {migrate_text(seed['migrate_seconds'])}, "
            f"danh mục thủ tục {seed['catalogue_seconds']:.0f} s, "
            f"tạo xã (dịch vụ thật) {seed['provision_seconds']:.0f} s "
            f"({seed['provision_seconds'] * 1000 / run['count']:.0f} ms/xã), nội dung hàng loạt "
            f"{seed['content_seconds']:.0f} s ({seed['content_seconds'] * 1000 / run['count']:.0f} ms/xã), "
            f"chỉ mục tìm kiếm {seed['index_seconds']:.0f} s. Xã được đo: {seed['commune']} (`{seed['host']}`). "
            f"Tải trung bình của máy (1 phút) khi bắt đầu / kết thúc đo: {_n(run['loadavg'][0])} / "
            f"{_n(run['loadavg'][1])} (máy {os.cpu_count()} lõi, dùng chung).",
            "",
            "| Trang | Chế độ | req/s | p50 ms | p95 ms | p99 ms | Truy vấn | CPU ms/yêu cầu | RSS MB "
            "| req/s ÷ nginx | p95 ÷ Wagtail tối giản |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for key, label in [*PAGES.items(), ("bare", "Wagtail tối giản (tham chiếu)")]:
            for mode in MODES:
                r = res[(mode, key)]
                bare = res[(mode, "bare")]["p95"]
                errors = f" ⚠ {r['errors']} lỗi" if r["errors"] else ""
                lines.append(
                    f"| {label} | {MODE_LABELS[mode]} | {_n(r['rps'])}{errors} | {_n(r['p50'])} | {_n(r['p95'])} "
                    f"| {_n(r['p99'])} | {run['queries'][mode][key]} | {_n(r['cpu_ms'])} | {_n(r['rss_mb'], 0)} "
                    f"| {_n(_ratio(r['rps'], nginx_rps), 3)} | {_n(_ratio(r['p95'], bare), 2)} |"
                )
        n = res[("nginx", "home")]
        lines += [
            f"| nginx: bản lưu trang chủ (tham chiếu) | – | {_n(n['rps'])} | {_n(n['p50'], 2)} | {_n(n['p95'], 2)} "
            f"| {_n(n['p99'], 2)} | 0 | {_n(n['cpu_ms'], 3)} | {_n(n['rss_mb'], 0)} | 1 | – |",
            "",
        ]
    lines += flat_cost(runs)
    weight = runs[-1]["weight"] if runs else None
    if weight:
        total_gz = weight["html_gz"] + weight["css_js_gz"]
        lines += [
            "### Dung lượng trang chủ (dữ liệu dựng, xã được đo)",
            "",
            f"HTML {_n(weight['html'] / 1024)} KB (nén gzip {_n(weight['html_gz'] / 1024)} KB) + CSS và JS "
            f"{_n(weight['css_js'] / 1024)} KB (nén {_n(weight['css_js_gz'] / 1024)} KB) = "
            f"**{_n(total_gz / 1024)} KB nén**, so với mục tiêu 100 KB: {total_gz / 102400:.0%} (không kể ảnh).",
            "",
        ]
    if svg_name:
        lines += [f"![p95 và req/s theo số xã]({svg_name})", ""]
    return "\n".join(lines)


def flat_cost(runs: list[dict]) -> list[str]:
    """p95 at the largest count ÷ p95 at the smallest, per database, page and mode: 1 means flat."""
    lines = []
    for database in dict.fromkeys(r["database"] for r in runs):
        mine = sorted((r for r in runs if r["database"] == database), key=lambda r: r["count"])
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        lines += [
            f"### Chi phí có phẳng theo số xã không? ({database}: p95 ở {_count(large['count'])} xã "
            f"÷ p95 ở {_count(small['count'])} xã, cùng trang của cùng xã)",
            "",
            "| Trang | " + " | ".join(MODE_LABELS[m] for m in MODES) + " |",
            "|---|" + "---:|" * len(MODES),
        ]
        for key, label in [*PAGES.items(), ("bare", "Wagtail tối giản")]:
            cells = [_n(_ratio(large["results"][(m, key)]["p95"], small["results"][(m, key)]["p95"]), 2) for m in MODES]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


COLOURS = ["#0b4f9c", "#a50e0e", "#2a9d8f", "#e76f51", "#6d597a", "#8ab17d", "#f4a261", "#264653", "#999999"]


def svg_chart(runs: list[dict]) -> str:
    """p95 (top row) and req/s (bottom row) against the number of communes, one column per mode.

    Both axes are logarithmic: cached and uncached pages differ by two orders of magnitude.
    """
    database = "postgresql" if any(r["database"] == "postgresql" for r in runs) else runs[0]["database"]
    mine = sorted((r for r in runs if r["database"] == database), key=lambda r: r["count"])
    keys = [*PAGES, "bare"]
    width, height, left, top, pw, ph, gap = 1080, 680, 60, 50, 300, 220, 50
    counts = [r["count"] for r in mine]
    lo, hi = math.log10(min(counts)), math.log10(max(counts))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
        'font-size="11">',
        f'<text x="{left}" y="22" font-size="14">Tải ({database}): p95 (ms) và req/s theo số xã (thang logarit)</text>',
    ]
    for row, (metric, unit) in enumerate([("p95", "p95 ms"), ("rps", "req/s")]):
        values = [r["results"][(m, k)][metric] for r in mine for m in MODES for k in keys]
        values = [v for v in values if v > 0] or [1.0]
        y_lo, y_hi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
        y_hi = max(y_hi, y_lo + 1)
        for col, mode in enumerate(MODES):
            x0, y0 = left + col * (pw + gap), top + row * (ph + gap + 20)

            def px(count, x0=x0):
                return x0 + (pw * (math.log10(count) - lo) / (hi - lo) if hi > lo else pw / 2)

            def py(value, y0=y0, y_lo=y_lo, y_hi=y_hi):
                exponent = math.log10(max(value, 10**y_lo))
                return y0 + ph - ph * (exponent - y_lo) / (y_hi - y_lo)

            out.append(f'<rect x="{x0}" y="{y0}" width="{pw}" height="{ph}" fill="none" stroke="#ccc"/>')
            out.append(f'<text x="{x0}" y="{y0 - 6}">{MODE_LABELS[mode]} – {unit}</text>')
            for exponent in range(y_lo, y_hi + 1):
                y = py(10**exponent)
                out.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
                out.append(f'<text x="{x0 - 4}" y="{y + 4:.0f}" text-anchor="end">{_count(10**exponent)}</text>')
            for count in counts:
                out.append(
                    f'<text x="{px(count):.0f}" y="{y0 + ph + 14}" text-anchor="middle">{_count(count)} xã</text>'
                )
            for i, key in enumerate(keys):
                points = [(px(r["count"]), py(r["results"][(mode, key)][metric])) for r in mine]
                line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                out.append(f'<polyline points="{line}" fill="none" stroke="{COLOURS[i]}" stroke-width="2"/>')
                out += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[i]}"/>' for x, y in points]
    for i, key in enumerate(keys):
        label = PAGES.get(key, "Wagtail tối giản")
        x, y = left + (i % 5) * 200, height - 40 + (i // 5) * 18
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[i]}"/>')
        out.append(f'<text x="{x + 14}" y="{y}">{html.escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def run(
    counts=QUICK_COUNTS,
    databases=("postgresql",),
    seconds=3.0,
    warmup=1.0,
    svg_path: Path | None = None,
    content_communes: int = QUICK_CONTENT_COMMUNES,
) -> str:
    runs = measure_all(counts, databases, seconds, warmup, content_communes)
    svg_name = None
    if svg_path is not None and runs:
        svg_path.write_text(svg_chart(runs), encoding="utf-8")
        svg_name = svg_path.name
    return markdown(runs, seconds, warmup, svg_name)


def main():
    parser = argparse.ArgumentParser(description="Đo tải trang công khai (gunicorn + wrk)")
    parser.add_argument("--communes", type=int, action="append", help="số xã (lặp lại được), mặc định 10 và 100")
    parser.add_argument("--sqlite-only", action="store_true", help="bỏ qua PostgreSQL")
    parser.add_argument("--sqlite", action="store_true", help="đo thêm SQLite ở số xã nhỏ nhất")
    parser.add_argument("--seconds", type=float, default=3.0, help="thời gian đo mỗi trang (giây)")
    parser.add_argument(
        "--content-communes", type=int, default=QUICK_CONTENT_COMMUNES, help="số xã có nội dung (0: mọi xã)"
    )
    args = parser.parse_args()
    databases = ("sqlite",) if args.sqlite_only else (("postgresql", "sqlite") if args.sqlite else ("postgresql",))
    print(run(args.communes or QUICK_COUNTS, databases, args.seconds, content_communes=args.content_communes))


if __name__ == "__main__":
    main()
