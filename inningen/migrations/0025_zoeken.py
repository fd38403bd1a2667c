"""Search by any word of a debtor's name (#19): the zoekwoorden column, filled for every debtor
(zoeknaam again too: fold() now also folds ø, ı, ł, ß...), and on PostgreSQL a pg_trgm GIN index
that serves LIKE '% word%'. SQLite (the embedded default) searches the column without it."""

from django.db import migrations, models

from inningen.debiteuren.models.debiteur import compute_zoekwoorden, fold

NAAMVELDEN = (
    "voornamen", "voorletters", "voorvoegsel_geslachtsnaam", "geslachtsnaam",
    "voorvoegsel_geslachtsnaam_partner", "geslachtsnaam_partner", "voornamen_aanschrijving",
    "geslachtsnaam_aanschrijving", "statutaire_naam",
)  # fmt: skip
BLOK = 5000
INDEX = "debiteur_zoekwoorden_trgm"


def _waarden(rij: dict) -> tuple[str, str]:
    namen = (rij["geslachtsnaam"], rij["geslachtsnaam_partner"], rij["statutaire_naam"])
    zoeknaam = fold(" ".join(p for p in namen if p))[:500]
    return zoeknaam, compute_zoekwoorden(*(rij[v] for v in NAAMVELDEN))


def vullen(apps, schema_editor):
    # The same Python functions as Debiteur.save(): one folding, whatever the database.
    Debiteur = apps.get_model("inningen", "Debiteur")
    connection = schema_editor.connection
    laatste = 0
    while True:
        rijen = list(
            Debiteur.objects.filter(pk__gt=laatste).order_by("pk").values("pk", *NAAMVELDEN)[:BLOK]
        )
        if not rijen:
            return
        laatste = rijen[-1]["pk"]
        waarden = [(r["pk"], *_waarden(r)) for r in rijen]
        if connection.vendor == "postgresql":
            # One UPDATE per block with arrays; bulk_update's CASE per row is slow at 200,000.
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE inningen_debiteur d SET zoeknaam = v.zn, zoekwoorden = v.zw "
                    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS v(id, zn, zw) "
                    "WHERE d.id = v.id",
                    [[w[0] for w in waarden], [w[1] for w in waarden], [w[2] for w in waarden]],
                )
        else:
            objecten = [Debiteur(pk=pk, zoeknaam=zn, zoekwoorden=zw) for pk, zn, zw in waarden]
            Debiteur.objects.bulk_update(objecten, ["zoeknaam", "zoekwoorden"], batch_size=100)


def index_maken(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON inningen_debiteur "
        "USING gin (zoekwoorden gin_trgm_ops)"
    )


def index_verwijderen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0024_opvolging"),
    ]

    operations = [
        migrations.AddField(
            model_name="debiteur",
            name="zoekwoorden",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(vullen, migrations.RunPython.noop),
        migrations.RunPython(index_maken, index_verwijderen),
    ]
