"""Business actions on province alerts and shared items; the admin, the CLI, the demo seed and the tests call these.

Each action is atomic and forgets the cached pages of exactly the communes it reaches: the targeted communes
(before and after a change), or the whole province when the alert goes to all of its communes.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from sites.models import Commune
from sites.page_cache import invalidate

from .models import HiddenSharedItem, ProvinceAlert

ALERT_FIELDS = (
    "kind",
    "title",
    "text",
    "link_url",
    "starts_at",
    "expires_at",
    "outage_starts_at",
    "restore_expected_at",
    "all_communes",
)


def _targets(alert: ProvinceAlert) -> tuple[bool, set[int]]:
    if alert.pk is None:
        return False, set()
    saved = ProvinceAlert.objects.filter(pk=alert.pk).values_list("all_communes", flat=True).first()
    ids = set(
        ProvinceAlert.communes.through.objects.filter(provincealert_id=alert.pk).values_list("commune_id", flat=True)
    )
    return bool(saved), ids


def _forget_pages(province_id: int, *targets: tuple[bool, set[int]]) -> None:
    """Bump the generations of the communes these targets reach (the province's, for "all communes")."""
    if any(everyone for everyone, _ids in targets):
        invalidate(province_ids=[province_id])
    else:
        invalidate(commune_ids=sorted(set().union(*(ids for _everyone, ids in targets))))


def clean_targets(province, all_communes: bool, communes) -> list[Commune]:
    """The chosen communes, checked: listed communes of this province, at least one unless all are targeted."""
    communes = list(communes or [])
    if all_communes:
        return []
    if not communes:
        raise ValidationError(
            {"communes": _("Hãy chọn ít nhất một xã/phường, hoặc chọn gửi tới tất cả xã/phường của tỉnh.")}
        )
    allowed = set(Commune.objects.listed().filter(province=province).values_list("pk", flat=True))
    strangers = [c for c in communes if c.pk not in allowed]
    if strangers:
        names = ", ".join(f"“{c.full_name}”" for c in strangers)
        raise ValidationError(
            {
                "communes": _("%(names)s không phải xã/phường đang hoạt động của %(province)s.")
                % {"names": names, "province": province.name}
            }
        )
    return communes


def _save(alert: ProvinceAlert, communes) -> ProvinceAlert:
    communes = clean_targets(alert.province, alert.all_communes, communes)
    alert.full_clean()
    alert.save()
    alert.communes.set(communes)
    return alert


@transaction.atomic
def alert_publish(*, province, user=None, communes=(), **fields) -> ProvinceAlert:
    """Create an alert (or planned outage notice) for all or some communes of a province.

    Raises ValidationError (Vietnamese messages by field) and writes nothing when a value is refused."""
    unknown = set(fields) - set(ALERT_FIELDS)
    if unknown:
        raise TypeError(f"unknown alert fields: {sorted(unknown)}")
    alert = ProvinceAlert(province=province, created_by=user, **fields)
    if alert.starts_at is None:
        alert.starts_at = timezone.now()
    _save(alert, communes)
    log(alert, "wagtail.create", user=user)
    _forget_pages(province.pk, _targets(alert))
    return alert


@transaction.atomic
def alert_update(alert: ProvinceAlert, *, user=None, communes=None, **changes) -> ProvinceAlert:
    """Change an alert: its text, times or targets. Communes it no longer reaches lose it at once."""
    unknown = set(changes) - set(ALERT_FIELDS)
    if unknown:
        raise TypeError(f"unknown alert fields: {sorted(unknown)}")
    before = _targets(alert)
    for name, value in changes.items():
        setattr(alert, name, value)
    if communes is None:
        communes = Commune.objects.filter(pk__in=before[1])
    _save(alert, communes)
    log(alert, "wagtail.edit", user=user)
    _forget_pages(alert.province_id, before, _targets(alert))
    return alert


@transaction.atomic
def alert_withdraw(alert: ProvinceAlert, *, user=None) -> ProvinceAlert:
    """Take an alert off every commune site now; the record stays, marked withdrawn."""
    if alert.withdrawn_at is None:
        alert.withdrawn_at = timezone.now()
        alert.withdrawn_by = user
        alert.save(update_fields=["withdrawn_at", "withdrawn_by"])
        log(alert, "wagtail.edit", user=user, data={"withdrawn": True})
    _forget_pages(alert.province_id, _targets(alert))
    return alert


# --- Shared items: a commune hides one from its own listings -----------------------------------------------


@transaction.atomic
def shared_item_hide(commune: Commune, page, *, user=None) -> HiddenSharedItem:
    """Leave a province item out of this commune's listings (its page cache is forgotten by the save)."""
    item, _created = HiddenSharedItem.objects.get_or_create(commune=commune, page=page, defaults={"hidden_by": user})
    return item


@transaction.atomic
def shared_item_show(commune: Commune, page) -> None:
    """List a hidden province item again on this commune's site."""
    for item in HiddenSharedItem.objects.filter(commune=commune, page=page):
        item.delete()  # one by one: the delete signal forgets the commune's cached pages
