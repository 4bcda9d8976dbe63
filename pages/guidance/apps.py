from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "pages.guidance"
    label = "guidance"
    verbose_name = "Văn bản chỉ đạo điều hành"
    default_auto_field = "django.db.models.BigAutoField"
