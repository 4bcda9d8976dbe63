from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "pages.procedures"
    label = "procedures"
    verbose_name = "Thủ tục hành chính"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from .home import procedure_links

        register_home_section(
            HomeSection(
                key="procedure_links",
                template="procedures/home/procedure_links.html",
                get_items=procedure_links,
                order=15,
                title="Thủ tục hành chính",
            )
        )
