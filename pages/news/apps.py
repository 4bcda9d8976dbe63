from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "pages.news"
    label = "news"
    verbose_name = "Tin tức"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from . import services

        register_home_section(
            HomeSection(
                key="featured_news",
                template="news/home/featured_news.html",
                get_items=services.featured_articles,
                order=20,
                title="Tin nổi bật",
            )
        )
        register_home_section(
            HomeSection(
                key="latest_news",
                template="news/home/latest_news.html",
                get_items=services.latest_articles,
                order=30,
                title="Tin mới",
            )
        )
