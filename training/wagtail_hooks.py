"""Workshops in the admin: the menu item, the views (training.admin_views) and their history labels."""

from wagtail import hooks

from . import guide_hooks  # noqa: F401  (the trainee guide: its admin URL and menu item)
from .admin_views import workshop_viewset

WORKSHOP_LOG_ACTIONS = {
    "xaso.workshop_created": "Tạo lớp tập huấn",
    "xaso.workshop_reset": "Đặt lại trang thực hành",
    "xaso.workshop_closed": "Kết thúc lớp tập huấn",
}


@hooks.register("register_log_actions")
def register_workshop_log_actions(actions):
    for action, label in WORKSHOP_LOG_ACTIONS.items():
        actions.register_action(action, label, label)


@hooks.register("register_admin_viewset")
def register_workshop_viewset():
    """The "Tập huấn" menu item and its views: list, live board, login cards, reset and close."""
    return workshop_viewset
