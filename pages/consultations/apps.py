from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "pages.consultations"
    label = "consultations"
    verbose_name = "Lấy ý kiến Nhân dân"
    default_auto_field = "django.db.models.BigAutoField"
