"""Oversight in the admin and on public pages: the dashboard's menu and views, page views, review reminders."""

from wagtail import hooks

from . import page_views
from .admin_views import oversight_viewset


@hooks.register("register_admin_viewset")
def register_oversight_viewset():
    """The "Giám sát các xã" menu item and its views, for province admins and operators."""
    return oversight_viewset


@hooks.register("before_serve_page")
def count_commune_page_view(page, request, serve_args, serve_kwargs):
    page_views.note_page_view(page, request)


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):
    """Officers see what is due for review right after their commune's panel."""
    from .review_panel import panel_for

    panel = panel_for(request)
    if panel is not None:
        panels.insert(1 if panels else 0, panel)
