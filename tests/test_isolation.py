"""Tenant isolation in the Wagtail admin: an officer of commune A never sees nor touches commune B.

Commune B gets content whose every title carries a marker ("BMARKER-..."); commune A gets its own
("AMARKER-..."). Each test signs in as A's officer and proves two things at once: B's marker never
shows (isolation) and A's marker does (the listing still works, so the test proves filtering,
not breakage).
"""

import html
import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import TaggedItem
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import Collection, Page, Revision, WorkflowState

from media.models import CommuneDocument, CommuneImage, CommuneVideo
from pages.models import CommuneIdentity, StandardPage
from sites import tenancy
from tests.factories import CommuneFactory, make_officer, make_superuser

# Strings that belong to commune B (or its province) and must never reach A's officers:
# B's titles, tags, collection ("Xã Tân Phú"), workflow and group names, province and usernames.
B_LEAKS = ("BMARKER-", "bmarker-", "Tân Phú", "Quảng Ngãi", "bientap.b", "pheduyet.b", "quantri.quangngai")


# --- Data -----------------------------------------------------------------


def _make_content(commune, officer, marker):
    """A published locked page, a draft in review, an image, a document, a video and site settings, all marked."""
    slug = marker.lower()
    news = commune.home_page.get_children().get(slug="tin-tuc")
    page = news.add_child(instance=StandardPage(title=f"{marker}-page", slug=f"{slug}-page", body="<p>Nội dung</p>"))
    page.save_revision(user=officer, log_action=True).publish(user=officer, skip_permission_checks=True)
    page.refresh_from_db()
    page.locked, page.locked_by, page.locked_at = True, officer, timezone.now()
    page.save(update_fields=["locked", "locked_by", "locked_at"])

    draft = news.add_child(instance=StandardPage(title=f"{marker}-draft", slug=f"{slug}-draft", live=False))
    draft.save_revision(user=officer, log_action=True)
    commune.workflow.start(draft, officer)

    collection = commune.collection
    image = CommuneImage.objects.create(
        title=f"{marker}-image",
        file=get_test_image_file(filename=f"{slug}-file.png"),
        collection=collection,
        uploaded_by_user=officer,
    )
    image.tags.add(f"{slug}-tag")
    document = CommuneDocument.objects.create(
        title=f"{marker}-document",
        file=ContentFile(b"%PDF-1.4 thu", name=f"{slug}-file.pdf"),
        collection=collection,
        uploaded_by_user=officer,
    )
    document.tags.add(f"{slug}-tag")
    video = CommuneVideo.objects.create(
        title=f"{marker}-video",
        file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name=f"{slug}-file.mp4"),
        type="video",
        duration=1,
        collection=collection,
        uploaded_by_user=officer,
    )
    video.tags.add(f"{slug}-tag")
    identity = CommuneIdentity.for_site(commune.site)
    identity.agency_name = f"{marker}-agency"
    identity.save()
    for obj in (image, document, video, identity):
        log(obj, "wagtail.edit", user=officer)
    return {
        "news": news,
        "page": page,
        "draft": draft,
        "image": image,
        "document": document,
        "video": video,
        "identity": identity,
        "collection": collection,
        "home": commune.home_page,
        "site": commune.site,
    }


@pytest.fixture
def b(commune_b, editor_b, province_admin_b):
    make_officer(commune_b, "approver", username="pheduyet.b")
    content = _make_content(commune_b, editor_b, "BMARKER")
    log(commune_b, "wagtail.edit", user=province_admin_b)  # a non-page history entry about B
    return content


@pytest.fixture
def a(commune_a, editor_a):
    return _make_content(commune_a, editor_a, "AMARKER")


def _client(user, host):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def users_a(editor_a, approver_a, province_admin_a):
    """A's officers and A's province admin (commune B lies in another province)."""
    return {"editor": editor_a, "approver": approver_a, "province_admin": province_admin_a}


def _text(response) -> str:
    """The response body as a person reads it: JSON and HTML escapes undone."""
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        body = json.dumps(json.loads(body), ensure_ascii=False)
    return html.unescape(body)


def assert_no_leak(response, leaks=B_LEAKS):
    text = _text(response)
    found = [marker for marker in leaks if marker in text]
    assert not found, f"{found} leaked into {response.request['PATH_INFO']}?{response.request.get('QUERY_STRING', '')}"


def _snapshot(b):
    """Everything about B an A officer's request could change."""
    page_ids = [b["page"].pk, b["draft"].pk, b["news"].pk, b["home"].pk]
    return {
        "pages": list(
            Page.objects.filter(pk__in=page_ids)
            .order_by("pk")
            .values("pk", "title", "slug", "live", "path", "locked", "latest_revision_id", "has_unpublished_changes")
        ),
        "page_count": Page.objects.count(),
        "revision_count": Revision.objects.count(),
        "images": list(CommuneImage.objects.order_by("pk").values("pk", "title", "collection_id")),
        "documents": list(CommuneDocument.objects.order_by("pk").values("pk", "title", "collection_id")),
        "videos": list(CommuneVideo.objects.order_by("pk").values("pk", "title", "collection_id")),
        "collections": list(Collection.objects.order_by("pk").values("pk", "name", "path")),
        "identity": CommuneIdentity.objects.filter(pk=b["identity"].pk).values("agency_name").first(),
        "workflow_states": list(WorkflowState.objects.order_by("pk").values("pk", "status")),
        "tagged_items": list(TaggedItem.objects.order_by("pk").values("pk", "tag_id", "object_id")),
    }


# --- 1. B's objects: 404 for A, GET and POST, and nothing changes ------------------------

# (URL name, args from B's content (and A's), POST data that would change something if the view ran)
B_OBJECT_URLS = [
    (
        "wagtailadmin_pages:edit",
        lambda b, a: [b["page"].pk],
        {"title": "HACKED", "slug": "hacked", "action-publish": "1"},
    ),
    ("wagtailadmin_pages:history", lambda b, a: [b["page"].pk], {}),
    ("wagtailadmin_pages:revisions_index", lambda b, a: [b["page"].pk], {}),
    (
        "wagtailadmin_pages:revisions_revert",
        lambda b, a: [b["page"].pk, b["page"].latest_revision_id],
        {"title": "HACKED", "slug": "hacked"},
    ),
    (
        "wagtailadmin_pages:copy",
        lambda b, a: [b["page"].pk],
        {"new_title": "HACKED", "new_slug": "hacked", "new_parent_page": "{a_news}", "publish_copies": "on"},
    ),
    ("wagtailadmin_pages:move", lambda b, a: [b["page"].pk], {}),
    ("wagtailadmin_pages:move_confirm", lambda b, a: [b["page"].pk, a["news"].pk], {}),
    ("wagtailadmin_pages:delete", lambda b, a: [b["page"].pk], {}),
    ("wagtailadmin_pages:unpublish", lambda b, a: [b["page"].pk], {}),
    ("wagtailadmin_pages:lock", lambda b, a: [b["draft"].pk], {}),
    ("wagtailadmin_pages:unlock", lambda b, a: [b["page"].pk], {}),
    ("wagtailadmin_pages:add_subpage", lambda b, a: [b["news"].pk], {}),
    (
        "wagtailadmin_pages:add",
        lambda b, a: ["pages", "standardpage", b["news"].pk],
        {"title": "HACKED", "slug": "hacked", "action-publish": "1"},
    ),
    ("wagtailadmin_pages:view_draft", lambda b, a: [b["draft"].pk], {}),
    ("wagtailadmin_pages:preview_on_edit", lambda b, a: [b["draft"].pk], {"title": "HACKED", "slug": "hacked"}),
    ("wagtailadmin_pages:workflow_history", lambda b, a: [b["draft"].pk], {}),
    ("wagtailadmin_explore", lambda b, a: [b["news"].pk], {}),
    ("wagtailadmin_choose_page_child", lambda b, a: [b["news"].pk], {}),
    ("wagtailimages:edit", lambda b, a: [b["image"].pk], {"title": "HACKED", "collection": "{a_collection}"}),
    ("wagtailimages:delete", lambda b, a: [b["image"].pk], {}),
    ("wagtailimages_chooser:chosen", lambda b, a: [b["image"].pk], {}),
    ("wagtaildocs:edit", lambda b, a: [b["document"].pk], {"title": "HACKED", "collection": "{a_collection}"}),
    ("wagtaildocs:delete", lambda b, a: [b["document"].pk], {}),
    ("wagtailmedia:edit", lambda b, a: [b["video"].pk], {"title": "HACKED", "collection": "{a_collection}"}),
    ("wagtailmedia:delete", lambda b, a: [b["video"].pk], {}),
    ("wagtailmedia:media_chosen", lambda b, a: [b["video"].pk], {}),
    (
        "wagtailsettings:edit",
        lambda b, a: ["pages", "communeidentity", b["site"].pk],
        {"agency_name": "HACKED"},
    ),
    ("wagtailadmin_collections:edit", lambda b, a: [b["collection"].pk], {"name": "HACKED"}),
    ("wagtailadmin_collections:delete", lambda b, a: [b["collection"].pk], {}),
]

# Views that name B's objects in the query string: ?id= (choosers, bulk actions), ?childOf= (select all).
B_QUERY_URLS = [
    ("wagtailadmin_choose_page_chosen_multiple", [], lambda b: f"id={b['page'].pk}&id={b['draft'].pk}"),
    ("wagtailimages_chooser:chosen_multiple", [], lambda b: f"id={b['image'].pk}"),
    ("wagtaildocs_chooser:chosen_multiple", [], lambda b: f"id={b['document'].pk}"),
    ("wagtail_bulk_action", ["wagtailcore", "page", "delete"], lambda b: f"id={b['page'].pk}&id={b['draft'].pk}"),
    ("wagtail_bulk_action", ["wagtailcore", "page", "publish"], lambda b: f"id={b['draft'].pk}"),
    ("wagtail_bulk_action", ["wagtailcore", "page", "unpublish"], lambda b: f"id=all&childOf={b['news'].pk}"),
    ("wagtail_bulk_action", ["wagtailcore", "page", "delete"], lambda b: "id=all&q=BMARKER"),
    ("wagtail_bulk_action", ["media", "communeimage", "delete"], lambda b: f"id={b['image'].pk}"),
    ("wagtail_bulk_action", ["media", "communeimage", "add_tags"], lambda b: f"id=all&childOf={b['collection'].pk}"),
    ("wagtail_bulk_action", ["media", "communedocument", "delete"], lambda b: f"id={b['document'].pk}"),
    ("wagtail_bulk_action", ["auth", "user", "delete"], lambda b: f"id={b['page'].locked_by_id}"),
]


def _post_data(data, a):
    return {k: str(v).format(a_news=a["news"].pk, a_collection=a["collection"].pk) for k, v in data.items()}


@pytest.mark.parametrize(("url_name", "args", "data"), B_OBJECT_URLS, ids=[u[0] for u in B_OBJECT_URLS])
def test_b_objects_are_not_found_for_a(url_name, args, data, a, b, users_a, commune_a):
    url = reverse(url_name, args=args(b, a))
    before = _snapshot(b)
    for role, user in users_a.items():
        client = _client(user, commune_a.hostname)
        for method in ("get", "post"):
            response = getattr(client, method)(url, _post_data(data, a) if method == "post" else None)
            assert response.status_code in (403, 404), f"{role} {method.upper()} {url}: {response.status_code}"
            assert_no_leak(response)
    assert _snapshot(b) == before


@pytest.mark.parametrize(
    ("url_name", "args", "query"), B_QUERY_URLS, ids=[f"{u[0]}-{'-'.join(u[1])}" for u in B_QUERY_URLS]
)
def test_b_objects_named_in_query_are_not_found_for_a(url_name, args, query, a, b, users_a, commune_a):
    url = f"{reverse(url_name, args=args)}?{query(b)}&next=/admin/"
    before = _snapshot(b)
    for role, user in users_a.items():
        client = _client(user, commune_a.hostname)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404), f"{role} {method.upper()} {url}: {response.status_code}"
            assert_no_leak(response)
    assert _snapshot(b) == before


def test_b_officer_gets_the_same_from_a(a, b, editor_b, commune_b):
    """Isolation is symmetric: B's editor cannot open A's page, image or settings either."""
    client = _client(editor_b, commune_b.hostname)
    for url in (
        reverse("wagtailadmin_pages:edit", args=[a["page"].pk]),
        reverse("wagtailimages:edit", args=[a["image"].pk]),
        reverse("wagtailsettings:edit", args=["pages", "communeidentity", a["site"].pk]),
    ):
        assert client.get(url).status_code == 404


# --- 2. A's listings and choosers never show B ---------------------------------------

# (id, URL built from A's content, who must see A's marker there, that marker).
# Everyone in users_a opens each listing; redirects are followed (they must land on A's ground).
LISTINGS = [
    ("dashboard", lambda a, b: reverse("wagtailadmin_home"), "editor", "AMARKER-page"),
    ("explore-root", lambda a, b: reverse("wagtailadmin_explore_root"), "editor", "Tin tức"),
    ("explore-home", lambda a, b: reverse("wagtailadmin_explore", args=[a["home"].pk]), "editor", "Tin tức"),
    ("explore-news", lambda a, b: reverse("wagtailadmin_explore", args=[a["news"].pk]), "editor", "AMARKER-page"),
    (
        "explore-search-all",
        lambda a, b: reverse("wagtailadmin_explore", args=[a["home"].pk]) + "?q=BMARKER&search_all=1",
        None,
        None,
    ),
    (
        "explore-search-a",
        lambda a, b: reverse("wagtailadmin_explore", args=[a["home"].pk]) + "?q=AMARKER&search_all=1",
        "editor",
        "AMARKER-page",
    ),
    (
        "explore-results",
        lambda a, b: reverse("wagtailadmin_explore_results", args=[a["news"].pk]),
        "editor",
        "AMARKER-page",
    ),
    ("page-search", lambda a, b: reverse("wagtailadmin_pages:search") + "?q=BMARKER", None, None),
    ("page-search-a", lambda a, b: reverse("wagtailadmin_pages:search") + "?q=AMARKER", "editor", "AMARKER-page"),
    ("page-search-results", lambda a, b: reverse("wagtailadmin_pages:search_results") + "?q=BMARKER", None, None),
    (
        "page-type-use",
        lambda a, b: reverse("wagtailadmin_pages:type_use", args=["pages", "standardpage"]),
        "editor",
        "AMARKER-page",
    ),
    ("page-chooser", lambda a, b: reverse("wagtailadmin_choose_page"), "editor", "Tin tức"),
    (
        "page-chooser-typed",
        lambda a, b: reverse("wagtailadmin_choose_page") + "?page_type=pages.standardpage",
        "editor",
        "Tin tức",
    ),
    (
        "page-chooser-root",
        lambda a, b: reverse("wagtailadmin_choose_page_child", args=[Page.get_first_root_node().pk]),
        None,
        None,
    ),
    (
        "page-chooser-news",
        lambda a, b: reverse("wagtailadmin_choose_page_child", args=[a["news"].pk]),
        "editor",
        "AMARKER-page",
    ),
    ("page-chooser-search", lambda a, b: reverse("wagtailadmin_choose_page_search") + "?q=BMARKER", None, None),
    (
        "page-chooser-search-a",
        lambda a, b: reverse("wagtailadmin_choose_page_search") + "?q=AMARKER",
        "editor",
        "AMARKER-page",
    ),
    ("page-api", lambda a, b: reverse("wagtailadmin_api:pages:listing") + "?search=BMARKER", None, None),
    ("image-index", lambda a, b: reverse("wagtailimages:index"), "editor", "AMARKER-image"),
    ("image-index-search", lambda a, b: reverse("wagtailimages:index") + "?q=BMARKER", None, None),
    ("image-chooser", lambda a, b: reverse("wagtailimages_chooser:choose"), "editor", "AMARKER-image"),
    (
        "image-chooser-search",
        lambda a, b: reverse("wagtailimages_chooser:choose_results") + "?q=BMARKER",
        None,
        None,
    ),
    (
        "image-chooser-search-a",
        lambda a, b: reverse("wagtailimages_chooser:choose_results") + "?q=AMARKER",
        "editor",
        "AMARKER-image",
    ),
    ("document-index", lambda a, b: reverse("wagtaildocs:index"), "editor", "AMARKER-document"),
    ("document-chooser", lambda a, b: reverse("wagtaildocs_chooser:choose"), "editor", "AMARKER-document"),
    (
        "document-chooser-search",
        lambda a, b: reverse("wagtaildocs_chooser:choose_results") + "?q=BMARKER",
        None,
        None,
    ),
    ("media-index", lambda a, b: reverse("wagtailmedia:index"), "editor", "AMARKER-video"),
    ("media-index-tag", lambda a, b: reverse("wagtailmedia:index") + "?tag=amarker-tag", "editor", "AMARKER-video"),
    (
        "media-index-search",
        lambda a, b: reverse("wagtailmedia:index") + "?q=AMARKER&tag=amarker-tag",
        "editor",
        "AMARKER-video",
    ),
    (
        "media-index-b-collection",
        lambda a, b: reverse("wagtailmedia:index") + f"?collection_id={b['collection'].pk}",
        None,
        None,
    ),
    (
        "image-index-b-collection",
        lambda a, b: reverse("wagtailimages:index") + f"?collection_id={b['collection'].pk}",
        None,
        None,
    ),
    ("media-chooser", lambda a, b: reverse("wagtailmedia:chooser"), "editor", "AMARKER-video"),
    (
        "media-chooser-video",
        lambda a, b: reverse("wagtailmedia:chooser_typed", args=["video"]),
        "editor",
        "AMARKER-video",
    ),
    ("media-chooser-search", lambda a, b: reverse("wagtailmedia:chooser") + "?q=BMARKER", None, None),
    ("media-chooser-upload", lambda a, b: reverse("wagtailmedia:chooser_upload", args=["video"]), None, None),
    (
        "page-privacy",
        lambda a, b: reverse("wagtailadmin_pages:set_privacy", args=[a["page"].pk]),
        "approver",
        "Biên tập viên – Xã Động Đạt",
    ),
    (
        "collection-privacy",
        lambda a, b: reverse("wagtailadmin_collections:set_privacy", args=[a["collection"].pk]),
        "approver",
        "Biên tập viên – Xã Động Đạt",
    ),
    ("collections", lambda a, b: reverse("wagtailadmin_collections:index"), "approver", "Xã Động Đạt"),
    ("collection-add", lambda a, b: reverse("wagtailadmin_collections:add"), "approver", "Xã Động Đạt"),
    ("tag-autocomplete", lambda a, b: reverse("wagtailadmin_tag_autocomplete") + "?term=bmarker", None, None),
    (
        "tag-autocomplete-a",
        lambda a, b: reverse("wagtailadmin_tag_autocomplete") + "?term=amarker",
        "editor",
        "amarker-tag",
    ),
    (
        "settings",
        lambda a, b: reverse("wagtailsettings:edit", args=["pages", "communeidentity"]),
        "editor",
        "AMARKER-agency",
    ),
    ("report-locked", lambda a, b: reverse("wagtailadmin_reports:locked_pages"), "approver", "AMARKER-page"),
    ("report-aging", lambda a, b: reverse("wagtailadmin_reports:aging_pages"), "approver", "AMARKER-page"),
    ("report-site-history", lambda a, b: reverse("wagtailadmin_reports:site_history"), "editor", "AMARKER-page"),
    (
        "report-site-history-results",
        lambda a, b: reverse("wagtailadmin_reports:site_history_results"),
        "editor",
        "AMARKER-draft",
    ),
    ("report-workflow", lambda a, b: reverse("wagtailadmin_reports:workflow"), "editor", "AMARKER-draft"),
    ("report-workflow-tasks", lambda a, b: reverse("wagtailadmin_reports:workflow_tasks"), "editor", "AMARKER-draft"),
    ("page-history-a", lambda a, b: reverse("wagtailadmin_pages:history", args=[a["page"].pk]), "editor", "bientap.a"),
]


@pytest.mark.parametrize(("url", "viewer", "marker"), [row[1:] for row in LISTINGS], ids=[row[0] for row in LISTINGS])
def test_a_listings_never_show_b(url, viewer, marker, a, b, users_a, commune_a):
    url = url(a, b)
    for role, user in users_a.items():
        response = _client(user, commune_a.hostname).get(url, follow=True)
        if role == viewer:
            assert response.status_code == 200, f"{role} {url}: {response.status_code}"
            assert marker in _text(response), f"{role} does not see {marker!r} at {url}"
        assert response.status_code in (200, 403, 404), f"{role} {url}: {response.status_code}"
        assert_no_leak(response)


def test_privacy_cannot_name_b_groups(a, b, approver_a, commune_a, commune_b):
    """Restricting A's page or collection to B's group is refused: B's groups are not a valid choice."""
    from wagtail.models import CollectionViewRestriction, PageViewRestriction

    client = _client(approver_a, commune_a.hostname)
    data = {"restriction_type": "groups", "groups": [commune_b.editors_group_id]}
    client.post(reverse("wagtailadmin_pages:set_privacy", args=[a["page"].pk]), data)
    client.post(reverse("wagtailadmin_collections:set_privacy", args=[a["collection"].pk]), data)
    assert not PageViewRestriction.objects.exists()
    assert not CollectionViewRestriction.objects.exists()
    data["groups"] = [commune_a.editors_group_id]
    response = client.post(reverse("wagtailadmin_collections:set_privacy", args=[a["collection"].pk]), data)
    assert response.status_code == 200
    assert list(CollectionViewRestriction.objects.get().groups.all()) == [commune_a.editors_group]


def test_settings_open_on_the_officers_own_site_from_any_host(a, b, editor_a, province_admin_a):
    """Without a site in the URL, settings open on the user's own commune even on the portal's hostname."""
    url = reverse("wagtailsettings:edit", args=["pages", "communeidentity"])
    for user in (editor_a, province_admin_a):
        response = _client(user, "localhost").get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailsettings:edit", args=["pages", "communeidentity", a["site"].pk])


def test_page_chooser_opens_on_the_officers_home(a, b, editor_a, province_admin_a, commune_a, province_a):
    response = _client(editor_a, commune_a.hostname).get(
        reverse("wagtailadmin_choose_page") + "?page_type=pages.standardpage"
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("wagtailadmin_choose_page_child", args=[a["home"].pk]) + "?page_type=pages.standardpage"
    )
    response = _client(province_admin_a, commune_a.hostname).get(reverse("wagtailadmin_choose_page"))
    assert response["Location"] == reverse("wagtailadmin_choose_page_child", args=[province_a.page_id])


def test_page_types_report_is_for_operators_only(a, b, users_a, commune_a):
    for user in users_a.values():
        client = _client(user, commune_a.hostname)
        assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 404
        assert reverse("wagtailadmin_reports:page_types_usage") not in _text(client.get(reverse("wagtailadmin_home")))


def test_workflow_and_task_admin_is_for_operators_only(a, b, users_a, commune_a):
    for user in users_a.values():
        client = _client(user, commune_a.hostname)
        for name in ("wagtailadmin_workflows:index", "wagtailadmin_workflows:task_index"):
            assert client.get(reverse(name)).status_code == 404


def test_dashboard_review_panel_shows_a_tasks_only(a, b, approver_a, commune_a):
    """The approver's "awaiting your review" lists A's draft, not B's (B's task belongs to B's group)."""
    response = _client(approver_a, commune_a.hostname).get(reverse("wagtailadmin_home"))
    assert "AMARKER-draft" in _text(response)
    assert_no_leak(response)


def test_sibling_commune_in_the_same_province_is_hidden_from_officers(a, b, editor_a, province_admin_a, commune_a):
    """A commune's officer does not see its neighbour in the same province; the province admin sees both."""
    sibling = CommuneFactory(province=commune_a.province, name="Phú Lương")
    make_officer(sibling, "editor", username="bientap.c")
    _make_content(sibling, sibling.editors_group.user_set.get(), "CMARKER")
    urls = [
        reverse("wagtailadmin_choose_page_child", args=[commune_a.province.page_id]),
        reverse("wagtailadmin_explore", args=[commune_a.province.page_id]),
        reverse("wagtailadmin_choose_page_search") + "?q=CMARKER",
        reverse("wagtailadmin_pages:search") + "?q=CMARKER",
        reverse("wagtailimages:index"),
        reverse("wagtailmedia:chooser"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:site_history"),
    ]
    officer = _client(editor_a, commune_a.hostname)
    admin = _client(province_admin_a, commune_a.hostname)
    for url in urls:
        assert_no_leak(officer.get(url, follow=True), leaks=B_LEAKS + ("CMARKER-", "Phú Lương", "bientap.c"))
        response = admin.get(url, follow=True)
        assert_no_leak(response)
        assert "CMARKER" in _text(response) or "Phú Lương" in _text(response), url


def test_files_moved_in_bulk_follow_their_new_collection(a, b, editor_a, province_admin_a, commune_a):
    """Wagtail's bulk "add to collection" updates rows in SQL; the file's commune must still follow it."""
    sibling = CommuneFactory(province=commune_a.province, name="Phú Lương")
    sibling_editor = make_officer(sibling, "editor", username="bientap.c")
    image = a["image"]
    url = reverse("wagtail_bulk_action", args=["media", "communeimage", "add_to_collection"]) + f"?id={image.pk}"
    response = _client(province_admin_a, commune_a.hostname).post(url, {"collection": sibling.collection_id})
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.collection_id, image.commune_id) == (sibling.collection_id, sibling.pk)
    edit = reverse("wagtailimages:edit", args=[image.pk])
    assert _client(editor_a, commune_a.hostname).get(edit).status_code == 404
    assert _client(sibling_editor, sibling.hostname).get(edit).status_code == 200


def test_operators_still_see_every_commune(a, b, commune_a):
    """The scoping is for officers; an operator (superuser) keeps Wagtail's install-wide view."""
    client = _client(make_superuser(), commune_a.hostname)
    assert "BMARKER-page" in _text(client.get(reverse("wagtailadmin_choose_page_search") + "?q=BMARKER"))
    assert "Xã Tân Phú" in _text(client.get(reverse("wagtailmedia:chooser")))
    assert "bientap.b" in _text(client.get(reverse("wagtailadmin_reports:site_history")))
    assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200


# --- 3. A's own objects stay open to A -------------------------------------------------


def test_a_editor_can_open_a_objects(a, b, editor_a, commune_a):
    client = _client(editor_a, commune_a.hostname)
    for url, marker in (
        (reverse("wagtailadmin_pages:edit", args=[a["page"].pk]), "AMARKER-page"),
        (reverse("wagtailadmin_pages:history", args=[a["page"].pk]), "AMARKER-page"),
        (reverse("wagtailadmin_pages:view_draft", args=[a["draft"].pk]), "AMARKER-draft"),
        (reverse("wagtailimages:edit", args=[a["image"].pk]), "AMARKER-image"),
        (reverse("wagtaildocs:edit", args=[a["document"].pk]), "AMARKER-document"),
        (reverse("wagtailmedia:edit", args=[a["video"].pk]), "AMARKER-video"),
        (reverse("wagtailsettings:edit", args=["pages", "communeidentity", a["site"].pk]), "AMARKER-agency"),
        (reverse("wagtailadmin_choose_page_chosen_multiple") + f"?id={a['page'].pk}", "AMARKER-page"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker in _text(response), url
        assert_no_leak(response)


def test_a_editor_can_still_change_a_objects(a, b, editor_a, commune_a):
    """POST goes through for A's own objects: the gate refuses B, not A."""
    client = _client(editor_a, commune_a.hostname)
    url = reverse("wagtailsettings:edit", args=["pages", "communeidentity", a["site"].pk])
    # The footer links are an inline formset, so the form carries its (empty) management fields.
    footer_links = {f"footer_links-{k}": "0" for k in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS")}
    response = client.post(url, {"agency_name": "UBND xã Động Đạt", **footer_links})
    assert response.status_code == 302
    assert CommuneIdentity.for_site(a["site"]).agency_name == "UBND xã Động Đạt"
    response = client.post(
        reverse("wagtailimages:edit", args=[a["image"].pk]),
        {"title": "AMARKER-image-renamed", "collection": a["collection"].pk},
    )
    assert response.status_code == 302
    a["image"].refresh_from_db()
    assert a["image"].title == "AMARKER-image-renamed"


# --- The resolver ------------------------------------------------------------------------


def test_scope_queryset_narrows_every_tenant_kind(a, b, editor_a, approver_a, province_admin_a, commune_a, commune_b):
    from django.contrib.auth import get_user_model
    from taggit.models import Tag
    from wagtail.models import Site, Task, Workflow

    for user in (editor_a, province_admin_a):
        assert not tenancy.scope_queryset(user, Page.objects.filter(title__startswith="BMARKER")).exists()
        assert tenancy.scope_queryset(user, Page.objects.filter(title__startswith="AMARKER")).count() == 2
        assert list(tenancy.scope_queryset(user, Site.objects.all())) == [commune_a.site]
        assert not tenancy.scope_queryset(user, Collection.objects.filter(pk=commune_b.collection_id)).exists()
        assert not tenancy.scope_queryset(user, Workflow.objects.filter(pk=commune_b.workflow_id)).exists()
        assert tenancy.scope_queryset(user, Workflow.objects.all()).get() == commune_a.workflow
        assert not tenancy.scope_queryset(user, Task.objects.filter(name__contains="Tân Phú")).exists()
        usernames = set(tenancy.scope_queryset(user, get_user_model().objects.all()).values_list("username", flat=True))
        assert {"bientap.a", "pheduyet.a", "quantri.thainguyen"} <= usernames
        assert not usernames & {"bientap.b", "pheduyet.b", "quantri.quangngai"}
        assert set(tenancy.scope_queryset(user, Tag.objects.all()).values_list("name", flat=True)) == {"amarker-tag"}
        for model in (CommuneImage, CommuneDocument, CommuneVideo):
            assert list(tenancy.scope_queryset(user, model.objects.all())) == [a[model._meta.model_name[7:]]]


def test_officers_see_the_history_of_their_own_snippets_and_not_others(commune_a, commune_b, editor_a, editor_b):
    """Banner, notice and category history shows in the site history of their own commune only."""
    from wagtail.log_actions import log

    from pages.news.models import NewsCategory

    mine = NewsCategory.objects.create(commune=commune_a, name="Mục tin AMARKER")
    theirs = NewsCategory.objects.create(commune=commune_b, name="Mục tin BMARKER")
    log(mine, "wagtail.create", user=editor_a)
    log(theirs, "wagtail.create", user=editor_b)
    history = reverse("wagtailadmin_reports:site_history")
    a_text = _text(_client(editor_a, commune_a.hostname).get(history))
    b_text = _text(_client(editor_b, commune_b.hostname).get(history))
    assert "AMARKER" in a_text and "BMARKER" not in a_text
    assert "BMARKER" in b_text and "AMARKER" not in b_text
    snippet_history = reverse("wagtailsnippets_news_newscategory:history", args=[mine.pk])
    assert "AMARKER" in _text(_client(editor_a, commune_a.hostname).get(snippet_history))


def test_a_file_belongs_to_the_right_commune_even_after_collections_moved(db):
    """Collections sort by name: creating "An Giang" moves the folders after it. A stale in-memory
    path must not hand a commune's image to another commune."""
    from sites import services
    from sites.tenancy import commune_for_collection
    from tests.factories_pages import make_image

    thai_nguyen = services.province_ensure(name="Thái Nguyên", domain="thainguyen.gov.vn")
    dong_dat = services.commune_create(province=thai_nguyen, name="Động Đạt")
    stale = dong_dat.collection  # loaded now, before the tree moves
    services.province_ensure(name="An Giang", domain="angiang.gov.vn")
    services.province_ensure(name="Bắc Ninh", domain="bacninh.gov.vn")
    assert commune_for_collection(stale) == dong_dat
    dong_dat.collection = stale
    assert make_image(dong_dat).commune_id == dong_dat.pk
