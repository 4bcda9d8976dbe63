from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from pages import views as page_views
from pages.feedback import views as feedback_views
from sites import two_factor
from sites import views as site_views

urlpatterns = [
    # Before Wagtail's admin: the two-factor pages (setup, verify, manage).
    path("admin/hai-lop/", include(two_factor.urlpatterns)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", site_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", site_views.sitemap, name="sitemap"),  # without practice sites
    path("so-do-trang/", site_views.html_sitemap, name="html_sitemap"),
    path("tim-kiem/", page_views.search, name="search"),
    path("danh-gia/", feedback_views.rate_page, name="rate_page"),  # "was this page useful?" (POST, no session)
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # A consultation's comment form posts here (pages.consultations): residents have no session, so no CSRF
    # token can sit in the shared cached page; the view checks the Origin/Referer host and rate-limits instead.
    re_path(r"^((?:[\w\-]+/)+gui-y-kien/)$", csrf_exempt(wagtail_views.serve), name="consultation_comment"),
    # Wagtail serves only slash-ended page paths; the procedures section also serves files (ma-qr.png, du-lieu.json).
    re_path(r"^((?:[\w\-]+/)*[\w\-]+\.(?:png|json))$", wagtail_views.serve, name="wagtail_serve_file"),
    path("", include(wagtail_urls)),
]

handler404 = "sites.views.page_not_found"
handler500 = "sites.views.server_error"
