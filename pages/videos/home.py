"""What the commune home page shows from this app: the latest videos and photo albums."""

from __future__ import annotations

HOME_VIDEOS = 4
HOME_ALBUMS = 3


def latest_videos(home_page, request) -> list:
    from .models import VideoPage

    return list(
        VideoPage.objects.descendant_of(home_page)
        .live()
        .public()
        .select_related("poster", "video")
        .prefetch_related("poster__renditions")
        .order_by("-first_published_at", "-pk")[:HOME_VIDEOS]
    )


def latest_albums(home_page, request) -> list:
    """The newest albums that have a cover to show (an album without photos is left out)."""
    from .models import GalleryPage, attach_album_covers, with_first_image

    albums = (
        with_first_image(GalleryPage.objects.descendant_of(home_page).live().public())
        .exclude(cover_image=None, first_image_id=None)
        .order_by("-date", "-pk")[:HOME_ALBUMS]
    )
    return attach_album_covers(albums)
