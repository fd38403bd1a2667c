"""Automatische incasso: mandates (machtigingen) and SEPA direct debit files (pain.008.001.02).

Files are built with sepaxml (MIT) and validated against the official ISO 20022 XSD vendored in
``inningen/invordering/schemas/``. Every collection's end-to-end id is the termijn's betalingskenmerk, so the
credit and any storno on a later statement match that termijn by rule 1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaDD

from inningen.betalingen.models import Betaling, Incassobestand, Incassopost
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    Betaalwijze,
    BetalingStatus,
    MachtigingStatus,
    RegelingStatus,
)
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.grootboek.models import Boeking, Termijn, Vordering
from inningen.invordering.models import Regelingtermijn
from inningen.invordering.selectors.blokkades import in_actieve_regeling, met_actieve_opschorting
from inningen.organisaties.models import Organisatie
from inningen.validators import normalize_iban
from inningen.xsd import xsd_fout

PAIN_008_XSD = Path(__file__).resolve().parent.parent / "schemas" / "pain.008.001.02.xsd"
# After this long a credited collection can no longer be reversed without a claim of an
# unauthorised debit (SEPA Core: 8 weeks); it then counts as paid for the storno count.
STORNOTERMIJN = datetime.timedelta(weeks=8)


class IncassoFout(Exception):
    pass


def pain008_validate(xml: bytes) -> None:
    """Raise IncassoFout when the document does not conform to pain.008.001.02."""
    fout = xsd_fout(xml, PAIN_008_XSD)
    if fout is not None:
        raise IncassoFout(f"pain.008 niet conform het schema: {fout}")


@transaction.atomic
def machtiging_create(
    *,
    organisatie: Organisatie,
    debiteur: Debiteur | None,
    kenmerk: str,
    afgiftedatum: datetime.date,
    iban: str,
    bic: str = "",
) -> Machtiging:
    """A mandate entered at the balie (the StUF message path stores them in vorderingen_register)."""
    iban = normalize_iban(iban)
    if bic:
        try:
            bic = BIC(bic).compact
        except SchwiftyException as exc:
            raise ValidationError(f"{bic} is geen geldige BIC: {exc}") from exc
    if not kenmerk or len(kenmerk) > 35:
        raise ValidationError("Machtigingskenmerk is verplicht (maximaal 35 tekens).")
    if Machtiging.objects.filter(organisatie=organisatie, kenmerk=kenmerk).exists():
        raise ValidationError(f"Machtigingskenmerk {kenmerk} bestaat al bij {organisatie}.")
    return Machtiging.objects.create(
        organisatie=organisatie,
        debiteur=debiteur,
        kenmerk=kenmerk,
        afgiftedatum=afgiftedatum,
        iban=iban,
        bic=bic,
    )


@transaction.atomic
def machtigingen_expire(*, peildatum: datetime.date | None = None) -> int:
    """SEPA: a mandate not used for 36 months after its last collection expires."""
    peildatum = peildatum or timezone.localdate()
    verlopen = [
        m.pk
        for m in Machtiging.objects.filter(status=MachtigingStatus.ACTIEF)
        if m.verloopdatum and m.verloopdatum < peildatum
    ]
    Machtiging.objects.filter(pk__in=verlopen).update(status=MachtigingStatus.VERLOPEN)
    return len(verlopen)


def _bic(iban: str, bic: str = "") -> str:
    if bic:
        return bic
    gevonden = IBAN(iban).bic
    if gevonden is None:
        raise IncassoFout(f"Geen BIC bekend voor {iban}; vul de BIC in.")
    return gevonden.compact


@transaction.atomic
@dataclass(slots=True)
class _Post:
    termijn: Termijn | None
    regelingtermijn: Regelingtermijn | None
    vordering: Vordering
    machtiging: Machtiging
    bedrag: int
    kenmerk: str
    omschrijving: str


def _regelingposten(organisatie: Organisatie, incassodatum: datetime.date) -> list[_Post]:
    """Termijnen of active betalingsregelingen paid by direct debit, due on ``incassodatum``.

    Each collects what is due up to and including this termijn minus what was paid on the
    regeling's claims (the rule of services/regelingen.py), at most the termijn's amount: a
    debtor who paid ahead is not debited twice. The end-to-end id is the betalingskenmerk of
    the regeling's first open claim, so the credit (and any storno) matches that claim.
    """
    al_geind = Incassopost.objects.filter(
        bestand__incassodatum=incassodatum, regelingtermijn__isnull=False
    ).values("regelingtermijn_id")
    termijnen = list(
        Regelingtermijn.objects.filter(
            vervaldatum=incassodatum,
            regeling__organisatie=organisatie,
            regeling__status=RegelingStatus.ACTIEF,
            regeling__betaalwijze=Betaalwijze.INCASSO,
            regeling__machtiging__status=MachtigingStatus.ACTIEF,
        )
        .exclude(pk__in=al_geind)
        .select_related("regeling__machtiging")
    )
    if not termijnen:
        return []
    regeling_ids = {t.regeling_id for t in termijnen}
    vorderingen: dict[int, list[Vordering]] = {}
    for v in (
        Vordering.objects.filter(betalingsregelingen__in=regeling_ids)
        .select_related("debiteur")
        .annotate(regeling_id=F("betalingsregelingen"))
        .order_by("pk")
    ):
        vorderingen.setdefault(v.regeling_id, []).append(v)
    tot_nu: dict[int, int] = dict(
        Regelingtermijn.objects.filter(regeling_id__in=regeling_ids, vervaldatum__lte=incassodatum)
        .values_list("regeling_id")
        .annotate(s=Sum("bedrag"))
        .order_by()
    )
    posten = []
    for t in termijnen:
        regeling = t.regeling
        m = regeling.machtiging
        if m.verloopdatum and m.verloopdatum < incassodatum:
            continue
        open_claims = [
            v
            for v in vorderingen.get(t.regeling_id, [])
            if v.openstaand_bedrag > 0 and v.status not in AFGESLOTEN_STATUSSEN
        ]
        if not open_claims:
            continue
        open_totaal = sum(v.openstaand_bedrag for v in open_claims)
        betaald = max(0, regeling.totaalbedrag - open_totaal)
        bedrag = min(t.bedrag, tot_nu.get(t.regeling_id, 0) - betaald, open_totaal)
        if bedrag > 0:
            eerste = open_claims[0]
            posten.append(_Post(
                termijn=None, regelingtermijn=t, vordering=eerste, machtiging=m, bedrag=bedrag,
                kenmerk=eerste.betalingskenmerk,
                omschrijving=f"Betalingsregeling {regeling.pk} termijn {t.volgnummer}",
            ))  # fmt: skip
    return posten


def incassobestand_create(
    *, organisatie: Organisatie, incassodatum: datetime.date, door: str
) -> Incassobestand | None:
    """The direct debit file of one organisation for the termijnen due on ``incassodatum``.

    Only termijnen of open claims with an active, unexpired mandate of this organisation, each
    for what is still open on it (never more than the claim's open amount), and never twice for
    one date. Sequence type RCUR throughout: Dutch banks accept RCUR from the first collection.
    Returns None when there is nothing to collect.
    """
    if not organisatie.incassant_id:
        raise IncassoFout(f"{organisatie} heeft geen SEPA incassant-ID.")
    rekening = organisatie.rekeningen.order_by("pk").first()
    if rekening is None:
        raise IncassoFout(f"{organisatie} heeft geen bankrekening.")
    # NOT IN over a column with NULLs (regeling posts) would exclude everything: filter them.
    al_geind = Incassopost.objects.filter(
        bestand__incassodatum=incassodatum, termijn__isnull=False
    ).values("termijn_id")
    termijnen = list(
        Termijn.objects.select_related("vordering__machtiging", "vordering__debiteur")
        .filter(Q(vervaldatum=incassodatum) | Q(vervaldatum__isnull=True, datum=incassodatum))
        .filter(
            vordering__organisatie=organisatie,
            vordering__machtiging__organisatie=organisatie,
            vordering__machtiging__status=MachtigingStatus.ACTIEF,
            vordering__openstaand_bedrag__gt=0,
        )
        .exclude(vordering__status__in=AFGESLOTEN_STATUSSEN)
        .exclude(pk__in=al_geind)
        # A claim in a betalingsregeling is collected by the regeling's own termijnen, and one
        # with uitstel, bezwaar or a kwijtschelding request is not collected at all.
        .exclude(
            Exists(
                Vordering.objects.filter(pk=OuterRef("vordering_id"))
                .annotate(r=in_actieve_regeling(), o=met_actieve_opschorting(incassodatum))
                .filter(Q(r=True) | Q(o=True))
            )
        )
    )
    betaald = dict(
        Boeking.objects.filter(termijn__in=termijnen)
        .values_list("termijn_id")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    posten: list[_Post] = []
    # Several termijnen of one claim due on one date: together never more than is open.
    nog_open = {t.vordering_id: t.vordering.openstaand_bedrag for t in termijnen}
    for t in sorted(termijnen, key=lambda t: (t.vordering_id, t.volgnummer)):
        m = t.vordering.machtiging
        if m.verloopdatum and m.verloopdatum < incassodatum:
            continue
        bedrag = min((t.bedrag or 0) + betaald.get(t.pk, 0), nog_open[t.vordering_id])
        if bedrag > 0:
            nog_open[t.vordering_id] -= bedrag
            posten.append(_Post(
                termijn=t, regelingtermijn=None, vordering=t.vordering, machtiging=m,
                bedrag=bedrag, kenmerk=t.betalingskenmerk,
                omschrijving=f"{t.vordering.factuurkenmerk} termijn {t.volgnummer}",
            ))  # fmt: skip
    posten.extend(_regelingposten(organisatie, incassodatum))
    if not posten:
        return None
    sepa = SepaDD(
        {
            "name": organisatie.naam[:70],
            "IBAN": rekening.iban,
            "BIC": _bic(rekening.iban),
            "batch": True,
            "creditor_id": organisatie.incassant_id,
            "currency": "EUR",
        },
        schema="pain.008.001.02",
        clean=True,
    )
    for p in posten:
        deb = p.vordering.debiteur
        sepa.add_payment(
            {
                "name": (str(deb) if deb else p.vordering.vorderingnummer)[:70] or "Onbekend",
                "IBAN": p.machtiging.iban,
                "BIC": _bic(p.machtiging.iban, p.machtiging.bic),
                "amount": p.bedrag,
                "type": "RCUR",
                "collection_date": incassodatum,
                "mandate_id": p.machtiging.kenmerk,
                "mandate_date": p.machtiging.afgiftedatum,
                "description": f"{p.omschrijving} kenmerk {p.kenmerk}"[:140],
                "endtoend_id": p.kenmerk,
            }
        )
    xml = sepa.export(validate=False)
    pain008_validate(xml)
    bestand = Incassobestand.objects.create(
        organisatie=organisatie,
        incassodatum=incassodatum,
        berichtid=sepa.msg_id[:35],
        xml=xml.decode(),
        aantal=len(posten),
        totaal=sum(p.bedrag for p in posten),
        door=door,
    )
    Incassopost.objects.bulk_create(
        Incassopost(
            bestand=bestand,
            termijn=p.termijn,
            regelingtermijn=p.regelingtermijn,
            vordering=p.vordering,
            machtiging=p.machtiging,
            bedrag=p.bedrag,
            eind_tot_eind_id=p.kenmerk,
        )
        for p in posten
    )
    machtigingen = {p.machtiging.pk: p.machtiging for p in posten}
    _stornoteller_herstellen(machtigingen.values(), incassodatum)
    for m in machtigingen.values():
        m.eerste_incasso = m.eerste_incasso or incassodatum
        m.laatste_incasso = max(filter(None, (m.laatste_incasso, incassodatum)))
        m.save(update_fields=["eerste_incasso", "laatste_incasso", "opeenvolgende_stornos"])
    return bestand


def _stornoteller_herstellen(machtigingen, incassodatum: datetime.date) -> None:
    """A collection credited more than 8 weeks ago and not reversed ends a row of storno's."""
    met_stornos = [m for m in machtigingen if m.opeenvolgende_stornos]
    if not met_stornos:
        return
    grens = incassodatum - STORNOTERMIJN
    laatste: dict[int, str] = {}  # mandate -> end-to-end id of its latest collection
    for m_pk, e2e in (
        Incassopost.objects.filter(machtiging__in=met_stornos)
        .order_by("bestand__incassodatum", "pk")
        .values_list("machtiging_id", "eind_tot_eind_id")
    ):
        laatste[m_pk] = e2e
    geslaagd = set(
        Betaling.objects.filter(
            eind_tot_eind_id__in=set(laatste.values()),
            bedrag__gt=0,
            boekdatum__lt=grens,
            teruggeboekt_door__isnull=True,
        )
        .exclude(status=BetalingStatus.TERUGGEBOEKT)
        .values_list("eind_tot_eind_id", flat=True)
    )
    for m in met_stornos:
        if laatste.get(m.pk) in geslaagd:
            m.opeenvolgende_stornos = 0
