"""The public side of a consultation's comment form: checks, rate limit, then the thank-you page.

Every answer here is `no-store`: it is about one resident's submission, never a page to share.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from pages.feedback.ratelimit import Limit, hit, same_host
from sites.services import ServiceError

from . import services
from .forms import CommentForm

# Enough for a family sharing one connection; a script posting in a loop stops quickly.
COMMENT_LIMITS = (
    Limit("comment-10min", 5, 600),
    Limit("comment-day", 30, 86_400),
)


def _answer(request, page, template, status, **context):
    response = render(request, template, {"page": page, "self": page, "hide_rating": True, **context}, status=status)
    add_never_cache_headers(response)
    return response


def comment_submitted(request, page):
    """POST of the comment form: same host, within the limits, consultation open, valid form -> kept."""
    if not same_host(request):
        return _answer(request, page, "consultations/comment_refused.html", 403, reason="host")
    if not all(hit(request, limit) for limit in COMMENT_LIMITS):
        response = _answer(request, page, "consultations/comment_refused.html", 429, reason="rate")
        response["Retry-After"] = "600"
        return response
    refusal = services.comment_refusal(page)
    if refusal:
        return _answer(request, page, "consultations/comment_refused.html", 403, reason="closed", message=refusal)
    form = CommentForm(request.POST)
    if not form.is_valid():
        response = page.render(request, context_overrides={"comment_form": form, "form_has_errors": True})
        add_never_cache_headers(response)
        return response
    data = form.cleaned_data
    try:
        services.comment_submit(page, text=data["text"], name=data["name"], contact=data["contact"])
    except ServiceError as error:  # closed between the two checks
        return _answer(request, page, "consultations/comment_refused.html", 403, reason="closed", message=error)
    return _answer(request, page, "consultations/comment_thanks.html", 200, page_url=page.get_url(request))
