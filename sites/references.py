"""Ids stored inside rich text and StreamField values, checked against the user's scope on save.

A rich-text link (<a linktype="page" id="N">), an embedded image (<embed embedtype="image" id="N"/>) or a
chooser block inside a StreamField stores a bare id: the admin's choosers are scoped, but a crafted POST can
name another commune's page, image or document, which the public site would then show. Every admin model
form (sites.wagtail_hooks) runs refuse_foreign_references after its own checks. The references are read
with Wagtail's own extractors (the ones its ReferenceIndex uses), so every block type and rich-text
feature that Wagtail can index is covered, however deeply it is nested.
"""

from __future__ import annotations

from collections import defaultdict
from contextvars import ContextVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _
from wagtail.blocks import ChooserBlock, ListBlock, RichTextBlock, StreamBlock, StructBlock
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.images.rich_text import ImageEmbedHandler
from wagtail.models import Collection, Page
from wagtail.rich_text import RichText, get_rewriter
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import LinkRewriter, extract_attrs

from .tenancy import _file_models, scope_for_user, scope_queryset

REFERENCE_REFUSED = _("Nội dung có liên kết hoặc ảnh của xã/phường khác; hãy chọn lại từ thư viện của xã mình.")

# (base model, id as stored): the key of one reference.
Key = tuple[type, str]


def _base_model(model) -> type:
    """The model a reference is grouped under: Page for every page type (as ReferenceIndex does)."""
    parents = model._meta.get_parent_list()
    return parents[-1] if parents else model


def _scoped_rows(user, model):
    """The rows of model the user may reference, or None when the model is not tenant data."""
    from .snippets import CommuneOwned

    if model._meta.label == "procedures.Procedure":
        # A province's catalogue is read by every commune of that province.
        return model._default_manager.filter(province__in=scope_for_user(user).provinces())
    if issubclass(model, (Page, Collection, CommuneOwned, *_file_models())):
        return scope_queryset(user, model._default_manager.all())
    return None


# --- Reading references -------------------------------------------------------------------


def _field_references(form) -> dict[str, set[Key] | None]:
    """{field name: references} for the form's rich-text and StreamField fields; None if unreadable."""
    found = {}
    cleaned = getattr(form, "cleaned_data", None) or {}
    if cleaned.get("DELETE"):
        return found
    opts = form._meta.model._meta
    for name in form.fields:
        if name not in cleaned:
            continue
        try:
            model_field = opts.get_field(name)
        except FieldDoesNotExist:
            continue
        if not hasattr(model_field, "extract_references") or cleaned[name] in (None, ""):
            continue
        try:
            found[name] = {
                (_base_model(model), str(pk))
                for model, pk, _path, _content in model_field.extract_references(cleaned[name])
            }
        except (KeyError, ValueError):  # a tag without an id: crafted, never what the editor sends
            found[name] = None
    return found


def foreign_references(user, keys) -> set[Key]:
    """The keys naming an existing object outside the user's scope: one query per model, whatever the ids."""
    by_model: dict[type, dict] = defaultdict(dict)
    foreign = set()
    for model, pk in keys:
        try:
            by_model[model][model._meta.pk.to_python(pk)] = pk
        except ValidationError:
            foreign.add((model, pk))  # not even an id
    for model, ids in by_model.items():
        allowed = _scoped_rows(user, model)
        if allowed is None:
            continue
        outside = model._default_manager.filter(pk__in=list(ids)).exclude(pk__in=allowed.values("pk"))
        # An id that no longer exists is a broken link (Wagtail keeps those), not another commune's content.
        foreign |= {(model, ids[pk]) for pk in outside.values_list("pk", flat=True)}
    return foreign


# --- Refusing them ------------------------------------------------------------------------


def refuse_foreign_references(forms, user) -> None:
    """Add REFERENCE_REFUSED to every rich-text or StreamField field naming another commune's object.

    forms: a model form and its inline child forms, already cleaned. Operators are not restricted.
    The refused field is shown back without the foreign objects, so the error page names none of them.
    """
    if user is None or scope_for_user(user).is_superuser:
        return
    per_form = []
    for form in forms:
        if not form.is_bound:
            continue
        _ = form.errors  # an inline form nobody asked about yet is cleaned now
        references = _field_references(form)
        if references:
            per_form.append((form, references))
    keys = {key for _form, references in per_form for found in references.values() if found for key in found}
    foreign = foreign_references(user, keys) if keys else set()
    for form, references in per_form:
        for name, found in references.items():
            if found is None or found & foreign:
                form.add_error(name, REFERENCE_REFUSED)
                _redact_widget(form.fields[name].widget, foreign)


# --- Showing the form back without them ---------------------------------------------------


def _is_foreign(model, pk, foreign) -> bool:
    return (_base_model(model), str(pk)) in foreign


def redact_rich_text(html: str, foreign: set[Key]) -> str:
    """The rich text with links to foreign objects emptied and foreign embeds removed."""
    for rewriter in get_rewriter().rewriters:
        empty = "<a>" if isinstance(rewriter, LinkRewriter) else ""

        def replace(match, rewriter=rewriter, empty=empty):
            attrs = extract_attrs(match.group(1))
            extract = rewriter.reference_extractors.get(rewriter.get_tag_type_from_attrs(attrs))
            try:
                refs = list(extract(attrs)) if extract else []
            except (KeyError, ValueError):
                return empty
            return empty if any(_is_foreign(model, pk, foreign) for model, pk, *_ in refs) else match.group(0)

        html = rewriter.get_opening_tag_regex().sub(replace, html)
    return html


def redact_block_value(block, value, foreign: set[Key]):
    """A copy of a block value with foreign chosen objects cleared and foreign rich-text references removed."""
    if value is None:
        return None
    if isinstance(block, ChooserBlock):
        return None if _is_foreign(block.model_class, getattr(value, "pk", value), foreign) else value
    if isinstance(block, RichTextBlock):
        return RichText(redact_rich_text(value.source, foreign))
    if isinstance(block, StreamBlock):
        return StreamValue(
            block,
            [(child.block_type, redact_block_value(child.block, child.value, foreign), child.id) for child in value],
        )
    if isinstance(block, ListBlock):
        children = [
            ListValue.ListChild(
                block.child_block, redact_block_value(block.child_block, child.value, foreign), id=child.id
            )
            for child in value.bound_blocks
        ]
        return ListValue(block, bound_blocks=children)
    if isinstance(block, StructBlock):
        return block._to_struct_value(
            [(name, redact_block_value(child, value.get(name), foreign)) for name, child in block.child_blocks.items()]
        )
    return value


def _redact_widget(widget, foreign: set[Key]) -> None:
    """The form's own copy of the widget renders the submitted value without the foreign objects."""
    if hasattr(widget, "block_def"):  # StreamField
        render_with_errors = widget.render_with_errors

        def render_redacted(name, value, *args, **kwargs):
            return render_with_errors(name, redact_block_value(widget.block_def, value, foreign), *args, **kwargs)

        widget.render_with_errors = render_redacted
    elif hasattr(widget, "converter"):  # rich text editor: stored HTML in, editor format out
        format_value = widget.format_value
        widget.format_value = lambda value: format_value(redact_rich_text(value or "", foreign))


# --- Public rendering: defence in depth ---------------------------------------------------------
# An id stored before this check existed (or by a script) must still not show another commune's image or
# link to its page or file. While a page is served, the rich-text handlers keep only objects of the page's
# own commune; the commune is looked up only when a reference is actually rendered. Outside a page view
# (feeds aside, which are page routes) nothing is filtered.


class _ServedPage:
    """The page being served, and (once asked) its commune's id and home page path."""

    def __init__(self, page):
        self.page = page
        self._owner = None

    @property
    def owner(self) -> tuple[int | None, str | None]:
        if self._owner is None:
            from .models import Commune

            prefixes = [self.page.path[:i] for i in range(Page.steplen, len(self.page.path) + 1, Page.steplen)]
            row = Commune.objects.filter(home_page__path__in=prefixes).values_list("pk", "home_page__path").first()
            self._owner = row or (None, None)
        return self._owner

    def shows(self, obj) -> bool:
        """False only for another commune's page or file (as admin_gate.public_file_allowed serves files)."""
        commune_id, home_path = self.owner
        if commune_id is None:  # portal and province pages are the operators'
            return True
        if isinstance(obj, Page):
            # Every page below the province level is inside some commune's tree.
            return obj.path.startswith(home_path) or len(obj.path) < len(home_path)
        return getattr(obj, "commune_id", None) in (None, commune_id)


_serving: ContextVar[_ServedPage | None] = ContextVar("xaso_served_page", default=None)


def serving_page(page) -> None:
    """Called before a page is served: its rich text renders only its own commune's objects."""
    _serving.set(_ServedPage(page))


def _request_boundary(**kwargs):
    _serving.set(None)


request_started.connect(_request_boundary, dispatch_uid="xaso_references_request_started")
request_finished.connect(_request_boundary, dispatch_uid="xaso_references_request_finished")


def _own_only(objects: list) -> list:
    served = _serving.get()
    if served is None:
        return objects
    return [obj if obj is not None and served.shows(obj) else None for obj in objects]


class CommunePageLinkHandler(PageLinkHandler):
    """A rich-text link to another commune's page renders as a plain <a> (as a deleted page does)."""

    @classmethod
    def get_many(cls, attrs_list):
        return _own_only(super().get_many(attrs_list))


class CommuneDocumentLinkHandler(DocumentLinkHandler):
    @classmethod
    def get_many(cls, attrs_list):
        return _own_only(super().get_many(attrs_list))


class CommuneImageEmbedHandler(ImageEmbedHandler):
    """Another commune's image renders as an empty <img alt="">, as a deleted image does."""

    @classmethod
    def get_many(cls, attrs_list):
        return _own_only(super().get_many(attrs_list))
