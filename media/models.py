"""Image, document and video models. Each file belongs to one commune (or to none, for portal files).

They are custom models from the first migration because Wagtail cannot swap them later.
The commune is derived from the collection on save, so scoping never depends on a form field.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage, AbstractRendition
from wagtailmedia.models import AbstractMedia


class CommuneOwnedMixin(models.Model):
    commune = models.ForeignKey(
        "sites.Commune",
        verbose_name=_("Xã/phường"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from sites.tenancy import commune_for_collection

        self.commune = commune_for_collection(self.collection)
        super().save(*args, **kwargs)

    @classmethod
    def sync_communes(cls, pks) -> None:
        """Re-derive the commune of files moved by a queryset update (Wagtail's bulk "add to collection")."""
        from wagtail.models import Collection

        from sites.tenancy import commune_for_collection

        files = cls.objects.filter(pk__in=list(pks))
        for collection in Collection.objects.filter(pk__in=files.values("collection_id")):
            files.filter(collection=collection).update(commune=commune_for_collection(collection))


class CommuneImage(CommuneOwnedMixin, AbstractImage):  # noqa: DJ008 (__str__ comes from the Wagtail base)
    caption = models.CharField(_("Chú thích"), max_length=255, blank=True)

    admin_form_fields = (
        "title",
        "file",
        "collection",
        "caption",
        "description",
        "tags",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = _("Hình ảnh")
        verbose_name_plural = _("Hình ảnh")


class CommuneRendition(AbstractRendition):
    image = models.ForeignKey(CommuneImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class CommuneDocument(CommuneOwnedMixin, AbstractDocument):  # noqa: DJ008 (__str__ comes from the Wagtail base)
    admin_form_fields = ("title", "file", "collection", "tags")

    class Meta(AbstractDocument.Meta):
        verbose_name = _("Tài liệu")
        verbose_name_plural = _("Tài liệu")


class CommuneVideo(CommuneOwnedMixin, AbstractMedia):  # noqa: DJ008 (__str__ comes from the Wagtail base)
    class Meta(AbstractMedia.Meta):
        verbose_name = _("Video")
        verbose_name_plural = _("Video")
