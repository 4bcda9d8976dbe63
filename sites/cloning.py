"""Copy one commune's content into another: pages, files, commune records and site settings.

Used for practice sites (training), which start as a copy of a realistic commune. The copy refers only
to its own objects: every page, image, document, video, news category, procedure entry, banner and
collection the template's content points at is replaced by its copy, in foreign keys, many-to-many
fields, StreamField blocks and rich text. Catalogue procedures and other province-level objects are
shared, so references to them are kept.

Pages keep their dates (an article copied today still says when it was written) and are inserted in
bulk the way provisioning does (sites.services._append_children), not through Wagtail's copy action,
which would date every page today and write a revision per page.
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.files.base import File
from django.db import models
from wagtail import blocks
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Collection, Page, ReferenceIndex
from wagtail.models.copying import _copy

from .models import Commune

# Who made or locked the template's content is no business of the copy's users.
_PERSONAL_FIELDS = {"owner": None, "locked": False, "locked_by": None, "locked_at": None}
_PAGE_EXCLUDE = [*Page.default_exclude_fields_in_copy, "live_revision", "alias_of", "translation_key"]


class IdMap:
    """Old id -> new id, per kind of object (all page types share one map, as they share one id space)."""

    def __init__(self):
        self._maps: dict[type, dict[int, int]] = defaultdict(dict)

    @staticmethod
    def _kind(model) -> type:
        if issubclass(model, Page):
            return Page
        return model._meta.concrete_model

    def add(self, model, old_pk, new_pk) -> None:
        self._maps[self._kind(model)][old_pk] = new_pk

    def get(self, model, pk):
        """The copy's id for (model, pk), or pk itself when the object was not copied (a shared one)."""
        if model is None or pk is None:
            return pk
        try:
            key = int(pk)
        except (TypeError, ValueError):
            return pk
        new = self._maps.get(self._kind(model), {}).get(key)
        if new is None:
            return pk
        return str(new) if isinstance(pk, str) else new


# --- References inside values ----------------------------------------------------------------------

_TAG = re.compile(r"<(a|embed)\b[^>]*>")
_ATTR = re.compile(r'\b(linktype|embedtype|id)="([^"]*)"')


def _rich_text_models():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    return {"page": Page, "document": get_document_model(), "image": get_image_model()}


def remap_rich_text(html: str, ids: IdMap) -> str:
    """Rich text with its page links, document links and embedded images pointed at their copies."""
    if not html or "id=" not in html:
        return html
    kinds = _rich_text_models()

    def tag(match):
        text = match.group(0)
        attrs = dict(_ATTR.findall(text))
        model = kinds.get(attrs.get("linktype") or attrs.get("embedtype") or "")
        if model is None or "id" not in attrs:
            return text
        new = ids.get(model, attrs["id"])
        return re.sub(r'\bid="[^"]*"', f'id="{new}"', text, count=1)

    return _TAG.sub(tag, html)


def _remap_block(block, value, ids: IdMap):
    """A block's stored (JSON) value with the ids it holds replaced."""
    if value is None:
        return value
    if isinstance(block, blocks.StreamBlock):
        for item in value:
            child = block.child_blocks.get(item.get("type"))
            if child is not None:
                item["value"] = _remap_block(child, item.get("value"), ids)
        return value
    if isinstance(block, blocks.ListBlock):
        for index, item in enumerate(value):
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item["value"] = _remap_block(block.child_block, item["value"], ids)
            else:
                value[index] = _remap_block(block.child_block, item, ids)
        return value
    if isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            if isinstance(value, dict) and name in value:
                value[name] = _remap_block(child, value[name], ids)
        return value
    if isinstance(block, blocks.RichTextBlock):
        return remap_rich_text(value, ids)
    if isinstance(block, blocks.ChooserBlock):
        return ids.get(getattr(block, "model_class", None) or block.target_model, value)
    return value


def remap_fields(instance, ids: IdMap) -> list[str]:
    """Point the instance's foreign keys, StreamFields and rich text at the copies; returns changed fields."""
    changed = []
    for field in instance._meta.concrete_fields:
        if field.primary_key or (isinstance(field, models.OneToOneField) and field.remote_field.parent_link):
            continue
        if isinstance(field, models.ForeignKey):
            old = getattr(instance, field.attname)
            new = ids.get(field.related_model, old)
            if new != old:
                setattr(instance, field.attname, new)
                changed.append(field.name)
        elif isinstance(field, StreamField):
            stream = getattr(instance, field.attname)
            raw = stream.get_prep_value() if hasattr(stream, "get_prep_value") else stream
            before = repr(raw)
            raw = _remap_block(field.stream_block, raw, ids)
            if repr(raw) != before:
                setattr(instance, field.attname, raw)
                changed.append(field.name)
        elif isinstance(field, RichTextField):
            old = getattr(instance, field.attname)
            new = remap_rich_text(old, ids)
            if new != old:
                setattr(instance, field.attname, new)
                changed.append(field.name)
    return changed


def _child_relations(instance):
    """(accessor, model) of the instance's inline child rows (modelcluster ParentalKeys)."""
    from modelcluster.models import get_all_child_relations

    return [(rel.get_accessor_name(), rel.related_model) for rel in get_all_child_relations(instance)]


def _parental_m2m(instance):
    from modelcluster.fields import ParentalManyToManyField

    return [f for f in instance._meta.get_fields() if isinstance(f, ParentalManyToManyField)]


def _remap_children_and_m2m(instance, ids: IdMap) -> None:
    """Before the instance is saved: its inline rows and parental m2m values, pointed at the copies."""
    for accessor, _model in _child_relations(instance):
        for child in getattr(instance, accessor).all():
            remap_fields(child, ids)
    for field in _parental_m2m(instance):
        manager = getattr(instance, field.name)
        values = list(manager.all())
        new_ids = [ids.get(field.related_model, obj.pk) for obj in values]
        if new_ids != [obj.pk for obj in values]:
            manager.set(list(field.related_model.objects.filter(pk__in=new_ids)))


# --- Files -----------------------------------------------------------------------------------------


def _copy_file(field_file):
    """A copy of a stored file under a new name next to the original; returns the new name."""
    storage = field_file.storage
    with storage.open(field_file.name, "rb") as source:
        # The new name gets a random suffix; max_length shortens it to fit the column (PostgreSQL refuses more).
        return storage.save(field_file.name, File(source), max_length=field_file.field.max_length)


def _copy_collections(template: Commune, target: Commune, ids: IdMap) -> None:
    ids.add(Collection, template.collection_id, target.collection_id)
    source_root = template.collection
    for node in source_root.get_descendants().order_by("path"):
        parent_new = Collection.objects.get(pk=ids.get(Collection, node.get_parent().pk))
        child = parent_new.add_child(name=node.name)
        ids.add(Collection, node.pk, child.pk)


def _copy_images(template: Commune, ids: IdMap) -> None:
    from wagtail.images import get_image_model

    image_model = get_image_model()
    rendition_model = image_model.get_rendition_model()
    for image in image_model.objects.filter(collection__in=_collections(template)).prefetch_related("tags"):
        tags = list(image.tags.all())
        renditions = list(image.renditions.all())
        old_pk = image.pk
        copy = _clone_row(image, ids, file_fields=("file",), personal=("uploaded_by_user",))
        copy.save()
        if tags:
            copy.tags.set(tags)
        ids.add(image_model, old_pk, copy.pk)
        rendition_model.objects.bulk_create(
            [
                rendition_model(
                    image=copy,
                    filter_spec=r.filter_spec,
                    file=_copy_file(r.file),
                    width=r.width,
                    height=r.height,
                    focal_point_key=r.focal_point_key,
                )
                for r in renditions
            ]
        )


def _copy_files_of(model, template: Commune, ids: IdMap, file_fields) -> None:
    for obj in model.objects.filter(collection__in=_collections(template)).prefetch_related("tags"):
        tags = list(obj.tags.all())
        old_pk = obj.pk
        copy = _clone_row(obj, ids, file_fields=file_fields, personal=("uploaded_by_user",))
        copy.save()
        if tags:
            copy.tags.set(tags)
        ids.add(model, old_pk, copy.pk)


def _clone_row(obj, ids: IdMap, *, file_fields=(), personal=(), **overrides):
    """An unsaved copy of a row: new pk, files duplicated, foreign keys remapped, personal fields cleared."""
    copy, _children = _copy(obj, exclude_fields=["id"])
    copy.pk = None
    for name in file_fields:
        field_file = getattr(obj, name)
        if field_file:
            setattr(copy, name, _copy_file(field_file))
    for name in personal:
        setattr(copy, name, None)
    for name, value in overrides.items():
        setattr(copy, name, value)
    remap_fields(copy, ids)
    return copy


def _collections(commune: Commune):
    return Collection.objects.descendant_of(commune.collection, inclusive=True)


# --- Commune records and settings ------------------------------------------------------------------


def _copy_owned(template: Commune, target: Commune, ids: IdMap) -> list:
    """Banners, notices, news categories, procedure entries…: copied with the target as their commune.

    Procedure entries replace the ones provisioning gave the target, so its list is the template's.
    """
    from pages.news.models import NewsCategory
    from pages.procedures.models import CommuneProcedure

    from .snippets import COMMUNE_OWNED_MODELS

    created = []
    CommuneProcedure.objects.filter(commune=target).delete()
    # Categories first: articles' many-to-many points at them; the rest keep the registry's order.
    order = sorted(COMMUNE_OWNED_MODELS, key=lambda m: m is not NewsCategory)
    for model in order:
        for row in model._base_manager.filter(commune=template).order_by("pk"):
            old_pk = row.pk
            copy = _clone_row(row, ids, commune=target, **_personal_of(row))
            copy.save()
            ids.add(model, old_pk, copy.pk)
            created.append(copy)
    return created


def _personal_of(row) -> dict:
    return {name: value for name, value in _PERSONAL_FIELDS.items() if hasattr(row, name)}


def _copy_settings(template: Commune, target: Commune, ids: IdMap) -> list:
    created = []
    for model in settings_registry:
        if not issubclass(model, BaseSiteSetting):
            continue
        row = model.objects.filter(site=template.site).first()
        if row is None:
            continue
        model.objects.filter(site=target.site).delete()
        copy, _children = _copy(row, exclude_fields=["id"])
        copy.pk = None
        copy.site = target.site
        remap_fields(copy, ids)
        _remap_children_and_m2m(copy, ids)
        created.append(copy)  # saved after the pages exist: menus and footers link to them
    return created


# --- Pages -----------------------------------------------------------------------------------------


def _copy_pages(template: Commune, target: Commune, ids: IdMap) -> tuple[Page, list[Page]]:
    """The template's home page fields onto the target's home, and its whole tree below it."""
    from .services import _append_children

    source_home = template.home_page.specific
    target_home = target.home_page.specific
    ids.add(Page, source_home.pk, target_home.pk)
    _copy_home_fields(source_home, target_home)

    sources = list(Page.objects.descendant_of(source_home).order_by("path").specific(defer=False))
    new_pages = []
    by_parent: dict[str, list] = defaultdict(list)
    for page in sources:
        by_parent[page.path[: -Page.steplen]].append(page)
    parents = {source_home.path: target_home}
    for page in sources:  # path order: every parent is copied before its children
        parent_path = page.path[: -Page.steplen]
        if page.path != by_parent[parent_path][0].path:
            continue  # siblings are inserted together with the first one
        siblings = by_parent[parent_path]
        copies = []
        for source in siblings:
            copy, _children = _copy(source, exclude_fields=_PAGE_EXCLUDE)
            copy.pk = copy.id = None
            for name, value in _PERSONAL_FIELDS.items():
                setattr(copy, name, value)
            copy.has_unpublished_changes = not source.live
            _remap_children_and_m2m(copy, ids)  # files and categories are mapped already
            copies.append(copy)
        _append_children(parents[parent_path], copies)
        for source, copy in zip(siblings, copies, strict=True):
            ids.add(Page, source.pk, copy.pk)
            parents[source.path] = copy
            new_pages.append(copy)
    return target_home, new_pages


def _copy_home_fields(source, target) -> None:
    keep = {"title", "draft_title", "slug", "seo_title", "search_description", "live", "has_unpublished_changes"}
    skip = set(_PAGE_EXCLUDE) | keep | {"content_type", "page_ptr", "owner", "locked", "locked_by", "locked_at"}
    for field in source._meta.concrete_fields:
        if field.name in skip or field.primary_key or field.model is Page:
            continue
        setattr(target, field.attname, getattr(source, field.attname))


# --- The whole copy --------------------------------------------------------------------------------


def clone_commune_content(template: Commune, target: Commune) -> IdMap:
    """Copy template's content into target, a freshly provisioned commune with no pages below its home.

    Call inside a transaction (provisioning's). Returns the id map (tests use it to check the copy).
    """
    ids = IdMap()
    from .services import reference_index_paused

    with reference_index_paused():
        _copy_collections(template, target, ids)
        _copy_images(template, ids)
        from wagtail.documents import get_document_model
        from wagtailmedia import get_media_model

        _copy_files_of(get_document_model(), template, ids, ("file",))
        _copy_files_of(get_media_model(), template, ids, ("file", "thumbnail"))
        owned = _copy_owned(template, target, ids)
        settings_rows = _copy_settings(template, target, ids)
        target_home, pages = _copy_pages(template, target, ids)

        # Second pass, now that every page has its copy: links from pages, rows and settings to pages.
        remap_fields(target_home, ids)
        target_home.save(clean=False, log_action=None)
        for page in pages:
            changed = remap_fields(page, ids)
            for accessor, _model in _child_relations(page):
                for child in getattr(page, accessor).all():
                    child_changed = remap_fields(child, ids)
                    if child_changed:
                        child.save(update_fields=child_changed)
            if changed:
                page.save(update_fields=changed, clean=False, log_action=None)
        for row in owned:
            changed = remap_fields(row, ids)
            if changed:
                row.save(update_fields=changed)
        for row in settings_rows:
            remap_fields(row, ids)
            _remap_children_and_m2m(row, ids)
            row.save()
    for obj in [target_home, *pages, *owned, *settings_rows]:
        ReferenceIndex.create_or_update_for_object(obj)
    return ids
