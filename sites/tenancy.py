"""The tenancy resolver: which commune a request, a user or an object belongs to.

Every admin view, chooser, listing and public view asks this module; nothing else
filters by commune on its own. Wagtail is not multi-tenant, so this is where isolation lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Collection, Page, Site

from .models import Commune, Province

_HOST_KEY = "xaso:host:v1:{}"
_MISSING = 0


# --- Requests -------------------------------------------------------------


def site_for_hostname(hostname: str) -> Site | None:
    """The Site answering on this hostname, or None. Cached; cleared when any Site changes."""
    hostname = hostname.lower().rstrip(".")
    key = _HOST_KEY.format(hostname)
    site_id = cache.get(key)
    if site_id is None:
        site_id = Site.objects.filter(hostname=hostname).values_list("pk", flat=True).first() or _MISSING
        cache.set(key, site_id, 3600)
    if site_id == _MISSING:
        return None
    return Site.objects.select_related("root_page").filter(pk=site_id).first()


def forget_hostname(hostname: str) -> None:
    cache.delete(_HOST_KEY.format(hostname.lower()))


def commune_for_site(site: Site | None) -> Commune | None:
    if site is None:
        return None
    return Commune.objects.select_related("province", "site").filter(site=site).first()


def commune_for_request(request) -> Commune | None:
    """The commune whose site serves this request: by hostname, or by page path on the portal."""
    if not hasattr(request, "_xaso_commune"):
        site = getattr(request, "_wagtail_site", None)
        request._xaso_commune = commune_for_site(site)
    return request._xaso_commune


# --- Objects --------------------------------------------------------------


def _path_prefixes(path: str, steplen: int) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def commune_for_page(page: Page) -> Commune | None:
    """The commune whose subtree holds this page (its home page included)."""
    prefixes = _path_prefixes(page.path, Page.steplen)
    return Commune.objects.select_related("province").filter(home_page__path__in=prefixes).first()


def province_for_page(page: Page) -> Province | None:
    prefixes = _path_prefixes(page.path, Page.steplen)
    return Province.objects.filter(page__path__in=prefixes).first()


def commune_for_collection(collection: Collection | None) -> Commune | None:
    """The commune owning this collection or the commune collection it sits inside."""
    if collection is None:
        return None
    prefixes = _path_prefixes(collection.path, Collection.steplen)
    return Commune.objects.filter(collection__path__in=prefixes).first()


def province_for_collection(collection: Collection) -> Province | None:
    prefixes = _path_prefixes(collection.path, Collection.steplen)
    return Province.objects.filter(collection__path__in=prefixes).first()


def owner_of(obj) -> tuple[int | None, int | None]:
    """(commune id, province id) that own obj; (None, None) for portal-level objects."""
    if isinstance(obj, Commune):
        return obj.pk, obj.province_id
    if isinstance(obj, Province):
        return None, obj.pk
    if isinstance(obj, Page):
        commune = commune_for_page(obj)
        if commune:
            return commune.pk, commune.province_id
        province = province_for_page(obj)
        return None, province.pk if province else None
    if isinstance(obj, Collection):
        commune = commune_for_collection(obj)
        if commune:
            return commune.pk, commune.province_id
        province = province_for_collection(obj)
        return None, province.pk if province else None
    if isinstance(obj, Site):
        commune = commune_for_site(obj)
        return (commune.pk, commune.province_id) if commune else (None, None)
    commune_id = getattr(obj, "commune_id", None)
    if commune_id is not None:
        province_id = Commune.objects.filter(pk=commune_id).values_list("province_id", flat=True).first()
        return commune_id, province_id
    if hasattr(obj, "collection"):
        return owner_of(obj.collection)
    return None, None


# --- Users ----------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a signed-in user may act on: whole install, some provinces, or one commune."""

    is_superuser: bool = False
    commune_ids: frozenset[int] = field(default_factory=frozenset)
    province_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_province_admin(self) -> bool:
        return bool(self.province_ids)

    @property
    def is_officer(self) -> bool:
        return bool(self.commune_ids)

    def allows(self, commune_id: int | None, province_id: int | None) -> bool:
        if self.is_superuser:
            return True
        if commune_id is not None and commune_id in self.commune_ids:
            return True
        return province_id is not None and province_id in self.province_ids

    def allows_object(self, obj) -> bool:
        return self.is_superuser or self.allows(*owner_of(obj))

    def communes(self):
        """Communes this user may see, as a queryset."""
        qs = Commune.objects.select_related("province", "site")
        if self.is_superuser:
            return qs
        return qs.filter(Q(pk__in=self.commune_ids) | Q(province_id__in=self.province_ids))

    def provinces(self):
        if self.is_superuser:
            return Province.objects.all()
        ids = set(self.province_ids) | set(
            Commune.objects.filter(pk__in=self.commune_ids).values_list("province_id", flat=True)
        )
        return Province.objects.filter(pk__in=ids)


EMPTY_SCOPE = Scope()


def scope_for_user(user) -> Scope:
    """The user's scope, from group membership (the one source of truth). Cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_xaso_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(is_superuser=True)
    else:
        group_ids = list(user.groups.values_list("pk", flat=True))
        communes = Commune.objects.filter(Q(editors_group__in=group_ids) | Q(approvers_group__in=group_ids))
        provinces = Province.objects.filter(admins_group__in=group_ids)
        scope = Scope(
            commune_ids=frozenset(communes.values_list("pk", flat=True)),
            province_ids=frozenset(provinces.values_list("pk", flat=True)),
        )
    user._xaso_scope = scope
    return scope


def commune_for_user(user) -> Commune | None:
    """The one commune an officer works for (None for province admins and operators)."""
    scope = scope_for_user(user)
    if len(scope.commune_ids) != 1:
        return None
    return Commune.objects.select_related("province", "site").get(pk=next(iter(scope.commune_ids)))
