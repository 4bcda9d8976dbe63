"""A province's TTHC catalogue in and out of files: the one import the CLI and the admin call.

import_catalogue(province, file) reads the whole file, checks every record, and only then plans
(dry run) or applies it (services.catalogue_apply: one transaction, unchanged procedures not written).
A file with any bad record is refused as a whole (sites.importers.ImportRejected, one Vietnamese line
per problem, each naming its position: "Bản ghi thứ 3 (mã 1.001193): …" or "Dòng 5 (mã …): …").

Formats, recognised by content (the file name does not matter):

- JSON in the national TTHC layout (MATTHC, TENTTHC, CACHTHUCTHUCHIEN…; see docs/domain.md):
  ``{"data": [...]}`` or a bare list of records.
- XLSX or CSV (UTF-8 with or without BOM; ``,``, ``;`` or tab between cells), one procedure per row,
  the header on row 1. Columns (case, diacritics, spaces and punctuation ignored, so "Mã thủ tục" = maThuTuc):
  maThuTuc, tenThuTuc, capThucHien, linhVuc, trinhTuThucHien, cachThucThucHien, thanhPhanHoSo,
  doiTuongThucHien, coQuanThucHien, ketQuaThucHien, canCuPhapLy, yeuCauDieuKienThucHien (required);
  maLinhVuc, mucDoDichVuCong, tinhTrang, ngayCapNhat (dd/mm/yyyy), coQuanCongBo (optional).
  Other columns (STT, ghi chú…) are ignored. "Dòng N" is row N as a spreadsheet shows it.

Multi-line cells (a line break inside a cell is Alt+Enter in Excel; \\n and \\r\\n both work).
In every multi-line column one line is one item, and a line that starts with a space or a tab continues
the item above (that is how the export keeps an item that itself spans lines):

- trinhTuThucHien: one step per line; a leading "Bước 1:", "1.", "1)", "-", "•", "+" is removed (one of them).
  A line without such a mark that ends with ":", or that starts with "Trường hợp" and does not end with ".",
  starts a new case (trường hợp); steps before the first case belong to "every case".
- cachThucThucHien: one method per line:
  ``Trực tiếp: 01 ngày làm việc (mô tả thời hạn); Lệ phí: 8.000 đồng (mô tả); Phí: 0 đồng``
  Channel before the first ":" (Trực tiếp, Trực tuyến, Bưu chính công ích, or 1/2/3); then the time
  (number and unit; a description in brackets); then each fee after "; Phí:", "; Lệ phí:" or
  "; Phí, lệ phí:" (amount in đồng, "Miễn phí" = 0; description in brackets). The kind of fee is not kept.
- thanhPhanHoSo: one paper per line ``Tên giấy tờ (Bản chính: 1, Bản sao: 0, Mẫu: to-khai.docx, Tải mẫu: https://…)``;
  without the bracket a paper counts as 1 original, 0 copies. Case lines as in trinhTuThucHien
  (a line with the bracket is always a paper).
- doiTuongThucHien, coQuanThucHien, ketQuaThucHien: one item per line, or separated by ";" on one line.
- canCuPhapLy: one document per line ``số hiệu – tên văn bản`` (split on the first " – " or " - ").
- yeuCauDieuKienThucHien: free text; "Không" or empty means no particular requirement.

export_catalogue() writes a catalogue in either layout so that importing the export changes nothing;
synthetic_national_records() makes realistic records for benchmarks (``manage.py tthc generate``).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

from sites.importers import ImportFileError, ImportRejected, xlsx_rows
from sites.text import fold, os_error_text

from . import services
from .models import Channel, OnlineLevel, Procedure, ProcedureStatus, procedure_slug
from .national import (
    parse_channel,
    parse_count,
    parse_date,
    parse_fee,
    parse_online_level,
    parse_status,
    parse_time,
    parse_unit,
    record_from_national,
    validate_record,
)
from .records import CHANNEL_NAMES, time_display

__all__ = [
    "FLAT_COLUMNS",
    "ImportFileError",
    "ImportRejected",
    "export_catalogue",
    "flat_row_from_record",
    "import_catalogue",
    "national_from_record",
    "read_catalogue_file",
    "record_from_flat",
    "synthetic_national_records",
]

REQUIRED_COLUMNS = (
    "maThuTuc",
    "tenThuTuc",
    "capThucHien",
    "linhVuc",
    "trinhTuThucHien",
    "cachThucThucHien",
    "thanhPhanHoSo",
    "doiTuongThucHien",
    "coQuanThucHien",
    "ketQuaThucHien",
    "canCuPhapLy",
    "yeuCauDieuKienThucHien",
)
OPTIONAL_COLUMNS = ("maLinhVuc", "mucDoDichVuCong", "tinhTrang", "ngayCapNhat", "coQuanCongBo")
FLAT_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DEFAULT_AGENCY = "Ủy ban nhân dân cấp xã"

# Limits of the model columns and of the admin's blocks, checked so that an import never fails half-way
# on PostgreSQL and every imported procedure can still be edited by hand.
_MAX_LENGTHS = {
    "code": (60, "Mã thủ tục"),
    "field": (200, "Lĩnh vực"),
    "field_code": (30, "Mã lĩnh vực"),
    "level": (100, "Cấp thực hiện"),
    "publisher_code": (30, "Mã cơ quan công bố"),
}

_XLSX_MAGIC = b"PK\x03\x04"
_OTHER_MAGICS = {
    b"\xd0\xcf\x11\xe0": "tệp Excel đời cũ (.xls) – hãy mở bằng Excel và lưu lại dạng .xlsx",
    b"%PDF": "tệp PDF",
}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _key(value) -> str:
    return " ".join(fold(str(value if value is not None else "")).lower().replace("_", " ").split())


def _column_key(value) -> str:
    """maThuTuc, "Mã thủ tục", "MA_THU_TUC" -> "mathutuc"."""
    return re.sub(r"[^a-z0-9]", "", fold(str(value or "")).lower())


_COLUMN_KEYS = {_column_key(name): name for name in FLAT_COLUMNS}


# --- Reading the file -------------------------------------------------------------------


def _display_name(path_or_file) -> str:
    if isinstance(path_or_file, (str, Path)):
        return Path(path_or_file).name
    return Path(str(getattr(path_or_file, "name", "") or "tệp tải lên")).name


def _read_source(path_or_file) -> bytes | str:
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ImportFileError(f"Không tìm thấy tệp “{path}”.") from None
        except IsADirectoryError:
            raise ImportFileError(f"“{path}” là một thư mục, không phải tệp.") from None
        except OSError as exc:
            raise ImportFileError(f"Không đọc được tệp “{path}”: {os_error_text(exc)}.") from None
    try:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)  # an uploaded file may have been read once already (size or type checks)
        return path_or_file.read()
    except OSError as exc:
        raise ImportFileError(f"Không đọc được {_display_name(path_or_file)}: {os_error_text(exc)}.") from None


def read_catalogue_file(path_or_file) -> list[dict]:
    """Records (records.py shape) from a JSON, XLSX or CSV file: a path or an open/uploaded file.

    Raises ImportFileError when the file cannot be read at all, ImportRejected listing every bad
    record otherwise. Writes nothing.
    """
    display = _display_name(path_or_file)
    content = _read_source(path_or_file)
    if isinstance(content, bytes):
        if not content.strip():
            raise ImportFileError(f"Tệp “{display}” trống.")
        if content.startswith(_XLSX_MAGIC):
            return _records_from_rows(xlsx_rows(content, display), display)
        for magic, what in _OTHER_MAGICS.items():
            if content.startswith(magic):
                raise ImportFileError(f"Tệp “{display}” là {what}; chỉ nhận JSON, Excel (.xlsx) hoặc CSV (UTF-8).")
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"Tệp “{display}” không phải văn bản UTF-8 (byte lạ ở vị trí {exc.start + 1}). Hãy lưu lại dạng "
                "“CSV UTF-8” (trong Excel: Lưu thành → CSV UTF-8), hoặc dùng tệp .xlsx hay tệp JSON."
            ) from None
    else:
        text = content.lstrip("\ufeff")
    if "\x00" in text:
        raise ImportFileError(f"Tệp “{display}” không phải JSON, Excel (.xlsx) hay CSV (UTF-8).")
    start = text.lstrip()
    if not start:
        raise ImportFileError(f"Tệp “{display}” trống.")
    if start[0] in "{[":
        return _records_from_json(text, display)
    return _records_from_rows(_rows_from_csv(text), display)


# --- JSON (national layout) ---------------------------------------------------------------

_JSON_ERRORS = [
    ("Expecting value", "thiếu giá trị (hoặc có dấu phẩy thừa)"),
    ("Expecting ',' delimiter", "thiếu dấu phẩy “,” giữa hai phần tử"),
    ("Expecting ':' delimiter", "thiếu dấu hai chấm “:” sau tên trường"),
    (
        "Expecting property name enclosed in double quotes",
        "tên trường phải nằm trong dấu ngoặc kép (hoặc có dấu phẩy thừa)",
    ),
    ("Unterminated string starting at", "chuỗi chưa có dấu ngoặc kép đóng"),
    ("Invalid control character at", "có ký tự điều khiển (xuống dòng, tab) nằm trong chuỗi"),
    ("Invalid \\escape", "ký tự thoát “\\” không hợp lệ"),
    ("Extra data", "còn dữ liệu thừa sau phần JSON"),
]


def _json_error_text(message: str) -> str:
    for english, vietnamese in _JSON_ERRORS:
        if message.startswith(english):
            return vietnamese
    return message


def _records_from_json(text: str, display: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"Tệp JSON bị lỗi ở dòng {exc.lineno}, cột {exc.colno}: {_json_error_text(exc.msg)}."
        ) from None
    except (RecursionError, ValueError):  # nested thousands deep, or a number of over 4,300 digits
        raise ImportFileError(
            f"Tệp “{display}” không đọc được: dữ liệu JSON lồng quá sâu hoặc có số quá dài."
        ) from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        raws = data["data"]
    elif isinstance(data, list):
        raws = data
    else:
        raise ImportFileError(
            f'Tệp JSON “{display}” cần có dạng {{"data": [ … ]}} hoặc là một danh sách bản ghi [ … ] '
            "theo cấu trúc của Cơ sở dữ liệu quốc gia về thủ tục hành chính."
        )
    if not raws:
        raise ImportFileError(f"Tệp “{display}” không có bản ghi thủ tục nào.")
    checked = []
    for number, raw in enumerate(raws, start=1):
        record, errors = record_from_national(raw)
        checked.append((f"Bản ghi thứ {number}", f"bản ghi thứ {number}", record, errors + _extra_checks(record)))
    return _collect(checked)


# --- CSV / XLSX (flat layout) ---------------------------------------------------------------


def _rows_from_csv(text: str) -> list[tuple[int, list]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)  # the header names which one the file uses
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows are numbered as a spreadsheet shows them (a cell may hold several lines).
        return [(number, cells) for number, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise ImportFileError(f"Dòng {reader.line_num}: tệp CSV bị lỗi định dạng ({exc}).") from None


def _cell(value, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if column == "maThuTuc" and re.fullmatch(r"\d\.\d+", repr(value)):
            return f"{value:.6f}"  # Excel turned 1.000890 into the number 1.00089
        if value.is_integer():
            value = int(value)
    # Some keyboards write Vietnamese decomposed (NFD); keep the usual composed form.
    return unicodedata.normalize("NFC", _NEWLINE.sub("\n", str(value)))


def _header(cells: list, display: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = _COLUMN_KEYS.get(_column_key(cell))
        if name is None:
            continue  # STT, ghi chú… : not ours
        if name in columns:
            raise ImportFileError(f"Dòng 1 của “{display}”: cột {name} xuất hiện hai lần.")
        columns[name] = index
    if not columns:
        raise ImportFileError(
            f"Không nhận ra định dạng của tệp “{display}”. Hệ thống nhận tệp JSON theo cấu trúc của Cơ sở dữ liệu "
            "quốc gia về thủ tục hành chính, hoặc tệp Excel (.xlsx)/CSV có dòng tiêu đề: "
            + ", ".join(FLAT_COLUMNS)
            + "."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            f"Dòng 1 của “{display}”: thiếu cột bắt buộc {', '.join(missing)}. "
            f"Dòng tiêu đề cần có: {', '.join(REQUIRED_COLUMNS)} (có thể thêm {', '.join(OPTIONAL_COLUMNS)})."
        )
    return columns


def _records_from_rows(rows: list[tuple[int, list]], display: str) -> list[dict]:
    if not rows or not any(_cell(v).strip() for v in rows[0][1]):
        raise ImportFileError(f"Tệp “{display}” trống hoặc dòng 1 không có tiêu đề cột.")
    columns = _header(rows[0][1], display)
    checked = []
    for number, raw in rows[1:]:
        values = {name: _cell(raw[index], name) if index < len(raw) else "" for name, index in columns.items()}
        if not any(value.strip() for value in values.values()):
            continue
        record, errors = record_from_flat(values)
        checked.append((f"Dòng {number}", f"dòng {number}", record, errors + _extra_checks(record)))
    if not checked:
        raise ImportFileError(f"Tệp “{display}” không có thủ tục nào dưới dòng tiêu đề.")
    return _collect(checked)


# Mark in front of an item: "Bước 1:", "1.", "2)", "-", "•", "+", "*" (only one is removed).
_MARK = re.compile(r"^(?:bước\s*\d+\s*[:.)–-]?|\d{1,2}[.)](?=\s)|[-•+*–])\s*", re.IGNORECASE)
_BULLET = re.compile(r"^[-•+*](?:\s+|$)")
_FEE_LABEL = r"(?:l[eệ]\s*ph[ií]|ph[ií])(?:\s*[,/]\s*(?:l[eệ]\s*ph[ií]|ph[ií]))?"
_FEE_SPLIT = re.compile(r";\s*(?=" + _FEE_LABEL + r"\s*:)", re.IGNORECASE)
_FEE_PART = re.compile(r"^" + _FEE_LABEL + r"\s*:\s*([^()]*?)\s*(?:\((.*)\))?\s*$", re.IGNORECASE | re.DOTALL)
_TIME_PART = re.compile(r"^(-?\d[\d.,]*)?\s*([^()]*?)\s*(?:\((.*)\))?\s*$", re.DOTALL)
# Between the parts of "(Bản chính: 1, Bản sao: 0 …)": "," ";" or a dash, then a label (words, then ":" or a count).
# The separator is kept (captured), so that text that is not a label can be put back where it was.
_PAPER_SPLIT = re.compile(r"(\s*(?:[,;]|\s[–-])\s*)(?=[^\W\d_][^\W\d_\s]*(?:\s+[^\W\d_]+)*\s*(?::|\d))")
_PAPER_COUNT_PART = re.compile(r"^(\D+?)\s*(\d+)$")
_LEGAL_SPLIT = re.compile(r"^(.*?)\s+[–—-](?:\s+(.*))?$", re.DOTALL)
_LEGAL_NO_NUMBER = re.compile(r"^[–—-]\s+(.*)$", re.DOTALL)
_PAPER_LABELS = {
    "ban chinh": "originals",
    "so ban chinh": "originals",
    "ban sao": "copies",
    "so ban sao": "copies",
    "mau": "form_name",
    "mau don": "form_name",
    "to khai": "form_name",
    "mau don to khai": "form_name",
    "ten mau": "form_name",
    "tai mau": "form_url",
    "duong dan": "form_url",
    "url": "form_url",
    "link": "form_url",
}


def _items(text: str) -> list[str]:
    """The items of a multi-line cell: one per line; a line starting with a space or tab continues the one above."""
    items: list[str] = []
    for line in _NEWLINE.split(text or ""):
        if items and line[:1] in (" ", "\t"):
            items[-1] += "\n" + line[1:]
        elif line.strip():
            items.append(line)
    return [item.strip() for item in items if item.strip()]


def _list_cell(text: str) -> list[str]:
    """Applicants, agencies, results: one per line, or "; "-separated on a single line."""
    text = text or ""
    # Any line break counts, as records.lines() reads the stored column back (Word's \v, \u2028…).
    parts = text.splitlines() if "\n" in text or len(text.splitlines()) > 1 else text.split(";")
    return [part.strip(" -•\t") for part in parts if part.strip(" -•\t")]


def _unmark(item: str) -> tuple[str, bool]:
    """(item without its leading mark, whether it had one); a marked line is never a case header."""
    match = _MARK.match(item)
    if match:
        return item[match.end() :].strip(), True
    return item, False


def _paper_counts(text: str) -> tuple[int, str] | None:
    """(where it starts, what it holds) of the closing "(Bản chính: 1, Bản sao: 0 …)" of a paper line, if any.

    Brackets are paired, so a form name in brackets ("Mẫu: TK1 (Thông tư 04)") stays inside.
    """
    text = text.rstrip()
    depth = 0
    for index in range(len(text) - 1, -1, -1) if text.endswith(")") else ():
        depth += {")": 1, "(": -1}.get(text[index], 0)
        if depth == 0:
            inside = text[index + 1 : -1]
            return (index, inside) if re.search(r"\bban (chinh|sao)\s*(:|\d)", _key(inside)) else None
    return None


def _case_header(item: str) -> str | None:
    """The case named by an unmarked line ("Trường hợp …", "… :"), or None when it is an ordinary item."""
    if item.endswith(":"):
        return item[:-1].strip()
    if _key(item).startswith("truong hop") and not item.endswith("."):
        return item
    return None


def _steps(text: str) -> list[dict]:
    cases: list[dict] = []
    for item in _items(text):
        step, marked = _unmark(item)
        case = None if marked else _case_header(item)
        if case is not None:
            cases.append({"case": case, "steps": []})
            continue
        if not step:
            continue  # a lone "Bước 3:" or "-"
        if not cases:
            cases.append({"case": "", "steps": []})
        cases[-1]["steps"].append(step)
    return cases


def _fee_pieces(text: str) -> list[str]:
    """The time part, then each fee part: split at "; Phí:" outside brackets (a description may hold one)."""
    pieces, start = [], 0
    for match in _FEE_SPLIT.finditer(text):
        before = text[start : match.start()]
        if before.count("(") <= before.count(")"):
            pieces.append(before)
            start = match.end()
    return [*pieces, text[start:]]


def _methods(text: str, errors: list[str]) -> list[dict]:
    methods = []
    for number, item in enumerate(_items(text), start=1):
        where = f"Cách thức thực hiện thứ {number}"
        item = _BULLET.sub("", item, count=1)
        label, _colon, rest = item.partition(":")
        channel = parse_channel(label)
        if channel is None:
            errors.append(
                f"{where}: kênh “{label.strip()}” không rõ (Trực tiếp, Trực tuyến hoặc Bưu chính công ích, "
                "viết trước dấu hai chấm, ví dụ “Trực tiếp: 01 ngày làm việc; Lệ phí: 8.000 đồng”)."
            )
            continue
        pieces = _fee_pieces(rest.strip())
        time_part, fee_parts = pieces[0], pieces[1:]
        if _FEE_PART.match(time_part):
            time_part, fee_parts = "", [time_part, *fee_parts]
        problems: list[str] = []
        time_match = _TIME_PART.match(time_part)
        time, unit, time_note = "", "ngày làm việc", ""
        if time_match is None:
            problems.append(
                f"không đọc được thời hạn “{time_part}” (viết số và đơn vị, mô tả để trong ngoặc đơn, "
                "ví dụ “01 ngày làm việc (trong ngày nếu nộp trước 15 giờ)”)."
            )
        else:
            amount, unit_text, note = time_match.groups()
            time = parse_time(amount, problems)
            unit = parse_unit(unit_text)
            if unit is None:
                problems.append(
                    f"đơn vị thời gian “{unit_text}” không rõ (ngày làm việc, ngày, giờ làm việc, giờ, tháng, năm; "
                    "mô tả để trong ngoặc đơn)."
                )
                unit = "ngày làm việc"
            time_note = (note or "").strip()
        fees = []
        for part in fee_parts:
            fee_match = _FEE_PART.match(part.strip())
            if fee_match is None:
                problems.append(f"không đọc được phí “{part.strip()}” (ví dụ đúng: “Lệ phí: 8.000 đồng (mô tả)”).")
                continue
            amount_text, note = fee_match.groups()
            if _key(amount_text) in ("mien phi", "mien", "khong"):
                amount_text = "0"
            fees.append({"amount": parse_fee(amount_text, problems), "note": (note or "").strip()})
        errors.extend(f"{where}: {_lower_first(problem)}" for problem in problems)
        methods.append({"channel": int(channel), "time": time, "unit": unit, "time_note": time_note, "fees": fees})
    return methods


def _paper(item: str, errors: list[str], where: str) -> dict:
    name, _marked = _unmark(item)
    paper = {"name": name, "originals": 1, "copies": 0, "form_name": "", "form_url": "", "form": None}
    counts = _paper_counts(name)
    if counts:
        start, inside = counts
        paper["name"] = name[:start].strip()
        paper["originals"] = paper["copies"] = 0
        pieces = _PAPER_SPLIT.split(inside.strip())  # part, separator, part, …
        text_key = None  # a form name or link being read: a piece without a label of its own belongs to it
        for index in range(0, len(pieces), 2):
            part = pieces[index]
            label, colon, value = part.partition(":")
            count = None if colon else _PAPER_COUNT_PART.match(part.strip())
            if count and _PAPER_LABELS.get(_key(count.group(1))) in ("originals", "copies"):
                label, colon, value = count.group(1), ":", count.group(2)  # "Bản chính 1"
            key = _PAPER_LABELS.get(_key(label)) if colon else None
            if key is None and text_key:
                # "Mẫu: Tờ khai - Mẫu 01", "Mẫu: TK1, ban hành kèm …"
                paper[text_key] = (paper[text_key] + pieces[index - 1] + part).strip()
                continue
            text_key = key if key in ("form_name", "form_url") else None
            if key is None:
                errors.append(
                    f"{where}: không hiểu “{part.strip()}” trong ngoặc (dùng “Bản chính: 1, Bản sao: 0, Mẫu: tên tệp, "
                    "Tải mẫu: đường dẫn”)."
                )
            elif key in ("originals", "copies"):
                label_text = "Số bản chính" if key == "originals" else "Số bản sao"
                problems: list[str] = []
                paper[key] = parse_count(value, label_text, problems)
                errors.extend(f"{where}: {problem}" for problem in problems)
            else:
                paper[key] = value.strip()
    if not paper["name"]:
        errors.append(f"{where}: thiếu tên giấy tờ.")
    return paper


def _dossier(text: str, errors: list[str]) -> list[dict]:
    cases: list[dict] = []
    for number, item in enumerate(_items(text), start=1):
        _name, marked = _unmark(item)
        case = None if marked or _paper_counts(item) else _case_header(item)
        if case is not None:
            cases.append({"case": case, "papers": []})
            continue
        if not cases:
            cases.append({"case": "", "papers": []})
        cases[-1]["papers"].append(_paper(item, errors, f"Thành phần hồ sơ, mục thứ {number}"))
    return cases


def _legal_basis(text: str) -> list[dict]:
    documents = []
    for item in _items(text):
        item = _BULLET.sub("", item, count=1).strip()
        no_number = _LEGAL_NO_NUMBER.match(item)
        split = None if no_number else _LEGAL_SPLIT.match(item)
        if no_number:
            number, title = "", no_number.group(1)
        elif split:
            number, title = split.group(1), split.group(2) or ""
        else:
            number, title = "", item
        if number.strip() or title.strip():
            documents.append({"number": number.strip(), "title": title.strip()})
    return documents


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def record_from_flat(values: dict[str, str]) -> tuple[dict, list[str]]:
    """(record, errors) for one row of the flat layout (column name -> cell text)."""
    errors: list[str] = []

    def text(column: str) -> str:
        return (values.get(column) or "").strip()

    online_level = parse_online_level(text("mucDoDichVuCong"))
    if online_level is None:
        errors.append(
            f"Mức dịch vụ công trực tuyến “{text('mucDoDichVuCong')}” không hợp lệ (toàn trình, một phần, không)."
        )
    status = parse_status(text("tinhTrang"))
    if status is None:
        errors.append(f"Tình trạng “{text('tinhTrang')}” không hợp lệ (Còn hiệu lực, Đã bãi bỏ).")
    methods = _methods(values.get("cachThucThucHien", ""), errors)
    dossier = _dossier(values.get("thanhPhanHoSo", ""), errors)
    requirements = text("yeuCauDieuKienThucHien")
    record = {
        "code": text("maThuTuc"),
        "name": text("tenThuTuc"),
        "field": text("linhVuc"),
        "field_code": text("maLinhVuc"),
        "level": text("capThucHien") or "Cấp xã",
        "publisher_code": text("coQuanCongBo"),
        "agency": _list_cell(values.get("coQuanThucHien", "")) or [DEFAULT_AGENCY],
        "applicants": _list_cell(values.get("doiTuongThucHien", "")),
        "results": _list_cell(values.get("ketQuaThucHien", "")),
        "requirements": "" if _key(requirements) in ("", "khong") else requirements,
        "steps": _steps(values.get("trinhTuThucHien", "")),
        "methods": methods,
        "dossier": dossier,
        "legal_basis": _legal_basis(values.get("canCuPhapLy", "")),
        "online_level": online_level or OnlineLevel.NONE,
        "status": status or ProcedureStatus.ACTIVE,
        "updated_on": parse_date(text("ngayCapNhat"), errors),
    }
    if (
        online_level == OnlineLevel.NONE
        and not text("mucDoDichVuCong")
        and any(m["channel"] == Channel.ONLINE for m in methods)
    ):
        record["online_level"] = OnlineLevel.PARTIAL  # same rule as the national layout
    return record, validate_record(record) + errors


# --- Checks shared by both layouts --------------------------------------------------------------


def _extra_checks(record: dict) -> list[str]:
    errors = []
    for name, (limit, label) in _MAX_LENGTHS.items():
        if len(record.get(name) or "") > limit:
            errors.append(f"{label} dài quá {limit} ký tự.")
    for number, method in enumerate(record.get("methods") or [], start=1):
        time = method.get("time")
        if time and (Decimal(time) >= 100_000 or -Decimal(time).as_tuple().exponent > 1):
            errors.append(
                f"Cách thức thực hiện thứ {number}: thời hạn “{time}” phải nhỏ hơn 100.000 và có tối đa "
                "một chữ số thập phân."
            )
    return errors


def _collect(checked: list[tuple[str, str, dict, list[str]]]) -> list[dict]:
    """Records when all are good; otherwise ImportRejected listing every problem with its position."""
    problems: list[str] = []
    seen_codes: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    for position, position_lower, record, errors in checked:
        code = record.get("code") or ""
        where = f"{position} (mã {code})" if code else position
        if code and code in seen_codes:
            errors = [*errors, f"trùng mã thủ tục với {seen_codes[code]}."]
        elif code and record.get("name"):
            slug = procedure_slug(record["name"], code)
            if slug in seen_slugs:
                errors = [
                    *errors,
                    f"trùng đường dẫn trang “{slug}” với {seen_slugs[slug]} (mã chỉ khác chữ hoa/thường).",
                ]
            seen_slugs.setdefault(slug, position_lower)
        if code:
            seen_codes.setdefault(code, position_lower)
        problems.extend(f"{where}: {error}" for error in errors)
    if problems:
        raise ImportRejected(problems)
    return [record for _position, _lower, record, _errors in checked]


# --- The import -----------------------------------------------------------------------------


def import_catalogue(
    province,
    path_or_file,
    *,
    dry_run: bool = False,
    user=None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> services.CataloguePlan:
    """Read, check and plan (dry run) or apply a catalogue file for a province.

    Nothing is written when the file has any problem (ImportFileError / ImportRejected) or on a dry run.
    """
    records = read_catalogue_file(path_or_file)
    if dry_run:
        return services.catalogue_plan(province, records)
    return services.catalogue_apply(province, records, user=user, progress=progress)


# --- Export -------------------------------------------------------------------------------------

_STATUS_TEXT = {ProcedureStatus.ACTIVE: "Còn hiệu lực", ProcedureStatus.ABOLISHED: "Đã bãi bỏ"}
_ONLINE_TEXT = {OnlineLevel.FULL: "Toàn trình", OnlineLevel.PARTIAL: "Một phần", OnlineLevel.NONE: "Không"}


def _date_text(iso: str) -> str:
    return datetime.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


def national_from_record(record: dict) -> dict:
    """A record in the national API layout; record_from_national() reads it back unchanged."""
    return {
        "MATTHC": record["code"],
        "TENTTHC": record["name"],
        "MACOQUANCONGBO": record["publisher_code"],
        "CAPTHUCHIEN": record["level"],
        "LINHVUCTHUCHIEN": [{"MALINHVUC": record["field_code"], "TENLINHVUC": record["field"]}],
        "TRINHTUTHUCHIEN": [
            {"TRUONGHOP": case["case"], "TRINHTU": [{"TENTRINHTU": step} for step in case["steps"]]}
            for case in record["steps"]
        ],
        "CACHTHUCTHUCHIEN": [
            {
                "KENH": method["channel"],
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": method["time"],
                        "DONVITINH": method["unit"],
                        "MOTA": method["time_note"],
                        "PHILEPHI": [
                            {"SOTIEN": str(fee["amount"]), "DONVI": "Đồng", "MOTA": fee["note"]}
                            for fee in method["fees"]
                        ],
                    }
                ],
            }
            for method in record["methods"]
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": case["case"],
                "GIAYTO": [
                    {
                        "TENGIAYTO": paper["name"],
                        "SOBANCHINH": str(paper["originals"]),
                        "SOBANSAO": str(paper["copies"]),
                        "TENMAUDON": paper.get("form_name", ""),
                        "URL": paper.get("form_url", ""),
                    }
                    for paper in case["papers"]
                ],
            }
            for case in record["dossier"]
        ],
        "DOITUONGTHUCHIEN": [{"TENDOITUONG": name} for name in record["applicants"]],
        "KETQUATHUCHIEN": [{"TENKETQUA": name} for name in record["results"]],
        "CANCUPHAPLY": [{"SOVANBAN": d["number"], "TENVANBAN": d["title"]} for d in record["legal_basis"]],
        "COQUANTHUCHIEN": [{"TENDONVI": name} for name in record["agency"]],
        "YEUCAU": record["requirements"] or "Không",
        "MUCDO": _ONLINE_TEXT[record["online_level"]],
        "TRANGTHAI": _STATUS_TEXT[record["status"]],
        "NGAYCAPNHAT": _date_text(record.get("updated_on") or ""),
    }


def _continued(text: str) -> str:
    """An item that spans lines, written so that _items() reads it back as one item."""
    return text.replace("\r\n", "\n").replace("\n", "\n\t")


def _case_line(case: str) -> str:
    return _continued(case) + ":"


def _flat_steps(cases: list[dict]) -> str:
    lines = []
    for index, case in enumerate(cases):
        if case["case"] or index or not case["steps"]:
            lines.append(_case_line(case["case"]))
        lines += [f"Bước {n}: {_continued(step)}" for n, step in enumerate(case["steps"], start=1)]
    return "\n".join(lines)


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def _flat_methods(methods: list[dict]) -> str:
    lines = []
    for method in methods:
        when = time_display(method) or (method["unit"] if method["unit"] != "ngày làm việc" else "")
        if method["time_note"]:
            when = f"{when} ({method['time_note']})".strip()
        parts = [when] if when else []
        for fee in method["fees"]:
            parts.append(f"Phí, lệ phí: {_money(fee['amount'])}" + (f" ({fee['note']})" if fee["note"] else ""))
        lines.append(_continued(f"{CHANNEL_NAMES[method['channel']]}: " + "; ".join(parts)).rstrip())
    return "\n".join(lines)


def _flat_dossier(cases: list[dict]) -> str:
    lines = []
    for index, case in enumerate(cases):
        if case["case"] or index or not case["papers"]:
            lines.append(_case_line(case["case"]))
        for paper in case["papers"]:
            details = [f"Bản chính: {paper['originals']}", f"Bản sao: {paper['copies']}"]
            if paper.get("form_name"):
                details.append(f"Mẫu: {paper['form_name']}")
            if paper.get("form_url"):
                details.append(f"Tải mẫu: {paper['form_url']}")
            lines.append(_continued(f"- {paper['name']} ({', '.join(details)})"))
    return "\n".join(lines)


def _flat_legal(documents: list[dict]) -> str:
    lines = []
    for document in documents:
        if document["number"]:
            line = f"{document['number']} – {document['title']}".rstrip(" ")
        elif re.search(r"\s[–—-](\s|$)", document["title"]) or document["title"][:1] in "-–—•+*":
            line = f"- – {document['title']}"  # no number, but a dash in the title: say so explicitly
        else:
            line = document["title"]
        lines.append(_continued(line))
    return "\n".join(lines)


def _flat_list(items: list[str]) -> str:
    text = "\n".join(items)
    return text + "\n" if len(items) == 1 and ";" in text else text  # one item with ";": keep it one


def flat_row_from_record(record: dict) -> dict[str, str]:
    """A record as one row of the flat layout (column -> cell text); record_from_flat() reads it back unchanged."""
    return {
        "maThuTuc": record["code"],
        "tenThuTuc": record["name"],
        "capThucHien": record["level"],
        "linhVuc": record["field"],
        "trinhTuThucHien": _flat_steps(record["steps"]),
        "cachThucThucHien": _flat_methods(record["methods"]),
        "thanhPhanHoSo": _flat_dossier(record["dossier"]),
        "doiTuongThucHien": _flat_list(record["applicants"]),
        "coQuanThucHien": _flat_list(record["agency"]),
        "ketQuaThucHien": _flat_list(record["results"]),
        "canCuPhapLy": _flat_legal(record["legal_basis"]),
        "yeuCauDieuKienThucHien": record["requirements"] or "Không",
        "maLinhVuc": record["field_code"],
        "mucDoDichVuCong": _ONLINE_TEXT[record["online_level"]].lower(),
        "tinhTrang": _STATUS_TEXT[record["status"]],
        "ngayCapNhat": _date_text(record.get("updated_on") or ""),
        "coQuanCongBo": record["publisher_code"],
    }


def catalogue_records(province) -> list[dict]:
    return [p.record for p in Procedure.objects.filter(province=province).order_by("code")]


def export_records(records: list[dict], fmt: str) -> bytes:
    """Records as a file: "json" (national layout), "csv" (UTF-8 with BOM, for Excel) or "xlsx"."""
    if fmt == "json":
        data = {"data": [national_from_record(r) for r in records]}
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    rows = [flat_row_from_record(r) for r in records]
    if fmt == "csv":
        out = io.StringIO(newline="")
        writer = csv.DictWriter(out, fieldnames=FLAT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        return _xlsx(rows)
    raise ValueError(f"Định dạng “{fmt}” không hỗ trợ (json, csv, xlsx).")


def _xlsx(rows: list[dict[str, str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)  # streaming: 2,000 rows in well under a second
    sheet = workbook.create_sheet("Thủ tục hành chính")
    widths = {"tenThuTuc": 40, "trinhTuThucHien": 60, "cachThucThucHien": 60, "thanhPhanHoSo": 60, "canCuPhapLy": 40}
    for index, name in enumerate(FLAT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 18)
    sheet.freeze_panes = "C2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value: str, **style) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        c.data_type = "s"  # text even when it looks like a number (1.000890) or a formula
        for key, value in style.items():
            setattr(c, key, value)
        return c

    sheet.append([cell(name, font=bold) for name in FLAT_COLUMNS])
    for row in rows:
        sheet.append([cell(row[name], alignment=wrap) for name in FLAT_COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_catalogue(province, fmt: str) -> bytes:
    """The province's whole catalogue (abolished procedures too), ready to re-import unchanged."""
    return export_records(catalogue_records(province), fmt)


# --- Synthetic records for benchmarks ---------------------------------------------------------------

_FIELDS = [
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
    ("BTXH", "Bảo trợ xã hội"),
    ("NCC", "Người có công"),
    ("DD", "Đất đai"),
    ("HKD", "Hộ kinh doanh"),
    ("HGCS", "Hòa giải cơ sở"),
    ("TG", "Tôn giáo"),
    ("NCN", "Nuôi con nuôi"),
    ("TDKT", "Thi đua – Khen thưởng"),
    ("GDDT", "Giáo dục và Đào tạo"),
    ("VH", "Văn hóa"),
]
_ACTIONS = [
    "Đăng ký",
    "Cấp",
    "Cấp lại",
    "Điều chỉnh",
    "Xác nhận",
    "Thay đổi, cải chính",
    "Gia hạn",
    "Thu hồi",
    "Công nhận",
]
_OBJECTS = [
    "giấy khai sinh",
    "giấy chứng nhận kết hôn",
    "hộ kinh doanh",
    "trợ cấp xã hội hằng tháng",
    "thông tin cư trú",
    "quyền sử dụng đất",
    "sinh hoạt tôn giáo tập trung",
    "hương ước, quy ước",
    "danh hiệu gia đình văn hóa",
    "hòa giải viên",
    "chế độ ưu đãi người có công",
    "nhóm trẻ độc lập",
    "giám hộ",
    "nuôi con nuôi trong nước",
    "bản sao từ sổ gốc",
    "chữ ký trong giấy tờ, văn bản",
    "hỗ trợ chi phí mai táng",
    "lễ hội truyền thống",
]
_QUALIFIERS = [
    "",
    "",
    " cho người cao tuổi",
    " có yếu tố nước ngoài",
    " lưu động",
    " cho trẻ em dưới 6 tuổi",
    " kết hợp",
]
_STEP_TEXTS = [
    "Người có yêu cầu nộp hồ sơ tại Bộ phận Một cửa của UBND cấp xã hoặc nộp trên Cổng Dịch vụ công quốc gia.",
    "Công chức tiếp nhận kiểm tra tính đầy đủ của hồ sơ; hồ sơ chưa đầy đủ thì hướng dẫn bổ sung một lần.",
    "Công chức chuyên môn thẩm định hồ sơ, trình Chủ tịch UBND cấp xã xem xét, quyết định.",
    "Chủ tịch UBND cấp xã ký kết quả giải quyết thủ tục hành chính.",
    "Bộ phận Một cửa trả kết quả cho người có yêu cầu và thu phí, lệ phí (nếu có).",
    "Niêm yết công khai tại trụ sở UBND cấp xã trong thời hạn 05 ngày làm việc.",
    "Lấy ý kiến của trưởng thôn, tổ dân phố nơi người có yêu cầu cư trú.",
    "Cập nhật kết quả vào cơ sở dữ liệu chuyên ngành và thông báo cho người có yêu cầu.",
]
_PAPERS = [
    "Tờ khai theo mẫu",
    "Đơn đề nghị theo mẫu",
    "Giấy tờ tùy thân của người có yêu cầu",
    "Giấy tờ chứng minh nơi cư trú",
    "Văn bản ủy quyền (trường hợp ủy quyền thực hiện thủ tục)",
    "Bản sao giấy chứng nhận quyền sử dụng đất",
    "Giấy xác nhận của cơ sở y tế",
    "Biên bản họp của thôn, tổ dân phố",
    "Sơ yếu lý lịch có xác nhận",
    "Giấy tờ chứng minh thuộc đối tượng được hưởng chính sách",
]
_LAWS = [
    ("60/2014/QH13", "Luật Hộ tịch"),
    ("123/2015/NĐ-CP", "Nghị định quy định chi tiết một số điều của Luật Hộ tịch"),
    ("23/2015/NĐ-CP", "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính"),
    ("20/2021/NĐ-CP", "Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội"),
    ("31/2024/QH15", "Luật Đất đai"),
    ("01/2021/NĐ-CP", "Nghị định về đăng ký doanh nghiệp"),
    ("02/2023/QH15", "Luật Tín ngưỡng, tôn giáo"),
    ("118/2025/NĐ-CP", "Nghị định về thực hiện thủ tục hành chính theo cơ chế một cửa"),
]
_TIME_NOTES = [
    "",
    "",
    "Trong ngày nếu nộp trước 15 giờ.",
    "Không kể thời gian niêm yết.",
    "Cộng thêm thời gian chuyển phát.",
]
_FEE_NOTES = ["", "Miễn phí đối với người thuộc hộ nghèo.", "Theo Nghị quyết của HĐND tỉnh.", "Lệ phí cấp bản sao."]


def synthetic_national_records(count: int, seed: int = 2026) -> list[dict]:
    """`count` varied but realistic records in the national layout, codes 1.900000 upwards (deterministic)."""
    if not 0 < count <= 100_000:
        raise ValueError("count must be between 1 and 100,000")
    rng = random.Random(seed)
    records = []
    for n in range(count):
        field_code, field_name = rng.choice(_FIELDS)
        name = f"{rng.choice(_ACTIONS)} {rng.choice(_OBJECTS)}{rng.choice(_QUALIFIERS)}"
        case_names = (
            [""] if rng.random() < 0.8 else ["Trường hợp nộp hồ sơ trực tiếp", "Trường hợp nộp hồ sơ trực tuyến"]
        )
        steps = [
            {
                "TRUONGHOP": case,
                "TRINHTU": [{"TENTRINHTU": text} for text in rng.sample(_STEP_TEXTS, rng.randint(3, 6))],
            }
            for case in case_names
        ]
        channels = sorted(rng.sample([1, 2, 3], rng.randint(1, 3)))
        time = rng.choice(["1", "3", "5", "7", "10", "15", "20", "0.5"])
        methods = [
            {
                "KENH": channel,
                "THOIGIAN": [
                    {
                        "THOIGIANGIAIQUYET": time,
                        "DONVITINH": rng.choice(["Ngày làm việc"] * 4 + ["Ngày", "Giờ làm việc"]),
                        "MOTA": rng.choice(_TIME_NOTES),
                        "PHILEPHI": [
                            {
                                "SOTIEN": str(rng.choice([0, 0, 8000, 20000, 50000, 100000])),
                                "DONVI": "Đồng",
                                "MOTA": rng.choice(_FEE_NOTES),
                            }
                            for _ in range(rng.randint(1, 2))
                        ],
                    }
                ],
            }
            for channel in channels
        ]
        papers = [
            {
                "TENGIAYTO": paper,
                "SOBANCHINH": str(rng.choice([1, 1, 0])),
                "SOBANSAO": str(rng.choice([0, 1, 2])),
                "TENMAUDON": f"mau-{n % 97:02d}.docx" if paper.endswith("theo mẫu") else "",
                "URL": "",
            }
            for paper in rng.sample(_PAPERS, rng.randint(2, 6))
        ]
        online = rng.choice(["Toàn trình", "Một phần", "Một phần", "Không"]) if 2 in channels else "Không"
        records.append(
            {
                "MATTHC": f"1.9{n:05d}",
                "TENTTHC": name,
                "MACOQUANCONGBO": rng.choice(["BTP", "BLDTBXH", "BNV", "BTNMT", "UBND tỉnh"]),
                "CAPTHUCHIEN": rng.choice(["Cấp Xã"] * 8 + ["Cấp Tỉnh", "Cấp Xã, Cấp Tỉnh"]),
                "LINHVUCTHUCHIEN": [{"MALINHVUC": field_code, "TENLINHVUC": field_name}],
                "TRINHTUTHUCHIEN": steps,
                "CACHTHUCTHUCHIEN": methods,
                "THANHPHANHOSO": [{"TRUONGHOP": "", "GIAYTO": papers}],
                "DOITUONGTHUCHIEN": [
                    {"TENDOITUONG": t}
                    for t in rng.sample(["Công dân Việt Nam", "Cá nhân", "Tổ chức", "Hộ gia đình"], rng.randint(1, 2))
                ],
                "KETQUATHUCHIEN": [{"TENKETQUA": f"Quyết định hoặc giấy xác nhận về {name[0].lower()}{name[1:]}"}],
                "CANCUPHAPLY": [{"SOVANBAN": a, "TENVANBAN": b} for a, b in rng.sample(_LAWS, rng.randint(1, 3))],
                "COQUANTHUCHIEN": [{"TENDONVI": "Ủy ban nhân dân cấp xã"}],
                "YEUCAU": rng.choice(["Không", "Không", "Người có yêu cầu cư trú trên địa bàn xã."]),
                "MUCDO": online,
                "TRANGTHAI": "Còn hiệu lực" if rng.random() < 0.97 else "Đã bãi bỏ",
                "NGAYCAPNHAT": (datetime.date(2025, 7, 1) + datetime.timedelta(days=rng.randint(0, 480))).strftime(
                    "%d/%m/%Y"
                ),
            }
        )
    return records
