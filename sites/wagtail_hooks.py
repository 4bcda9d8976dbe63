"""Admin scoping hooks: every page listing and chooser shows only the user's commune or province."""

from wagtail import hooks

from . import admin_views  # noqa: F401  (registers the commune management area)
