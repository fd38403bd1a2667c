"""Vordering.uuid for the REST API. Added nullable, filled per row, then made unique: an AddField
with a callable default would give every existing claim the same value."""

import uuid

from django.db import migrations, models


def vullen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # One statement for hundreds of thousands of claims (gen_random_uuid: PostgreSQL 13+).
        schema_editor.execute(
            "UPDATE inningen_vordering SET uuid = gen_random_uuid() WHERE uuid IS NULL"
        )
        return
    Vordering = apps.get_model("inningen", "Vordering")
    for pk in Vordering.objects.filter(uuid=None).values_list("pk", flat=True).iterator():
        Vordering.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("inningen", "0018_verwerking_betrokkene")]

    operations = [
        migrations.AddField(
            model_name="vordering",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(vullen, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="vordering",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
