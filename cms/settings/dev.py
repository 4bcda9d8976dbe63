"""Local development: SQLite and local files under var/, DEBUG on."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.get("DEBUG", "1") == "1"
SITE_PORT = int(env.get("SITE_PORT", env.get("PORT", "8000")))


def _dev_secret_key():
    """Generate the dev key once and keep it under var/, so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.get("SECRET_KEY") or _dev_secret_key()
XASO_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # behind the guard (base.py)
