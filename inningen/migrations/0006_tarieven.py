"""Starting values of the dated tables. Functioneel beheer keeps them current in the admin
(docs/invordering.md lists the sources); a run uses the row valid on its date."""

import datetime as dt

from django.db import migrations

D = dt.date
KOSTEN = [
    # soort, geldig_vanaf, drempel, onder, vanaf, maximum, bron
    ("aanmaning", D(2022, 1, 1), 45400, 800, 1800, None, "Kostenwet invordering rijksbelastingen art. 2 (2022)"),
    ("aanmaning_awb", D(2009, 7, 1), 45400, 600, 1400, None, "Awb art. 4:113"),
    ("dwangbevel", D(2022, 1, 1), 45400, 4500, 4500, 1344900, "Kostenwet art. 3 (2022): minimum en maximum"),
]
WIK = {
    "geldig_vanaf": D(2012, 7, 1),
    "schijven": [[250000, 1500], [500000, 1000], [1000000, 500], [20000000, 100], [None, 50]],
    "minimum": 4000,
    "maximum": 677500,
    "bron": "Besluit vergoeding voor buitengerechtelijke incassokosten, art. 2",
}
RENTE = [
    ("wettelijk", D(2015, 7, 1), 200),
    ("wettelijk", D(2023, 1, 1), 400),
    ("wettelijk", D(2023, 7, 1), 600),
    ("wettelijk", D(2024, 1, 1), 700),
    ("wettelijk", D(2025, 1, 1), 600),
    ("handel", D(2023, 1, 1), 1000),
    ("handel", D(2023, 7, 1), 1200),
    ("handel", D(2024, 1, 1), 1250),
    ("invorderingsrente", D(2020, 7, 1), 1),
    ("invorderingsrente", D(2024, 1, 1), 600),
]


def laden(apps, schema_editor):
    Kostentarief = apps.get_model("inningen", "Kostentarief")
    Wikstaffel = apps.get_model("inningen", "Wikstaffel")
    Rentetarief = apps.get_model("inningen", "Rentetarief")
    for soort, vanaf, drempel, onder, boven, maximum, bron in KOSTEN:
        Kostentarief.objects.get_or_create(
            soort=soort,
            geldig_vanaf=vanaf,
            defaults={"drempel": drempel, "bedrag_onder": onder, "bedrag_vanaf": boven,
                      "maximum": maximum, "bron": bron},
        )
    Wikstaffel.objects.get_or_create(geldig_vanaf=WIK["geldig_vanaf"], defaults=WIK)
    for soort, vanaf, pct in RENTE:
        Rentetarief.objects.get_or_create(
            soort=soort, geldig_vanaf=vanaf,
            defaults={"percentage": pct, "bron": "Startwaarde; controleer de actuele publicatie"},
        )


class Migration(migrations.Migration):
    dependencies = [("inningen", "0005_invordering")]

    operations = [migrations.RunPython(laden, migrations.RunPython.noop)]
