"""Workshops in the admin: the menu item, the views (training.admin_views) and their history labels."""

from wagtail import hooks

WORKSHOP_LOG_ACTIONS = {
    "xaso.workshop_created": "Tạo lớp tập huấn",
    "xaso.workshop_reset": "Đặt lại trang thực hành",
    "xaso.workshop_closed": "Kết thúc lớp tập huấn",
}


@hooks.register("register_log_actions")
def register_workshop_log_actions(actions):
    for action, label in WORKSHOP_LOG_ACTIONS.items():
        actions.register_action(action, label, label)
