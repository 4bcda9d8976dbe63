"""POST /danh-gia/: one vote on a page of this host's commune. Every answer is no-store."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from sites.tenancy import commune_for_page, commune_for_request

from . import services
from .forms import RatingForm
from .ratelimit import Limit, hit, same_host

# Votes one address may give one page in a day: a few people behind one connection, not a script.
RATING_LIMIT = Limit("rating-page-day", 5, 86_400)

THANKS = "Cảm ơn bạn đã đánh giá. Ý kiến của bạn giúp xã cải thiện thông tin trên trang."
MESSAGES = {
    400: "Không ghi nhận được đánh giá: thông tin gửi lên không hợp lệ.",
    403: "Không ghi nhận được đánh giá: hãy đánh giá ngay trên trang của xã.",
    404: "Không tìm thấy trang được đánh giá trên trang web này.",
    429: "Bạn đã đánh giá trang này nhiều lần trong hôm nay. Cảm ơn bạn, hãy quay lại vào ngày mai.",
}


def _answer(request, status, message, page=None, errors=()):
    context = {
        "message": message,
        "errors": list(errors),
        "ok": status == 200,
        "back_url": page.get_url(request) if page is not None else "/",
        "back_title": page.title if page is not None else "",
        "current_commune": commune_for_request(request),
    }
    response = render(request, "feedback/rating_answer.html", context, status=status)
    add_never_cache_headers(response)
    return response


def _rated_page(request, page_id):
    """The live, public page of this host's commune (on the portal: of any commune), else None."""
    page = Page.objects.live().public().filter(pk=page_id).first()
    if page is None:
        return None, None
    commune = commune_for_request(request)
    if commune is not None:
        home = commune.home_page
        return (page, commune) if home is not None and page.path.startswith(home.path) else (None, None)
    commune = commune_for_page(page)
    return (page, commune) if commune is not None else (None, None)


@csrf_exempt  # no session for residents, so no token; same_host() checks where the POST comes from
@require_POST
def rate_page(request):
    if not same_host(request):
        return _answer(request, 403, MESSAGES[403])
    form = RatingForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        return _answer(request, 400, MESSAGES[400], errors=errors)
    page, commune = _rated_page(request, form.cleaned_data["page"])
    if page is None:
        return _answer(request, 404, MESSAGES[404])
    today = timezone.localdate()
    if not hit(request, RATING_LIMIT, page.pk, today.isoformat()):
        return _answer(request, 429, MESSAGES[429], page)
    useful = form.cleaned_data["useful"] == "yes"
    services.rating_record(commune, page, useful=useful, reason=form.cleaned_data["reason"], day=today)
    return _answer(request, 200, THANKS, page)
