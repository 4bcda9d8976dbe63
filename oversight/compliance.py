"""The compliance score of a commune's site against the content the law requires, with what is missing.

A score from 0 to 100: the sum of the points of the checks in CHECKS (weights below, also in
docs/giam-sat.md). A check can give part of its points (3 of 5 introduction pages). Every point lost comes
with a sentence in Vietnamese the province can send the commune as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.html import strip_tags

from pages.sections import INTRODUCTION_PAGES


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    weight: int


# The checks and their weights (they add up to 100).
CHECKS = (
    Check("intro_pages", "Các trang giới thiệu bắt buộc có nội dung (Nghị định 224, Điều 9.1.c)", 30),
    Check("contact_page", "Trang Liên hệ có nội dung", 5),
    Check("disclosure_groups", "Có đủ 13 nhóm nội dung công khai (Luật 10/2022/QH15, Điều 11)", 25),
    Check("disclosure_on_time", "Công khai đúng hạn (trong 5 ngày làm việc kể từ ngày quyết định)", 10),
    Check("identity", "Thông tin chân trang đầy đủ", 20),
    Check("procedures", "Có niêm yết thủ tục hành chính", 10),
)
WEIGHTS = {check.key: check.weight for check in CHECKS}
assert sum(WEIGHTS.values()) == 100

# Footer fields a visitor must be able to find (Decree 224 Art. 9.1.a), with how a message names them.
IDENTITY_FIELDS = (
    ("agency_name", "tên cơ quan"),
    ("responsible_person", "người chịu trách nhiệm nội dung"),
    ("address", "địa chỉ"),
    ("phone", "điện thoại"),
    ("email", "thư điện tử"),
)
CONTACT_TITLE = "Liên hệ"


@dataclass
class Compliance:
    """One commune's score, the points of each check, and the failures spelled out."""

    score: int = 0
    points: dict[str, float] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return bool(self.failures)


def _text(html: str | None) -> str:
    return " ".join(strip_tags(html or "").split())


def _page_problem(title: str, row: dict | None, has_content: bool) -> str:
    if row is None:
        return f"Chưa có trang “{title}”"
    if not row["live"] or row["expired"]:
        return f"Trang “{title}” chưa được xuất bản"
    if not has_content:
        return f"Trang “{title}” chưa có nội dung"
    return ""


def _intro_rows(trees) -> dict[int, dict[str, dict]]:
    """commune id -> {slug: what decides whether that introduction page is there, live and filled}."""
    from pages.models import MapPage, OrganisationPage, StandardPage

    slugs = [section.slug for section in INTRODUCTION_PAGES]
    depth_ok = {commune_id: depth + 2 for commune_id, depth in trees.home_depth.items()}
    found: dict[int, dict[str, dict]] = {}
    pages = StandardPage.objects.filter(slug__in=slugs)
    for commune_id, rows in trees.rows(pages, "pk", "slug", "depth", "live", "expired", "body").items():
        found[commune_id] = {r["slug"]: r for r in rows if r["depth"] == depth_ok.get(commune_id)}
    extras = {}
    organisation = OrganisationPage.objects.filter(slug__in=slugs).annotate(n=Count("leaders"))
    for _commune_id, rows in trees.rows(organisation, "pk", "n", "departments").items():
        for row in rows:
            extras[row["pk"]] = bool(row["n"]) or bool(_text(row["departments"]))
    for _commune_id, rows in trees.rows(MapPage.objects.filter(slug__in=slugs), "pk", "map_image_id").items():
        for row in rows:
            extras[row["pk"]] = row["map_image_id"] is not None
    for pages_of in found.values():
        for row in pages_of.values():
            row["filled"] = bool(_text(row["body"])) or extras.get(row["pk"], False)
    return found


def _contact_rows(trees) -> dict[int, dict]:
    from pages.models import ContactPage

    pages = ContactPage.objects.annotate(n=Count("officials"))
    fields = ("pk", "depth", "live", "expired", "body", "address", "phone", "email", "n")
    found = {}
    for commune_id, rows in trees.rows(pages, *fields).items():
        rows = [r for r in rows if r["depth"] == trees.home_depth.get(commune_id, 0) + 1]
        if rows:
            row = rows[0]
            row["filled"] = bool(row["n"] or row["address"] or row["phone"] or row["email"] or _text(row["body"]))
            found[commune_id] = row
    return found


def _identities(communes) -> dict[int, dict]:
    from pages.models import CommuneIdentity

    by_site = {c.site_id: c.pk for c in communes if c.site_id}
    names = [name for name, _label in IDENTITY_FIELDS]
    rows = CommuneIdentity.objects.filter(site_id__in=list(by_site)).values("site_id", *names)
    return {by_site[row["site_id"]]: row for row in rows}


def group_label(value: str) -> str:
    from pages.disclosures.models import DisclosureGroup

    try:
        return str(DisclosureGroup(value).label)
    except ValueError:
        return value


def compliance(communes, *, period=None, disclosures=None, procedures=None) -> dict[int, Compliance]:
    """commune id -> Compliance, for many communes in a fixed number of queries.

    `communes`: Commune objects or ids. The disclosure figures are those of `period` (default: this year);
    callers that already have them (the dashboard) pass `disclosures` and `procedures` to save the queries.
    """
    from sites.models import Commune

    from .selectors import Trees, active_procedure_counts, disclosure_stats_for, period_for, with_homes

    communes = list(communes)
    if communes and not isinstance(communes[0], Commune):
        communes = list(with_homes(Commune.objects.filter(pk__in=communes)))
    ids = [c.pk for c in communes]
    period = period or period_for()
    trees = Trees(communes)
    intro = _intro_rows(trees)
    contact = _contact_rows(trees)
    identities = _identities(communes)
    disclosures = disclosure_stats_for(communes, period) if disclosures is None else disclosures
    procedures = active_procedure_counts(ids) if procedures is None else procedures
    from pages.disclosures.models import REQUIRED_GROUPS

    required = len(REQUIRED_GROUPS)
    per_page = WEIGHTS["intro_pages"] / len(INTRODUCTION_PAGES)
    per_field = WEIGHTS["identity"] / len(IDENTITY_FIELDS)

    results = {}
    for commune in communes:
        result = Compliance()
        points, failures = result.points, result.failures

        pages = intro.get(commune.pk, {})
        points["intro_pages"] = 0
        for section in INTRODUCTION_PAGES:
            row = pages.get(section.slug)
            problem = _page_problem(section.title, row, bool(row and row["filled"]))
            if problem:
                failures.append(problem)
            else:
                points["intro_pages"] += per_page

        row = contact.get(commune.pk)
        problem = _page_problem(CONTACT_TITLE, row, bool(row and row["filled"]))
        points["contact_page"] = 0 if problem else WEIGHTS["contact_page"]
        if problem:
            failures.append(problem)

        stats = disclosures.get(commune.pk)
        missing = tuple(stats.missing_groups) if stats else tuple(str(g) for g in REQUIRED_GROUPS)
        points["disclosure_groups"] = WEIGHTS["disclosure_groups"] * (required - len(missing)) / required
        if missing:
            names = ", ".join(group_label(g) for g in missing)
            failures.append(f"Chưa công khai {len(missing)}/{required} nhóm nội dung: {names}")
        posted, late = (stats.posted, stats.late) if stats else (0, 0)
        points["disclosure_on_time"] = WEIGHTS["disclosure_on_time"] * ((posted - late) / posted if posted else 1)
        if late:
            failures.append(
                f"{late}/{posted} nội dung công khai trong kỳ {period.label} đăng muộn quá 5 ngày làm việc "
                "kể từ ngày quyết định"
            )

        identity = identities.get(commune.pk, {})
        lacking = [label for name, label in IDENTITY_FIELDS if not (identity.get(name) or "").strip()]
        points["identity"] = per_field * (len(IDENTITY_FIELDS) - len(lacking))
        if lacking:
            failures.append("Thông tin chân trang còn thiếu: " + ", ".join(lacking))

        points["procedures"] = WEIGHTS["procedures"] if procedures.get(commune.pk) else 0
        if not procedures.get(commune.pk):
            failures.append("Chưa niêm yết thủ tục hành chính nào trên trang của xã")

        result.score = round(sum(points.values()))
        results[commune.pk] = result
    return results
