from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "pages.disclosures"
    label = "disclosures"
    verbose_name = "Công khai thông tin"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from .home import current_disclosures

        register_home_section(
            HomeSection(
                key="current_disclosures",
                template="disclosures/home/current_disclosures.html",
                get_items=current_disclosures,
                order=45,
                title="Công khai thông tin",
            )
        )
