"""Verstrek Vordering (interactie 3a): turn claims in the StUF-FIN information model into stored
claims. The one implementation of the intake rules, for the StUF Di01 and the REST API alike
(``vorderingen_intake``): both parse into the dataclasses of ``stuffin.stuf.berichten``.

All or nothing per message: the first broken rule raises a StufFout (sent as Fo03, or as a
problem+json with the same code) and nothing is stored. Inconsistencies in optional detail
fields are accepted with a warning on the claim.
"""

import datetime
import functools
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inningen.choices import Debiteursoort
from inningen.debiteuren.models import Debiteur
from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
from inningen.grootboek.models import Vordering
from inningen.grootboek.services.vorderingen import (
    MachtigingInvoer,
    RegelInvoer,
    TermijnInvoer,
    VorderingInvoer,
    vordering_check,
    vorderingen_register,
)
from inningen.organisaties.models import Organisatie
from inningen.validators import is_valid_elfproef, normalize_elfproef, normalize_iban
from stuffin.models import Koppeling
from stuffin.stuf import berichten as stuf
from stuffin.stuf.fouten import Foutcode, StufFout

# Rule identifiers of inningen.grootboek.services.vorderingen → sector fault codes.
REGEL_FOUTCODES = {
    "bereik": Foutcode.FIN015,
    "valuta": Foutcode.FIN007,
    "factuurgegevens": Foutcode.FIN004,
    "vervaldatum_verleden": Foutcode.FIN003,
    "regel_bedragen": Foutcode.FIN006,
    "totalen": Foutcode.FIN005,
    "termijn": Foutcode.FIN013,
}
# Rule precedence when several claims break several rules: report the first of these.
_VOLGORDE = list(REGEL_FOUTCODES)


@dataclass(frozen=True, slots=True)
class Autorisatie:
    """What a sender (a StUF koppeling or an API client) may do, loaded once per message."""

    tsa_codes: frozenset[str]
    organisaties: dict[str, Organisatie]  # by RSIN
    standaard: Organisatie | None

    @classmethod
    def of(cls, koppeling: Koppeling) -> "Autorisatie":
        organisaties = {o.rsin: o for o in koppeling.vorderende_organisaties.all()}
        return cls(
            tsa_codes=frozenset(koppeling.tsa_codes.values_list("code", flat=True)),
            organisaties=organisaties,
            standaard=koppeling.standaard_organisatie,
        )


def verstrek_vordering_process(
    *,
    bericht: stuf.VerstrekVorderingBericht,
    koppeling: Koppeling,
    vandaag: datetime.date | None = None,
) -> list[Vordering]:
    return vorderingen_intake(
        vorderingen=bericht.vorderingen,
        autorisatie=Autorisatie.of(koppeling),
        door=f"StUF {koppeling}",
        afzender="deze koppeling",
        vandaag=vandaag,
    )


def vorderingen_intake(
    *,
    vorderingen: list[stuf.Vordering],
    autorisatie: Autorisatie,
    door: str,
    afzender: str,
    vandaag: datetime.date | None = None,
) -> list[Vordering]:
    """Check and store claims, all or nothing; raises StufFout on the first broken rule.
    ``afzender`` names the sender in messages ("deze koppeling", "deze API-client")."""
    vandaag = vandaag or timezone.localdate()
    with transaction.atomic():
        invoer = _build_invoer(vorderingen, autorisatie, vandaag, afzender)
        return vorderingen_register(invoer=invoer, door=door)


def _build_invoer(
    vorderingen: list[stuf.Vordering], autorisatie: Autorisatie, vandaag, afzender: str
) -> list[VorderingInvoer]:
    _check_unique_in_message(vorderingen)
    organisaties = [_organisatie(v, autorisatie) for v in vorderingen]
    for v in vorderingen:
        if v.tsa not in autorisatie.tsa_codes:
            raise StufFout(
                Foutcode.FIN010,
                f"Vordering {v.volgnummer} ({v.vorderingnummer}): TSA-code "
                f"{v.tsa!r} hoort niet bij {afzender}.",
            )
    _check_not_known(vorderingen, organisaties)

    debiteuren = _debiteuren(vorderingen)
    invoer: list[VorderingInvoer] = []
    per_nummer: dict[tuple[int, str], VorderingInvoer] = {}
    fouten = []
    for v, organisatie, debiteur in zip(vorderingen, organisaties, debiteuren, strict=True):
        item = _vordering_invoer(v, organisatie, debiteur)
        if v.heeft_betrekking_op:
            item.heeft_betrekking_op = per_nummer.get((organisatie.pk, v.heeft_betrekking_op))
        per_nummer[(organisatie.pk, v.vorderingnummer)] = item
        for fout in vordering_check(item, vandaag=vandaag):
            fouten.append((v, fout))
        invoer.append(item)
    if fouten:
        eerste = min(fouten, key=lambda f: _VOLGORDE.index(f[1].regel))
        details = "; ".join(f"vordering {v.volgnummer}: {f.melding}" for v, f in fouten[:20])
        raise StufFout(REGEL_FOUTCODES[eerste[1].regel], details)
    _link_existing(invoer)
    return invoer


def _check_unique_in_message(vorderingen) -> None:
    gezien: dict[tuple[str, str, str], int] = {}
    for v in vorderingen:
        key = (v.vorderende_organisatie.nnp_id, v.tsa, v.vorderingnummer)
        if key in gezien:
            raise StufFout(
                Foutcode.FIN002,
                f"Vorderingnummer {v.vorderingnummer} staat in vordering "
                f"{gezien[key]} en {v.volgnummer}.",
            )
        gezien[key] = v.volgnummer


def _organisatie(v: stuf.Vordering, autorisatie: Autorisatie) -> Organisatie:
    rsin = v.vorderende_organisatie.nnp_id
    if not rsin:
        if autorisatie.standaard is None:
            raise StufFout(
                Foutcode.FIN008,
                f"Vordering {v.volgnummer}: geen vorderende organisatie in het "
                "bericht en de koppeling heeft geen standaardorganisatie.",
            )
        return autorisatie.standaard
    rsin = normalize_elfproef(rsin)
    organisatie = autorisatie.organisaties.get(rsin)
    if organisatie is None:
        code = (
            Foutcode.FIN009 if Organisatie.objects.filter(rsin=rsin).exists() else Foutcode.FIN008
        )
        raise StufFout(code, f"Vordering {v.volgnummer}: vorderende organisatie {rsin}.")
    return organisatie


def _check_not_known(vorderingen, organisaties) -> None:
    # One "vorderingnummer IN (...)" per organisation + TSA (usually a single pair per message)
    # instead of an OR of a thousand triples, which Django is slow to build and PostgreSQL to plan.
    per_sleutel: dict[tuple[Organisatie, str], list[str]] = {}
    for v, org in zip(vorderingen, organisaties, strict=True):
        per_sleutel.setdefault((org, v.tsa), []).append(v.vorderingnummer)
    q = Q(pk__in=[])
    for (org, tsa), nummers in per_sleutel.items():
        q |= Q(organisatie=org, tsa=tsa, vorderingnummer__in=nummers)
    bekend = list(Vordering.objects.filter(q).values_list("vorderingnummer", flat=True)[:10])
    if bekend:
        raise StufFout(
            Foutcode.FIN001, "Al verwerkt voor deze organisatie en TSA: " + ", ".join(bekend)
        )


def _link_existing(invoer: list[VorderingInvoer]) -> None:
    """Relate to an earlier claim already stored (same organisation; the same TSA wins)."""
    open_refs = [
        i for i in invoer if i.heeft_betrekking_op_nummer and i.heeft_betrekking_op is None
    ]
    if not open_refs:
        return
    per_organisatie: dict[Organisatie, set[str]] = {}
    for i in open_refs:
        per_organisatie.setdefault(i.organisatie, set()).add(i.heeft_betrekking_op_nummer)
    q = Q(pk__in=[])
    for organisatie, nummers in per_organisatie.items():
        q |= Q(organisatie=organisatie, vorderingnummer__in=nummers)
    kandidaten: dict[tuple[int, str], list[Vordering]] = {}
    for vordering in Vordering.objects.filter(q).order_by("pk"):
        kandidaten.setdefault((vordering.organisatie_id, vordering.vorderingnummer), []).append(
            vordering
        )
    for i in open_refs:
        gevonden = kandidaten.get((i.organisatie.pk, i.heeft_betrekking_op_nummer), [])
        zelfde_tsa = [v for v in gevonden if v.tsa == i.tsa]
        if zelfde_tsa or len(gevonden) == 1:
            i.heeft_betrekking_op = (zelfde_tsa or gevonden)[0]
        else:
            # The spec allows a reference to a claim we do not hold; keep the number, say so.
            i.waarschuwingen.append(
                f"Gerelateerde vordering {i.heeft_betrekking_op_nummer} is hier (nog) niet bekend."
            )


def _vordering_invoer(
    v: stuf.Vordering, organisatie: Organisatie, debiteur: Debiteur | None
) -> VorderingInvoer:
    waarschuwingen: list[str] = []
    regels = []
    for nr, r in enumerate(v.regels, start=1):
        if None in (r.bedrag_excl_btw, r.bedrag_incl_btw, r.bedrag_btw):
            raise StufFout(
                Foutcode.FIN006, f"Vordering {v.volgnummer} regel {nr}: bedrag ontbreekt."
            )
        regels.append(
            RegelInvoer(
                bedrag_excl_btw=r.bedrag_excl_btw,
                bedrag_incl_btw=r.bedrag_incl_btw,
                bedrag_btw=r.bedrag_btw,
                btw_categorie=r.btw_categorie,
                btw_percentage=r.btw_percentage or 0,
                vorderingtype=r.vorderingtype,
                vorderingcode=r.vorderingcode,
                vorderingomschrijving=r.vorderingomschrijving,
                vorderingtoelichting=r.vorderingtoelichting,
                aantal=r.aantal,
                eenheid=r.eenheid,
                stuksprijs_excl_btw=r.stuksprijs_excl_btw,
            )
        )
    schema = v.invorderingsschema
    termijnen = [
        TermijnInvoer(datum=t.datum, bedrag=t.termijnbedrag, vervaldatum=t.vervaldatum)
        for t in (schema.termijnen if schema else [])
    ]
    machtiging = None
    if v.automatische_incasso and v.automatische_incasso.afgiftedatum:
        ai = v.automatische_incasso
        iban = _iban(ai.rekeningnummer)
        if iban is None:
            iban = ai.rekeningnummer
            waarschuwingen.append(
                f"Machtiging {ai.machtigingskenmerk}: {iban!r} is geen geldig IBAN; "
                "niet bruikbaar voor incasso tot het is gecorrigeerd."
            )
        machtiging = MachtigingInvoer(
            kenmerk=ai.machtigingskenmerk, afgiftedatum=ai.afgiftedatum, iban=iban, bic=ai.bic
        )
    status = v.vorderingstatus
    if status and status.totaal_betaald:
        waarschuwingen.append(
            f"TSA meldt status {status.status} met totaalBetaald {status.totaal_betaald}; "
            "betalingen worden alleen via boekingen verwerkt."
        )
    if v.debiteur is None:
        waarschuwingen.append("Geen debiteur in het bericht: werklijst 'debiteur onbekend'.")
    eenheid = v.organisatorische_eenheid
    return VorderingInvoer(
        organisatie=organisatie,
        tsa=v.tsa,
        vorderingnummer=v.vorderingnummer,
        creatiedatum=v.creatiedatum,
        indicator_factuur_uitgestuurd=v.indicator_factuur_uitgestuurd,
        algemene_factuuromschrijving=v.algemene_factuuromschrijving,
        totaalbedrag_excl_btw=v.totaalbedrag_excl_btw,
        totaalbedrag_btw=v.totaalbedrag_btw,
        totaalbedrag_incl_btw=v.totaalbedrag_incl_btw,
        publiekrechtelijk=v.indicator_publiekrechtelijk,
        regels=regels,
        valutacode=v.valutacode,
        factuurnummer=v.factuurnummer,
        factuurdatum=v.factuurdatum,
        vervaldatum=v.vervaldatum,
        taaknummer=v.taaknummer,
        invorderingsregime=schema.invorderingsregime if schema else "",
        termijnen=termijnen,
        btw_totaalregels=[(b.btw_categorie, b.totaalbedrag_btw) for b in v.btw_totaalregels],
        machtiging=machtiging,
        debiteur=debiteur,
        organisatorische_eenheid=(eenheid.identificatie, eenheid.naam)
        if eenheid and eenheid.identificatie
        else None,
        zaak_identificatie=v.zaak.identificatie if v.zaak else "",
        zaak_omschrijving=v.zaak.omschrijving if v.zaak else "",
        heeft_betrekking_op_nummer=v.heeft_betrekking_op or "",
        waarschuwingen=waarschuwingen,
    )


# --- debtors -----------------------------------------------------------------------------------


def _debiteuren(vorderingen) -> list[Debiteur | None]:
    invoer, posities = [], []
    for i, v in enumerate(vorderingen):
        if v.debiteur is not None and (
            v.debiteur.natuurlijk_persoon
            or v.debiteur.niet_natuurlijk_persoon
            or v.debiteur.debiteurnummer
        ):
            invoer.append(_debiteur_invoer(v))
            posities.append(i)
    result: list[Debiteur | None] = [None] * len(vorderingen)
    for i, debiteur in zip(posities, debiteuren_upsert(invoer=invoer), strict=True):
        result[i] = debiteur
    return result


@functools.cache
def _max_length(model_field: str) -> int | None:
    return Debiteur._meta.get_field(model_field).max_length


def _clip(model_field: str, value: str) -> str:
    return value[: _max_length(model_field)]


def _adres_gegevens(adres: stuf.Adres | None) -> dict:
    if adres is None:
        return {}
    if adres.is_buitenland:
        return {
            "land": _clip("land", adres.landnaam or adres.landcode),
            "adresregel_buitenland_1": _clip("adresregel_buitenland_1", adres.adres_buitenland_1),
            "adresregel_buitenland_2": _clip("adresregel_buitenland_2", adres.adres_buitenland_2),
            "adresregel_buitenland_3": _clip("adresregel_buitenland_3", adres.adres_buitenland_3),
        }
    postcode = adres.postcode.replace(" ", "").upper()
    return {
        "adresseerbaar_object_id": _clip("adresseerbaar_object_id", adres.aoa_identificatie),
        "straatnaam": _clip("straatnaam", adres.straatnaam),
        "huisnummer": adres.huisnummer,
        "huisletter": _clip("huisletter", adres.huisletter),
        "huisnummertoevoeging": _clip("huisnummertoevoeging", adres.huisnummertoevoeging),
        "postcode": _clip("postcode", postcode),
        "woonplaats": _clip("woonplaats", adres.woonplaats),
        "locatiebeschrijving": _clip("locatiebeschrijving", adres.locatiebeschrijving),
    }


def _contact(telefoonnummer: str, emailadres: str, rekeningnummer: str) -> tuple[dict, list[str]]:
    gegevens = {"telefoonnummer": _clip("telefoonnummer", telefoonnummer)}
    try:
        validate_email(emailadres)
        gegevens["emailadres"] = emailadres
    except ValidationError:
        pass  # not a usable address: keep what we know
    iban = _iban(rekeningnummer) if rekeningnummer else None
    return gegevens, [iban] if iban else []


# Any IBAN after schwifty's clean-up (whitespace out, upper case): ISO 13616, 15 to 34 characters.
_IBAN_VORM = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_WITRUIMTE = re.compile(r"\s+")


def _iban(waarde: str) -> str | None:
    """``normalize_iban(waarde)``, or None when it is no valid IBAN.

    TSAs often send other account numbers (the official max message: "1", "NL847309983"). Those
    are told by their form and the ISO 7064 check digits here, without normalize_iban's
    exception: its traceback holds the frames of this call chain, the parsed message among their
    locals, in a reference cycle, so each one kept the whole message alive until a full garbage
    collection (100–200 ms per message of 1,000 claims)."""
    compact = _WITRUIMTE.sub("", waarde).upper()
    if not _IBAN_VORM.fullmatch(compact):
        return None
    if int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97 != 1:
        return None
    try:
        return normalize_iban(waarde)
    except ValidationError:
        return None


def _debiteur_invoer(v: stuf.Vordering) -> DebiteurInvoer:
    deb = v.debiteur
    if deb.natuurlijk_persoon:
        p = deb.natuurlijk_persoon
        bsn = normalize_elfproef(p.bsn) if p.bsn else ""
        if bsn and not is_valid_elfproef(bsn):
            raise StufFout(
                Foutcode.FIN011,
                f"Vordering {v.volgnummer}: BSN {p.bsn} voldoet niet aan de elfproef.",
            )
        contact, ibans = _contact(p.telefoonnummer, p.emailadres, p.rekeningnummer)
        gegevens = {
            "a_nummer": _clip("a_nummer", p.a_nummer),
            "geslachtsnaam": _clip("geslachtsnaam", p.geslachtsnaam),
            "voorvoegsel_geslachtsnaam": _clip(
                "voorvoegsel_geslachtsnaam", p.voorvoegsel_geslachtsnaam
            ),
            "voorletters": _clip("voorletters", p.voorletters),
            "voornamen": _clip("voornamen", p.voornamen),
            "aanduiding_naamgebruik": _clip("aanduiding_naamgebruik", p.aanduiding_naamgebruik),
            "geslachtsnaam_partner": _clip("geslachtsnaam_partner", p.geslachtsnaam_partner),
            "voorvoegsel_geslachtsnaam_partner": _clip(
                "voorvoegsel_geslachtsnaam_partner", p.voorvoegsel_geslachtsnaam_partner
            ),
            "aanhef_aanschrijving": _clip("aanhef_aanschrijving", p.aanhef_aanschrijving),
            "voornamen_aanschrijving": _clip("voornamen_aanschrijving", p.voornamen_aanschrijving),
            "geslachtsnaam_aanschrijving": _clip(
                "geslachtsnaam_aanschrijving", p.geslachtsnaam_aanschrijving
            ),
            "adellijke_titel_predikaat": _clip(
                "adellijke_titel_predikaat", p.adellijke_titel_predikaat
            ),
            "geslachtsaanduiding": _clip("geslachtsaanduiding", p.geslachtsaanduiding),
            "geboortedatum": p.geboortedatum,
            **_adres_gegevens(p.verblijfsadres or p.correspondentieadres),
            **contact,
        }
        return DebiteurInvoer(
            soort=Debiteursoort.NATUURLIJK_PERSOON,
            bsn=bsn,
            debiteurnummer=deb.debiteurnummer,
            gegevens=gegevens,
            ibans=ibans,
        )
    if deb.niet_natuurlijk_persoon:
        n = deb.niet_natuurlijk_persoon
        rsin = normalize_elfproef(n.nnp_id) if n.nnp_id else ""
        if rsin and not is_valid_elfproef(rsin):
            raise StufFout(
                Foutcode.FIN011,
                f"Vordering {v.volgnummer}: RSIN {n.nnp_id} voldoet niet aan de elfproef.",
            )
        kvk_nummer = n.kvk_nummer.strip()
        if kvk_nummer and not (len(kvk_nummer) == 8 and kvk_nummer.isdigit()):
            raise StufFout(
                Foutcode.FIN011,
                f"Vordering {v.volgnummer}: KvK-nummer {n.kvk_nummer} bestaat niet uit 8 cijfers.",
            )
        contact, ibans = _contact(n.telefoonnummer, n.emailadres, n.rekeningnummer)
        gegevens = {
            "statutaire_naam": _clip("statutaire_naam", n.statutaire_naam),
            "rechtsvorm": _clip("rechtsvorm", n.rechtsvorm),
            **_adres_gegevens(n.adres or n.correspondentieadres),
            **contact,
        }
        return DebiteurInvoer(
            soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
            rsin=rsin,
            kvk_nummer=kvk_nummer,
            debiteurnummer=deb.debiteurnummer,
            gegevens=gegevens,
            ibans=ibans,
        )
    # Only a debiteurnummer: match an existing debtor by it (or create a bare one).
    return DebiteurInvoer(soort=Debiteursoort.NATUURLIJK_PERSOON, debiteurnummer=deb.debiteurnummer)
