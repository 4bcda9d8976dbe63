"""The tenancy resolver: which commune a request, a user or an object belongs to.

Every admin view, chooser, listing and public view asks this module; nothing else
filters by commune on its own. Wagtail is not multi-tenant, so this is where isolation lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from wagtail.models import (
    BaseLogEntry,
    Collection,
    CollectionMember,
    ModelLogEntry,
    Page,
    PageLogEntry,
    Site,
    Task,
    Workflow,
    WorkflowTask,
)

from .models import Commune, Province

_HOST_INFO_KEY = "xaso:host-info:v1:{}"
_MISSING = 0


# --- Requests -------------------------------------------------------------


def forget_hostname(hostname: str) -> None:
    cache.delete(_HOST_INFO_KEY.format(hostname.lower()))


@dataclass(frozen=True)
class HostInfo:
    """What a hostname answers for, in ids: enough to find a cached page without a query."""

    site_id: int
    commune_id: int | None
    province_id: int | None
    active: bool


def host_info(hostname: str) -> HostInfo | None:
    """The ids behind a hostname, or None for an unknown host. Cached; cleared with the hostname."""
    hostname = hostname.lower().rstrip(".")
    key = _HOST_INFO_KEY.format(hostname)
    info = cache.get(key)
    if info is None:
        site_id = Site.objects.filter(hostname=hostname).values_list("pk", flat=True).first()
        if site_id is None:
            info = _MISSING
        else:
            row = Commune.objects.filter(site_id=site_id).values_list("pk", "province_id", "status").first()
            commune_id, province_id, status = row or (None, None, None)
            info = (site_id, commune_id, province_id, row is None or status == Commune.Status.ACTIVE)
        cache.set(key, info, 3600)
    return None if info == _MISSING else HostInfo(*info)


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
    prefixes = _path_prefixes(_current_path(collection), Collection.steplen)
    return Commune.objects.filter(collection__path__in=prefixes).first()


def province_for_collection(collection: Collection) -> Province | None:
    prefixes = _path_prefixes(_current_path(collection), Collection.steplen)
    return Province.objects.filter(collection__path__in=prefixes).first()


def _current_path(collection: Collection) -> str:
    # Collections keep their siblings sorted by name, so adding one can move the others:
    # a path read before that is stale. Ask the database.
    if collection.pk is None:
        return collection.path
    return Collection.objects.filter(pk=collection.pk).values_list("path", flat=True).first() or collection.path


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
    if isinstance(obj, CollectionMember):
        # Files belong where their collection is; their commune field is a copy kept for queries.
        return owner_of(obj.collection)
    if getattr(getattr(obj, "_meta", None), "label", "") == "procedures.Procedure":
        return None, obj.province_id  # a province's procedure catalogue entry: its province admins only
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
    # Provinces whose training workshops the user runs (trainers; province admins run them too).
    trainer_province_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_province_admin(self) -> bool:
        return bool(self.province_ids)

    @property
    def workshop_province_ids(self) -> frozenset[int]:
        return self.province_ids | self.trainer_province_ids

    def runs_workshops_in(self, province_id) -> bool:
        return self.is_superuser or province_id in self.workshop_province_ids

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
        if self.is_superuser:
            return True
        label = getattr(getattr(obj, "_meta", None), "label", "")
        if label in ("training.Workshop", "training.Trainee"):
            workshop = obj if label == "training.Workshop" else obj.workshop
            return self.runs_workshops_in(workshop.province_id)
        return self.allows(*owner_of(obj))

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

    @property
    def administers_provinces(self) -> bool:
        """Operators and province admins: they post province alerts and oversee communes."""
        return self.is_superuser or self.is_province_admin

    def administered_provinces(self):
        """Provinces the user administers, in Vietnamese order: all for operators, none for officers."""
        provinces = Province.objects.all()
        if not self.is_superuser:
            provinces = provinces.filter(pk__in=self.province_ids)
        return provinces.order_by("sort_name")


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
        trains = Province.objects.filter(trainers_group__in=group_ids)
        scope = Scope(
            commune_ids=frozenset(communes.values_list("pk", flat=True)),
            province_ids=frozenset(provinces.values_list("pk", flat=True)),
            trainer_province_ids=frozenset(trains.values_list("pk", flat=True)),
        )
    user._xaso_scope = scope
    return scope


def commune_for_user(user) -> Commune | None:
    """The one commune an officer works for (None for province admins and operators)."""
    scope = scope_for_user(user)
    if len(scope.commune_ids) != 1:
        return None
    return Commune.objects.select_related("province", "site").get(pk=next(iter(scope.commune_ids)))


# --- Querysets: what a user may see in the admin ----------------------------------
#
# Wagtail's listings, choosers, filters and reports are global. Each scoped view, hook and
# filter narrows its queryset with one of these functions; a superuser always gets it unchanged.
# Anything not owned by a commune or a province the user works for is left out.


def _nothing(queryset):
    return queryset.none()


def _prefix_q(paths, field="path") -> Q | None:
    """Q matching rows whose tree path starts with one of paths (None when there are none)."""
    q = None
    for path in paths:
        term = Q(**{f"{field}__startswith": path})
        q = term if q is None else q | term
    return q


def _outermost(paths) -> list[str]:
    """Drop paths that sit inside another path of the list (a province already covers its communes)."""
    kept = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def page_roots(user) -> list[Page]:
    """The top pages of the user's scope: their communes' home pages and their provinces' pages."""
    scope = scope_for_user(user)
    if scope.is_superuser:
        return [Page.get_first_root_node()]
    cached = getattr(user, "_xaso_page_roots", None)
    if cached is None:
        ids = set(scope.communes().exclude(home_page=None).values_list("home_page_id", flat=True))
        ids |= set(
            Province.objects.filter(pk__in=scope.province_ids).exclude(page=None).values_list("page_id", flat=True)
        )
        pages = {p.path: p for p in Page.objects.filter(pk__in=ids)}
        cached = [pages[path] for path in _outermost(pages)]
        user._xaso_page_roots = cached
    return cached


def chooser_root_for_user(user) -> Page | None:
    """Where the page chooser opens for this user: their one root, or the closest page above several."""
    roots = page_roots(user)
    if scope_for_user(user).is_superuser or not roots:
        return None
    if len(roots) == 1:
        return roots[0]
    return Page.objects.filter(pk__in=[r.pk for r in roots]).first_common_ancestor()


def pages_in_scope(user, queryset, *, with_ancestors=False):
    """Pages inside the user's communes' and provinces' subtrees.

    with_ancestors adds the pages above those subtrees (the root, the portal, the user's province),
    so a tree listing can lead down to the user's pages; it never adds a sibling commune.
    """
    if scope_for_user(user).is_superuser:
        return queryset
    roots = page_roots(user)
    q = _prefix_q(r.path for r in roots)
    if q is None:
        return _nothing(queryset)
    if with_ancestors:
        q |= Q(path__in={p for r in roots for p in _path_prefixes(r.path, Page.steplen)})
    return queryset.filter(q)


def is_page_root_ancestor(user, page: Page) -> bool:
    """True for pages above the user's roots (the portal, their province): shown as a way down, never listed."""
    return any(root.path.startswith(page.path) and root.path != page.path for root in page_roots(user))


def collections_in_scope(user, queryset):
    """Collections inside the user's communes' and provinces' collections."""
    scope = scope_for_user(user)
    if scope.is_superuser:
        return queryset
    paths = list(
        Collection.objects.filter(
            Q(pk__in=scope.communes().values("collection_id"))
            | Q(pk__in=Province.objects.filter(pk__in=scope.province_ids).values("collection_id"))
        ).values_list("path", flat=True)
    )
    q = _prefix_q(_outermost(paths))
    return queryset.filter(q) if q is not None else _nothing(queryset)


def sites_in_scope(user, queryset):
    scope = scope_for_user(user)
    if scope.is_superuser:
        return queryset
    return queryset.filter(pk__in=scope.communes().values("site_id"))


def default_site_for_user(user, site: Site | None) -> Site | None:
    """The site whose settings the user should land on: the request's own if theirs, else their first one."""
    allowed = sites_in_scope(user, Site.objects.order_by("hostname"))
    if site is not None and allowed.filter(pk=site.pk).exists():
        return site
    return allowed.first()


def groups_in_scope(user, queryset):
    """The editors and approvers groups of the user's communes and the admins groups of their provinces."""
    scope = scope_for_user(user)
    if scope.is_superuser:
        return queryset
    communes = scope.communes()
    return queryset.filter(
        Q(pk__in=communes.values("editors_group_id"))
        | Q(pk__in=communes.values("approvers_group_id"))
        | Q(pk__in=scope.provinces().values("admins_group_id"))
    )


def users_in_scope(user, queryset):
    """The user and the people who work for the same communes or provinces (their province's admins included)."""
    if scope_for_user(user).is_superuser:
        return queryset
    members = get_user_model().groups.through.objects.filter(group__in=groups_in_scope(user, Group.objects.all()))
    return queryset.filter(Q(pk=user.pk) | Q(pk__in=members.values("user_id")))


def workflows_in_scope(user, queryset):
    scope = scope_for_user(user)
    if scope.is_superuser:
        return queryset
    return queryset.filter(pk__in=scope.communes().values("workflow_id"))


def tasks_in_scope(user, queryset):
    """Tasks of the user's communes' workflows."""
    if scope_for_user(user).is_superuser:
        return queryset
    workflows = workflows_in_scope(user, Workflow.objects.all())
    return queryset.filter(pk__in=WorkflowTask.objects.filter(workflow__in=workflows).values("task_id"))


def files_in_scope(user, queryset):
    """Images, documents and videos in the user's communes' and provinces' collections."""
    if scope_for_user(user).is_superuser:
        return queryset
    return queryset.filter(collection__in=collections_in_scope(user, Collection.objects.all()))


def _file_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtailmedia import get_media_model

    return (get_image_model(), get_document_model(), get_media_model())


def _string_pks(queryset):
    return queryset.annotate(_pk_str=Cast("pk", output_field=CharField())).values("_pk_str")


def log_entries_in_scope(user, queryset):
    """History rows about objects the user may see: pages, files, commune-owned snippets, collections, sites…

    Wagtail shows a non-page log entry to anyone with a model permission on its type, whatever commune
    the object belongs to; here each entry must name an object in scope, and unknown types are left out.
    """
    if scope_for_user(user).is_superuser:
        return queryset
    model = queryset.model
    if issubclass(model, PageLogEntry):
        return queryset.filter(page__in=pages_in_scope(user, Page.objects.all()))
    if not issubclass(model, ModelLogEntry):
        return _nothing(queryset)
    from django.contrib.contenttypes.models import ContentType

    from pages.models import CommuneIdentity
    from pages.procedures.models import Procedure

    from .snippets import COMMUNE_OWNED_MODELS

    scope = scope_for_user(user)
    owned = [(m, files_in_scope(user, m.objects.all())) for m in _file_models()]
    # Banners, notices, news categories…: their history is visible to their own commune only.
    communes = scope.communes().values("pk")
    owned += [(m, m._base_manager.filter(commune__in=communes)) for m in COMMUNE_OWNED_MODELS]
    owned += [
        (Collection, collections_in_scope(user, Collection.objects.all())),
        (Commune, scope.communes()),
        (Province, Province.objects.filter(pk__in=scope.province_ids)),
        (Procedure, Procedure.objects.filter(province_id__in=scope.province_ids)),
        (Site, sites_in_scope(user, Site.objects.all())),
        (CommuneIdentity, CommuneIdentity.objects.filter(site__in=sites_in_scope(user, Site.objects.all()))),
    ]
    q = Q(pk__in=[])
    for owned_model, rows in owned:
        content_type = ContentType.objects.get_for_model(owned_model)
        q |= Q(content_type=content_type, object_id__in=_string_pks(rows.order_by()))
    # Sign-ins and permission changes (sites.audit): by the communes and provinces their person or
    # group belonged to when they happened, so a person moved to another commune takes no history along.
    keys = audit_keys_for_viewer(scope)
    if keys:
        q |= Q(action__startswith=AUDIT_ACTION_PREFIX, **{f"data__{AUDIT_SCOPE_KEY}__has_any_keys": keys})
    return queryset.filter(q)


# --- Audit trail ------------------------------------------------------------------
#
# Each audit entry (sites.audit) stores, in data["scope"], keys naming the communes and provinces whose
# people or groups it is about: a commune's officers and groups give "commune:<id>" and "province:<id>",
# a province's admins "province:<id>". An officer reads the entries of their own commune; a province
# admin those of their province (its admins and every commune's officers); operators everything.
# Entries that name no commune or province (operators, unknown usernames) are for operators only.

AUDIT_ACTION_PREFIX = "xaso."
AUDIT_SCOPE_KEY = "scope"


def _audit_key(kind: str, pk) -> str:
    return f"{kind}:{pk}"


def audit_scope(group_ids) -> dict[str, bool]:
    """The keys stamped on an audit entry about members of these groups (ids or a values() subquery).

    Read from the groups themselves, not scope_for_user: a deactivated officer still belongs to their commune.
    """
    keys = {}
    role = Q(editors_group__in=group_ids) | Q(approvers_group__in=group_ids)
    for commune_id, province_id in Commune.objects.filter(role).values_list("pk", "province_id"):
        keys[_audit_key("commune", commune_id)] = True
        keys[_audit_key("province", province_id)] = True
    trainers_or_admins = Q(admins_group__in=group_ids) | Q(trainers_group__in=group_ids)
    for province_id in Province.objects.filter(trainers_or_admins).values_list("pk", flat=True):
        keys[_audit_key("province", province_id)] = True
    return keys


def audit_keys_for_viewer(scope: Scope) -> list[str]:
    """The audit keys a user with this scope reads: their communes' and their provinces'."""
    return sorted(
        [_audit_key("commune", pk) for pk in scope.commune_ids]
        + [_audit_key("province", pk) for pk in scope.province_ids]
    )


def _tagged_items_in_scope(user, model):
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import TaggedItem

    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id__in=files_in_scope(user, model.objects.all()).values("pk"),
    )


def tags_in_scope(user, queryset):
    """Tags used on the user's own files (taggit's tags are one list for the whole install)."""
    if scope_for_user(user).is_superuser:
        return queryset
    q = Q(pk__in=[])
    for model in _file_models():
        q |= Q(pk__in=_tagged_items_in_scope(user, model).values("tag_id"))
    return queryset.filter(q)


def popular_tags_for_user(user, model, count=10) -> list:
    """Wagtail's popular_tags_for_model, counted over the user's own files of that model only."""
    from django.db.models import Count
    from taggit.models import Tag

    if not issubclass(model, _file_models()):
        return []
    model = next(m for m in _file_models() if issubclass(model, m))
    rows = _tagged_items_in_scope(user, model).values("tag_id").annotate(n=Count("pk")).order_by("-n", "tag_id")
    ids = [row["tag_id"] for row in rows[:count]]
    tags = Tag.objects.in_bulk(ids)
    return [tags[pk] for pk in ids]


def scope_queryset(user, queryset):
    """Narrow any admin queryset to the user's scope by what its rows are; other kinds pass unchanged.

    Used where Wagtail builds choices from a global queryset (listing filters, dropdowns).
    Kinds that are not tenant data (content types, locales, log actions) are not narrowed.
    """
    if scope_for_user(user).is_superuser:
        return queryset
    from taggit.models import TagBase

    model = queryset.model
    if issubclass(model, Page):
        return pages_in_scope(user, queryset)
    if issubclass(model, Collection):
        return collections_in_scope(user, queryset)
    if issubclass(model, Site):
        return sites_in_scope(user, queryset)
    if issubclass(model, get_user_model()):
        return users_in_scope(user, queryset)
    if issubclass(model, Group):
        return groups_in_scope(user, queryset)
    if issubclass(model, Workflow):
        return workflows_in_scope(user, queryset)
    if issubclass(model, Task):
        return tasks_in_scope(user, queryset)
    if issubclass(model, Commune):
        return queryset.filter(pk__in=scope_for_user(user).communes().values("pk"))
    if issubclass(model, Province):
        return queryset.filter(pk__in=scope_for_user(user).provinces().values("pk"))
    if issubclass(model, _file_models()):
        return files_in_scope(user, queryset)
    if issubclass(model, BaseLogEntry):
        return log_entries_in_scope(user, queryset)
    if issubclass(model, TagBase):
        return tags_in_scope(user, queryset)
    from .snippets import CommuneOwned, owned_in_scope

    if issubclass(model, CommuneOwned):
        return owned_in_scope(user, queryset)
    return queryset
