"""Background tasks (django-tasks) of the media library."""

from django_tasks import task
from wagtail.images import get_image_model

from media.renditions import ensure_theme_renditions


@task()
def generate_theme_renditions(image_id: int, extra_specs: list[str] | None = None) -> int:
    """Make every theme rendition the image lacks (plus any extra spec a page asked for); returns how many."""
    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0  # deleted before the worker got to it
    return ensure_theme_renditions(image, extra_specs or ())
