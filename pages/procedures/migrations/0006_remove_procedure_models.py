# The per-commune procedure models are gone: their content lives in the catalogue (0004).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0005_delete_procedure_pages"),
        ("videos", "0004_procedure_link_to_catalogue"),
        ("sites", "0003_vietnamese_sort_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="proceduremethod",
            name="page",
        ),
        migrations.RemoveField(
            model_name="procedurepage",
            name="page_ptr",
        ),
        migrations.RemoveField(
            model_name="procedurestep",
            name="page",
        ),
        migrations.DeleteModel(
            name="DossierItem",
        ),
        migrations.DeleteModel(
            name="ProcedureMethod",
        ),
        migrations.DeleteModel(
            name="ProcedurePage",
        ),
        migrations.DeleteModel(
            name="ProcedureStep",
        ),
    ]
