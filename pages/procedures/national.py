"""Reading procedure records in the national TTHC data layout (MATTHC, CACHTHUCTHUCHIEN, …)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from .models import (
    Channel,
    DossierItem,
    OnlineLevel,
    ProcedureMethod,
    ProcedurePage,
    ProcedureStatus,
    ProcedureStep,
    TimeUnit,
)

_UNITS = {unit.value: unit for unit in TimeUnit}


def _int(value, default=0) -> int:
    try:
        return max(int(str(value).strip() or default), 0)
    except ValueError:
        return default


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return None


def _names(rows, key) -> list[str]:
    return [row[key].strip() for row in rows or [] if row.get(key, "").strip()]


def procedure_from_record(record: dict) -> ProcedurePage:
    """An unsaved ProcedurePage (with its steps, methods and dossier) built from one national record."""
    fields = _names(record.get("LINHVUCTHUCHIEN"), "TENLINHVUC")
    agencies = _names(record.get("COQUANTHUCHIEN"), "TENDONVI")
    level = (record.get("CAPTHUCHIEN") or "Cấp xã").strip().capitalize()
    page = ProcedurePage(
        title=record["TENTTHC"].strip(),
        code=record["MATTHC"].strip(),
        field=fields[0] if fields else "",
        level=level,
        implementing_agency=agencies[0] if agencies else "Ủy ban nhân dân cấp xã",
        applicants="\n".join(_names(record.get("DOITUONGTHUCHIEN"), "TENDOITUONG")),
        result="\n".join(_names(record.get("KETQUATHUCHIEN"), "TENKETQUA")),
        legal_basis="\n".join(
            f"{row.get('SOVANBAN', '').strip()} – {row.get('TENVANBAN', '').strip()}".strip(" –")
            for row in record.get("CANCUPHAPLY") or []
        ),
        requirements="" if (record.get("YEUCAU") or "").strip().lower() in ("", "không") else record["YEUCAU"].strip(),
        online_level=record.get("MUCDO") if record.get("MUCDO") in OnlineLevel.values else OnlineLevel.NONE,
        status=ProcedureStatus.ABOLISHED
        if "bãi bỏ" in (record.get("TRANGTHAI") or "").lower()
        else ProcedureStatus.ACTIVE,
    )
    page.steps = [
        ProcedureStep(case=group.get("TRUONGHOP", "").strip(), description=step["TENTRINHTU"].strip())
        for group in record.get("TRINHTUTHUCHIEN") or []
        for step in group.get("TRINHTU") or []
    ]
    methods = []
    for way in record.get("CACHTHUCTHUCHIEN") or []:
        channel = _int(way.get("KENH"), Channel.IN_PERSON)
        for time in way.get("THOIGIAN") or [{}]:
            fees = time.get("PHILEPHI") or [{}]
            fee = fees[0]
            methods.append(
                ProcedureMethod(
                    channel=channel if channel in Channel.values else Channel.IN_PERSON,
                    processing_time=_decimal(time.get("THOIGIANGIAIQUYET", "")),
                    time_unit=_UNITS.get((time.get("DONVITINH") or "").strip().lower(), TimeUnit.WORKING_DAY),
                    time_description=(time.get("MOTA") or "").strip(),
                    fee=_int(fee.get("SOTIEN")),
                    fee_description="; ".join(f.get("MOTA", "").strip() for f in fees if f.get("MOTA")),
                )
            )
    page.methods = methods
    page.dossier_items = [
        DossierItem(
            name=paper["TENGIAYTO"].strip(),
            case=group.get("TRUONGHOP", "").strip(),
            originals=_int(paper.get("SOBANCHINH")),
            copies=_int(paper.get("SOBANSAO")),
        )
        for group in record.get("THANHPHANHOSO") or []
        for paper in group.get("GIAYTO") or []
    ]
    return page
