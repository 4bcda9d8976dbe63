from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Tập huấn"
    default_auto_field = "django.db.models.BigAutoField"
