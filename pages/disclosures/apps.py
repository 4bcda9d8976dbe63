from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "pages.disclosures"
    label = "disclosures"
    verbose_name = "Công khai thông tin"
    default_auto_field = "django.db.models.BigAutoField"
