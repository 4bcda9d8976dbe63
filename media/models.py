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


# A change to any of these makes the theme's renditions out of date (media/renditions.py).
RENDITION_SOURCE_FIELDS = ("file", "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height")


class CommuneImage(CommuneOwnedMixin, AbstractImage):  # noqa: DJ008 (__str__ comes from the Wagtail base)
    """A commune's image. Its theme renditions are made in the background on upload, never by a public page."""

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

    def save(self, *args, **kwargs):
        from media.renditions import schedule_theme_renditions

        super().save(*args, **kwargs)
        source = self._rendition_source_key()
        if source != getattr(self, "_rendition_source", None):
            self._rendition_source = source
            schedule_theme_renditions(self)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._rendition_source = instance._rendition_source_key()
        return instance

    def _rendition_source_key(self) -> tuple:
        # Read from __dict__: a deferred field must not cost a query here.
        return tuple(str(self.__dict__.get(name)) for name in RENDITION_SOURCE_FIELDS)

    # While a public page renders, missing renditions are queued for the task, not made inline.

    def get_rendition(self, filter):
        from media.renditions import generation_deferred

        if generation_deferred():
            # Through get_renditions, which keeps placeholders out of Wagtail's rendition cache.
            return next(iter(self.get_renditions(filter).values()))
        return super().get_rendition(filter)

    def create_rendition(self, filter):
        from media.renditions import deferred_renditions, generation_deferred

        if generation_deferred():
            return deferred_renditions(self, [filter])[filter]
        return super().create_rendition(filter)

    def create_renditions(self, *filters):
        from media.renditions import deferred_renditions, generation_deferred

        if filters and generation_deferred():
            return deferred_renditions(self, list(filters))
        return super().create_renditions(*filters)


class CommuneRendition(AbstractRendition):
    image = models.ForeignKey(CommuneImage, on_delete=models.CASCADE, related_name="renditions")

    # Set on the unsaved stand-in a public page shows while the task makes the real file.
    placeholder_url = None

    @property
    def url(self):
        return self.placeholder_url or super().url

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
