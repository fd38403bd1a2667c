"""The outbound password of a koppeling is stored Fernet-encrypted (issue #15, finding 10).

Renames the column, widens it to text (a token is longer than the password) and encrypts every
existing value with the current key (settings.VERSLEUTELING_SLEUTELS). Reversible: going back
decrypts them again."""

from django.db import migrations, models

from inningen.versleuteling import ontsleutel, versleutel


def _versleutelen(apps, schema_editor):
    Koppeling = apps.get_model("stuffin", "Koppeling")
    for pk, waarde in Koppeling.objects.exclude(uitgaand_wachtwoord_versleuteld="").values_list(
        "pk", "uitgaand_wachtwoord_versleuteld"
    ):
        Koppeling.objects.filter(pk=pk).update(uitgaand_wachtwoord_versleuteld=versleutel(waarde))


def _ontsleutelen(apps, schema_editor):
    Koppeling = apps.get_model("stuffin", "Koppeling")
    for pk, waarde in Koppeling.objects.exclude(uitgaand_wachtwoord_versleuteld="").values_list(
        "pk", "uitgaand_wachtwoord_versleuteld"
    ):
        Koppeling.objects.filter(pk=pk).update(uitgaand_wachtwoord_versleuteld=ontsleutel(waarde))


class Migration(migrations.Migration):
    dependencies = [
        ("stuffin", "0007_bericht_vorderingen"),
    ]

    operations = [
        migrations.RenameField(
            model_name="koppeling",
            old_name="uitgaand_wachtwoord",
            new_name="uitgaand_wachtwoord_versleuteld",
        ),
        migrations.AlterField(
            model_name="koppeling",
            name="uitgaand_wachtwoord_versleuteld",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(_versleutelen, _ontsleutelen, elidable=False),
    ]
