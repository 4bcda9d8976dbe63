import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0004_catalogue_from_pages"),
        ("videos", "0003_procedure_link_entry"),
    ]

    operations = [
        migrations.RemoveField(model_name="videopageprocedure", name="procedure"),
        migrations.RenameField(model_name="videopageprocedure", old_name="procedure_entry", new_name="procedure"),
        migrations.AlterField(
            model_name="videopageprocedure",
            name="procedure",
            field=models.ForeignKey(
                help_text="Chọn thủ tục trong danh sách thủ tục của xã.",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="videos",
                to="procedures.communeprocedure",
                verbose_name="Thủ tục",
            ),
        ),
    ]
