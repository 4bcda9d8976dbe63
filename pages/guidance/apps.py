from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "pages.guidance"
    label = "guidance"
    verbose_name = "Văn bản chỉ đạo điều hành"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from .home import latest_documents

        register_home_section(
            HomeSection(
                key="latest_documents",
                template="guidance/home/latest_documents.html",
                get_items=latest_documents,
                order=40,
                title="Văn bản mới",
            )
        )
