from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "pages.procedures"
    label = "procedures"
    verbose_name = "Thủ tục hành chính"
    default_auto_field = "django.db.models.BigAutoField"
