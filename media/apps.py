from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media"
    label = "media"
    verbose_name = "Thư viện hình ảnh, tài liệu và video"
    default_auto_field = "django.db.models.BigAutoField"
