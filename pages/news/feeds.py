"""RSS 2.0 and Atom feeds of a commune's news, whole or per category (mục tin).

Links are absolute on the commune's own host, also when the feed is read through the portal path,
so feed readers and the province portal always point at the commune's site.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags


class ArticlesRssFeed(Feed):
    feed_type = Rss201rev2Feed
    feed_suffix = "rss/"
    language = "vi"

    def __init__(self, index, category=None):
        super().__init__()
        self.index = index
        self.category = category
        self.commune = index.commune
        # The section's address on the commune's host: articles are its direct children.
        self.base_url = index.get_full_url()
        self.listing_url = self.base_url + (f"muc/{category.slug}/" if category else "")

    def get_object(self, request, *args, **kwargs):
        return self.index

    def title(self):
        place = self.commune.full_name if self.commune else ""
        if self.category:
            return f"{self.category.name} – {self.index.title} {place}".strip()
        return f"{self.index.title} – {place}".strip(" –")

    def link(self):
        return self.listing_url

    def feed_url(self):
        return self.listing_url + self.feed_suffix

    def description(self):
        if self.category and self.category.description:
            return self.category.description
        intro = strip_tags(self.index.intro or "").strip()
        return intro or f"Tin tức, sự kiện của {self.commune.full_name if self.commune else 'địa phương'}."

    subtitle = description  # Atom's name for it

    def items(self):
        from .models import FEED_ITEMS

        return self.index.articles(self.category).prefetch_related("categories")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        if not item.path.startswith(self.index.path):
            return item.get_full_url()  # shared by the province: its own address on the portal
        return f"{self.base_url}{item.slug}/"

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.last_published_at or item.date

    def item_author_name(self, item):
        return item.author or (self.commune.agency_name if self.commune else "")

    def item_categories(self, item):
        return [category.name for category in item.categories.all()]


class ArticlesAtomFeed(ArticlesRssFeed):
    feed_type = Atom1Feed
    feed_suffix = "atom/"
