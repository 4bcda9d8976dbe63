"""Turning classified routes into real URLs aimed at commune B, and judging the answers."""

from __future__ import annotations

import html
import io
import json
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

from sites.snippets import snippet_model_for_namespace

from . import table
from .routes import Route
from .world import World

# Strings that belong to commune B (or its province) and must never reach A's people:
# B's markers, names, slugs and file names, its commune and province, its officers' usernames.
B_LEAKS = ("BMARKER-", "bmarker-", "Tân Phú", "Quảng Ngãi", "bientap.b", "pheduyet.b", "quantri.quangngai")

NON_OWNERS = ("anonymous", "editor_a", "approver_a", "province_admin_a")
LISTING_VIEWERS = ("editor_a", "approver_a", "province_admin_a")
HOST_OF_ROLE = {
    "anonymous": "a",
    "editor_a": "a",
    "approver_a": "a",
    "province_admin_a": "a",
    "editor_b": "b",
    "approver_b": "b",
    "province_admin_b": "b",
    "superuser": "b",
}

# Who owns B's objects of a model when it is not B's editor.
MODEL_OWNER = {"auth.user": "superuser"}


class Unclassified(Exception):
    """The table cannot aim this route at B: a new URL, kwarg, snippet, setting or bulk action."""


@dataclass
class Target:
    """One concrete request aimed at B: the URL, what it names, who owns it, what a non-owner POSTs."""

    label: str
    url: str
    kinds: tuple[str, ...]  # World keys of the B objects it names
    rule: table.Rule
    owner: str
    owner_status: int
    post: dict = field(default_factory=dict)


# --- Reading responses ------------------------------------------------------------------------


def body_text(response) -> str:
    """The body as a person reads it: HTML and JSON escapes undone, spreadsheets unzipped."""
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw[:2] == b"PK":  # xlsx and other zip containers
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    text = raw.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def is_refusal(response, refused_to: str = "") -> bool:
    """403, 404, 405, or a redirect to the sign-in page or to the dashboard (Wagtail's "permission denied").

    With follow=True, a first redirect to those pages counts, or the final answer does.
    """
    refusal_paths = {reverse("wagtailadmin_login"), reverse("wagtailadmin_home"), "/_util/login/"}
    if refused_to:
        refusal_paths.add(reverse(refused_to))
    chain = getattr(response, "redirect_chain", None)
    if chain and urlsplit(chain[0][0]).path in refusal_paths:
        return True
    if response.status_code in (403, 404, 405):
        return True
    if response.status_code in (301, 302):
        return urlsplit(response["Location"]).path in refusal_paths
    return False


# --- Clients ---------------------------------------------------------------------------------


def login(client: Client, user) -> None:
    """Sign in as an officer does; uses the suite's second-factor helper once it exists."""
    from tests import factories

    helper = getattr(factories, "login_verified", None)
    if helper is not None:
        helper(client, user)
    else:
        client.force_login(user)


def clients_for(world: World) -> dict[str, Client]:
    hosts = {"a": world.communes["a"].hostname, "b": world.communes["b"].hostname}
    clients = {}
    for role, side in HOST_OF_ROLE.items():
        client = Client(HTTP_HOST=hosts[side])
        if role != "anonymous":
            login(client, world.users[role])
        clients[role] = client
    return clients


# --- Building URLs -------------------------------------------------------------------------


def format_values(world: World) -> dict:
    values = {key: obj.pk for key, obj in world.b.items() if hasattr(obj, "pk")}
    values.update({f"a_{key}": obj.pk for key, obj in world.a.items() if hasattr(obj, "pk")})
    values["import_token"] = world.b["import_token"]
    return values


def _snippet_key(route: Route) -> str:
    model = snippet_model_for_namespace(route.namespace)
    if model is None:
        raise Unclassified(f"{route.key}: the snippet model of {route.namespace} is not commune-owned")
    label = model._meta.label_lower
    if label not in table.MODEL_OBJECTS:
        raise Unclassified(f"{route.key}: no B object of {label} in MODEL_OBJECTS")
    return table.MODEL_OBJECTS[label]


def _pk_key(route: Route) -> str:
    namespace = ":".join(route.namespaces[:2]) if route.namespace == "wagtailadmin_api" else route.namespace
    if namespace not in table.NAMESPACE_PK_OBJECTS:
        raise Unclassified(f"{route.key}: what does pk name in {namespace}? (NAMESPACE_PK_OBJECTS)")
    return table.NAMESPACE_PK_OBJECTS[namespace]


def _variants(route: Route, rule: table.Rule):
    """(label suffix, extra kwargs values, query, extra World keys, owner) for each URL a rule expands into."""
    if not rule.variants:
        yield "", {}, rule.query, (), rule.owner
        return
    if rule.variants == "settings":
        from wagtail.contrib.settings.registry import registry

        for model in registry:
            label = model._meta.label_lower
            if label not in table.MODEL_OBJECTS:
                raise Unclassified(f"{route.key}: setting {label} has no B object in MODEL_OBJECTS")
            values = {"app_name": model._meta.app_label, "model_name": model._meta.model_name}
            yield f"[{label}]", values, rule.query, (table.MODEL_OBJECTS[label],), rule.owner
    elif rule.variants == "bulk_actions":
        from wagtail.admin.views.bulk_action.registry import bulk_action_registry

        bulk_action_registry._scan_for_bulk_actions()
        for app_label, models in sorted(bulk_action_registry.actions.items()):
            for model_name, actions in sorted(models.items()):
                label = f"{app_label}.{model_name}"
                if label not in table.MODEL_OBJECTS:
                    raise Unclassified(f"bulk actions of {label}: no B object in MODEL_OBJECTS")
                key = table.MODEL_OBJECTS[label]
                query = f"id={{{key}}}" + ("&id={draft}" if key == "page" else "")
                for action in sorted(actions):
                    values = {"app_label": app_label, "model_name": model_name, "action": action}
                    yield f"[{label}:{action}]", values, query, (key,), MODEL_OWNER.get(label, rule.owner)
        # "Select all" inside B's section or B's collection, with no id named.
        for label, key in (("wagtailcore.page", "news"), ("media.communeimage", "collection")):
            app_label, model_name = label.split(".")
            values = {"app_label": app_label, "model_name": model_name, "action": "delete"}
            yield f"[{label}:delete:all]", values, f"id=all&childOf={{{key}}}", (key,), rule.owner
    elif rule.variants == "api_actions":
        from wagtail.admin.api.views import PagesAdminAPIViewSet

        for action in sorted(PagesAdminAPIViewSet.actions):
            yield f"[{action}]", {"action_name": action}, rule.query, (), rule.owner
    else:
        raise AssertionError(rule.variants)


def targets_for(route: Route, rule: table.Rule, world: World) -> list[Target]:
    """The concrete URLs of an OBJECT or OPERATOR route, every kwarg filled from B's world."""
    values = format_values(world)
    found = []
    for suffix, fixed, query, extra_kinds, owner in _variants(route, rule):
        kwargs, kinds = {}, list(extra_kinds)
        for kwarg in route.kwargs:
            if kwarg in fixed:
                kwargs[kwarg] = fixed[kwarg]
                continue
            if kwarg in rule.values:
                kwargs[kwarg] = str(rule.values[kwarg]).format(**values)
                continue
            key = rule.objects.get(kwarg) or (_pk_key(route) if kwarg == "pk" else table.KWARG_OBJECTS.get(kwarg))
            if key == "@snippet":
                key = _snippet_key(route)
            if key is None:
                raise Unclassified(f"{route.key}: the test does not know what URL kwarg {kwarg!r} names")
            kwargs[kwarg] = world.b[key].pk
            kinds.append(key)
        if "{@snippet}" in query:
            query = query.replace("{@snippet}", "{" + _snippet_key(route) + "}")
            kinds.append(_snippet_key(route))
        kinds += [name for name in values if "{" + name + "}" in query and name not in kinds]
        if route.positional:
            raise Unclassified(f"{route.key}: positional URL arguments (only public routes may have them)")
        url = reverse(route.qualname, kwargs=kwargs)
        if query:
            url += "?" + query.format(**values)
        post = {k: str(v).format(**values) for k, v in rule.post.items()}
        owner_status = 405 if rule.variants == "api_actions" else rule.owner_status
        found.append(Target(route.key + suffix, url, tuple(kinds), rule, owner, owner_status, post))
    return found


def listing_url(route: Route, rule: table.Rule, world: World, *, search: bool) -> str:
    values = format_values(world)
    kwargs = {}
    for kwarg in route.kwargs:
        if kwarg not in rule.values:
            raise Unclassified(f"{route.key}: listing with URL kwarg {kwarg!r} and no value for it")
        kwargs[kwarg] = str(rule.values[kwarg]).format(**values)
    url = reverse(route.qualname, kwargs=kwargs)
    query = rule.query.format(**values) if rule.query else ("q=BMARKER" if search else "")
    return f"{url}?{query}" if query else url


def gate_objects(url: str):
    """What sites.admin_gate sees in this URL's path (to prove the test aims at B's objects, not A's)."""
    from django.urls import resolve

    from sites import admin_gate

    return admin_gate.objects_named(resolve(urlsplit(url).path))
