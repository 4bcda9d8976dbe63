"""Every URL pattern of the install, walked from Django's resolver (never a hand-written list)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern text, prefixes included
    name: str | None  # the URL name, without namespaces
    namespaces: tuple[str, ...]
    kwargs: tuple[str, ...]  # named groups and converters, sorted
    positional: int  # unnamed regex groups (wagtail_serve, wagtaildocs_serve)

    @property
    def qualname(self) -> str | None:
        """ "namespace:name" as reverse() takes it; None for unnamed patterns."""
        if not self.name:
            return None
        return ":".join((*self.namespaces, self.name))

    @property
    def key(self) -> str:
        """What the classification table matches: the qualified name, or the route text if unnamed."""
        return self.qualname or f"route:{self.route}"

    @property
    def namespace(self) -> str:
        return self.namespaces[0] if self.namespaces else ""


def _walk(resolver, prefix: str, namespaces: tuple[str, ...], named: tuple, positional: int):
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        regex = pattern.pattern.regex
        here = named + tuple(regex.groupindex)
        unnamed = positional + regex.groups - len(regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from _walk(pattern, text, inner, here, unnamed)
        elif isinstance(pattern, URLPattern):
            yield Route(
                route=text, name=pattern.name, namespaces=namespaces, kwargs=tuple(sorted(here)), positional=unnamed
            )


def all_routes() -> list[Route]:
    """Each URL pattern once (Django lists a few twice when two includes share a module)."""
    seen, routes = set(), []
    for route in _walk(get_resolver(), "", (), (), 0):
        if (route.key, route.kwargs, route.route) not in seen:
            seen.add((route.key, route.kwargs, route.route))
            routes.append(route)
    return routes
