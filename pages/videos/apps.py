from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "pages.videos"
    label = "videos"
    verbose_name = "Video và hình ảnh"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pages.home import HomeSection, register_home_section

        from .home import latest_albums, latest_videos

        register_home_section(
            HomeSection(
                key="videos",
                template="videos/home/videos.html",
                get_items=latest_videos,
                order=50,
                title="Video hướng dẫn",
            )
        )
        register_home_section(
            HomeSection(
                key="galleries",
                template="videos/home/galleries.html",
                get_items=latest_albums,
                order=60,
                title="Thư viện ảnh",
            )
        )
