"""Making financial accountability (Verstrek Financiële verantwoording, interactie 7).

Each run claims every not yet accounted Boeking of one organisation up to a date, in one
INSERT … SELECT into VerantwoordeBoeking (unique per Boeking), and condenses what it claimed per
boekingssleutel. Runs of one organisation are serialised by a row lock; numbering is
sequential per organisation; periods are contiguous (a run starts the day after the previous
one ended) and late Boekingen (booked on an earlier date after that period was closed) land in
the next verantwoording.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from inningen.grootboek.models import Boeking
from inningen.organisaties.models import Organisatie
from stuffin.services.uitgaand import verantwoording_enqueue
from verantwoording.models import (
    Boekingssleutel,
    FinancieleVerantwoording,
    OnbekendeCode,
    VerantwoordeBoeking,
    VerantwoordingInstelling,
    Verantwoordingsregel,
)


class VerantwoordingFout(Exception):
    """A verantwoording cannot be made; nothing was created or sent."""


class OngemapteCodes(VerantwoordingFout):
    def __init__(self, organisatie: Organisatie, ontbrekend: list[tuple[str, str]]):
        self.ontbrekend = ontbrekend
        regels = ", ".join(f"{code} ({soort})" for code, soort in ontbrekend)
        super().__init__(
            f"{organisatie}: geen boekingssleutel voor {regels}. Vul de tabel boekingssleutels aan."
        )


class _Leeg(Exception):
    """No Boekingen to account for: roll the (empty) verantwoording back."""


@dataclass(frozen=True, slots=True)
class Sleutelmapping:
    exact: dict[tuple[str, str], str]
    doorgeven: bool

    @classmethod
    def of(cls, organisatie: Organisatie, instelling: VerantwoordingInstelling) -> "Sleutelmapping":
        exact = {
            (m.vorderingcode, m.soort): m.boekingssleutel
            for m in Boekingssleutel.objects.filter(organisatie=organisatie)
        }
        return cls(exact=exact, doorgeven=instelling.onbekende_code == OnbekendeCode.DOORGEVEN)

    def resolve(self, code: str, soort: str) -> str | None:
        for key in ((code, soort), (code, ""), ("", soort)):
            if key in self.exact:
                return self.exact[key]
        return code if self.doorgeven else None


def verantwoording_create(
    *, organisatie: Organisatie, tot: datetime.date, door: str, nu: datetime.datetime | None = None
) -> FinancieleVerantwoording | None:
    """Account for every Boeking of ``organisatie`` booked up to and including ``tot`` that is
    not in an earlier verantwoording. Returns None when there is nothing to account for."""
    try:
        return _create(organisatie=organisatie, tot=tot, door=door, nu=nu or timezone.now())
    except _Leeg:
        return None


@transaction.atomic
def _create(*, organisatie, tot, door, nu) -> FinancieleVerantwoording:
    instelling, _ = VerantwoordingInstelling.objects.get_or_create(organisatie=organisatie)
    # One run per organisation at a time: numbering and periods stay consistent.
    instelling = VerantwoordingInstelling.objects.select_for_update().get(pk=instelling.pk)
    vorige = (
        FinancieleVerantwoording.objects.filter(organisatie=organisatie)
        .order_by("-verantwoordingsnummer")
        .first()
    )
    if vorige and tot <= vorige.einddatum:
        raise VerantwoordingFout(
            f"{organisatie}: verantwoord t/m {vorige.einddatum:%d-%m-%Y}; kies een latere einddatum."
        )
    fvw = FinancieleVerantwoording.objects.create(
        organisatie=organisatie,
        verantwoordingsnummer=(vorige.verantwoordingsnummer if vorige else 0) + 1,
        datum_en_tijd=nu,
        begindatum=vorige.einddatum + datetime.timedelta(days=1) if vorige else tot,
        einddatum=tot,
        door=door,
    )
    groepen = _claim_boekingen(fvw, organisatie, tot)
    if not groepen:
        raise _Leeg
    if vorige is None:
        # (SQLite returns dates from raw SQL as text.)
        fvw.begindatum = min(datetime.date.fromisoformat(str(g["eerste"])) for g in groepen)
    mapping = Sleutelmapping.of(organisatie, instelling)
    per_sleutel: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    ontbrekend = []
    for groep in groepen:
        sleutel = mapping.resolve(groep["boekingssleutel"], groep["soort"])
        if sleutel is None:
            ontbrekend.append((groep["boekingssleutel"], groep["soort"]))
            continue
        totaal = per_sleutel[sleutel]
        for i, veld in enumerate(("incl", "excl", "btw", "n")):
            totaal[i] += groep[veld]
    aantal = sum(g["n"] for g in groepen)
    if ontbrekend:
        raise OngemapteCodes(organisatie, ontbrekend)
    Verantwoordingsregel.objects.bulk_create(
        Verantwoordingsregel(
            verantwoording=fvw,
            boekingssleutel=sleutel,
            bedrag_incl_btw=incl,
            bedrag_excl_btw=excl,
            bedrag_btw=btw,
            aantal_boekingen=n,
        )
        for sleutel, (incl, excl, btw, n) in sorted(per_sleutel.items())
    )
    fvw.aantal_boekingen = aantal
    fvw.save(update_fields=["begindatum", "aantal_boekingen"])
    verantwoording_enqueue(verantwoording=fvw)
    return fvw


def _claim_boekingen(
    fvw: FinancieleVerantwoording, organisatie: Organisatie, tot: datetime.date
) -> list[dict]:
    """Set-based, one statement: claim every unaccounted Boeking up to ``tot`` and condense
    exactly what was claimed per (vorderingcode, soort). One snapshot, so nothing committed in
    between can be claimed without being counted."""
    b, v = Boeking._meta.db_table, VerantwoordeBoeking._meta.db_table
    claim = f"""
        INSERT INTO {v} (boeking_id, verantwoording_id)
        SELECT b.id, %s FROM {b} b
        WHERE b.organisatie_id = %s AND b.boekdatum <= %s
          AND NOT EXISTS (SELECT 1 FROM {v} v WHERE v.boeking_id = b.id)
    """
    condense = f"""
        SELECT b.boekingssleutel, b.soort, SUM(b.bedrag_incl_btw), SUM(b.bedrag_excl_btw),
               SUM(b.bedrag_btw), COUNT(*), MIN(b.boekdatum)
        FROM {{bron}} JOIN {b} b ON b.id = g.boeking_id
        GROUP BY b.boekingssleutel, b.soort ORDER BY b.boekingssleutel, b.soort
    """
    params = [fvw.pk, organisatie.pk, tot]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH geclaimd AS ({claim} RETURNING boeking_id) "
                + condense.format(bron="geclaimd g"),
                params,
            )
        else:
            # SQLite has no writing CTEs; it also serialises writers, so two statements are safe.
            cursor.execute(claim, params)
            cursor.execute(
                condense.format(
                    bron=f"(SELECT boeking_id FROM {v} WHERE verantwoording_id = %s) g"
                ),
                [fvw.pk],
            )
        kolommen = ("boekingssleutel", "soort", "incl", "excl", "btw", "n", "eerste")
        return [dict(zip(kolommen, rij, strict=True)) for rij in cursor.fetchall()]


def periode_einde(frequentie: str, vandaag: datetime.date) -> datetime.date:
    """The last day of the most recent complete period for a frequency."""
    if frequentie == "dag":
        return vandaag - datetime.timedelta(days=1)
    if frequentie == "week":
        return vandaag - datetime.timedelta(days=vandaag.isoweekday())  # last Sunday
    return vandaag.replace(day=1) - datetime.timedelta(days=1)  # last day of previous month


def verantwoording_scheduled(
    *, organisatie: Organisatie, vandaag: datetime.date | None = None
) -> str:
    """The planned run for one organisation: account for its last complete period (per its
    frequentie). Idempotent: a period already accounted for is skipped. Returns what happened."""
    instelling, _ = VerantwoordingInstelling.objects.get_or_create(organisatie=organisatie)
    tot = periode_einde(instelling.frequentie, vandaag or timezone.localdate())
    vorige = organisatie.verantwoordingen.order_by("-verantwoordingsnummer").first()
    if vorige and vorige.einddatum >= tot:
        return f"al verantwoord t/m {vorige.einddatum:%d-%m-%Y}"
    try:
        fvw = verantwoording_create(organisatie=organisatie, tot=tot, door="planning")
    except VerantwoordingFout as exc:
        # Visible in the worker log; no verantwoording appears in the admin.
        return f"niet gemaakt: {exc}"
    return f"verantwoording {fvw.verantwoordingsnummer}" if fvw else "niets te verantwoorden"
