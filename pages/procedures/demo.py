"""The seven real commune-level procedures: the province catalogue once, local details per commune. Idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from pages.guidance.demo import minimal_pdf
from sites.text import vn_slugify

from .models import CommuneProcedure, Procedure
from .national import record_from_national
from .services import catalogue_apply, commune_procedures_ensure

DEMO_FILE = Path(__file__).parent / "demo_data" / "procedures.json"
FEATURED = {"1.001193", "1.000894", "2.000815"}
OFFICERS = {
    "Hộ tịch": "Công chức Tư pháp – Hộ tịch",
    "Chứng thực": "Công chức Tư pháp – Hộ tịch",
    "Bảo trợ xã hội": "Công chức Văn hóa – Xã hội",
    "Hộ kinh doanh": "Công chức Kinh tế",
}


def demo_records() -> list[dict]:
    raw = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["data"]
    return [record_from_national(item)[0] for item in raw]


def _form_document(province, form_name: str, paper_name: str):
    """A small PDF standing in for the official form (the demo ships no Word files), in the province's folder."""
    Document = get_document_model()
    existing = Document.objects.filter(collection=province.collection, title=paper_name).first()
    if existing:
        return existing
    stem = Path(form_name).stem or vn_slugify(paper_name)
    pdf = minimal_pdf([paper_name, "", "Mau don dung thu (demo)."])
    document = Document(
        title=paper_name, file=ContentFile(pdf, name=f"{vn_slugify(stem)}.pdf"), collection=province.collection
    )
    document._set_document_file_metadata()  # size and hash, as Wagtail's upload form does
    document.save()
    return document


def seed_catalogue(province) -> None:
    if Procedure.objects.filter(province=province).exists():
        return
    records = demo_records()
    for record in records:
        for case in record["dossier"]:
            for paper in case["papers"]:
                if paper["form_name"]:
                    paper["form"] = _form_document(province, paper["form_name"], paper["name"]).pk
    catalogue_apply(province, records)


def seed_commune(commune) -> None:
    """List the catalogue's commune-level procedures on this commune, with its own local details."""
    seed_catalogue(commune.province)
    commune_procedures_ensure(commune)
    for entry in CommuneProcedure.objects.filter(commune=commune, submission_place="").select_related("procedure"):
        entry.is_featured = entry.procedure.code in FEATURED
        entry.submission_place = f"Bộ phận Một cửa, {commune.agency_name}, {commune.province.name}"
        entry.opening_hours = "Sáng 7h30–11h30, chiều 13h30–17h00, từ thứ Hai đến thứ Sáu (trừ ngày lễ, Tết)"
        entry.officer_name = OFFICERS.get(entry.procedure.field, "Công chức Văn phòng – Thống kê")
        entry.officer_phone = "0208 3 800 000"
        entry.save()
