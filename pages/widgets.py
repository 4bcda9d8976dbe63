"""Admin widgets: the slug field writes Vietnamese slugs the way the server does."""

from django.db import models
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

from sites.text import SLUG_STEPS


class VietnameseSlugInput(SlugInput):
    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(attrs, formatters=formatters or SLUG_STEPS, locale=locale)


def register():
    # Replaces Wagtail's own SlugField override, for pages and every admin model form.
    register_form_field_override(models.SlugField, override={"widget": VietnameseSlugInput})
