from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    label = "pages"
    verbose_name = "Trang"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .widgets import register

        register()
