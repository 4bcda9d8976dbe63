"""The public page cache: whole responses per commune, invalidated per commune.

Residents never sign in, so a commune's pages are the same for all of them: the rendered response is
kept under a key made of the host, the path and the *generations* of the commune, its province and
the install. Changing anything a commune's pages show bumps that commune's generation (or the
province's, for the shared procedure catalogue; or the install's, for the portal), so every page of
that commune is missed from then on and nobody else's is touched. Nothing is deleted: old entries
age out of the cache on their own.

Never cached: signed-in users (any request carrying a session cookie), previews, the admin, anything
but a 200 GET, and responses that set a cookie or say `private`/`no-store`.

The content-security-policy nonce of a cached page is replaced by a fresh one on every hit, so the
nonce stays single-use even though the page is shared.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import secrets
import time
from base64 import b64encode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.module_loading import import_string

NONCE_MARK = "xaso-nonce-mark-000000"  # as long as a real nonce, never produced by base64 of random bytes
_CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
# Headers the inner middleware and the view set; the outer ones (security headers) are added on each hit.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Language",
    "Cache-Control",
    "Vary",
    "X-Frame-Options",
    "X-Robots-Tag",
    "Link",
    *_CSP_HEADERS,
)


def _cache():
    return caches[getattr(settings, "XASO_PAGE_CACHE_ALIAS", "default")]


def enabled() -> bool:
    return getattr(settings, "XASO_PAGE_CACHE", True)


# --- Generations ----------------------------------------------------------------------------------


def _gen_key(scope: str, pk) -> str:
    return f"xaso:gen:{scope}:{pk}"


def generations(commune_id, province_id) -> str:
    """The current generations of the install, the province and the commune, as one key part."""
    keys = [_gen_key("all", 0), _gen_key("p", province_id or 0), _gen_key("c", commune_id or 0)]
    cache = _cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        # A fresh value, never a reused one: an evicted generation must not revive old pages.
        cache.add(key, time.time_ns(), None)
    if missing:
        found.update(cache.get_many(missing))
    return ".".join(str(found.get(key, 0)) for key in keys)


def _bump(keys: list[str]) -> None:
    if keys:
        _cache().set_many({key: time.time_ns() for key in keys}, None)


def invalidate(*, commune_ids=(), province_ids=(), everything=False) -> None:
    """Forget the cached pages of these communes / provinces (or of the whole install).

    Done now and again after the transaction commits: a request that reads the old data between
    the two cannot leave it cached under the new generation.
    """
    keys = [_gen_key("c", pk) for pk in commune_ids if pk]
    keys += [_gen_key("p", pk) for pk in province_ids if pk]
    if everything:
        keys.append(_gen_key("all", 0))
    if not keys:
        return
    pending = _batch.get()
    if pending is not None:
        pending.update(keys)
        return
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def invalidate_owner(obj) -> None:
    """Forget the cached pages that may show obj: its commune's, else its province's, else all."""
    from .tenancy import owner_of

    commune_id, province_id = owner_of(obj)
    if commune_id:
        invalidate(commune_ids=[commune_id])
    elif province_id:
        invalidate(province_ids=[province_id])
    else:
        invalidate(everything=True)


def _request_generations(request, commune_id, province_id) -> str:
    """generations(), read once per request and commune."""
    memo = request.__dict__.setdefault("_xaso_generations", {})
    key = (commune_id, province_id)
    if key not in memo:
        memo[key] = generations(commune_id, province_id)
    return memo[key]


# --- Fragments: what every page of a commune repeats ----------------------------------------------

_NO_VALUE = object()


def fragments_enabled() -> bool:
    return getattr(settings, "XASO_FRAGMENT_CACHE", True)


def commune_fragment(request, commune, name: str, compute, *, scheduled: bool = False):
    """A value every page of the commune shows (its footer, menu, banners…), computed once per generation.

    Kept under the commune's own generations, so any change to the commune's content recomputes it,
    also when the page is served under the portal's address. `scheduled` values (banners, notices)
    also stop at the commune's next scheduled change.
    """
    if request is None or commune is None or not fragments_enabled():
        return compute()
    memo = request.__dict__.setdefault("_xaso_fragments", {})
    memo_key = (commune.pk, name)
    if memo_key in memo:
        return memo[memo_key]
    gens = _request_generations(request, commune.pk, commune.province_id)
    key = f"xaso:frag:{gens}:{commune.site_id}:{request.get_host().lower()}:{name}"
    cache = _cache()
    value = cache.get(key, _NO_VALUE)
    if value is _NO_VALUE:
        value = compute()
        timeout = getattr(settings, "XASO_PAGE_CACHE_SECONDS", 600)
        if scheduled:
            from .tenancy import HostInfo

            timeout = _timeout(HostInfo(commune.site_id, commune.pk, commune.province_id, True), gens)
        cache.set(key, value, timeout)
    memo[memo_key] = value
    return value


def site_and_commune(request, host_info, load):
    """The Site and Commune behind the host, kept per generation (a rename or move starts a new one)."""
    if not fragments_enabled():
        return load()
    gens = _request_generations(request, host_info.commune_id, host_info.province_id)
    key = f"xaso:host-objects:{gens}:{host_info.site_id}"
    cache = _cache()
    pair = cache.get(key)
    if pair is None:
        pair = load()
        if pair[0] is not None:
            cache.set(key, pair, getattr(settings, "XASO_PAGE_CACHE_SECONDS", 600))
    return pair


# --- Requests -------------------------------------------------------------------------------------


def _cacheable_request(request, host_info) -> bool:
    if request.method != "GET" or request.path_info.startswith(("/admin/", "/django-admin/")):
        return False
    if host_info.commune_id is None and request.path_info.strip("/").count("/") >= 1:
        # A commune's pages under the portal's address (/<province>/<commune>/...): the portal's
        # generation would not change when the commune publishes, so these are never kept.
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False  # possibly signed in: officers always see fresh pages
    return True


def _cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control and "no-cache" not in cache_control


def key_for(request, gens: str) -> str:
    raw = f"{request.get_host().lower()}|{request.get_full_path()}"
    return f"xaso:page:{gens}:{hashlib.sha1(raw.encode()).hexdigest()}"


def lookup(request, host_info):
    """A cached response for this request, or None (and a note on the request to store one)."""
    if not enabled() or not _cacheable_request(request, host_info):
        return None
    gens = _request_generations(request, host_info.commune_id, host_info.province_id)
    key = key_for(request, gens)
    entry = _cache().get(key)
    if entry is None:
        request._xaso_page_cache = (key, gens, host_info)
        return None
    return _replay(request, entry)


def store(request, response):
    """Keep this response if it may be shared; mark it for caches in front either way."""
    _run_when_served(request, response)
    pending = getattr(request, "_xaso_page_cache", None)
    if pending is None or not _cacheable_response(response):
        return response
    key, gens, host_info = pending
    body = response.content
    nonce = getattr(request, "_csp_nonce", None)
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    if isinstance(nonce, str):
        body = body.replace(nonce.encode(), NONCE_MARK.encode())
        for name in _CSP_HEADERS:
            if name in headers:
                headers[name] = headers[name].replace(nonce, NONCE_MARK)
    entry = {
        "body": body,
        "headers": headers,
        "etag": f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
        "modified": time.time(),
        "on_hit": list(getattr(request, "_xaso_on_hit", ())),
    }
    _cache().set(key, entry, _timeout(host_info, gens))
    _mark(response, entry)
    response["X-Cache"] = "miss"
    return response


def _timeout(host_info, gens: str) -> int:
    """Cache no longer than the next scheduled change of the commune's banners or notices.

    That moment is itself kept per generation: saving a banner or notice starts a new one."""
    timeout = getattr(settings, "XASO_PAGE_CACHE_SECONDS", 600)
    if not host_info.commune_id:
        return timeout
    cache = _cache()
    key = f"xaso:next-change:{gens}"
    upcoming = cache.get(key)
    if upcoming is None:
        from pages.site_content import next_scheduled_change

        upcoming = next_scheduled_change(host_info.commune_id) or 0
        cache.set(key, upcoming, timeout)
    if upcoming:
        timeout = max(1, min(timeout, int((upcoming - timezone.now()).total_seconds()) + 1))
    return timeout


def _mark(response, entry) -> None:
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    # Browsers and shared caches may keep a copy but must ask again (a 304 is cheap): a change
    # must show at once. A CDN purged by wagtail.contrib.frontend_cache may keep it longer.
    if "Cache-Control" not in response:  # a view's own choice (a QR image kept a day) stands
        shared = getattr(settings, "XASO_PAGE_CACHE_SHARED_MAX_AGE", 0)
        response["Cache-Control"] = f"public, max-age=0, s-maxage={shared}, must-revalidate"


# Work a view does on every visit, replayed when a cached copy answers instead (by name: the cache
# holds data, never code to import).
_ON_HIT_ACTIONS = {
    "news-view": "pages.news.services.count_view",
    "commune-view": "oversight.page_views.count_page_view",
}
# Counters of people's visits (oversight page views): not run for clients that say they are robots.
_PEOPLE_ONLY = {"commune-view"}
_ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "preview", "monitor", "headless", "curl", "wget")


def is_robot(request) -> bool:
    """Whether the user agent says it is a robot (search engines, link previews, uptime checks)."""
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    return not agent or any(word in agent for word in _ROBOT_WORDS)


def repeat_on_cache_hit(request, action: str, arg) -> None:
    if action not in _ON_HIT_ACTIONS:
        raise ValueError(action)
    request._xaso_on_hit = [*getattr(request, "_xaso_on_hit", []), (action, arg)]


def run_when_served(request, action: str, arg) -> None:
    """Run action once this request answers 200 (repeat_on_cache_hit covers the cached hits)."""
    if action not in _ON_HIT_ACTIONS:
        raise ValueError(action)
    request._xaso_on_served = [*getattr(request, "_xaso_on_served", []), (action, arg)]


def _run_when_served(request, response) -> None:
    if response.status_code != 200 or request.method != "GET":
        return
    for action, arg in getattr(request, "_xaso_on_served", ()):
        import_string(_ON_HIT_ACTIONS[action])(arg)


def _replay(request, entry):
    for action, arg in entry.get("on_hit", ()):
        if action in _PEOPLE_ONLY and is_robot(request):
            continue
        if action in _ON_HIT_ACTIONS:
            import_string(_ON_HIT_ACTIONS[action])(arg)
    body = entry["body"]
    headers = dict(entry["headers"])
    if NONCE_MARK.encode() in body or any(NONCE_MARK in headers.get(name, "") for name in _CSP_HEADERS):
        nonce = b64encode(secrets.token_bytes(16)).decode("ascii")
        body = body.replace(NONCE_MARK.encode(), nonce.encode())
        for name in _CSP_HEADERS:
            if name in headers:
                headers[name] = headers[name].replace(NONCE_MARK, nonce)
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    _mark(response, entry)
    response["X-Cache"] = "hit"
    conditional = get_conditional_response(
        request, etag=entry["etag"], last_modified=int(entry["modified"]), response=response
    )
    return conditional if conditional is not None else response


# --- What changes which pages ---------------------------------------------------------------------

_batch: contextvars.ContextVar[set | None] = contextvars.ContextVar("xaso_page_cache_batch", default=None)


@contextlib.contextmanager
def batch(*, everything: bool = False):
    """Collect the invalidations of a bulk operation (an import of 2,000 procedures) into one.

    With everything=True the caller already knows the whole install is affected (a new commune is
    listed on the portal): changes inside are not even looked at, which saves a query per page saved.
    """
    if _batch.get() is not None:
        yield
        return
    keys = {_gen_key("all", 0)} if everything else set()
    token = _batch.set(keys)
    _settled.set(everything)
    try:
        yield
    finally:
        _batch.reset(token)
        _settled.set(False)
        if keys:
            _bump(sorted(keys))
            transaction.on_commit(lambda: _bump(sorted(keys)))


_settled: contextvars.ContextVar[bool] = contextvars.ContextVar("xaso_page_cache_settled", default=False)


def _affected_owner(instance):
    """The object whose owner decides which pages show instance, or None if no public page does."""
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.models import CollectionMember, Page

    from .snippets import CommuneOwned

    if isinstance(instance, (Page, CollectionMember, CommuneOwned)):
        return instance
    if isinstance(instance, BaseSiteSetting):
        return instance.site if instance.site_id else None
    label = instance._meta.label
    if label in _OWNED_BY_FIELD:
        parent = getattr(instance, _OWNED_BY_FIELD[label], None)
        return _affected_owner(parent) if parent is not None else None
    if label in ("procedures.Procedure", "procedures.CommuneProcedure", "wagtailmedia.Media"):
        return instance
    return None


# Child rows saved with their parent, and models whose public pages are found through a field.
_OWNED_BY_FIELD = {
    "pages.MenuItem": "settings",
    "pages.FooterLink": "identity",
    "wagtailredirects.Redirect": "site",
}
# Changes that reach the portal's lists of provinces and communes, or every site at once.
_INSTALL_WIDE = {"sites.Commune", "sites.Province", "wagtailcore.Site"}


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw") or _settled.get():
        return
    if kwargs.get("created") and _is_site_setting(instance):
        return  # Wagtail creates a site's settings row, with defaults, the first time a page reads it
    label = instance._meta.label
    if label in _INSTALL_WIDE:
        invalidate(everything=True)
        return
    owner = _affected_owner(instance)
    if owner is not None:
        invalidate_owner(owner)


def _is_site_setting(instance) -> bool:
    from wagtail.contrib.settings.models import BaseSiteSetting

    return isinstance(instance, BaseSiteSetting)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_changed, dispatch_uid="xaso-page-cache-save")
    post_delete.connect(_changed, dispatch_uid="xaso-page-cache-delete")
    page_published.connect(_changed, dispatch_uid="xaso-page-cache-publish")
    page_unpublished.connect(_changed, dispatch_uid="xaso-page-cache-unpublish")
    post_page_move.connect(_changed, dispatch_uid="xaso-page-cache-move")
