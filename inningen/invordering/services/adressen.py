"""Refreshing debtors' letter addresses from the BRP and the Handelsregister (issue #18).

Natural persons with a BSN are asked from the BRP in bulk (the client sends 20 BSNs per call),
companies with a KvK-nummer from the KvK Basisprofiel (one call each). The work goes in blocks:
a block is fetched first, outside any transaction, and then written in one transaction, set-based.
A source that does not answer stops at that block and leaves it unchanged; earlier blocks stay
written, their addresses are correct.

No verwerkingenlogging: this is a system refresh that shows the data to no one. Every screen
that displays what it stored logs that display itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from inningen.basisregistraties.brp import BrpFout, BrpPersoon, brp_client_from_settings
from inningen.basisregistraties.kvk import (
    KvkBasisprofiel,
    KvkFout,
    KvkNietGevonden,
    kvk_client_from_settings,
)
from inningen.choices import Debiteursoort
from inningen.db.bulk import bulk_insert
from inningen.debiteuren.models import Debiteur
from inningen.debiteuren.models.adres import (
    ADRES_IN_ONDERZOEK,
    Adresbron,
    Adresstatus,
    DebiteurAdres,
)

BLOK = 500
"""Debtors per transaction: 25 BRP calls, small enough that a failure costs little work."""

_BSN = re.compile(r"^[0-9]{9}$")
_KVK = re.compile(r"^[0-9]{8}$")
_STATUS_VOOR_REDEN = {
    "overleden": Adresstatus.OVERLEDEN,
    "verblijft_niet_op_adres": Adresstatus.VERBLIJFT_NIET_OP_ADRES,
    "geemigreerd_zonder_adres": Adresstatus.GEEMIGREERD,
}


class AdressenNietBeschikbaar(Exception):
    """The BRP or the KvK did not give a usable answer; the message is for the invorderaar."""

    def __init__(self, melding: str):
        self.melding = melding
        super().__init__(melding)


@dataclass
class AdresVerversing:
    gecontroleerd: int = 0
    """Debtors a source answered for (a person unknown to the BRP counts: that is an answer)."""
    gewijzigd: int = 0
    """Debtors with a new letter address, or a changed adresstatus or geheimhouding."""
    in_onderzoek: dict[int, str] = field(default_factory=dict)
    """debiteur_id → Adresstatus value, for the debtors that now get no letter."""
    niet_geconfigureerd: bool = False


@dataclass(frozen=True)
class _Adres:
    bron: str
    aanhef: str
    aanschrijfwijze: str
    adresregels: tuple[str, ...]
    geheim: bool

    def zelfde_als(self, adres: DebiteurAdres | None) -> bool:
        return adres is not None and (
            adres.aanhef,
            adres.aanschrijfwijze,
            tuple(adres.adresregels or ()),
            adres.geheim,
        ) == (self.aanhef, self.aanschrijfwijze, self.adresregels, self.geheim)


@dataclass
class _Uitkomst:
    """What a source said about one debtor; None fields leave the debtor's value alone."""

    adres: _Adres | None = None
    status: str | None = None
    geheimhouding: bool | None = None


def adressen_verversen(*, debiteur_ids: list[int], door: str) -> AdresVerversing:
    """Refresh the letter addresses of these debtors; raises AdressenNietBeschikbaar when the
    BRP or the KvK does not answer (the blocks before it are written). Without a BRP and KvK
    configured nothing happens (``niet_geconfigureerd``); with one of them only its debtors."""
    brp = brp_client_from_settings()
    kvk = kvk_client_from_settings()
    resultaat = AdresVerversing(niet_geconfigureerd=brp is None and kvk is None)
    if resultaat.niet_geconfigureerd:
        return resultaat
    ids = sorted(set(debiteur_ids))
    for start in range(0, len(ids), BLOK):
        _blok_verversen(ids[start : start + BLOK], brp, kvk, door, resultaat)
    return resultaat


def _blok_verversen(ids: list[int], brp, kvk, door: str, resultaat: AdresVerversing) -> None:
    sleutels = Debiteur.objects.filter(pk__in=ids).values_list("pk", "soort", "bsn", "kvk_nummer")
    personen: dict[int, str] = {}
    bedrijven: dict[int, str] = {}
    for pk, soort, bsn, kvk_nummer in sleutels:
        if soort == Debiteursoort.NATUURLIJK_PERSOON:
            if brp is not None and bsn and _BSN.match(bsn):
                personen[pk] = bsn
        elif kvk is not None and kvk_nummer and _KVK.match(kvk_nummer):
            bedrijven[pk] = kvk_nummer

    # Fetch everything first: a failure then leaves the block untouched.
    uitkomsten: dict[int, _Uitkomst] = {}
    if personen:
        try:
            gevonden = {p.bsn: p for p in brp.personen_raadplegen(list(personen.values()))}
        except BrpFout as exc:
            raise AdressenNietBeschikbaar(str(exc)) from exc
        for pk, bsn in personen.items():
            uitkomsten[pk] = _persoon_uitkomst(gevonden.get(bsn))
    for pk, kvk_nummer in bedrijven.items():
        try:
            profiel = kvk.basisprofiel(kvk_nummer)
        except KvkNietGevonden:
            continue  # not deliverable: keep the TSA address and record nothing
        except KvkFout as exc:
            raise AdressenNietBeschikbaar(str(exc)) from exc
        uitkomsten[pk] = _bedrijf_uitkomst(profiel)
    if uitkomsten:
        _blok_schrijven(uitkomsten, door, resultaat)


def _persoon_uitkomst(persoon: BrpPersoon | None) -> _Uitkomst:
    if persoon is None:
        return _Uitkomst(status=Adresstatus.NIET_IN_BRP)
    reden = persoon.reden_geen_brief
    uitkomst = _Uitkomst(
        status=_STATUS_VOOR_REDEN.get(reden, Adresstatus.IN_ORDE),
        geheimhouding=persoon.geheimhouding,
    )
    adr = persoon.adressering
    # Only a deliverable address becomes the letter address; for the others no letter goes out.
    if not reden and adr is not None and adr.adresregels:
        regels = list(adr.adresregels)
        if adr.land and adr.land_code not in ("", "6030"):
            regels.append(adr.land.upper())
        uitkomst.adres = _Adres(
            bron=Adresbron.BRP,
            aanhef=adr.aanhef[:200],
            aanschrijfwijze=adr.aanschrijfwijze[:300],
            adresregels=tuple(regels),
            geheim=persoon.geheimhouding,
        )
    return uitkomst


def _bedrijf_uitkomst(profiel: KvkBasisprofiel) -> _Uitkomst:
    postadres = profiel.postadres
    if postadres is None or not postadres.adresregels:
        return _Uitkomst()
    return _Uitkomst(
        adres=_Adres(
            bron=Adresbron.KVK,
            aanhef="",
            aanschrijfwijze=(profiel.statutaire_naam or profiel.naam)[:300],
            adresregels=tuple(postadres.adresregels),
            # A shielded address (indAfgeschermd) is, like BRP-geheimhouding, for letters only.
            geheim=postadres.afgeschermd,
        )
    )


@transaction.atomic
def _blok_schrijven(uitkomsten: dict[int, _Uitkomst], door: str, resultaat: AdresVerversing):
    nu = timezone.now()
    debiteuren = list(
        Debiteur.objects.filter(pk__in=list(uitkomsten))
        .select_related("brief_adres")
        .select_for_update(of=("self",))
        .only(
            "pk", "adresstatus", "adresstatus_sinds", "geheimhouding", "brief_adres",
            "brief_adres__aanhef", "brief_adres__aanschrijfwijze", "brief_adres__adresregels",
            "brief_adres__geheim",
        )
        .order_by("pk")
    )  # fmt: skip
    nieuwe: dict[int, DebiteurAdres] = {}
    gewijzigd: list[Debiteur] = []
    for debiteur in debiteuren:
        uitkomst = uitkomsten[debiteur.pk]
        anders = False
        if uitkomst.status is not None and uitkomst.status != debiteur.adresstatus:
            debiteur.adresstatus, debiteur.adresstatus_sinds = uitkomst.status, nu
            anders = True
        if uitkomst.geheimhouding is not None and uitkomst.geheimhouding != debiteur.geheimhouding:
            debiteur.geheimhouding = uitkomst.geheimhouding
            anders = True
        adres = uitkomst.adres
        # A new row only when the address differs: the history shows changes, not checks.
        if adres is not None and not adres.zelfde_als(debiteur.brief_adres):
            nieuwe[debiteur.pk] = DebiteurAdres(
                debiteur_id=debiteur.pk, bron=adres.bron, aanhef=adres.aanhef,
                aanschrijfwijze=adres.aanschrijfwijze, adresregels=list(adres.adresregels),
                geheim=adres.geheim, opgehaald_op=nu, door=door[:150], created_at=nu,
            )  # fmt: skip
            anders = True
        if anders:
            gewijzigd.append(debiteur)
        if debiteur.adresstatus in ADRES_IN_ONDERZOEK:
            resultaat.in_onderzoek[debiteur.pk] = str(debiteur.adresstatus)
        else:
            resultaat.in_onderzoek.pop(debiteur.pk, None)
    bulk_insert(nieuwe.values())
    for debiteur in gewijzigd:
        if debiteur.pk in nieuwe:
            debiteur.brief_adres_id = nieuwe[debiteur.pk].pk
    # Each debtor row is written once: the changed ones with all their fields, the rest only
    # with the moment of the check.
    _debiteuren_bijwerken(gewijzigd, nu)
    anders_pks = {d.pk for d in gewijzigd}
    ongewijzigd = [d.pk for d in debiteuren if d.pk not in anders_pks]
    Debiteur.objects.filter(pk__in=ongewijzigd).update(adres_gecontroleerd_op=nu)
    resultaat.gecontroleerd += len(debiteuren)
    resultaat.gewijzigd += len(gewijzigd)


_VELDEN = ("brief_adres_id", "adresstatus", "adresstatus_sinds", "geheimhouding")


def _debiteuren_bijwerken(debiteuren: list[Debiteur], nu) -> None:
    """One UPDATE for the block. PostgreSQL: the values as arrays (unnest), a fixed number of
    parameters; elsewhere (the embedded SQLite) Django's bulk_update."""
    if not debiteuren:
        return
    if connection.vendor != "postgresql":
        for debiteur in debiteuren:
            debiteur.adres_gecontroleerd_op = debiteur.updated_at = nu
        Debiteur.objects.bulk_update(
            debiteuren, [*_VELDEN, "adres_gecontroleerd_op", "updated_at"], batch_size=BLOK
        )
        return
    qn = connection.ops.quote_name
    opts = Debiteur._meta
    velden = [opts.get_field(v) for v in _VELDEN]
    kolommen = ", ".join(f"{qn(f.column)} = d.{qn(f.column)}" for f in velden)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in velden)
    namen = ", ".join(qn(f.column) for f in velden)
    pk = qn(opts.pk.column)
    tabel = qn(opts.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tabel} SET {kolommen}, {qn('adres_gecontroleerd_op')} = %s, "
            f"{qn('updated_at')} = %s "
            f"FROM unnest(%s::{opts.pk.rel_db_type(connection)}[], {arrays}) AS d(pk, {namen}) "
            f"WHERE {tabel}.{pk} = d.pk",
            [
                nu,
                nu,
                [d.pk for d in debiteuren],
                *(
                    [f.get_db_prep_save(getattr(d, f.attname), connection) for d in debiteuren]
                    for f in velden
                ),
            ],
        )
