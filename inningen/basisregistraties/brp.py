"""Client for the BRP: Haal Centraal BRP API Personen 2.x, operation RaadpleegMetBurgerservicenummer.

POST {BRP_API_URL}/personen with {"type": "RaadpleegMetBurgerservicenummer",
"burgerservicenummer": [...], "fields": [...]}; the BSNs travel only in the body. The API returns
only the persons it found, so a BSN missing from the answer is unknown to the BRP.
Specification: BRP-API/Haal-Centraal-BRP-bevragen, specificatie/openapi.yaml (2.7.0), see LEESMIJ.md.
"""

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import requests
from django.conf import settings

from inningen.basisregistraties._http import (
    HttpInstellingen,
    host_van,
    maak_sessie,
    timeout_uit,
    verstuur,
)

# RaadpleegMetBurgerservicenummer.burgerservicenummer.maxItems in the specification.
MAX_BSNS_PER_VERZOEK = 20
RAADPLEEG_TYPE = "RaadpleegMetBurgerservicenummer"

# Data minimisation: what a letter and the checks before it need, nothing more. The
# indications (geheimhouding, opschorting bijhouding, verblijft niet op adres, in onderzoek) are
# delivered automatically and may not be asked for.
VELDEN_BRIEF: tuple[str, ...] = (
    "burgerservicenummer",
    "adressering.aanhef",
    "adressering.aanschrijfwijze",
    "adressering.gebruikInLopendeTekst",
    "adressering.adresregel1",
    "adressering.adresregel2",
    "adressering.adresregel3",
    "adressering.land",
    "overlijden.datum",
    "verblijfplaats.datumVan",
    "verblijfplaats.verblijfadres.postcode",
    "verblijfplaats.verblijfadres.huisnummer",
    "verblijfplaats.verblijfadres.huisletter",
    "verblijfplaats.verblijfadres.huisnummertoevoeging",
)

# The balie shows the BRP beside our own data, so it also needs the name and the full address.
VELDEN_BALIE: tuple[str, ...] = (
    *VELDEN_BRIEF,
    "naam",
    "geslacht",
    "verblijfplaats.verblijfadres",
)

_BSN = re.compile(r"^[0-9]{9}$")


class BrpFout(Exception):
    """Every failure of a BRP lookup; the message is Dutch and holds no key or BSN."""

    status: int | None = None


class BrpNietBereikbaar(BrpFout):
    """Time-out, no connection, 429/502/503/504 after the retries, or another 5xx."""


class BrpOngeldigAntwoord(BrpFout):
    """The answer is not the JSON the specification promises."""


class BrpGeweigerd(BrpFout):
    """The BRP (or its gateway) refused the request (4xx), with the problem's details."""

    def __init__(
        self,
        status: int,
        titel: str = "",
        detail: str = "",
        code: str = "",
        ongeldige_parameters: Sequence[dict] = (),
    ):
        self.status = status
        self.titel = titel
        self.detail = detail
        self.code = code
        self.ongeldige_parameters = list(ongeldige_parameters)
        delen = [f"BRP weigert het verzoek (HTTP {status})"]
        if titel:
            delen.append(titel)
        if detail:
            delen.append(detail)
        for param in self.ongeldige_parameters:
            delen.append(f"{param.get('name', '?')}: {param.get('reason', param.get('code', ''))}")
        super().__init__(" — ".join(delen))


@dataclass(frozen=True)
class BrpAdressering:
    aanhef: str = ""
    aanschrijfwijze: str = ""
    aanspreekvorm: str = ""
    gebruik_in_lopende_tekst: str = ""
    adresregels: tuple[str, ...] = ()
    land_code: str = ""
    land: str = ""
    in_onderzoek: bool = False


@dataclass(frozen=True)
class BrpAdres:
    """A Dutch address (verblijfplaats type Adres, or Locatie with only a description)."""

    straat: str = ""
    huisnummer: int | None = None
    huisletter: str = ""
    huisnummertoevoeging: str = ""
    postcode: str = ""
    woonplaats: str = ""
    locatiebeschrijving: str = ""


@dataclass(frozen=True)
class BrpBuitenlandsAdres:
    regels: tuple[str, ...] = ()
    land_code: str = ""
    land: str = ""


@dataclass(frozen=True)
class BrpPersoon:
    bsn: str
    voornamen: str = ""
    voorletters: str = ""
    voorvoegsel: str = ""
    geslachtsnaam: str = ""
    volledige_naam: str = ""
    geslacht: str = ""
    adressering: BrpAdressering | None = None
    overleden: bool = False
    overlijdensdatum: date | None = None
    verblijft_niet_op_adres: bool = False
    # "Adres", "Locatie", "VerblijfplaatsBuitenland", "VerblijfplaatsOnbekend" or "" (not asked).
    verblijfplaats_type: str = ""
    verblijfplaats_sinds: date | None = None
    adres: BrpAdres | None = None
    buitenland: BrpBuitenlandsAdres | None = None
    geheimhouding: bool = False
    # Reden opschorting bijhouding: O overlijden, E emigratie, M ministerieel besluit, R RNI, F fout.
    opschorting_reden: str = ""
    opschorting_datum: date | None = None

    @property
    def geemigreerd(self) -> bool:
        return self.opschorting_reden == "E" or self.verblijfplaats_type in (
            "VerblijfplaatsBuitenland",
            "VerblijfplaatsOnbekend",
        )

    @property
    def buitenlands_adres_bekend(self) -> bool:
        # With VELDEN_BRIEF the foreign lines come only in the adressering (with a foreign land).
        if self.buitenland and self.buitenland.regels:
            return True
        adr = self.adressering
        return bool(adr and adr.adresregels and adr.land_code not in ("", "6030"))

    @property
    def reden_geen_brief(self) -> str:
        """Why no letter can go to this person ("" when one can); the caller words it for staff."""
        if self.overleden:
            return "overleden"
        if self.verblijft_niet_op_adres:
            return "verblijft_niet_op_adres"
        if self.geemigreerd and not self.buitenlands_adres_bekend:
            return "geemigreerd_zonder_adres"
        return ""


def _tekst(waarde) -> str:
    return waarde if isinstance(waarde, str) else ""


def _object(waarde, pad: str) -> dict:
    if waarde is None:
        return {}
    if not isinstance(waarde, dict):
        raise BrpOngeldigAntwoord(f"BRP-antwoord ongeldig: {pad} is geen object.")
    return waarde


def _datum(waarde, pad: str) -> date | None:
    """Only type "Datum" is a full date; DatumOnbekend, JaarDatum and JaarMaandDatum give None."""
    obj = _object(waarde, pad)
    if obj.get("type") != "Datum":
        return None
    try:
        return date.fromisoformat(obj["datum"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BrpOngeldigAntwoord(f"BRP-antwoord ongeldig: {pad} is geen datum.") from exc


def _waardetabel(waarde, pad: str) -> tuple[str, str]:
    obj = _object(waarde, pad)
    return _tekst(obj.get("code")), _tekst(obj.get("omschrijving"))


def _lees_persoon(ruw, index: int) -> BrpPersoon:
    pad = f"personen[{index}]"
    ruw = _object(ruw, pad)
    bsn = ruw.get("burgerservicenummer")
    if not isinstance(bsn, str) or not _BSN.match(bsn):
        raise BrpOngeldigAntwoord(
            f"BRP-antwoord ongeldig: {pad} heeft geen geldig burgerservicenummer."
        )
    naam = _object(ruw.get("naam"), f"{pad}.naam")
    geslacht, _ = _waardetabel(ruw.get("geslacht"), f"{pad}.geslacht")

    adressering = None
    vnoa = False
    if "adressering" in ruw:
        adr = _object(ruw["adressering"], f"{pad}.adressering")
        schrijf = _object(adr.get("aanschrijfwijze"), f"{pad}.adressering.aanschrijfwijze")
        land_code, land = _waardetabel(adr.get("land"), f"{pad}.adressering.land")
        adressering = BrpAdressering(
            aanhef=_tekst(adr.get("aanhef")),
            aanschrijfwijze=_tekst(schrijf.get("naam")),
            aanspreekvorm=_tekst(schrijf.get("aanspreekvorm")),
            gebruik_in_lopende_tekst=_tekst(adr.get("gebruikInLopendeTekst")),
            adresregels=tuple(
                r for r in (_tekst(adr.get(f"adresregel{i}")) for i in (1, 2, 3)) if r
            ),
            land_code=land_code,
            land=land,
            in_onderzoek=bool(adr.get("inOnderzoek")),
        )
        vnoa = bool(adr.get("indicatieVastgesteldVerblijftNietOpAdres"))

    verblijf = _object(ruw.get("verblijfplaats"), f"{pad}.verblijfplaats")
    verblijf_type = _tekst(verblijf.get("type"))
    vadres = _object(verblijf.get("verblijfadres"), f"{pad}.verblijfplaats.verblijfadres")
    adres = buitenland = None
    if verblijf_type in ("Adres", "Locatie") and vadres:
        huisnummer = vadres.get("huisnummer")
        if huisnummer is not None and not isinstance(huisnummer, int):
            raise BrpOngeldigAntwoord(
                f"BRP-antwoord ongeldig: {pad} heeft een huisnummer dat geen getal is."
            )
        adres = BrpAdres(
            straat=_tekst(vadres.get("korteStraatnaam"))
            or _tekst(vadres.get("officieleStraatnaam")),
            huisnummer=huisnummer,
            huisletter=_tekst(vadres.get("huisletter")),
            huisnummertoevoeging=_tekst(vadres.get("huisnummertoevoeging")),
            postcode=_tekst(vadres.get("postcode")),
            woonplaats=_tekst(vadres.get("woonplaats")),
            locatiebeschrijving=_tekst(vadres.get("locatiebeschrijving")),
        )
    elif verblijf_type == "VerblijfplaatsBuitenland":
        land_code, land = _waardetabel(
            vadres.get("land"), f"{pad}.verblijfplaats.verblijfadres.land"
        )
        buitenland = BrpBuitenlandsAdres(
            regels=tuple(r for r in (_tekst(vadres.get(f"regel{i}")) for i in (1, 2, 3)) if r),
            land_code=land_code,
            land=land,
        )

    overlijden = _object(ruw.get("overlijden"), f"{pad}.overlijden")
    opschorting = _object(ruw.get("opschortingBijhouding"), f"{pad}.opschortingBijhouding")
    reden, _ = _waardetabel(opschorting.get("reden"), f"{pad}.opschortingBijhouding.reden")
    geheim = ruw.get("geheimhoudingPersoonsgegevens", False)
    return BrpPersoon(
        bsn=bsn,
        voornamen=_tekst(naam.get("voornamen")),
        voorletters=_tekst(naam.get("voorletters")),
        voorvoegsel=_tekst(naam.get("voorvoegsel")),
        geslachtsnaam=_tekst(naam.get("geslachtsnaam")),
        volledige_naam=_tekst(naam.get("volledigeNaam")),
        geslacht=geslacht,
        adressering=adressering,
        # Opschorting O comes unasked, so a death is seen even when overlijden was not requested.
        overleden=bool(overlijden) or reden == "O",
        overlijdensdatum=_datum(overlijden.get("datum"), f"{pad}.overlijden.datum"),
        verblijft_niet_op_adres=vnoa
        or bool(verblijf.get("indicatieVastgesteldVerblijftNietOpAdres")),
        verblijfplaats_type=verblijf_type,
        verblijfplaats_sinds=_datum(verblijf.get("datumVan"), f"{pad}.verblijfplaats.datumVan"),
        adres=adres,
        buitenland=buitenland,
        # Version 2.0-2.3 sent the indication as a number (> 0 is secret); later versions a boolean.
        geheimhouding=bool(geheim),
        opschorting_reden=reden,
        opschorting_datum=_datum(opschorting.get("datum"), f"{pad}.opschortingBijhouding.datum"),
    )


def _in_blokken(bsns: Sequence[str], grootte: int) -> Iterable[list[str]]:
    for start in range(0, len(bsns), grootte):
        yield list(bsns[start : start + grootte])


class BrpClient:
    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        timeout: tuple[float, float] = (3.05, 10.0),
        cert: tuple[str, str] | str | None = None,
        session: requests.Session | None = None,
        *,
        verify: str | bool | None = None,
        max_pogingen: int = 3,
        wachttijd: float = 0.2,
    ):
        self.url = base_url.rstrip("/") + "/personen"
        self.host = host_van(base_url)
        self.api_key = api_key
        self.instellingen = HttpInstellingen(
            timeout=timeout, max_pogingen=max_pogingen, wachttijd=wachttijd
        )
        self.session = maak_sessie(session, cert, verify)

    def personen_raadplegen(
        self, bsns: Sequence[str], fields: Sequence[str] = VELDEN_BRIEF
    ) -> list[BrpPersoon]:
        """The persons the BRP knows, in BRP order, as many per call as the API allows.

        Duplicates are asked once; a BSN absent from the result is unknown to the BRP (or
        its persoonslijst is withdrawn). One failing call fails the whole lookup, so a caller
        never acts on half an answer.
        """
        uniek = list(dict.fromkeys(bsns))
        for positie, bsn in enumerate(uniek):
            if not isinstance(bsn, str) or not _BSN.match(bsn):
                raise ValueError(f"Burgerservicenummer op positie {positie} is geen 9 cijfers.")
        velden = list(dict.fromkeys(fields))
        # Without the BSN in the answer we cannot tell whose data came back.
        if "burgerservicenummer" not in velden:
            velden.insert(0, "burgerservicenummer")
        personen: list[BrpPersoon] = []
        for blok in _in_blokken(uniek, MAX_BSNS_PER_VERZOEK):
            personen.extend(self._raadpleeg_blok(blok, velden))
        return personen

    def _raadpleeg_blok(self, bsns: list[str], velden: list[str]) -> list[BrpPersoon]:
        body = json.dumps(
            {"type": RAADPLEEG_TYPE, "burgerservicenummer": bsns, "fields": velden}
        ).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
        }
        if self.api_key:
            headers["X-API-KEY"] = self.api_key

        def doe_verzoek():
            return self.session.post(
                self.url, data=body, headers=headers, timeout=self.instellingen.timeout
            )

        antwoord = verstuur(
            doe_verzoek,
            self.instellingen,
            lambda reden: BrpNietBereikbaar(f"BRP ({self.host}) niet bereikbaar: {reden}."),
        )
        if antwoord.status_code >= 500:
            # Not retried (500, 501): still the source failing, not our request.
            raise BrpNietBereikbaar(
                f"BRP ({self.host}) gaf een serverfout (HTTP {antwoord.status_code})."
            )
        if antwoord.status_code != 200:
            raise self._weigering(antwoord)
        try:
            inhoud = antwoord.json()
        except ValueError as exc:
            raise BrpOngeldigAntwoord(
                f"BRP ({self.host}) gaf geen geldige JSON (HTTP 200)."
            ) from exc
        if not isinstance(inhoud, dict) or not isinstance(inhoud.get("personen", []), list):
            raise BrpOngeldigAntwoord(f"BRP ({self.host}) gaf een antwoord zonder lijst personen.")
        if inhoud.get("type") not in (None, RAADPLEEG_TYPE):
            raise BrpOngeldigAntwoord(f"BRP ({self.host}) antwoordde met een ander type.")
        personen = [_lees_persoon(p, i) for i, p in enumerate(inhoud.get("personen", []))]
        gevraagd = set(bsns)
        if any(p.bsn not in gevraagd for p in personen):
            raise BrpOngeldigAntwoord(
                f"BRP ({self.host}) leverde een persoon die niet gevraagd was."
            )
        return personen

    def _weigering(self, antwoord: requests.Response) -> BrpFout:
        try:
            probleem = antwoord.json()
        except ValueError:
            probleem = None
        if not isinstance(probleem, dict):
            return BrpGeweigerd(antwoord.status_code, titel=f"{self.host} gaf geen problem-details")
        params = probleem.get("invalidParams")
        return BrpGeweigerd(
            antwoord.status_code,
            titel=_tekst(probleem.get("title")),
            detail=_tekst(probleem.get("detail")),
            code=_tekst(probleem.get("code")),
            ongeldige_parameters=[p for p in params if isinstance(p, dict)]
            if isinstance(params, list)
            else (),
        )


def brp_client_from_settings() -> BrpClient | None:
    """The configured client, or None when BRP_API_URL is empty (then no lookups happen)."""
    url = getattr(settings, "BRP_API_URL", "")
    if not url:
        return None
    certfile = getattr(settings, "BRP_CLIENT_CERT", "")
    keyfile = getattr(settings, "BRP_CLIENT_KEY", "")
    cert = (certfile, keyfile) if certfile and keyfile else (certfile or None)
    return BrpClient(
        url,
        getattr(settings, "BRP_API_KEY", ""),
        timeout=timeout_uit(getattr(settings, "BRP_TIMEOUT", 10.0)),
        cert=cert,
        verify=getattr(settings, "BRP_CA_BUNDLE", "") or None,
    )
