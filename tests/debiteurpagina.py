"""A debtor with many varied claims (#19 debtor page, saldo-overzicht, browser tests): open,
overdue in every ageing bucket, paid, with termijnen partly paid, one in a regeling, one of
another organisation of the user and one of an organisation the user does not see."""

import datetime as dt
import itertools

from django.utils import timezone

from inningen.choices import Betaalwijze, Boekingsoort, Regelingsoort, VorderingStatus
from inningen.grootboek.models import Boeking
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import vordering_status_set
from inningen.grootboek.services.vorderingen import TermijnInvoer
from inningen.invordering.services.regelingen import regeling_create, regeling_plan
from inningen.organisaties.models import Bankrekening
from tests.factories import iban_nl, vordering_maken

_nummer = itertools.count(1)
OMSCHRIJVINGEN = ("Naheffingsaanslag parkeerbelasting", "Leges omgevingsvergunning bouwen",
                  "Huur sportzaal De Vijverhof", "Marktgeld weekmarkt")  # fmt: skip


def betaal(v, bedrag, termijn=None, soort=Boekingsoort.BETALING):
    boekingen_create(boekingen=[Boeking(
        organisatie=v.organisatie, vordering=v, termijn=termijn, soort=soort,
        boekdatum=timezone.localdate(), bedrag_incl_btw=-bedrag, bedrag_excl_btw=-bedrag,
        bedrag_btw=0, boekingssleutel="OMZ-001", omschrijving="Betaling via bank", door="test",
    )])  # fmt: skip


def claim(org, deb, *, dagen_vervallen, tsa="parkeren", **kw):
    vandaag = timezone.localdate()
    verval = vandaag - dt.timedelta(days=dagen_vervallen)
    nummer = next(_nummer)
    return vordering_maken(
        org, debiteur=deb, tsa=tsa, vorderingnummer=f"{tsa[:3].upper()}-2026-{nummer:05d}",
        algemene_factuuromschrijving=OMSCHRIJVINGEN[nummer % len(OMSCHRIJVINGEN)],
        creatiedatum=verval - dt.timedelta(days=30), factuurdatum=verval - dt.timedelta(days=30),
        vervaldatum=verval, **kw,
    )  # fmt: skip


def debiteur_met_vorderingen(org, tweede_org, vreemde_org, deb, n=32) -> dict:
    """n claims of ``org`` (ageing spread over all buckets, every fourth paid, every fifth
    partly paid), two with termijnen (one termijn paid), one regeling, one claim of
    ``tweede_org`` (also the user's) and one of ``vreemde_org`` (not the user's)."""
    for o in (org, tweede_org):
        if not Bankrekening.objects.filter(organisatie=o).exists():
            Bankrekening.objects.create(organisatie=o, iban=iban_nl(1000 + o.pk))
    vorderingen = []
    for i in range(n):
        dagen = (-20, 10, 45, 75, 120, 400)[i % 6]
        v = claim(org, deb, dagen_vervallen=dagen, tsa=("parkeren", "belastingen")[i % 2])
        if i % 4 == 3:
            betaal(v, v.totaalbedrag_incl_btw)
            vordering_status_set(vordering=v, status=VorderingStatus.BETAALD, door="test")
        elif i % 5 == 4:
            betaal(v, 2100)
        else:
            vordering_status_set(vordering=v, status=VorderingStatus.VERSTUURD, door="test")
        vorderingen.append(v)
    met_termijnen = [
        claim(org, deb, dagen_vervallen=d, tsa="belastingen",
              termijnen=[TermijnInvoer(bedrag=6050, vervaldatum=timezone.localdate()
                                       - dt.timedelta(days=d - 30 * k)) for k in range(2)])
        for d in (40, 5)
    ]  # fmt: skip
    for v in met_termijnen:
        betaal(v, 6050, termijn=v.termijnen.order_by("volgnummer").first())
    regeling_v = claim(org, deb, dagen_vervallen=65, tsa="belastingen")
    plan = regeling_plan(
        vorderingen=[regeling_v], soort=Regelingsoort.AANTAL_TERMIJNEN,
        startdatum=timezone.localdate() + dt.timedelta(days=7), aantal_termijnen=4,
    )  # fmt: skip
    regeling = regeling_create(plan=plan, betaalwijze=Betaalwijze.OVERMAKING, door="test")
    tweede = claim(tweede_org, deb, dagen_vervallen=15, tsa="vergunningen")
    vreemd = claim(vreemde_org, deb, dagen_vervallen=15, tsa="facturatie")
    return {
        "vorderingen": vorderingen,
        "met_termijnen": met_termijnen,
        "regeling_vordering": regeling_v,
        "regeling": regeling,
        "tweede": tweede,
        "vreemd": vreemd,
    }
