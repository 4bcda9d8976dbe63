from django.apps import AppConfig


class ProvinceContentConfig(AppConfig):
    name = "pages.province_content"
    label = "province_content"
    verbose_name = "Nội dung của tỉnh"
    default_auto_field = "django.db.models.BigAutoField"
