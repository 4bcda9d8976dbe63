"""Page URLs whose cost does not grow with the number of Sites.

Wagtail finds a page's Site by scanning every Site's root path for each URL it builds
(Page._get_relevant_site_root_paths), counts the Sites again in Page.get_url, and re-reads the whole
list from the cache for every rich-text link (which has no request to keep it on). With 3,321
communes that is 3,321 string comparisons per link and an unpickled list of 3,321 tuples per
rich-text link. Here the same data is indexed by root path: a page's candidate roots are found by
looking up each of its url_path's prefixes (one per tree level), so the cost depends on the page's
depth only.

The index is built once per process from one query and rebuilt when its version in the shared cache
changes (any Site saved or deleted, or a site root page's path changed: Wagtail calls
Site.clear_site_root_paths_cache() in each case). A request reads the version once (middleware);
code outside a request checks it on each use.

`SITE_ROOT_INDEX=0` in the environment (settings.XASO_SITE_ROOT_INDEX) leaves Wagtail's own
algorithm in place, which the benchmark uses as the reference.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Page, Site
from wagtail.models.sites import SiteRootPath

VERSION_KEY = "xaso:site-roots:version"

_lock = threading.Lock()
_built: SiteRootIndex | None = None
_current: contextvars.ContextVar[SiteRootIndex | None] = contextvars.ContextVar("xaso_site_roots", default=None)


class SiteRootIndex:
    """Wagtail's SiteRootPath list, in Wagtail's order, indexed by root path."""

    def __init__(self, version, paths: list[SiteRootPath]):
        self.version = version
        self.paths = paths
        by_root: dict[str, list[SiteRootPath]] = defaultdict(list)
        for srp in paths:  # already ordered: deepest path first, default site first, then hostname
            by_root[srp.root_path].append(srp)
        self.by_root = {root: tuple(items) for root, items in by_root.items()}
        self.site_count = len({srp.site_id for srp in paths})

    def relevant(self, url_path: str) -> tuple[SiteRootPath, ...]:
        """The roots url_path lies under, deepest first (Wagtail's order for prefixes of one path)."""
        found: list[SiteRootPath] = []
        end = len(url_path)
        while end > 0:
            found.extend(self.by_root.get(url_path[:end], ()))
            end = url_path.rfind("/", 0, end - 1) + 1
        return tuple(found)

    # Wagtail code that iterates the list (e.g. Page.get_url_parts' callers) still works.
    def __iter__(self):
        return iter(self.paths)

    def __len__(self):
        return len(self.paths)


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A fresh value, never a reused one: an evicted key must not bring back an old index.
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
    return version


def current_index() -> SiteRootIndex:
    """The index for this request, or the process's index if still current."""
    index = _current.get()
    if index is not None:
        return index
    return _index_for(_version())


def _index_for(version) -> SiteRootIndex:
    global _built
    index = _built
    if index is not None and index.version == version:
        return index
    with _lock:
        if _built is None or _built.version != version:
            _built = SiteRootIndex(version, Site.get_site_root_paths())
        return _built


def begin_request() -> contextvars.Token:
    return _current.set(_index_for(_version()))


def end_request(token: contextvars.Token) -> None:
    _current.reset(token)


def forget() -> None:
    """Sites or site roots changed: every process rebuilds its index on next use."""
    cache.set(VERSION_KEY, time.time_ns(), None)


# --- Page methods, replacing Wagtail's linear scans ------------------------------------------------


def _get_site_root_paths(self, cache_object=None, **kwargs):
    index = current_index()
    # Wagtail code that reads the attribute directly (redirects on page move, the link chooser) finds it.
    (cache_object if cache_object is not None else self)._wagtail_cached_site_root_paths = index
    return index


def _get_relevant_site_root_paths(self, cache_object=None):
    return self._get_site_root_paths(cache_object).relevant(self.url_path)


def _get_url(self, request=None, current_site=None):
    # Wagtail's Page.get_url, with the number of Sites read from the index instead of counted.
    if current_site is None and request is not None:
        current_site = Site.find_for_request(request)
    url_parts = self.get_url_parts(request=request)
    if url_parts is None or url_parts[1] is None and url_parts[2] is None:
        return None
    site_id, root_url, page_path = url_parts
    if (current_site is not None and site_id == current_site.id) or current_index().site_count == 1:
        return page_path
    return root_url + page_path


_stock = {}


def install() -> None:
    """Replace Wagtail's scans (called from SitesConfig.ready unless SITE_ROOT_INDEX=0)."""
    if _stock or not getattr(settings, "XASO_SITE_ROOT_INDEX", True):
        return
    _stock["clear"] = Site.clear_site_root_paths_cache
    _stock["_get_site_root_paths"] = Page._get_site_root_paths
    _stock["_get_relevant_site_root_paths"] = Page._get_relevant_site_root_paths
    _stock["get_url"] = Page.get_url
    Page._get_site_root_paths = _get_site_root_paths
    Page._get_relevant_site_root_paths = _get_relevant_site_root_paths
    Page.get_url = _get_url
    Page.url = property(lambda page: page.get_url())

    def clear_site_root_paths_cache():
        _stock["clear"]()
        forget()

    Site.clear_site_root_paths_cache = staticmethod(clear_site_root_paths_cache)


@contextlib.contextmanager
def wagtail_stock():
    """Run Wagtail's own methods for the duration (tests compare the two; not thread-safe)."""
    if not _stock:
        yield
        return
    patched = (Page._get_site_root_paths, Page._get_relevant_site_root_paths, Page.get_url)
    Page._get_site_root_paths = _stock["_get_site_root_paths"]
    Page._get_relevant_site_root_paths = _stock["_get_relevant_site_root_paths"]
    Page.get_url = _stock["get_url"]
    try:
        yield
    finally:
        Page._get_site_root_paths, Page._get_relevant_site_root_paths, Page.get_url = patched
