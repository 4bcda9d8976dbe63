"""The mail guard: practice sites (training workshops) never send mail to the public.

EMAIL_BACKEND is GuardedEmailBackend; what may go out is handed to the real backend, XASO_EMAIL_BACKEND.
Left out, and logged:
- recipients at a ".invalid" domain (practice accounts are …@tap-huan.invalid; the domain is reserved and
  never delivers) and the address of any practice account, should a trainee have typed a real one in;
- whole messages sent from a practice site: marked with the PRACTICE_HEADER header, or sent while a practice
  site is being served or a practice account is signed in (a trainee can trigger no mail at all).

Wagtail's workflow notifications about a practice commune's content go to that commune's trainee only,
never to the superusers Wagtail adds to every notification (see connect()).
"""

from __future__ import annotations

import contextvars
import copy
import logging
from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import DatabaseError
from django.db.models.functions import Lower

logger = logging.getLogger("xaso.mail")

PRACTICE_HEADER = "X-Xaso-Practice-Site"
BLOCKED_DOMAIN_SUFFIX = ".invalid"

_serving: contextvars.ContextVar = contextvars.ContextVar("xaso_mail_request", default=None)


# --- Who is practice -------------------------------------------------------------------------------


def practice_accounts():
    """Users who are a workshop's trainees (training.Trainee.user)."""
    return get_user_model().objects.filter(trainee__isnull=False)


def is_practice_account(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return False
    cached = getattr(user, "_xaso_practice_account", None)
    if cached is None:
        cached = user._xaso_practice_account = practice_accounts().filter(pk=user.pk).exists()
    return cached


def _blocked_domain(address: str) -> bool:
    domain = parseaddr(address)[1].rpartition("@")[2].strip().rstrip(".").lower()
    return domain.endswith(BLOCKED_DOMAIN_SUFFIX) or domain == BLOCKED_DOMAIN_SUFFIX[1:]


def _practice_addresses(addresses) -> set[str]:
    """Which of these addresses belong to a practice account (compared without case)."""
    wanted = {parseaddr(a)[1].lower() for a in addresses} - {""}
    if not wanted:
        return set()
    try:
        found = practice_accounts().annotate(address=Lower("email")).filter(address__in=wanted)
        return set(found.values_list("address", flat=True))
    except DatabaseError:  # a server error mailed while the database is down: the domain check still holds
        logger.exception("Không kiểm tra được địa chỉ thư có thuộc tài khoản thực hành hay không.")
        return set()


# --- Requests: mail triggered while a practice site or account is served ---------------------------


def serving(request):
    """Called by CommuneSiteMiddleware around each request; returns the token for done()."""
    return _serving.set(request)


def done(token) -> None:
    _serving.reset(token)


def _practice_reason(message) -> str:
    """Why this message counts as sent from a practice site ("" if it does not)."""
    headers = {name.lower(): value for name, value in (message.extra_headers or {}).items()}
    if PRACTICE_HEADER.lower() in headers:
        return f"gửi từ trang thực hành {headers[PRACTICE_HEADER.lower()]}"
    request = _serving.get()
    if request is None:
        return ""
    commune = getattr(request, "_xaso_commune", None)
    if commune is not None and commune.is_practice:
        return f"gửi trong lúc phục vụ trang thực hành {commune.hostname}"
    if getattr(request, "_xaso_practice", False):
        return "gửi trong lúc phục vụ một trang thực hành"
    user = getattr(request, "user", None)
    if is_practice_account(user):
        return f"do tài khoản thực hành {user.get_username()} gây ra"
    return ""


# --- The backend ---------------------------------------------------------------------------------


class GuardedEmailBackend(BaseEmailBackend):
    """Drops what a practice site must not send, then hands the rest to settings.XASO_EMAIL_BACKEND."""

    def __init__(self, fail_silently=False, **kwargs):
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(settings.XASO_EMAIL_BACKEND, fail_silently=fail_silently, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, email_messages):
        email_messages = list(email_messages or [])
        practice = _practice_addresses(a for m in email_messages for a in m.recipients())
        allowed = [kept for kept in (self._guard(m, practice) for m in email_messages) if kept is not None]
        if not allowed:
            return 0
        return self.inner.send_messages(allowed) or 0

    def _guard(self, message, practice_addresses: set[str]):
        reason = _practice_reason(message)
        if reason:
            logger.warning(
                "Không gửi thư “%s” tới %s: %s.",
                message.subject,
                ", ".join(message.recipients()) or "(không ai)",
                reason,
            )
            return None

        def blocked(address):
            return _blocked_domain(address) or parseaddr(address)[1].lower() in practice_addresses

        dropped = [a for a in message.recipients() if blocked(a)]
        if not dropped:
            return message
        logger.warning("Thư “%s”: bỏ người nhận thuộc trang thực hành %s.", message.subject, ", ".join(dropped))
        guarded = copy.copy(message)
        guarded.to = [a for a in message.to if not blocked(a)]
        guarded.cc = [a for a in message.cc if not blocked(a)]
        guarded.bcc = [a for a in message.bcc if not blocked(a)]
        if not guarded.recipients():
            logger.warning("Không gửi thư “%s”: mọi người nhận đều thuộc trang thực hành.", message.subject)
            return None
        return guarded


# --- Wagtail's workflow notifications ------------------------------------------------------------


def _practice_commune_of(state):
    """The practice commune whose content a workflow or task state is about, or None."""
    from .models import Commune
    from .tenancy import owner_of

    workflow_state = getattr(state, "workflow_state", state)
    obj = workflow_state.content_object
    if obj is None:
        return None
    commune_id, _province_id = owner_of(obj)
    if commune_id is None:
        return None
    return Commune.objects.filter(pk=commune_id, is_practice=True).first()


class PracticeAwareRecipients:
    """Mixin for Wagtail's email notifiers: about a practice commune, only that commune's trainee is told."""

    def get_valid_recipients(self, instance, **kwargs):
        recipients = super().get_valid_recipients(instance, **kwargs)
        commune = _practice_commune_of(instance) if recipients else None
        if commune is None:
            return recipients
        trainees = set(practice_accounts().filter(trainee__commune=commune).values_list("pk", flat=True))
        kept = {user for user in recipients if user.pk in trainees}
        left_out = sorted(user.get_username() for user in recipients - kept)
        if left_out:
            logger.info("Thông báo quy trình duyệt của %s không gửi cho: %s.", commune.hostname, ", ".join(left_out))
        return kept


_NOTIFIERS: list = []  # signals hold receivers weakly


def connect() -> None:
    """Put the practice-aware notifiers in the place of Wagtail's own (same signals, same dispatch_uid).

    Works whichever app's ready() runs first: if Wagtail's are connected, they are taken out; if not yet,
    Wagtail's later connect() finds the dispatch_uid taken and adds nothing.
    """
    from wagtail.admin import mail as wagtail_mail
    from wagtail.models import TaskState, WorkflowState
    from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

    wiring = [
        (
            task_submitted,
            TaskState,
            "group_approval_task_submitted_email_notification",
            wagtail_mail.GroupApprovalTaskStateSubmissionEmailNotifier,
        ),
        (
            workflow_submitted,
            WorkflowState,
            "workflow_state_submitted_email_notification",
            wagtail_mail.WorkflowStateSubmissionEmailNotifier,
        ),
        (
            workflow_rejected,
            WorkflowState,
            "workflow_state_rejected_email_notification",
            wagtail_mail.WorkflowStateRejectionEmailNotifier,
        ),
        (
            workflow_approved,
            WorkflowState,
            "workflow_state_approved_email_notification",
            wagtail_mail.WorkflowStateApprovalEmailNotifier,
        ),
    ]
    _NOTIFIERS.clear()
    for signal, sender, uid, base in wiring:
        notifier = type(f"Practice{base.__name__}", (PracticeAwareRecipients, base), {})()
        _NOTIFIERS.append(notifier)
        signal.disconnect(sender=sender, dispatch_uid=uid)
        signal.connect(notifier, sender=sender, dispatch_uid=uid)
