# Delete the old per-commune procedure pages, now that nothing links to them.

from django.db import migrations


def delete_procedure_pages(apps, schema_editor):
    """Delete the old pages only now: until videos 0004 their links pointed at them and would cascade."""
    ProcedurePage = apps.get_model("procedures", "ProcedurePage")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    pages = list(ProcedurePage.objects.only("pk", "path"))
    if not pages:
        return
    ids = [page.pk for page in pages]
    parents = {page.path[:-4] for page in pages}  # Wagtail's tree steps are 4 characters
    page_type = ContentType.objects.filter(app_label="procedures", model="procedurepage").first()
    if page_type is not None:
        Revision.objects.filter(content_type=page_type, object_id__in=[str(i) for i in ids]).delete()
    Page.objects.filter(pk__in=ids).delete()
    for parent in Page.objects.filter(path__in=parents):
        parent.numchild = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).count()
        parent.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_catalogue_from_pages"),
        ("videos", "0004_procedure_link_to_catalogue"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(delete_procedure_pages, migrations.RunPython.noop)]
