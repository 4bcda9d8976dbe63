"""Public views of one commune's procedure, routed by ProcedureIndexPage.

Each view reads the catalogue record as plain data (Procedure.record) and the commune's own
details; the detail page costs a fixed number of queries whatever the procedure holds.
"""

from __future__ import annotations

import io
import json
import zoneinfo

import segno
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from wagtail.documents import get_document_model

from .models import NATIONAL_PORTAL_URL, Channel, render_gone
from .records import CHANNEL_NAMES, time_display, vnd
from .structured_data import procedure_json_ld, script_json

VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
# A printed QR code of ~3 cm: 10 px per module is about 250 dpi for a version-5 code.
QR_SCALE = 10
QR_BORDER = 4  # the quiet zone the QR standard asks for, in modules
QR_MAX_AGE = 24 * 3600
JSON_MAX_AGE = 10 * 60


def _forms_by_id(record: dict) -> dict:
    ids = {p["form"] for case in record["dossier"] for p in case["papers"] if p.get("form")}
    if not ids:
        return {}
    return get_document_model().objects.in_bulk(ids)


def _legal_links(index_page, record: dict) -> dict:
    """Legal-basis numbers that are guiding documents published on this commune's site -> their URL."""
    from pages.guidance.models import GuidingDocumentPage, number_key

    keys = {number_key(d["number"]): d["number"] for d in record["legal_basis"] if d["number"]}
    if not keys or index_page.commune is None:
        return {}
    found = (
        GuidingDocumentPage.objects.live()
        .public()
        .filter(path__startswith=index_page.path[: -index_page.steplen])  # the commune's home, without loading it
        .filter(number_key__in=keys)
        .only("pk", "url_path", "number_key", "path", "depth")
    )
    return {keys[doc.number_key]: doc.url for doc in found}


def detail_context(request, index_page, entry) -> dict:
    """Everything the detail page and the printable sheet show, as plain data."""
    procedure = entry.procedure
    record = procedure.record
    forms = _forms_by_id(record)
    dossier = [
        {
            "case": case["case"],
            "papers": [{**paper, "form_document": forms.get(paper.get("form"))} for paper in case["papers"]],
        }
        for case in record["dossier"]
    ]
    methods = [
        {
            **method,
            "channel_name": CHANNEL_NAMES.get(method["channel"], ""),
            "time_display": time_display(method),
            "fees_display": [{**fee, "text": vnd(fee["amount"])} for fee in method["fees"]],
        }
        for method in record["methods"]
    ]
    links = _legal_links(index_page, record)
    legal_basis = [{**doc, "url": links.get(doc["number"], "")} for doc in record["legal_basis"]]
    from pages.models import identity_for
    from pages.videos.models import VideoPage

    videos = (
        VideoPage.objects.live().public().filter(linked_procedures__procedure=entry).order_by("-first_published_at")
    )

    commune = index_page.commune
    full_url = index_page.procedure_url(entry, request, full=True)
    identity = identity_for(commune, request)
    return {
        "entry": entry,
        "procedure": procedure,
        "record": record,
        "dossier": dossier,
        "methods": methods,
        "legal_basis": legal_basis,
        "has_online_method": any(m["channel"] == Channel.ONLINE for m in record["methods"]),
        "videos": list(videos.only("pk", "title", "url_path", "path", "depth")),
        "procedure_url": index_page.procedure_url(entry, request),
        "procedure_full_url": full_url,
        "print_url": index_page.get_url(request) + index_page.reverse_subpage("print_sheet", args=[procedure.slug]),
        "qr_url": index_page.get_url(request) + index_page.reverse_subpage("qr_code", args=[procedure.slug]),
        "json_ld": script_json(
            procedure_json_ld(entry=entry, record=record, url=full_url, commune=commune, identity=identity)
        ),
        "meta_override": {
            "title": procedure.name,
            "description": (
                f"Thủ tục {procedure.name} (mã {procedure.code}) tại {index_page.commune.full_name}: "
                "giấy tờ cần mang, nơi nộp, thời hạn, lệ phí, các bước và nộp trực tuyến."
            ),
            "url": full_url,
            "type": "article",
        },
    }


def procedure_detail(request, index_page, entry):
    if not entry.procedure.is_active:
        return render_gone(request, index_page, entry)
    context = index_page.get_context(request)
    context.update(detail_context(request, index_page, entry))
    return TemplateResponse(request, "procedures/procedure_detail.html", context)


def procedure_print_sheet(request, index_page, entry):
    """The A4 sheet the one-stop office pins on its notice board (niêm yết): the site's content, no site chrome."""
    if not entry.procedure.is_active:
        return render_gone(request, index_page, entry)  # nothing to post for a procedure no longer in force
    from pages.models import identity_for

    context = detail_context(request, index_page, entry)
    identity = identity_for(index_page.commune, request)
    context.update(
        commune=index_page.commune,
        identity=identity,
        agency_name=(identity.agency_name if identity and identity.agency_name else index_page.commune.agency_name),
        printed_on=timezone.now().astimezone(VIETNAM).date(),
        national_portal_host=NATIONAL_PORTAL_URL.removeprefix("https://"),
    )
    response = TemplateResponse(request, "procedures/procedure_print.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, boost_error=False).save(
        buffer, kind="png", scale=QR_SCALE, border=QR_BORDER
    )
    return buffer.getvalue()


def procedure_qr_code(request, index_page, entry):
    """A PNG QR code of the procedure's address on this commune's site, for the printed sheet."""
    if not entry.procedure.is_active:
        response = HttpResponse(
            "Thủ tục này đã bị bãi bỏ, không còn mã QR.", status=410, content_type="text/plain; charset=utf-8"
        )
        patch_cache_control(response, no_cache=True)
        return response
    response = HttpResponse(qr_png(index_page.procedure_url(entry, request, full=True)), content_type="image/png")
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE)
    return response


def listing_data(request, index_page) -> dict:
    """The commune's procedures in force as open data (a fixed number of queries)."""
    commune = index_page.commune
    base = index_page.get_full_url(request)
    procedures = []
    for entry in index_page.entries():
        procedure = entry.procedure
        record = procedure.record
        procedures.append(
            {
                "code": procedure.code,
                "name": procedure.name,
                "field": procedure.field,
                "url": base + index_page.reverse_subpage("detail", args=[procedure.slug]),
                "online_level": procedure.online_level,
                "national_portal_url": procedure.national_portal_url,
                "methods": [
                    {
                        "channel": method["channel"],
                        "channel_name": CHANNEL_NAMES.get(method["channel"], ""),
                        "time": method["time"],
                        "unit": method["unit"],
                        "time_note": method["time_note"],
                        "fees": method["fees"],
                    }
                    for method in record["methods"]
                ],
                "local": {
                    "submission_place": entry.submission_place,
                    "opening_hours": entry.opening_hours,
                    "officer_name": entry.officer_name,
                    "officer_phone": entry.officer_phone,
                },
                "updated_on": record["updated_on"],
            }
        )
    return {
        "commune": commune.full_name if commune else "",
        "province": commune.province.name if commune else "",
        "url": base,
        "generated_at": timezone.now().astimezone(VIETNAM).replace(microsecond=0).isoformat(),
        "count": len(procedures),
        "procedures": procedures,
    }


def procedure_json_listing(request, index_page):
    """du-lieu.json: public open data, readable from any origin."""
    body = json.dumps(listing_data(request, index_page), ensure_ascii=False, indent=1)
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=JSON_MAX_AGE)
    return response
