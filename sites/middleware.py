"""Request-level tenancy: the host picks the commune site, and admin URLs are checked against the user's scope."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from wagtail.models import Site

from . import admin_gate, mail, page_cache, site_roots
from .models import Commune
from .tenancy import commune_for_site, host_info


def _split_host(host: str) -> str:
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


# Practice sites of training workshops: kept out of search engines (also by <meta name="robots">).
PRACTICE_ROBOTS = "noindex, nofollow"


def is_practice_request(request) -> bool:
    """Whether a practice site answers: by its own host, or by its pages under the portal's address
    (CommunePage.get_context marks those)."""
    commune = getattr(request, "_xaso_commune", None)
    return (commune is not None and commune.is_practice) or getattr(request, "_xaso_practice", False)


def _load_site(info):
    site = Site.objects.select_related("root_page").filter(pk=info.site_id).first()
    return site, (commune_for_site(site) if site is not None and info.commune_id else None)


class CommuneSiteMiddleware:
    """Resolve the Site from the Host header; unknown hosts get 400, archived communes 410.

    Wagtail would fall back to a default site for an unknown host; a commune install must never
    show one commune's pages under another name, so there is no fallback.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname = _split_host(request.get_host()).lower()
        info = host_info(hostname)
        if info is None:
            body = render_to_string("errors/unknown_host.html", {"hostname": hostname})
            return HttpResponse(body, status=400)
        if not info.active and not request.path.startswith("/admin/"):
            commune = Commune.objects.select_related("province").filter(pk=info.commune_id).first()
            body = render_to_string("errors/archived.html", {"commune": commune})
            return HttpResponse(body, status=410)
        cached = page_cache.lookup(request, info)
        if cached is not None:
            return cached
        site, commune = page_cache.site_and_commune(request, info, lambda: _load_site(info))
        if site is None:  # removed since the host was cached
            return HttpResponse(render_to_string("errors/unknown_host.html", {"hostname": hostname}), status=400)
        request._wagtail_site = site
        request._xaso_commune = commune
        token = site_roots.begin_request()
        mail_token = mail.serving(request)
        try:
            response = self.get_response(request)
        finally:
            mail.done(mail_token)
            site_roots.end_request(token)
        if is_practice_request(request):
            # Before store(): the cache keeps this header with the page, so a cached hit carries it too.
            response["X-Robots-Tag"] = PRACTICE_ROBOTS
        return page_cache.store(request, response)


class AdminTenancyMiddleware:
    """Before a view runs, refuse any object outside the signed-in user's scope with 404.

    Objects are those named by the URL and, for choosers and bulk actions, by ?id=. A 404 and not
    Wagtail's "permission denied" redirect: another commune's object does not exist for this user.
    Then, for users with a scope: the page chooser and the settings menu open on the user's own
    ground, and the few Wagtail views that have no hook to narrow them run as their scoped
    replacements (admin_gate.SCOPED_VIEWS). Operators (superusers) get Wagtail unchanged.
    Public file URLs are checked too: a commune's document is served on its own site only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        if match.url_name == "wagtaildocs_serve" or match.view_name == "wagtaildocs_serve":
            for obj in admin_gate.objects_named(match):
                if not admin_gate.public_file_allowed(request, obj):
                    raise Http404("Không tìm thấy tài liệu.")
            return None
        if not request.user.is_authenticated or request.user.is_superuser:
            return None
        if not admin_gate.allows(request, match):
            raise Http404("Không tìm thấy nội dung này.")
        if not request.path.startswith("/admin/"):
            return None
        target = admin_gate.redirect_for(request, match)
        if target is not None:
            return HttpResponseRedirect(target)
        scoped_view = admin_gate.scoped_view(match)
        if scoped_view is not None:
            return scoped_view(request, *view_args, **view_kwargs)
        return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: the strict public one (settings.CONTENT_SECURITY_POLICY) and,
    under /admin/, Wagtail's editor, which still needs inline scripts and styles."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/") and parts.config is None:
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
