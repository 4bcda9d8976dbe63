"""The trainee guide in the admin: its URL and its menu item, for every signed-in admin user."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .guide import TraineeGuideView


@hooks.register("register_admin_urls")
def register_trainee_guide_url():
    return [path("huong-dan-hoc-vien/", TraineeGuideView.as_view(), name="xaso_trainee_guide")]


@hooks.register("register_admin_menu_item")
def register_trainee_guide_menu_item():
    return MenuItem(
        "Hướng dẫn học viên", reverse("xaso_trainee_guide"), name="huong-dan-hoc-vien", icon_name="help", order=10000
    )
