"""Business actions on procedures, shared by the CLI, the admin and the tests.

- catalogue_plan / catalogue_apply: upsert a province's catalogue from records (the importer's output).
- commune_procedures_ensure: list every commune-level procedure in force for a commune (provisioning).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from sites import page_cache
from sites.models import Commune, Province

from .models import CommuneProcedure, Procedure, ProcedureStatus
from .records import apply_record, changed_keys


@dataclass
class CataloguePlan:
    """What applying records to a province's catalogue adds, changes and abolishes."""

    province: Province
    added: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, list[str]]] = field(default_factory=list)  # (record, changed fields)
    abolished: list[dict] = field(default_factory=list)  # in force before, abolished by this file
    unchanged: int = 0
    not_in_file: int = 0  # catalogue entries the file does not mention (left as they are)
    communes_assigned: int = 0  # commune listings created for new commune-level procedures (after apply)
    existing: dict = field(default_factory=dict, repr=False)  # code -> stored Procedure, for apply

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)

    def summary(self) -> str:
        return (
            f"Thêm mới {len(self.added)}, thay đổi {len(self.changed)} (trong đó bãi bỏ {len(self.abolished)}), "
            f"giữ nguyên {self.unchanged} thủ tục."
        )


FIELD_LABELS = {
    "name": "tên",
    "field": "lĩnh vực",
    "field_code": "mã lĩnh vực",
    "level": "cấp thực hiện",
    "publisher_code": "cơ quan công bố",
    "agency": "cơ quan thực hiện",
    "applicants": "đối tượng",
    "results": "kết quả",
    "requirements": "yêu cầu, điều kiện",
    "steps": "trình tự",
    "methods": "cách thức, thời hạn, phí",
    "dossier": "thành phần hồ sơ",
    "legal_basis": "căn cứ pháp lý",
    "online_level": "mức trực tuyến",
    "status": "tình trạng",
}


def catalogue_plan(province: Province, records: list[dict]) -> CataloguePlan:
    """Compare records with the stored catalogue; writes nothing."""
    existing = {p.code: p for p in Procedure.objects.filter(province=province)}
    plan = CataloguePlan(province=province, existing=existing)
    for record in records:
        current = existing.get(record["code"])
        if current is None:
            plan.added.append(record)
            continue
        keys = changed_keys(current.record, record)
        if not keys:
            plan.unchanged += 1
            continue
        plan.changed.append((record, keys))
        if current.status == ProcedureStatus.ACTIVE and record["status"] == ProcedureStatus.ABOLISHED:
            plan.abolished.append(record)
    codes = {r["code"] for r in records}
    plan.not_in_file = sum(1 for code in existing if code not in codes)
    return plan


def catalogue_apply(
    province: Province,
    records: list[dict],
    *,
    user=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> CataloguePlan:
    """Upsert records into the province's catalogue in one transaction; unchanged records are not written.

    New commune-level procedures in force are listed on every active commune of the province
    (officers can remove those their commune does not handle).
    """
    progress = progress or (lambda items: items)
    # One invalidation of the province's cached pages for the whole import, not one per procedure.
    with transaction.atomic(), page_cache.batch():
        plan = catalogue_plan(province, records)
        existing = plan.existing
        today = timezone.localdate()
        created, edited = [], []
        work = [(r, None) for r in plan.added] + [(r, existing[r["code"]]) for r, _keys in plan.changed]
        for record, procedure in progress(work):
            is_new = procedure is None
            if is_new:
                procedure = Procedure(province=province)
            if procedure.pk:
                # Keep forms an admin attached by hand when the file names the same paper.
                record = _keep_attached_forms(procedure.record, record)
            apply_record(procedure, record)
            if not record.get("updated_on"):
                procedure.updated_on = today
            procedure.save()
            (created if is_new else edited).append(procedure)
        _log(created, "wagtail.create", user)
        _log(edited, "wagtail.edit", user)
        plan.communes_assigned = list_on_communes(province, created)
    return plan


def list_on_communes(province: Province, procedures: list[Procedure]) -> int:
    """New commune-level procedures in force go on every active commune of the province (one bulk insert).

    Officers remove those their commune does not handle. Returns how many listings were created.
    """
    wanted = [p for p in procedures if p.commune_level and p.is_active]
    if not wanted:
        return 0
    communes = Commune.objects.filter(province=province, status=Commune.Status.ACTIVE)
    rows = [CommuneProcedure(commune=c, procedure=p) for c in communes for p in wanted]
    CommuneProcedure.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    page_cache.invalidate(province_ids=[province.pk])  # bulk_create sends no signal
    return len(rows)


def _keep_attached_forms(old: dict, new: dict) -> dict:
    forms = {(c["case"], p["name"]): p["form"] for c in old["dossier"] for p in c["papers"] if p.get("form")}
    if not forms:
        return new
    dossier = [
        {**c, "papers": [{**p, "form": p.get("form") or forms.get((c["case"], p["name"]))} for p in c["papers"]]}
        for c in new["dossier"]
    ]
    return {**new, "dossier": dossier}


def _log(procedures: list[Procedure], action: str, user) -> None:
    if not procedures:
        return
    content_type = ContentType.objects.get_for_model(Procedure)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                object_id=str(p.pk),
                label=str(p)[:255],
                action=action,
                user=user,
                timestamp=now,
                data={"source": "import"},
            )
            for p in procedures
        ],
        batch_size=1000,
    )


def commune_procedures_ensure(commune: Commune) -> int:
    """List every commune-level procedure in force from the province catalogue; returns how many were added."""
    taken = CommuneProcedure.objects.filter(commune=commune).values("procedure_id")
    missing = Procedure.objects.filter(province_id=commune.province_id).active().commune_level().exclude(pk__in=taken)
    rows = [CommuneProcedure(commune=commune, procedure=p) for p in missing]
    CommuneProcedure.objects.bulk_create(rows, ignore_conflicts=True)
    page_cache.invalidate(commune_ids=[commune.pk])  # bulk_create sends no signal
    return len(rows)


def procedure_add(commune: Commune, procedure: Procedure, **details) -> CommuneProcedure:
    """List one catalogue procedure on a commune's site (with optional local details)."""
    from sites.services import ServiceError

    if procedure.province_id != commune.province_id:
        raise ServiceError("Thủ tục này không thuộc danh mục của tỉnh/thành phố của xã.")
    entry, _created = CommuneProcedure.objects.get_or_create(commune=commune, procedure=procedure, defaults=details)
    return entry
