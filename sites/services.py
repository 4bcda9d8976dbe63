"""Business actions on provinces, communes and officers.

The CLI, the admin, the importer and the tests all call these functions. Each is atomic
(it happens completely or leaves nothing) and idempotent (running it again changes nothing).
"""

from __future__ import annotations

import contextlib
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.log_actions import get_active_log_context
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    PageLogEntry,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.signal_handlers import disable_reference_index_auto_update

from pages.search_backend import title_norms_deferred
from pages.sections import STANDARD_SECTIONS

from . import audit, page_cache
from .models import Commune, FormerUnit, Province
from .tenancy import forget_hostname, scope_for_user
from .text import has_control_characters, hostname_label, is_valid_hostname, vn_slugify


class ServiceError(Exception):
    """A business rule refused the action; the message is Vietnamese and meant for a person."""


ROLE_EDITOR = "editor"
ROLE_APPROVER = "approver"
ROLE_PROVINCE_ADMIN = "province-admin"
ROLE_TRAINER = "trainer"
ROLES = {
    ROLE_EDITOR: "Biên tập viên",
    ROLE_APPROVER: "Lãnh đạo phê duyệt",
    ROLE_PROVINCE_ADMIN: "Quản trị tỉnh",
    ROLE_TRAINER: "Giảng viên tập huấn",
}
PROVINCE_ROLES = (ROLE_PROVINCE_ADMIN, ROLE_TRAINER)
# Trainers reach the admin and their province's workshops (training decides by scope), nothing else:
# no page, file or commune rights.

KIND_ALIASES = {
    "xa": Commune.Kind.XA,
    "xã": Commune.Kind.XA,
    "phuong": Commune.Kind.PHUONG,
    "phường": Commune.Kind.PHUONG,
    "thi tran": Commune.Kind.THI_TRAN,
    "thị trấn": Commune.Kind.THI_TRAN,
    "dac khu": Commune.Kind.DAC_KHU,
    "đặc khu": Commune.Kind.DAC_KHU,
}

# Page permissions per role on the commune's subtree (province admins: on the province's).
_PAGE_PERMS = {
    ROLE_EDITOR: ("add_page", "change_page"),
    ROLE_APPROVER: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
    ROLE_PROVINCE_ADMIN: ("add_page", "change_page", "publish_page", "lock_page", "unlock_page", "bulk_delete_page"),
}
# Collection permissions: (app_label, codename).
_FILE_PERMS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailmedia", "add_media"),
    ("wagtailmedia", "change_media"),
)
_COLLECTION_ADMIN_PERMS = (("wagtailcore", "add_collection"), ("wagtailcore", "change_collection"))
_PROVINCE_MODEL_PERMS = (
    ("sites", "add_commune"),
    ("sites", "change_commune"),
    ("sites", "view_commune"),
    # The province's procedure catalogue (pages.procedures); its listing is scoped to the province.
    ("procedures", "add_procedure"),
    ("procedures", "change_procedure"),
    ("procedures", "delete_procedure"),
    ("procedures", "view_procedure"),
)


# Column limits, checked before writing: PostgreSQL refuses a longer value in the middle of a provisioning.
NAME_MAX = Commune._meta.get_field("name").max_length
CODE_MAX = Commune._meta.get_field("code").max_length
FORMER_UNIT_MAX = FormerUnit._meta.get_field("name").max_length
PROVINCE_NAME_MAX = Province._meta.get_field("name").max_length
PROVINCE_DOMAIN_MAX = Province._meta.get_field("domain").max_length
EMAIL_MAX = 254


def _visible(value: str) -> str:
    """The text with its control characters written out (\\x00), so a message can point at them."""
    return "".join(f"\\x{ord(ch):02x}" if has_control_characters(ch) else ch for ch in value)


def parse_kind(value: str) -> str:
    kind = KIND_ALIASES.get((value or "").strip().lower())
    if kind is None:
        raise ServiceError(f"Loại đơn vị “{value}” không hợp lệ; dùng một trong: xã, phường, thị trấn, đặc khu.")
    return kind


# Within one provisioning: Permission rows by (app_label, codename), read once instead of once per grant,
# and the (tree model, pk) of the pages and collections it created.
_perm_memo: ContextVar[dict | None] = ContextVar("xaso_perm_memo", default=None)
_created_here: ContextVar[set | None] = ContextVar("xaso_created_here", default=None)


def _perms(pairs) -> list[Permission]:
    """Permission rows for (app_label, codename) pairs, in one query (none if already read in this provisioning)."""
    wanted = set(pairs)
    if not wanted:
        return []
    memo = _perm_memo.get()
    if memo is not None and wanted <= memo.keys():
        return [memo[pair] for pair in wanted]
    found = [
        p
        for p in Permission.objects.select_related("content_type").filter(codename__in=[c for _, c in wanted])
        if (p.content_type.app_label, p.codename) in wanted
    ]
    if len(found) != len(wanted):
        missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
        raise ServiceError(f"Thiếu quyền trong cơ sở dữ liệu: {sorted(missing)}. Hãy chạy “migrate”.")
    if memo is not None:
        memo.update(((p.content_type.app_label, p.codename), p) for p in found)
    return found


@contextlib.contextmanager
def _provisioning_run():
    """State for one provisioning: every permission it grants read in one query; the tree nodes it creates."""
    token = _perm_memo.set({})
    created_token = _created_here.set(set())
    try:
        page_perms = {("wagtailcore", c) for codenames in _PAGE_PERMS.values() for c in codenames}
        _perms(
            {("wagtailadmin", "access_admin"), *page_perms, *_FILE_PERMS, *_COLLECTION_ADMIN_PERMS}
            | {*_PROVINCE_MODEL_PERMS, *_site_setting_perms(), *_commune_owned_perms()}
        )
        yield
    finally:
        _perm_memo.reset(token)
        _created_here.reset(created_token)


def _page_perms(role) -> list[Permission]:
    return _perms(("wagtailcore", c) for c in _PAGE_PERMS[role])


# --- Portal and provinces ---------------------------------------------------


@transaction.atomic
def portal_ensure() -> Page:
    """The portal home page and its Site at BASE_DOMAIN; replaces Wagtail's placeholder welcome page."""
    from pages.models import PortalHomePage

    portal = PortalHomePage.objects.first()
    if portal is None:
        root = Page.get_first_root_node()
        portal = root.add_child(
            instance=PortalHomePage(title="Cổng thông tin điện tử xã, phường", slug="cong-thong-tin")
        )
    site = Site.objects.filter(root_page=portal).first()
    if site is None:
        # Wagtail's first migration made a "Welcome" page with a default Site; the portal takes its place.
        Site.objects.filter(root_page__content_type__model="page", root_page__depth=2).delete()
        Page.objects.filter(depth=2, content_type__app_label="wagtailcore", slug="home").delete()
        Site.objects.filter(hostname=settings.BASE_DOMAIN).delete()
        Site.objects.create(
            hostname=settings.BASE_DOMAIN,
            port=settings.SITE_PORT,
            root_page=portal,
            is_default_site=True,
            site_name="Cổng thông tin điện tử xã, phường",
        )
        forget_hostname(settings.BASE_DOMAIN)
    return portal


def _group(name: str, pairs=()) -> Group:
    group, _ = Group.objects.get_or_create(name=name[:150])
    perms = _perms((("wagtailadmin", "access_admin"), *pairs))
    group.permissions.add(*perms)
    return group


@transaction.atomic
@audit.provisioning
def province_ensure(*, name: str, domain: str, code: str = "") -> Province:
    """Get or create a province with its portal page, its media collection and its admins group."""
    name = (name or "").strip()
    domain = (domain or "").strip().lower()
    problem = province_problem(name, domain)
    if problem:
        raise ServiceError(problem)
    if not is_valid_hostname(domain):
        raise ServiceError(f"Tên miền của tỉnh “{domain}” không hợp lệ (ví dụ đúng: thainguyen.gov.vn).")
    slug = vn_slugify(name)
    province = Province.objects.filter(slug=slug).first()
    if province is None:
        if Province.objects.filter(domain=domain).exists():
            raise ServiceError(f"Tên miền “{domain}” đã thuộc về một tỉnh khác.")
        province = Province.objects.create(name=name, slug=slug, domain=domain, code=code)
    elif province.domain != domain:
        raise ServiceError(f"Tỉnh “{province.name}” đã có tên miền “{province.domain}”, không phải “{domain}”.")

    from pages.models import ProvincePage

    changed = []
    if province.page_id is None:
        portal = portal_ensure()
        page = portal.get_children().filter(slug=slug).first() or portal.add_child(
            instance=ProvincePage(title=name, slug=slug)
        )
        province.page = page
        changed.append("page")
    if province.collection_id is None:
        province.collection = Collection.get_first_root_node().add_child(name=name)
        changed.append("collection")
    if province.admins_group_id is None:
        province.admins_group = _group(f"Quản trị tỉnh – {name}", _PROVINCE_MODEL_PERMS)
        changed.append("admins_group")
    if changed:
        province.save(update_fields=changed)
        group = province.admins_group
        for perm in _page_perms(ROLE_PROVINCE_ADMIN):
            GroupPagePermission.objects.get_or_create(group=group, page=province.page, permission=perm)
        for perm in _perms(_FILE_PERMS + _COLLECTION_ADMIN_PERMS):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=province.collection, permission=perm
            )
    if "page" in changed:
        province_sections_ensure(province)
    return province


def province_sections_ensure(province: Province) -> None:
    """The province's own news and documents sections (shared down to communes), created when missing."""
    from pages.sections import PROVINCE_SECTIONS

    if province.page_id is None:
        return
    with transaction.atomic():
        _ensure_children(province.page, PROVINCE_SECTIONS, show_in_menus=False)


def trainers_group_ensure(province: Province) -> Group:
    """The province's trainers group (made on first use): they may run the province's workshops."""
    if province.trainers_group_id is None:
        province.trainers_group = _group(f"Giảng viên tập huấn – {province.name}")
        province.save(update_fields=["trainers_group"])
    return province.trainers_group


def province_problem(name: str, domain: str) -> str:
    """What is wrong with a province's name or domain as given ("" if nothing)."""
    if not name:
        return "Thiếu tên tỉnh/thành phố."
    if has_control_characters(name):
        return f"Tên tỉnh/thành phố “{_visible(name)}” có ký tự điều khiển (ký tự ẩn), không dùng được."
    if len(name) > PROVINCE_NAME_MAX:
        return f"Tên tỉnh/thành phố “{name[:40]}…” dài quá {PROVINCE_NAME_MAX} ký tự."
    if len(domain) > PROVINCE_DOMAIN_MAX:
        return f"Tên miền của tỉnh “{domain[:40]}…” dài quá {PROVINCE_DOMAIN_MAX} ký tự."
    return ""


def resolve_province(value: str) -> Province:
    """A province by name or slug, with a Vietnamese error naming the choices."""
    value = (value or "").strip()
    province = Province.objects.filter(slug=vn_slugify(value)).first()
    if province is None:
        known = ", ".join(Province.objects.order_by("slug").values_list("slug", flat=True)[:40]) or "(chưa có)"
        raise ServiceError(f"Không tìm thấy tỉnh/thành phố “{value}”. Các tỉnh hiện có: {known}.")
    return province


# --- Communes ----------------------------------------------------------------


@dataclass(frozen=True)
class CommuneSpec:
    """What it takes to provision one commune; validated before anything is written."""

    province: Province
    name: str
    kind: str
    slug: str
    hostname: str
    code: str = ""
    former_units: tuple[str, ...] = ()


def local_hostname(hostname: str, province_domain: str) -> str:
    """Move a hostname under BASE_DOMAIN for local use: x.thainguyen.gov.vn -> x.thainguyen.localhost."""
    local_domain = f"{province_domain.split('.')[0]}.{settings.BASE_DOMAIN}"
    if hostname.endswith("." + province_domain):
        return hostname[: -len(province_domain)] + local_domain
    return hostname


def commune_spec(
    *,
    province: Province,
    name: str,
    kind: str = "xã",
    code: str = "",
    hostname: str | None = None,
    former_units=(),
    local_hostnames: bool = False,
) -> CommuneSpec:
    """Validate a commune's fields and work out its slug and hostname; raises ServiceError."""
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Thiếu tên xã/phường.")
    if has_control_characters(name):
        raise ServiceError(f"Tên xã/phường “{_visible(name)}” có ký tự điều khiển (ký tự ẩn), không dùng được.")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Tên xã/phường dài quá {NAME_MAX} ký tự.")
    slug = vn_slugify(name)
    if not slug:
        raise ServiceError(f"Tên “{name}” không có chữ cái hay chữ số nào để tạo đường dẫn.")
    kind = parse_kind(kind or "xã")
    code = (code or "").strip()
    if code and not (code.isascii() and code.isdigit()):
        raise ServiceError(f"Mã đơn vị hành chính “{code}” chỉ được gồm chữ số.")
    if len(code) > CODE_MAX:
        raise ServiceError(f"Mã đơn vị hành chính “{code}” dài quá: tối đa {CODE_MAX} chữ số.")
    hostname = (hostname or "").strip().lower() or f"{hostname_label(name)}.{province.domain}"
    if local_hostnames:
        hostname = local_hostname(hostname, province.domain)
    if not is_valid_hostname(hostname):
        raise ServiceError(
            f"Tên miền “{hostname}” không hợp lệ: chỉ dùng chữ không dấu, chữ số, dấu chấm và gạch ngang."
        )
    former = tuple(dict.fromkeys(" ".join(u.split()) for u in former_units if u and u.strip()))
    for unit in former:
        if has_control_characters(unit):
            raise ServiceError(f"Tên đơn vị cũ “{_visible(unit)}” có ký tự điều khiển (ký tự ẩn), không dùng được.")
        if len(unit) > FORMER_UNIT_MAX:
            raise ServiceError(f"Tên đơn vị cũ “{unit[:40]}…” dài quá {FORMER_UNIT_MAX} ký tự.")
    return CommuneSpec(province, name, kind, slug, hostname, code, former)


def check_spec_conflicts(spec: CommuneSpec) -> None:
    """Refuse a spec whose hostname or code already belongs to someone else."""
    existing = Commune.objects.filter(province=spec.province, slug=spec.slug).first()
    if existing:
        if existing.hostname != spec.hostname:
            raise ServiceError(
                f"{existing.full_name} ({spec.province.name}) đã có tên miền “{existing.hostname}”, "
                f"không phải “{spec.hostname}”."
            )
        if spec.code and existing.code and existing.code != spec.code:
            raise ServiceError(f"{existing.full_name} đã có mã “{existing.code}”, không phải “{spec.code}”.")
    owner = Commune.objects.filter(hostname=spec.hostname).exclude(pk=getattr(existing, "pk", None)).first()
    if owner or (not existing and Site.objects.filter(hostname=spec.hostname).exists()):
        raise ServiceError(f"Tên miền “{spec.hostname}” đã được dùng cho {owner or 'một trang khác'}.")
    if spec.code and Commune.objects.filter(code=spec.code).exclude(pk=getattr(existing, "pk", None)).exists():
        raise ServiceError(f"Mã đơn vị hành chính “{spec.code}” đã được dùng cho xã/phường khác.")


@transaction.atomic
@audit.provisioning
def commune_provision(spec: CommuneSpec, *, practice: bool = False, sections: bool = True) -> tuple[Commune, bool]:
    """Create the commune and everything it needs, or complete a half-provisioned one.

    Returns (commune, created). Everything is inside one transaction, so a failure leaves nothing.
    practice marks a training workshop's practice site; sections=False leaves the home page without its
    standard sections and procedure list, for a caller that copies them from another commune.
    """
    # Search norms: once per commune, not once per page. Cached pages: the portal lists communes, so the
    # whole install's pages are refreshed once (the new commune has none cached yet).
    with title_norms_deferred(), _provisioning_run(), page_cache.batch(everything=True):
        return _provision(spec, practice=practice, sections=sections)


def _provision(spec: CommuneSpec, *, practice: bool = False, sections: bool = True) -> tuple[Commune, bool]:
    check_spec_conflicts(spec)
    province = province_ensure(name=spec.province.name, domain=spec.province.domain)
    commune = Commune.objects.filter(province=province, slug=spec.slug).first()
    created = commune is None
    if created:
        commune = Commune.objects.create(
            province=province,
            name=spec.name,
            kind=spec.kind,
            slug=spec.slug,
            hostname=spec.hostname,
            code=spec.code,
            is_practice=practice,
        )
    elif spec.code and not commune.code:
        commune.code = spec.code
        commune.save(update_fields=["code"])

    changed = _ensure_home(commune) + _ensure_site(commune) + _ensure_collection(commune) + _ensure_groups(commune)
    changed += _ensure_workflow(commune)
    if changed:
        commune.save(update_fields=changed)
    _ensure_permissions(commune)
    if not sections:
        return commune, created
    _ensure_sections(commune)
    if created:
        _ensure_procedures(commune)  # only once: an officer may later remove procedures the commune does not handle
    for unit in spec.former_units:
        FormerUnit.objects.get_or_create(commune=commune, slug=vn_slugify(unit), defaults={"name": unit})
    return commune, created


def commune_refresh(commune: Commune) -> Commune:
    """Bring an existing commune up to today's standard (new sections, new rights). Idempotent.

    Archived communes are left alone: new live sections would reappear under the portal path.
    """
    if not commune.is_active:
        return commune
    province_sections_ensure(commune.province)  # provinces made before they had their own sections
    spec = CommuneSpec(commune.province, commune.name, commune.kind, commune.slug, commune.hostname, commune.code)
    return commune_provision(spec)[0]


def commune_create(**kwargs) -> Commune:
    """Validate and provision one commune (see commune_spec for the arguments)."""
    return commune_provision(commune_spec(**kwargs))[0]


def _ensure_home(commune: Commune) -> list[str]:
    from pages.models import CommuneHomePage

    if commune.home_page_id:
        return []
    parent = commune.province.page
    home = parent.get_children().filter(slug=commune.slug).first()
    if home is None:
        home = CommuneHomePage(
            title=commune.full_name,
            slug=commune.slug,
            seo_title=f"Trang thông tin điện tử {commune.full_name}",
            search_description=f"Trang thông tin điện tử {commune.full_name}, {commune.province.name}.",
        )
        _append_children(parent, [home])
    commune.home_page = home
    return ["home_page"]


def _ensure_sections(commune: Commune) -> None:
    _ensure_children(commune.home_page, STANDARD_SECTIONS, show_in_menus=True)


def _ensure_children(parent: Page, sections, *, show_in_menus: bool) -> None:
    """Create the sections missing under parent (by slug), then their declared children, recursively."""
    children = parent.get_children().only("pk", "title", "slug", "path", "depth", "numchild", "url_path", "locale")
    existing = {p.slug: p for p in children}
    missing = []
    for section in sections:
        if section.slug not in existing:
            model = apps.get_model(section.model)
            page = model(title=section.title, slug=section.slug, intro=section.intro, show_in_menus=show_in_menus)
            existing[section.slug] = page
            missing.append(page)
    _append_children(parent, missing)
    for section in sections:
        if section.children:
            _ensure_children(existing[section.slug], section.children, show_in_menus=False)


def _append_children(parent, nodes: list) -> None:
    """Save new nodes (pages or collections) as the last children of parent, in order.

    This is treebeard's add_child for each node, with the parent locked and read once instead of
    once per node. Pages are not validated one by one (full_clean costs about ten queries a page):
    provisioning builds them from checked names and fixed definitions, and this refuses a slug the
    parent already has. A new page refers to nothing yet, so the reference index is not updated.
    Collections go last instead of in name order: a sorted insert renumbers every later sibling
    (one UPDATE each), so a province's thousandth commune would cost hundreds of queries.
    """
    if not nodes:
        return
    tree = parent.tree_model()
    created = _created_here.get()
    # A parent made earlier in this provisioning is invisible to other transactions: no need to lock or re-read it.
    is_new = created is not None and (tree, parent.pk) in created
    locked = parent if is_new else tree.objects.select_for_update().get(pk=parent.pk)
    is_page = isinstance(parent, Page)
    if is_page and not locked.is_leaf():
        taken = locked.get_children().filter(slug__in=[n.slug for n in nodes]).values_list("slug", flat=True).first()
        if taken:
            raise ServiceError(f"Đường dẫn “{taken}” đã có dưới trang “{parent.title}”; hãy thử lại.")
    last = None if locked.is_leaf() else locked.get_last_child()
    path = last._inc_path() if last else tree._get_path(locked.path, locked.depth + 1, 1)
    with reference_index_paused():
        for node in nodes:
            node.depth = locked.depth + 1
            node.path = path
            node._cached_parent_obj = parent
            if is_page:
                node.locale_id = parent.locale_id
                node.draft_title = node.draft_title or node.title
                node._is_site_root = False  # no Site can point at a page that does not exist yet
                node.save(clean=False, log_action=None)
            else:
                node.save()
            if created is not None:
                created.add((tree, node.pk))
            path = node._inc_path()
    tree.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(nodes))
    parent.numchild = locked.numchild + len(nodes)
    if is_page:
        _log_created(nodes)


@contextlib.contextmanager
def reference_index_paused():
    """Wagtail's disable_reference_index_auto_update, safe to nest (Wagtail's own is not)."""
    from wagtail.signal_handlers import reference_index_auto_update_disabled

    if getattr(reference_index_auto_update_disabled, "value", False):
        yield
        return
    with disable_reference_index_auto_update():
        yield


def _log_created(pages: list[Page]) -> None:
    """The "wagtail.create" entries Page.save would write, in one insert instead of three queries a page."""
    context = get_active_log_context()
    now = timezone.now()
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            content_type=ContentType.objects.get_for_model(page, for_concrete_model=False),
            label=page.get_admin_display_title(),
            action="wagtail.create",
            timestamp=now,
            data={},
            user=page.owner or context.user,
            uuid=context.uuid,
            page=page,
            content_changed=True,
        )
        for page in pages
    )


def _ensure_procedures(commune: Commune) -> None:
    """A new commune handles every commune-level procedure of its province's catalogue."""
    from pages.procedures.services import commune_procedures_ensure

    commune_procedures_ensure(commune)


def _ensure_site(commune: Commune) -> list[str]:
    if commune.site_id:
        return []
    commune.site = Site.objects.create(
        hostname=commune.hostname,
        port=settings.SITE_PORT,
        root_page=commune.home_page,
        site_name=commune.full_name,
    )
    forget_hostname(commune.hostname)
    return ["site"]


def _ensure_collection(commune: Commune) -> list[str]:
    if commune.collection_id:
        return []
    commune.collection = Collection(name=commune.full_name)
    _append_children(commune.province.collection, [commune.collection])
    return ["collection"]


def _group_name(commune: Commune, role: str) -> str:
    return f"{ROLES[role]} – {commune.full_name} ({commune.province.name})"


def _ensure_groups(commune: Commune) -> list[str]:
    changed = []
    if commune.editors_group_id is None:
        commune.editors_group = _group(_group_name(commune, ROLE_EDITOR))
        changed.append("editors_group")
    if commune.approvers_group_id is None:
        commune.approvers_group = _group(_group_name(commune, ROLE_APPROVER))
        changed.append("approvers_group")
    return changed


def _ensure_permissions(commune: Commune) -> None:
    """Page rights on the commune's subtree, file rights on its collection, settings rights on its site."""
    file_perms = _perms(_FILE_PERMS)
    collection_admin = _perms(_COLLECTION_ADMIN_PERMS)
    site_perms = _perms(_site_setting_perms())
    grants = {
        commune.editors_group: (_page_perms(ROLE_EDITOR), file_perms),
        commune.approvers_group: (_page_perms(ROLE_APPROVER), file_perms + collection_admin),
    }
    for group, (page_perms, coll_perms) in grants.items():
        _grant(GroupPagePermission, group, "page", commune.home_page, page_perms)
        _grant(GroupCollectionPermission, group, "collection", commune.collection, coll_perms)
        _grant(GroupSitePermission, group, "site", commune.site, site_perms)
    _grant(GroupSitePermission, commune.province.admins_group, "site", commune.site, site_perms)
    # Model rights on commune-owned records (banners, notices, …); their views are scoped by commune.
    owned = _perms(_commune_owned_perms())
    for group in (commune.editors_group, commune.approvers_group, commune.province.admins_group):
        group.permissions.add(*owned)


def _site_setting_perms() -> list[tuple[str, str]]:
    """Change rights on every per-site setting (footer, menu, …), granted per commune Site."""
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.contrib.settings.registry import registry

    return [
        (model._meta.app_label, f"change_{model._meta.model_name}")
        for model in registry
        if issubclass(model, BaseSiteSetting)
    ]


def _commune_owned_perms() -> list[tuple[str, str]]:
    from .snippets import COMMUNE_OWNED_MODELS

    return [
        (model._meta.app_label, f"{action}_{model._meta.model_name}")
        for model in COMMUNE_OWNED_MODELS
        for action in ("add", "change", "delete")
    ]


def _grant(model, group, target_field, target, permissions) -> None:
    have = set(model.objects.filter(group=group, **{target_field: target}).values_list("permission_id", flat=True))
    model.objects.bulk_create(
        [model(group=group, permission=p, **{target_field: target}) for p in permissions if p.pk not in have]
    )


def _ensure_workflow(commune: Commune) -> list[str]:
    if commune.workflow_id:
        return []
    workflow = Workflow.objects.create(name=f"Duyệt đăng tin – {commune.full_name} ({commune.province.name})")
    task = GroupApprovalTask.objects.create(name=f"Lãnh đạo {commune.full_name} phê duyệt")
    task.groups.set([commune.approvers_group])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=commune.home_page, defaults={"workflow": workflow})
    commune.workflow = workflow
    return ["workflow"]


@transaction.atomic
def commune_archive(commune: Commune) -> Commune:
    """Take a commune's site offline and keep all its data (pages, files, accounts)."""
    if commune.status == Commune.Status.ARCHIVED:
        return commune
    if commune.home_page_id:
        for page in Page.objects.descendant_of(commune.home_page, inclusive=True).live().specific():
            page.unpublish(log_action="wagtail.unpublish")
    commune.status = Commune.Status.ARCHIVED
    commune.save(update_fields=["status"])
    forget_hostname(commune.hostname)
    return commune


def resolve_commune(value: str, province: Province | None = None) -> Commune:
    """A commune by slug (when unique) or by "province/commune"; clear Vietnamese errors otherwise."""
    value = asked = (value or "").strip().strip("/")
    qs = Commune.objects.select_related("province", "site")
    if "/" in value:
        province_part, commune_part = value.split("/", 1)
        qs = qs.filter(province__slug=vn_slugify(province_part))
        value = commune_part
    if province is not None:
        qs = qs.filter(province=province)
    matches = list(qs.filter(slug=vn_slugify(value)))
    if not matches:
        raise ServiceError(f"Không tìm thấy xã/phường “{asked}”. Xem danh sách bằng lệnh: commune list")
    if len(matches) > 1:
        options = ", ".join(c.address for c in matches)
        raise ServiceError(f"Có nhiều xã/phường tên “{value}”; hãy ghi kèm tỉnh: {options}.")
    return matches[0]


# --- Officers -------------------------------------------------------------------


def generate_password() -> str:
    """A password an officer can type from a printed card: four groups of letters and digits."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def officer_create(
    *,
    username: str,
    email: str,
    role: str,
    commune: Commune | None = None,
    province: Province | None = None,
    password: str | None = None,
) -> tuple[object, str | None]:
    """Create (or reuse) an account and give it one role in one commune or province.

    Returns (user, password): the password is the one set now, or None if an existing account kept its own.
    """
    User = get_user_model()
    username = (username or "").strip()
    email = (email or "").strip()
    if role not in ROLES:
        raise ServiceError(f"Vai trò “{role}” không hợp lệ; dùng một trong: {', '.join(ROLES)}.")
    if role in PROVINCE_ROLES:
        if province is None:
            raise ServiceError(f"{ROLES[role]} cần chỉ rõ tỉnh (--province).")
        group = province.admins_group if role == ROLE_PROVINCE_ADMIN else trainers_group_ensure(province)
    else:
        if commune is None:
            raise ServiceError("Biên tập viên và lãnh đạo phê duyệt cần chỉ rõ xã/phường (--commune).")
        group = commune.editors_group if role == ROLE_EDITOR else commune.approvers_group
    if not username or len(username) > 150 or not all(ch.isalnum() or ch in "@.+-_" for ch in username):
        shown = f"{username[:40]}…" if len(username) > 40 else username
        raise ServiceError(
            f"Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (tối đa 150 ký tự); “{shown}” không dùng được."
        )
    if len(email) > EMAIL_MAX:
        raise ServiceError(f"Địa chỉ thư điện tử “{email[:40]}…” dài quá {EMAIL_MAX} ký tự.")
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(f"Địa chỉ thư điện tử “{email}” không hợp lệ.") from None

    user = User.objects.filter(username=username).first()
    new_password = None
    if user is None:
        user = User(username=username, email=email)
        new_password = password or generate_password()
        try:
            validate_password(new_password, user)
        except ValidationError as exc:
            raise ServiceError("Mật khẩu chưa đủ mạnh: " + " ".join(exc.messages)) from None
        user.set_password(new_password)
        user.save()
    else:
        # An existing account may only gain a role where it already works, so this can never
        # take over (or reset the password of) an operator or another unit's account.
        scope = scope_for_user(user)
        if user.is_superuser:
            raise ServiceError(f"Tài khoản “{username}” là tài khoản vận hành, không thể giao vai trò cán bộ.")
        if role in PROVINCE_ROLES:
            foreign = scope.commune_ids or ((scope.province_ids | scope.trainer_province_ids) - {province.pk})
        else:
            foreign = scope.province_ids or scope.trainer_province_ids or (scope.commune_ids - {commune.pk})
        if foreign:
            raise ServiceError(f"Tài khoản “{username}” đã thuộc về một đơn vị khác.")
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ServiceError("Mật khẩu chưa đủ mạnh: " + " ".join(exc.messages)) from None
            user.set_password(password)
            user.save(update_fields=["password"])
            new_password = password
    user.groups.add(group)
    return user, new_password


# --- Login lockout ------------------------------------------------------------------------------


def locked_out_usernames(usernames) -> set[str]:
    """Which of these accounts django-axes currently refuses (too many wrong passwords lately)."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


def officer_unlock(username: str) -> int:
    """Lift the login lockout of one account; returns how many lockout records were cleared."""
    from axes.utils import reset

    return reset(username=username)
