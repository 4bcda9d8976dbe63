"""The classification of every URL pattern: what it is, and how to aim it at commune B.

Kinds:
- OBJECT: names one of B's objects (in its path or its ?id=). Non-owners must be refused on GET and
  POST; B's own officer (or P2, or the operator for operator areas) must reach it, so the URL is real.
- LISTING: lists, chooses, searches or reports. A's people open it (with ?q=BMARKER where it
  searches) and never see B's marker; B's owner sees it where ``owner_sees`` says so.
- OPERATOR: operator (superuser) areas; everyone else, B's own people included, gets 404.
- PUBLIC: resident-facing pages on a commune's host: B's content never answers on A's host.
- AUTH: sign in/out and password reset.
- NEUTRAL: serves no tenant data (icons, translations, link forms); checked for the marker anyway.

Keys are qualified URL names ("namespace:name"), "route:<pattern>" for unnamed patterns, or
fnmatch patterns for families ("wagtailsnippets_*:edit"). A pattern that matches no key fails the
test (test_isolation_matrix.test_every_url_pattern_is_classified), so a new URL cannot slip through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

OBJECT = "object"
LISTING = "listing"
OPERATOR = "operator_only"
PUBLIC = "public"
AUTH = "auth"
NEUTRAL = "neutral"
KINDS = (OBJECT, LISTING, OPERATOR, PUBLIC, AUTH, NEUTRAL)


@dataclass(frozen=True)
class Rule:
    kind: str
    why: str = ""  # one line: what the URL is, or why it needs no more than it gets
    objects: dict = field(default_factory=dict)  # URL kwarg -> World key, over KWARG_OBJECTS
    values: dict = field(default_factory=dict)  # URL kwarg -> a fixed value (content types, actions…)
    query: str = ""  # query string; "{page}" is B's object of that World key (its pk)
    post: dict = field(default_factory=dict)  # what a non-owner POSTs (values formatted like query)
    owner: str = "editor_b"  # who may reach B's object here (or who sees B's marker in a listing)
    owner_status: int | str = 200  # the owner's GET status when not 200 (302: a redirect elsewhere than sign-in
    # or dashboard; 404 or DENIED: the view refuses everyone, said in why)
    owner_sees: bool = False  # LISTING: the owner's response shows a BMARKER- string
    variants: str = ""  # expands one pattern into several URLs: "settings", "bulk_actions", "api_actions"
    follow: bool = False  # follow redirects before judging (find views redirect to the object)
    also: tuple = ()  # issue kinds the URL shows besides those its kwargs name (history: audit entries)
    harmless: tuple = ()  # statuses a non-owner may get because the view does nothing for them (said in why)
    refused_to: str = ""  # URL name a non-owner is redirected to instead of a 404 (said in why)


def O(why="", **kw):  # noqa: E743  (one-letter names keep the table readable)
    return Rule(OBJECT, why, **kw)


def L(why="", **kw):
    return Rule(LISTING, why, **kw)


OP = Rule(OPERATOR, "operator area: admin_gate refuses it to everyone but superusers")
P1_P2 = "province_admin_b"

# URL kwarg -> which of B's objects fills it (World key), unless the rule says otherwise.
KWARG_OBJECTS = {
    "page_id": "page",
    "parent_page_id": "news",
    "page_to_move_id": "page",
    "destination_id": "home",
    "page_pk": "page",
    "image_id": "image",
    "document_id": "document",
    "doc_id": "document",
    "media_id": "video",
    "site_pk": "site",
    "collection_id": "collection",
    "revision_id": "revision",
    "revision_id_a": "revision",
    "revision_id_b": "revision",
    "workflow_state_id": "workflow_state",
    "task_state_id": "task_state",
    "task_id": "task",
    "page_view_restriction_id": "page_restriction",
    "restriction_id": "collection_restriction",
    "uploaded_file_id": "uploaded_file",
    "user_pk": "user",
    "workflow_pk": "workflow",
    "redirect_id": "redirect",
    "session_id": "editing_session",
    "object_id": "page",
    "trainee_pk": "trainee",
    "comment_pk": "comment",
}

# "pk" names a different kind in each namespace ("@snippet": the snippet model of the namespace).
NAMESPACE_PK_OBJECTS = {
    "wagtailadmin_collections": "collection",
    "wagtailadmin_pages": "page",
    "wagtailimages_chooser": "image",
    "wagtaildocs_chooser": "document",
    "wagtailsettings": "site",
    "procedure_catalogue": "procedure",
    "communes": "commune",
    "workshops": "workshop",
    "province_alerts": "alert",  # pages.province_content: B's province's alert
    "oversight": "commune",
    "public_holidays": "holiday",
    "wagtailsites": "site",
    "wagtailusers_users": "user",
    "wagtailusers_groups": "group",
    "wagtailadmin_workflows": "workflow",
    "wagtailadmin_api:pages": "page",
    "wagtailadmin_api:images": "image",
    "wagtailadmin_api:documents": "document",
}

# Models -> World key, for snippets, settings and bulk actions (an unknown model fails the test).
MODEL_OBJECTS = {
    "pages.banner": "banner",
    "pages.notice": "notice",
    "news.newscategory": "category",
    "procedures.communeprocedure": "commune_procedure",
    "pages.communeidentity": "identity",
    "pages.navigationsettings": "menu",
    "wagtailcore.page": "page",
    "media.communeimage": "image",
    "media.communedocument": "document",
    "media.communevideo": "video",
    "auth.user": "user",
}

_PAGE_EDIT = {"title": "HACKED", "slug": "hacked", "body": "<p>x</p>", "action-publish": "1"}
_FILE_EDIT = {"title": "HACKED", "collection": "{a_collection}"}
_SNIPPET_EDIT = {"title": "HACKED", "alt_text": "HACKED", "name": "HACKED", "text": "HACKED", "officer_name": "HACKED"}
_NOT_FORM = "no form page type exists in this install: Wagtail refuses every page here, to everyone"
_NO_SERVE_VIEW = "the image URL generator needs wagtailimages_serve, not installed: 404 for everyone"
DENIED = "denied"  # owner_status: Wagtail's permission-denied redirect to the dashboard, for everyone

RULES: dict[str, Rule] = {
    # --- Dashboard, explorer, page search ------------------------------------------------------
    "wagtailadmin_home": L("dashboard", owner_sees=True),
    "wagtailadmin_explore_root": L("page explorer at the top", owner_sees=True),
    "wagtailadmin_explore": O("explorer of B's news section"),
    "wagtailadmin_explore_results": O("explorer rows of B's news section"),
    "wagtailadmin_pages:search": L("page search", owner_sees=True),
    "wagtailadmin_pages:search_results": L("page search rows", owner_sees=True),
    "wagtailadmin_pages:type_use": L(
        "pages of one type",
        values={"content_type_app_name": "pages", "content_type_model_name": "standardpage"},
        owner_sees=True,
    ),
    "wagtailadmin_pages:type_use_results": L(
        "pages of one type, rows",
        values={"content_type_app_name": "pages", "content_type_model_name": "standardpage"},
        owner_sees=True,
    ),
    "wagtailadmin_pages:choose_parent": L(
        "where to add a page of a type", values={"app_label": "pages", "model_name": "standardpage"}
    ),
    # --- One page: edit, publish, move, copy, lock, revisions, workflow --------------------------
    "wagtailadmin_pages:add": O(
        "add an article under B's news",
        values={"content_type_app_name": "news", "content_type_model_name": "articlepage"},
        post=_PAGE_EDIT,
    ),
    "wagtailadmin_pages:preview_on_add": O(
        "preview of a new page under B's news",
        values={"content_type_app_name": "pages", "content_type_model_name": "standardpage"},
        post=_PAGE_EDIT,
    ),
    "wagtailadmin_pages:usage": O("where B's page is used"),
    "wagtailadmin_pages:edit": O("edit and publish", post=_PAGE_EDIT),
    "wagtailadmin_pages:preview_on_edit": O("preview while editing", objects={"page_id": "draft"}, post=_PAGE_EDIT),
    "wagtailadmin_pages:view_draft": O("B's draft", objects={"page_id": "draft"}),
    "wagtailadmin_pages:add_subpage": O(
        "choose a type under B's news (one type: redirects to its form)", owner_status=302
    ),
    "wagtailadmin_pages:delete": O("delete", owner="approver_b"),
    "wagtailadmin_pages:unpublish": O("unpublish", objects={"page_id": "private_page"}, owner="approver_b"),
    "wagtailadmin_pages:convert_alias": O("convert an alias (B's page is none: Wagtail 404s)", owner_status=404),
    "wagtailadmin_pages:move": O("choose where to move", owner="approver_b"),
    "wagtailadmin_pages:move_confirm": O("move B's page to B's home", owner="approver_b"),
    "wagtailadmin_pages:set_page_position": O("reorder", query="position=0", owner_status=405),
    "wagtailadmin_pages:copy": O(
        "copy",
        post={"new_title": "HACKED", "new_slug": "hacked", "new_parent_page": "{a_news}", "publish_copies": "on"},
    ),
    "wagtailadmin_pages:workflow_action": O(
        "approve B's task", objects={"page_id": "draft"}, values={"action_name": "approve"}, owner="approver_b"
    ),
    "wagtailadmin_pages:collect_workflow_action_data": O(
        "approve B's task (comment form)",
        objects={"page_id": "draft"},
        values={"action_name": "approve"},
        owner="approver_b",
    ),
    "wagtailadmin_pages:confirm_workflow_cancellation": O("cancel B's workflow", objects={"page_id": "draft"}),
    "wagtailadmin_pages:workflow_preview": O(
        "preview B's draft at a task", objects={"page_id": "draft"}, owner="approver_b"
    ),
    "wagtailadmin_pages:set_privacy": O(
        "page privacy", post={"restriction_type": "password", "password": "x"}, owner="approver_b"
    ),
    "wagtailadmin_pages:lock": O("lock", objects={"page_id": "draft"}, owner_status=405),
    "wagtailadmin_pages:unlock": O("unlock", owner_status=405),
    "wagtailadmin_pages:revisions_index": O("revisions (redirects to the page history)", owner_status=302),
    "wagtailadmin_pages:revisions_view": O("one revision"),
    "wagtailadmin_pages:revisions_revert": O("revert to a revision", post=_PAGE_EDIT),
    "wagtailadmin_pages:revisions_unschedule": O("unschedule a revision", owner="approver_b"),
    "wagtailadmin_pages:revisions_compare": O("compare revisions"),
    "wagtailadmin_pages:workflow_history": O("workflow history", objects={"page_id": "draft"}),
    "wagtailadmin_pages:workflow_history_detail": O("one workflow run", objects={"page_id": "draft"}),
    "wagtailadmin_pages:history": O("page history (B's audit entries)", also=("audit entry",)),
    "wagtailadmin_pages:history_results": O("page history rows", also=("audit entry",)),
    "wagtail_bulk_action": O("bulk actions on B's objects, ?id= (every registered action)", variants="bulk_actions"),
    # --- Page chooser and links --------------------------------------------------------------------
    "wagtailadmin_choose_page": L("page chooser (redirects to the officer's home)"),
    "wagtailadmin_choose_page_child": O("page chooser inside B's news"),
    "wagtailadmin_choose_page_search": L("page chooser search", owner_sees=True),
    "wagtailadmin_choose_page_chosen_multiple": O("several pages chosen", query="id={page}&id={draft}"),
    "wagtailadmin_choose_page_external_link": Rule(NEUTRAL, "form for an external link"),
    "wagtailadmin_choose_page_email_link": Rule(NEUTRAL, "form for an e-mail link"),
    "wagtailadmin_choose_page_phone_link": Rule(NEUTRAL, "form for a phone link"),
    "wagtailadmin_choose_page_anchor_link": Rule(NEUTRAL, "form for an anchor link"),
    # --- Admin API (the React explorer and the page actions) ---------------------------------------
    "wagtailadmin_api:pages:listing": L("pages API", query="search=BMARKER", owner_sees=True),
    "wagtailadmin_api:pages:detail": O("one page, API"),
    "wagtailadmin_api:pages:find": O("find a page by id (redirects to its detail)", query="id={page}", follow=True),
    "wagtailadmin_api:pages:action": O(
        "page actions, API (every registered action; GET is 405 for the owner)",
        variants="api_actions",
        post={"destination_page_id": "{a_news}", "slug": "hacked", "update_slug": "hacked"},
    ),
    "wagtailadmin_api:documents:listing": L("documents API", query="search=BMARKER", owner_sees=True),
    "wagtailadmin_api:documents:detail": O("one document, API"),
    "wagtailadmin_api:documents:find": O("find a document by id", query="id={document}", follow=True),
    "wagtailadmin_api:images:listing": L("images API", query="search=BMARKER", owner_sees=True),
    "wagtailadmin_api:images:detail": O("one image, API"),
    "wagtailadmin_api:images:find": O("find an image by id", query="id={image}", follow=True),
    # --- Tags, collections --------------------------------------------------------------------------
    "wagtailadmin_tag_autocomplete": L("tag suggestions", query="term=bmarker", owner_sees=True),
    "wagtailadmin_tag_model_autocomplete": L(
        "tag suggestions for a tag model",
        values={"app_name": "taggit", "model_name": "tag"},
        query="term=bmarker",
        owner_sees=True,
    ),
    "wagtailadmin_collections:index": L("collections", owner="province_admin_b", owner_sees=True),
    "wagtailadmin_collections:add": L("new collection (parent dropdown)", owner="province_admin_b", owner_sees=True),
    "wagtailadmin_collections:edit": O(
        "a collection",
        objects={"pk": "private_collection"},
        post={"name": "HACKED", "parent": "{a_collection}"},
        owner="province_admin_b",
    ),
    "wagtailadmin_collections:delete": O(
        "delete a collection (only operators hold delete_collection)",
        objects={"pk": "private_collection"},
        owner="superuser",
    ),
    "wagtailadmin_collections:set_privacy": O(
        "collection privacy", post={"restriction_type": "none"}, owner="approver_b"
    ),
    # --- Reports ------------------------------------------------------------------------------------
    "wagtailadmin_reports:locked_pages": L("locked pages", owner="approver_b", owner_sees=True),
    "wagtailadmin_reports:locked_pages_results": L("locked pages rows", owner="approver_b", owner_sees=True),
    "wagtailadmin_reports:workflow": L("workflows in progress", owner_sees=True),
    "wagtailadmin_reports:workflow_results": L("workflows in progress rows", owner_sees=True),
    "wagtailadmin_reports:workflow_tasks": L("workflow tasks", owner_sees=True),
    "wagtailadmin_reports:workflow_tasks_results": L("workflow tasks rows", owner_sees=True),
    "wagtailadmin_reports:site_history": L("audit log (site history)", owner_sees=True),
    "wagtailadmin_reports:site_history_results": L("audit log rows", owner_sees=True),
    "wagtailadmin_reports:aging_pages": L("aging pages", owner="approver_b", owner_sees=True),
    "wagtailadmin_reports:aging_pages_results": L("aging pages rows", owner="approver_b", owner_sees=True),
    "wagtailadmin_reports:page_types_usage": OP,
    "wagtailadmin_reports:page_types_usage_results": OP,
    # --- Account, sessions, misc --------------------------------------------------------------------
    "wagtailadmin_account": L("the signed-in user's own account"),
    "wagtailadmin_dismissibles": Rule(NEUTRAL, "the user's own dismissed-banner flags"),
    "wagtailadmin_block_preview": Rule(NEUTRAL, "renders a StreamField block from the request's own data"),
    "wagtailadmin_editing_sessions:ping": O(
        "editing-session ping on B's page",
        values={"app_label": "wagtailcore", "model_name": "page"},
        owner_status=405,
    ),
    "wagtailadmin_editing_sessions:release": O(
        "release B's editing session: a no-op answering {} for anyone else (Wagtail filters by request.user)",
        owner_status=405,
        harmless=(200,),
    ),
    "wagtailadmin_error_test": Rule(NEUTRAL, "Wagtail's deliberate 500 page"),
    "route:admin/test404/": Rule(NEUTRAL, "Wagtail's 404 page test"),
    "route:admin/^.*/$": Rule(NEUTRAL, "admin catch-all: 404 for unknown admin paths"),
    "wagtailadmin_sprite": Rule(NEUTRAL, "SVG icon sprite"),
    "wagtailadmin_javascript_catalog": Rule(NEUTRAL, "JS translation catalogue"),
    "xaso_trainee_guide": Rule(NEUTRAL, "the trainee guide: a Markdown file of the repository and the exercise list"),
    # --- Forms (wagtail.contrib.forms) --------------------------------------------------------------
    "wagtailforms:index": L("form pages"),
    "wagtailforms:index_results": L("form pages rows"),
    "wagtailforms:list_submissions": O(_NOT_FORM, owner_status=404),
    "wagtailforms:list_submissions_results": O(_NOT_FORM, owner_status=404),
    "wagtailforms:delete_submissions": O(_NOT_FORM, query="selected-submissions={submission}", owner_status=DENIED),
    # --- Settings (one URL per registered setting model) -------------------------------------------
    "wagtailsettings:edit[app_name,model_name]": L(
        "settings without a site: redirects to the user's own site",
        values={"app_name": "pages", "model_name": "communeidentity"},
        owner_sees=True,
    ),
    "wagtailsettings:edit": O(
        "B's site settings (every registered setting)", variants="settings", post={"agency_name": "HACKED"}
    ),
    "wagtailsettings:preview_on_edit": O(
        "preview of B's settings (settings are not previewable: 404 for all)", variants="settings", owner_status=404
    ),
    # --- Images, documents, videos ------------------------------------------------------------------
    "wagtaildocs:index": L("documents", owner_sees=True),
    "wagtaildocs:index_results": L("documents rows", owner_sees=True),
    "wagtaildocs:add": L("upload a document (collection dropdown)", owner_sees=True),
    "wagtaildocs:edit": O("edit a document", post=_FILE_EDIT),
    "wagtaildocs:delete": O("delete a document"),
    "wagtaildocs:add_multiple": L("multiple upload (collection dropdown)", owner_sees=True),
    "wagtaildocs:edit_multiple": O("multiple upload: edit one", post=_FILE_EDIT, owner_status=405),
    "wagtaildocs:create_multiple_from_uploaded_document": O(
        "multiple upload: create from B's pending file", owner_status=405
    ),
    "wagtaildocs:delete_multiple": O("multiple upload: delete one", owner_status=405),
    "wagtaildocs:delete_upload_multiple": O("multiple upload: drop B's pending file", owner_status=405),
    "wagtaildocs:document_usage": O("where a document is used"),
    "wagtaildocs_chooser:choose": L("document chooser", owner_sees=True),
    "wagtaildocs_chooser:choose_results": L("document chooser search", owner_sees=True),
    "wagtaildocs_chooser:chosen": O("a document chosen"),
    "wagtaildocs_chooser:chosen_multiple": O("documents chosen", query="id={document}"),
    "wagtaildocs_chooser:create": L("upload from the chooser (collection dropdown)", owner_sees=True),
    "wagtailimages:index": L("images", owner_sees=True),
    "wagtailimages:index_results": L("images rows", owner_sees=True),
    "wagtailimages:add": L("upload an image (collection dropdown)", owner_sees=True),
    "wagtailimages:edit": O("edit an image", post=_FILE_EDIT),
    "wagtailimages:delete": O("delete an image"),
    "wagtailimages:url_generator": O(_NO_SERVE_VIEW, owner_status=404),
    "wagtailimages:url_generator_output": O(_NO_SERVE_VIEW, query="filter_method=original", owner_status=404),
    "wagtailimages:preview": O("a rendition of B's image", values={"filter_spec": "original"}),
    "wagtailimages:image_usage": O("where an image is used"),
    "wagtailimages:add_multiple": L("multiple upload (collection dropdown)", owner_sees=True),
    "wagtailimages:edit_multiple": O("multiple upload: edit one", post=_FILE_EDIT, owner_status=405),
    "wagtailimages:create_multiple_from_uploaded_image": O(
        "multiple upload: create from B's pending file", owner_status=405
    ),
    "wagtailimages:delete_multiple": O("multiple upload: delete one", owner_status=405),
    "wagtailimages:delete_upload_multiple": O("multiple upload: drop B's pending file", owner_status=405),
    "wagtailimages_chooser:choose": L("image chooser", owner_sees=True),
    "wagtailimages_chooser:choose_results": L("image chooser search", owner_sees=True),
    "wagtailimages_chooser:chosen": O("an image chosen"),
    "wagtailimages_chooser:chosen_multiple": O("images chosen", query="id={image}"),
    "wagtailimages_chooser:create": L("upload from the chooser (collection dropdown)", owner_sees=True),
    "wagtailimages_chooser:select_format": O("image format for the rich text editor"),
    "wagtailmedia:index": L("videos", owner_sees=True),
    "wagtailmedia:add": L("upload a video (collection dropdown)", values={"media_type": "video"}, owner_sees=True),
    "wagtailmedia:edit": O("edit a video", post=_FILE_EDIT),
    "wagtailmedia:delete": O("delete a video"),
    "wagtailmedia:chooser": L("video chooser", owner_sees=True),
    "wagtailmedia:chooser_typed": L("video chooser, by type", values={"media_type": "video"}, owner_sees=True),
    "wagtailmedia:media_chosen": O("a video chosen"),
    "wagtailmedia:chooser_upload": L("upload from the chooser", values={"media_type": "video"}, owner_sees=True),
    "wagtailmedia:media_usage": O("where a video is used"),
    # --- Snippets: banners, notices, news categories, commune procedures (any CommuneOwned model) ----
    "wagtailsnippets:index": L("snippet types"),
    "wagtailsnippets_*:list": L("snippet listing", owner_sees=True),
    "wagtailsnippets_*:list_results": L("snippet listing rows", owner_sees=True),
    "wagtailsnippets_*:add": L("new snippet (commune is assigned by the form)"),
    "wagtailsnippets_*:edit": O("edit B's snippet", objects={"pk": "@snippet"}, post=_SNIPPET_EDIT),
    "wagtailsnippets_*:delete": O("delete B's snippet", objects={"pk": "@snippet"}),
    "wagtailsnippets_*:usage": O("where B's snippet is used", objects={"pk": "@snippet"}),
    "wagtailsnippets_*:history": O("history of B's snippet", objects={"pk": "@snippet"}),
    "wagtailsnippets_*:history_results": O("history rows of B's snippet", objects={"pk": "@snippet"}),
    "wagtailsnippets_*:copy": O("copy B's snippet", objects={"pk": "@snippet"}, post=_SNIPPET_EDIT),
    "wagtailsnippets_procedures_communeprocedure:add_all": L(
        "list every commune-level procedure on the user's commune", post={"commune": "{commune}"}
    ),
    "wagtailsnippetchoosers_*:choose": L("snippet chooser", owner_sees=True),
    "wagtailsnippetchoosers_*:choose_results": L("snippet chooser search", owner_sees=True),
    "wagtailsnippetchoosers_*:chosen": O("B's snippet chosen", objects={"pk": "@snippet"}),
    "wagtailsnippetchoosers_*:chosen_multiple": O("B's snippets chosen", query="id={@snippet}"),
    "wagtailsnippetchoosers_*:create": L("snippet chooser creation form"),
    # --- Communes (province admins) and the procedure catalogue ------------------------------------
    "communes:index": L("communes of the province", query="q=Tân", owner=P1_P2, owner_sees=True),
    "communes:index_results": L("communes rows", query="q=Tân", owner=P1_P2, owner_sees=True),
    "communes:add": L("new commune (province dropdown)", owner=P1_P2, owner_sees=True),
    "communes:detail": O("B's commune: facts and officers", owner=P1_P2),
    "communes:add_officer": O(
        "add an officer to B (GET redirects to the form on the detail page)",
        owner=P1_P2,
        owner_status=302,
        post={"username": "hacked", "role": "editor", "email": "h@example.vn"},
    ),
    "communes:unlock_officer": O("unlock B's officer (GET redirects to the officers)", owner=P1_P2, owner_status=302),
    "communes:reset_two_factor": O("reset the 2FA of B's officer (GET: the confirmation page)", owner=P1_P2),
    "communes:archive": O("archive B", owner=P1_P2, post={"confirm": "on"}),
    "procedure_catalogue:index": L("province catalogue", owner=P1_P2, owner_sees=True),
    "procedure_catalogue:index_results": L("province catalogue rows", owner=P1_P2, owner_sees=True),
    "procedure_catalogue:add": L("new catalogue procedure (province dropdown)", owner=P1_P2),
    "procedure_catalogue:edit": O("B's province procedure", owner=P1_P2, post={"name": "HACKED"}),
    "procedure_catalogue:delete": O("delete B's province procedure", owner=P1_P2),
    "procedure_catalogue:history": O("history of B's province procedure", owner=P1_P2),
    "procedure_catalogue:history_results": O("history rows of B's province procedure", owner=P1_P2),
    "procedure_catalogue:import": L("upload a catalogue file (province dropdown)", owner=P1_P2),
    "procedure_catalogue:import_preview": O(
        "P2's pending import, by its token: anyone else is sent back to the upload form",
        values={"token": "{import_token}"},
        owner=P1_P2,
        post={"action": "confirm"},
        refused_to="procedure_catalogue:import",
    ),
    "procedure_catalogue:export": L(
        "catalogue as Excel, ?province=B", query="province={province}", owner=P1_P2, owner_sees=True
    ),
    # --- Training workshops (trainers, province admins): B's province's workshop and its seat ---------
    "workshops:index": L("workshops of the user's provinces", owner=P1_P2, owner_sees=True),
    "workshops:add": L(
        "new workshop (template commune dropdown)",
        owner=P1_P2,
        owner_sees=True,
        post={"name": "HACKED", "trainees": "1", "template": "{commune}", "exercises": "category"},
    ),
    "workshops:detail": O("B's workshop: the live board", owner=P1_P2),
    "workshops:board_grid": O("B's workshop: the board's grid, fetched every few seconds", owner=P1_P2),
    "workshops:cell": O("what B's trainee did for one exercise", owner=P1_P2, values={"kind": "category"}),
    "workshops:cards": O("login cards of B's trainees", owner=P1_P2),
    "workshops:reset_trainee": O("reset B's trainee (GET: the confirmation page)", owner=P1_P2),
    "workshops:reset": O("reset B's workshop (GET: the confirmation page)", owner=P1_P2),
    "workshops:close": O("close B's workshop (GET: the confirmation page)", owner=P1_P2),
    "workshops:build": O("make the seats B's workshop still lacks (GET: the confirmation page)", owner=P1_P2),
    "workshops:exercises": O(
        "B's workshop's exercise list",
        owner=P1_P2,
        post={"include_footer": "on", "position_footer": "1"},
    ),
    "workshops:add_seats": O("new seats in B's workshop", owner=P1_P2, post={"count": "1"}),
    "workshops:export": O("results of B's workshop as Excel", owner=P1_P2),
    # --- Province alerts (province admins) and shared province items (officers hide them) -----------------
    "province_alerts:index": L("alerts of the user's provinces", owner=P1_P2, owner_sees=True),
    "province_alerts:index_results": L("alerts rows", owner=P1_P2, owner_sees=True),
    "province_alerts:add": L("new alert (commune checkboxes of the user's provinces)", owner=P1_P2, owner_sees=True),
    "province_alerts:edit": O("B's province's alert", owner=P1_P2, post={"title": "HACKED", "all_communes": "on"}),
    "province_alerts:delete": O("withdraw B's province's alert (GET: the confirmation page)", owner=P1_P2),
    "province_alerts:history": O("history of B's province's alert", owner=P1_P2),
    "province_alerts:history_results": O("history rows of B's province's alert", owner=P1_P2),
    "province_shared_items": L(
        "province items listed on the officer's commune, with Ẩn/Hiện (POST names the item)",
        owner_sees=True,
        post={"page": "{shared_article}", "action": "hide"},
    ),
    # --- Residents' comments on consultations (personal data: the commune's own officers only) ---------
    "consultation_comments:index": L("consultations of the officer's communes, with comment counts", owner_sees=True),
    "consultation_comments:comments": O("comments on B's consultation", objects={"page_id": "consultation"}),
    "consultation_comments:export_csv": O("B's comments as CSV (audited)", objects={"page_id": "consultation"}),
    "consultation_comments:export_xlsx": O("B's comments as Excel (audited)", objects={"page_id": "consultation"}),
    "consultation_comments:review": O("review one of B's comments", post={"status": "spam", "response": "HACKED"}),
    # --- Satisfaction ratings: officers per page, province admins and operators per commune -----------
    "satisfaction:index": L("satisfaction of the user's pages or communes", owner_sees=True),
    # --- Province oversight (province admins, operators): B's province and its communes' figures --------
    "oversight:index": L("the provinces to oversee (one: straight to its dashboard)", owner=P1_P2, owner_sees=True),
    "oversight:province": O("B's province: every commune's figures", objects={"province_pk": "province"}, owner=P1_P2),
    "oversight:export_xlsx": O("B's province figures as Excel", objects={"province_pk": "province"}, owner=P1_P2),
    "oversight:export_csv": O("B's province figures as CSV", objects={"province_pk": "province"}, owner=P1_P2),
    "oversight:commune": O("B's commune: figures and failed checks", owner=P1_P2),
    # --- Operator areas ---------------------------------------------------------------------------
    "wagtailusers_users:*": OP,
    "wagtailusers_groups:*": OP,
    "wagtailsites:*": OP,
    "wagtailadmin_workflows:add_task": Rule(
        OPERATOR, "new workflow task", values={"app_label": "wagtailcore", "model_name": "groupapprovaltask"}
    ),
    "wagtailadmin_workflows:edit_task": Rule(OPERATOR, "B's approval task", objects={"pk": "task"}),
    "wagtailadmin_workflows:enable_task": Rule(OPERATOR, "B's approval task", objects={"pk": "task"}),
    "wagtailadmin_workflows:disable_task": Rule(OPERATOR, "B's approval task", objects={"pk": "task"}),
    "wagtailadmin_workflows:*": OP,
    "wagtailredirects:*": OP,
    "wagtailembeds:*": OP,
    "public_holidays:*": OP,  # Settings → Ngày nghỉ lễ (pages.disclosures): one calendar for the whole install
    # --- Sign in and out ----------------------------------------------------------------------------
    "wagtailadmin_login": Rule(AUTH, "admin sign-in form"),
    "wagtailadmin_logout": Rule(AUTH, "sign out"),
    "wagtailadmin_password_reset": Rule(AUTH, "ask for a reset e-mail"),
    "wagtailadmin_password_reset_done": Rule(AUTH, "reset e-mail sent"),
    "wagtailadmin_password_reset_confirm": Rule(AUTH, "reset link (B's user id, a wrong token)"),
    "wagtailadmin_password_reset_complete": Rule(AUTH, "reset done"),
    "wagtailcore_login": Rule(AUTH, "sign-in for private pages"),
    "two_factor_*": Rule(AUTH, "the signed-in user's own second factor (set up, verify, manage, disable)"),
    # --- Public site (by host) ------------------------------------------------------------------------
    "wagtail_serve": Rule(PUBLIC, "commune pages, routed by host"),
    "wagtail_serve_file": Rule(PUBLIC, "procedure QR codes and data files"),
    "wagtaildocs_serve": Rule(PUBLIC, "document download"),
    "wagtaildocs_authenticate_with_password": Rule(PUBLIC, "password form of a private collection"),
    "wagtailcore_authenticate_with_password": Rule(PUBLIC, "password form of a private page"),
    "search": Rule(PUBLIC, "resident search"),
    "sitemap": Rule(PUBLIC, "sitemap.xml"),
    "html_sitemap": Rule(PUBLIC, "HTML site map"),
    "robots_txt": Rule(PUBLIC, "robots.txt"),
    "consultation_comment": Rule(PUBLIC, "a consultation's comment form posts here (GET: back to the page)"),
    "rate_page": Rule(PUBLIC, "a vote on whether a page was useful (POST only)"),
}


def rule_for(route) -> tuple[str, Rule] | None:
    """(table key, rule) for a route: "name[kwargs]" first (one name, several patterns), then the
    name, then the first family that matches."""
    for key in (f"{route.key}[{','.join(route.kwargs)}]", route.key):
        if key in RULES:
            return key, RULES[key]
    for pattern, rule in RULES.items():
        if not pattern.startswith("route:") and "*" in pattern and fnmatchcase(route.key, pattern):
            return pattern, rule
    return None


# --- Public routes: the paths tried on A's host (never B's content) and on B's (B's content) -------
# route key -> [(path built from the World, B's host answers this status, B's host shows a marker,
#               the path names one of B's objects (so A's host must not answer 200))]
PUBLIC_CHECKS = {
    "wagtail_serve": [
        (lambda w: w.path("page"), 200, True, True),
        (lambda w: w.path("consultation"), 200, True, True),  # pages.consultations: open, with its form
        # A disclosure, its section and the quarterly register (pages.disclosures), posted this quarter.
        (lambda w: w.path("disclosure"), 200, True, True),
        (lambda w: w.path("disclosure_index"), 200, True, False),
        (lambda w: w.path("disclosure_index") + w["disclosure_quarter"], 200, True, False),
        (lambda w: w.path("disclosure_index") + w["disclosure_quarter"] + "in/", 200, True, False),
        (lambda w: w.path("private_page"), 200, False, True),  # B's host asks for the password
        (lambda w: w.path("draft"), 404, False, True),  # never live anywhere
        (lambda w: "/", 200, True, False),
    ],
    "wagtail_serve_file": [
        (lambda w: w.path("procedure_index") + "du-lieu.json", 200, True, False),
        (lambda w: w.path("procedure_index") + f"{w['procedure'].slug}/ma-qr.png", 200, False, True),
    ],
    "wagtaildocs_serve": [(lambda w: w["document"].url, 200, False, True)],
    "wagtaildocs_authenticate_with_password": [
        # A password form that names nothing; a right password would only open B's files on B's host.
        (lambda w: f"/documents/authenticate_with_password/{w['collection_restriction'].pk}/", 200, False, False),
    ],
    "wagtailcore_authenticate_with_password": [
        (
            lambda w: f"/_util/authenticate_with_password/{w['page_restriction'].pk}/{w['private_page'].pk}/",
            200,
            False,
            False,  # as above: the form names nothing, the page is served on B's host only
        ),
    ],
    "search": [(lambda w: "/tim-kiem/?q=BMARKER", 200, True, False)],
    "sitemap": [(lambda w: "/sitemap.xml", 200, True, False)],
    "html_sitemap": [(lambda w: "/so-do-trang/", 200, True, False)],
    "robots_txt": [(lambda w: "/robots.txt", 200, False, False)],
    # GET of B's comment route sends B's host back to the consultation; A's host has no such page.
    "consultation_comment": [(lambda w: w.path("consultation") + "gui-y-kien/", 302, False, True)],
    "rate_page": [(lambda w: "/danh-gia/", 405, False, False)],
}


# --- The issue's object kinds: which World keys stand for each, and the marker that proves a
# response is about B's object (checked on the owner's side, so no refusal passes vacuously).
ISSUE_KINDS = {
    "page": (("page", "news", "private_page"), "BMARKER-page"),
    "draft": (("draft",), "BMARKER-draft"),
    "revision": (("revision", "draft_revision"), "BMARKER-page"),
    "image": (("image",), "BMARKER-image"),
    "document": (("document",), "BMARKER-document"),
    "video": (("video",), "BMARKER-video"),
    "banner": (("banner",), "BMARKER-banner"),
    "menu": (("menu",), "BMARKER-menu"),
    "notice": (("notice",), "BMARKER-notice"),
    "settings": (("identity",), "BMARKER-agency"),
    "form submission": (("submission",), "BMARKER-submission"),
    "commune procedure": (("commune_procedure",), "BMARKER-procedure"),
    "workflow task": (("task_state", "workflow_state", "task"), "BMARKER-draft"),
    "audit entry": (("audit_entry",), "BMARKER-page"),
    "collection": (("collection", "private_collection", "collection_restriction"), "Tân Phú"),
    "user": (("user",), "bientap.b"),
    "province alert": (("alert",), "BMARKER-alert"),
    "consultation comment": (("comment", "consultation"), "BMARKER-comment"),
}
# Kinds no URL can show even to their owner, with the reason (the refusals are still checked).
KINDS_NOBODY_OPENS = {
    "form submission": _NOT_FORM,
}


# --- Direct POSTs from A's side into B: copying, moving, uploading, assigning, importing ----------


@dataclass(frozen=True)
class Cross:
    """A POST from A's side that would put something into B (or bring B's object into A) if allowed.

    "{x}" in args/data is B's object x, "{a_x}" A's; "@png", "@pdf", "@mp4", "@json" become fresh
    uploads. With control, the same POST aimed at A's own ground (CONTROL_SUBSTITUTES) must change
    something, so the refusal is not a malformed request passing vacuously.
    """

    label: str
    roles: tuple
    name: str
    args: tuple = ()
    data: dict = field(default_factory=dict)
    query: str = ""
    json: bool = False
    control: bool | dict = True  # a dict: substitutions over CONTROL_SUBSTITUTES for this POST


CONTROL_SUBSTITUTES = {
    "{news}": "{a_home}",
    "{collection}": "{a_collection}",
    "{commune}": "{a_commune}",
    "{province}": "{a_province}",
    "{image}": "{a_image}",
    "{page}": "{a_page}",
}
_ROLES_A = ("editor_a", "approver_a", "province_admin_a")
_PAGE_MOVERS = ("approver_a", "province_admin_a")


def _upload(prefix, kind):
    return {f"{prefix}title": "HACKED", f"{prefix}file": kind, f"{prefix}collection": "{collection}"}


CROSS_POSTS = [
    Cross(
        "copy A's page into B's news",
        _PAGE_MOVERS,
        "wagtailadmin_pages:copy",
        ("{a_loose}",),
        {"new_title": "HACKED", "new_slug": "hacked-copy", "new_parent_page": "{news}", "publish_copies": "on"},
    ),
    Cross("move A's page into B's news", _PAGE_MOVERS, "wagtailadmin_pages:move_confirm", ("{a_loose}", "{news}")),
    *[
        Cross(
            f"API {action} of A's page into B's news",
            _PAGE_MOVERS,
            "wagtailadmin_api:pages:action",
            ("{a_loose}", action),
            {"destination_page_id": "{news}", **extra},
            json=True,
            control={"{news}": "{a_intro}"},
        )
        for action, extra in (
            ("copy", {"slug": "hacked-api-copy"}),
            ("move", {}),
            ("create_alias", {"update_slug": "hacked-api-alias"}),
        )
    ],
    Cross("upload an image into B's collection", _ROLES_A, "wagtailimages:add", data=_upload("", "@png")),
    Cross(
        "multiple image upload into B's collection",
        _ROLES_A,
        "wagtailimages:add_multiple",
        data={"files[]": "@png", "collection": "{collection}"},
    ),
    Cross(
        "image chooser upload into B's collection",
        _ROLES_A,
        "wagtailimages_chooser:create",
        data=_upload("image-chooser-upload-", "@png"),
    ),
    Cross("upload a document into B's collection", _ROLES_A, "wagtaildocs:add", data=_upload("", "@pdf")),
    Cross(
        "multiple document upload into B's collection",
        _ROLES_A,
        "wagtaildocs:add_multiple",
        data={"files[]": "@pdf", "collection": "{collection}"},
    ),
    Cross(
        "document chooser upload into B's collection",
        _ROLES_A,
        "wagtaildocs_chooser:create",
        data=_upload("document-chooser-upload-", "@pdf"),
    ),
    Cross(
        "upload a video into B's collection",
        _ROLES_A,
        "wagtailmedia:add",
        ("video",),
        {**_upload("", "@mp4"), "duration": "1"},
    ),
    Cross(
        "video chooser upload into B's collection",
        _ROLES_A,
        "wagtailmedia:chooser_upload",
        ("video",),
        {**_upload("media-chooser-upload-", "@mp4"), "media-chooser-upload-duration": "1"},
    ),
    Cross(
        "bulk-move A's image into B's collection",
        _ROLES_A,
        "wagtail_bulk_action",
        ("media", "communeimage", "add_to_collection"),
        {"collection": "{collection}"},
        query="id={a_image}",
        control={"{collection}": "{a_subcollection}"},
    ),
    Cross(
        "bulk-move A's document into B's collection",
        _ROLES_A,
        "wagtail_bulk_action",
        ("media", "communedocument", "add_to_collection"),
        {"collection": "{collection}"},
        query="id={a_document}",
        control={"{collection}": "{a_subcollection}"},
    ),
    Cross(
        "new collection inside B's",
        ("approver_a", "province_admin_a", "editor_a"),
        "wagtailadmin_collections:add",
        data={"name": "HACKED", "parent": "{collection}"},
    ),
    Cross(
        "a notice for commune B (P1 picks the commune)",
        ("province_admin_a",),
        "wagtailsnippets_pages_notice:add",
        data={
            "title": "HACKED",
            "text": "x",
            "starts_at": "2026-01-01 00:00",
            "expires_at": "2036-01-01 00:00",
            "commune_choice": "{commune}",
        },
    ),
    Cross(
        "a banner on A showing B's image",
        ("editor_a", "province_admin_a"),
        "wagtailsnippets_pages_banner:add",
        data={
            "position": "top",
            "image": "{image}",
            "alt_text": "HACKED",
            "sort_order": "0",
            "commune_choice": "{a_commune}",
        },
    ),
    Cross(
        "list B's province procedure on A",
        ("editor_a", "province_admin_a"),
        "wagtailsnippets_procedures_communeprocedure:add",
        data={"procedure": "{procedure}", "officer_name": "HACKED", "commune_choice": "{a_commune}"},
        control=False,  # A's own procedures are all listed already (the catalogue lists them on creation)
    ),
    Cross(
        "A's menu linking B's page",
        ("editor_a",),
        "wagtailsettings:edit",
        ("pages", "navigationsettings", "{a_site}"),
        {
            "menu_items-TOTAL_FORMS": "1",
            "menu_items-INITIAL_FORMS": "0",
            "menu_items-MIN_NUM_FORMS": "0",
            "menu_items-MAX_NUM_FORMS": "1000",
            "menu_items-0-label": "HACKED",
            "menu_items-0-link_page": "{page}",
            "menu_items-0-ORDER": "1",
        },
    ),
    Cross(
        "add every commune-level procedure to commune B",
        ("editor_a", "province_admin_a"),
        "wagtailsnippets_procedures_communeprocedure:add_all",
        data={"commune": "{commune}"},
        control=False,  # nothing is missing on A
    ),
    Cross(
        "an alert for commune B (P1 ticks B's commune)",
        ("province_admin_a",),
        "province_alerts:add",
        data={
            "kind": "disaster",
            "title": "HACKED",
            "starts_at": "2026-01-01 00:00",
            "expires_at": "2036-01-01 00:00",
            "communes": "{commune}",
        },
    ),
    Cross(
        "a new commune in B's province",
        ("province_admin_a",),
        "communes:add",
        data={"name": "HACKED", "kind": "xã", "province": "{province}"},
    ),
    Cross(
        "a workshop in A's province copying commune B",
        ("province_admin_a",),
        "workshops:add",
        data={"name": "HACKED", "trainees": "1", "template": "{commune}", "exercises": "category"},
    ),
    Cross(
        "a catalogue procedure in B's province",
        ("province_admin_a",),
        "procedure_catalogue:add",
        data={
            "province_choice": "{province}",
            **{"code": "9.999999", "name": "HACKED", "field": "Hộ tịch", "level": "Cấp xã", "status": "active"},
            **{"online_level": "none", "agency": "UBND", "applicants": "x", "results": "x", "requirements": ""},
            **{f"{name}-count": "0" for name in ("dossier", "methods", "steps", "legal_basis")},
        },
        # P1 keeps one catalogue, so no province is asked: the procedure lands in A's own (that it
        # does proves the form is complete; the B-side snapshot proves it never reaches B).
        control=False,
    ),
    Cross(
        "a catalogue import into B's province",
        ("province_admin_a",),
        "procedure_catalogue:import",
        data={"province": "{province}", "file": "@json"},
        control=False,  # an upload only keeps the file for the preview; nothing is written yet
    ),
]
