"""Importing bank statements: CAMT.053 (camt.053.001.02, .04, .08, schema-checked: ``camt``)
and MT940 (as the Dutch banks write it: ``mt940_lezer``), all or nothing per file.

The statement's own account must be a Bankrekening of an organisation (an old account number in
MT940 :25: is recognised through the registered IBAN that embeds it); a statement already
imported (same account and statement id, or the same file) is skipped and reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from inningen.bedragen import euro
from inningen.betalingen.afschriftdata import (
    Afschriftdata,
    AfschriftFout,
    Post,
    Rekening,
    cent_uit,
    iban_bevat_bban,
)
from inningen.betalingen.camt import parse_camt053
from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.mt940_lezer import parse_86, parse_mt940
from inningen.betalingen.services.betalingen import Verwerking, betalingen_process
from inningen.organisaties.models import Bankrekening

__all__ = [
    "AfschriftFout",
    "Afschriftdata",
    "ImportResultaat",
    "Post",
    "afschrift_import",
    "cent_uit",
    "euro",
    "parse_86",
    "parse_afschrift",
    "parse_camt053",
    "parse_mt940",
]


@dataclass(slots=True)
class ImportResultaat:
    afschriften: list[Afschrift] = field(default_factory=list)
    overgeslagen: list[str] = field(default_factory=list)  # already imported statement ids
    verwerking: Verwerking = field(default_factory=Verwerking)

    @property
    def al_ingelezen(self) -> bool:
        return not self.afschriften and bool(self.overgeslagen)

    def samenvatting(self) -> str:
        if self.al_ingelezen:
            return f"Al ingelezen, niets gewijzigd: afschrift {', '.join(self.overgeslagen)}."
        v = self.verwerking
        tekst = (
            f"{len(self.afschriften)} afschrift(en), {v.posten} posten: {v.gematcht} gematcht, "
            f"{v.ongematcht} ongematcht, {v.terugboekingen} terugboekingen; ontvangen "
            f"{euro(v.bedrag_ontvangen)}, toegerekend {euro(v.bedrag_toegerekend)}, tegoed "
            f"{euro(v.bedrag_tegoed)}, ongematcht {euro(v.bedrag_ongematcht)}, teruggeboekt "
            f"{euro(v.bedrag_teruggeboekt)}."
        )
        if self.overgeslagen:
            tekst += f" Al ingelezen en overgeslagen: {', '.join(self.overgeslagen)}."
        return tekst


def parse_afschrift(inhoud: bytes) -> list[Afschriftdata]:
    begin = inhoud.lstrip()[:200]
    if begin.startswith(b"<") or begin.startswith(b"\xef\xbb\xbf<"):
        return parse_camt053(inhoud)
    if b":20:" in inhoud[:2000] or begin.startswith(b"{1:"):
        return parse_mt940(inhoud)
    raise AfschriftFout("Onbekend bestandsformaat: verwacht CAMT.053 (XML) of MT940.")


# --- import --------------------------------------------------------------------------------------


@transaction.atomic
def afschrift_import(
    *, inhoud: bytes, door: str, bestandsnaam: str = "", organisaties=None
) -> ImportResultaat:
    """Read, match and book a statement file; all or nothing. ``organisaties`` limits which
    organisations' accounts the caller may import for (the web UI passes the user's)."""
    if not inhoud or not inhoud.strip():
        raise AfschriftFout("Het bestand is leeg.")
    sha = hashlib.sha256(inhoud).hexdigest()
    afschriften = parse_afschrift(inhoud)
    rekeningen = _rekeningen_bepalen(afschriften)
    for a in afschriften:
        rekening = rekeningen[a.iban]
        if organisaties is not None and rekening.organisatie not in organisaties:
            raise AfschriftFout(
                f"Rekening {a.iban} hoort bij een organisatie waarvoor u niet werkt."
            )
    resultaat = ImportResultaat()
    bekend = set(
        Afschrift.objects.filter(bankrekening__in=rekeningen.values())
        .filter(identificatie__in=[a.identificatie for a in afschriften])
        .values_list("bankrekening__iban", "identificatie")
    )
    dubbel_bestand = Afschrift.objects.filter(sha256=sha).exists()
    betalingen: list[Betaling] = []
    for a in afschriften:
        rekening = rekeningen[a.iban]
        if dubbel_bestand or (rekening.iban, a.identificatie) in bekend:
            resultaat.overgeslagen.append(a.identificatie)
            continue
        afschrift = Afschrift.objects.create(
            organisatie=rekening.organisatie,
            bankrekening=rekening,
            formaat=a.formaat,
            identificatie=a.identificatie[:140],
            datum=a.datum,
            bestandsnaam=bestandsnaam[:255],
            sha256=sha,
            aantal_posten=len(a.posten),
            ingelezen_door=door,
        )
        resultaat.afschriften.append(afschrift)
        for nr, p in enumerate(a.posten, start=1):
            betalingen.append(
                Betaling(
                    afschrift=afschrift,
                    organisatie_id=rekening.organisatie_id,
                    volgnummer=nr,
                    boekdatum=p.boekdatum,
                    valutadatum=p.valutadatum,
                    bedrag=p.bedrag,
                    tegenrekening=p.tegenrekening,
                    naam=p.naam,
                    omschrijving=p.omschrijving,
                    betalingskenmerk=p.betalingskenmerk,
                    eind_tot_eind_id=p.eind_tot_eind_id,
                    bank_referentie=p.bank_referentie,
                    retourcode=p.retourcode,
                    status="",
                )
            )
    if betalingen:
        resultaat.verwerking = betalingen_process(betalingen=betalingen, door=door)
    return resultaat


def _rekeningen_bepalen(afschriften: list[Afschriftdata]) -> dict[str, Bankrekening]:
    """The organisation's Bankrekening of each statement, by IBAN; a statement that names its
    account by an old account number (BBAN) gets the registered IBAN that embeds it (one, and
    of the bank the file names when it names one). Refuses the file for an unknown account."""
    ibans = {a.iban for a in afschriften if a.iban}
    rekeningen = {
        r.iban: r for r in Bankrekening.objects.select_related("organisatie").filter(iban__in=ibans)
    }
    for a in afschriften:
        if a.iban:
            if a.iban not in rekeningen:
                raise AfschriftFout(
                    f"Rekening {a.iban} is geen rekening van een organisatie: bestand geweigerd."
                )
            continue
        rekening = _rekening_bij_bban(a.rekening)
        a.iban = rekening.iban
        rekeningen[rekening.iban] = rekening
    return rekeningen


def _rekening_bij_bban(rekening: Rekening) -> Bankrekening:
    kandidaten = [
        r
        for r in Bankrekening.objects.select_related("organisatie").filter(
            iban__startswith="NL", iban__endswith=rekening.bban
        )
        if iban_bevat_bban(r.iban, rekening.bban)
    ]
    if rekening.bank and len(kandidaten) > 1:
        kandidaten = [r for r in kandidaten if r.iban[4:8] == rekening.bank] or kandidaten
    if not kandidaten:
        raise AfschriftFout(
            f"Rekening {rekening.tekst} (oud rekeningnummer {rekening.bban}) komt in geen IBAN "
            "van een organisatie voor: bestand geweigerd. Registreer de IBAN van deze rekening."
        )
    if len(kandidaten) > 1:
        raise AfschriftFout(
            f"Rekening {rekening.tekst} (oud rekeningnummer {rekening.bban}) past bij meer dan "
            f"een IBAN ({', '.join(sorted(r.iban for r in kandidaten))}): bestand geweigerd."
        )
    return kandidaten[0]
