"""Runs inside a migrated database filled by `seed_demo` (see bench/pages.py): for each public
page type of a demo commune, the SQL queries one request makes and the bytes a phone downloads
(HTML plus the CSS and JS it links; images excluded), raw and gzipped.

Prints one JSON object on the last line of stdout.
"""

import gzip
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.models import Page  # noqa: E402

from sites.models import Commune  # noqa: E402

ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def first(model_path, home):
    from django.apps import apps

    model = apps.get_model(*model_path.split("."))
    page = model.objects.descendant_of(home).live().first()
    return page.url_path.removeprefix(home.url_path.rstrip("/")) if page else None


def asset_bytes(url):
    path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
    return Path(path).read_bytes() if path else b""


def procedure_path(commune):
    from pages.procedures.models import CommuneProcedure

    entries = CommuneProcedure.objects.filter(commune=commune, procedure__code="1.001193")
    entry = entries.select_related("procedure").first()
    return f"/thu-tuc-hanh-chinh/{entry.procedure.slug}/" if entry else None


def main():
    commune = Commune.objects.select_related("home_page").get(slug="dong-dat")
    home = Page.objects.get(pk=commune.home_page_id)
    targets = {
        "Trang chủ": "/",
        "Tin tức (danh sách)": first("news.NewsIndexPage", home),
        "Tin bài": first("news.ArticlePage", home),
        "Văn bản (danh sách)": first("guidance.DocumentIndexPage", home),
        "Văn bản": first("guidance.GuidingDocumentPage", home),
        "Thủ tục (danh sách)": first("procedures.ProcedureIndexPage", home),
        "Thủ tục": procedure_path(commune),
        "Video (danh sách)": first("videos.VideoIndexPage", home),
        "Video": first("videos.VideoPage", home),
        "Album ảnh": first("videos.GalleryPage", home),
        "Tổ chức bộ máy": first("pages.OrganisationPage", home),
        "Liên hệ": first("pages.ContactPage", home),
        "Tìm kiếm": "/tim-kiem/?q=dang+ky+khai+sinh",
        "Sơ đồ trang": "/so-do-trang/",
    }
    client = Client(HTTP_HOST=commune.hostname)
    rows = []
    for name, path in targets.items():
        if path is None:
            continue
        client.get(path)  # warm: the first request fills caches that every later visitor shares
        cache_warm = CaptureQueriesContext(connection)
        with cache_warm:
            response = client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(path)
        html = response.content
        assets = [asset_bytes(url) for url in ASSET.findall(html.decode())]
        css_js = b"".join(assets)
        rows.append(
            {
                "page": name,
                "path": path,
                "status": response.status_code,
                "queries": len(cache_warm.captured_queries),
                "queries_cold_cache": len(cold.captured_queries),
                "html": len(html),
                "css_js": len(css_js),
                "html_gz": len(gzip.compress(html)),
                "css_js_gz": sum(len(gzip.compress(a)) for a in assets),
            }
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
