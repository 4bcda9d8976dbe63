"""Audit trail (sites/audit.py): sign-ins, failed sign-ins, sign-outs and permission changes in Wagtail's log,
and who reads them in the site history: a commune's officers their own people's, a province admin their
province's, operators everyone's."""

import html
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from wagtail.log_actions import LogContext
from wagtail.models import GroupCollectionPermission, GroupPagePermission, GroupSitePermission, ModelLogEntry

from sites import services
from sites.audit import client_ip
from tests.factories import CommuneFactory, make_officer, make_superuser, mark_verified

User = get_user_model()
LOGIN = "/admin/login/"
LOGOUT = "/admin/logout/"
PASSWORD = "mat-khau-thu-1"  # the factories' password
HISTORY = reverse("wagtailadmin_reports:site_history")


def entries(action, **filters):
    return list(ModelLogEntry.objects.filter(action=action, **filters).order_by("pk"))


def the_entry(action, **filters):
    """The one entry of this action (the test fails if there are none or several)."""
    found = entries(action, **filters)
    assert len(found) == 1, f"{action}: {len(found)} entries, expected exactly one"
    return found[0]


def assert_about(entry, obj):
    assert entry.content_type == ContentType.objects.get_for_model(obj)
    assert entry.object_id == str(obj.pk)


def sign_in(username, password, host, ip="10.0.0.1", **extra):
    return Client().post(LOGIN, {"username": username, "password": password}, HTTP_HOST=host, REMOTE_ADDR=ip, **extra)


def admin_client(user, host):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    mark_verified(client, user)  # province admins and operators have passed the second factor
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def everything_logged() -> str:
    """Every label and data of every log entry, as one string."""
    return json.dumps(list(ModelLogEntry.objects.values("label", "data")), ensure_ascii=False, default=str)


# --- Sign-in, failed sign-in, sign-out ---------------------------------------------------------


def test_sign_in_is_logged_with_the_address_and_a_short_user_agent(commune_a, editor_a, province_a):
    agent = "Mozilla/5.0 (X11; Linux x86_64) " + "Chrome/126.0 " * 30
    response = sign_in("bientap.a", PASSWORD, commune_a.hostname, ip="10.1.2.3", HTTP_USER_AGENT=agent)
    assert response.status_code == 302
    entry = the_entry("xaso.login")
    assert_about(entry, editor_a)
    assert entry.user_id == editor_a.pk
    assert entry.label == "bientap.a"
    assert entry.data["ip"] == "10.1.2.3"
    assert entry.data["user_agent"].startswith("Mozilla/5.0 (X11; Linux x86_64)")
    assert len(entry.data["user_agent"]) <= 120
    assert entry.data["scope"] == {f"commune:{commune_a.pk}": True, f"province:{province_a.pk}": True}
    assert entry.message.startswith("Đăng nhập từ 10.1.2.3 (Mozilla/5.0")


def test_behind_a_trusted_proxy_the_clients_address_is_logged_and_forged_ones_ignored(commune_a, editor_a):
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    with override_settings(TRUSTED_PROXY_COUNT=1):
        sign_in("bientap.a", PASSWORD, commune_a.hostname, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
        assert client_ip(RequestFactory().get("/", **forwarded)) == "203.0.113.9"
        # Fewer forwarded addresses than trusted proxies, or garbage: the connection's own address.
        assert client_ip(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
        garbage = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
        assert client_ip(garbage) == "127.0.0.1"
    assert the_entry("xaso.login").data["ip"] == "203.0.113.9"
    # Without trusted proxies X-Forwarded-For is whatever the client wrote: not believed.
    assert client_ip(RequestFactory().get("/", **forwarded)) == "127.0.0.1"


def test_sign_out_is_logged(commune_a, editor_a):
    client = Client(HTTP_HOST=commune_a.hostname)
    assert (
        client.post(LOGIN, {"username": "bientap.a", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9").status_code == 302
    )
    client.post(LOGOUT, REMOTE_ADDR="10.0.0.9")
    entry = the_entry("xaso.logout")
    assert_about(entry, editor_a)
    assert entry.user_id == editor_a.pk
    assert entry.data["ip"] == "10.0.0.9"
    assert entry.message.startswith("Đăng xuất")


def test_failed_sign_in_of_a_known_account_is_logged_against_it_without_the_password(commune_a, editor_a):
    sign_in("bientap.a", "Sai-Mat-Khau-7319", commune_a.hostname, ip="10.0.0.5")
    entry = the_entry("xaso.login_failed")
    assert_about(entry, editor_a)
    assert entry.user_id is None  # nobody is known to have acted: the attempt may be anyone's
    assert entry.data["username"] == "bientap.a"
    assert entry.data["known"] is True
    assert entry.data["ip"] == "10.0.0.5"
    assert f"commune:{commune_a.pk}" in entry.data["scope"]
    assert entry.message == "Đăng nhập thất bại với tên “bientap.a” từ 10.0.0.5"
    assert not entries("xaso.login")
    assert "Sai-Mat-Khau-7319" not in everything_logged()
    # The user's own history page (operators only) lists it too.
    history = admin_client(make_superuser(), commune_a.hostname).get(
        reverse("wagtailusers_users:history", args=[editor_a.pk])
    )
    assert history.status_code == 200
    assert "Đăng nhập thất bại với tên “bientap.a” từ 10.0.0.5" in text(history)


def test_failed_sign_in_of_an_unknown_username_is_for_operators_only(commune_a, editor_a, province_admin_a):
    sign_in("khong.ton.tai", "Bi-Mat-Cua-Ai-Do-55", commune_a.hostname, ip="10.0.0.6")
    entry = the_entry("xaso.login_failed")
    assert entry.content_type == ContentType.objects.get_for_model(User)
    assert entry.object_id == "0"  # a placeholder: no account has that id
    assert entry.label == "khong.ton.tai"
    assert entry.data["known"] is False
    assert entry.data["scope"] == {}
    assert "Bi-Mat-Cua-Ai-Do-55" not in everything_logged()

    operator = make_superuser()
    page = admin_client(operator, commune_a.hostname).get(HISTORY)
    assert page.status_code == 200
    assert "Đăng nhập thất bại với tên “khong.ton.tai” (tài khoản không tồn tại)" in text(page)
    for user in (editor_a, province_admin_a):
        page = admin_client(user, commune_a.hostname).get(HISTORY)
        assert page.status_code == 200
        assert "khong.ton.tai" not in text(page)


def test_every_refused_attempt_is_logged_lockout_included(commune_a, editor_a):
    for _ in range(5):
        sign_in("bientap.a", "sai", commune_a.hostname)
    locked = sign_in("bientap.a", PASSWORD, commune_a.hostname)  # the right password, but locked out now
    assert locked.status_code == 429
    assert len(entries("xaso.login_failed", object_id=str(editor_a.pk))) == 6
    assert not entries("xaso.login")
    assert "mat-khau-thu-1" not in everything_logged()


# --- Group membership ----------------------------------------------------------------------------


def test_group_membership_changes_from_either_side_including_clear(commune_a, editor_a):
    operator = make_superuser()
    editors, approvers = commune_a.editors_group, commune_a.approvers_group
    ModelLogEntry.objects.all().delete()

    with LogContext(user=operator):
        editor_a.groups.add(approvers)
    entry = the_entry("xaso.group_added")
    assert_about(entry, editor_a)
    assert entry.user_id == operator.pk
    assert entry.data["groups"] == [{"id": approvers.pk, "name": approvers.name}]
    assert entry.message == f"Được thêm vào nhóm “{approvers.name}”"

    editor_a.groups.add(approvers)  # already a member: nothing changed, nothing logged
    assert len(entries("xaso.group_added")) == 1

    approvers.user_set.remove(editor_a)
    entry = the_entry("xaso.group_removed")
    assert_about(entry, editor_a)
    assert entry.data["groups"] == [{"id": approvers.pk, "name": approvers.name}]

    editor_a.groups.clear()
    entry = entries("xaso.group_removed")[-1]
    assert len(entries("xaso.group_removed")) == 2
    assert_about(entry, editor_a)
    assert entry.data["groups"] == [{"id": editors.pk, "name": editors.name}]
    assert f"commune:{commune_a.pk}" in entry.data["scope"]  # A still sees it although the user left

    other = User.objects.create_user("nguoi.khac", password="x")
    editors.user_set.add(editor_a, other)
    added = entries("xaso.group_added")[1:]
    assert sorted(e.object_id for e in added) == sorted([str(editor_a.pk), str(other.pk)])
    editors.user_set.clear()
    assert len(entries("xaso.group_removed")) == 4


def test_an_officer_added_in_the_admin_records_who_added_them(commune_a, province_admin_a):
    client = admin_client(province_admin_a, "localhost")
    data = {
        "officer-username": "moi.dongdat",
        "officer-email": "moi@dongdat.thainguyen.gov.vn",
        "officer-role": "editor",
        "officer-password": "",
    }
    response = client.post(reverse("communes:add_officer", args=[commune_a.pk]), data)
    assert response.status_code == 302
    officer = User.objects.get(username="moi.dongdat")
    entry = the_entry("xaso.group_added", object_id=str(officer.pk))
    assert entry.user_id == province_admin_a.pk
    assert entry.data["groups"] == [{"id": commune_a.editors_group_id, "name": commune_a.editors_group.name}]


# --- Model permissions of groups and users -----------------------------------------------------


def test_group_permission_changes_from_either_side(commune_a):
    group = commune_a.editors_group
    delete_image = Permission.objects.get(content_type__app_label="wagtailimages", codename="delete_image")
    delete_document = Permission.objects.get(content_type__app_label="wagtaildocs", codename="delete_document")

    group.permissions.add(delete_image, delete_document)
    entry = the_entry("xaso.permissions_added")
    assert_about(entry, group)
    assert entry.data["permissions"] == ["wagtaildocs.delete_document", "wagtailimages.delete_image"]
    assert entry.data["scope"] == {f"commune:{commune_a.pk}": True, f"province:{commune_a.province_id}": True}
    assert entry.message == "Thêm quyền: wagtaildocs.delete_document, wagtailimages.delete_image"

    group.permissions.add(delete_image)  # already granted
    assert len(entries("xaso.permissions_added")) == 1

    delete_image.group_set.remove(group)
    entry = the_entry("xaso.permissions_removed")
    assert_about(entry, group)
    assert entry.data["permissions"] == ["wagtailimages.delete_image"]

    before = set(group.permissions.values_list("content_type__app_label", "codename"))
    group.permissions.clear()
    entry = entries("xaso.permissions_removed")[-1]
    assert sorted(entry.data["permissions"]) == sorted(f"{app}.{code}" for app, code in before)


def test_a_users_own_permissions_are_logged_too(editor_a):
    permission = Permission.objects.get(content_type__app_label="wagtailimages", codename="delete_image")
    editor_a.user_permissions.add(permission)
    entry = the_entry("xaso.permissions_added")
    assert_about(entry, editor_a)
    assert entry.data["permissions"] == ["wagtailimages.delete_image"]


def test_page_collection_and_site_permission_rows(commune_a):
    operator = make_superuser()
    group = commune_a.editors_group
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    delete_image = Permission.objects.get(content_type__app_label="wagtailimages", codename="delete_image")
    site_perm = GroupSitePermission.objects.filter(group=group).first().permission

    with LogContext(user=operator):
        row = GroupPagePermission.objects.create(group=group, page=commune_a.home_page, permission=publish)
    entry = the_entry("xaso.object_permission_added")
    assert_about(entry, group)
    assert entry.user_id == operator.pk
    assert entry.data == {
        "kind": "page",
        "object_id": commune_a.home_page_id,
        "object": commune_a.home_page.title,
        "permission": "wagtailcore.publish_page",
        "scope": {f"commune:{commune_a.pk}": True, f"province:{commune_a.province_id}": True},
    }
    assert entry.message == f"Thêm quyền wagtailcore.publish_page trên trang “{commune_a.home_page.title}”"

    row.delete()
    entry = the_entry("xaso.object_permission_removed")
    assert (entry.data["kind"], entry.data["permission"]) == ("page", "wagtailcore.publish_page")

    # Wagtail's group editor writes page and collection rows with bulk_create, which sends no signal.
    GroupCollectionPermission.objects.bulk_create(
        [GroupCollectionPermission(group=group, collection=commune_a.collection, permission=delete_image)]
    )
    entry = entries("xaso.object_permission_added")[-1]
    assert (entry.data["kind"], entry.data["object"]) == ("collection", commune_a.collection.name)
    assert entry.data["permission"] == "wagtailimages.delete_image"

    # Site settings rights: the settings form's get_or_create and queryset delete.
    GroupSitePermission.objects.filter(group=group, site=commune_a.site).delete()
    assert entries("xaso.object_permission_removed")[-1].data["kind"] == "site"
    removed = len(entries("xaso.object_permission_removed"))
    GroupSitePermission.objects.get_or_create(group=group, site=commune_a.site, permission=site_perm)
    entry = entries("xaso.object_permission_added")[-1]
    assert (entry.data["kind"], entry.data["object_id"]) == ("site", commune_a.site_id)
    assert len(entries("xaso.object_permission_added")) == 3
    assert removed >= 2


# --- Account flags -------------------------------------------------------------------------------


def test_superuser_staff_and_active_toggles(editor_a):
    editor_a.is_active = False
    editor_a.save()
    entry = the_entry("xaso.account_changed")
    assert_about(entry, editor_a)
    assert entry.data["changes"] == {"is_active": [True, False]}
    assert entry.message == "Đổi tài khoản hoạt động: tắt"

    editor_a.is_superuser = editor_a.is_staff = True
    editor_a.save()
    assert entries("xaso.account_changed")[-1].data["changes"] == {
        "is_superuser": [False, True],
        "is_staff": [False, True],
    }
    editor_a.save()  # nothing changed
    editor_a.first_name = "An"
    editor_a.save(update_fields=["first_name"])
    assert len(entries("xaso.account_changed")) == 2


# --- Provisioning --------------------------------------------------------------------------------


def test_provisioning_a_commune_logs_one_summary(province_a):
    before = ModelLogEntry.objects.count()
    commune = CommuneFactory(province=province_a, name="Tân Cương")
    assert ModelLogEntry.objects.count() - before == 1
    entry = the_entry("xaso.permissions_provisioned", content_type__model="commune")
    assert_about(entry, commune)
    assert set(entry.data["granted"]) == {"page", "collection", "site", "model"}
    assert {g["id"] for g in entry.data["groups"]} == {
        commune.editors_group_id,
        commune.approvers_group_id,
        province_a.admins_group_id,  # it gains the settings rights of the new commune's site
    }
    assert entry.message.startswith("Cấp quyền mặc định cho 3 nhóm:")
    # Running it again grants nothing and logs nothing.
    services.commune_create(province=province_a, name="Tân Cương")
    assert ModelLogEntry.objects.count() - before == 1


def test_a_new_province_and_its_first_commune_log_one_summary_each(db):
    before = ModelLogEntry.objects.count()
    commune = services.commune_create(
        province=services.province_ensure(name="Bắc Ninh", domain="bacninh.gov.vn"), name="Đông Phong"
    )
    assert ModelLogEntry.objects.count() - before == 2
    assert_about(the_entry("xaso.permissions_provisioned", content_type__model="commune"), commune)
    assert_about(the_entry("xaso.permissions_provisioned", content_type__model="province"), commune.province)


def test_a_failed_provisioning_logs_nothing(province_a, monkeypatch):
    before = ModelLogEntry.objects.count()

    def explode(commune):
        raise RuntimeError("sự cố giữa chừng")

    monkeypatch.setattr(services, "_ensure_workflow", explode)
    with pytest.raises(RuntimeError):
        services.commune_create(province=province_a, name="Tân Cương")
    assert ModelLogEntry.objects.count() == before


# --- Who reads what in the site history --------------------------------------------------------


@pytest.fixture
def people(commune_a, commune_a2, commune_b, editor_a, editor_b, province_admin_a, province_admin_b):
    """One failed sign-in for each marker account: A's editor, A's neighbour's, B's, both province admins."""
    accounts = {
        "a": editor_a,
        "a2": make_officer(commune_a2, "editor", username="bientap.a2"),
        "b": editor_b,
        "province_a": province_admin_a,
        "province_b": province_admin_b,
        "operator": make_superuser(),
    }
    for user in accounts.values():
        sign_in(user.username, "sai", commune_a.hostname)
    return accounts


def failed(username):
    """How a failed sign-in of this account reads in the site history."""
    return f"Đăng nhập thất bại với tên “{username}” từ 10.0.0.1"


def history_for(user, host):
    response = admin_client(user, host).get(HISTORY)
    assert response.status_code == 200
    return text(response)


def test_an_officer_reads_their_own_communes_people_only(people, commune_a, commune_b):
    page = history_for(people["a"], commune_a.hostname)
    assert failed("bientap.a") in page
    for leak in ("bientap.a2", "bientap.b", "quantri.thainguyen", "quantri.quangngai", "vanhanh"):
        assert leak not in page, leak
    page = history_for(people["b"], commune_b.hostname)
    assert failed("bientap.b") in page
    for leak in ("bientap.a", "quantri.thainguyen", "quantri.quangngai", "vanhanh"):
        assert leak not in page, leak


def test_a_province_admin_reads_their_provinces_people(people, commune_a):
    page = history_for(people["province_a"], commune_a.hostname)
    for own in ("bientap.a", "bientap.a2", "quantri.thainguyen"):
        assert failed(own) in page, own
    for leak in ("bientap.b", "quantri.quangngai", "vanhanh"):
        assert leak not in page, leak


def test_operators_read_everyone(people, commune_a):
    page = history_for(people["operator"], commune_a.hostname)
    for user in people.values():
        assert failed(user.username) in page, user.username


def test_the_action_filter_offers_and_applies_the_audit_actions(people, commune_a):
    sign_in("bientap.a", PASSWORD, commune_a.hostname, ip="10.0.0.44")
    client = admin_client(people["a"], commune_a.hostname)
    page = text(client.get(HISTORY))
    assert 'value="xaso.login_failed"' in page
    assert "Đăng nhập từ 10.0.0.44" in page
    only_failed = text(client.get(HISTORY, {"action": "xaso.login_failed"}))
    assert failed("bientap.a") in only_failed
    assert "Đăng nhập từ 10.0.0.44" not in only_failed


def test_a_moved_officer_takes_no_history_along(commune_a, commune_b, editor_a, editor_b, province_admin_a):
    """Entries keep the commune of their time: B does not read what its new officer did while at A."""
    sign_in("bientap.a", "sai", commune_a.hostname)
    operator = make_superuser()
    with LogContext(user=operator):
        editor_a.groups.remove(commune_a.editors_group)
        editor_a.groups.add(commune_b.editors_group)
    page = history_for(editor_b, commune_b.hostname)
    assert f"Được thêm vào nhóm “{commune_b.editors_group.name}”" in page
    assert failed("bientap.a") not in page
    assert commune_a.editors_group.name not in page
    # A's province admin still reads the sign-in and the removal.
    page = history_for(province_admin_a, commune_a.hostname)
    assert failed("bientap.a") in page
    assert f"Bị gỡ khỏi nhóm “{commune_a.editors_group.name}”" in page


def test_the_history_shows_a_user_agent_as_text(commune_a, editor_a):
    sign_in("bientap.a", PASSWORD, commune_a.hostname, HTTP_USER_AGENT="<img src=x onerror=alert(1)>")
    body = admin_client(editor_a, commune_a.hostname).get(HISTORY).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img src=x onerror" not in body


def test_restoring_saved_rows_is_not_a_permission_change(commune_a, editor_a):
    """Fixtures and test-database restores save rows raw and then set their groups: nothing to log."""
    from django.core import serializers

    dumped = serializers.serialize("json", [editor_a])
    get_user_model().objects.filter(pk=editor_a.pk).delete()
    before = ModelLogEntry.objects.count()
    for obj in serializers.deserialize("json", dumped):
        obj.save()
    restored = get_user_model().objects.get(pk=editor_a.pk)
    assert restored.groups.count() == 1  # the membership came back with the row
    assert ModelLogEntry.objects.count() == before
