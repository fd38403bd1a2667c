# Issue #16: helper E (terugbetalen van een ontvangst zonder debiteur).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0015_tegoed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="betaling",
            name="status",
            field=models.CharField(
                choices=[
                    ("toegerekend", "Volledig toegerekend"),
                    ("ongematcht", "Werklijst: handmatig matchen"),
                    ("geparkeerd", "Geparkeerd"),
                    ("terugbetalen", "Terug te betalen"),
                    ("tegoed", "Tegoed (overbetaling)"),
                    ("teruggeboekt", "Teruggeboekt (storno)"),
                    ("storno", "Storno / terugboeking"),
                    ("genegeerd", "Geen ontvangst (afschrijving)"),
                    ("overlap", "Overlap: al ingelezen van een ander afschrift"),
                    ("dubbel", "Dubbel (bevestigd, niet geboekt)"),
                    ("terugbetaald", "Terugbetaald"),
                ],
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="terugbetaling",
            name="debiteur",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="terugbetalingen",
                to="inningen.debiteur",
            ),
        ),
        migrations.AddConstraint(
            model_name="terugbetaling",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("debiteur__isnull", False), ("betaling__isnull", False), _connector="OR"
                ),
                name="terugbetaling_zonder_debiteur_betaling",
            ),
        ),
    ]
