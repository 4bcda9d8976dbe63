"""schema.org data for a commune's procedure page (JSON-LD), so search engines and assistants can read
what a resident needs: who provides it, where, by which channels, how long and how much.

Everything is built from the plain record (records.py) and the commune's own details; no queries.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.utils.safestring import SafeString, mark_safe

from .models import Channel
from .records import CHANNEL_NAMES, time_display, vnd

WORKING_DAYS_NOTE = "Tính theo ngày làm việc, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết."

# A JSON text inside <script> must not be able to close the element or open a comment.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_json(data) -> SafeString:
    """JSON for an HTML <script> data block: <, > and & written as \\u escapes (as Django's json_script)."""
    return mark_safe(json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES))


def _number(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def iso_duration(time: str, unit: str) -> str:
    """A processing time as an ISO 8601 duration: "1" ngày làm việc -> "P1D", "0.5" ngày -> "PT12H",
    "4" giờ -> "PT4H", "1.5" giờ -> "PT90M", "2" tháng -> "P2M". "" when there is no time, or when the unit
    has no exact smaller unit for a fraction (half a month). Working days are counted as days; the
    channel's description says so."""
    try:
        amount = Decimal(str(time).replace(",", "."))
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite() or amount <= 0:
        return ""
    whole = amount == amount.to_integral_value()
    if unit in ("ngày", "ngày làm việc"):
        if whole:
            return f"P{_number(amount)}D"
        amount, unit = amount * 24, "giờ"
        whole = amount == amount.to_integral_value()
    if unit in ("giờ", "giờ làm việc"):
        if whole:
            return f"PT{_number(amount)}H"
        minutes = amount * 60
        return f"PT{_number(minutes)}M" if minutes == minutes.to_integral_value() else ""
    if unit in ("tháng", "năm") and whole:
        return f"P{_number(amount)}{'M' if unit == 'tháng' else 'Y'}"
    return ""


def _channel(method: dict, procedure, entry, area_name: str) -> dict:
    name = CHANNEL_NAMES.get(method["channel"], "")
    channel = {"@type": "ServiceChannel", "name": name, "availableLanguage": "vi"}
    description = []
    shown = time_display(method)
    if shown:
        description.append(f"Thời hạn giải quyết: {shown}.")
        duration = iso_duration(method["time"], method["unit"])
        if duration:
            channel["processingTime"] = duration
        if "làm việc" in method["unit"]:
            description.append(WORKING_DAYS_NOTE)
    if method["time_note"]:
        note = method["time_note"]
        description.append(note if note.endswith((".", "!", "?", ";")) else note + ".")
    if method["channel"] == Channel.IN_PERSON and entry.opening_hours:
        description.append(f"Thời gian tiếp nhận: {entry.opening_hours}.")
    if description:
        channel["description"] = " ".join(description)
    if method["channel"] == Channel.ONLINE:
        channel["serviceUrl"] = procedure.national_portal_url
    elif method["channel"] == Channel.IN_PERSON and entry.submission_place:
        channel["serviceLocation"] = {"@type": "Place", "name": entry.submission_place, "address": area_name}
    if method["channel"] != Channel.ONLINE and entry.officer_phone:
        channel["servicePhone"] = {
            "@type": "ContactPoint",
            "telephone": entry.officer_phone,
            **({"name": entry.officer_name} if entry.officer_name else {}),
        }
    return channel


def _offers(methods: list[dict]) -> list[dict]:
    offers = []
    for method in methods:
        channel = CHANNEL_NAMES.get(method["channel"], "")
        for fee in method["fees"] or [{"amount": 0, "note": ""}]:
            text = vnd(fee["amount"])
            offers.append(
                {
                    "@type": "Offer",
                    "price": fee["amount"],
                    "priceCurrency": "VND",
                    "description": f"{channel}: {text}" + (f". {fee['note']}" if fee["note"] else ""),
                }
            )
    return offers


def procedure_json_ld(*, entry, record: dict, url: str, commune, identity=None) -> dict:
    """schema.org GovernmentService for one commune's procedure."""
    procedure = entry.procedure
    area_name = f"{commune.full_name}, {commune.province.name}"
    provider = {
        "@type": "GovernmentOrganization",
        "name": (identity.agency_name if identity and identity.agency_name else commune.agency_name),
        "url": commune.url or None,
        "address": (identity.address if identity and identity.address else None),
        "telephone": (identity.phone if identity and identity.phone else None),
        "email": (identity.email if identity and identity.email else None),
    }
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": procedure.name,
        "identifier": procedure.code,
        "serviceType": procedure.field,
        "url": url,
        "inLanguage": "vi",
        "description": f"Thủ tục hành chính {procedure.name} (mã {procedure.code}), lĩnh vực {procedure.field}, "
        f"thực hiện tại {commune.full_name}.",
        "provider": {key: value for key, value in provider.items() if value},
        "areaServed": {
            "@type": "AdministrativeArea",
            "name": commune.full_name,
            "containedInPlace": {"@type": "AdministrativeArea", "name": commune.province.name},
        },
        "audience": [{"@type": "Audience", "audienceType": applicant} for applicant in record["applicants"]],
        "availableChannel": [_channel(m, procedure, entry, area_name) for m in record["methods"]],
        "offers": _offers(record["methods"]),
        "termsOfService": [
            " – ".join(part for part in (doc["number"], doc["title"]) if part) for doc in record["legal_basis"]
        ],
        "serviceOutput": [{"@type": "Thing", "name": result} for result in record["results"]],
        "sameAs": procedure.national_portal_url,
    }
    return {key: value for key, value in data.items() if value not in ([], "", None)}
