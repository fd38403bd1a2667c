"""Client for the KvK Handelsregister: API Basisprofiel (GET {KVK_API_URL}/basisprofielen/{kvkNummer}).

The post address of a company is the hoofdvestiging's correspondentieadres, else its bezoekadres;
without a hoofdvestiging the KvK puts the addresses in the eigenaar block (release 1.2/1.3).
Specification: developers.kvk.nl, api_basisprofiel.yaml 1.5.0, see LEESMIJ.md.
"""

import re
from dataclasses import dataclass

import requests
from django.conf import settings

from inningen.basisregistraties._http import (
    HttpInstellingen,
    host_van,
    maak_sessie,
    timeout_uit,
    verstuur,
)

_KVK_NUMMER = re.compile(r"^[0-9]{8}$")


class KvkFout(Exception):
    """Every failure of a KvK lookup; the message is Dutch and holds no API key."""

    status: int | None = None


class KvkNietBereikbaar(KvkFout):
    """Time-out, no connection, 429/502/503/504 after the retries, or another 5xx."""


class KvkOngeldigAntwoord(KvkFout):
    """The answer is not the JSON the specification promises."""


class KvkGeweigerd(KvkFout):
    """A 4xx, with the KvK's {"fout": [{"code", "omschrijving"}]}."""

    def __init__(self, status: int, fouten: list[dict] | None = None):
        self.status = status
        self.fouten = fouten or []
        delen = [f"KvK weigert het verzoek (HTTP {status})"]
        delen += [f"{f.get('code', '?')}: {f.get('omschrijving', '')}" for f in self.fouten]
        super().__init__(" — ".join(delen))


class KvkNietGevonden(KvkGeweigerd):
    """404: the Handelsregister has no (deliverable) profile for this number."""


@dataclass(frozen=True)
class KvkAdres:
    type: str
    straatnaam: str = ""
    huisnummer: int | None = None
    huisletter: str = ""
    huisnummer_toevoeging: str = ""
    toevoeging_adres: str = ""
    postbusnummer: int | None = None
    postcode: str = ""
    plaats: str = ""
    land: str = ""
    volledig_adres: str = ""
    afgeschermd: bool = False

    @property
    def adresregels(self) -> tuple[str, ...]:
        """Lines for an envelope, in the same notation as the BRP adressering."""
        if self.postbusnummer is not None:
            eerste = f"Postbus {self.postbusnummer}"
        else:
            nummer = f"{self.huisnummer or ''}{self.huisletter}"
            if self.huisnummer_toevoeging:
                nummer = f"{nummer}-{self.huisnummer_toevoeging}"
            eerste = " ".join(d for d in (self.straatnaam, nummer) if d)
        postcode = self.postcode
        if re.fullmatch(r"[0-9]{4}[A-Z]{2}", postcode):
            postcode = f"{postcode[:4]} {postcode[4:]}"
        tweede = "  ".join(d for d in (postcode, self.plaats.upper()) if d)
        regels = [r for r in (eerste, tweede) if r]
        if self.land and self.land.lower() != "nederland":
            regels.append(self.land.upper())
        return tuple(regels)


@dataclass(frozen=True)
class KvkBasisprofiel:
    kvk_nummer: str
    naam: str = ""
    statutaire_naam: str = ""
    rsin: str = ""
    correspondentieadres: KvkAdres | None = None
    bezoekadres: KvkAdres | None = None

    @property
    def postadres(self) -> KvkAdres | None:
        return self.correspondentieadres or self.bezoekadres


def _tekst(waarde) -> str:
    return waarde if isinstance(waarde, str) else ""


def _getal(waarde) -> int | None:
    return waarde if isinstance(waarde, int) and not isinstance(waarde, bool) else None


def _lees_adres(ruw: dict) -> KvkAdres:
    return KvkAdres(
        type=_tekst(ruw.get("type")),
        straatnaam=_tekst(ruw.get("straatnaam")),
        huisnummer=_getal(ruw.get("huisnummer")),
        huisletter=_tekst(ruw.get("huisletter")),
        huisnummer_toevoeging=_tekst(ruw.get("huisnummerToevoeging")),
        toevoeging_adres=_tekst(ruw.get("toevoegingAdres")),
        postbusnummer=_getal(ruw.get("postbusnummer")),
        postcode=_tekst(ruw.get("postcode")),
        plaats=_tekst(ruw.get("plaats")),
        land=_tekst(ruw.get("land")),
        volledig_adres=_tekst(ruw.get("volledigAdres")),
        afgeschermd=_tekst(ruw.get("indAfgeschermd")).lower() == "ja",
    )


def _lees_basisprofiel(inhoud, host: str) -> KvkBasisprofiel:
    if not isinstance(inhoud, dict) or not isinstance(inhoud.get("kvkNummer"), str):
        raise KvkOngeldigAntwoord(f"KvK ({host}) gaf een basisprofiel zonder kvkNummer.")
    embedded = inhoud.get("_embedded") or {}
    if not isinstance(embedded, dict):
        raise KvkOngeldigAntwoord(f"KvK ({host}) gaf een ongeldig _embedded-blok.")
    hoofdvestiging = embedded.get("hoofdvestiging") or {}
    eigenaar = embedded.get("eigenaar") or {}
    if not isinstance(hoofdvestiging, dict) or not isinstance(eigenaar, dict):
        raise KvkOngeldigAntwoord(f"KvK ({host}) gaf een ongeldige hoofdvestiging of eigenaar.")
    ruwe_adressen = hoofdvestiging.get("adressen") or eigenaar.get("adressen") or []
    if not isinstance(ruwe_adressen, list) or not all(isinstance(a, dict) for a in ruwe_adressen):
        raise KvkOngeldigAntwoord(f"KvK ({host}) gaf een ongeldige lijst adressen.")
    adressen = [_lees_adres(a) for a in ruwe_adressen]
    per_type = {}
    for adres in adressen:
        per_type.setdefault(adres.type, adres)
    return KvkBasisprofiel(
        kvk_nummer=inhoud["kvkNummer"],
        naam=_tekst(inhoud.get("naam")),
        statutaire_naam=_tekst(inhoud.get("statutaireNaam")),
        rsin=_tekst(eigenaar.get("rsin")) or _tekst(hoofdvestiging.get("rsin")),
        correspondentieadres=per_type.get("correspondentieadres"),
        bezoekadres=per_type.get("bezoekadres"),
    )


class KvkClient:
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
        self.base_url = base_url.rstrip("/")
        self.host = host_van(base_url)
        self.api_key = api_key
        self.instellingen = HttpInstellingen(
            timeout=timeout, max_pogingen=max_pogingen, wachttijd=wachttijd
        )
        self.session = maak_sessie(session, cert, verify)

    def basisprofiel(self, kvk_nummer: str) -> KvkBasisprofiel:
        if not isinstance(kvk_nummer, str) or not _KVK_NUMMER.match(kvk_nummer):
            raise ValueError("Een KvK-nummer bestaat uit 8 cijfers.")
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["apikey"] = self.api_key
        url = f"{self.base_url}/basisprofielen/{kvk_nummer}"

        def doe_verzoek():
            return self.session.get(url, headers=headers, timeout=self.instellingen.timeout)

        antwoord = verstuur(
            doe_verzoek,
            self.instellingen,
            lambda reden: KvkNietBereikbaar(f"KvK ({self.host}) niet bereikbaar: {reden}."),
        )
        if antwoord.status_code >= 500:
            raise KvkNietBereikbaar(
                f"KvK ({self.host}) gaf een serverfout (HTTP {antwoord.status_code})."
            )
        if antwoord.status_code != 200:
            try:
                fouten = antwoord.json().get("fout")
            except (ValueError, AttributeError):
                fouten = None
            fouten = [f for f in fouten if isinstance(f, dict)] if isinstance(fouten, list) else []
            klasse = KvkNietGevonden if antwoord.status_code == 404 else KvkGeweigerd
            raise klasse(antwoord.status_code, fouten)
        try:
            inhoud = antwoord.json()
        except ValueError as exc:
            raise KvkOngeldigAntwoord(
                f"KvK ({self.host}) gaf geen geldige JSON (HTTP 200)."
            ) from exc
        return _lees_basisprofiel(inhoud, self.host)


def kvk_client_from_settings() -> KvkClient | None:
    """The configured client, or None when KVK_API_URL is empty (then no lookups happen)."""
    url = getattr(settings, "KVK_API_URL", "")
    if not url:
        return None
    return KvkClient(
        url,
        getattr(settings, "KVK_API_KEY", ""),
        timeout=timeout_uit(getattr(settings, "KVK_TIMEOUT", 10.0)),
        verify=getattr(settings, "KVK_CA_BUNDLE", "") or None,
    )
