"""Which URL arguments name which kind of object, so the tenancy middleware can check them.

Wagtail's admin is global: /admin/images/42/ would open commune B's image for an officer of
commune A if only Wagtail's permissions decided. Every URL keyword that identifies an object is
mapped here to a loader, and the middleware refuses objects outside the user's scope.
Keywords that name no object are listed in NEUTRAL_KWARGS, so a test can prove nothing is unmapped.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
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

from .tenancy import commune_for_request, owner_of, scope_for_user


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
}

# "pk" means a different kind of object in each namespace.
NAMESPACE_PK_LOADERS = {
    "wagtailadmin_collections": _by_pk(Collection),
    "wagtailadmin_pages": _page,
    "wagtailadmin_api": None,  # decided by the API path below
    "wagtailimages_chooser": _image,
    "wagtaildocs_chooser": _document,
    "wagtailsettings": _by_pk(Site),
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
}


def _generic_object(kwargs):
    try:
        model = apps.get_model(kwargs["app_label"], kwargs["model_name"])
    except (LookupError, ValueError):
        return None
    return _by_pk(model)(kwargs["object_id"])


def objects_named(match) -> list:
    """Every stored object the resolved URL names (missing ones are skipped; the view 404s)."""
    namespace = match.namespaces[0] if match.namespaces else ""
    found = []
    for key, value in match.kwargs.items():
        loader = KWARG_LOADERS.get(key)
        if key == "pk":
            if namespace == "wagtailadmin_api":
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
    if in_admin and namespace in OPERATOR_ONLY_NAMESPACES:
        return False
    scope = scope_for_user(request.user)
    for obj in objects_named(match):
        if isinstance(obj, UploadedFile):
            if obj.uploaded_by_user_id != request.user.pk:
                return False
            continue
        if isinstance(obj, get_user_model()):
            if obj.pk != request.user.pk:
                return False
            continue
        if in_admin and not scope.allows_object(obj):
            return False
    return True


def public_file_allowed(request, obj) -> bool:
    """A commune's file is served only on that commune's own site (or the portal)."""
    commune_id, _ = owner_of(obj)
    if commune_id is None:
        return True
    commune = commune_for_request(request)
    return commune is None or commune.pk == commune_id
