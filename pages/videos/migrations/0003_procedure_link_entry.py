# A video links to the commune's listed procedure (catalogue entry), no longer to a procedure page.
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0003_catalogue"),
        ("videos", "0002_videos_and_galleries"),
    ]

    operations = [
        migrations.AddField(
            model_name="videopageprocedure",
            name="procedure_entry",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="procedures.communeprocedure",
            ),
        ),
    ]
