"""Template tags of the commune site frame: identity, banners, notices, menu, footer links and metadata.

Each tag reads only the current commune's rows (the page's commune, or the request's).
"""

from urllib.parse import urljoin

from django import template
from django.utils.html import strip_tags

from pages.models import FooterLink, identity_for
from pages.site_content import MenuItem, active_banners, active_notices, page_in_commune

register = template.Library()

META_IMAGE_FILTER = "max-1200x630"


def _commune(context):
    return context.get("current_commune")


@register.simple_tag(takes_context=True)
def site_identity(context):
    """The commune's identity setting (None on the portal)."""
    return context.get("identity") or identity_for(_commune(context), context.get("request"))


@register.simple_tag(takes_context=True)
def link_href(context, item):
    """Where a banner, menu item or footer link points: one of the commune's pages or a web address."""
    return item.href(context.get("request"))


@register.inclusion_tag("components/banners.html", takes_context=True)
def banners(context, position):
    """The current commune's banners for one position that are showing now."""
    request = context.get("request")
    rows = active_banners(_commune(context), request).get(position, [])
    return {"banners": rows, "position": position, "request": request}


@register.inclusion_tag("components/notices.html", takes_context=True)
def urgent_notices(context):
    request = context.get("request")
    return {"notices": active_notices(_commune(context), request), "request": request}


@register.inclusion_tag("components/province_alerts.html", takes_context=True)
def province_alerts(context):
    """The province's alerts for this commune (pages.province_content), above the commune's own notices."""
    from pages.province_content.selectors import active_alerts

    request = context.get("request")
    return {"alerts": active_alerts(_commune(context), request), "request": request}


@register.inclusion_tag("components/nav.html", takes_context=True)
def main_menu(context):
    """The menu from the commune's "Menu chính" setting; the home page's sections when it is empty."""
    commune = _commune(context)
    request = context.get("request")
    page = context.get("page")
    if commune is None or commune.home_page_id is None:
        return {"items": [], "home_url": None}
    from sites.page_cache import commune_fragment

    links, home_pk, home_url = commune_fragment(request, commune, "menu", lambda: _menu_links(commune, request))
    items = []
    for title, url, target_pk, path in links:
        linked = page is not None and target_pk is not None
        items.append(
            {
                "title": title,
                "url": url,
                "current": linked and page.pk == target_pk,
                "within": linked and page.path.startswith(path) and page.pk != target_pk,
            }
        )
    return {"items": items, "home_url": home_url, "is_home": page is not None and page.pk == home_pk}


def _menu_links(commune, request) -> tuple[list[tuple], int, str]:
    """(title, url, page id, page path) of each menu entry, the home page's id and URL: the same on every page."""
    home = commune.home_page
    links = []
    rows = (
        MenuItem.objects.filter(settings__site_id=commune.site_id)
        .select_related("link_page")
        .order_by("sort_order", "pk")
    )
    for row in rows:
        if row.link_page_id:
            if not page_in_commune(row.link_page, commune):
                continue  # never link out to another commune's page, even if one was saved earlier
            links.append((row.label, row.link_page.get_url(request), row.link_page.pk, row.link_page.path))
        else:
            links.append((row.label, row.link_url, None, ""))
    if not links:
        links = [(p.title, p.get_url(request), p.pk, p.path) for p in home.get_children().live().in_menu()]
    return links, home.pk, home.get_url(request)


@register.simple_tag
def footer_links(identity):
    if identity is None or identity.pk is None:
        return []
    loaded = getattr(identity, "loaded_footer_links", None)  # read with the identity (identity_for)
    if loaded is not None:
        return loaded
    return list(FooterLink.objects.filter(identity=identity).select_related("link_page").order_by("sort_order"))


@register.inclusion_tag("components/meta.html", takes_context=True)
def meta_tags(context):
    """Description, canonical link, Open Graph and Twitter card tags for the page being shown."""
    request = context.get("request")
    page = context.get("page")
    commune = _commune(context)
    identity = context.get("identity")
    site_name = f"Trang thông tin điện tử {commune.full_name}" if commune else "Cổng thông tin điện tử xã, phường"
    if page is None or not hasattr(page, "full_url"):
        return {"site_name": site_name, "page": None}
    url = page.full_url or (request.build_absolute_uri(request.path) if request else "")
    description = page.get_meta_description() if hasattr(page, "get_meta_description") else page.search_description
    image = page.get_meta_image() if hasattr(page, "get_meta_image") else None
    if image is None and identity is not None:
        image = identity.logo
    image_url = image_width = image_height = None
    if image is not None:
        rendition = image.get_rendition(META_IMAGE_FILTER)
        image_url, image_width, image_height = urljoin(url, rendition.url), rendition.width, rendition.height
    tags = {
        "page": page,
        "site_name": site_name,
        "title": page.seo_title or page.title,
        "description": " ".join(strip_tags(description or "").split()) or site_name,
        "url": url,
        # Home pages and sections are the site itself; anything deeper is an article to share.
        "type": getattr(page, "og_type", None) or ("website" if page.depth <= 5 else "article"),
        "image_url": image_url,
        "image_width": image_width,
        "image_height": image_height,
        "image_alt": getattr(image, "description", "") or getattr(image, "title", "") if image else "",
    }
    # A routed view (a procedure of the procedures section) describes itself, not its section page.
    tags.update(context.get("meta_override") or {})
    return tags
