"""What a commune home page shows, contributed by each content app.

An app registers a HomeSection in its AppConfig.ready(); the home page renders the registered
sections in `order`, each with its own small template. This keeps the home page free of imports
from every content app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

HOME_SECTIONS: dict[str, HomeSection] = {}


@dataclass(frozen=True)
class HomeSection:
    key: str  # unique, e.g. "latest_news"
    template: str  # e.g. "news/home/latest_news.html"; receives `items`, `home`, `section`
    get_items: Callable  # get_items(home_page, request) -> list or queryset (already limited)
    order: int = 100
    title: str = ""


def register_home_section(section: HomeSection) -> None:
    HOME_SECTIONS[section.key] = section


def home_sections(home_page, request, commune=None) -> list[tuple[HomeSection, object]]:
    """(section, items) pairs in display order; sections with no items are left out.

    The items are the same for every visitor until the commune's content changes: kept per generation."""
    from sites.page_cache import commune_fragment

    keys = commune_fragment(
        request, commune, f"home-sections:{home_page.pk}", lambda: _section_items(home_page, request)
    )
    return [(HOME_SECTIONS[key], items) for key, items in keys if key in HOME_SECTIONS]


def _section_items(home_page, request) -> list[tuple[str, object]]:
    result = []
    for key, section in sorted(HOME_SECTIONS.items(), key=lambda pair: pair[1].order):
        items = section.get_items(home_page, request)
        if items:
            result.append((key, list(items) if hasattr(items, "__iter__") and not isinstance(items, dict) else items))
    return result
