"""The seven real commune-level procedures, with local details, for each demo commune. Idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from pages.guidance.demo import minimal_pdf
from sites.text import vn_slugify

from .models import ProcedureIndexPage, ProcedurePage
from .national import procedure_from_record

DEMO_FILE = Path(__file__).parent / "demo_data" / "procedures.json"
FEATURED = {"1.001193", "1.000894", "2.000815"}
OFFICERS = {
    "Hộ tịch": "Công chức Tư pháp – Hộ tịch",
    "Chứng thực": "Công chức Tư pháp – Hộ tịch",
    "Bảo trợ xã hội": "Công chức Văn hóa – Xã hội",
    "Hộ kinh doanh": "Công chức Kinh tế",
}


def demo_records() -> list[dict]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))["data"]


def _form_document(commune, form_name: str, paper_name: str):
    """A small PDF standing in for the official form (the demo ships no Word files)."""
    Document = get_document_model()
    title = paper_name
    existing = Document.objects.filter(collection=commune.collection, title=title).first()
    if existing:
        return existing
    stem = Path(form_name).stem or vn_slugify(paper_name)
    pdf = minimal_pdf([paper_name, "", "Mau don dung thu (demo)."])
    file = ContentFile(pdf, name=f"{vn_slugify(stem)}.pdf")
    document = Document(title=title, file=file, collection=commune.collection)
    document._set_document_file_metadata()  # size and hash, as Wagtail's upload form does
    document.save()
    return document


def seed_commune(commune) -> None:
    """Add the demo procedures this commune's procedures section does not have yet."""
    if commune.home_page_id is None:
        return
    index = ProcedureIndexPage.objects.child_of(commune.home_page).first()
    if index is None:
        return
    existing = set(ProcedurePage.objects.child_of(index).values_list("code", flat=True))
    for record in demo_records():
        if record["MATTHC"] in existing:
            continue
        page = procedure_from_record(record)
        page.slug = vn_slugify(f"{page.title[:60]} {page.code}")
        page.is_featured = page.code in FEATURED
        page.submission_place = f"Bộ phận Một cửa, {commune.agency_name}, {commune.province.name}"
        page.opening_hours = "Sáng 7h30–11h30, chiều 13h30–17h00, từ thứ Hai đến thứ Sáu (trừ ngày lễ, Tết)"
        page.officer_name = OFFICERS.get(page.field, "Công chức Văn phòng – Thống kê")
        page.officer_phone = "0208 3 800 000"
        forms = {p["TENGIAYTO"].strip(): p.get("TENMAUDON", "") for g in record["THANHPHANHOSO"] for p in g["GIAYTO"]}
        for item in page.dossier_items.all():
            if forms.get(item.name):
                item.form = _form_document(commune, forms[item.name], item.name)
        index.add_child(instance=page)
        page.save_revision().publish()
