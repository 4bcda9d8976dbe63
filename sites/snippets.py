"""Commune-owned records edited as Wagtail snippets (banners, notices, news categories, …).

Wagtail snippets are global; these are not. Each row belongs to one commune, the listing and the
chooser show only the user's communes (through the tenancy resolver), the form assigns the commune
itself (or lets a province admin choose among theirs), and the admin gate 404s other communes' rows.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.chooser import ChooseResultsView, ChooseView, SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Commune
from .tenancy import scope_for_user

COMMUNE_OWNED_MODELS: list[type[models.Model]] = []


class CommuneOwned(models.Model):
    """A record that belongs to exactly one commune; provisioning grants its editors the model rights."""

    commune = models.ForeignKey(
        Commune, verbose_name=_("Xã/phường"), on_delete=models.CASCADE, related_name="+", editable=False
    )

    class Meta:
        abstract = True


def _register_commune_owned(sender, **kwargs):
    # class_prepared, not __init_subclass__: a model's own _meta does not exist yet in __init_subclass__.
    if issubclass(sender, CommuneOwned) and not sender._meta.abstract and sender not in COMMUNE_OWNED_MODELS:
        COMMUNE_OWNED_MODELS.append(sender)


models.signals.class_prepared.connect(_register_commune_owned)


def owned_in_scope(user, queryset):
    """Rows of a commune-owned model that the user may see."""
    scope = scope_for_user(user)
    if scope.is_superuser:
        return queryset
    return queryset.filter(commune__in=scope.communes().values("pk"))


class CommuneOwnedForm(WagtailAdminModelForm):
    """Sets the commune from the signed-in officer; a province admin picks one of their communes."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self._user = for_user
        communes = scope_for_user(for_user).communes().order_by("province__name", "name") if for_user else None
        self._only_commune = None
        if communes is not None and not self.instance.commune_id:
            if len(communes) == 1:
                self._only_commune = communes[0]
            else:
                self.fields["commune_choice"] = forms.ModelChoiceField(
                    queryset=communes, label=_("Xã/phường"), help_text=_("Nội dung này thuộc về xã/phường nào.")
                )

    def _post_clean(self):
        # The commune before the model's own checks, so clean() can compare with the commune's other rows.
        if not self.instance.commune_id:
            commune = self._only_commune or self.cleaned_data.get("commune_choice")
            if commune is not None:
                self.instance.commune = commune
        super()._post_clean()

    def save(self, commit=True):
        if not self.instance.commune_id:
            self.instance.commune = self._only_commune or self.cleaned_data.get("commune_choice")
        return super().save(commit=commit)


class _ScopedObjectList:
    def get_object_list(self):
        return owned_in_scope(self.request.user, super().get_object_list())


class ScopedChooseView(_ScopedObjectList, ChooseView):
    pass


class ScopedChooseResultsView(_ScopedObjectList, ChooseResultsView):
    pass


class CommuneOwnedChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    creation_form_class = None  # create from the snippet's own form, where the commune is assigned


class CommuneSnippetViewSet(SnippetViewSet):
    """Snippet admin for a CommuneOwned model: scoped listing and chooser; the form sets the commune.

    The model declares ``base_form_class = CommuneOwnedForm`` so Wagtail's panels build on it.
    """

    chooser_viewset_class = CommuneOwnedChooserViewSet

    def get_queryset(self, request):
        return owned_in_scope(request.user, self.model._default_manager.all())


def snippet_model_for_namespace(namespace: str):
    """The commune-owned model behind a snippet or snippet-chooser URL namespace, if any."""
    for model in COMMUNE_OWNED_MODELS:
        viewset = getattr(model, "snippet_viewset", None)
        if viewset is None:
            continue
        if namespace in (viewset.get_admin_url_namespace(), viewset.get_chooser_admin_url_namespace()):
            return model
    return None
