# Issue #16: helper C (tegoed verrekenen en terugbetalen).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0014_afschriftimport"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="brief",
            name="soort",
            field=models.CharField(
                choices=[
                    ("factuur", "Factuur"),
                    ("herinnering", "Herinnering"),
                    ("aanmaning", "Aanmaning"),
                    ("14dagenbrief", "Veertiendagenbrief"),
                    ("dwangbevel", "Dwangbevel"),
                    ("overdracht", "Mededeling overdracht"),
                    ("regeling", "Bevestiging betalingsregeling"),
                    ("regeling_herinnering", "Herinnering termijn betalingsregeling"),
                    ("regeling_vervallen", "Betalingsregeling vervallen"),
                    ("verrekening", "Verrekening tegoed"),
                ],
                max_length=24,
            ),
        ),
        migrations.CreateModel(
            name="Terugbetaalbestand",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uitvoerdatum", models.DateField()),
                ("berichtid", models.CharField(max_length=35, unique=True)),
                ("xml", models.TextField()),
                ("aantal", models.PositiveIntegerField()),
                ("totaal", models.BigIntegerField(verbose_name="totaal (cent)")),
                ("door", models.CharField(max_length=150)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "bankrekening",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetaalbestanden",
                        to="inningen.bankrekening",
                    ),
                ),
                (
                    "organisatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetaalbestanden",
                        to="inningen.organisatie",
                    ),
                ),
            ],
            options={
                "verbose_name": "terugbetaalbestand",
                "verbose_name_plural": "terugbetaalbestanden",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Terugbetaling",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bedrag", models.BigIntegerField(verbose_name="bedrag (cent)")),
                ("iban", models.CharField(max_length=34, verbose_name="IBAN begunstigde")),
                ("naam", models.CharField(max_length=70, verbose_name="naam begunstigde")),
                ("reden", models.CharField(max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("voorgesteld", "Wacht op beoordeling"),
                            ("goedgekeurd", "Goedgekeurd en geboekt"),
                            ("afgewezen", "Afgewezen"),
                        ],
                        default="voorgesteld",
                        max_length=12,
                    ),
                ),
                ("voorgesteld_op", models.DateTimeField(auto_now_add=True)),
                ("beoordeeld_op", models.DateTimeField(blank=True, null=True)),
                ("toelichting_beoordeling", models.CharField(blank=True, max_length=1000)),
                (
                    "eind_tot_eind_id",
                    models.CharField(blank=True, max_length=35, verbose_name="end-to-end-id"),
                ),
                (
                    "beoordeeld_door",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "bestand",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetalingen",
                        to="inningen.terugbetaalbestand",
                    ),
                ),
                (
                    "betaling",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetalingen",
                        to="inningen.betaling",
                    ),
                ),
                (
                    "debiteur",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetalingen",
                        to="inningen.debiteur",
                    ),
                ),
                (
                    "organisatie",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="terugbetalingen",
                        to="inningen.organisatie",
                    ),
                ),
                (
                    "voorgesteld_door",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "terugbetaling",
                "verbose_name_plural": "terugbetalingen",
                "ordering": ["-voorgesteld_op", "-pk"],
                "permissions": [
                    ("beoordelen_terugbetaling", "Mag terugbetalingen goed- of afkeuren"),
                    ("verrekenen_tegoed", "Mag tegoed verrekenen met openstaande vorderingen"),
                ],
                "indexes": [
                    models.Index(fields=["organisatie", "status"], name="terugbetaling_org_status")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("bedrag__gt", 0)), name="terugbetaling_positief"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("beoordeeld_door", models.F("voorgesteld_door")), _negated=True
                        ),
                        name="terugbetaling_vier_ogen",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("bestand__isnull", True), ("status", "goedgekeurd"), _connector="OR"
                        ),
                        name="terugbetaling_bestand_goedgekeurd",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("eind_tot_eind_id", ""), _negated=True),
                        fields=("eind_tot_eind_id",),
                        name="terugbetaling_uniek_e2e",
                    ),
                ],
            },
        ),
    ]
