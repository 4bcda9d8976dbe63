"""Rate limits and same-host checks for residents' public POSTs (comments, ratings).

Residents have no session, so the public forms carry no CSRF token (a token would be baked into the
shared cached page). Instead a POST must come from a page of the same host (Origin, else Referer),
and each client address is counted in the cache under a salted hash: the address itself is never
stored, neither in the cache nor in the database. The address is the one the login lockout uses
(sites.audit.client_ip: REMOTE_ADDR, or X-Forwarded-For behind TRUSTED_PROXY_COUNT proxies).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from sites.audit import client_ip


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `seconds` for one address (a fixed window from the first hit)."""

    name: str
    count: int
    seconds: int


def address_hash(request) -> str:
    """A salted hash of the client's address: enough to count it, useless to find it again."""
    return salted_hmac("xaso.public-post-address", client_ip(request) or "-").hexdigest()[:32]


def hit(request, limit: Limit, *parts) -> bool:
    """Count one hit of this address (and parts: a page id, a day…); False once it is over the limit."""
    key = ":".join(["xaso:rl", limit.name, address_hash(request), *map(str, parts)])
    cache.add(key, 0, limit.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, limit.seconds)
        count = 1
    return count <= limit.count


def same_host(request) -> bool:
    """The POST came from a page of this host: Origin says so, or (without Origin) the Referer does."""
    host = request.get_host().lower()
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc.lower() == host
    referer = request.headers.get("Referer")
    if referer:
        return urlsplit(referer).netloc.lower() == host
    return False
