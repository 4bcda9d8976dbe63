"""Building catalogue procedures and commune listings for tests, through the same services as the import."""

from __future__ import annotations

import json
from pathlib import Path

from pages.procedures.models import Procedure, ProcedureIndexPage
from pages.procedures.national import record_from_national
from pages.procedures.services import catalogue_apply, procedure_add

# A copy of the national-layout sample (shared/data/tthc-sample.json), so a fresh clone tests with it.
SAMPLE_FILE = Path(__file__).resolve().parent / "data" / "tthc-sample.json"


def sample_records() -> list[dict]:
    return [record_from_national(raw)[0] for raw in json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))["data"]]


def method(channel=1, time="1", fees=((0, ""),), unit="ngày làm việc", note=""):
    return {
        "channel": channel,
        "time": time,
        "unit": unit,
        "time_note": note,
        "fees": [{"amount": amount, "note": fee_note} for amount, fee_note in fees],
    }


def paper(name, originals=1, copies=0, form=None, form_name="", form_url=""):
    return {
        "name": name,
        "originals": originals,
        "copies": copies,
        "form_name": form_name,
        "form_url": form_url,
        "form": form,
    }


def procedure_record(name="Đăng ký khai sinh", code="1.001193", *, methods=(), papers=(), steps=(), **fields) -> dict:
    record = {
        "code": code,
        "name": name,
        "field": "Hộ tịch",
        "field_code": "",
        "level": "Cấp xã",
        "publisher_code": "",
        "agency": ["Ủy ban nhân dân cấp xã"],
        "applicants": ["Công dân Việt Nam"],
        "results": ["Giấy khai sinh"],
        "requirements": "",
        "steps": [{"case": "", "steps": list(steps)}] if steps else [],
        "methods": list(methods),
        "dossier": [{"case": "", "papers": list(papers)}] if papers else [],
        "legal_basis": [],
        "online_level": "none",
        "status": "active",
        "updated_on": "",
    }
    record.update(fields)
    return record


def add_catalogue_procedure(province, name="Đăng ký khai sinh", code="1.001193", **kwargs) -> Procedure:
    """A procedure in the province catalogue (not listed on any commune unless the province has communes)."""
    catalogue_apply(province, [procedure_record(name, code, **kwargs)])
    return Procedure.objects.get(province=province, code=code)


def add_procedure(commune, name="Đăng ký khai sinh", code="1.001193", *, local=None, **kwargs):
    """A catalogue procedure of the commune's province, listed on the commune; returns the CommuneProcedure."""
    procedure = Procedure.objects.filter(province_id=commune.province_id, code=code).first()
    if procedure is None:
        procedure = add_catalogue_procedure(commune.province, name, code, **kwargs)
    entry = procedure_add(commune, procedure)
    for key, value in (local or {}).items():
        setattr(entry, key, value)
    if local:
        entry.save()
    return entry


def procedure_index(commune) -> ProcedureIndexPage:
    return ProcedureIndexPage.objects.child_of(commune.home_page).get()


def detail_path(entry) -> str:
    return f"/thu-tuc-hanh-chinh/{entry.procedure.slug}/"
