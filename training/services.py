"""Business actions on workshops: create, reset, close, and read progress.

The admin, the `workshop` command and the tests call these. Each trainee's practice site is made in
its own transaction (a 30-seat workshop reports progress seat by seat and a failure leaves no
half-made site); the workshop row and its exercise list are written first, so a run cut short can be
finished by creating the missing seats again (workshop_add_seats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from sites import services as site_services
from sites.cloning import clone_commune_content
from sites.models import Commune, Province
from sites.removal import commune_purge
from sites.services import ServiceError
from sites.tenancy import AUDIT_SCOPE_KEY, scope_for_user
from sites.text import has_control_characters, is_valid_hostname, vn_slugify

from .exercises import DEFAULT_EXERCISES, EXERCISES, detect
from .models import Exercise, Trainee, Workshop

MAX_TRAINEES = 60
SLUG_MAX = Workshop._meta.get_field("slug").max_length
NAME_MAX = Workshop._meta.get_field("name").max_length
_SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --- Checks ----------------------------------------------------------------------------------------


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError("Thiếu tên lớp tập huấn.")
    if has_control_characters(name):
        raise ServiceError("Tên lớp tập huấn có ký tự điều khiển (ký tự ẩn), không dùng được.")
    if len(name) > NAME_MAX:
        raise ServiceError(f"Tên lớp tập huấn dài quá {NAME_MAX} ký tự.")
    return name


def _check_count(trainees) -> int:
    try:
        count = int(trainees)
    except (TypeError, ValueError):
        raise ServiceError(f"Số học viên “{trainees}” không phải là một số.") from None
    if not 1 <= count <= MAX_TRAINEES:
        raise ServiceError(f"Số học viên phải từ 1 đến {MAX_TRAINEES}, không phải {count}.")
    return count


def _check_slug(province: Province, slug: str, name: str) -> str:
    slug = (slug or "").strip().lower() or vn_slugify(name)[:SLUG_MAX].strip("-")
    if not slug or not _SLUG_RE.match(slug) or len(slug) > SLUG_MAX:
        raise ServiceError(
            f"Mã lớp “{slug}” không hợp lệ: chỉ dùng chữ không dấu, chữ số và gạch ngang, tối đa {SLUG_MAX} ký tự."
        )
    if Workshop.objects.filter(province=province, slug=slug).exists():
        raise ServiceError(f"Mã lớp “{slug}” đã được dùng cho một lớp khác của {province.name}; hãy chọn mã khác.")
    return slug


def _check_template(province: Province, template: Commune | None) -> Commune:
    if template is None:
        template = province.communes.listed().first()
        if template is None:
            raise ServiceError(f"{province.name} chưa có xã/phường nào để làm mẫu cho trang thực hành.")
    if template.province_id != province.pk:
        raise ServiceError(f"{template.full_name} không thuộc {province.name}; hãy chọn xã/phường mẫu trong tỉnh.")
    if template.is_practice:
        raise ServiceError("Không dùng một trang thực hành làm mẫu; hãy chọn một xã/phường thật.")
    if not template.is_active or template.home_page_id is None:
        raise ServiceError(f"{template.full_name} đã lưu trữ hoặc chưa có trang chủ, không dùng làm mẫu được.")
    return template


def _check_exercises(kinds) -> list[str]:
    kinds = list(dict.fromkeys(k.strip() for k in kinds if k and k.strip()))
    unknown = [k for k in kinds if k not in EXERCISES]
    if unknown:
        raise ServiceError(f"Bài tập không có trong danh sách: {', '.join(unknown)}. Dùng: {', '.join(EXERCISES)}.")
    if not kinds:
        raise ServiceError("Lớp tập huấn cần ít nhất một bài tập.")
    return kinds


def resolve_workshop(value: str, province: Province | None = None) -> Workshop:
    """A workshop by its code (slug), or by "province/code" where two provinces use the same code."""
    asked = (value or "").strip().strip("/")
    qs = Workshop.objects.select_related("province")
    code = asked
    if "/" in asked:
        province_part, code = asked.split("/", 1)
        qs = qs.filter(province__slug=vn_slugify(province_part))
    if province is not None:
        qs = qs.filter(province=province)
    matches = list(qs.filter(slug=code.lower()))
    if not matches:
        raise ServiceError(f"Không tìm thấy lớp tập huấn “{asked}”. Xem danh sách bằng lệnh: workshop list")
    if len(matches) > 1:
        raise ServiceError(
            f"Có nhiều lớp mã “{code}”; hãy ghi kèm tỉnh: {', '.join(f'{w.province.slug}/{w.slug}' for w in matches)}."
        )
    return matches[0]


# --- Seats -----------------------------------------------------------------------------------------


def _parent_domain(template: Commune) -> str:
    """Practice sites sit beside the template: dongdat.thainguyen.gov.vn -> thainguyen.gov.vn."""
    parts = template.hostname.split(".", 1)
    return parts[1] if len(parts) == 2 else template.province.domain


def seat_spec(workshop: Workshop, number: int, template: Commune) -> site_services.CommuneSpec:
    label = f"{workshop.slug}-{number:02d}"
    hostname = f"{label}.{_parent_domain(template)}"
    if not is_valid_hostname(hostname):
        raise ServiceError(f"Tên miền thực hành “{hostname}” không hợp lệ.")
    return site_services.CommuneSpec(
        province=workshop.province,
        name=f"{template.name} – thực hành {label}"[:100],
        kind=template.kind,
        slug=f"thuc-hanh-{label}",
        hostname=hostname,
    )


def seat_username(workshop: Workshop, number: int) -> str:
    return f"hv{number:02d}.{workshop.slug}.{workshop.province.slug}"[:150]


def _make_site(workshop: Workshop, number: int, template: Commune) -> Commune:
    spec = seat_spec(workshop, number, template)
    site_services.check_spec_conflicts(spec)
    commune, _created = site_services.commune_provision(spec, practice=True, sections=False)
    clone_commune_content(template, commune)
    # Sections the template lacks (an older commune): the practice site still has every standard one.
    site_services._ensure_sections(commune)
    return Commune.objects.select_related("province", "site").get(pk=commune.pk)


def _join(user, commune: Commune) -> None:
    """A trainee writes and publishes on their own practice site (editor and approver there)."""
    user.groups.add(commune.editors_group, commune.approvers_group)


@transaction.atomic
def _create_seat(workshop: Workshop, number: int, template: Commune, *, password: str | None = None) -> Trainee:
    commune = _make_site(workshop, number, template)
    username = seat_username(workshop, number)
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"Tên đăng nhập “{username}” đã có người dùng; hãy chọn mã lớp khác.")
    password = password or site_services.generate_password()
    user = User(username=username, email=f"{username}@tap-huan.invalid", first_name=f"Học viên {number:02d}")
    user.set_password(password)
    user.save()
    _join(user, commune)
    return Trainee.objects.create(
        workshop=workshop,
        number=number,
        commune=commune,
        user=user,
        username=username,
        card_password=password,
        site_url=commune.url,
        started_at=timezone.now(),
    )


def _log(workshop: Workshop, action: str, user=None, **data) -> None:
    scope = {f"province:{workshop.province_id}": True}
    log(workshop, action, user=user, data={**data, AUDIT_SCOPE_KEY: scope})


# --- Workshops -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopRequest:
    province: Province
    name: str
    trainees: int
    slug: str = ""
    date: object = None
    template: Commune | None = None
    exercises: tuple[str, ...] = DEFAULT_EXERCISES


def check_request(request: WorkshopRequest) -> WorkshopRequest:
    """Validate everything before the first write; returns the request with its defaults filled in."""
    name = _check_name(request.name)
    count = _check_count(request.trainees)
    slug = _check_slug(request.province, request.slug, name)
    template = _check_template(request.province, request.template)
    kinds = _check_exercises(request.exercises)
    for number in range(1, count + 1):
        spec = seat_spec(Workshop(province=request.province, slug=slug), number, template)
        if Commune.objects.filter(hostname=spec.hostname).exists():
            raise ServiceError(f"Tên miền “{spec.hostname}” đã được dùng; hãy chọn mã lớp khác.")
    username = seat_username(Workshop(province=request.province, slug=slug), 1)
    if get_user_model().objects.filter(username=username).exists():
        raise ServiceError(f"Tên đăng nhập “{username}” đã có người dùng; hãy chọn mã lớp khác.")
    return WorkshopRequest(request.province, name, count, slug, request.date, template, tuple(kinds))


def workshop_open(request: WorkshopRequest, *, user=None) -> Workshop:
    """Validate and write the workshop and its exercise list, with no seat yet (workshop_build makes them)."""
    request = check_request(request)
    with transaction.atomic():
        workshop = Workshop.objects.create(
            province=request.province,
            name=request.name,
            slug=request.slug,
            date=request.date,
            template=request.template,
            template_name=request.template.full_name,
            seats_planned=request.trainees,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        Exercise.objects.bulk_create(
            Exercise(workshop=workshop, kind=kind, sort_order=i) for i, kind in enumerate(request.exercises)
        )
        _log(workshop, "xaso.workshop_created", user=user, trainees=request.trainees)
    return workshop


def missing_seats(workshop: Workshop) -> list[int]:
    made = set(workshop.trainees.values_list("number", flat=True))
    return [n for n in range(1, workshop.seats_planned + 1) if n not in made]


def workshop_build(workshop: Workshop, *, progress=None) -> int:
    """Make the seats not made yet, one transaction each; run again after a failure to finish. Returns how many.

    A failure is kept in workshop.task_error for the board, and raised."""
    _require_open(workshop)
    template = _template_of(workshop)
    numbers = missing_seats(workshop)
    Workshop.objects.filter(pk=workshop.pk).update(task_error="")
    try:
        for done, number in enumerate(numbers, 1):
            _create_seat(workshop, number, template)
            if progress:
                progress(done, len(numbers))
    except ServiceError as error:
        Workshop.objects.filter(pk=workshop.pk).update(task_error=str(error))
        raise
    except Exception:
        Workshop.objects.filter(pk=workshop.pk).update(
            task_error="Có lỗi khi tạo trang thực hành; hãy bấm “Tạo tiếp” để làm nốt."
        )
        raise
    return len(numbers)


def workshop_create(request: WorkshopRequest, *, user=None, progress=None) -> Workshop:
    """Create the workshop and all its seats now, all or nothing (progress(done, total) after each seat)."""
    workshop = workshop_open(request, user=user)
    try:
        workshop_build(workshop, progress=progress)
    except BaseException:
        # Seats made so far are complete sites; take them away so the workshop is all or nothing
        # (also when the trainer presses Ctrl+C in the command).
        workshop_delete(workshop)
        raise
    return workshop


def workshop_add_seats(workshop: Workshop, count: int, *, progress=None) -> list[Trainee]:
    """Add trainees to an open workshop (a latecomer): more seats planned, then built like the first ones."""
    _require_open(workshop)
    _template_of(workshop)
    count = _check_count(count)
    start = (workshop.trainees.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    if start + count - 1 > MAX_TRAINEES:
        raise ServiceError(f"Một lớp có tối đa {MAX_TRAINEES} học viên.")
    workshop.seats_planned = start + count - 1
    workshop.save(update_fields=["seats_planned"])
    workshop_build(workshop, progress=progress)
    return list(workshop.trainees.filter(number__gte=start).order_by("number"))


def _require_open(workshop: Workshop, *, closing_ok: bool = False) -> None:
    if closing_ok and workshop.status == Workshop.Status.CLOSING:
        return
    if workshop.status == Workshop.Status.CLOSING:
        raise ServiceError(f"Lớp “{workshop.name}” đang được kết thúc; không thể thay đổi.")
    if not workshop.is_open:
        raise ServiceError(f"Lớp “{workshop.name}” đã kết thúc; không thể thay đổi.")


def _template_of(workshop: Workshop) -> Commune:
    if workshop.template_id is None:
        raise ServiceError("Xã/phường mẫu của lớp không còn nữa; không thể tạo lại trang thực hành.")
    return _check_template(workshop.province, workshop.template)


@transaction.atomic
def trainee_reset(trainee: Trainee, *, user=None) -> Trainee:
    """Put one trainee's site back to the template state; their account and card stay the same."""
    workshop = trainee.workshop
    _require_open(workshop)
    template = _template_of(workshop)
    if trainee.commune_id:
        commune_purge(trainee.commune)
    commune = _make_site(workshop, trainee.number, template)
    if trainee.user_id:
        _join(trainee.user, commune)
        trainee.user.set_password(trainee.card_password)
        trainee.user.save(update_fields=["password"])
    trainee.commune = commune
    trainee.site_url = commune.url
    trainee.started_at = timezone.now()
    trainee.save(update_fields=["commune", "site_url", "started_at"])
    _log(workshop, "xaso.workshop_reset", user=user, trainee=trainee.number)
    return trainee


def workshop_reset(workshop: Workshop, *, user=None, progress=None) -> int:
    """Reset every trainee's site (one transaction per trainee); returns how many."""
    _require_open(workshop)
    _template_of(workshop)
    trainees = list(workshop.trainees.select_related("commune", "user", "workshop"))
    for i, trainee in enumerate(trainees, 1):
        trainee_reset(trainee, user=user)
        if progress:
            progress(i, len(trainees))
    return len(trainees)


def workshop_set_exercises(workshop: Workshop, kinds) -> list[str]:
    """Replace the workshop's exercise list with these kinds, in this order."""
    _require_open(workshop)
    kinds = _check_exercises(kinds)
    with transaction.atomic():
        workshop.exercises.all().delete()
        Exercise.objects.bulk_create(Exercise(workshop=workshop, kind=k, sort_order=i) for i, k in enumerate(kinds))
    return kinds


def _remove_accounts(users) -> None:
    """Practice accounts and everything kept about them: sessions, lockouts, history."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    users = list(users)
    if not users:
        return
    ids = {str(u.pk) for u in users}
    names = [u.username for u in users]
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") in ids:
            session.delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__in=names).delete()
    content_type = ContentType.objects.get_for_model(get_user_model())
    ModelLogEntry.objects.filter(content_type=content_type, object_id__in=ids).delete()
    get_user_model().objects.filter(pk__in=[u.pk for u in users]).delete()


def results(workshop: Workshop) -> dict:
    """Who completed what: {"exercises": [[kind, title]…], "trainees": [{number, username, done: [kind…]}]}."""
    data = board(workshop)
    specs = data["exercises"]
    rows = [
        {
            "number": row["trainee"].number,
            "username": row["trainee"].username,
            "done": [spec.kind for spec, evidence in zip(specs, row["cells"], strict=True) if evidence.done],
        }
        for row in data["rows"]
    ]
    return {"exercises": [[spec.kind, str(spec.title)] for spec in specs], "trainees": rows}


def workshop_close_begin(workshop: Workshop, *, user=None) -> Workshop:
    """Keep the results and mark the workshop as closing; workshop_close then removes the seats."""
    _require_open(workshop, closing_ok=True)
    # A close that was cut short and run again: seats already removed keep the results recorded the first time.
    earlier = {row["number"]: row for row in (workshop.summary or {}).get("trainees", [])}
    summary = results(workshop)
    gone = set(workshop.trainees.filter(commune=None).values_list("number", flat=True))
    summary["trainees"] = [
        earlier.get(row["number"], row) if row["number"] in gone else row for row in summary["trainees"]
    ]
    workshop.summary = summary
    workshop.status = Workshop.Status.CLOSING
    workshop.save(update_fields=["summary", "status"])
    return workshop


def workshop_close(workshop: Workshop, *, user=None, progress=None) -> Workshop:
    """Keep the results, then delete every practice site and account with all their files and history."""
    workshop_close_begin(workshop, user=user)
    _remove_seats(workshop, progress=progress)
    workshop.status = Workshop.Status.CLOSED
    workshop.closed_at = timezone.now()
    workshop.save(update_fields=["status", "closed_at"])
    _log(workshop, "xaso.workshop_closed", user=user, trainees=len(workshop.summary["trainees"]))
    return workshop


def _remove_seats(workshop: Workshop, *, progress=None) -> None:
    trainees = list(workshop.trainees.select_related("commune", "user"))
    for i, trainee in enumerate(trainees, 1):
        with transaction.atomic():
            if trainee.commune_id:
                commune_purge(trainee.commune)
            if trainee.user_id:
                _remove_accounts([trainee.user])
            Trainee.objects.filter(pk=trainee.pk).update(card_password="", commune=None, user=None)
        if progress:
            progress(i, len(trainees))


def workshop_delete(workshop: Workshop) -> None:
    """Remove a workshop and all it made, history included (a failed creation; an operator's clean-up)."""
    _remove_seats(workshop)
    content_type = ContentType.objects.get_for_model(Workshop)
    ModelLogEntry.objects.filter(content_type=content_type, object_id=str(workshop.pk)).delete()
    workshop.delete()


# --- Progress --------------------------------------------------------------------------------------


def board(workshop: Workshop) -> dict:
    """The live board: exercises as columns, trainees as rows, each cell the evidence for that pair."""
    exercises = list(workshop.exercises.all())
    kinds = [e.kind for e in exercises]
    rows = []
    for trainee in workshop.trainees.select_related("commune__home_page", "commune__site", "user"):
        evidence = detect(trainee, kinds)
        last_login = trainee.user.last_login if trainee.user_id else None
        rows.append(
            {
                "trainee": trainee,
                "cells": [evidence[k] for k in kinds],
                "done": sum(1 for k in kinds if evidence[k].done),
                "last_login": last_login,
            }
        )
    return {"exercises": [EXERCISES[k] for k in kinds], "rows": rows}


def workshops_for_user(user):
    """The workshops a user may run: their provinces' (trainers and province admins), or all for operators."""
    scope = scope_for_user(user)
    qs = Workshop.objects.select_related("province", "template")
    if scope.is_superuser:
        return qs
    return qs.filter(province_id__in=scope.workshop_province_ids)
