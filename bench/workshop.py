"""A training workshop's life: create 30 practice sites copied from a demo commune, reset one, close it all.

Each database (SQLite, PostgreSQL) is fresh and migrated; this file then runs itself with --job inside it:
one province, a template commune filled with the demo content (news, documents, procedures, videos,
galleries, banners, footer; its image renditions made as on upload), then training.services.workshop_create
(the function the admin and `manage.py workshop create` call), trainee_reset and workshop_close, in-process.

The references measured in the same run: provisioning one empty commune (`commune_create`) and filling the
template with the demo content from scratch. A seat costs "× provisioning" empty communes and "× filling".

    python bench/workshop.py            # both databases, prints the markdown section
    python bench/run.py --only workshop # the same, written to bench/results/
"""

import json
import os
import sys
import time
from pathlib import Path

TRAINEES = int(os.environ.get("BENCH_WORKSHOP_TRAINEES", "30"))


def measure(database: str, trainees: int = TRAINEES) -> dict:
    from provision import run_job

    return run_job("workshop.py", database, "xaso_bench_workshop", {"BENCH_WORKSHOP_TRAINEES": str(trainees)})


def _n(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def run(databases=("sqlite", "postgresql"), trainees: int = TRAINEES) -> str:
    results = {}
    for database in databases:
        print(f"  lớp tập huấn: {trainees} học viên trên {database} …", file=sys.stderr, flush=True)
        results[database] = measure(database, trainees)
    first = next(iter(results.values()))
    lines = [
        "## Lớp tập huấn: tạo, đặt lại và kết thúc (`workshop create|reset|close`)",
        "",
        f"Một lớp {trainees} học viên; mỗi trang thực hành là bản sao của một xã mẫu có nội dung demo "
        f"({first['pages']} trang, {first['images']} ảnh kèm {first['renditions']} bản cỡ ảnh, "
        f"{first['documents']} tài liệu, {first['videos']} video, {first['owned']} banner/thông báo/chuyên mục/"
        "thủ tục). Đo trong tiến trình qua `training.services` (hàm mà lệnh và trang quản trị cùng gọi).",
        "",
        "Mốc đo cùng lượt: “cấp một xã trống” là `commune_create` (trang chủ, chuyên mục, nhóm, quy trình); "
        "“điền nội dung mẫu” là điền nội dung demo vào một xã từ đầu (kể cả tạo các bản cỡ ảnh).",
        "",
        "| CSDL | Bước | Thời gian (s) | s/học viên | × cấp một xã trống | × điền nội dung mẫu "
        "| Truy vấn SQL/học viên |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for database, r in results.items():
        n = r["trainees"]
        for label, key in (
            (f"Tạo lớp {n} học viên", "create"),
            ("Đặt lại một học viên", "reset"),
            (f"Kết thúc lớp (xóa {n} trang và tài khoản)", "close"),
        ):
            seconds = r[f"{key}_seconds"]
            per = seconds / (1 if key == "reset" else n)
            queries = r[f"{key}_queries"] / (1 if key == "reset" else n)
            lines.append(
                f"| {database} | {label} | {_n(seconds)} | {_n(per)} | {_n(per / r['provision_seconds'])} "
                f"| {_n(per / r['fill_seconds'])} | {queries:.0f} |"
            )
        lines.append(f"| {database} | Mốc: cấp một xã trống | {_n(r['provision_seconds'])} | | 1,00 | | |")
        lines.append(f"| {database} | Mốc: điền nội dung mẫu cho một xã | {_n(r['fill_seconds'])} | | | 1,00 | |")
        lines.append(
            f"| {database} | Sau khi kết thúc: hàng còn lại ngoài lớp và nhật ký lớp | {r['rows_left']} | | | | |"
        )
        lines.append(f"| {database} | Sau khi kết thúc: tệp còn lại trong kho | {r['files_left']} | | | | |")
    return "\n".join(lines) + "\n"


# --- job (inside a migrated, empty database) ------------------------------------------------


def job() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()

    import io

    from django.apps import apps
    from django.conf import settings
    from django.db import connection
    from wagtail.models import Page

    from media.models import CommuneDocument, CommuneImage, CommuneRendition, CommuneVideo
    from sites import services
    from sites.management.commands.seed_demo import seed_content
    from sites.snippets import COMMUNE_OWNED_MODELS
    from training import services as training

    counted = {"all": 0}

    def count(execute, sql, params, many, context):
        counted["all"] += 1
        return execute(sql, params, many, context)

    def timed(fn):
        counted["all"] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            result = fn()
            return result, time.perf_counter() - started, counted["all"]

    def rows():
        skip = {"training.Workshop", "training.Exercise", "training.Trainee"}
        return {m._meta.label: m._base_manager.count() for m in apps.get_models() if m._meta.label not in skip}

    def files():
        root = Path(settings.MEDIA_ROOT)
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    template, provision_seconds, _ = timed(lambda: services.commune_create(province=province, name="Động Đạt"))
    _, fill_seconds, _ = timed(lambda: seed_content([template], io.StringIO()))
    rows_before, files_before = rows(), files()

    request = training.WorkshopRequest(province=province, name="Đo tập huấn", trainees=TRAINEES, template=template)
    workshop, create_seconds, create_queries = timed(lambda: training.workshop_create(request))
    trainee = workshop.trainees.first()
    _, reset_seconds, reset_queries = timed(lambda: training.trainee_reset(trainee))
    _, close_seconds, close_queries = timed(lambda: training.workshop_close(workshop))
    rows_after, files_after = rows(), files()
    # The workshop's own history (created, reset, closed) stays with its summary; nothing else may.
    rows_left = sum(rows_after.values()) - sum(rows_before.values()) - 3

    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "trainees": TRAINEES,
                "pages": Page.objects.descendant_of(template.home_page).count(),
                "images": CommuneImage.objects.filter(commune=template).count(),
                "renditions": CommuneRendition.objects.filter(image__commune=template).count(),
                "documents": CommuneDocument.objects.filter(commune=template).count(),
                "videos": CommuneVideo.objects.filter(commune=template).count(),
                "owned": sum(m.objects.filter(commune=template).count() for m in COMMUNE_OWNED_MODELS),
                "provision_seconds": provision_seconds,
                "fill_seconds": fill_seconds,
                "create_seconds": create_seconds,
                "create_queries": create_queries,
                "reset_seconds": reset_seconds,
                "reset_queries": reset_queries,
                "close_seconds": close_seconds,
                "close_queries": close_queries,
                "rows_left": rows_left,
                "files_left": len(files_after - files_before),
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
