"""Move each commune's procedure pages into its province's catalogue plus the commune's local details.

The first commune's text of a code becomes the catalogue entry; every commune keeps its own
local details, featured flag and video links. Province admins get the catalogue permissions.
"""

from itertools import groupby

from django.db import migrations

from pages.procedures.records import apply_record, derived_fields, lines, normal_time

CATALOGUE_PERMS = ("add_procedure", "change_procedure", "delete_procedure", "view_procedure")


def _record(page):
    steps = [
        {"case": case, "steps": [s.description for s in items]}
        for case, items in groupby(page.steps.order_by("sort_order"), key=lambda s: s.case)
    ]
    dossier = [
        {
            "case": case,
            "papers": [
                {
                    "name": d.name,
                    "originals": d.originals,
                    "copies": d.copies,
                    "form_name": "",
                    "form_url": "",
                    "form": d.form_id,
                }
                for d in items
            ],
        }
        for case, items in groupby(page.dossier_items.order_by("sort_order"), key=lambda d: d.case)
    ]
    methods = [
        {
            "channel": m.channel,
            "time": normal_time(m.processing_time),
            "unit": m.time_unit,
            "time_note": m.time_description,
            "fees": [{"amount": m.fee, "note": m.fee_description}],
        }
        for m in page.methods.order_by("sort_order")
    ]
    legal = []
    for line in lines(page.legal_basis):
        number, _sep, title = line.partition(" – ")
        legal.append({"number": number.strip(), "title": title.strip()} if title else {"number": "", "title": line})
    return {
        "code": page.code,
        "name": page.title,
        "field": page.field,
        "field_code": "",
        "level": page.level,
        "publisher_code": "",
        "agency": [page.implementing_agency],
        "applicants": lines(page.applicants),
        "results": lines(page.result),
        "requirements": page.requirements,
        "steps": steps,
        "methods": methods,
        "dossier": dossier,
        "legal_basis": legal,
        "online_level": page.online_level,
        "status": page.status,
        "updated_on": "",
    }


def _grant_catalogue_perms(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("procedures")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    Permission = apps.get_model("auth", "Permission")
    Province = apps.get_model("sites", "Province")
    perms = list(Permission.objects.filter(content_type__app_label="procedures", codename__in=CATALOGUE_PERMS))
    for province in Province.objects.exclude(admins_group=None).select_related("admins_group"):
        province.admins_group.permissions.add(*perms)


def forwards(apps, schema_editor):
    _grant_catalogue_perms(apps)
    ProcedurePage = apps.get_model("procedures", "ProcedurePage")
    Procedure = apps.get_model("procedures", "Procedure")
    CommuneProcedure = apps.get_model("procedures", "CommuneProcedure")
    Commune = apps.get_model("sites", "Commune")
    VideoPageProcedure = apps.get_model("videos", "VideoPageProcedure")

    pages = list(ProcedurePage.objects.order_by("path"))
    if not pages:
        return
    homes = [(c.home_page.path, c) for c in Commune.objects.exclude(home_page=None).select_related("home_page")]
    entries = {}
    for page in pages:
        commune = next((c for path, c in homes if page.path.startswith(path)), None)
        if commune is None:
            continue
        procedure = Procedure.objects.filter(province_id=commune.province_id, code=page.code).first()
        if procedure is None:
            procedure = Procedure(province_id=commune.province_id)
            apply_record(procedure, _record(page))
            for name, value in derived_fields(procedure).items():
                setattr(procedure, name, value)
            procedure.save()
        entry, _ = CommuneProcedure.objects.get_or_create(
            commune=commune,
            procedure=procedure,
            defaults={
                "is_featured": page.is_featured,
                "submission_place": page.submission_place,
                "opening_hours": page.opening_hours,
                "officer_name": page.officer_name,
                "officer_phone": page.officer_phone,
                "local_notes": page.local_notes,
            },
        )
        entries[page.pk] = entry

    for link in VideoPageProcedure.objects.all():
        entry = entries.get(link.procedure_id)
        if entry is None:
            link.delete()
        else:
            link.procedure_entry = entry
            link.save(update_fields=["procedure_entry"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0003_catalogue"),
        ("videos", "0003_procedure_link_entry"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
