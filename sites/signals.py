"""Keep the hostname cache true when Sites change."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import Site

from .models import Commune
from .tenancy import forget_hostname


@receiver(pre_save, sender=Site)
def _forget_old_hostname(sender, instance, **kwargs):
    if instance.pk:
        old = Site.objects.filter(pk=instance.pk).values_list("hostname", flat=True).first()
        if old:
            forget_hostname(old)


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _forget_hostname(sender, instance, **kwargs):
    forget_hostname(instance.hostname)


@receiver(post_save, sender=Commune)
def _forget_commune_host(sender, instance, **kwargs):
    forget_hostname(instance.hostname)


@receiver(post_save, sender="sites.PublicHoliday")
@receiver(post_delete, sender="sites.PublicHoliday")
def _forget_holidays(sender, **kwargs):
    from .workdays import forget_holidays

    forget_holidays()
