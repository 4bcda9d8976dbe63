"""The "Mức độ hài lòng" menu item and its report."""

from wagtail import hooks

from .admin_views import satisfaction_viewset


@hooks.register("register_admin_viewset")
def register_satisfaction_viewset():
    return satisfaction_viewset
