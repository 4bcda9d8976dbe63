"""A province's oversight report: one row per real commune, filtered and sorted, as the dashboard shows it.

The dashboard's table, the XLSX and the CSV are all made from `table(report)`, so they carry the same numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils import timezone

from sites.models import Commune, Province
from sites.text import search_words

from .compliance import Compliance, compliance
from .selectors import Metrics, MonthTotal, Period, commune_metrics, disclosure_stats_for, monthly_totals, with_homes


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True


COLUMNS = (
    Column("name", "Xã/phường", numeric=False),
    Column("news", "Tin bài đăng"),
    Column("documents", "Văn bản đăng"),
    Column("procedures", "Thủ tục niêm yết"),
    Column("disclosures_posted", "Công khai đã đăng"),
    Column("disclosures_late", "Công khai đăng muộn"),
    Column("missing_groups", "Nhóm công khai còn thiếu"),
    Column("last_update", "Cập nhật lần cuối", numeric=False),
    Column("review_overdue", "Quá hạn rà soát"),
    Column("satisfaction", "Hài lòng (%)"),
    Column("views", "Lượt xem"),
    Column("score", "Điểm tuân thủ"),
)
COLUMN_KEYS = [c.key for c in COLUMNS]


@dataclass
class Row:
    commune: Commune
    metrics: Metrics
    compliance: Compliance

    def value(self, key: str):
        """The cell as stored in exports: numbers as numbers, a date as dd/mm/yyyy, no value as None."""
        m = self.metrics
        if key == "name":
            return self.commune.full_name
        if key == "missing_groups":
            return len(m.missing_groups)
        if key == "last_update":
            return timezone.localtime(m.last_update).strftime("%d/%m/%Y") if m.last_update else None
        if key == "score":
            return self.compliance.score
        return getattr(m, key)

    def sort_key(self, key: str):
        if key == "name":
            return self.commune.sort_name
        if key == "last_update":
            return self.metrics.last_update.timestamp() if self.metrics.last_update else None
        return self.value(key)

    @property
    def has_problems(self) -> bool:
        return self.compliance.has_problems or self.metrics.review_overdue > 0


@dataclass
class Filters:
    """What narrows and orders the rows (the dashboard's form, the CLI's defaults)."""

    query: str = ""
    score_min: int | None = None
    score_max: int | None = None
    problems_only: bool = False
    sort: str = "name"  # a column key, "-" in front for descending

    def matches(self, row: Row) -> bool:
        words = search_words(self.query)
        if words:
            name = " ".join(search_words(f"{row.commune.full_name} {row.commune.hostname}"))
            if not all(word in name for word in words):
                return False
        score = row.compliance.score
        if self.score_min is not None and score < self.score_min:
            return False
        if self.score_max is not None and score > self.score_max:
            return False
        return not self.problems_only or row.has_problems


@dataclass
class Report:
    province: Province
    period: Period
    filters: Filters
    rows: list[Row]
    total_communes: int
    months: list[MonthTotal] = field(default_factory=list)

    @property
    def score_bins(self) -> list[tuple[str, int]]:
        """How many of the shown communes score 0–9, 10–19, … 90–100."""
        counts = [0] * 10
        for row in self.rows:
            counts[min(row.compliance.score // 10, 9)] += 1
        return [(f"{10 * i}–{10 * i + 9 if i < 9 else 100}", n) for i, n in enumerate(counts)]


def province_communes(province: Province):
    """The real communes of a province (practice sites of training workshops are never reported)."""
    return with_homes(Commune.objects.real().filter(province=province)).order_by("sort_name", "kind")


def province_communes_for(provinces):
    """The real communes of several provinces (what one user oversees)."""
    return with_homes(Commune.objects.real().filter(province__in=provinces))


def province_report(province: Province, period: Period, filters: Filters | None = None, *, chart=True) -> Report:
    """Every real commune's figures and score for the period, then filtered and sorted."""
    filters = filters or Filters()
    communes = list(province_communes(province))
    disclosures = disclosure_stats_for(communes, period)
    metrics = commune_metrics(communes, period, disclosures=disclosures)
    scores = compliance(
        communes,
        period=period,
        disclosures=disclosures,
        procedures={pk: m.procedures for pk, m in metrics.items()},
    )
    rows = [Row(c, metrics[c.pk], scores[c.pk]) for c in communes]
    rows = [row for row in rows if filters.matches(row)]
    rows = sort_rows(rows, filters.sort)
    months = monthly_totals([row.commune for row in rows], period) if chart else []
    return Report(province, period, filters, rows, len(communes), months)


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    key = sort.lstrip("-")
    if key not in COLUMN_KEYS:
        key = "name"
    descending = sort.startswith("-")
    present = [r for r in rows if r.sort_key(key) is not None]
    missing = [r for r in rows if r.sort_key(key) is None]  # no value: always last
    present.sort(key=lambda r: (r.sort_key(key), r.commune.sort_name), reverse=descending)
    return present + missing


# --- The same numbers as a file ------------------------------------------------------------------------


def table(report: Report) -> tuple[list[str], list[list]]:
    """Headers and rows, the cells as values (the dashboard formats them, the files store them)."""
    return [c.label for c in COLUMNS], [[row.value(key) for key in COLUMN_KEYS] for row in report.rows]


def _title(report: Report) -> str:
    return f"Giám sát trang thông tin các xã – {report.province.name} – {report.period.label}"


def to_csv(report: Report) -> bytes:
    """UTF-8 with a byte order mark, so Excel opens the Vietnamese letters right."""
    headers, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    headers, rows = table(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Giám sát"
    sheet.append([_title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{len(rows)}/{report.total_communes} xã/phường; lập ngày {timezone.localdate():%d/%m/%Y}"])
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[4]:
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B5"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HEADER_ROW = 4  # where the XLSX table starts (1-based), for readers of the file


def export(report: Report, fmt: str) -> bytes:
    return to_xlsx(report) if fmt == "xlsx" else to_csv(report)


def filename(report: Report, fmt: str) -> str:
    return f"giam-sat-{report.province.slug}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{fmt}"
