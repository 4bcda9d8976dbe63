"""Which URL arguments name which kind of object, so the tenancy middleware can check them.

Wagtail's admin is global: /admin/images/42/ would open commune B's image for an officer of
commune A if only Wagtail's permissions decided. Every URL keyword that identifies an object is
mapped here to a loader, and the middleware refuses objects outside the user's scope.
Keywords that name no object are listed in NEUTRAL_KWARGS, so a test can prove nothing is unmapped.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Revision,
    Site,
    TaskState,
    UploadedFile,
    WorkflowState,
)

from .snippets import snippet_model_for_namespace
from .tenancy import (
    chooser_root_for_user,
    commune_for_request,
    default_site_for_user,
    is_page_root_ancestor,
    owner_of,
    scope_for_user,
)


def _by_pk(model_getter):
    def load(value):
        model = model_getter() if callable(model_getter) and not isinstance(model_getter, type) else model_getter
        try:
            return model.objects.filter(pk=int(value)).first()
        except (ValueError, TypeError):
            return None

    return load


def _image_model():
    from wagtail.images import get_image_model

    return get_image_model()


def _document_model():
    from wagtail.documents import get_document_model

    return get_document_model()


def _video_model():
    from wagtailmedia import get_media_model

    return get_media_model()


def _via(model, attribute):
    def load(value):
        obj = _by_pk(model)(value)
        return getattr(obj, attribute, None) if obj else None

    return load


_page = _by_pk(Page)
_image = _by_pk(_image_model)
_document = _by_pk(_document_model)
_video = _by_pk(_video_model)


def _revision(value):
    if value in ("live", "earliest", "latest"):
        return None
    return _via(Revision, "content_object")(value)


# URL keyword -> loader of the object it names, the same in every app.
KWARG_LOADERS = {
    "page_id": _page,
    "parent_page_id": _page,
    "page_to_move_id": _page,
    "destination_id": _page,
    "page_pk": _page,
    "image_id": _image,
    "document_id": _document,
    "doc_id": _document,
    "media_id": _video,
    "site_pk": _by_pk(Site),
    "collection_id": _by_pk(Collection),
    "revision_id": _revision,
    "revision_id_a": _revision,
    "revision_id_b": _revision,
    "workflow_state_id": _via(WorkflowState, "content_object"),
    "task_state_id": lambda v: getattr(_via(TaskState, "revision")(v), "content_object", None),
    "page_view_restriction_id": _via(PageViewRestriction, "page"),
    "restriction_id": _via(CollectionViewRestriction, "collection"),
    "uploaded_file_id": _by_pk(UploadedFile),
    # A seat of a training workshop (training.admin_views); Scope.allows_object checks its workshop's province.
    "trainee_pk": _by_pk(lambda: apps.get_model("training", "Trainee")),
    # A resident's comment on a consultation (pages.consultations.admin_views); owner_of reads its commune.
    "comment_pk": _by_pk(lambda: apps.get_model("consultations", "ConsultationComment")),
    # A province whose communes the oversight dashboard shows (oversight.admin_views).
    "province_pk": _by_pk(lambda: apps.get_model("sites", "Province")),
}

# "pk" means a different kind of object in each namespace.
NAMESPACE_PK_LOADERS = {
    "wagtailadmin_collections": _by_pk(Collection),
    "wagtailadmin_pages": _page,
    "wagtailadmin_api": None,  # decided by the API path below
    "wagtailimages_chooser": _image,
    "wagtaildocs_chooser": _document,
    "wagtailsettings": _by_pk(Site),
    # The province procedure catalogue (pages.procedures.admin_views); tenancy.owner_of gives its province.
    "procedure_catalogue": _by_pk(lambda: apps.get_model("procedures", "Procedure")),
    # Training workshops (training.admin_views); Scope.allows_object checks the workshop's province.
    "workshops": _by_pk(lambda: apps.get_model("training", "Workshop")),
    # One commune's oversight figures (oversight.admin_views); the view itself refuses officers too.
    "oversight": _by_pk(lambda: apps.get_model("sites", "Commune")),
    # Province alerts (pages.province_content): the gate checks the alert's province, so officers and other
    # provinces' admins are refused.
    "province_alerts": _via(lambda: apps.get_model("province_content", "ProvinceAlert"), "province"),
}
_API_LOADERS = {"pages": _page, "images": _image, "documents": _document}

# Keywords that name no stored object (actions, content types, tokens, file paths).
NEUTRAL_KWARGS = {
    "action",
    "action_name",
    "app_label",
    "app_name",
    "model_name",
    "content_type_app_name",
    "content_type_model_name",
    "filter_spec",
    "media_type",
    "path",
    "token",
    "uidb64",
    "session_id",
    "task_id",
    "kind",  # a training exercise's key in training.exercises.EXERCISES
}

# Admin areas for operators (superusers) only, whatever Django permissions say:
# users, groups, sites, workflows, redirects and reports are global in Wagtail.
OPERATOR_ONLY_NAMESPACES = {
    "wagtailusers_users",
    "wagtailusers_groups",
    "wagtailsites",
    "wagtailadmin_workflows",
    "wagtailredirects",
    "wagtailembeds",
    "public_holidays",  # the working-day calendar every commune's deadlines count against (pages.disclosures)
}


# Single admin views for operators only: their figures and filters span every commune.
OPERATOR_ONLY_URL_NAMES = {
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}

# Views that name their object by a positional URL group (no keyword): the first group is its id.
POSITIONAL_LOADERS = {
    "wagtaildocs_serve": _document,  # documents/<id>/<filename>
}

# Views that name their objects in the query string (?id=1&id=2) rather than in the path.
QUERY_ID_LOADERS = {
    "wagtailadmin_choose_page_chosen_multiple": _page,
    "wagtailimages_chooser:chosen_multiple": _image,
    "wagtaildocs_chooser:chosen_multiple": _document,
}

# Pages above a user's own (the portal, their province) may be opened in these views as a way down:
# the listing inside is narrowed to the user's scope by the explorer and chooser hooks.
BROWSE_THROUGH_URL_NAMES = {
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_choose_page_child",
}

# Scoped replacements for Wagtail views that offer no hook, keyed by URL name (filled by wagtail_hooks).
SCOPED_VIEWS = {}


def _generic_object(kwargs):
    try:
        model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
    except (LookupError, ValueError):
        return None
    return _by_pk(model)(kwargs["object_id"])


def _bulk_action_model(kwargs):
    try:
        return apps.get_model(kwargs["app_label"], kwargs["model_name"])
    except (KeyError, LookupError, ValueError):
        return None


def _query_objects(request, match) -> list:
    """Objects named by ?id= (choosers' multiple choice, bulk actions) and ?childOf= (bulk "select all")."""
    view_name = match.view_name
    snippet_loader = _snippet_chosen_multiple_loader(match)
    if view_name != "wagtail_bulk_action" and view_name not in QUERY_ID_LOADERS and snippet_loader is None:
        return []
    params = request.GET.getlist("id") + request.POST.getlist("id")
    found = []
    if snippet_loader is not None:
        return [obj for obj in map(snippet_loader, params) if obj is not None]
    if view_name == "wagtail_bulk_action":
        model = _bulk_action_model(match.kwargs)
        if model is None:
            return found
        loader = _by_pk(model)
        if "all" in params:
            parent = request.GET.get("childOf")
            if issubclass(model, Page):
                # "All pages" without a parent means every page of the install.
                found.append(_page(parent) if parent else Page.get_first_root_node())
            elif parent:
                found.append(_by_pk(Collection)(parent))
            params = [p for p in params if p != "all"]
    else:
        loader = QUERY_ID_LOADERS[view_name]
    found.extend(loader(value) for value in params)
    return [obj for obj in found if obj is not None]


def _snippet_loader(model):
    from django.contrib.admin.utils import unquote

    def load(value):
        return _by_pk(model)(unquote(str(value)))

    return load


def _snippet_chosen_multiple_loader(match):
    """A commune snippet chooser's "chosen-multiple" names its rows by ?id= and answers with their titles."""
    namespace = match.namespaces[0] if match.namespaces else ""
    if match.url_name != "chosen_multiple" or not namespace.startswith("wagtailsnippetchoosers_"):
        return None
    model = snippet_model_for_namespace(namespace)
    return _snippet_loader(model) if model is not None else None


def objects_named(match) -> list:
    """Every stored object the resolved URL names (missing ones are skipped; the view 404s)."""
    namespace = match.namespaces[0] if match.namespaces else ""
    found = []
    positional = POSITIONAL_LOADERS.get(match.view_name)
    if positional is not None and match.args:
        obj = positional(match.args[0])
        if obj is not None:
            found.append(obj)
    for key, value in match.kwargs.items():
        loader = KWARG_LOADERS.get(key)
        if key == "pk":
            snippet_model = snippet_model_for_namespace(namespace) if namespace.startswith("wagtailsnippet") else None
            if snippet_model is not None:
                loader = _snippet_loader(snippet_model)
            elif namespace == "wagtailadmin_api":
                loader = _API_LOADERS.get(match.namespaces[-1] if len(match.namespaces) > 1 else "")
            else:
                loader = NAMESPACE_PK_LOADERS.get(namespace)
        elif key == "object_id" and "app_label" in match.kwargs:
            obj = _generic_object(match.kwargs)
            loader = None
            if obj is not None:
                found.append(obj)
        if loader is not None:
            obj = loader(value)
            if obj is not None:
                found.append(obj)
    return found


def allows(request, match) -> bool:
    """True if the signed-in user may reach every object this URL names."""
    namespace = match.namespaces[0] if match.namespaces else ""
    in_admin = request.path.startswith("/admin/")
    if in_admin and (namespace in OPERATOR_ONLY_NAMESPACES or match.view_name in OPERATOR_ONLY_URL_NAMES):
        return False
    scope = scope_for_user(request.user)
    browse_through = match.view_name in BROWSE_THROUGH_URL_NAMES
    for obj in objects_named(match) + (_query_objects(request, match) if in_admin else []):
        if isinstance(obj, UploadedFile):
            if obj.uploaded_by_user_id != request.user.pk:
                return False
            continue
        if isinstance(obj, get_user_model()):
            if obj.pk != request.user.pk:
                return False
            continue
        if browse_through and isinstance(obj, Page) and is_page_root_ancestor(request.user, obj):
            continue
        if in_admin and not scope.allows_object(obj):
            return False
    return True


def redirect_for(request, match) -> str | None:
    """Where to send a scoped user whose admin URL would open on somebody else's ground, or None.

    The page chooser opens at the tree root by default and the settings menu on the request's site;
    an officer is sent to their own commune's page and site instead.
    """
    user = request.user
    if match.view_name == "wagtailadmin_choose_page":
        root = chooser_root_for_user(user)
        if root is not None:
            url = reverse("wagtailadmin_choose_page_child", args=[root.pk])
            return f"{url}?{request.GET.urlencode()}" if request.GET else url
    if match.view_name == "wagtailsettings:edit" and "pk" not in match.kwargs:
        request_site = getattr(request, "_wagtail_site", None)
        site = default_site_for_user(user, request_site)
        if site is not None and site != request_site:
            return reverse("wagtailsettings:edit", args=[match.kwargs["app_name"], match.kwargs["model_name"], site.pk])
    return None


def scoped_view(match):
    """The scoped replacement of the view this URL resolves to, if Wagtail's own view cannot be narrowed."""
    from wagtail.hooks import search_for_hooks

    search_for_hooks()  # sites.wagtail_hooks fills SCOPED_VIEWS; Wagtail imports it once, on first use
    return SCOPED_VIEWS.get(match.view_name)


def public_file_allowed(request, obj) -> bool:
    """A commune's file is served only on that commune's own site (or the portal)."""
    commune_id, _ = owner_of(obj)
    if commune_id is None:
        return True
    commune = commune_for_request(request)
    return commune is None or commune.pk == commune_id
