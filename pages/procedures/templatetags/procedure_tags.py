"""Presentation helpers for procedure templates."""

from django import template

from ..records import vnd as _vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """Money the Vietnamese way: 50000 -> "50.000 đồng"; 0 -> "Miễn phí"."""
    return _vnd(amount)
