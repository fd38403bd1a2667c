# The index behind the "zelfde bedrag" suggestion of manual matching (issue #16).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0016_terugbetaling_zonder_debiteur"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="vordering",
            index=models.Index(
                condition=models.Q(("openstaand_bedrag__gt", 0)),
                fields=["organisatie", "openstaand_bedrag"],
                name="vordering_org_open_bedrag",
            ),
        ),
    ]
