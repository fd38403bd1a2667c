"""Registering claims: validation of the money rules and set-based storage of a batch."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inningen.bedragen import MAX_BEDRAG, MAX_PERCENTAGE, bedrag_past, percentage_past
from inningen.choices import Boekingsoort, Invorderingsregime, VorderingStatus
from inningen.db.bulk import CopyRows, bulk_insert, pks_reserve
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.grootboek.models import (
    Boeking,
    BtwTotaalregel,
    Termijn,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.signals import vorderingstatussen_vastgelegd
from inningen.organisaties.models import Organisatie, OrganisatorischeEenheid


@dataclass(slots=True)
class RegelInvoer:
    bedrag_excl_btw: int
    bedrag_incl_btw: int
    bedrag_btw: int
    btw_categorie: str
    btw_percentage: int
    vorderingtype: str
    vorderingcode: str
    vorderingomschrijving: str
    vorderingtoelichting: str = ""
    aantal: int | None = None
    eenheid: str = ""
    stuksprijs_excl_btw: int | None = None


@dataclass(slots=True)
class TermijnInvoer:
    datum: datetime.date | None = None
    bedrag: int | None = None
    vervaldatum: datetime.date | None = None


@dataclass(slots=True)
class MachtigingInvoer:
    kenmerk: str
    afgiftedatum: datetime.date
    iban: str
    bic: str = ""


@dataclass(slots=True)
class VorderingInvoer:
    organisatie: Organisatie
    tsa: str
    vorderingnummer: str
    creatiedatum: datetime.date
    indicator_factuur_uitgestuurd: bool
    algemene_factuuromschrijving: str
    totaalbedrag_excl_btw: int
    totaalbedrag_btw: int
    totaalbedrag_incl_btw: int
    publiekrechtelijk: bool
    regels: list[RegelInvoer]
    valutacode: str = "EUR"
    factuurnummer: str = ""
    factuurdatum: datetime.date | None = None
    vervaldatum: datetime.date | None = None
    taaknummer: str = ""
    invorderingsregime: str = ""
    termijnen: list[TermijnInvoer] = field(default_factory=list)
    btw_totaalregels: list[tuple[str, int | None]] = field(default_factory=list)
    machtiging: MachtigingInvoer | None = None
    debiteur: Debiteur | None = None
    organisatorische_eenheid: tuple[str, str] | None = None  # (identificatie, naam)
    zaak_identificatie: str = ""
    zaak_omschrijving: str = ""
    # An existing Vordering, or an earlier VorderingInvoer of the same batch.
    heeft_betrekking_op: "Vordering | VorderingInvoer | None" = None
    heeft_betrekking_op_nummer: str = ""
    waarschuwingen: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Regelovertreding:
    """A broken rule: ``regel`` is a stable identifier callers map to their own codes."""

    regel: str
    melding: str


def vordering_check(invoer: VorderingInvoer, *, vandaag: datetime.date) -> list[Regelovertreding]:
    """Money and date rules that refuse a claim. Inconsistent optional detail fields are not
    refused but added to ``invoer.waarschuwingen`` (the official max message has them)."""
    fouten: list[Regelovertreding] = []
    nr = invoer.vorderingnummer
    fouten.extend(_buiten_bereik(invoer))
    if invoer.valutacode != "EUR":
        fouten.append(
            Regelovertreding("valuta", f"{nr}: valutacode {invoer.valutacode}; alleen EUR.")
        )
    if invoer.indicator_factuur_uitgestuurd and not (invoer.factuurdatum and invoer.vervaldatum):
        fouten.append(
            Regelovertreding(
                "factuurgegevens",
                f"{nr}: factuurdatum en vervaldatum zijn verplicht bij factuur uitgestuurd = J.",
            )
        )
    if invoer.vervaldatum and invoer.vervaldatum < vandaag:
        fouten.append(
            Regelovertreding(
                "vervaldatum_verleden",
                f"{nr}: vervaldatum {invoer.vervaldatum:%Y-%m-%d} ligt in het verleden.",
            )
        )
    for i, regel in enumerate(invoer.regels, start=1):
        if regel.bedrag_incl_btw != regel.bedrag_excl_btw + regel.bedrag_btw:
            fouten.append(
                Regelovertreding(
                    "regel_bedragen",
                    f"{nr} regel {i}: bedragInclBTW {regel.bedrag_incl_btw} ≠ bedragExclBTW "
                    f"{regel.bedrag_excl_btw} + bedragBTW {regel.bedrag_btw}.",
                )
            )
    for naam, totaal, som in (
        (
            "totaalbedragExclBTW",
            invoer.totaalbedrag_excl_btw,
            sum(r.bedrag_excl_btw for r in invoer.regels),
        ),
        ("totaalbedragBTW", invoer.totaalbedrag_btw, sum(r.bedrag_btw for r in invoer.regels)),
        (
            "totaalbedragInclBTW",
            invoer.totaalbedrag_incl_btw,
            sum(r.bedrag_incl_btw for r in invoer.regels),
        ),
    ):
        if totaal != som:
            fouten.append(
                Regelovertreding("totalen", f"{nr}: {naam} {totaal} ≠ som van de regels {som}.")
            )
    for i, termijn in enumerate(invoer.termijnen, start=1):
        if (
            termijn.vervaldatum
            and invoer.invorderingsregime != Invorderingsregime.TERMIJNVERVOLGING
        ):
            fouten.append(
                Regelovertreding(
                    "termijn",
                    f"{nr} termijn {i}: een vervaldatum kan alleen bij termijnvervolging (TV).",
                )
            )
    _collect_warnings(invoer)
    return fouten


def _buiten_bereik(invoer: VorderingInvoer) -> list[Regelovertreding]:
    """Amounts and percentages the standard's datatypes (N(11), N(6)) do not hold: refused
    before anything is summed or stored (a bigint holds more, the other side does not)."""
    nr = invoer.vorderingnummer
    bedragen = [
        ("totaalbedragExclBTW", invoer.totaalbedrag_excl_btw),
        ("totaalbedragBTW", invoer.totaalbedrag_btw),
        ("totaalbedragInclBTW", invoer.totaalbedrag_incl_btw),
    ]
    percentages = []
    for i, regel in enumerate(invoer.regels, start=1):
        bedragen += [
            (f"regel {i} bedragExclBTW", regel.bedrag_excl_btw),
            (f"regel {i} bedragBTW", regel.bedrag_btw),
            (f"regel {i} bedragInclBTW", regel.bedrag_incl_btw),
            (f"regel {i} stuksPrijsExclBTW", regel.stuksprijs_excl_btw),
        ]
        percentages.append((f"regel {i} btwPercentage", regel.btw_percentage))
    bedragen += [(f"termijn {i}", t.bedrag) for i, t in enumerate(invoer.termijnen, start=1)]
    bedragen += [(f"BTW-totaalregel {c}", b) for c, b in invoer.btw_totaalregels]
    fouten = [
        Regelovertreding(
            "bereik", f"{nr}: {naam} {waarde} past niet in N(11) (ten hoogste {MAX_BEDRAG})."
        )
        for naam, waarde in bedragen
        if not bedrag_past(waarde)
    ]
    fouten += [
        Regelovertreding(
            "bereik", f"{nr}: {naam} {waarde} past niet in N(6) (ten hoogste {MAX_PERCENTAGE})."
        )
        for naam, waarde in percentages
        if not percentage_past(waarde)
    ]
    return fouten


def _collect_warnings(invoer: VorderingInvoer) -> None:
    w = invoer.waarschuwingen
    nr = invoer.vorderingnummer
    per_categorie: dict[str, int] = {}
    for i, regel in enumerate(invoer.regels, start=1):
        per_categorie[regel.btw_categorie] = (
            per_categorie.get(regel.btw_categorie, 0) + regel.bedrag_btw
        )
        if (
            regel.aantal is not None
            and regel.stuksprijs_excl_btw is not None
            and regel.aantal * regel.stuksprijs_excl_btw != regel.bedrag_excl_btw
        ):
            w.append(
                f"Regel {i}: stuksprijs × aantal ({regel.stuksprijs_excl_btw} × {regel.aantal}) "
                f"≠ bedragExclBTW {regel.bedrag_excl_btw}."
            )
        if (
            regel.bedrag_excl_btw
            and regel.btw_percentage
            and regel.btw_percentage < 100
            and regel.bedrag_btw
        ):
            # Percentages are hundredths of a percent (21% = 2100); 21 usually means 21%.
            w.append(
                f"Regel {i}: btwPercentage {regel.btw_percentage} is {regel.btw_percentage / 100:.2f}%; "
                f"bedoeld is waarschijnlijk {regel.btw_percentage * 100}."
            )
    for categorie, totaal in invoer.btw_totaalregels:
        if categorie and per_categorie.get(categorie, 0) != (totaal or 0):
            w.append(
                f"BTW-totaalregel {categorie} ({totaal}) past niet bij de regels "
                f"({per_categorie.get(categorie, 0)} in {categorie})."
            )
    if invoer.termijnen and all(t.bedrag is not None for t in invoer.termijnen):
        som = sum(t.bedrag for t in invoer.termijnen)
        if som != invoer.totaalbedrag_incl_btw:
            w.append(
                f"{nr}: som van de termijnen {som} ≠ totaalbedragInclBTW {invoer.totaalbedrag_incl_btw}."
            )


@transaction.atomic
def vorderingen_register(
    *, invoer: list[VorderingInvoer], door: str, tijdstip=None
) -> list[Vordering]:
    """Store a batch of validated claims with regels, termijnen, mandate, status VRW with
    history and the Boekingen that impose them, in a fixed number of queries.

    On PostgreSQL the rows go straight to COPY (:func:`_register_copy`), elsewhere through model
    instances (:func:`_register_orm`); both store the same rows, return saved claims and send
    ``vorderingstatussen_vastgelegd`` with the saved history rows in this transaction."""
    tijdstip = tijdstip or timezone.now()
    boekdatum = timezone.localdate(tijdstip)
    for item in invoer:
        for r in item.regels:
            # As boekingen_create refuses the Boeking of such a regel.
            if r.bedrag_incl_btw != r.bedrag_excl_btw + r.bedrag_btw:
                raise ValueError(f"Boeking incl ≠ excl + btw: regel van {item.vorderingnummer}")
    eenheden = _eenheden(invoer)
    machtigingen = _machtigingen(invoer)
    if _copy_mogelijk() and not timezone.is_naive(tijdstip):
        return _register_copy(invoer, door, tijdstip, boekdatum, eenheden, machtigingen)
    return _register_orm(invoer, door, tijdstip, boekdatum, eenheden, machtigingen)


def _copy_mogelijk() -> bool:
    return CopyRows.supported(
        Vordering, Vorderingsregel, BtwTotaalregel, Termijn, Vorderingstatus, Boeking, Machtiging
    )


def _register_orm(invoer, door, tijdstip, boekdatum, eenheden, machtigingen) -> list[Vordering]:
    """Through model instances (bulk_insert): the path of other databases than PostgreSQL."""
    vorderingen = []
    for item in invoer:
        gerelateerd = item.heeft_betrekking_op
        vorderingen.append(
            Vordering(
                organisatie=item.organisatie,
                tsa=item.tsa,
                vorderingnummer=item.vorderingnummer,
                factuurnummer=item.factuurnummer,
                creatiedatum=item.creatiedatum,
                factuurdatum=item.factuurdatum,
                vervaldatum=item.vervaldatum,
                indicator_factuur_uitgestuurd=item.indicator_factuur_uitgestuurd,
                algemene_factuuromschrijving=item.algemene_factuuromschrijving,
                valutacode=item.valutacode,
                totaalbedrag_excl_btw=item.totaalbedrag_excl_btw,
                totaalbedrag_btw=item.totaalbedrag_btw,
                totaalbedrag_incl_btw=item.totaalbedrag_incl_btw,
                taaknummer=item.taaknummer,
                publiekrechtelijk=item.publiekrechtelijk,
                invorderingsregime=item.invorderingsregime,
                zaak_identificatie=item.zaak_identificatie,
                zaak_omschrijving=item.zaak_omschrijving,
                organisatorische_eenheid=eenheden.get(_eenheid_key(item)),
                heeft_betrekking_op=gerelateerd if isinstance(gerelateerd, Vordering) else None,
                heeft_betrekking_op_nummer=item.heeft_betrekking_op_nummer
                or getattr(gerelateerd, "vorderingnummer", ""),
                debiteur=item.debiteur,
                machtiging=machtigingen.get(_machtiging_key(item)),
                status=VorderingStatus.VERWERKT,
                status_datum=tijdstip,
                # Boekingen below raise this to the imposed amount.
                openstaand_bedrag=0,
                waarschuwingen=list(item.waarschuwingen),
            )
        )
    # Relations to another claim of this batch: bulk_insert stores them with the batch.
    by_invoer = {id(item): v for item, v in zip(invoer, vorderingen, strict=True)}
    for item, vordering in zip(invoer, vorderingen, strict=True):
        if isinstance(item.heeft_betrekking_op, VorderingInvoer):
            vordering.heeft_betrekking_op = by_invoer[id(item.heeft_betrekking_op)]
    bulk_insert(vorderingen)

    regels, btw, termijnen, historie, boekingen = [], [], [], [], []
    for item, vordering in zip(invoer, vorderingen, strict=True):
        for nr, r in enumerate(item.regels, start=1):
            regels.append(
                Vorderingsregel(
                    vordering=vordering,
                    volgnummer=nr,
                    bedrag_excl_btw=r.bedrag_excl_btw,
                    bedrag_incl_btw=r.bedrag_incl_btw,
                    bedrag_btw=r.bedrag_btw,
                    btw_categorie=r.btw_categorie,
                    btw_percentage=r.btw_percentage,
                    vorderingtype=r.vorderingtype,
                    vorderingcode=r.vorderingcode,
                    vorderingomschrijving=r.vorderingomschrijving,
                    vorderingtoelichting=r.vorderingtoelichting,
                    aantal=r.aantal,
                    eenheid=r.eenheid,
                    stuksprijs_excl_btw=r.stuksprijs_excl_btw,
                )
            )
            boekingen.append(
                Boeking(
                    organisatie=item.organisatie,
                    vordering=vordering,
                    soort=Boekingsoort.OPGELEGD,
                    boekdatum=boekdatum,
                    bedrag_incl_btw=r.bedrag_incl_btw,
                    bedrag_excl_btw=r.bedrag_excl_btw,
                    bedrag_btw=r.bedrag_btw,
                    boekingssleutel=r.vorderingcode,
                    omschrijving=r.vorderingomschrijving[:500],
                    door=door,
                )
            )
        for categorie, totaal in item.btw_totaalregels:
            btw.append(
                BtwTotaalregel(
                    vordering=vordering, btw_categorie=categorie or "", totaalbedrag_btw=totaal
                )
            )
        for nr, t in enumerate(item.termijnen, start=1):
            termijnen.append(
                Termijn(
                    vordering=vordering,
                    volgnummer=nr,
                    datum=t.datum,
                    bedrag=t.bedrag,
                    vervaldatum=t.vervaldatum,
                )
            )
        historie.append(
            Vorderingstatus(
                vordering=vordering,
                status=VorderingStatus.VERWERKT,
                datum_en_tijd=tijdstip,
                door=door,
                totaal_betaald=0,
            )
        )
    bulk_insert(regels)
    bulk_insert(btw)
    bulk_insert(termijnen)
    bulk_insert(historie)
    # Subscribers (the StUF outbox: VRW to the TSA) record in this same transaction.
    vorderingstatussen_vastgelegd.send(sender=Vorderingstatus, statussen=historie)
    boekingen_create(boekingen=boekingen)
    for item, vordering in zip(invoer, vorderingen, strict=True):
        vordering.openstaand_bedrag = sum(r.bedrag_incl_btw for r in item.regels)
    return vorderingen


_VORDERING_VELDEN = (
    "id",
    "organisatie_id",
    "tsa",
    "vorderingnummer",
    "factuurnummer",
    "creatiedatum",
    "factuurdatum",
    "vervaldatum",
    "indicator_factuur_uitgestuurd",
    "algemene_factuuromschrijving",
    "valutacode",
    "totaalbedrag_excl_btw",
    "totaalbedrag_btw",
    "totaalbedrag_incl_btw",
    "taaknummer",
    "publiekrechtelijk",
    "invorderingsregime",
    "zaak_identificatie",
    "zaak_omschrijving",
    "organisatorische_eenheid_id",
    "heeft_betrekking_op_id",
    "heeft_betrekking_op_nummer",
    "debiteur_id",
    "machtiging_id",
    "status",
    "status_datum",
    "openstaand_bedrag",
    "waarschuwingen",
)
_REGEL_VELDEN = (
    "vordering_id",
    "volgnummer",
    "bedrag_excl_btw",
    "bedrag_incl_btw",
    "bedrag_btw",
    "btw_categorie",
    "btw_percentage",
    "vorderingtype",
    "vorderingcode",
    "vorderingomschrijving",
    "vorderingtoelichting",
    "aantal",
    "eenheid",
    "stuksprijs_excl_btw",
)
_BTW_VELDEN = ("vordering_id", "btw_categorie", "totaalbedrag_btw")
_TERMIJN_VELDEN = ("vordering_id", "volgnummer", "datum", "bedrag", "vervaldatum")
_STATUS_VELDEN = ("id", "vordering_id", "status", "datum_en_tijd", "door", "totaal_betaald")
_BOEKING_VELDEN = (
    "organisatie_id",
    "vordering_id",
    "soort",
    "boekdatum",
    "bedrag_incl_btw",
    "bedrag_excl_btw",
    "bedrag_btw",
    "boekingssleutel",
    "omschrijving",
    "door",
)


def _register_copy(invoer, door, tijdstip, boekdatum, eenheden, machtigingen) -> list[Vordering]:
    """The same rows as :func:`_register_orm`, written with COPY straight from the invoer: for a
    message of 1,000 claims the ~11,000 model instances cost more than storing the rows."""
    regels = CopyRows(Vorderingsregel, _REGEL_VELDEN)
    btw = CopyRows(BtwTotaalregel, _BTW_VELDEN)
    termijnen = CopyRows(Termijn, _TERMIJN_VELDEN)
    historie = CopyRows(Vorderingstatus, _STATUS_VELDEN)
    boekingen: list[dict] = []  # plain rows for the ledger's entry point
    vorderingen = CopyRows(Vordering, _VORDERING_VELDEN)
    # Keys only where rows point to them (claims) or the signal hands them on (statuses); the
    # database draws the others during the COPY.
    pks = pks_reserve({Vordering: len(invoer), Vorderingstatus: len(invoer)})
    vordering_pks = pks[Vordering]
    in_batch = {id(item): pk for item, pk in zip(invoer, vordering_pks, strict=True)}
    verwerkt, opgelegd = str(VorderingStatus.VERWERKT), str(Boekingsoort.OPGELEGD)
    openstaande_bedragen: list[int] = []
    for item, vordering_pk, status_pk in zip(
        invoer, vordering_pks, pks[Vorderingstatus], strict=True
    ):
        organisatie_pk = item.organisatie.pk
        gerelateerd = item.heeft_betrekking_op
        if isinstance(gerelateerd, VorderingInvoer):
            gerelateerd_pk = in_batch[id(gerelateerd)]
        else:
            gerelateerd_pk = gerelateerd.pk if gerelateerd is not None else None
        eenheid = eenheden.get(_eenheid_key(item))
        machtiging = machtigingen.get(_machtiging_key(item))
        openstaand = 0
        for nr, r in enumerate(item.regels, start=1):
            regels.add(
                vordering_pk,
                nr,
                r.bedrag_excl_btw,
                r.bedrag_incl_btw,
                r.bedrag_btw,
                r.btw_categorie,
                r.btw_percentage,
                r.vorderingtype,
                r.vorderingcode,
                r.vorderingomschrijving,
                r.vorderingtoelichting,
                r.aantal,
                r.eenheid,
                r.stuksprijs_excl_btw,
            )
            boekingen.append(
                dict(
                    zip(
                        _BOEKING_VELDEN,
                        (
                            organisatie_pk,
                            vordering_pk,
                            opgelegd,
                            boekdatum,
                            r.bedrag_incl_btw,
                            r.bedrag_excl_btw,
                            r.bedrag_btw,
                            r.vorderingcode,
                            r.vorderingomschrijving[:500],
                            door,
                        ),
                        strict=True,
                    )
                )
            )
            openstaand += r.bedrag_incl_btw
        openstaande_bedragen.append(openstaand)
        for categorie, totaal in item.btw_totaalregels:
            btw.add(vordering_pk, categorie or "", totaal)
        for nr, t in enumerate(item.termijnen, start=1):
            termijnen.add(vordering_pk, nr, t.datum, t.bedrag, t.vervaldatum)
        historie.add(status_pk, vordering_pk, verwerkt, tijdstip, door, 0)
        vorderingen.add(
            vordering_pk,
            organisatie_pk,
            item.tsa,
            item.vorderingnummer,
            item.factuurnummer,
            item.creatiedatum,
            item.factuurdatum,
            item.vervaldatum,
            item.indicator_factuur_uitgestuurd,
            item.algemene_factuuromschrijving,
            item.valutacode,
            item.totaalbedrag_excl_btw,
            item.totaalbedrag_btw,
            item.totaalbedrag_incl_btw,
            item.taaknummer,
            item.publiekrechtelijk,
            item.invorderingsregime,
            item.zaak_identificatie,
            item.zaak_omschrijving,
            eenheid.pk if eenheid is not None else None,
            gerelateerd_pk,
            item.heeft_betrekking_op_nummer or getattr(gerelateerd, "vorderingnummer", ""),
            item.debiteur.pk if item.debiteur is not None else None,
            machtiging.pk if machtiging is not None else None,
            verwerkt,
            tijdstip,
            0,  # the ledger moves it: boekingen_create below
            list(item.waarschuwingen),
        )
    nu = vorderingen.write()
    for rijen in (regels, btw, termijnen, historie):
        rijen.write()
    boekingen_create(boekingen=boekingen)

    result = vorderingen.instances(nu)
    for vordering, openstaand in zip(result, openstaande_bedragen, strict=True):
        vordering.openstaand_bedrag = openstaand  # as boekingen_create left it in the database
    velden = {naam: Vordering._meta.get_field(naam) for naam in _VORDERING_RELATIES}
    per_pk = dict(zip(vordering_pks, result, strict=True))
    for item, vordering in zip(invoer, result, strict=True):
        gerelateerd = item.heeft_betrekking_op
        if isinstance(gerelateerd, VorderingInvoer):
            gerelateerd = per_pk[in_batch[id(gerelateerd)]]
        for naam, waarde in (
            ("organisatie", item.organisatie),
            ("debiteur", item.debiteur),
            ("machtiging", machtigingen.get(_machtiging_key(item))),
            ("organisatorische_eenheid", eenheden.get(_eenheid_key(item))),
            ("heeft_betrekking_op", gerelateerd),
        ):
            # As an instance built with these objects has them: no query when a caller asks.
            velden[naam].set_cached_value(vordering, waarde)
    statussen = historie.instances(nu)
    status_vordering = Vorderingstatus._meta.get_field("vordering")
    for status, vordering in zip(statussen, result, strict=True):
        status_vordering.set_cached_value(status, vordering)
    # Subscribers (the StUF outbox: VRW to the TSA) record in this same transaction.
    vorderingstatussen_vastgelegd.send(sender=Vorderingstatus, statussen=statussen)
    return result


_VORDERING_RELATIES = (
    "organisatie",
    "debiteur",
    "machtiging",
    "organisatorische_eenheid",
    "heeft_betrekking_op",
)


def _eenheid_key(item: VorderingInvoer):
    if item.organisatorische_eenheid and item.organisatorische_eenheid[0]:
        return (item.organisatie.pk, item.organisatorische_eenheid[0])
    return None


def _eenheden(invoer: list[VorderingInvoer]) -> dict:
    wens = {}
    for item in invoer:
        key = _eenheid_key(item)
        if key:
            wens[key] = item.organisatorische_eenheid[1]
    if not wens:
        return {}
    bestaand = {
        (e.organisatie_id, e.identificatie): e
        for e in OrganisatorischeEenheid.objects.filter(
            organisatie_id__in={k[0] for k in wens}, identificatie__in={k[1] for k in wens}
        )
    }
    nieuw = [
        OrganisatorischeEenheid(organisatie_id=o, identificatie=i, naam=wens[(o, i)])
        for (o, i) in wens
        if (o, i) not in bestaand
    ]
    bulk_insert(nieuw)
    bestaand.update({(e.organisatie_id, e.identificatie): e for e in nieuw})
    return bestaand


def _machtiging_key(item: VorderingInvoer):
    m = item.machtiging
    if m is None:
        return None
    return (item.organisatie.pk, item.debiteur.pk if item.debiteur else None, m.kenmerk, m.iban)


def _machtigingen(invoer: list[VorderingInvoer]) -> dict:
    wens = {}
    for item in invoer:
        key = _machtiging_key(item)
        if key:
            wens[key] = item.machtiging
    if not wens:
        return {}
    bestaand = {}
    # "-" is the spec's placeholder kenmerk: such mandates are never shared between claims.
    deelbaar = [k for k in wens if k[2] != "-"]
    if deelbaar:
        # Narrow by debtor too: a kenmerk such as "test" or a scheme-wide prefix can be shared by
        # thousands of mandates of other debtors, which would all be loaded only to be ignored.
        debiteuren = {k[1] for k in deelbaar}
        van_debiteur = Q(debiteur_id__in=debiteuren - {None})
        if None in debiteuren:
            van_debiteur |= Q(debiteur__isnull=True)
        for m in Machtiging.objects.filter(
            van_debiteur,
            organisatie_id__in={k[0] for k in deelbaar},
            kenmerk__in={k[2] for k in deelbaar},
        ):
            bestaand[(m.organisatie_id, m.debiteur_id, m.kenmerk, m.iban)] = m
    nieuw_keys = [key for key in wens if key not in bestaand]
    if _copy_mogelijk() and nieuw_keys:
        # Usually one new mandate per claim: rows without model instances, as in _register_copy.
        rijen = CopyRows(Machtiging, _MACHTIGING_VELDEN)
        pks = pks_reserve({Machtiging: len(nieuw_keys)})[Machtiging]
        for key, pk in zip(nieuw_keys, pks, strict=True):
            m = wens[key]
            rijen.add(pk, key[0], key[1], m.kenmerk, m.afgiftedatum, m.iban, m.bic)
        nieuw = dict(zip(nieuw_keys, rijen.instances(rijen.write()), strict=True))
        return {**bestaand, **nieuw}
    nieuw = {}
    for key in nieuw_keys:
        m = wens[key]
        nieuw[key] = Machtiging(
            organisatie_id=key[0],
            debiteur_id=key[1],
            kenmerk=m.kenmerk,
            afgiftedatum=m.afgiftedatum,
            iban=m.iban,
            bic=m.bic,
        )
    bulk_insert(nieuw.values())
    return {**bestaand, **nieuw}


_MACHTIGING_VELDEN = (
    "id",
    "organisatie_id",
    "debiteur_id",
    "kenmerk",
    "afgiftedatum",
    "iban",
    "bic",
)
