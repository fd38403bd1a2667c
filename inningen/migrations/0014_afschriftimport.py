# Issue #16: helper B (inlezen op de achtergrond).
"""Afschriftimport: an uploaded statement file imported by a task; and the beat entry of the
sweep that recovers imports of a lost worker or queueing (every minute, created only when
missing so a beheerder's changes stay)."""

import django.db.models.deletion
import inningen.betalingen.models.afschriftimport
from django.conf import settings
from django.db import migrations, models


def sweep_inplannen(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minuut, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name="Bankafschriften: vastgelopen imports opnieuw aanbieden",
        defaults={"task": "inningen.tasks.afschriftimport_opruimen", "interval": minuut},
    )


def sweep_verwijderen(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task="inningen.tasks.afschriftimport_opruimen"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0013_afschrift_identiteit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="Afschriftimport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("door", models.CharField(max_length=150)),
                ("bestandsnaam", models.CharField(blank=True, max_length=255)),
                ("bestand", models.FileField(blank=True, max_length=200, upload_to=inningen.betalingen.models.afschriftimport.bestand_pad)),
                ("grootte", models.PositiveBigIntegerField(default=0, verbose_name="grootte (bytes)")),
                ("sha256", models.CharField(db_index=True, max_length=64)),
                ("status", models.CharField(choices=[("wachtrij", "In de wachtrij"), ("bezig", "Bezig met inlezen"), ("klaar", "Ingelezen"), ("mislukt", "Mislukt, niets ingelezen")], default="wachtrij", max_length=8)),
                ("verwerkt", models.PositiveIntegerField(default=0, verbose_name="posten verwerkt")),
                ("totaal", models.PositiveIntegerField(default=0, verbose_name="posten totaal")),
                ("samenvatting", models.TextField(blank=True)),
                ("resultaat", models.JSONField(blank=True, default=dict)),
                ("foutmelding", models.TextField(blank=True)),
                ("pogingen", models.PositiveSmallIntegerField(default=0)),
                ("aangemaakt", models.DateTimeField(auto_now_add=True)),
                ("ingepland", models.DateTimeField(blank=True, null=True)),
                ("gestart", models.DateTimeField(blank=True, null=True)),
                ("bijgewerkt", models.DateTimeField(blank=True, null=True)),
                ("afgerond", models.DateTimeField(blank=True, null=True)),
                ("geupload_door", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("organisatie", models.ForeignKey(blank=True, help_text="De organisatie van de rekening van het afschrift; bekend na het inlezen.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="afschriftimporten", to="inningen.organisatie")),
            ],
            options={
                "verbose_name": "afschriftimport",
                "verbose_name_plural": "afschriftimporten",
                "ordering": ["-aangemaakt", "-pk"],
                "indexes": [models.Index(condition=models.Q(("status__in", ["wachtrij", "bezig"])), fields=["status", "bijgewerkt"], name="afschriftimport_actief")],
                "constraints": [models.UniqueConstraint(condition=models.Q(("status__in", ["wachtrij", "bezig"])), fields=("sha256",), name="afschriftimport_een_actief_per_bestand")],
            },
        ),
        migrations.RunPython(sweep_inplannen, sweep_verwijderen),
    ]
