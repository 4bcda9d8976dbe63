"""Oversight business actions: the review reminder e-mailed to each commune's officers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from sites.models import Commune

from .models import ReviewDigest
from .selectors import REMINDER_DAYS, ReviewItem, review_items, with_homes


@dataclass
class DigestResult:
    """What the reminder did (or would do, on a dry run) for one commune."""

    commune: Commune
    items: list[ReviewItem] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    sent: bool = False
    skipped: str = ""  # why nothing was sent ("" when sent or to be sent)


def officers_emails(commune: Commune) -> list[str]:
    """The addresses of the commune's active editors and approvers, each once, sorted."""
    groups = [pk for pk in (commune.editors_group_id, commune.approvers_group_id) if pk]
    users = get_user_model().objects.filter(Q(groups__in=groups), is_active=True).exclude(email="")
    return sorted({email.strip() for email in users.values_list("email", flat=True) if email.strip()})


def _absolute(commune: Commune, path: str) -> str:
    root = commune.site.root_url if commune.site_id else ""
    return f"{root}{path}"


def digest_message(commune: Commune, items: list[ReviewItem], recipients: list[str], today: date) -> EmailMessage:
    overdue = [item for item in items if item.review_date < today]
    subject = f"[{commune.full_name}] {len(items)} nội dung cần rà soát lại"
    body = render_to_string(
        "oversight/email/review_digest.txt",
        {
            "commune": commune,
            "items": [(item, _absolute(commune, item.edit_url)) for item in items],
            "overdue": len(overdue),
            "today": today,
            "days": REMINDER_DAYS,
            "admin_url": _absolute(commune, "/admin/"),
        },
    )
    return EmailMessage(subject=subject, body=body, to=recipients)


def review_reminders_send(communes=None, *, dry_run: bool = False, today: date | None = None) -> list[DigestResult]:
    """E-mail each commune's officers one digest of what is due for review (past or within 14 days).

    Once a day per commune: a commune already reminded today is skipped, so cron may run it more often.
    Practice sites are never reminded (nor mailed: sites.mail guards every message as well). A dry run
    writes and sends nothing. Each commune's reminder is recorded and sent in one transaction.
    """
    today = today or timezone.localdate()
    if communes is None:
        communes = Commune.objects.listed()
    communes = list(with_homes(Commune.objects.filter(pk__in=[c.pk for c in communes]).real()).order_by("sort_name"))
    due = review_items(communes, today + timedelta(days=REMINDER_DAYS))
    already = set(ReviewDigest.objects.filter(commune__in=communes, sent_on=today).values_list("commune_id", flat=True))
    results = []
    for commune in communes:
        result = DigestResult(commune, due.get(commune.pk, []))
        results.append(result)
        if not result.items:
            result.skipped = "không có nội dung cần rà soát"
            continue
        if commune.pk in already:
            result.skipped = "đã gửi hôm nay"
            continue
        result.recipients = officers_emails(commune)
        if not result.recipients:
            result.skipped = "xã chưa có cán bộ nào có địa chỉ thư"
            continue
        if dry_run:
            continue
        with transaction.atomic():
            ReviewDigest.objects.create(
                commune=commune, sent_on=today, items=len(result.items), recipients=len(result.recipients)
            )
            digest_message(commune, result.items, result.recipients, today).send()
        result.sent = True
    return results
