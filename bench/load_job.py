"""Runs inside a migrated, empty database for the load test (see bench/load.py).

`seed N CSV [K]`: provisions N communes through the real services (province_ensure, import_catalogue,
commune_import), then fills every commune (or the first K) with content through a bulk seeder: the content pages'
treebeard paths, url_path and numchild are computed here and the rows are inserted in bulk, without
revisions. Adds the bare-Wagtail reference page on its own Site. Prints one JSON object (last line).

`probe HOST/PATH…`: one warm request per page in-process (the settings and toggles of the calling
environment) and the SQL queries it made. Prints one JSON object (last line).
"""

import datetime
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from wagtail.rich_text import RichText  # noqa: E402

ARTICLES = int(os.environ.get("BENCH_LOAD_ARTICLES", "100"))
DOCUMENTS = int(os.environ.get("BENCH_LOAD_DOCUMENTS", "30"))
PROCEDURES = int(os.environ.get("BENCH_LOAD_PROCEDURES", "40"))
VIDEOS = int(os.environ.get("BENCH_LOAD_VIDEOS", "10"))
IMAGES = 4  # per commune: article pictures, banners and the gallery share them
BARE_HOST = "bare.bench.localhost"
CHUNK = 400

TOPICS = [
    "Hướng dẫn đăng ký khai sinh trực tuyến cho người dân",
    "Hội nghị triển khai nhiệm vụ phát triển kinh tế – xã hội",
    "Ra quân tổng vệ sinh môi trường, xây dựng nông thôn mới",
    "Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND",
    "Tập huấn chuyển đổi số và định danh điện tử VNeID",
    "Phòng chống thiên tai, mưa lũ và sạt lở đất",
    "Đăng ký kết hôn và chứng thực bản sao tại Bộ phận một cửa",
    "Khai giảng lớp học nghề cho lao động nông thôn",
]
CATEGORIES = [("Tin hoạt động", 1), ("Thông báo", 2), ("Chuyển đổi số", 3)]
DOC_TYPES = [("quyet-dinh", "QĐ"), ("ke-hoach", "KH"), ("thong-bao", "TB"), ("cong-van", "UBND")]


def bulk_children(parent: Page, pages: list) -> list:
    """Insert unsaved specific pages as live children of `parent` without add_child.

    Computes each path (after the parent's last child), depth and url_path, inserts the
    wagtailcore_page rows in bulk, then the specific rows, and fixes the parent's numchild.
    """
    model = type(pages[0])
    content_type_id = ContentType.objects.get_for_model(model).id
    siblings = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    start = Page._str2int(last[-Page.steplen :]) if last else 0
    now = timezone.now()
    for n, page in enumerate(pages, start=start + 1):
        page.path = Page._get_path(parent.path, parent.depth + 1, n)
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.live = True
        page.has_unpublished_changes = False
        page.draft_title = page.title
        page.content_type_id = content_type_id
        page.locale_id = parent.locale_id
        page.first_published_at = page.first_published_at or now
        page.last_published_at = page.first_published_at
    page_fields = Page._meta.concrete_fields
    specific_fields = model._meta.local_concrete_fields
    for i in range(0, len(pages), CHUNK):
        chunk = pages[i : i + CHUNK]
        Page.objects.bulk_create([Page(**{f.attname: getattr(p, f.attname) for f in page_fields}) for p in chunk])
        ids = dict(Page.objects.filter(path__in=[p.path for p in chunk]).values_list("path", "id"))
        for page in chunk:
            page.id = page.page_ptr_id = ids[page.path]
        model._base_manager._insert(chunk, fields=specific_fields, raw=True)
    Page.objects.filter(pk=parent.pk).update(numchild=siblings.count())
    return pages


def _images(commune, files):
    from wagtail.images import get_image_model

    Image = get_image_model()
    rows = [
        Image(
            title=f"Ảnh hoạt động {k + 1}",
            file=name,
            width=width,
            height=height,
            file_size=size,
            collection_id=commune.collection_id,
            commune_id=commune.pk,
            description=f"Ảnh minh họa hoạt động của {commune.full_name}",
        )
        for k, (name, width, height, size) in enumerate(files)
    ]
    Image.objects.bulk_create(rows)
    return list(Image.objects.filter(commune=commune).order_by("pk"))


def seed_content(commune, files, index_pages: list) -> dict[str, int]:
    """One commune's news, documents, videos, gallery and banners (deterministic per commune slug)."""
    from pages.guidance.models import DocumentIndexPage, GuidingDocumentPage, number_key
    from pages.models import Banner
    from pages.news.models import ArticlePage, NewsCategory, NewsIndexPage
    from pages.videos.models import GalleryImage, GalleryIndexPage, GalleryPage, VideoIndexPage, VideoPage
    from sites.text import search_words, vn_collation_key, vn_slugify

    rng = random.Random(commune.slug)
    home = commune.home_page
    place = f"{commune.kind} {commune.name}"
    images = _images(commune, files)
    now = timezone.now()

    NewsCategory.objects.bulk_create(
        [
            NewsCategory(commune=commune, name=n, slug=vn_slugify(n), sort_name=vn_collation_key(n), sort_order=o)
            for n, o in CATEGORIES
        ]
    )
    categories = list(NewsCategory.objects.filter(commune=commune).order_by("sort_order"))
    news = NewsIndexPage.objects.child_of(home).get()
    articles = []
    for n in range(1, ARTICLES + 1):
        title = f"{rng.choice(TOPICS)} tại {place} (số {n})"
        when = now - datetime.timedelta(hours=n * 7)
        articles.append(
            ArticlePage(
                title=title,
                slug=f"{vn_slugify(title)[:70]}-{n}",
                summary=f"{place.capitalize()} thông tin về {title[0].lower()}{title[1:]}.",
                featured_image_id=images[n % len(images)].pk,
                featured_image_alt=f"Ảnh minh họa: {title}"[:250],
                body=[
                    ("paragraph", RichText(f"<p>{title}. Nội dung chi tiết đoạn {k + 1} của bài viết.</p>"))
                    for k in range(3)
                ],
                date=when,
                first_published_at=when,
                author="Văn phòng HĐND và UBND",
                featured=n <= 3,
            )
        )
    bulk_children(news, articles)
    through = ArticlePage.categories.through
    through.objects.bulk_create(
        [through(articlepage_id=a.pk, newscategory_id=categories[k % 3].pk) for k, a in enumerate(articles)]
    )

    register = DocumentIndexPage.objects.child_of(home).get()
    documents = []
    for n in range(1, DOCUMENTS + 1):
        kind, code = DOC_TYPES[n % len(DOC_TYPES)]
        number = f"{n}/{code}-UBND"
        title = f"{rng.choice(TOPICS)} năm 2026"
        summary = f"{title} trên địa bàn {place}"
        documents.append(
            GuidingDocumentPage(
                title=title,
                slug=f"{vn_slugify(number)}-2026",
                number=number,
                document_type=kind,
                issuing_body=f"Ủy ban nhân dân {place}",
                signer="Nguyễn Văn An – Chủ tịch",
                date_issued=(now - datetime.timedelta(days=n * 5)).date(),
                summary=summary,
                field="Hành chính – Tổng hợp",
                number_key=number_key(number),
                search_text=" ".join(search_words(f"{number} {title} {summary}")),
                first_published_at=now - datetime.timedelta(days=n * 5),
            )
        )
    bulk_children(register, documents)

    video_index = VideoIndexPage.objects.child_of(home).get()
    videos = [
        VideoPage(
            title=f"Video hướng dẫn {rng.choice(TOPICS).lower()} ({n})",
            slug=f"video-huong-dan-{n}",
            youtube_url=f"https://www.youtube.com/watch?v=bench{n:06d}",
            poster_id=images[n % len(images)].pk,
            description="<p>Video hướng dẫn người dân thực hiện thủ tục.</p>",
            duration=datetime.timedelta(minutes=3, seconds=n),
            first_published_at=now - datetime.timedelta(days=n),
        )
        for n in range(1, VIDEOS + 1)
    ]
    bulk_children(video_index, videos)

    gallery_index = GalleryIndexPage.objects.child_of(home).get()
    (album,) = bulk_children(
        gallery_index,
        [
            GalleryPage(
                title=f"Hình ảnh ra quân xây dựng nông thôn mới {place}",
                slug="ra-quan-xay-dung-nong-thon-moi",
                date=now.date(),
                description="<p>Hình ảnh hoạt động của địa phương.</p>",
                cover_image_id=images[0].pk,
            )
        ],
    )
    GalleryImage.objects.bulk_create(
        [
            GalleryImage(page_id=album.pk, image_id=img.pk, caption=img.title, sort_order=k)
            for k, img in enumerate(images)
        ]
    )
    banners = [("top", 0), ("horizontal", 1), ("horizontal", 2), ("right", 3)]
    Banner.objects.bulk_create(
        [
            Banner(commune=commune, position=pos, image_id=images[k].pk, alt_text=f"Banner {k + 1} của {place}")
            for pos, k in banners
        ]
    )
    index_pages.extend([articles, documents, videos, [album]])
    return {"articles": len(articles), "documents": len(documents), "videos": len(videos), "galleries": 1}


def _image_files() -> list[tuple[str, int, int, int]]:
    """A few JPEGs under MEDIA_ROOT that every commune's image rows point at."""
    from django.core.files.storage import default_storage
    from PIL import Image as PILImage

    from pages.news.demo import draw_picture

    files = []
    colours = [("#0b4f9c", "#2a9d8f"), ("#a50e0e", "#f4a261"), ("#2a9d8f", "#8ab17d"), ("#6d597a", "#e56b6f")]
    for k in range(IMAGES):
        data = draw_picture(f"Ảnh hoạt động {k + 1}", colours[k])
        name = f"original_images/bench-{k + 1}.jpg"
        if not default_storage.exists(name):
            default_storage.save(name, io.BytesIO(data))
        width, height = PILImage.open(io.BytesIO(data)).size
        files.append((name, width, height, len(data)))
    return files


def _catalogue(provinces) -> int:
    """PROCEDURES commune-level procedures in force per province, through the catalogue importer."""
    from pages.procedures import importing

    raws = [
        r
        for r in importing.synthetic_national_records(PROCEDURES * 3)
        if r["CAPTHUCHIEN"] == "Cấp Xã" and r["TRANGTHAI"] == "Còn hiệu lực"
    ][:PROCEDURES]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "danh-muc.json"
        path.write_text(json.dumps({"data": raws}, ensure_ascii=False), encoding="utf-8")
        for province in provinces:
            importing.import_catalogue(province, str(path))
    return len(raws)


def _bare_site():
    from bench.bare.models import BarePage

    root = Page.get_first_root_node()
    page = root.add_child(instance=BarePage(title="Trang Wagtail tối giản", slug="bench-bare"))
    Site.objects.create(hostname=BARE_HOST, port=80, root_page=page, site_name="Bench")
    return page


def seed(count: int, csv_path: str, content_count: int = 0) -> dict:
    """N communes through the real services; content in the first `content_count` of them (0: all)."""
    from wagtail.search.backends import get_search_backend

    from sites import importers, services
    from sites.models import Commune

    timings = {}
    started = time.perf_counter()
    rows = importers.read_commune_rows(csv_path)
    provinces = []
    for row in rows:
        key = (row.province, row.province_domain)
        if key not in provinces:
            provinces.append(key)
    provinces = [services.province_ensure(name=name, domain=domain) for name, domain in provinces]
    procedures = _catalogue(provinces)
    timings["catalogue_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    with tqdm(total=len(rows), desc="Tạo xã", unit="xã", file=sys.stderr) as bar:
        report = importers.commune_import(rows, progress=bar.update)
    timings["provision_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    files = _image_files()
    communes = list(Commune.objects.select_related("home_page", "province").order_by("pk"))
    if content_count:
        communes = communes[:content_count]
    to_index: list[list] = []
    for commune in tqdm(communes, desc="Nội dung", unit="xã", file=sys.stderr):
        with transaction.atomic():
            seed_content(commune, files, to_index)
    timings["content_seconds"] = time.perf_counter() - started

    started = time.perf_counter()
    backend = get_search_backend()
    for pages in tqdm(to_index, desc="Chỉ mục tìm kiếm", unit="lô", file=sys.stderr, mininterval=2):
        backend.add_bulk(type(pages[0]), pages)
    timings["index_seconds"] = time.perf_counter() - started
    _bare_site()

    target = communes[0]
    return {
        "vendor": connection.vendor,
        "communes": report.created,
        "content_communes": len(communes),
        "pages": Page.objects.count(),
        "procedures_per_commune": procedures,
        "articles": ARTICLES,
        "documents": DOCUMENTS,
        "videos": VIDEOS,
        **timings,
        **target_info(target),
    }


def target_info(commune) -> dict:
    """The measured commune: its host and the paths of each measured page, with titles to check."""
    from pages.news.models import ArticlePage
    from pages.procedures.models import CommuneProcedure

    home = commune.home_page
    article = ArticlePage.objects.descendant_of(home).order_by("-date").first()
    entry = CommuneProcedure.objects.filter(commune=commune).select_related("procedure").order_by("pk").first()
    prefix = home.url_path.rstrip("/")
    return {
        "host": commune.hostname,
        "bare_host": BARE_HOST,
        "commune": commune.full_name,
        "paths": {
            "home": "/",
            "news": "/tin-tuc/",
            "article": article.url_path.removeprefix(prefix),
            "documents": "/van-ban-chi-dao-dieu-hanh/",
            "procedure": f"/thu-tuc-hanh-chinh/{entry.procedure.slug}/",
            "search": "/tim-kiem/?q=dang+ky",
            "feed": "/tin-tuc/rss/",
            "sitemap": "/sitemap.xml",
        },
        "titles": {
            "home": commune.full_name,
            "news": article.title,
            "article": article.title,
            "procedure": entry.procedure.name,
        },
    }


def probe(targets: list[str]) -> dict:
    """SQL queries of one request per "host/path", after one warm-up request (as a worker that served it once)."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    result = {}
    for target in targets:
        host, _, path = target.partition("/")
        client = Client(HTTP_HOST=host)
        client.get("/" + path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/" + path)
        result[target] = {"status": response.status_code, "queries": len(ctx.captured_queries)}
    return result


def main():
    command = sys.argv[1]
    if command == "seed":
        out = seed(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    else:
        out = probe(sys.argv[2:])
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
