"""`make guide`: take the screenshots of the officer guide (docs/huong-dan-can-bo.md) from a fresh demo install.

It migrates an empty SQLite database in a temporary folder (uploads go there too), loads the demo communes with
`seed_demo`, starts `manage.py runserver` on a free port, and performs every task of docs/guide/steps.py in the
system Chromium as the demo editor and approver of Động Đạt, on the commune's own address
(dongdat.thainguyen.localhost). The pictures replace those in docs/huong-dan/. Nothing is downloaded and the
developer's own database and uploads (var/) are not touched.

Run from the repository root: `.venv/bin/python docs/guide/build.py` (or `make guide`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "docs" / "huong-dan"
GUIDE = ROOT / "docs" / "huong-dan-can-bo.md"
HOSTNAME = "dongdat.thainguyen.localhost"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(workdir: Path, port: int) -> dict[str, str]:
    """The demo install's environment: everything under workdir, DEBUG on so runserver serves the uploads."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "ALLOWED_HOSTS", "BASE_DOMAIN"}}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="1",
        VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        SECRET_KEY="huong-dan-chi-dung-tam-thoi",
        SITE_PORT=str(port),
        PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    print("+ manage.py", " ".join(args), flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Máy chủ thử đã dừng (mã {server.returncode}); xem nhật ký ở trên.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: good enough
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Máy chủ thử không trả lời ở {url} sau {timeout:.0f} giây.")


def _take_screenshots(base_url: str, directory: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    from docs.guide import steps
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        raise SystemExit(f"Không có Chromium ở {CHROMIUM} (apt-get install -y chromium, hoặc: make browser).")
    shots = steps.Shots(directory)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport=steps.DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            page = context.new_page()
            page.set_default_timeout(20_000)
            for task in steps.TASKS:
                print(f"  {task.__name__}", flush=True)
                task(page, base_url, shots)
        finally:
            browser.close()
    return shots.taken


def _replace_output(fresh: Path, taken: list[str]) -> None:
    """docs/huong-dan/ ends up with exactly this run's pictures (a renamed step leaves no stale file)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*.png"):
        old.unlink()
    for name in taken:
        shutil.copy2(fresh / f"{name}.png", OUTPUT / f"{name}.png")


def _check_guide(taken: list[str]) -> list[str]:
    """Pictures the guide shows but no step took, and pictures taken that the guide does not show."""
    shown = set(re.findall(r"huong-dan/([\w-]+)\.png", GUIDE.read_text(encoding="utf-8")))
    problems = [f"Hướng dẫn dùng ảnh không có: {name}.png" for name in sorted(shown - set(taken))]
    problems += [f"Ảnh chưa được dùng trong hướng dẫn: {name}.png" for name in sorted(set(taken) - shown)]
    return problems


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="xaso-huong-dan-") as tmp:
        workdir = Path(tmp)
        env = _environment(workdir, port)
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed_demo")
        with open(workdir / "runserver.log", "w") as log:
            server = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                base_url = f"http://{HOSTNAME}:{port}"
                _wait_until_up(f"http://127.0.0.1:{port}/", server)
                # The steps draw their upload files with the project's demo helpers, which need Django
                # configured (the server's temporary settings; this process never opens the database).
                os.environ.update(env)
                import django

                django.setup()
                print(f"Chụp màn hình ở {base_url}/admin/ …", flush=True)
                fresh = workdir / "anh"
                taken = _take_screenshots(base_url, fresh)
            except BaseException:
                log.flush()
                sys.stderr.write((workdir / "runserver.log").read_text(encoding="utf-8", errors="replace")[-4000:])
                raise
            finally:
                server.terminate()
                server.wait(timeout=20)
        _replace_output(fresh, taken)
    print(f"Đã lưu {len(taken)} ảnh vào {OUTPUT.relative_to(ROOT)}/")
    problems = _check_guide(taken)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
