"""Bulk provisioning: many communes from one CSV or Excel file.

The whole file is validated before anything is written; a file with any bad row is refused
as a whole. Then each commune is provisioned in its own transaction (services.commune_provision),
so an interruption leaves only complete communes and running the same file again finishes the rest.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q
from wagtail.models import Site

from pages.search_backend import title_norms_deferred

from . import services
from .models import Commune, Province
from .services import CommuneSpec, ServiceError
from .text import is_valid_hostname, os_error_text, vn_slugify

REQUIRED_COLUMNS = ("province", "province_domain", "kind", "name")
OPTIONAL_COLUMNS = ("code", "hostname", "former_units")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
FORMER_UNITS_SEPARATOR = ";"

_XLSX_MAGIC = b"PK\x03\x04"


class ImportFileError(ServiceError):
    """The file cannot be read as a commune list (missing, not UTF-8, wrong header...)."""


class ImportRejected(ServiceError):
    """Some rows are invalid; nothing was written. `errors` holds one Vietnamese line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(f"Tệp có {len(self.errors)} lỗi, chưa ghi gì vào hệ thống:\n" + "\n".join(self.errors))


@dataclass(frozen=True)
class CommuneRow:
    """One data row of the file, as written (trimmed), with its line number (the header is line 1)."""

    line: int
    province: str = ""
    province_domain: str = ""
    kind: str = ""
    name: str = ""
    code: str = ""
    hostname: str = ""
    former_units: tuple[str, ...] = ()
    extra_cells: int = 0


@dataclass
class ImportReport:
    created: int = 0
    already_present: int = 0
    communes: list[Commune] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.already_present


# --- Reading ------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores "08770" typed as a number as 8770.0
    # Some keyboards and Macs write Vietnamese decomposed (NFD); store the usual composed form.
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _display_name(path_or_file) -> str:
    if isinstance(path_or_file, (str, Path)):
        return str(path_or_file)
    return str(getattr(path_or_file, "name", "") or "tệp tải lên")


def _read_source(path_or_file) -> bytes | str:
    """The file's content: bytes from a path or binary file, str from a text file."""
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise ImportFileError(f"Không tìm thấy tệp “{path}”.") from None
        except IsADirectoryError:
            raise ImportFileError(f"“{path}” là một thư mục, không phải tệp CSV hay Excel.") from None
        except OSError as exc:
            raise ImportFileError(f"Không đọc được tệp “{path}”: {os_error_text(exc)}.") from None
    try:
        return path_or_file.read()
    except OSError as exc:
        raise ImportFileError(f"Không đọc được {_display_name(path_or_file)}: {os_error_text(exc)}.") from None


def _table_from_csv(text: str) -> Iterable[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    last_line = 0
    try:
        for cells in reader:
            yield last_line + 1, cells  # a quoted cell may span lines; report where the row starts
            last_line = reader.line_num
    except csv.Error as exc:
        raise ImportFileError(f"Dòng {reader.line_num}: tệp CSV bị lỗi định dạng ({exc}).") from None


def xlsx_rows(data: bytes, display: str) -> list[tuple[int, list]]:
    """(row number, cells) of the first sheet; the header is row 1, as the spreadsheet shows it."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ImportFileError(f"Không mở được {display} như một tệp Excel (.xlsx).") from None
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def read_commune_rows(path_or_file) -> list[CommuneRow]:
    """Read a commune list from a CSV (UTF-8, with or without BOM) or .xlsx file: a path or an open file.

    Raises ImportFileError (a ServiceError) with a Vietnamese message when the file cannot be used.
    Row contents are not checked here; see validate_rows.
    """
    display = _display_name(path_or_file)
    content = _read_source(path_or_file)
    if isinstance(content, bytes) and content.startswith(_XLSX_MAGIC):
        table = xlsx_rows(content, display)
    else:
        if isinstance(content, bytes):
            try:
                content = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ImportFileError(
                    f"Tệp “{display}” không phải văn bản UTF-8. Hãy lưu lại tệp dạng “CSV UTF-8” "
                    "(trong Excel: Lưu thành → CSV UTF-8) hoặc dùng tệp .xlsx."
                ) from None
        table = _table_from_csv(content)

    rows: list[CommuneRow] = []
    columns = None
    for line, raw in table:
        cells = [_cell(value) for value in raw]
        if columns is None:
            columns = _header(cells, display)
            continue
        if not any(cells):
            continue
        values = {name: cells[index] if index < len(cells) else "" for name, index in columns.items()}
        used = set(columns.values())
        extra = sum(1 for index, value in enumerate(cells) if value and index not in used)
        former = tuple(
            part.strip() for part in values.get("former_units", "").split(FORMER_UNITS_SEPARATOR) if part.strip()
        )
        rows.append(
            CommuneRow(
                line=line,
                province=values["province"],
                province_domain=values["province_domain"],
                kind=values["kind"],
                name=values["name"],
                code=values.get("code", ""),
                hostname=values.get("hostname", ""),
                former_units=former,
                extra_cells=extra,
            )
        )
    if columns is None:
        raise ImportFileError(f"Tệp “{display}” trống: cần có dòng tiêu đề {', '.join(COLUMNS)}.")
    return rows


def _header(cells: list[str], display: str) -> dict[str, int]:
    """Column name -> index; refuses missing, repeated or unknown columns."""
    names = [cell.strip().lower() for cell in cells]
    columns: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in COLUMNS:
            raise ImportFileError(
                f"Dòng 1 của “{display}”: cột “{cells[index]}” không rõ. Các cột hợp lệ: {', '.join(COLUMNS)}."
            )
        if name in columns:
            raise ImportFileError(f"Dòng 1 của “{display}”: cột “{name}” xuất hiện hai lần.")
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise ImportFileError(
            f"Dòng 1 của “{display}”: thiếu cột bắt buộc {', '.join(missing)}. "
            f"Dòng tiêu đề cần có: {', '.join(COLUMNS)}."
        )
    return columns


# --- Validating ---------------------------------------------------------------


_FIELD_LABELS = {
    "province": "tên tỉnh/thành phố (cột province)",
    "province_domain": "tên miền của tỉnh (cột province_domain)",
    "kind": "loại đơn vị (cột kind)",
    "name": "tên xã/phường (cột name)",
}


def _validate(
    rows: list[CommuneRow], *, local_hostnames: bool
) -> tuple[list[tuple[CommuneRow, CommuneSpec]], list[str]]:
    """Every row checked against the others and the database; (row, spec) pairs for the good rows."""
    errors: list[str] = []
    good: list[tuple[CommuneRow, CommuneSpec]] = []
    provinces: dict[str, tuple[Province, int]] = {}  # slug -> (province, first line)
    domain_lines: dict[str, tuple[str, int]] = {}  # province domain -> (province slug, first line)
    seen_communes: dict[tuple[str, str], int] = {}
    seen_hostnames: dict[str, int] = {}
    seen_codes: dict[str, int] = {}

    def fail(row: CommuneRow, message: str) -> None:
        errors.append(f"Dòng {row.line}: {message[:1].upper()}{message[1:]}")

    for row in rows:
        missing = [label for name, label in _FIELD_LABELS.items() if not getattr(row, name)]
        if missing:
            fail(row, "thiếu " + ", ".join(missing) + ".")
            continue
        if row.extra_cells:
            fail(row, f"có {row.extra_cells} ô dữ liệu nằm ngoài các cột của dòng tiêu đề.")
            continue

        province, problem = _province_for(row, provinces, domain_lines)
        if problem:
            fail(row, problem)
            continue

        try:
            spec = services.commune_spec(
                province=province,
                name=row.name,
                kind=row.kind,
                code=row.code,
                hostname=row.hostname or None,
                former_units=row.former_units,
                local_hostnames=local_hostnames,
            )
        except ServiceError as exc:
            fail(row, str(exc))
            continue

        key = (province.slug, spec.slug)
        duplicate = True
        if key in seen_communes:
            full_name = f"{Commune.Kind(spec.kind).label} {spec.name}"
            fail(
                row, f"{full_name} ({province.name}) trùng với dòng {seen_communes[key]}, cùng tỉnh và cùng đường dẫn."
            )
        elif spec.hostname in seen_hostnames or (spec.code and spec.code in seen_codes):
            if spec.hostname in seen_hostnames:
                fail(row, f"tên miền “{spec.hostname}” trùng với dòng {seen_hostnames[spec.hostname]}.")
            if spec.code and spec.code in seen_codes:
                fail(row, f"mã đơn vị hành chính “{spec.code}” trùng với dòng {seen_codes[spec.code]}.")
        else:
            duplicate = False
        seen_communes.setdefault(key, row.line)
        seen_hostnames.setdefault(spec.hostname, row.line)
        if spec.code:
            seen_codes.setdefault(spec.code, row.line)
        if duplicate:
            continue

        try:
            if province.pk:
                services.check_spec_conflicts(spec)
            else:
                _check_new_province_conflicts(spec)
        except ServiceError as exc:
            fail(row, str(exc))
            continue
        good.append((row, spec))
    return good, errors


def _province_for(row, provinces, domain_lines) -> tuple[Province | None, str]:
    """The row's province (saved, or an unsaved stand-in for one the import will create), or an error."""
    name = " ".join(row.province.split())
    slug = vn_slugify(name)
    domain = row.province_domain.strip().lower()
    if not slug:
        return None, f"tên tỉnh “{row.province}” không có chữ cái hay chữ số nào."
    problem = services.province_problem(name, domain)
    if problem:
        return None, problem
    if not is_valid_hostname(domain):
        return None, f"tên miền của tỉnh “{row.province_domain}” không hợp lệ (ví dụ đúng: thainguyen.gov.vn)."
    if slug in provinces:
        province, first_line = provinces[slug]
        if province.domain != domain:
            return None, (
                f"tỉnh “{name}” ghi tên miền “{domain}”, nhưng dòng {first_line} ghi “{province.domain}”. "
                "Mỗi tỉnh chỉ có một tên miền."
            )
        return province, ""
    if domain in domain_lines and domain_lines[domain][0] != slug:
        return None, f"tên miền “{domain}” đã được dòng {domain_lines[domain][1]} dùng cho một tỉnh khác."

    province = Province.objects.filter(slug=slug).first()
    if province is not None and province.domain != domain:
        return None, f"tỉnh “{province.name}” đã có tên miền “{province.domain}” trong hệ thống, không phải “{domain}”."
    if province is None:
        owner = Province.objects.filter(domain=domain).first()
        if owner is not None:
            return None, f"tên miền “{domain}” đã thuộc về tỉnh “{owner.name}” trong hệ thống."
        province = Province(name=name, slug=slug, domain=domain)  # never saved; stands in for validation
    provinces[slug] = (province, row.line)
    domain_lines[domain] = (slug, row.line)
    return province, ""


def _check_new_province_conflicts(spec: CommuneSpec) -> None:
    """check_spec_conflicts for a commune whose province does not exist yet (so neither does the commune)."""
    owner = Commune.objects.select_related("province").filter(hostname=spec.hostname).first()
    if owner or Site.objects.filter(hostname=spec.hostname).exists():
        raise ServiceError(f"Tên miền “{spec.hostname}” đã được dùng cho {owner or 'một trang khác'}.")
    if spec.code and Commune.objects.filter(code=spec.code).exists():
        raise ServiceError(f"Mã đơn vị hành chính “{spec.code}” đã được dùng cho xã/phường khác.")


def validate_rows(rows: list[CommuneRow], *, local_hostnames: bool = False) -> tuple[list[CommuneSpec], list[str]]:
    """Check every row; returns (specs of the good rows, Vietnamese errors starting with "Dòng N: ").

    Writes nothing. Specs of provinces that do not exist yet carry an unsaved Province.
    """
    good, errors = _validate(rows, local_hostnames=local_hostnames)
    return [spec for _, spec in good], errors


def specs_already_present(specs: list[CommuneSpec]) -> int:
    """How many of these communes already exist (for a dry run's report)."""
    query = Q(pk__in=[])
    for spec in specs:
        if spec.province.pk:
            query |= Q(province=spec.province, slug=spec.slug)
    return Commune.objects.filter(query).count()


# --- Importing ----------------------------------------------------------------


def commune_import(
    rows: list[CommuneRow],
    *,
    local_hostnames: bool = False,
    progress: Callable[[], object] | None = None,
) -> ImportReport:
    """Provision every commune of the file, or nothing if any row is bad (raises ImportRejected).

    Each commune is its own transaction: after an interruption the finished communes stay complete,
    and importing the same rows again completes the rest (existing communes are left as they are).
    `progress` is called with no arguments after each commune (a tqdm bar's `update` fits).
    """
    good, errors = _validate(rows, local_hostnames=local_hostnames)
    if errors:
        raise ImportRejected(errors)

    saved: dict[str, Province] = {}
    for _, spec in good:
        if spec.province.slug not in saved:
            saved[spec.province.slug] = services.province_ensure(name=spec.province.name, domain=spec.province.domain)

    report = ImportReport()
    # Search title norms are refreshed once at the end (two scans of the whole index), not once per commune.
    with title_norms_deferred():
        for row, spec in good:
            spec = dataclasses.replace(spec, province=saved[spec.province.slug])
            try:
                commune, created = services.commune_provision(spec)
            except ServiceError as exc:
                raise ServiceError(
                    f"Dòng {row.line}: {exc} Các dòng trước đã được tạo đầy đủ; sửa lỗi rồi nhập lại cùng tệp."
                ) from exc
            if created:
                report.created += 1
            else:
                report.already_present += 1
            report.communes.append(commune)
            if progress is not None:
                progress()
    return report
