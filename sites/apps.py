from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "sites"
    label = "sites"
    verbose_name = "Tỉnh và xã/phường"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit, mail, page_cache, signals, site_roots  # noqa: F401

        audit.connect()
        page_cache.connect()
        mail.connect()  # Wagtail's workflow notifications, practice-aware
        site_roots.install()
