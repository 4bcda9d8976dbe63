from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "pages.consultations"
    label = "consultations"
    verbose_name = "Lấy ý kiến Nhân dân"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from .home import open_consultations

        register_home_section(
            HomeSection(
                key="open_consultations",
                template="consultations/home/open_consultations.html",
                get_items=open_consultations,
                order=25,
                title="Đang lấy ý kiến Nhân dân",
            )
        )
