"""Delete a commune and everything that belongs to it, leaving no row and no file behind.

Real communes are archived, never deleted (sites.services.commune_archive keeps their record).
This is for practice sites (training), which must vanish entirely when a workshop closes or one
trainee's site is reset. Wagtail keeps history rows for deleted pages and objects, and its files
outlive their rows unless their delete signal runs; both are handled here.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    ModelLogEntry,
    Page,
    PageLogEntry,
    ReferenceIndex,
    Revision,
    Task,
    TaskState,
    WorkflowState,
    WorkflowTask,
)

from . import audit, page_cache
from .models import Commune
from .tenancy import AUDIT_ACTION_PREFIX, AUDIT_SCOPE_KEY, _audit_key, _file_models, forget_hostname


def _object_ids(queryset) -> list[str]:
    return [str(pk) for pk in queryset.values_list("pk", flat=True)]


def _forget_history(model, queryset) -> None:
    """History, revisions and reference rows of these objects (Wagtail keeps them after a delete)."""
    content_type = ContentType.objects.get_for_model(model)
    ids = _object_ids(queryset)
    if not ids:
        return
    ModelLogEntry.objects.filter(content_type=content_type, object_id__in=ids).delete()
    Revision.objects.filter(base_content_type=content_type, object_id__in=ids).delete()
    ReferenceIndex.objects.filter(base_content_type=content_type, object_id__in=ids).delete()


@transaction.atomic
def commune_purge(commune: Commune) -> None:
    """Remove the commune, its site, pages, files, records, settings, groups, workflow and history.

    Accounts are not deleted here (the caller decides: a reset keeps its trainee). Files go from
    storage when the transaction commits, through Wagtail's own delete signals.
    """
    from .snippets import COMMUNE_OWNED_MODELS

    commune = Commune.objects.select_related("site", "home_page", "collection", "workflow").get(pk=commune.pk)
    hostname = commune.hostname
    with page_cache.batch(), audit.permissions_not_logged():
        if commune.home_page_id:
            pages = Page.objects.descendant_of(commune.home_page, inclusive=True)
            page_ids = list(pages.values_list("pk", flat=True))
            PageLogEntry.objects.filter(page_id__in=page_ids).delete()
            states = WorkflowState.objects.filter(
                base_content_type=ContentType.objects.get_for_model(Page), object_id__in=[str(p) for p in page_ids]
            )
            TaskState.objects.filter(workflow_state__in=states).delete()
            states.delete()
            _forget_history(Page, pages)
            # Delete leaves first is not needed: treebeard's queryset delete takes the subtree at once.
            Page.objects.filter(pk=commune.home_page_id).delete()

        # Commune records before files: a banner protects its picture from deletion.
        for model in COMMUNE_OWNED_MODELS:
            rows = model._base_manager.filter(commune=commune)
            _forget_history(model, rows)
            rows.delete()

        if commune.collection_id:
            collections = Collection.objects.descendant_of(commune.collection, inclusive=True)
            for model in _file_models():
                files = model.objects.filter(collection__in=collections)
                _forget_history(model, files)
                for obj in files:  # one by one, so each file's delete signal removes it from storage
                    obj.delete()
            _forget_history(Collection, collections)
            Collection.objects.filter(pk=commune.collection_id).delete()

        if commune.site_id:
            from wagtail.contrib.settings.models import BaseSiteSetting
            from wagtail.contrib.settings.registry import registry

            for model in registry:
                if issubclass(model, BaseSiteSetting):
                    rows = model.objects.filter(site_id=commune.site_id)
                    _forget_history(model, rows)
                    rows.delete()
            site = commune.site
            _forget_history(type(site), type(site).objects.filter(pk=site.pk))
            site.delete()

        if commune.workflow_id:
            workflow = commune.workflow
            task_ids = list(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
            workflow.delete()
            for task in Task.objects.filter(pk__in=task_ids).specific():
                task.delete()

        for group in (commune.editors_group, commune.approvers_group):
            if group is not None:
                group.delete()

        key = _audit_key("commune", commune.pk)
        ModelLogEntry.objects.filter(
            Q(action__startswith=AUDIT_ACTION_PREFIX) & Q(**{f"data__{AUDIT_SCOPE_KEY}__has_key": key})
        ).delete()
        _forget_history(Commune, Commune.objects.filter(pk=commune.pk))
        commune.delete()
    forget_hostname(hostname)
