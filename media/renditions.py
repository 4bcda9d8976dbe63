"""The theme's image renditions: which sizes it uses, making them in the background, and never in a page request.

Every size a public template asks for is listed in THEME_SPECS (tests/test_renditions.py fails when a template
uses one that is missing). An uploaded image gets all of them from the `generate_theme_renditions` task.
While a public page renders (`public_rendering()`, set by media.middleware), a missing rendition is not made
inline: the task is enqueued for its image and a placeholder of the right size is shown instead.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.templatetags.static import static
from wagtail.images.models import Filter

logger = logging.getLogger(__name__)

# Brace patterns exactly as the templates write them (Wagtail expands them with Filter.expand_spec).
THEME_SPECS: dict[str, list[str]] = {
    # templates/components/header.html
    "logo": ["height-{64,128}"],
    # templates/components/banner.html: side and top/hero banners
    "banner": ["format-{webp,jpeg} width-{300,600}", "format-{webp,jpeg} width-{480,960,1200}"],
    # templates/news/components/article_card.html (pages/news/models.py CARD_IMAGE_SPECS prefetches them)
    "article_card": ["fill-{360x203,720x405} format-{webp,jpeg}"],
    # templates/news/components/featured_image.html and templates/blocks/image_block.html
    "featured_image": ["format-{webp,jpeg} width-{400,800,1200}"],
    # templates/components/leader.html
    "leader_photo": ["format-{webp,jpeg} fill-{150x200,300x400}"],
    # templates/videos/includes/video_player.html and youtube_facade.html
    "video_poster": ["fill-1280x720 format-jpeg", "format-{webp,jpeg} fill-{640x360,1280x720}"],
    # templates/videos/includes/video_card.html and album_card.html
    "video_card": ["format-{webp,jpeg} fill-{320x180,640x360}"],
    # templates/videos/includes/photo.html: the thumbnail and the full-size link
    "photo": ["format-{webp,jpeg} fill-{320x240,640x480}", "max-1600x1600"],
    # templates/pages/map_page.html
    "map": ["format-{webp,jpeg} width-{480,960,1600}"],
    # pages/templatetags/site_tags.py META_IMAGE_FILTER (Open Graph / Twitter card)
    "meta_image": ["max-1200x630"],
    # Wagtail's rich text image formats (full width, left, right) for images embedded in rich text
    "rich_text": ["width-800", "width-500"],
}

# Served in place of a rendition that the background task has not made yet (scaled to the rendition's size).
PLACEHOLDER_STATIC_PATH = "img/dang-tao-anh.svg"
# While a task for an image is queued, other requests for the same image do not queue another one.
ENQUEUE_LOCK_SECONDS = 300


def expand(pattern: str) -> list[str]:
    """The filter specs one brace pattern stands for, in Wagtail's own order."""
    return Filter.expand_spec(pattern)


@functools.cache
def theme_specs() -> tuple[str, ...]:
    """Every filter spec the theme uses, each once, in THEME_SPECS order."""
    return tuple(dict.fromkeys(spec for patterns in THEME_SPECS.values() for p in patterns for spec in expand(p)))


# --- Where generation may happen -------------------------------------------------------


@dataclass
class _PublicRender:
    """Set while a public request renders: generation is deferred; each image's task is queued once."""

    enqueued: set = field(default_factory=set)
    placeholders: int = 0  # a page that shows one must not be cached (media.middleware)


_public_render: contextvars.ContextVar[_PublicRender | None] = contextvars.ContextVar("public_render", default=None)


@contextmanager
def public_rendering():
    """Within this block (a public page request) missing renditions are queued, not made.

    Yields the request's state: `placeholders` counts the stand-ins it showed."""
    state = _PublicRender()
    token = _public_render.set(state)
    try:
        yield state
    finally:
        _public_render.reset(token)


@contextmanager
def generation_allowed():
    """Within this block renditions are made as usual, even inside a public request (the task, the CLI)."""
    token = _public_render.set(None)
    try:
        yield
    finally:
        _public_render.reset(token)


def generation_deferred() -> bool:
    return _public_render.get() is not None


# --- Making them (service) -------------------------------------------------------------


def ensure_theme_renditions(image, extra_specs: Iterable[str] = ()) -> int:
    """Make the theme's renditions (and any extra specs) that the image lacks, in one batch.

    Returns how many were made. Called by the task, the `renditions` command and the tests.
    """
    filters = [Filter(spec) for spec in dict.fromkeys([*theme_specs(), *extra_specs])]
    with generation_allowed():
        existing = image.find_existing_renditions(*filters)
        missing = [f for f in filters if f not in existing]
        if missing:
            image.get_renditions(*missing)
    if missing:
        from sites import page_cache

        # Pages and fragments read while these were missing show placeholders or stale lists: refresh them.
        page_cache.invalidate_owner(image)
    return len(missing)


def schedule_theme_renditions(image) -> None:
    """Queue the task for this image once the current transaction commits (the worker must see the row)."""
    from media.tasks import generate_theme_renditions

    image_id = image.pk
    transaction.on_commit(lambda: generate_theme_renditions.enqueue(image_id), robust=True)


# --- Public requests: queue, don't make ------------------------------------------------


def deferred_renditions(image, filters: list[Filter]) -> dict[Filter, object]:
    """The renditions a public request asked for that Wagtail did not find: from the database if they
    exist after all, else stand-ins.

    For the missing ones the image's task is queued (once per request, and once per ENQUEUE_LOCK_SECONDS
    across requests). A backend that runs tasks at once (ImmediateBackend, the dev and test default) has
    made them by the time enqueue returns: those are read back and served. The rest get a placeholder.
    """
    from django_tasks import TaskResultStatus

    from media.tasks import generate_theme_renditions

    state = _public_render.get()
    # Wagtail trusts prefetched renditions; a list cached with its image may predate them.
    found = _read_back(image, filters)
    missing = [f for f in filters if f not in found]
    extra = sorted({f.spec for f in missing} - set(theme_specs()))
    lock = _lock_key(image, extra)
    if missing and lock not in state.enqueued and cache.add(lock, 1, ENQUEUE_LOCK_SECONDS):
        state.enqueued.add(lock)
        try:
            result = generate_theme_renditions.enqueue(image.pk, extra)
        except Exception:  # a queue that is down must not take the page down with it
            logger.exception("Không xếp được việc tạo ảnh cho ảnh #%s", image.pk)
            cache.delete(lock)
        else:
            if result.status == TaskResultStatus.SUCCESSFUL:
                cache.delete(lock)
                found |= _read_back(image, missing)
    missing = [f for f in filters if f not in found]
    state.placeholders += len(missing)
    return {**found, **{f: _placeholder(image, f) for f in missing}}


def _lock_key(image, extra_specs: list[str]) -> str:
    digest = hashlib.sha1("|".join(extra_specs).encode()).hexdigest()[:12] if extra_specs else "theme"
    return f"media:rendition-task:{image.pk}:{digest}"


def _read_back(image, filters: list[Filter]) -> dict[Filter, object]:
    by_key = {(f.spec, f.get_cache_key(image)): f for f in filters}
    found = {}
    rows = image.renditions.filter(filter_spec__in=[f.spec for f in filters])
    for rendition in rows:
        filter_ = by_key.get((rendition.filter_spec, rendition.focal_point_key))
        if filter_ is not None:
            rendition.image = image
            found[filter_] = rendition
    return found


def _placeholder(image, filter_: Filter):
    """An unsaved rendition of the right size whose URL is a static placeholder picture."""
    try:
        width, height = filter_.get_transform(image).size
    except Exception:  # an odd spec or image size: keep the page, lose only the size hint
        width, height = image.width, image.height
    rendition = image.get_rendition_model()(
        image=image,
        filter_spec=filter_.spec,
        focal_point_key=filter_.get_cache_key(image),
        width=width,
        height=height,
    )
    rendition.placeholder_url = static(PLACEHOLDER_STATIC_PATH)
    rendition._from_cache = True  # Wagtail does not write flagged renditions to its rendition cache
    return rendition


# --- Images uploaded before the theme renditions existed ------------------------------------


@dataclass
class BackfillReport:
    images: int = 0
    created: int = 0
    failed: list = field(default_factory=list)  # (image id, title) whose original file cannot be read


def theme_rendition_backfill(*, commune=None, progress=lambda images, total: images) -> BackfillReport:
    """Make the theme renditions every image (of one commune, or all) still lacks.

    Resumable: renditions that exist are skipped, so an interrupted run simply starts again.
    """
    from wagtail.images import get_image_model
    from wagtail.images.models import SourceImageIOError

    images = get_image_model().objects.order_by("pk")
    if commune is not None:
        images = images.filter(commune=commune)
    report = BackfillReport()
    for image in progress(images.iterator(chunk_size=200), images.count()):
        report.images += 1
        try:
            report.created += ensure_theme_renditions(image)
        except (SourceImageIOError, OSError) as exc:
            logger.warning("Không tạo được ảnh thu nhỏ cho ảnh #%s: %s", image.pk, exc)
            report.failed.append((image.pk, image.title))
    return report
