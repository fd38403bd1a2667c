"""Letters to debtors. A letter's data is frozen in ``Brief.gegevens`` when it is made; the PDF
is rendered from it after commit by a task (a run makes thousands of letters in one go).

``gegevens`` (JSON, money in integer cents, dates ISO):
    soort, datum, onderwerp,
    organisatie: {naam, rsin, iban, incassant_id},
    debiteur: {naam, adresregels: [...], debiteurnummer},
    vorderingen: [{vorderingnummer, factuurnummer, omschrijving, factuurdatum, vervaldatum,
                   bedrag, openstaand, betalingskenmerk, tsa, regels: [{omschrijving, bedrag}]}],
    kosten, rente, totaal, betalen_voor, betalingskenmerk, kosten_omschrijving,
    regeling: {termijnbedrag, aantal_termijnen, startdatum, betaalwijze, termijnen: [...]} | None,
    tekst: free text for the letter (e.g. why a regeling lapsed)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from ..models import Bankrekening, Brief, Debiteur, Organisatie, Vordering
from .boekingen import bulk_insert


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def organisatie_gegevens(organisatie: Organisatie, iban: str | None = None) -> dict:
    """The sender block; ``iban`` of the organisation's first receiving account by default."""
    if iban is None:
        rekening = Bankrekening.objects.filter(organisatie=organisatie).order_by("pk").first()
        iban = rekening.iban if rekening else ""
    return {
        "naam": organisatie.naam,
        "rsin": organisatie.rsin,
        "iban": iban,
        "incassant_id": organisatie.incassant_id,
    }


def debiteur_gegevens(debiteur: Debiteur) -> dict:
    return {
        "naam": debiteur.naam,
        "adresregels": debiteur.adres_regels,
        "debiteurnummer": debiteur.debiteurnummer or "",
    }


def vordering_gegevens(vordering: Vordering, *, regels: Iterable | None = None) -> dict:
    """One claim line of a letter; ``regels`` (Vorderingsregels) only for an invoice."""
    return {
        "vorderingnummer": vordering.vorderingnummer,
        "factuurnummer": vordering.factuurkenmerk,
        "omschrijving": vordering.algemene_factuuromschrijving,
        "factuurdatum": _iso(vordering.factuurdatum),
        "vervaldatum": _iso(vordering.vervaldatum),
        "bedrag": vordering.totaalbedrag_incl_btw,
        "openstaand": vordering.openstaand_bedrag,
        "betalingskenmerk": vordering.betalingskenmerk,
        "tsa": vordering.tsa,
        "regels": [
            {"omschrijving": r.vorderingomschrijving, "bedrag": r.bedrag_incl_btw}
            for r in (regels or [])
        ],
    }


def brief_gegevens(
    *,
    soort: str,
    datum: dt.date,
    onderwerp: str,
    organisatie: dict,
    debiteur: dict,
    vorderingen: list[dict],
    kosten: int = 0,
    rente: int = 0,
    totaal: int | None = None,
    betalen_voor: dt.date | None = None,
    betalingskenmerk: str = "",
    kosten_omschrijving: str = "",
    regeling: dict | None = None,
    tekst: str = "",
) -> dict:
    """The frozen data of one letter. Pure: callers pass already-loaded data (no queries), so
    a run can build 100,000 of these without touching the database per letter."""
    if totaal is None:
        totaal = sum(v["openstaand"] for v in vorderingen)
    if not betalingskenmerk and len(vorderingen) == 1:
        betalingskenmerk = vorderingen[0]["betalingskenmerk"]
    return {
        "soort": soort,
        "datum": datum.isoformat(),
        "onderwerp": onderwerp,
        "organisatie": organisatie,
        "debiteur": debiteur,
        "vorderingen": vorderingen,
        "kosten": kosten,
        "rente": rente,
        "totaal": totaal,
        "betalen_voor": _iso(betalen_voor),
        "betalingskenmerk": betalingskenmerk,
        "kosten_omschrijving": kosten_omschrijving,
        "regeling": regeling,
        "tekst": tekst,
    }


@transaction.atomic
def brieven_create(*, brieven: list[Brief]) -> list[Brief]:
    """Store new letters in bulk and render their PDFs after commit."""
    brieven = bulk_insert(brieven)
    if brieven:
        ids = [b.pk for b in brieven]
        transaction.on_commit(lambda: brieven_render_enqueue(ids))
    return brieven


def brieven_render_enqueue(ids: list[int]) -> None:
    """Queue rendering in chunks; the sweep (tasks.brieven_opruimen) catches anything lost."""
    from ..tasks import brieven_renderen

    for start in range(0, len(ids), RENDER_CHUNK):
        brieven_renderen.delay(ids[start : start + RENDER_CHUNK])


RENDER_CHUNK = 200
