"""Runs inside a migrated, empty database (see bench/search.py): fills it with N indexed pages
spread over several communes, then times the resident search of one commune.

Prints one JSON object on the last line of stdout.
"""

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from wagtail.models import Page  # noqa: E402
from wagtail.search.backends import get_search_backend  # noqa: E402

from pages.models import StandardPage  # noqa: E402
from pages.search import search_commune  # noqa: E402
from sites import services  # noqa: E402
from sites.text import vn_slugify  # noqa: E402

PAGES = int(os.environ.get("BENCH_SEARCH_PAGES", "100000"))
COMMUNES = int(os.environ.get("BENCH_SEARCH_COMMUNES", "20"))
RUNS = 15

WORDS = (
    "thông báo kế hoạch tổ chức hội nghị triển khai nhiệm vụ năm 2025 ủy ban nhân dân xã phường "
    "công tác phòng chống thiên tai mưa lũ nông thôn mới chuyển đổi số văn hóa thể thao du lịch "
    "giáo dục y tế dân số an ninh trật tự giao thông đất đai môi trường tài chính ngân sách "
    "tuyên truyền phổ biến pháp luật thanh niên phụ nữ cựu chiến binh hội nông dân người cao tuổi"
).split()

# query -> titles that must be found in the measured commune
NEEDLES = {
    "Đăng ký khai sinh cho trẻ em": ["dang ky khai sinh", "Đăng ký khai sinh", "DANG KY KHAI SINH"],
    "Chứng thực bản sao từ bản chính": ["chung thuc", "chứng thực bản sao"],
    "Đăng ký kết hôn tại UBND xã": ["ket hon", "đăng ký kết hôn"],
    "Xã Động Đạt ra mắt trang thông tin mới": ["dong dat", "Động Đạt ra mắt"],
    "Cấp giấy phép xây dựng nhà ở riêng lẻ": ["giay phep xay dung", "giấy phép xây dựng"],
}


# Common words: many pages match, so these measure ranking and paging, not finding a needle.
BROAD = ["thong bao", "kế hoạch tổ chức", "nong thon moi"]


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def bulk_pages(parent, count, rng):
    """`count` live StandardPage children of `parent`, inserted in bulk (bypassing add_child)."""
    from django.contrib.contenttypes.models import ContentType
    from treebeard.numconv import NumConv

    conv = NumConv(Page.alphabet)
    content_type_id = ContentType.objects.get_for_model(StandardPage).id
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    start = conv.str2int(last.path[-Page.steplen :]) if last else 0
    pages = []
    for i in range(count):
        n = start + i + 1
        title = f"{sentence(rng, 6)} số {n}"
        slug = f"{vn_slugify(title)[:60]}-{n}"
        page = StandardPage(
            title=title,
            draft_title=title,
            slug=slug,
            path=parent.path + conv.int2str(n).rjust(Page.steplen, "0"),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            live=True,
            content_type_id=content_type_id,
            locale_id=parent.locale_id,
            intro=f"<p>{sentence(rng, 25)}.</p>",
        )
        pages.append(page)
    with transaction.atomic():
        Page.objects.bulk_create(
            [Page(**{f.attname: getattr(p, f.attname) for f in Page._meta.concrete_fields}) for p in pages]
        )
        ids = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "id"))
        for page in pages:
            page.page_ptr_id = page.id = ids[page.path]
            page.save_base(raw=True, force_insert=True)
        numchild = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count()
        Page.objects.filter(pk=parent.pk).update(numchild=numchild)
    parent.numchild = numchild
    return pages


def timed(fn, runs=RUNS):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median_ms": statistics.median(samples), "p95_ms": samples[int(0.95 * (len(samples) - 1))]}


def main():
    rng = random.Random(2026)
    province = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    communes = [services.commune_create(province=province, name=f"Đo Tìm {i}") for i in range(COMMUNES)]
    target = communes[0]
    build_started = time.perf_counter()
    backend = get_search_backend()
    per_commune = PAGES // COMMUNES
    for commune in communes:
        home = Page.objects.get(pk=commune.home_page_id)
        for chunk_start in range(0, per_commune, 2000):
            pages = bulk_pages(home, min(2000, per_commune - chunk_start), rng)
            backend.add_bulk(StandardPage, pages)
    home = Page.objects.get(pk=target.home_page_id).specific
    for title in NEEDLES:
        home.add_child(instance=StandardPage(title=title, intro="<p>Hướng dẫn thủ tục cho người dân.</p>"))
    build_seconds = time.perf_counter() - build_started
    indexed = StandardPage.objects.count()

    queries = {}
    found = expected = 0
    for title, variants in NEEDLES.items():
        for query in variants:
            outcome = search_commune(target, query)
            hits = [h.page.title for h in list(outcome.exact) + list(outcome.results.object_list)]
            expected += 1
            found += title in hits
            queries[query] = {
                "found": title in hits,
                "total": outcome.total,
                **timed(lambda q=query: search_commune(target, q)),
            }
    for query in BROAD:
        outcome = search_commune(target, query)
        queries[query] = {
            "found": outcome.total > 0,
            "total": outcome.total,
            **timed(lambda q=query: search_commune(target, q)),
        }
    sample = StandardPage.objects.filter(pk__in=Page.objects.descendant_of(home).values("pk")).last()
    reference = timed(lambda: Page.objects.get(url_path=sample.url_path).specific, runs=50)
    medians = [q["median_ms"] for q in queries.values()]
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "pages": indexed,
                "communes": COMMUNES,
                "build_seconds": build_seconds,
                "recall": found / expected,
                "queries": queries,
                "search_median_ms": statistics.median(medians),
                "reference_median_ms": reference["median_ms"],
            }
        )
    )


if __name__ == "__main__":
    main()
