"""A catalogue procedure as plain data: the one shape the importer, the pages and the JSON share.

    {"code", "name", "field", "field_code", "level", "publisher_code", "agency": [str],
     "applicants": [str], "results": [str], "requirements": str,
     "steps": [{"case", "steps": [str]}],
     "methods": [{"channel": 1|2|3, "time": "1"|"0.5"|"", "unit", "time_note", "fees": [{"amount": int, "note"}]}],
     "dossier": [{"case", "papers": [{"name", "originals", "copies", "form_name", "form_url", "form": id|None}]}],
     "legal_basis": [{"number", "title"}],
     "online_level": "full"|"partial"|"none", "status": "active"|"abolished", "updated_on": "YYYY-MM-DD"|""}

record_of() reads the stored StreamField JSON directly (no block objects, no queries), so comparing
a stored procedure with an imported record is a dict comparison: a re-import that changes nothing
writes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

# Fields compared by the importer; "updated_on" is reported but not a change by itself.
CONTENT_KEYS = (
    "name",
    "field",
    "field_code",
    "level",
    "publisher_code",
    "agency",
    "applicants",
    "results",
    "requirements",
    "steps",
    "methods",
    "dossier",
    "legal_basis",
    "online_level",
    "status",
)
SIMPLE_FIELDS = (
    "code",
    "name",
    "field",
    "field_code",
    "level",
    "publisher_code",
    "requirements",
    "online_level",
    "status",
)
LINE_FIELDS = ("agency", "applicants", "results")

CHANNEL_NAMES = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Bưu chính công ích"}


def lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def normal_time(value) -> str:
    """ "1", "1.0", 1 -> "1"; "0,5" -> "0.5"; blank or not a number -> ""."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return ""
    # "Infinity", "NaN" and "1e9999999" are no time limit; int() of the last would run for hours.
    if not amount.is_finite() or (amount and not -20 < amount.adjusted() < 20):
        return ""
    if amount == amount.to_integral_value():
        return str(int(amount))
    return format(amount.normalize(), "f")


def _values(raw) -> list:
    """Items of a stored ListBlock: new format [{"type": "item", "value": v, "id"}] or plain [v]."""
    out = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            out.append(item["value"])
        else:
            out.append(item)
    return out


def _stream(field_value) -> list[dict]:
    """Values of a StreamField's blocks, from its raw JSON."""
    raw = getattr(field_value, "raw_data", field_value) or []
    return [dict(block.get("value") or {}) for block in raw]


def _text(value) -> str:
    return str(value or "").strip()


def record_of(procedure) -> dict:
    steps = [
        {"case": _text(b.get("case")), "steps": [_text(s) for s in _values(b.get("steps")) if _text(s)]}
        for b in _stream(procedure.steps)
    ]
    methods = [
        {
            "channel": int(b.get("channel") or 1),
            "time": normal_time(b.get("time")),
            "unit": b.get("unit") or "ngày làm việc",
            "time_note": _text(b.get("time_note")),
            "fees": [
                {"amount": int(f.get("amount") or 0), "note": _text(f.get("note"))} for f in _values(b.get("fees"))
            ],
        }
        for b in _stream(procedure.methods)
    ]
    dossier = [
        {
            "case": _text(b.get("case")),
            "papers": [
                {
                    "name": _text(p.get("name")),
                    "originals": int(p.get("originals") or 0),
                    "copies": int(p.get("copies") or 0),
                    "form_name": _text(p.get("form_name")),
                    "form_url": (p.get("form_url") or "").strip(),
                    "form": p.get("form") or None,
                }
                for p in _values(b.get("papers"))
            ],
        }
        for b in _stream(procedure.dossier)
    ]
    legal_basis = [
        {"number": _text(b.get("number")), "title": _text(b.get("title"))} for b in _stream(procedure.legal_basis)
    ]
    record = {name: getattr(procedure, name) or "" for name in SIMPLE_FIELDS}
    record.update({name: lines(getattr(procedure, name)) for name in LINE_FIELDS})
    record.update(
        steps=steps,
        methods=methods,
        dossier=dossier,
        legal_basis=legal_basis,
        updated_on=procedure.updated_on.isoformat() if procedure.updated_on else "",
    )
    return record


def _blocks(block_type: str, values: list[dict]) -> list[dict]:
    return [{"type": block_type, "value": value} for value in values]


def _items(values: list) -> list[dict]:
    return [{"type": "item", "value": value} for value in values]


def apply_record(procedure, record: dict) -> None:
    """Write a record (as produced by the importer or record_of) onto a Procedure; does not save."""
    for name in SIMPLE_FIELDS:
        if name in record:
            setattr(procedure, name, record[name] or "")
    for name in LINE_FIELDS:
        if name in record:
            setattr(procedure, name, "\n".join(record[name]))
    procedure.steps = _blocks("case", [{"case": c["case"], "steps": _items(c["steps"])} for c in record["steps"]])
    procedure.methods = _blocks(
        "method",
        [
            {
                "channel": str(m["channel"]),
                "time": m["time"] or None,
                "unit": m["unit"],
                "time_note": m["time_note"],
                "fees": _items([{"amount": f["amount"], "note": f["note"]} for f in m["fees"]]),
            }
            for m in record["methods"]
        ],
    )
    procedure.dossier = _blocks(
        "case",
        [
            {
                "case": c["case"],
                "papers": _items(
                    [
                        {
                            "name": p["name"],
                            "originals": p["originals"],
                            "copies": p["copies"],
                            "form_name": p.get("form_name", ""),
                            "form_url": p.get("form_url", ""),
                            "form": p.get("form"),
                        }
                        for p in c["papers"]
                    ]
                ),
            }
            for c in record["dossier"]
        ],
    )
    procedure.legal_basis = _blocks("document", [dict(d) for d in record["legal_basis"]])
    updated = record.get("updated_on") or ""
    procedure.updated_on = datetime.date.fromisoformat(updated) if updated else procedure.updated_on
    procedure.__dict__.pop("record", None)


def content_of(record: dict) -> dict:
    """What decides whether a procedure changed: every content field, forms compared by name and link only."""
    content = {key: record.get(key) for key in CONTENT_KEYS}
    content["dossier"] = [
        {**case, "papers": [{k: v for k, v in p.items() if k != "form"} for p in case["papers"]]}
        for case in record.get("dossier", [])
    ]
    return content


def changed_keys(old: dict, new: dict) -> list[str]:
    a, b = content_of(old), content_of(new)
    return [key for key in CONTENT_KEYS if a[key] != b[key]]


def derived_fields(procedure) -> dict:
    """Columns kept for listing and search, recomputed on every save."""
    from sites.text import search_words

    from .models import Channel, is_commune_level, procedure_slug

    record = record_of(procedure)
    return {
        "slug": procedure_slug(procedure.name, procedure.code),
        "commune_level": is_commune_level(procedure.level or ""),
        "has_online_method": any(m["channel"] == Channel.ONLINE for m in record["methods"]),
        "search_text": " ".join(search_words(f"{procedure.code} {procedure.name} {procedure.field}")),
    }


# --- Presentation ---------------------------------------------------------------------


def time_display(method: dict) -> str:
    """ "01 ngày làm việc", "0,5 ngày"; "" when no amount is given."""
    if not method.get("time"):
        return ""
    amount = Decimal(method["time"])
    text = format(amount.normalize(), "f").replace(".", ",")
    if amount == amount.to_integral_value() and amount < 10:
        text = f"{int(amount):02d}"
    return f"{text} {method['unit']}"


def vnd(amount) -> str:
    """Money the Vietnamese way: 50000 -> "50.000 đồng"; 0 -> "Miễn phí"."""
    if amount in (None, ""):
        return ""
    amount = int(amount)
    if amount == 0:
        return "Miễn phí"
    return f"{amount:,}".replace(",", ".") + " đồng"
