"""Presentation helpers for procedure pages."""

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """Money the Vietnamese way: 50000 -> "50.000 đồng"; 0 -> "Miễn phí"."""
    if amount in (None, ""):
        return ""
    amount = int(amount)
    if amount == 0:
        return "Miễn phí"
    return f"{amount:,}".replace(",", ".") + " đồng"
