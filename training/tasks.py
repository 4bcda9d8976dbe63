"""Background tasks (django-tasks) of workshops: making, resetting and removing 30 sites takes a minute or two,
longer than a web request may last behind gunicorn and nginx. Run at once in the default setup
(TASKS_BACKEND=immediate); with TASKS_BACKEND=database, by `manage.py db_worker` (docs/performance.md)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from sites.services import ServiceError

from . import services
from .models import Workshop


def _user(user_id):
    return get_user_model().objects.filter(pk=user_id).first() if user_id else None


def _record(workshop_id, error) -> None:
    Workshop.objects.filter(pk=workshop_id).update(task_error=str(error))


@task()
def build_workshop_seats(workshop_id: int) -> int:
    """Make the workshop's missing practice sites and accounts; returns how many were made."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not workshop.is_open:
        return 0
    try:
        return services.workshop_build(workshop)
    except ServiceError:
        return 0  # kept in workshop.task_error for the board


@task()
def reset_workshop(workshop_id: int, user_id: int | None = None) -> int:
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not workshop.is_open:
        return 0
    try:
        return services.workshop_reset(workshop, user=_user(user_id))
    except ServiceError as error:
        _record(workshop_id, error)
        return 0


@task()
def close_workshop(workshop_id: int, user_id: int | None = None) -> bool:
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or workshop.status == Workshop.Status.CLOSED:
        return False
    try:
        services.workshop_close(workshop, user=_user(user_id))
    except ServiceError as error:
        _record(workshop_id, error)
        return False
    return True
