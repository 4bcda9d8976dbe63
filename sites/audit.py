"""Audit trail: sign-ins, failed sign-ins, sign-outs and permission changes, in Wagtail's own log.

Every entry is a ModelLogEntry, so it shows in the admin's site history ("Lịch sử") next to page and
file history. Each one stores in data["scope"] the communes and provinces its person or group belonged
to at the time (sites.tenancy.audit_scope); the site history shows a commune's officers their own
people's entries, a province admin their province's, operators everything.

What is recorded, against which object:
- xaso.login / xaso.logout: the user; the client's address (client_ip) and a shortened user agent.
- xaso.login_failed: the user if the username exists, else a placeholder User with pk 0 labelled with
  the attempted username (operators only: it belongs to no commune). The password is never read.
- xaso.group_added / xaso.group_removed: the user; the groups, by id and name.
- xaso.permissions_added / xaso.permissions_removed: the group (or user) whose model permissions changed.
- xaso.object_permission_added / _removed: the group; one entry per page, collection or site permission row.
- xaso.account_changed: the user; is_superuser, is_staff or is_active, old and new.
- xaso.permissions_provisioned: the commune or province; one summary per provisioning run (see provisioning).
- xaso.two_factor_reset: the user whose 2FA devices were removed (lost phone); how many were removed.

The person who made a change is Wagtail's active log context: every admin view runs inside one
(wagtail.admin.auth.require_admin_access); command-line changes are the system's.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.functional import LazyObject, empty
from wagtail.log_actions import LogFormatter, log
from wagtail.models import GroupCollectionPermission, GroupPagePermission, GroupSitePermission, ModelLogEntry

from .tenancy import AUDIT_ACTION_PREFIX, AUDIT_SCOPE_KEY, audit_scope

USER_AGENT_LENGTH = 120
USERNAME_LENGTH = 150
ACCOUNT_FLAGS = ("is_superuser", "is_staff", "is_active")
FLAG_LABELS = {
    "is_superuser": "quyền vận hành (superuser)",
    "is_staff": "quyền nhân viên (staff)",
    "is_active": "tài khoản hoạt động",
}
# Permission rows on one object: model -> (kind, field naming the object, Vietnamese name of the kind).
OBJECT_PERMISSION_MODELS = {
    GroupPagePermission: ("page", "page", "trang"),
    GroupCollectionPermission: ("collection", "collection", "thư mục"),
    GroupSitePermission: ("site", "site", "trang web"),
}
KIND_LABELS = {kind: label for kind, _field, label in OBJECT_PERMISSION_MODELS.values()} | {"model": "loại nội dung"}


# --- Request details ------------------------------------------------------------------


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies the address
    the outermost trusted proxy saw, i.e. the Nth entry from the right of X-Forwarded-For.

    Entries further left were written by the client itself and are never believed. Usable as
    AXES_CLIENT_IP_CALLABLE, so the lockout and the audit trail name the same address.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def _request_details(request) -> dict:
    if request is None:
        return {}
    agent = request.META.get("HTTP_USER_AGENT", "")
    if len(agent) > USER_AGENT_LENGTH:
        agent = agent[: USER_AGENT_LENGTH - 1] + "…"
    return {"ip": client_ip(request) or "", "user_agent": agent}


def _user_scope(user) -> dict:
    return audit_scope(user.groups.values("pk"))


def _unwrap(obj):
    """The object behind request.user's lazy wrappers (django-otp wraps Django's): Wagtail's log
    looks up the log model by the object's type and silently skips what it does not recognise."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj


def _entry(instance, action, data, scope, **kwargs):
    if kwargs.get("user") is not None:
        kwargs["user"] = _unwrap(kwargs["user"])
    return log(_unwrap(instance), action, data={**data, AUDIT_SCOPE_KEY: scope}, **kwargs)


# --- Sign-in ------------------------------------------------------------------------


def on_logged_in(sender, request, user, **kwargs):
    _entry(user, "xaso.login", _request_details(request), _user_scope(user), user=user)


def on_logged_out(sender, request, user, **kwargs):
    user = _unwrap(user)
    if user is None:  # signing out without being signed in
        return
    _entry(user, "xaso.logout", _request_details(request), _user_scope(user), user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """One entry per refused sign-in, lockouts included. Only the username is read from credentials."""
    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:USERNAME_LENGTH]
    details = {"username": username, **_request_details(request)}
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if user is not None:
        _entry(user, "xaso.login_failed", {**details, "known": True}, _user_scope(user))
        return
    # No such account: log against a placeholder (ModelLogEntry needs an object id; no real user has pk 0).
    # It names no commune, so only operators see it: a password typed into the username box stays with them.
    placeholder = User(pk=0, **{User.USERNAME_FIELD: username})
    _entry(placeholder, "xaso.login_failed", {**details, "known": False}, {}, title=username or "(trống)")


# --- Provisioning -------------------------------------------------------------------------


@dataclass
class _Batch:
    granted: Counter = field(default_factory=Counter)
    revoked: Counter = field(default_factory=Counter)
    group_ids: set = field(default_factory=set)

    def count(self, group, kind, n, added):
        (self.granted if added else self.revoked)[kind] += n
        self.group_ids.add(group.pk)


_batch: ContextVar[_Batch | None] = ContextVar("xaso_audit_batch", default=None)


def provisioning(func):
    """Decorate a provisioning action (commune or province): the rights it grants to groups are summed up in
    one xaso.permissions_provisioned entry on the commune or province it returns, not logged one by one.

    Provisioning grants the same code-defined rights to every commune (sites.services); one entry per right
    would add dozens of identical rows per commune and bury the people-made changes. The summary still
    records when, by whom and how many, and a later refresh that grants new rights gets its own summary.
    Nested actions (a province made while making a commune) log their own summary.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        batch = _Batch()
        token = _batch.set(batch)
        try:
            result = func(*args, **kwargs)
        finally:
            _batch.reset(token)
        if batch.granted or batch.revoked:
            target = result[0] if isinstance(result, tuple) else result
            groups = Group.objects.filter(pk__in=batch.group_ids).order_by("name")
            data = {
                "granted": dict(batch.granted),
                "revoked": dict(batch.revoked),
                "groups": [{"id": g.pk, "name": g.name} for g in groups],
            }
            _entry(target, "xaso.permissions_provisioned", data, audit_scope(batch.group_ids))
        return result

    return wrapper


@contextlib.contextmanager
def permissions_not_logged():
    """Rights removed inside are not logged: for deleting a practice site, whose whole history goes with it."""
    token = _batch.set(_Batch())
    try:
        yield
    finally:
        _batch.reset(token)


# --- Group membership and model permissions -----------------------------------------------


def _linked_ids(through, instance, other_model) -> set:
    """Ids of other_model rows linked to instance through an m2m table (read before a clear)."""
    fields = [f for f in through._meta.fields if f.is_relation]
    mine = next(f for f in fields if isinstance(instance, f.related_model))
    theirs = next(f for f in fields if f is not mine and f.related_model is other_model)
    return set(through.objects.filter(**{mine.name: instance.pk}).values_list(theirs.attname, flat=True))


def mark_raw(sender, instance, raw=False, **kwargs):
    """Rows loaded from a fixture or a test database restore are saved raw, then get their m2m links set:
    those links are data being restored, not a permission change (and logging them mid-restore breaks it)."""
    if raw:
        instance.__dict__["_xaso_raw"] = True


def _m2m_change(sender, instance, action, model, pk_set):
    """(added, ids) for a finished add/remove/clear, or None. A clear's ids are read at pre_clear."""
    if instance.__dict__.get("_xaso_raw"):
        return None
    if action == "pre_clear":
        instance.__dict__.setdefault("_xaso_cleared", {})[sender] = _linked_ids(sender, instance, model)
        return None
    if action == "post_clear":
        pk_set = instance.__dict__.get("_xaso_cleared", {}).pop(sender, set())
    elif action not in ("post_add", "post_remove"):
        return None
    if not pk_set:  # add() of rows already there
        return None
    return action == "post_add", pk_set


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """user.groups.add/remove/set/clear and group.user_set.add/remove/set/clear: one entry per user."""
    change = _m2m_change(sender, instance, action, model, pk_set)
    if change is None:
        return
    added, ids = change
    if reverse:  # group.user_set: instance is the group, ids are users
        users, groups = list(model._default_manager.filter(pk__in=ids).order_by("pk")), [instance]
    else:
        users, groups = [instance], list(Group.objects.filter(pk__in=ids).order_by("name"))
    data = {"groups": [{"id": g.pk, "name": g.name} for g in groups]}
    changed = {g.pk for g in groups}
    for user in users:
        # The changed groups' communes too: a removal is theirs to see although the user has left.
        scope = audit_scope(changed) | _user_scope(user)
        _entry(user, "xaso.group_added" if added else "xaso.group_removed", data, scope)


def on_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Group.permissions and User.user_permissions, from either side: one entry per group or user."""
    change = _m2m_change(sender, instance, action, model, pk_set)
    if change is None:
        return
    added, ids = change
    if reverse:  # permission.group_set / permission.user_set: instance is the permission
        holders, permissions = list(model._default_manager.filter(pk__in=ids).order_by("pk")), [instance]
    else:
        holders = [instance]
        permissions = list(Permission.objects.filter(pk__in=ids).select_related("content_type"))
    codenames = sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
    for holder in holders:
        is_group = isinstance(holder, Group)
        batch = _batch.get()
        if batch is not None and is_group:
            batch.count(holder, "model", len(codenames), added)
            continue
        scope = audit_scope([holder.pk]) if is_group else _user_scope(holder)
        action_name = "xaso.permissions_added" if added else "xaso.permissions_removed"
        _entry(holder, action_name, {"permissions": codenames}, scope)


# --- Page, collection and site permission rows ------------------------------------------------


def _object_permission_changed(row, added):
    kind, field_name, _label = OBJECT_PERMISSION_MODELS[type(row)]
    try:
        group = row.group
    except ObjectDoesNotExist:  # the group itself is being deleted
        group = Group(pk=row.group_id, name=f"#{row.group_id}")
    batch = _batch.get()
    if batch is not None:
        batch.count(group, kind, 1, added)
        return
    object_id = getattr(row, f"{field_name}_id")
    try:
        target = str(getattr(row, field_name))
    except ObjectDoesNotExist:  # deleted together with its object
        target = f"#{object_id}"
    try:
        permission = row.permission
        codename = f"{permission.content_type.app_label}.{permission.codename}"
    except ObjectDoesNotExist:
        codename = f"#{row.permission_id}"
    data = {"kind": kind, "object_id": object_id, "object": target, "permission": codename}
    action = "xaso.object_permission_added" if added else "xaso.object_permission_removed"
    _entry(group, action, data, audit_scope([group.pk]))


def on_object_permission_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _object_permission_changed(instance, added=True)


def on_object_permission_deleted(sender, instance, **kwargs):
    _object_permission_changed(instance, added=False)


def _log_bulk_created(model):
    """Django's bulk_create sends no post_save, and Wagtail's group editor creates page and collection
    permission rows with it: wrap the model's manager so those rows are recorded too."""
    manager = model._default_manager
    if getattr(manager.bulk_create, "_xaso_audited", False):
        return
    bulk_create = manager.bulk_create

    @functools.wraps(bulk_create)
    def audited_bulk_create(objs, *args, **kwargs):
        rows = bulk_create(objs, *args, **kwargs)
        if not (kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts")):  # else: unknown which are new
            for row in rows:
                _object_permission_changed(row, added=True)
        return rows

    audited_bulk_create._xaso_audited = True
    manager.bulk_create = audited_bulk_create


# --- Account flags ----------------------------------------------------------------------------


def remember_account_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return  # e.g. last_login on every sign-in: nothing to compare
    old = sender._default_manager.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    if old is None:
        return
    changes = {
        flag: [old[flag], getattr(instance, flag)] for flag in ACCOUNT_FLAGS if old[flag] != getattr(instance, flag)
    }
    if changes:
        instance._xaso_flag_changes = changes


def on_account_saved(sender, instance, created, raw=False, **kwargs):
    changes = instance.__dict__.pop("_xaso_flag_changes", None)
    if changes and not raw:
        _entry(instance, "xaso.account_changed", {"changes": changes}, _user_scope(instance))


# --- Two-factor recovery -------------------------------------------------------------------------


def two_factor_reset(user, *, removed: int, by=None) -> None:
    """One entry on the account whose 2FA devices a province admin or the operator removed."""
    _entry(user, "xaso.two_factor_reset", {"removed": removed}, _user_scope(user), user=by)


# --- Wiring ---------------------------------------------------------------------------------


def connect() -> None:
    """Connect the receivers (SitesConfig.ready)."""
    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="xaso_audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="xaso_audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="xaso_audit_login_failed")
    m2m_changed.connect(on_groups_changed, sender=User.groups.through, dispatch_uid="xaso_audit_groups")
    for through in (Group.permissions.through, User.user_permissions.through):
        m2m_changed.connect(
            on_permissions_changed, sender=through, dispatch_uid=f"xaso_audit_perms_{through._meta.label}"
        )
    for model in OBJECT_PERMISSION_MODELS:
        uid = f"xaso_audit_{model._meta.label}"
        post_save.connect(on_object_permission_saved, sender=model, dispatch_uid=f"{uid}_saved")
        post_delete.connect(on_object_permission_deleted, sender=model, dispatch_uid=f"{uid}_deleted")
        _log_bulk_created(model)
    pre_save.connect(remember_account_flags, sender=User, dispatch_uid="xaso_audit_flags_before")
    for model in (User, Group):
        pre_save.connect(mark_raw, sender=model, dispatch_uid=f"xaso_audit_raw_{model._meta.label}")
    post_save.connect(on_account_saved, sender=User, dispatch_uid="xaso_audit_flags_after")


# --- How entries read in the site history ---------------------------------------------------


def _where(data) -> str:
    parts = []
    if data.get("ip"):
        parts.append(f"từ {data['ip']}")
    if data.get("user_agent"):
        parts.append(f"({data['user_agent']})")
    return (" " + " ".join(parts)) if parts else ""


def _names(items) -> str:
    return ", ".join(f"“{item['name']}”" for item in items) or "—"


class _Formatter(LogFormatter):
    def format_message(self, log_entry):
        try:
            return self.describe(log_entry.data or {})
        except (KeyError, TypeError, AttributeError):  # an entry written by an older version
            return self.label

    def describe(self, data) -> str:
        return self.label


class LoginFormatter(_Formatter):
    label = "Đăng nhập"

    def describe(self, data):
        return "Đăng nhập" + _where(data)


class LogoutFormatter(_Formatter):
    label = "Đăng xuất"

    def describe(self, data):
        return "Đăng xuất" + _where(data)


class LoginFailedFormatter(_Formatter):
    label = "Đăng nhập thất bại"

    def describe(self, data):
        unknown = "" if data.get("known") else " (tài khoản không tồn tại)"
        return f"Đăng nhập thất bại với tên “{data['username']}”{unknown}{_where(data)}"


class GroupAddedFormatter(_Formatter):
    label = "Thêm vào nhóm"

    def describe(self, data):
        return f"Được thêm vào nhóm {_names(data['groups'])}"


class GroupRemovedFormatter(_Formatter):
    label = "Gỡ khỏi nhóm"

    def describe(self, data):
        return f"Bị gỡ khỏi nhóm {_names(data['groups'])}"


class PermissionsAddedFormatter(_Formatter):
    label = "Thêm quyền"

    def describe(self, data):
        return "Thêm quyền: " + ", ".join(data["permissions"])


class PermissionsRemovedFormatter(_Formatter):
    label = "Bỏ quyền"

    def describe(self, data):
        return "Bỏ quyền: " + ", ".join(data["permissions"])


class ObjectPermissionAddedFormatter(_Formatter):
    label = "Thêm quyền trên trang, thư mục, trang web"

    def describe(self, data):
        return f"Thêm quyền {data['permission']} trên {KIND_LABELS[data['kind']]} “{data['object']}”"


class ObjectPermissionRemovedFormatter(_Formatter):
    label = "Bỏ quyền trên trang, thư mục, trang web"

    def describe(self, data):
        return f"Bỏ quyền {data['permission']} trên {KIND_LABELS[data['kind']]} “{data['object']}”"


class AccountChangedFormatter(_Formatter):
    label = "Đổi trạng thái tài khoản"

    def describe(self, data):
        parts = [
            f"{FLAG_LABELS.get(flag, flag)}: {'bật' if new else 'tắt'}" for flag, (_old, new) in data["changes"].items()
        ]
        return "Đổi " + "; ".join(parts)


class PermissionsProvisionedFormatter(_Formatter):
    label = "Cấp quyền mặc định"

    def describe(self, data):
        counts = ", ".join(
            f"{n} quyền trên {KIND_LABELS.get(kind, kind)}" for kind, n in sorted(data["granted"].items())
        )
        removed = sum(data.get("revoked", {}).values())
        text = f"Cấp quyền mặc định cho {len(data['groups'])} nhóm: {counts or 'không có quyền mới'}"
        return text + (f"; bỏ {removed} quyền" if removed else "")


class TwoFactorResetFormatter(_Formatter):
    label = "Đặt lại xác thực hai lớp"

    def describe(self, data):
        return f"Đặt lại xác thực hai lớp: xóa {data['removed']} ứng dụng xác thực đã đăng ký"


FORMATTERS = {
    "xaso.login": LoginFormatter,
    "xaso.logout": LogoutFormatter,
    "xaso.login_failed": LoginFailedFormatter,
    "xaso.group_added": GroupAddedFormatter,
    "xaso.group_removed": GroupRemovedFormatter,
    "xaso.permissions_added": PermissionsAddedFormatter,
    "xaso.permissions_removed": PermissionsRemovedFormatter,
    "xaso.object_permission_added": ObjectPermissionAddedFormatter,
    "xaso.object_permission_removed": ObjectPermissionRemovedFormatter,
    "xaso.account_changed": AccountChangedFormatter,
    "xaso.permissions_provisioned": PermissionsProvisionedFormatter,
    "xaso.two_factor_reset": TwoFactorResetFormatter,
}
assert all(action.startswith(AUDIT_ACTION_PREFIX) for action in FORMATTERS)


def register_log_actions(actions) -> None:
    """For the register_log_actions hook: the audit actions with their Vietnamese labels and messages."""
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)


def viewable_log_entries(user, log_model):
    """Wagtail's viewable_by_user, plus the audit entries, which no model permission grants.

    Callers narrow the result with sites.tenancy.log_entries_in_scope: of the audit entries, a user
    reads those about their own communes' and provinces' people and groups only.
    """
    rows = log_model.objects.viewable_by_user(user)
    if user.is_superuser or not issubclass(log_model, ModelLogEntry):
        return rows
    return rows | log_model.objects.filter(action__in=list(FORMATTERS))
