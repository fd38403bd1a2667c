# Issue #16: helper A (afschriftidentiteit, overlap, afschrijvingen).
#
# A statement is no longer unique by the bank's id per account (de Volksbank repeats
# ":20:0000000000" and ":28C:<day of year>/1" every year) but by a fingerprint of its content.
# Rows imported before this migration have no balances or sequence number stored: they get a
# fingerprint of their id, date and entries ("v0", the same as
# inningen.betalingen.services.afschriften.vingerafdruk_v0), so that importing such a statement
# again is still recognised as a duplicate.
import hashlib
import itertools
import json

import django.db.models.deletion
from django.db import migrations, models

_POSTVELDEN = (
    "boekdatum",
    "valutadatum",
    "bedrag",
    "tegenrekening",
    "naam",
    "omschrijving",
    "betalingskenmerk",
    "eind_tot_eind_id",
    "bank_referentie",
    "retourcode",
)


def _hash(*delen) -> str:
    tekst = json.dumps(delen, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(tekst.encode()).hexdigest()


def vingerafdruk_v0(iban, identificatie, datum, posten) -> str:
    """Kept equal to afschriften.vingerafdruk_v0 (a test checks this)."""
    return _hash("v0", iban, identificatie, datum, [list(p) for p in posten])


def vingerafdrukken_vullen(apps, schema_editor):
    Afschrift = apps.get_model("inningen", "Afschrift")
    Betaling = apps.get_model("inningen", "Betaling")
    # One streaming query for all entries, grouped per statement (no query per statement).
    rijen = (
        Betaling.objects.order_by("afschrift_id", "volgnummer")
        .values_list("afschrift_id", *_POSTVELDEN)
        .iterator(chunk_size=5000)
    )
    posten = {
        pk: [rij[1:] for rij in groep]
        for pk, groep in itertools.groupby(rijen, key=lambda rij: rij[0])
    }
    bijwerken = []
    for a in (
        Afschrift.objects.select_related("bankrekening")
        .only("pk", "identificatie", "datum", "bankrekening__iban")
        .iterator(chunk_size=2000)
    ):
        a.vingerafdruk = vingerafdruk_v0(
            a.bankrekening.iban, a.identificatie, a.datum, posten.get(a.pk, [])
        )
        bijwerken.append(a)
        if len(bijwerken) >= 2000:
            Afschrift.objects.bulk_update(bijwerken, ["vingerafdruk"])
            bijwerken = []
    Afschrift.objects.bulk_update(bijwerken, ["vingerafdruk"])


class Migration(migrations.Migration):
    dependencies = [
        ("inningen", "0012_grootboek_bescherming"),
    ]

    operations = [
        migrations.AddField(
            model_name="afschrift",
            name="aantal_overlap",
            field=models.PositiveIntegerField(
                default=0, verbose_name="posten al ingelezen van een ander afschrift"
            ),
        ),
        migrations.AddField(
            model_name="afschrift",
            name="begindatum",
            field=models.DateField(blank=True, null=True, verbose_name="datum beginsaldo"),
        ),
        migrations.AddField(
            model_name="afschrift",
            name="beginsaldo",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="beginsaldo (cent)"),
        ),
        migrations.AddField(
            model_name="afschrift",
            name="einddatum",
            field=models.DateField(blank=True, null=True, verbose_name="datum eindsaldo"),
        ),
        migrations.AddField(
            model_name="afschrift",
            name="eindsaldo",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="eindsaldo (cent)"),
        ),
        migrations.AddField(
            model_name="afschrift",
            name="vingerafdruk",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="afschrift",
            name="volgnummer",
            field=models.CharField(blank=True, max_length=35),
        ),
        migrations.AddField(
            model_name="betaling",
            name="overlap_met",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="overlappingen",
                to="inningen.betaling",
            ),
        ),
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
                ],
                max_length=12,
            ),
        ),
        migrations.AddIndex(
            model_name="betaling",
            index=models.Index(fields=["organisatie", "boekdatum"], name="betaling_org_boekdatum"),
        ),
        migrations.RunPython(vingerafdrukken_vullen, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="afschrift",
            name="uniek_afschrift_per_rekening",
        ),
        migrations.AddConstraint(
            model_name="afschrift",
            constraint=models.UniqueConstraint(
                fields=("bankrekening", "vingerafdruk"),
                name="uniek_afschrift_inhoud_per_rekening",
            ),
        ),
    ]
