from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "pages.videos"
    label = "videos"
    verbose_name = "Video và hình ảnh"
    default_auto_field = "django.db.models.BigAutoField"
