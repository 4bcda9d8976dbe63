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


def home_sections(home_page, request) -> list[tuple[HomeSection, object]]:
    """(section, items) pairs in display order; sections with no items are left out."""
    result = []
    for section in sorted(HOME_SECTIONS.values(), key=lambda s: s.order):
        items = section.get_items(home_page, request)
        if items:
            result.append((section, items))
    return result
