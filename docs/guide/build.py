"""`make guide`: the screenshots of the officer and trainee guides, and the trainee guide's PDF, from a fresh demo.

It migrates an empty SQLite database in a temporary folder (uploads go there too), loads the demo communes with
`seed_demo`, opens a one-seat workshop copied from Động Đạt, starts `manage.py runserver` on a free port, and
performs every task of docs/guide/steps.py in the system Chromium: the officer tasks as the demo editor and
approver of Động Đạt on the commune's own address (dongdat.thainguyen.localhost), then the trainee tasks with the
workshop's login card on the practice site. The pictures replace those in docs/huong-dan/ (docs/huong-dan-can-bo.md
and docs/huong-dan-hoc-vien.md show them). Last, the admin page "Hướng dẫn học viên", which shows the new pictures,
is printed to docs/huong-dan-hoc-vien.pdf (A4) by the same Chromium. Nothing is downloaded and the developer's own
database and uploads (var/) are not touched.

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
TRAINEE_GUIDE = ROOT / "docs" / "huong-dan-hoc-vien.md"
TRAINEE_PDF = ROOT / "docs" / "huong-dan-hoc-vien.pdf"
HOSTNAME = "dongdat.thainguyen.localhost"

# The workshop of the trainee guide: one seat copied from Động Đạt; prints its card as "card<TAB>user<TAB>…".
_OPEN_WORKSHOP = f"""
from sites.models import Commune
from training.services import WorkshopRequest, workshop_create
template = Commune.objects.get(hostname="{HOSTNAME}")
workshop = workshop_create(WorkshopRequest(
    province=template.province, name="Tập huấn cập nhật trang thông tin điện tử", trainees=1, slug="tap-huan",
    template=template,
))
seat = workshop.trainees.select_related("commune").get()
print("card", seat.username, seat.card_password, seat.commune.hostname, sep="\\t")
"""


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


def _open_workshop(env: dict[str, str]) -> tuple[tuple[str, str], str]:
    """Open the guide's workshop; returns its login card (username, password) and the practice site's hostname."""
    print("+ manage.py shell (lớp tập huấn một học viên)", flush=True)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _OPEN_WORKSHOP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("card\t"))
    _card, username, password, hostname = line.split("\t")
    return (username, password), hostname


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


def _browser_page(playwright, steps):
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        raise SystemExit(f"Không có Chromium ở {CHROMIUM} (apt-get install -y chromium, hoặc: make browser).")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    context = browser.new_context(viewport=steps.DESKTOP, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    page.set_default_timeout(20_000)
    return browser, page


def _take_screenshots(base_url: str, practice_url: str, card: tuple[str, str], directory: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    from docs.guide import steps

    card = steps.Card(*card)
    shots = steps.Shots(directory)
    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, steps)
        try:
            for task in steps.TASKS:
                print(f"  {task.__name__}", flush=True)
                task(page, base_url, shots)
            page.context.clear_cookies()
            for task in steps.TRAINEE_TASKS:
                print(f"  {task.__name__}", flush=True)
                task(page, practice_url, shots, card)
        finally:
            browser.close()
    return shots.taken


# Page numbers at the foot of each A4 page (Chromium fills in the spans).
_PDF_FOOTER = (
    '<div style="width:100%;font:8pt sans-serif;color:#555;text-align:center">'
    'Hướng dẫn học viên – trang <span class="pageNumber"></span>/<span class="totalPages"></span></div>'
)


def _print_trainee_guide(base_url: str, pdf: Path) -> None:
    """The admin's "Hướng dẫn học viên" page, printed to an A4 PDF as the browser's "Lưu PDF" would."""
    from playwright.sync_api import sync_playwright

    from docs.guide import steps

    with sync_playwright() as playwright:
        browser, page = _browser_page(playwright, steps)
        try:
            steps.log_in(page, base_url, steps.EDITOR)
            page.goto(f"{base_url}/admin/huong-dan-hoc-vien/", wait_until="load")
            page.locator(".hdhv-noi-dung img").last.wait_for(state="visible")
            page.emulate_media(media="print")
            page.pdf(
                path=str(pdf),
                format="A4",
                prefer_css_page_size=True,
                print_background=True,
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=_PDF_FOOTER,
            )
        finally:
            browser.close()


def _replace_output(fresh: Path, taken: list[str]) -> None:
    """docs/huong-dan/ ends up with exactly this run's pictures (a renamed step leaves no stale file)."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("*.png"):
        old.unlink()
    for name in taken:
        shutil.copy2(fresh / f"{name}.png", OUTPUT / f"{name}.png")


def _check_guide(taken: list[str]) -> list[str]:
    """Pictures a guide shows but no step took, and pictures taken that neither guide shows."""
    problems, shown = [], set()
    for guide in (GUIDE, TRAINEE_GUIDE):
        used = set(re.findall(r"huong-dan/([\w-]+)\.png", guide.read_text(encoding="utf-8")))
        problems += [f"{guide.name} dùng ảnh không có: {name}.png" for name in sorted(used - set(taken))]
        shown |= used
    problems += [f"Ảnh chưa được dùng trong hướng dẫn nào: {name}.png" for name in sorted(set(taken) - shown)]
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
        card, practice_host = _open_workshop(env)
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
                practice_url = f"http://{practice_host}:{port}"
                _wait_until_up(f"http://127.0.0.1:{port}/", server)
                # The steps draw their upload files with the project's demo helpers, which need Django
                # configured (the server's temporary settings; this process never opens the database).
                os.environ.update(env)
                import django

                django.setup()
                print(f"Chụp màn hình ở {base_url}/admin/ …", flush=True)
                fresh = workdir / "anh"
                taken = _take_screenshots(base_url, practice_url, card, fresh)
                # The admin page serves docs/huong-dan/ as static files: print it once the new pictures are there.
                _replace_output(fresh, taken)
                print(f"In hướng dẫn học viên ra {TRAINEE_PDF.relative_to(ROOT)} …", flush=True)
                _print_trainee_guide(base_url, TRAINEE_PDF)
            except BaseException:
                log.flush()
                sys.stderr.write((workdir / "runserver.log").read_text(encoding="utf-8", errors="replace")[-4000:])
                raise
            finally:
                server.terminate()
                server.wait(timeout=20)
    print(f"Đã lưu {len(taken)} ảnh vào {OUTPUT.relative_to(ROOT)}/ và bản in {TRAINEE_PDF.relative_to(ROOT)}")
    problems = _check_guide(taken)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
