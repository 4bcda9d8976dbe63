"""Settings for `make bench`'s load test: production settings plus a bench-only page type (bench/bare).

The bare page is the reference "what does plain Wagtail cost on this machine"; it never ships in a product app.
"""

from cms.settings.production import *  # noqa: F403
from cms.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.bare"]
