"""Reading procedure records in the national TTHC data layout (MATTHC, CACHTHUCTHUCHIEN, …).

record_from_national() turns one record of the national API JSON into the plain record of
records.py, collecting every problem as a Vietnamese sentence instead of stopping at the first;
validate_record() holds the checks every source format shares.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from sites.text import fold

from .models import PROCEDURE_CODE_RE, TIME_UNITS, Channel, OnlineLevel, ProcedureStatus
from .records import lines, normal_time

_CODE = re.compile(PROCEDURE_CODE_RE)
_UNIT_ALIASES = {fold(u): u for u in TIME_UNITS} | {"ngay lam viec": "ngày làm việc", "ngay": "ngày"}
CHANNEL_ALIASES = {
    "1": Channel.IN_PERSON,
    "truc tiep": Channel.IN_PERSON,
    "2": Channel.ONLINE,
    "truc tuyen": Channel.ONLINE,
    "3": Channel.POSTAL,
    "buu chinh": Channel.POSTAL,
    "buu chinh cong ich": Channel.POSTAL,
    "dich vu buu chinh": Channel.POSTAL,
}
ONLINE_ALIASES = {
    "full": OnlineLevel.FULL,
    "toan trinh": OnlineLevel.FULL,
    "dvc truc tuyen toan trinh": OnlineLevel.FULL,
    "partial": OnlineLevel.PARTIAL,
    "mot phan": OnlineLevel.PARTIAL,
    "dvc truc tuyen mot phan": OnlineLevel.PARTIAL,
    "none": OnlineLevel.NONE,
    "khong": OnlineLevel.NONE,
    "": OnlineLevel.NONE,
}


def _key(value) -> str:
    return " ".join(fold(str(value if value is not None else "")).lower().replace("_", " ").split())


def _str(value) -> str:
    # NUL ("\u0000" in the JSON) is no text anyone typed, and PostgreSQL refuses to store it.
    return str(value).replace("\x00", "").strip() if value is not None else ""


def _list(value, what: str, errors: list[str]) -> list:
    """A list of the record; a number, text or object where a list belongs is reported, not iterated."""
    if not value:
        return []
    if not isinstance(value, list):
        errors.append(f"{what} không đúng cấu trúc (cần một danh sách [ … ]).")
        return []
    return value


def _names(rows, key) -> list[str]:
    if not isinstance(rows, list):
        return []
    # One item per line, as the one-per-line columns store and read them back (records.lines).
    return [line for row in rows if isinstance(row, dict) for line in lines(_str(row.get(key)))]


def parse_channel(value) -> int | None:
    return CHANNEL_ALIASES.get(_key(value))


def parse_unit(value) -> str | None:
    key = _key(value)
    return _UNIT_ALIASES.get(key) if key else "ngày làm việc"


def parse_online_level(value) -> str | None:
    return ONLINE_ALIASES.get(_key(value))


def parse_status(value) -> str | None:
    key = _key(value)
    if key in ("", "active", "con hieu luc", "dang hieu luc", "hieu luc"):
        return ProcedureStatus.ACTIVE
    if "bai bo" in key or key in ("abolished", "het hieu luc"):
        return ProcedureStatus.ABOLISHED
    return None


def parse_count(value, what: str, errors: list[str]) -> int:
    text = _str(value)
    if text == "":
        return 0
    try:
        amount = Decimal(text.replace(",", "."))
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite():
        errors.append(f"{what} “{text}” không phải là số.")
        return 0
    if amount.adjusted() >= 9:  # a billion or more; int() of "1e9999999" would run for hours
        errors.append(f"{what} quá lớn ({text}).")
        return 0
    number = int(amount)
    if number < 0:
        errors.append(f"{what} không được âm ({text}).")
    return number


def parse_fee(value, errors: list[str]) -> int:
    """ "8.000", "8,000", "8000 đồng", 0 -> int; a negative or unreadable amount is an error."""
    text = _str(value)
    digits = re.sub(r"(?i)\s*(đồng|dong|vnđ|vnd|đ)\s*$", "", text).replace(".", "").replace(",", "").replace(" ", "")
    if digits == "":
        return 0
    if not re.fullmatch(r"-?\d+", digits):
        errors.append(f"Số tiền phí, lệ phí “{text}” không phải là số.")
        return 0
    if len(digits.lstrip("-").lstrip("0")) > 15:  # int() refuses over 4,300 digits; no fee is this large
        errors.append(f"Số tiền phí, lệ phí “{text}” quá lớn.")
        return 0
    amount = int(digits)
    if amount < 0:
        errors.append(f"Phí, lệ phí không được âm ({text}).")
    return amount


def parse_time(value, errors: list[str]) -> str:
    text = _str(value)
    if text == "":
        return ""
    time = normal_time(text)
    if time == "":
        errors.append(f"Thời hạn giải quyết “{text}” không phải là số.")
    elif Decimal(time) < 0:
        errors.append(f"Thời hạn giải quyết không được âm ({text}).")
    return time


def parse_date(value, errors: list[str]) -> str:
    text = _str(value)
    if not text:
        return ""
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M:%S"):
        try:
            return datetime.datetime.strptime(text[:19], pattern).date().isoformat()
        except ValueError:
            continue
    errors.append(f"Ngày cập nhật “{text}” không đúng dạng ngày/tháng/năm.")
    return ""


def _step_names(group: dict, errors: list[str]) -> list[str]:
    steps = _list(group.get("TRINHTU"), "Trình tự thực hiện, danh sách bước", errors)
    return [_str(s.get("TENTRINHTU")) for s in steps if isinstance(s, dict) and _str(s.get("TENTRINHTU"))]


def validate_record(record: dict) -> list[str]:
    """Checks every source format shares; returns Vietnamese sentences (empty when the record is good)."""
    errors = []
    code = record.get("code", "")
    if not code:
        errors.append("Thiếu mã thủ tục.")
    elif not _CODE.match(code):
        errors.append(f"Mã thủ tục “{code}” không đúng định dạng (ví dụ đúng: 1.001193 hoặc 2.000815.000.00.00.H55).")
    if not record.get("name"):
        errors.append("Thiếu tên thủ tục.")
    elif len(record["name"]) > 500:
        errors.append("Tên thủ tục dài quá 500 ký tự.")
    if not record.get("field"):
        errors.append("Thiếu lĩnh vực.")
    return errors


def record_from_national(raw) -> tuple[dict, list[str]]:
    """(record, errors) for one record of the national API layout."""
    if not isinstance(raw, dict):
        return {}, ["Bản ghi không phải là một đối tượng JSON ({...})."]
    errors: list[str] = []
    fields = raw.get("LINHVUCTHUCHIEN") or []
    field_rows = [row for row in fields if isinstance(row, dict)] if isinstance(fields, list) else []
    requirements = _str(raw.get("YEUCAU"))
    online_level = parse_online_level(raw.get("MUCDO"))
    if online_level is None:
        errors.append(
            f"Mức dịch vụ công trực tuyến “{_str(raw.get('MUCDO'))}” không hợp lệ (toàn trình, một phần, không)."
        )
    status = parse_status(raw.get("TRANGTHAI"))
    if status is None:
        errors.append(f"Tình trạng “{_str(raw.get('TRANGTHAI'))}” không hợp lệ (Còn hiệu lực, Đã bãi bỏ).")

    methods = []
    for n, way in enumerate(_list(raw.get("CACHTHUCTHUCHIEN"), "Cách thức thực hiện", errors), start=1):
        if not isinstance(way, dict):
            errors.append(f"Cách thức thực hiện thứ {n} không đúng cấu trúc.")
            continue
        channel = parse_channel(way.get("KENH"))
        if channel is None:
            errors.append(
                f"Cách thức thực hiện thứ {n}: kênh “{_str(way.get('KENH'))}” không rõ "
                "(1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích)."
            )
            continue
        for time in _list(way.get("THOIGIAN"), f"Cách thức thực hiện thứ {n}: thời gian", errors) or [{}]:
            if not isinstance(time, dict):
                errors.append(f"Cách thức thực hiện thứ {n}: thời gian không đúng cấu trúc.")
                continue
            unit = parse_unit(time.get("DONVITINH"))
            if unit is None:
                errors.append(
                    f"Cách thức thực hiện thứ {n}: đơn vị thời gian “{_str(time.get('DONVITINH'))}” không rõ."
                )
                unit = "ngày làm việc"
            fees = []
            for fee in _list(time.get("PHILEPHI"), f"Cách thức thực hiện thứ {n}: phí, lệ phí", errors):
                if not isinstance(fee, dict):
                    continue
                amount = parse_fee(fee.get("SOTIEN"), errors)
                note = _str(fee.get("MOTA"))
                if amount or note or _str(fee.get("SOTIEN")):
                    fees.append({"amount": amount, "note": note})
            methods.append(
                {
                    "channel": int(channel),
                    "time": parse_time(time.get("THOIGIANGIAIQUYET"), errors),
                    "unit": unit,
                    "time_note": _str(time.get("MOTA")),
                    "fees": fees,
                }
            )

    dossier = []
    for group in _list(raw.get("THANHPHANHOSO"), "Thành phần hồ sơ", errors):
        if not isinstance(group, dict):
            continue
        papers = [
            {
                "name": _str(paper.get("TENGIAYTO")),
                "originals": parse_count(paper.get("SOBANCHINH"), "Số bản chính", errors),
                "copies": parse_count(paper.get("SOBANSAO"), "Số bản sao", errors),
                "form_name": _str(paper.get("TENMAUDON")),
                "form_url": _str(paper.get("URL")),
                "form": None,
            }
            for paper in _list(group.get("GIAYTO"), "Thành phần hồ sơ, danh sách giấy tờ", errors)
            if isinstance(paper, dict) and _str(paper.get("TENGIAYTO"))
        ]
        dossier.append({"case": _str(group.get("TRUONGHOP")), "papers": papers})

    record = {
        "code": _str(raw.get("MATTHC")),
        "name": _str(raw.get("TENTTHC")),
        "field": _str(field_rows[0].get("TENLINHVUC")) if field_rows else "",
        "field_code": _str(field_rows[0].get("MALINHVUC")) if field_rows else "",
        "level": _str(raw.get("CAPTHUCHIEN")) or "Cấp xã",
        "publisher_code": _str(raw.get("MACOQUANCONGBO")),
        "agency": _names(raw.get("COQUANTHUCHIEN"), "TENDONVI") or ["Ủy ban nhân dân cấp xã"],
        "applicants": _names(raw.get("DOITUONGTHUCHIEN"), "TENDOITUONG"),
        "results": _names(raw.get("KETQUATHUCHIEN"), "TENKETQUA"),
        "requirements": "" if _key(requirements) in ("", "khong") else requirements,
        "steps": [
            {
                "case": _str(group.get("TRUONGHOP")),
                "steps": _step_names(group, errors),
            }
            for group in _list(raw.get("TRINHTUTHUCHIEN"), "Trình tự thực hiện", errors)
            if isinstance(group, dict)
        ],
        "methods": methods,
        "dossier": dossier,
        "legal_basis": [
            {"number": _str(row.get("SOVANBAN")), "title": _str(row.get("TENVANBAN"))}
            for row in _list(raw.get("CANCUPHAPLY"), "Căn cứ pháp lý", errors)
            if isinstance(row, dict) and (_str(row.get("SOVANBAN")) or _str(row.get("TENVANBAN")))
        ],
        "online_level": online_level or OnlineLevel.NONE,
        "status": status or ProcedureStatus.ACTIVE,
        "updated_on": parse_date(raw.get("NGAYCAPNHAT"), errors),
    }
    if (
        online_level == OnlineLevel.NONE
        and _key(raw.get("MUCDO")) == ""
        and any(m["channel"] == Channel.ONLINE for m in methods)
    ):
        record["online_level"] = OnlineLevel.PARTIAL  # an online channel without a declared level
    return record, validate_record(record) + errors
