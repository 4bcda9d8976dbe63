"""Public requests never make image renditions inline (media/renditions.py); the admin and its previews do."""

from django.urls import reverse
from django.utils.cache import patch_cache_control

from media.renditions import public_rendering


class PublicRenditionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._admin_prefix = None

    def __call__(self, request):
        if self._admin_prefix is None:
            self._admin_prefix = reverse("wagtailadmin_home")
        # Wagtail's previews run a dummy request for the page's public URL through the middleware.
        if request.path_info.startswith(self._admin_prefix) or getattr(request, "is_dummy", False):
            return self.get_response(request)
        with public_rendering() as state:
            response = self.get_response(request)
        if state.placeholders:
            # A page showing placeholders is incomplete: no cache (ours or in front) may keep it.
            patch_cache_control(response, no_store=True)
        return response
