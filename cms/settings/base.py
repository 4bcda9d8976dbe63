"""Settings shared by every environment. Everything that differs per machine comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = os.environ

INSTALLED_APPS = [
    "sites",
    "pages",
    "pages.news",
    "pages.guidance",
    "pages.procedures",
    "pages.videos",
    "pages.disclosures",
    "pages.consultations",
    "pages.feedback",
    "pages.province_content",
    "training",
    "oversight",
    "media",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "wagtailmedia",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "axes",  # login lockout
    "django_otp",  # two-factor authentication (sites/two_factor.py)
    "django_otp.plugins.otp_totp",
    "csp",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # sitemap.xml's template (wagtail.contrib.sitemaps renders through it)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Unknown hosts are refused before any session, view or Wagtail lookup runs.
    "sites.middleware.CommuneSiteMiddleware",
    # Public pages queue missing image renditions for the background task instead of making them inline.
    "media.middleware.PublicRenditionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Province admins, operators and officers who turned it on pass the second factor before any admin view.
    "sites.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sites.middleware.ContentSecurityPolicyMiddleware",
    # Admin URLs that name another commune's object answer 404 before the view runs.
    "sites.middleware.AdminTenancyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the Vietnamese lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content Security Policy (django-csp). The public site runs no inline script and loads nothing
# from elsewhere except the YouTube player a resident asks for; the one inline style (the
# commune's colour) carries the request's nonce. The admin gets its own, looser policy.
_CSP_COMMON = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "media-src": ["'self'"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "frame-src": ["'self'", "https://www.youtube-nocookie.com"],
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {**_CSP_COMMON, "script-src": ["'self'"], "style-src": ["'self'", NONCE]},
}
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **_CSP_COMMON,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
    },
}
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Login lockout (django-axes): 5 failed attempts for one account, or from one address, within
# 15 minutes lock that account or address for 15 minutes. Unlock: the province admin's officer
# list, or `python manage.py axes_reset_username <tên đăng nhập>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/locked_out.html"
AXES_VERBOSE = False
# Behind nginx every request comes from 127.0.0.1; the client's address is then the one the
# trusted proxies put in X-Forwarded-For. Without TRUSTED_PROXY_COUNT only REMOTE_ADDR is believed.
TRUSTED_PROXY_COUNT = int(env.get("TRUSTED_PROXY_COUNT", "0"))
# Axes reads forwarded addresses only through django-ipware (not installed): it would lock out every
# user behind the proxy at once. The same function names the address in the lockout and the audit log.
AXES_CLIENT_IP_CALLABLE = "sites.audit.client_ip"

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "sites.context_processors.commune",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a bulk import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = env.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "xaso"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Room for every page of a few communes and their renditions' metadata: at the default 300
    # entries, culling would drop the hostname and generation keys every few requests.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

# Public pages are cached whole per commune and invalidated per commune (sites/page_cache.py);
# page URLs find their Site through an index (sites/site_roots.py). Both can be turned off to measure.
XASO_PAGE_CACHE = env.get("PAGE_CACHE", "1") == "1"
XASO_PAGE_CACHE_SECONDS = int(env.get("PAGE_CACHE_SECONDS", "600"))
# How long a CDN or nginx in front may keep a page without asking (0: always revalidate, which is cheap).
XASO_PAGE_CACHE_SHARED_MAX_AGE = int(env.get("PAGE_CACHE_SHARED_MAX_AGE", "0"))
XASO_SITE_ROOT_INDEX = env.get("SITE_ROOT_INDEX", "1") == "1"
# The footer, menu, banners and notices every page of a commune repeats, kept per commune generation.
XASO_FRAGMENT_CACHE = env.get("FRAGMENT_CACHE", "1") == "1"
# Pages are found with one query on url_path rather than Wagtail's walk down the tree (pages.models).
XASO_DIRECT_ROUTE = env.get("DIRECT_ROUTE", "1") == "1"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese only, in Vietnam's time zone.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Officers never choose: one language, one time zone (both choices disappear from the account page).
WAGTAIL_USER_TIME_ZONES = ["Asia/Ho_Chi_Minh"]
# No third-party avatar service: the admin shows its built-in avatar (and asks nothing of gravatar.com).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
# The admin date pickers write dd/mm/yyyy; cms/formats/vi lets the forms read it back.
FORMAT_MODULE_PATH = ["cms.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get("STATIC_ROOT", VAR_DIR / "static"))
# The guides' screenshots (docs/huong-dan/, made by `make guide`) are served from where they are made, as
# /static/huong-dan/…: the admin's trainee guide (training/guide.py) shows them, collectstatic ships them.
STATICFILES_DIRS = [BASE_DIR / "static", ("huong-dan", BASE_DIR / "docs" / "huong-dan")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Hosts: every commune has its own hostname, so Django lets them through and
# CommuneSiteMiddleware answers 400 for any host that is not a known Site.
ALLOWED_HOSTS = [h for h in env.get("ALLOWED_HOSTS", "*").split(",") if h]

# The portal that lists provinces and communes, and serves communes by path.
BASE_DOMAIN = env.get("BASE_DOMAIN", "localhost")
# Port that generated site URLs carry (80 in production behind a proxy).
SITE_PORT = int(env.get("SITE_PORT", "80"))

# Wagtail
WAGTAIL_SITE_NAME = "Xã Số"
WAGTAILADMIN_BASE_URL = env.get("WAGTAILADMIN_BASE_URL", f"http://{BASE_DOMAIN}")
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_I18N_ENABLED = False
WAGTAILIMAGES_IMAGE_MODEL = "media.CommuneImage"
WAGTAILDOCS_DOCUMENT_MODEL = "media.CommuneDocument"
WAGTAILMEDIA = {
    "MEDIA_MODEL": "media.CommuneVideo",
    "MEDIA_FORM_BASE": "media.forms.SafeMediaForm",
    "AUDIO_EXTENSIONS": [],
    "VIDEO_EXTENSIONS": ["mp4", "webm"],
}
# Every upload is checked by its bytes (media/uploads.py): content type, pixel cap, metadata, zip bombs.
WAGTAILIMAGES_IMAGE_FORM_BASE = "media.forms.SafeImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "media.forms.SafeDocumentForm"
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# "vtt": Vietnamese captions (WebVTT) for how-to videos.
WAGTAILDOCS_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "zip", "vtt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
# Diacritic-insensitive on SQLite and PostgreSQL: see pages/search_backend.py.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "pages.search_backend"}}
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_USAGE_COUNT_ENABLED = False

LOGIN_URL = "wagtailadmin_login"
WAGTAILADMIN_USER_LOGIN_FORM = "sites.forms.LoginForm"

# Mail goes through the guard (sites/mail.py): nothing reaches a practice account's ".invalid" address and a
# practice site sends nothing at all. XASO_EMAIL_BACKEND is the backend that really delivers.
EMAIL_BACKEND = "sites.mail.GuardedEmailBackend"
XASO_EMAIL_BACKEND = env.get("XASO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

# Background tasks (django-tasks): the theme's image renditions after an upload (media/tasks.py) and
# Wagtail's own. Run at once by default, so `make run` needs no worker; TASKS_BACKEND=database queues them
# in the database for `manage.py db_worker` (docs/performance.md).
TASKS_BACKEND = env.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r} không hợp lệ: chỉ dùng “immediate” hoặc “database”.")

# Two-factor authentication (TOTP): the name the authenticator app shows next to the account.
# Wrong codes are throttled by django-otp: after n wrong codes in a row, the next check waits 2^(n-1) seconds.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "WARNING")},
}
