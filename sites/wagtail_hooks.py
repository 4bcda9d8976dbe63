"""Admin scoping hooks: every page listing and chooser shows only the user's commune or province.

Wagtail is not multi-tenant. Isolation in its admin rests on four things, all deciding through
sites.tenancy (the one resolver):

1. The tenancy middleware (sites.admin_gate) answers 404 for any URL naming an object outside the
   user's scope, before the view runs.
2. Wagtail's own hooks narrow the page explorer and every chooser (below).
3. Listing filters (explorer, search, reports, image and document indexes) build their dropdowns
   from global querysets and Wagtail has no hook for them: every WagtailFilterSet's model choices
   and popular tags are narrowed when its form is built (_scope_filter_choices).
4. The few views whose rows or dropdowns no hook reaches run as scoped subclasses, registered in
   admin_gate.SCOPED_VIEWS and dispatched by the middleware for users with a scope.
"""

import copy
import functools

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Value
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers
from django_filters.filters import QuerySetRequestMixin
from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import ContentTypeFilter, PopularTagsFilter, WagtailFilterSet
from wagtail.admin.forms.collections import CollectionViewRestrictionForm
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.forms.search import SearchForm
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.views import tags as tag_views
from wagtail.admin.views.page_privacy import SetPrivacyView
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.images.views.chooser import ImageChooseView
from wagtail.images.views.chooser import viewset as image_chooser_viewset
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import Collection, CollectionViewRestriction, Page
from wagtail.permissions import policy_registry
from wagtail.search.backends import get_search_backends
from wagtailmedia import get_media_model
from wagtailmedia.forms import get_media_form
from wagtailmedia.utils import paginate
from wagtailmedia.views import chooser as media_chooser_views
from wagtailmedia.views import media as media_views

from . import (
    admin_views,  # noqa: F401  (registers the commune management area)
    audit,
    references,
    two_factor,  # noqa: F401  (registers the "Xác thực hai lớp" account panel)
)
from .admin_gate import SCOPED_VIEWS
from .tenancy import (
    collections_in_scope,
    files_in_scope,
    groups_in_scope,
    log_entries_in_scope,
    pages_in_scope,
    popular_tags_for_user,
    scope_for_user,
    scope_queryset,
    tags_in_scope,
)

# --- Pages: explorer and chooser ---------------------------------------------------


@hooks.register("construct_explorer_page_queryset")
def scope_explorer_pages(parent_page, pages, request):
    """The explorer lists the user's pages, and the pages above them as a way down."""
    return pages_in_scope(request.user, pages, with_ancestors=True)


@hooks.register("construct_page_chooser_queryset")
def scope_chooser_pages(pages, request):
    """The page chooser browses and searches the user's pages only (Wagtail's default is every page).

    Browsing keeps the pages above the user's own so the tree can be walked down; search does not.
    The chooser opens on the user's own home page (admin_gate.redirect_for).
    """
    match = getattr(request, "resolver_match", None)
    browsing = match is not None and match.url_name != "wagtailadmin_choose_page_search"
    return pages_in_scope(request.user, pages, with_ancestors=browsing)


# --- Files: choosers ----------------------------------------------------------------
# Wagtail already limits these to collections the user has permissions on; the commune scope is
# applied as well, so a permission granted by mistake on another commune's collection shows nothing.


@hooks.register("construct_image_chooser_queryset")
def scope_chooser_images(images, request):
    return files_in_scope(request.user, images)


@hooks.register("construct_document_chooser_queryset")
def scope_chooser_documents(documents, request):
    return files_in_scope(request.user, documents)


@hooks.register("construct_media_chooser_queryset")
def scope_chooser_media(media, request):
    return files_in_scope(request.user, media)


@hooks.register("after_bulk_action")
def resync_moved_files(request, action_type, objects, action_class_instance):
    """Bulk "add to collection" moves files with a queryset update, which skips the commune derivation."""
    model = getattr(action_class_instance, "model", None)
    if action_type == "add_to_collection" and model is not None and hasattr(model, "sync_communes"):
        model.sync_communes(obj.pk for obj in objects)


# --- Audit trail ------------------------------------------------------------------------


@hooks.register("register_log_actions")
def register_audit_log_actions(actions):
    """Sign-ins and permission changes (sites.audit), labelled in Vietnamese in the site history."""
    audit.register_log_actions(actions)


# --- Reports menu ---------------------------------------------------------------------


@hooks.register("construct_reports_menu")
def hide_operator_reports(request, menu_items):
    """The page types report counts every commune's pages: operators only (admin_gate blocks its URL)."""
    if not scope_for_user(request.user).is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# --- Listing filters ------------------------------------------------------------------


def _scoped_choices(queryset, user):
    def choices(request):
        qs = queryset(request) if callable(queryset) else queryset
        return scope_queryset(user, qs.all())

    return choices


def _scope_filter_choices(filterset, user):
    """Narrow a filterset's dropdowns: users, sites, collections, workflows, tasks, pages, tags."""
    for name, filter_ in list(filterset.filters.items()):
        if isinstance(filter_, PopularTagsFilter):
            tags = popular_tags_for_user(user, filterset._meta.model)
            if tags:
                filter_.extra["choices"] = [(tag.name, tag.name) for tag in tags]
            else:
                del filterset.filters[name]
        elif isinstance(filter_, QuerySetRequestMixin):
            if filter_.queryset is not None:
                filter_.queryset = _scoped_choices(filter_.queryset, user)
            elif filter_.extra.get("queryset") is not None:  # set by the filterset's __init__
                filter_.extra["queryset"] = scope_queryset(user, filter_.extra["queryset"])


_wagtail_filterset_form_class = WagtailFilterSet.get_form_class


def _get_scoped_form_class(self):
    user = getattr(self.request, "user", None)
    if user is not None and not scope_for_user(user).is_superuser:
        _scope_filter_choices(self, user)
    return _wagtail_filterset_form_class(self)


# Wagtail offers no hook for filter choices; this is the one place its listings' filters are narrowed.
WagtailFilterSet.get_form_class = _get_scoped_form_class


# --- Scoped replacements of views without a hook --------------------------------------


def _history_rows(user):
    """Per log model, the site history rows this user reads."""
    for log_model in log_action_registry.get_log_entry_models():
        yield log_entries_in_scope(user, audit.viewable_log_entries(user, log_model))


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The action and type choices of the entries the user reads (Wagtail offers those of every commune)."""

    object_type = ContentTypeFilter(
        label=_("Type"),
        method="filter_object_type",
        queryset=lambda request: ContentType.objects.filter(
            pk__in={pk for rows in _history_rows(request.user) for pk in rows.get_content_type_ids()}
        ).order_by("model"),
    )

    def get_action_choices(self):
        used = {action for rows in _history_rows(self.request.user) for action in rows.get_actions()}
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]


class ScopedLogEntriesView(LogEntriesView):
    """Site history: Wagtail shows a non-page entry to anyone with a model permission on its type, and
    sign-ins and permission changes (sites.audit) to nobody without one. Here every row must be in scope."""

    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        # As LogEntriesView, with audit.viewable_log_entries in place of Wagtail's viewable_by_user.
        self.log_models = list(log_action_registry.get_log_entry_models())
        parts = [
            self.filter_queryset(
                audit.viewable_log_entries(self.request.user, log_model)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            ).order_by()
            for index, log_model in enumerate(self.log_models)
        ]
        return parts[0].union(*parts[1:], all=True).order_by("-timestamp")

    def filter_queryset(self, queryset):
        return super().filter_queryset(log_entries_in_scope(self.request.user, queryset))


class ScopedImageChooseView(ImageChooseView):
    """Image chooser: its "popular tags" are counted over every commune's images."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["popular_tags"] = popular_tags_for_user(self.request.user, self.model)
        return context


@functools.cache
def _scoped_image_choose_view():
    viewset = copy.copy(image_chooser_viewset)
    viewset.choose_view_class = ScopedImageChooseView
    return viewset.choose_view


def scoped_image_choose(request, *args, **kwargs):
    return _scoped_image_choose_view()(request, *args, **kwargs)


def scoped_tag_autocomplete(request, app_name=None, model_name=None):
    """Tag autocomplete suggests the tags of the user's own files (taggit's tag list is install-wide)."""
    if app_name and model_name:
        try:
            tag_model = ContentType.objects.get_by_natural_key(app_name, model_name).model_class()
        except ContentType.DoesNotExist as exc:
            raise Http404 from exc
        if tag_model is not Tag:
            return tag_views.autocomplete(request, app_name, model_name)
    term = request.GET.get("term")
    if not term:
        return JsonResponse([], safe=False)
    tags = tags_in_scope(request.user, Tag.objects.filter(name__istartswith=term)).order_by("name")
    return JsonResponse(list(tags.values_list("name", flat=True)[: tag_views.TAGS_AUTOCOMPLETE_LIMIT]), safe=False)


def _media_upload_forms(request, media_type, bound_form=None):
    Media = get_media_model()
    MediaForm = get_media_form(Media)
    forms = {
        kind: MediaForm(
            user=request.user, prefix="media-chooser-upload", instance=Media(uploaded_by_user=request.user, type=kind)
        )
        for kind in ("audio", "video")
    }
    if bound_form is not None:
        forms[media_type] = bound_form
    elif media_type:
        forms = {media_type: forms[media_type]}
    return forms


def _media_chooser_modal(request, media_type, uploadforms):
    """wagtailmedia's chooser modal with the user's collections and tags (it lists every collection)."""
    policy = media_chooser_views.permission_checker.policy
    media_files = policy.instances_user_has_any_permission_for(request.user, ["change", "delete"])
    for hook in hooks.get_hooks("construct_media_chooser_queryset"):
        media_files = hook(media_files, request)
    if media_type:
        media_files = media_files.filter(type=media_type)
        chooser_url = reverse("wagtailmedia:chooser_typed", args=(media_type,))
    else:
        chooser_url = reverse("wagtailmedia:chooser")
    ordering = media_chooser_views.get_ordering(request)
    paginator, media_files = paginate(request, media_files.order_by(ordering))
    collections = collections_in_scope(request.user, Collection.objects.all())
    titles = {"audio": _("Choose audio"), "video": _("Choose video")}
    return render_modal_workflow(
        request,
        "wagtailmedia/chooser/chooser.html",
        None,
        {
            "media_files": media_files,
            "searchform": SearchForm(),
            "collections": collections if len(collections) >= 2 else None,
            "uploadforms": uploadforms,
            "is_searching": False,
            "popular_tags": popular_tags_for_user(request.user, get_media_model()),
            "media_type": media_type,
            "ordering": ordering,
            "title": titles.get(media_type, _("Choose a media item")),
            "icon": f"wagtailmedia-{media_type}" if media_type is not None else "media",
            "chooser_url": chooser_url,
            "elided_page_range": paginator.get_elided_page_range(request.GET.get("p", 1)),
        },
        json_data={
            "step": "chooser",
            "error_label": "Server Error",
            "error_message": "Report this error to your webmaster with the following information:",
            "tag_autocomplete_url": reverse("wagtailadmin_tag_autocomplete"),
        },
    )


def scoped_media_chooser(request, media_type=None):
    if any(key in request.GET for key in ("q", "p", "tag", "collection_id")):
        # Search results: wagtailmedia renders only the (hook-scoped) list, no collections or tags.
        return media_chooser_views.chooser(request, media_type)
    policy = media_chooser_views.permission_checker.policy
    can_add = policy.user_has_permission(request.user, "add")
    return _media_chooser_modal(request, media_type, _media_upload_forms(request, media_type) if can_add else {})


def scoped_media_chooser_upload(request, media_type):
    policy = media_chooser_views.permission_checker.policy
    if not policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    if request.method != "POST":
        return _media_chooser_modal(request, media_type, {})
    Media = get_media_model()
    media = Media(uploaded_by_user=request.user, type=media_type)
    form = get_media_form(Media)(
        request.POST, request.FILES, instance=media, user=request.user, prefix="media-chooser-upload"
    )
    if not form.is_valid():
        return _media_chooser_modal(request, media_type, _media_upload_forms(request, media_type, form))
    form.save()
    for backend in get_search_backends():
        backend.add(media)
    return render_modal_workflow(
        request,
        None,
        None,
        None,
        json_data={"step": "media_chosen", "result": media_chooser_views.get_media_json(media)},
    )


class ScopedSetPrivacyView(SetPrivacyView):
    """Page privacy: "private to these groups" lists every group of the install."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["groups"].queryset = groups_in_scope(self.request.user, Group.objects.all())
        return form


def scoped_collection_set_privacy(request, collection_id):
    """Collection privacy as in wagtail.admin.views.collection_privacy, with the user's groups only."""
    collection = get_object_or_404(Collection, id=collection_id)
    if not policy_registry.get_by_type(Collection).user_has_permission_for_instance(request.user, "change", collection):
        raise PermissionDenied
    restrictions = collection.get_view_restrictions().order_by("collection__depth")
    restriction = restrictions[0] if restrictions else None
    if restriction is not None and restriction.collection != collection:
        return render_modal_workflow(
            request,
            "wagtailadmin/collection_privacy/ancestor_privacy.html",
            None,
            {"collection_with_restriction": restriction.collection},
        )
    if request.method == "POST":
        form = CollectionViewRestrictionForm(request.POST, instance=restriction)
    else:
        form = CollectionViewRestrictionForm(
            instance=restriction, initial=None if restriction else {"restriction_type": "none"}
        )
    form.fields["groups"].queryset = groups_in_scope(request.user, Group.objects.all())
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["restriction_type"] == CollectionViewRestriction.NONE:
            if restriction:
                restriction.delete()
        else:
            restriction = form.save(commit=False)
            restriction.collection = collection
            form.save()
        return render_modal_workflow(
            request,
            None,
            None,
            None,
            json_data={"step": "set_privacy_done", "is_public": form.cleaned_data["restriction_type"] == "none"},
        )
    return render_modal_workflow(
        request,
        "wagtailadmin/shared/set_privacy.html",
        None,
        {
            "action_url": reverse("wagtailadmin_collections:set_privacy", args=(collection.pk,)),
            "object": collection,
            "form": form,
        },
        json_data={"step": "set_privacy"},
    )


@media_views.permission_checker.require_any("add", "change", "delete")
@vary_on_headers("X-Requested-With")
def scoped_media_index(request):
    """wagtailmedia's index with the user's own popular tags (it counts every commune's)."""
    policy = media_views.permission_checker.policy
    media = policy.instances_user_has_any_permission_for(request.user, ["change", "delete"])
    ordering = request.GET.get("ordering")
    if ordering not in ("title", "-title", "-created_at", "created_at"):
        ordering = "-created_at"
    media = media.order_by(ordering)
    collections = policy.collections_user_has_any_permission_for(request.user, ["add", "change"])
    current_collection = None
    if collection_id := request.GET.get("collection_id"):
        current_collection = collections.filter(pk=collection_id).first() if collection_id.isdigit() else None
        if current_collection is not None:
            media = media.filter(collection=current_collection)
    query_string = (request.GET.get("q") or "").strip()
    form = SearchForm(request.GET if query_string else None, placeholder=_("Search media files"))
    if query_string and form.is_valid():
        query_string = form.cleaned_data["q"]
        media = media.search(query_string)
    else:
        query_string = ""
    current_tag = request.GET.get("tag")
    if current_tag and query_string:
        current_tag = None  # as in wagtailmedia: search results cannot be filtered by tag
    elif current_tag:
        media = media.filter(tags__name=current_tag)
    _paginator, media = paginate(request, media)
    context = {
        "ordering": ordering,
        "media_files": media,
        "query_string": query_string,
        "is_searching": bool(query_string),
        "collections": collections if len(collections) >= 2 else None,
    }
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return render(request, "wagtailmedia/media/results.html", context)
    context.update(
        search_form=form,
        popular_tags=popular_tags_for_user(request.user, get_media_model()),
        current_tag=current_tag,
        user_can_add=policy.user_has_permission(request.user, "add"),
        current_collection=current_collection,
    )
    return render(request, "wagtailmedia/media/index.html", context)


SCOPED_VIEWS.update(
    {
        "wagtailadmin_reports:site_history": require_admin_access(ScopedLogEntriesView.as_view()),
        "wagtailadmin_reports:site_history_results": require_admin_access(
            ScopedLogEntriesView.as_view(results_only=True)
        ),
        "wagtailadmin_pages:set_privacy": require_admin_access(ScopedSetPrivacyView.as_view(model=Page)),
        "wagtailadmin_collections:set_privacy": require_admin_access(scoped_collection_set_privacy),
        "wagtailadmin_tag_autocomplete": require_admin_access(scoped_tag_autocomplete),
        "wagtailadmin_tag_model_autocomplete": require_admin_access(scoped_tag_autocomplete),
        "wagtailimages_chooser:choose": require_admin_access(scoped_image_choose),
        "wagtailmedia:index": require_admin_access(scoped_media_index),
        "wagtailmedia:chooser": require_admin_access(scoped_media_chooser),
        "wagtailmedia:chooser_typed": require_admin_access(scoped_media_chooser),
        "wagtailmedia:chooser_upload": require_admin_access(scoped_media_chooser_upload),
    }
)


# --- Admin API: images and documents ------------------------------------------------------
# The admin API's image and document endpoints list every commune's files (found by the isolation
# matrix); they are replaced by scoped ones. order=100: after Wagtail's own registrations.


class ScopedImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return files_in_scope(self.request.user, super().get_queryset())


class ScopedDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return files_in_scope(self.request.user, super().get_queryset())


@hooks.register("construct_admin_api", order=100)
def scope_admin_api(router):
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


# --- Admin forms: chosen pages, files and collections ------------------------------------------
# A form's chooser fields (a banner's image, a menu item's page…) accept any id of the install and
# show it back on error; Wagtail offers no hook (found by the isolation matrix). Every admin model
# form, its inline forms included, refuses another commune's page, file or collection after its own
# checks ran (so their messages stay), and its choosers never display one. Ids inside rich text and
# StreamField values are checked the same way by sites.references.
CHOICE_REFUSED = _("Không chọn được nội dung của xã/phường khác.")


def _narrowed_kind(model) -> bool:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return isinstance(model, type) and issubclass(
        model, (Page, Collection, get_image_model(), get_document_model(), get_media_model())
    )


def _hide_foreign_choice(widget, allowed):
    """A chooser widget shows the chosen object's title: only if the user may choose it."""
    if not hasattr(widget, "get_instance"):
        return
    original = widget.get_instance

    def get_instance(value):
        instance = original(value)
        if instance is not None and not allowed.filter(pk=instance.pk).exists():
            return None
        return instance

    widget.get_instance = get_instance


def _allowed_choices(form, user) -> dict:
    """{field name: the objects of its kind in the user's scope} for the form's page, file and collection fields."""
    allowed = {}
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and _narrowed_kind(getattr(queryset, "model", None)):
            allowed[name] = scope_queryset(user, queryset.model._default_manager.all())
            _hide_foreign_choice(field.widget, allowed[name])
    return allowed


def _refuse_foreign_choices(form, allowed) -> None:
    if not allowed or not form.is_bound:
        return
    _ = form.errors  # an inline form nobody asked about yet is cleaned now
    for name, scoped in allowed.items():
        value = form.cleaned_data.get(name)
        chosen = {obj.pk for obj in (value if hasattr(value, "__iter__") else [value]) if obj is not None}
        if chosen and scoped.filter(pk__in=chosen).count() < len(chosen):
            form.add_error(name, CHOICE_REFUSED)


_wagtail_model_form_init = WagtailAdminModelForm.__init__
_wagtail_model_form_full_clean = WagtailAdminModelForm.full_clean


def _scoped_model_form_init(self, *args, **kwargs):
    _wagtail_model_form_init(self, *args, **kwargs)
    user = self.for_user
    if user is not None and user.is_authenticated and not scope_for_user(user).is_superuser:
        self._xaso_allowed = [(self, _allowed_choices(self, user))] + [
            (child, _allowed_choices(child, user)) for formset in self.formsets.values() for child in formset.forms
        ]


def _scoped_model_form_full_clean(self):
    _wagtail_model_form_full_clean(self)
    checked = getattr(self, "_xaso_allowed", None)
    for form, allowed in checked or ():
        _refuse_foreign_choices(form, allowed)
    if checked is not None:
        # Ids inside rich text and StreamField values (links, embedded images, chooser blocks).
        references.refuse_foreign_references([form for form, _allowed in checked], self.for_user)


WagtailAdminModelForm.__init__ = _scoped_model_form_init
WagtailAdminModelForm.full_clean = _scoped_model_form_full_clean


# --- Public rich text: only the page's own commune ------------------------------------------
# order=100: after Wagtail's own page, document and image handlers, which these replace.


@hooks.register("register_rich_text_features", order=100)
def register_commune_rich_text_handlers(features):
    features.register_link_type(references.CommunePageLinkHandler)
    features.register_link_type(references.CommuneDocumentLinkHandler)
    features.register_embed_type(references.CommuneImageEmbedHandler)


@hooks.register("before_serve_page")
def rich_text_of_the_served_page(page, request, serve_args, serve_kwargs):
    references.serving_page(page)


# --- Dashboard --------------------------------------------------------------------


@hooks.register("construct_homepage_panels")
def add_commune_dashboard(request, panels):
    """Officers land on their commune: the everyday tasks one click away, drafts, recent changes."""
    from .dashboard import panel_for

    panel = panel_for(request)
    if panel is not None:
        panels.insert(0, panel)


@hooks.register("insert_global_admin_css")
def admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
