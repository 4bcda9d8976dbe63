"""A page with no fields and a tiny template: the bare-Wagtail reference of the load test."""

from wagtail.models import Page


class BarePage(Page):
    """Plain Wagtail page rendered by the same gunicorn as the product pages."""

    template = "bench_bare/bare_page.html"
