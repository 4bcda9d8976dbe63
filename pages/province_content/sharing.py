"""Province news and documents listed on chosen communes' sites: one page, shown in many places.

A province keeps its own news section ("Tin tức của tỉnh") and documents section ("Văn bản của tỉnh") under
its ProvincePage. An item there says which communes list it (all of the province, or some). Each chosen
commune's listings, home sections and search add it, marked “Từ UBND tỉnh …”, linking to the item's own
(canonical) address on the province portal. Communes cannot edit it (it is outside their page tree) but
can hide it from their own listings (HiddenSharedItem).

Tree shape: portal > province > section > item, so a shared item is always two levels below its province
page and a commune's own items are three: that is how listings tell them apart without a query.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page

SHARING_FIELDS = ("share_with_all_communes", "shared_communes")


class SharedWithCommunes(models.Model):
    """Sharing fields of a province-level item (news article, guiding document); unused under a commune."""

    share_with_all_communes = models.BooleanField(
        _("Hiện trên trang của tất cả xã/phường trong tỉnh"),
        default=False,
        help_text=_("Chỉ dùng cho tin, văn bản của tỉnh; xã/phường không sửa được, chỉ ẩn được khỏi trang mình."),
    )
    shared_communes = ParentalManyToManyField(
        "sites.Commune",
        verbose_name=_("Hoặc chỉ hiện trên trang của các xã/phường"),
        blank=True,
        related_name="+",
        help_text=_("Chọn các xã/phường sẽ liệt kê tin, văn bản này (khi không chọn “tất cả”)."),
    )

    class Meta:
        abstract = True


def sharing_panel():
    """The admin panel; the form removes its fields on commune pages, so it shows on province pages only."""
    return MultiFieldPanel(
        [
            FieldPanel("share_with_all_communes"),
            FieldPanel("shared_communes", widget=forms.CheckboxSelectMultiple),
        ],
        heading=_("Chia sẻ xuống xã/phường"),
    )


# --- Where an item sits ------------------------------------------------------------------------------


def province_of_section(section: Page | None):
    """The province whose own section this page is (a section directly under a ProvincePage), or None."""
    if section is None or section.depth < 2:
        return None
    from sites.models import Province

    parent_path = section.path[: -Page.steplen]
    return Province.objects.filter(page__path=parent_path).first()


class SharingFormMixin:
    """For WagtailAdminPageForm subclasses: sharing fields on province items only, communes of that province only."""

    def setup_sharing(self, parent_page):
        anchor = parent_page
        if anchor is None and self.instance.pk:
            anchor = self.instance.get_parent()
        self.sharing_province = province_of_section(anchor)
        if self.sharing_province is None:
            for name in SHARING_FIELDS:
                self.fields.pop(name, None)
            return
        if "shared_communes" in self.fields:
            from sites.models import Commune

            field = self.fields["shared_communes"]
            field.queryset = Commune.objects.listed().filter(province=self.sharing_province).order_by("sort_name")
            field.error_messages["invalid_choice"] = _("Chỉ chọn được xã/phường của %(province)s đang hoạt động.") % {
                "province": self.sharing_province.name
            }
            field.error_messages["invalid_pk_value"] = field.error_messages["invalid_choice"]

    def clean_sharing(self, cleaned):
        if self.sharing_province is None:
            return cleaned
        if cleaned.get("share_with_all_communes") and cleaned.get("shared_communes"):
            # "All" wins; the chosen list is kept empty so nobody reads it as a restriction.
            cleaned["shared_communes"] = cleaned["shared_communes"].none()
        return cleaned


# --- What a commune lists -------------------------------------------------------------------------------


def shared_q(model, home_path: str, *, commune_id=None, include_hidden=False) -> Q:
    """Items of `model` that the province shares with the commune whose home page has this path, less the
    ones that commune hid (unless include_hidden). A Q of subqueries: no query until the listing runs."""
    from .models import HiddenSharedItem

    province_path = home_path[: -Page.steplen]
    depth = len(province_path) // Page.steplen + 2
    field = model._meta.get_field("shared_communes")
    item_fk, commune_fk = field.m2m_field_name(), field.m2m_reverse_field_name()
    chosen = field.remote_field.through.objects.all()
    hidden = HiddenSharedItem.objects.all()
    if commune_id:
        chosen = chosen.filter(**{f"{commune_fk}_id": commune_id})
        hidden = hidden.filter(commune_id=commune_id)
    else:
        chosen = chosen.filter(**{f"{commune_fk}__home_page__path": home_path})
        hidden = hidden.filter(commune__home_page__path=home_path)
    chosen, hidden = chosen.values(item_fk), hidden.values("page_id")
    found = Q(path__startswith=province_path, depth=depth) & (Q(share_with_all_communes=True) | Q(pk__in=chosen))
    return found if include_hidden else found & ~Q(pk__in=hidden)


# Root > portal > province > commune home > section: the depth of a commune's sections (a province's are one up).
COMMUNE_SECTION_DEPTH = 5


def is_commune_section(section: Page) -> bool:
    return section.depth == COMMUNE_SECTION_DEPTH


def own_or_shared(model, section: Page, *, commune_id=None):
    """Items of `model` that a commune section lists: its own children and what the province shares."""
    home_path = section.path[: -Page.steplen]
    own = Q(path__startswith=section.path, depth=section.depth + 1)
    return model.objects.filter(own | shared_q(model, home_path, commune_id=commune_id))


def is_shared_item(page, home_path: str) -> bool:
    return not page.path.startswith(home_path)


def mark_shared(items, home_path: str, province=None) -> list:
    """Label the province's items in a commune listing “Từ UBND tỉnh …” (a plain attribute, kept in caches).

    The province is read (one query) only when the list holds a shared item and the caller has none at hand."""
    from .models import authority_name

    items = list(items)
    label = None
    for item in items:
        if is_shared_item(item, home_path):
            if label is None:
                province = province or province_for_home(home_path)
                label = str(_("Từ %(authority)s") % {"authority": authority_name(province)}) if province else ""
            item.shared_from = label
    return items


def province_for_home(home_path: str):
    from sites.models import Province

    return Province.objects.filter(page__path=home_path[: -Page.steplen]).first()
