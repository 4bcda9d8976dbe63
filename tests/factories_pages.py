"""Factories for the site frame: images drawn with Pillow, banners, notices, menus and intro pages."""

import io
from datetime import timedelta

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image
from wagtail.images import get_image_model

from pages.models import OrganisationPage
from pages.site_content import Banner, MenuItem, NavigationSettings, Notice


def make_image(commune, title="Ảnh thử", size=(640, 200), colour="#336699"):
    """An image in the commune's own collection."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    image = get_image_model()(
        title=title, collection=commune.collection, file=ImageFile(io.BytesIO(buffer.getvalue()), name="anh.png")
    )
    image.save()
    return image


class BannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Banner

    position = Banner.Position.TOP
    alt_text = factory.Sequence(lambda n: f"Banner thử {n}")
    image = factory.LazyAttribute(lambda o: make_image(o.commune, title=o.alt_text))


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    title = factory.Sequence(lambda n: f"Thông báo khẩn {n}")
    text = "Nước lên nhanh, người dân không đi qua ngầm tràn."
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


def add_menu_item(commune, label, *, page=None, url=""):
    nav = NavigationSettings.for_site(commune.site)
    return MenuItem.objects.create(settings=nav, label=label, link_page=page, link_url=url)


def intro_page(commune, slug, model=OrganisationPage):
    """One of the introduction pages provisioning created under "Giới thiệu"."""
    return model.objects.get(path__startswith=commune.home_page.path, slug=slug)
