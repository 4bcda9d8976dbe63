"""Test settings: same stack as dev, fast hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Behind the guard (base.py). Django's test set-up replaces EMAIL_BACKEND itself with locmem, so a test
# that checks the guard turns it back on with the settings fixture.
XASO_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
SITE_PORT = 80  # fixed: generated URLs in tests must not depend on the shell
WAGTAILADMIN_BASE_URL = "http://localhost"

# Parallel test workers share one Redis: give each its own key space, or one worker's cached
# hostname -> Site id would answer for another worker's database.
if "default" in CACHES and CACHES["default"]["BACKEND"].startswith("django_redis"):  # noqa: F405
    import os

    CACHES["default"]["KEY_PREFIX"] = f"xaso-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # noqa: F405
