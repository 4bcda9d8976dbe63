from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = "Tỉnh và xã/phường"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit, signals  # noqa: F401

        audit.connect()
