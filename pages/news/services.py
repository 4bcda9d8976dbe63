"""News business actions: the cheap view counter and the article selectors the home page uses.

Views are counted in the cache (one atomic increment per view, no database write in the request);
`flush_view_counts()` moves them to ArticlePage.view_count. Run it from cron every few minutes:
`python manage.py flush_view_counts`. Nothing about the visitor is stored, only a number per article.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import F, Q

_VIEWS_KEY = "news:views:v1:{}"
_FLUSH_BATCH = 500


def _views_key(article_id: int) -> str:
    return _VIEWS_KEY.format(article_id)


def count_view(article_id: int) -> int:
    """Count one view of an article in the cache; returns the views not yet flushed."""
    key = _views_key(article_id)
    cache.add(key, 0, timeout=None)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add() and incr(): start again
        cache.set(key, 1, timeout=None)
        return 1


def pending_views(article_id: int) -> int:
    return cache.get(_views_key(article_id)) or 0


def flush_view_counts() -> int:
    """Add the cached view counts to the articles and clear them; returns how many views were added.

    Works on any cache backend (no key scanning): it asks for the keys of all articles, in batches.
    A view counted while flushing is kept, because the key is decremented rather than deleted.
    """
    from .models import ArticlePage

    ids = list(ArticlePage.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), _FLUSH_BATCH):
        keys = {_views_key(pk): pk for pk in ids[start : start + _FLUSH_BATCH]}
        for key, count in cache.get_many(list(keys)).items():
            if not count:
                continue
            ArticlePage.objects.filter(pk=keys[key]).update(view_count=F("view_count") + count)
            total += count
            try:
                if cache.decr(key, count) <= 0:
                    cache.delete(key)
            except ValueError:  # the key expired meanwhile: nothing left to clear
                pass
    return total


# --- Selectors for the commune home page ----------------------------------------------


def home_articles(home_page):
    """Live public articles inside one commune's site, newest first, with their card images."""
    from .models import ArticlePage, with_card_images

    articles = ArticlePage.objects.descendant_of(home_page).live().public().defer_streamfields()
    return with_card_images(articles.order_by("-date", "-pk"))


def featured_articles(home_page, request=None, limit: int = 3) -> list:
    return list(home_articles(home_page).filter(featured=True)[:limit])


def latest_articles(home_page, request=None, limit: int = 6) -> list:
    """The newest articles of the commune and those its province shares with it (marked “Từ UBND tỉnh …”)."""
    from pages.province_content.sharing import mark_shared, shared_q

    from .models import ArticlePage, with_card_images

    own = Q(path__startswith=home_page.path, depth__gt=home_page.depth)
    articles = ArticlePage.objects.filter(own | shared_q(ArticlePage, home_page.path)).live().public()
    articles = with_card_images(articles.defer_streamfields().order_by("-date", "-pk"))
    return mark_shared(articles[:limit], home_page.path)
