"""The isolation matrix: every URL pattern of the install × every role × one object of each kind of commune B.

The URL patterns come from Django's resolver, never from a hand-written list; each is classified in
tests/isolation_matrix/table.py, and a pattern the table does not know fails the test, so a new URL
(a new Wagtail view, snippet, setting, bulk action or app) cannot slip through unchecked.

Roles: anonymous, editor A, approver A, P1 (province admin of A's province) are non-owners of B's
objects; editor B, approver B, P2 (province admin of B's province) and the operator own them.
Every refusal is paired with a check that B's owner reaches the same URL, so a 404 from a wrongly
built URL cannot pass as isolation.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter, defaultdict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from sites import admin_gate
from tests.conftest import clear_cache
from tests.factories_procedures import SAMPLE_FILE
from tests.isolation_matrix import harness, table
from tests.isolation_matrix.harness import B_LEAKS, LISTING_VIEWERS, NON_OWNERS, body_text, is_refusal
from tests.isolation_matrix.routes import all_routes
from tests.isolation_matrix.world import build_world, fingerprint, snapshot_b

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """B's world, built once for the module inside a transaction rolled back at its end.

    Each test still runs in its own savepoint (pytest-django's db), so whatever one test's
    requests change is undone before the next.
    """
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        with transaction.atomic():
            clear_cache()
            yield build_world()
            transaction.set_rollback(True)
        clear_cache()


@pytest.fixture(autouse=True)
def _plain_404(settings):
    settings.ROOT_URLCONF = "tests.isolation_matrix.urls"  # same URLs, plain 404 body (see that module)


def _classified():
    """[(route, table key, rule)] for every URL pattern; the unclassified ones are returned apart."""
    found, missing = [], []
    for route in all_routes():
        match = table.rule_for(route)
        if match is None:
            missing.append(route)
        else:
            found.append((route, *match))
    return found, missing


def _routes_of(*kinds):
    found, missing = _classified()
    if missing:
        pytest.fail("URL patterns the isolation matrix does not know: " + ", ".join(r.key for r in missing))
    return [(route, key, rule) for route, key, rule in found if rule.kind in kinds]


def _leaks(response, world) -> list[str]:
    text = body_text(response)
    return [m for m in (*B_LEAKS, world.communes["b"].hostname) if m in text]


def _describe(role, method, url, response) -> str:
    where = f" -> {response['Location']}" if response.status_code in (301, 302) else ""
    return f"{role} {method} {url}: {response.status_code}{where}"


# --- 1. The table knows every URL pattern -----------------------------------------------------------


def test_every_url_pattern_is_classified(world):
    found, missing = _classified()
    assert not missing, (
        "URL patterns the isolation matrix does not know how to classify (add them to "
        "tests/isolation_matrix/table.py RULES with a kind and a reason): "
        + ", ".join(f"{r.key} {r.route}" for r in missing)
    )
    used = {key for _, key, _ in found}
    stale = sorted(set(table.RULES) - used)
    assert not stale, f"table rules that match no URL any more (remove them): {stale}"
    for route, key, rule in found:
        assert rule.kind in table.KINDS, key
        if rule.kind in (table.NEUTRAL, table.AUTH, table.PUBLIC, table.OPERATOR):
            assert rule.why, f"{key}: say in one line why it is {rule.kind}"
        if rule.kind == table.PUBLIC:
            assert key in table.PUBLIC_CHECKS, f"{key}: a public route needs paths in PUBLIC_CHECKS"
        if rule.kind == table.OBJECT:
            aimed = route.kwargs or rule.query or rule.variants
            assert aimed, f"{key}: an object URL with nothing naming an object (no kwarg, no ?id=)"
    # Every object, operator and listing URL can be aimed at B: each kwarg, snippet model, setting
    # and bulk action is known (a new one fails here, with what to add to the table).
    unaimed = []
    for route, _key, rule in found:
        try:
            if rule.kind == table.OBJECT or (rule.kind == table.OPERATOR and route.kwargs):
                harness.targets_for(route, rule, world)
            elif rule.kind == table.LISTING:
                harness.listing_url(route, rule, world, search=True)
        except harness.Unclassified as exc:
            unaimed.append(str(exc))
    assert not unaimed, "URLs the matrix cannot aim at B's objects:\n" + "\n".join(unaimed)
    # The operator areas in the table are exactly the ones the admin gate keeps for operators.
    operator_namespaces = {r.namespace for r, _, rule in found if rule.kind == table.OPERATOR and r.name}
    operator_names = {r.qualname for r, _, rule in found if rule.kind == table.OPERATOR}
    gate_names = {r.qualname for r, _, _ in found if r.namespace in admin_gate.OPERATOR_ONLY_NAMESPACES}
    assert operator_names == gate_names | admin_gate.OPERATOR_ONLY_URL_NAMES
    assert operator_namespaces - {"wagtailadmin_reports"} == admin_gate.OPERATOR_ONLY_NAMESPACES
    counts = Counter(rule.kind for _, _, rule in found)
    print(f"\nURL patterns: {len(found)}; by kind: {dict(sorted(counts.items()))}")


# --- 2. B's objects: refused to every non-owner, GET and POST; nothing changes -------------------------


def _object_targets(world):
    targets = []
    for route, _key, rule in _routes_of(table.OBJECT):
        targets += harness.targets_for(route, rule, world)
    return targets


def _request(client, method, target, follow=False):
    if method == "get":
        return client.get(target.url, follow=follow)
    if target.rule.variants == "api_actions":
        return client.post(target.url, json.dumps(target.post), content_type="application/json", follow=follow)
    return client.post(target.url, target.post, follow=follow)


def test_b_objects_are_refused_to_every_non_owner(world):
    started = time.monotonic()
    clients = harness.clients_for(world)
    targets = _object_targets(world)
    before = snapshot_b(world)
    problems, requests = [], 0
    for target in targets:
        # The URL really names B's objects: what the admin gate loads from it is B's.
        for obj in harness.gate_objects(target.url):
            owner = admin_gate.owner_of(obj)
            if owner != (None, None) and owner[1] != world.b["province"].pk:
                problems.append(f"{target.label}: {target.url} names {obj!r}, not one of B's objects")
        for role in NON_OWNERS:
            for method in ("get", "post"):
                response = _request(clients[role], method, target, follow=target.rule.follow)
                requests += 1
                leaked = _leaks(response, world)
                refused = is_refusal(response, target.rule.refused_to) or response.status_code in target.rule.harmless
                if leaked or not refused:
                    problems.append(f"{_describe(role, method.upper(), target.url, response)} leaked={leaked}")
    after = snapshot_b(world)
    changed = sorted(k for k in before if before[k] != after[k])
    assert not changed, f"non-owners changed B's {changed}"
    assert not problems, "cross-commune leaks:\n" + "\n".join(problems)
    print(
        f"\nobject URLs: {len(targets)} x {len(NON_OWNERS)} non-owner roles x GET/POST = {requests} requests, "
        f"0 leaks, {time.monotonic() - started:.1f}s"
    )


def test_b_objects_open_for_their_owner(world):
    """The same URLs, as B's owner: each answers as the table says, and each kind shows its marker somewhere."""
    clients = harness.clients_for(world)
    shown = defaultdict(list)  # issue kind -> URLs whose owner response carries its marker
    problems, requests = [], 0
    for target in _object_targets(world):
        response = clients[target.owner].get(target.url, follow=target.rule.follow)
        requests += 1
        expected = target.owner_status
        status = response.status_code
        if expected == table.DENIED:
            ok = status == 302 and response["Location"] == reverse("wagtailadmin_home")
        elif expected == 302:
            ok = status == 302 and not is_refusal(response)
        else:
            ok = status == expected
        if not ok:
            problems.append(f"{_describe(target.owner, 'GET', target.url, response)} (expected {expected})")
            continue
        text = body_text(response)
        for kind, (keys, marker) in table.ISSUE_KINDS.items():
            if (set(keys) & set(target.kinds) or kind in target.rule.also) and marker in text:
                shown[kind].append(target.label)
    assert not problems, "owners do not reach their own objects (the URL is wrong):\n" + "\n".join(problems)
    unshown = sorted(set(table.ISSUE_KINDS) - set(shown) - set(table.KINDS_NOBODY_OPENS))
    assert not unshown, f"no object URL showed its owner these kinds, so their refusals prove nothing: {unshown}"
    kinds = {kind: len(shown[kind]) for kind in table.ISSUE_KINDS}
    print(f"\nowner checks: {requests} requests; URLs showing each kind to its owner: {kinds}")


def test_kinds_nobody_opens_stay_closed_to_the_operator_too(world):
    """Form submissions have no page type to show them: the operator does not see B's either."""
    clients = harness.clients_for(world)
    for url in (
        reverse("wagtailforms:index"),
        reverse("wagtailforms:list_submissions", args=[world["page"].pk]),
    ):
        response = clients["superuser"].get(url, follow=True)
        assert "BMARKER-submission" not in body_text(response)


def test_the_real_404_page_shows_nothing_of_b(world, settings):
    """The commune-framed 404 page (which the rest of the matrix replaces by a plain one) leaks nothing either."""
    settings.ROOT_URLCONF = "cms.urls"
    clients = harness.clients_for(world)
    urls = [
        reverse("wagtailadmin_pages:edit", args=[world["page"].pk]),
        reverse("wagtailimages:edit", args=[world["image"].pk]),
        reverse("wagtailsnippets_pages_notice:edit", args=[world["notice"].pk]),
        reverse("wagtailusers_users:edit", args=[world["user"].pk]),
        world["document"].url,
    ]
    for role in NON_OWNERS:
        for url in urls:
            response = clients[role].get(url)
            assert is_refusal(response), _describe(role, "GET", url, response)
            assert not _leaks(response, world), _describe(role, "GET", url, response)
    # The real page was rendered, in A's frame, not the plain one.
    assert "AMARKER-AGENCY" in body_text(clients["editor_a"].get(urls[0])).upper()


# --- 3. Operator areas: refused to everyone but the operator, B's owners included ---------------------


def test_operator_areas_refuse_everyone_else(world):
    clients = harness.clients_for(world)
    targets = []
    for route, _key, rule in _routes_of(table.OPERATOR):
        if route.kwargs:
            targets += harness.targets_for(route, rule, world)
        else:
            targets.append(harness.Target(route.key, reverse(route.qualname), (), rule, "superuser", 200))
    before = snapshot_b(world)
    problems, requests = [], 0
    for target in targets:
        for role in (*NON_OWNERS, "editor_b", "province_admin_b"):
            for method in ("get", "post"):
                response = _request(clients[role], method, target)
                requests += 1
                if not is_refusal(response) or _leaks(response, world):
                    problems.append(_describe(role, method.upper(), target.url, response))
        response = clients["superuser"].get(target.url)
        requests += 1
        if is_refusal(response) and response.status_code != 405:  # the operator is never refused
            problems.append("operator: " + _describe("superuser", "GET", target.url, response))
    assert snapshot_b(world) == before
    assert not problems, "operator areas reached by others:\n" + "\n".join(problems)
    print(f"\noperator URLs: {len(targets)}, {requests} requests")


# --- 4. Listings, choosers, searches, reports: B's marker never shows to A ---------------------------


def test_listings_choosers_searches_and_reports_never_show_b(world):
    """Each of A's people opens each listing (searching for B's marker where it searches); P1, the widest
    non-owner scope, also opens it unsearched. B's owner sees the marker where the table says so."""
    clients = harness.clients_for(world)
    values = harness.format_values(world)
    before = snapshot_b(world)
    problems, requests, owner_saw = [], 0, []
    for route, key, rule in _routes_of(table.LISTING):
        plain = harness.listing_url(route, rule, world, search=False)
        searched = harness.listing_url(route, rule, world, search=True)
        visits = [(role, searched) for role in LISTING_VIEWERS] + [("province_admin_a", plain)]
        for role, url in dict.fromkeys(visits):
            response = clients[role].get(url, follow=True)
            requests += 1
            leaked = _leaks(response, world)
            if leaked or response.status_code >= 500:
                problems.append(f"{_describe(role, 'GET', url, response)} leaked={leaked}")
        if rule.post:
            for role in LISTING_VIEWERS:
                response = clients[role].post(plain, {k: str(v).format(**values) for k, v in rule.post.items()})
                requests += 1
                leaked = _leaks(response, world)
                if leaked or response.status_code >= 500:
                    problems.append(f"{_describe(role, 'POST', plain, response)} leaked={leaked}")
        if rule.owner_sees:
            response = clients[rule.owner].get(searched, follow=True)
            requests += 1
            if not any(m in body_text(response) for m in B_LEAKS):
                problems.append(f"{key}: B's owner ({rule.owner}) does not see B's marker at {searched}")
            else:
                owner_saw.append(key)
    assert snapshot_b(world) == before
    assert not problems, "listings showing B to A (or not showing B to B):\n" + "\n".join(problems)
    print(f"\nlistings: {requests} requests; B's owner sees the marker in {len(owner_saw)} of them")


# --- 5. Public site: B's content never answers on A's host ---------------------------------------------


def test_public_urls_never_serve_b_on_a_host(world):
    clients = harness.clients_for(world)
    public = {key for _, key, _ in _routes_of(table.PUBLIC)}
    assert public == set(table.PUBLIC_CHECKS)
    from django.test import Client

    b_host = Client(HTTP_HOST=world.communes["b"].hostname)
    problems, requests = [], 0
    for key in sorted(public):
        for build, b_status, b_marker, names_object in table.PUBLIC_CHECKS[key]:
            path = build(world)
            for role in ("anonymous", "editor_a"):
                response = clients[role].get(path)
                requests += 1
                leaked = _leaks(response, world)
                if leaked or (names_object and response.status_code == 200):
                    problems.append(f"{key}: {_describe(role + '@A', 'GET', path, response)} leaked={leaked}")
            response = b_host.get(path)
            requests += 1
            if response.status_code != b_status or (b_marker and not any(m in body_text(response) for m in B_LEAKS)):
                problems.append(f"{key}: B's own host: {_describe('anonymous@B', 'GET', path, response)}")
    assert not problems, "public URLs:\n" + "\n".join(problems)


def test_auth_and_neutral_urls_show_nothing_of_b(world):
    clients = harness.clients_for(world)
    values = harness.format_values(world)
    requests = 0
    for route, key, rule in _routes_of(table.AUTH, table.NEUTRAL):
        if route.qualname is None:
            url = "/admin/test404/" if "test404" in route.route else "/admin/khong-co-trang-nay/"
        elif route.name == "wagtailadmin_password_reset_confirm":
            url = reverse(route.qualname, kwargs={"uidb64": "Mw", "token": "sai-ma"})
        elif route.kwargs:
            pytest.fail(f"{key}: {rule.kind} URL with kwargs {route.kwargs}: classify it as an object URL")
        else:
            url = reverse(route.qualname)
        if route.name in ("wagtailadmin_logout", "wagtailadmin_error_test"):
            continue  # signing out ends the session; the error test raises on purpose
        for role in ("anonymous", "editor_a", "province_admin_a"):
            response = clients[role].get(url)
            requests += 1
            assert not _leaks(response, world), f"{key}: {_describe(role, 'GET', url, response)}"
    assert values


# --- 6. Direct POSTs from A's side into B ---------------------------------------------------------------


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#c00").save(buffer, format="PNG")
    return buffer.getvalue()


_UPLOADS = {
    "@png": ("hacked.png", _png, "image/png"),
    "@pdf": ("hacked.pdf", lambda: b"%PDF-1.4 hacked\n%%EOF", "application/pdf"),
    "@mp4": ("hacked.mp4", lambda: b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom", "video/mp4"),
    "@json": ("hacked.json", lambda: SAMPLE_FILE.read_bytes(), "application/json"),
}


def _fill(value, values):
    if value in _UPLOADS:
        name, content, content_type = _UPLOADS[value]
        return SimpleUploadedFile(name, content(), content_type=content_type)
    return str(value).format(**values)


def _control(cross):
    substitutes = {**table.CONTROL_SUBSTITUTES, **(cross.control if isinstance(cross.control, dict) else {})}

    def shape(text: str) -> str:
        for b_side, a_side in substitutes.items():
            text = text.replace(b_side, a_side)
        return text

    return shape


def _cross_post(client, cross, values, *, control=False):
    shape = _control(cross) if control else (lambda text: text)
    url = reverse(cross.name, args=[_fill(shape(str(arg)), values) for arg in cross.args])
    if cross.query:
        url += "?" + shape(cross.query).format(**values)
    data = {key: _fill(shape(str(value)), values) for key, value in cross.data.items()}
    if cross.json:
        return url, client.post(url, json.dumps(data), content_type="application/json")
    return url, client.post(url, data)


def test_direct_posts_into_b_are_refused(world):
    clients = harness.clients_for(world)
    values = harness.format_values(world)
    before = snapshot_b(world)
    problems, requests = [], 0
    for cross in table.CROSS_POSTS:
        for role in cross.roles:
            url, response = _cross_post(clients[role], cross, values)
            requests += 1
            after = snapshot_b(world)
            changed = sorted(k for k in before if before[k] != after[k])
            leaked = _leaks(response, world)
            if changed or leaked or response.status_code >= 500:
                problems.append(f"{cross.label}: {_describe(role, 'POST', url, response)} changed={changed}")
                before = after
        if cross.control:
            # The same request on A's own ground does what it says: the refusal above was the scoping.
            mark = fingerprint()
            url, response = _cross_post(clients[cross.roles[0]], cross, values, control=True)
            requests += 1
            if fingerprint() == mark:
                problems.append(
                    f"{cross.label}: control on A did nothing: {_describe(cross.roles[0], 'POST', url, response)}"
                )
    assert not problems, "cross-commune POSTs:\n" + "\n".join(problems)
    print(f"\ncross-commune POSTs: {len(table.CROSS_POSTS)} kinds, {requests} requests (controls included)")
