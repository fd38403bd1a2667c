"""A small local stand-in for the BRP API Personen 2.7 and the KvK API Basisprofiel 1.5.

It validates requests and answers the way the official specifications describe (see LEESMIJ.md),
so the product's clients are tested against the contract rather than against a mock of themselves:
    POST /haalcentraal/api/brp/personen          (header X-API-KEY)
    GET  /kvk/api/v1/basisprofielen/{kvkNummer}  (header apikey)
Dependency-free (http.server); a thread per request so a slow answer never blocks the next test.
Test knobs: vertraging_ms, modus ("normaal", "down", "traag", "kapot"), storingen (the next n
requests get 503), genereer_onbekende, and a log of every request.
"""

import copy
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA_BESTAND = Path(__file__).with_name("fake_data.json")
BRP_PAD = "/haalcentraal/api/brp/personen"
KVK_PREFIX = "/kvk/api/v1/basisprofielen/"
MAX_BSNS = 20
MAX_FIELDS = 130
RAADPLEEG = "RaadpleegMetBurgerservicenummer"
ZOEK_TYPES = {
    RAADPLEEG,
    "ZoekMetGeslachtsnaamEnGeboortedatum",
    "ZoekMetNaamEnGemeenteVanInschrijving",
    "ZoekMetPostcodeEnHuisnummer",
    "ZoekMetStraatHuisnummerEnGemeenteVanInschrijving",
    "ZoekMetNummeraanduidingIdentificatie",
    "ZoekMetAdresseerbaarObjectIdentificatie",
}
MAANDEN = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# The field paths of Persoon (specification 2.7.0) this fake knows in detail. A leaf None is a
# plain value; the named shapes below expand to their sub-fields. "*" accepts any sub-path: groups
# the fake holds no data for but that a valid request may still ask.
_DATUM = "datum"
_WAARDETABEL = "waardetabel"
_DATUM_VELDEN = {
    "type": None,
    "datum": None,
    "langFormaat": None,
    "onbekend": None,
    "jaar": None,
    "maand": None,
}
_WAARDETABEL_VELDEN = {"code": None, "omschrijving": None}
_VERBLIJFADRES = {
    "officieleStraatnaam": None,
    "korteStraatnaam": None,
    "huisnummer": None,
    "huisletter": None,
    "huisnummertoevoeging": None,
    "aanduidingBijHuisnummer": _WAARDETABEL,
    "postcode": None,
    "woonplaats": None,
    "locatiebeschrijving": None,
    "regel1": None,
    "regel2": None,
    "regel3": None,
    "land": _WAARDETABEL,
}
PERSOON_VELDEN = {
    "aNummer": None,
    "burgerservicenummer": None,
    "datumEersteInschrijvingGBA": _DATUM,
    "datumInschrijvingInGemeente": _DATUM,
    "geslacht": _WAARDETABEL,
    "leeftijd": None,
    "gemeenteVanInschrijving": _WAARDETABEL,
    "indicatieCurateleRegister": None,
    "indicatieGezagMinderjarige": _WAARDETABEL,
    "naam": {
        "voornamen": None,
        "adellijkeTitelPredicaat": {"code": None, "omschrijving": None, "soort": None},
        "voorvoegsel": None,
        "geslachtsnaam": None,
        "voorletters": None,
        "volledigeNaam": None,
        "aanduidingNaamgebruik": _WAARDETABEL,
    },
    "geboorte": {"datum": _DATUM, "land": _WAARDETABEL, "plaats": _WAARDETABEL},
    "overlijden": {"datum": _DATUM, "land": _WAARDETABEL, "plaats": _WAARDETABEL},
    "verblijfplaats": {
        "type": None,
        "datumVan": _DATUM,
        "datumIngangGeldigheid": _DATUM,
        "functieAdres": _WAARDETABEL,
        "adresseerbaarObjectIdentificatie": None,
        "nummeraanduidingIdentificatie": None,
        "verblijfadres": _VERBLIJFADRES,
    },
    "immigratie": {
        "datumVestigingInNederland": _DATUM,
        "landVanwaarIngeschreven": _WAARDETABEL,
        "vanuitVerblijfplaatsOnbekend": None,
        "indicatieVestigingVanuitBuitenland": None,
    },
    "adressering": {
        "aanhef": None,
        "aanschrijfwijze": {"naam": None, "aanspreekvorm": None},
        "gebruikInLopendeTekst": None,
        "adresregel1": None,
        "adresregel2": None,
        "adresregel3": None,
        "land": _WAARDETABEL,
    },
    "nationaliteiten": "*",
    "kinderen": "*",
    "ouders": "*",
    "partners": "*",
    "verblijfstitel": "*",
    "uitsluitingKiesrecht": "*",
    "europeesKiesrecht": "*",
    "gezag": "*",
}
# Delivered automatically; asking them gives "niet toegestane veldnaam" (fields-fout-cases.feature).
AUTOMATISCH = (
    "geheimhoudingPersoonsgegevens",
    "opschortingBijhouding",
    "rni",
    "verificatie",
    "inOnderzoek",
)


def _veld_status(pad: str) -> str:
    """ "ok", "verboden" (automatically delivered) or "onbekend"."""
    delen = pad.split(".")
    if delen[0] in AUTOMATISCH or "inOnderzoek" in delen:
        return "verboden"
    if delen[-1] == "indicatieVastgesteldVerblijftNietOpAdres" and delen[0] in (
        "adressering",
        "verblijfplaats",
    ):
        return "verboden"
    knoop = PERSOON_VELDEN
    for deel in delen:
        if knoop == "*":
            return "ok"
        if knoop == _DATUM:
            knoop = _DATUM_VELDEN
        elif knoop == _WAARDETABEL:
            knoop = _WAARDETABEL_VELDEN
        if not isinstance(knoop, dict) or deel not in knoop:
            return "onbekend"
        knoop = knoop[deel]
    return "ok"


def datum(iso: str) -> dict:
    jaar, maand, dag = iso.split("-")
    return {
        "type": "Datum",
        "datum": iso,
        "langFormaat": f"{int(dag)} {MAANDEN[int(maand) - 1]} {jaar}",
    }


def _boom(paden: list[str]) -> dict:
    boom: dict = {}
    for pad in paden:
        knoop = boom
        delen = pad.split(".")
        for deel in delen[:-1]:
            knoop = knoop.setdefault(deel, {})
            if knoop is True:
                break
        else:
            knoop[delen[-1]] = True
    return boom


def _selecteer(waarde, boom):
    """The part of waarde that boom asks for; None when nothing of it has a value."""
    if boom is True:
        return waarde
    if isinstance(waarde, list):
        gekozen = [_selecteer(w, boom) for w in waarde]
        return [g for g in gekozen if g not in (None, {}, [])] or None
    if not isinstance(waarde, dict):
        return None
    uit = {}
    for sleutel, deelboom in boom.items():
        if sleutel in waarde:
            gekozen = _selecteer(waarde[sleutel], deelboom)
            if gekozen not in (None, {}, []):
                uit[sleutel] = gekozen
    if uit and "type" in waarde:
        # Polymorphic objects (verblijfplaats, datums) always carry their discriminator.
        uit = {"type": waarde["type"], **uit}
    return uit or None


def _onderzoek_voor(bron: dict, geleverd: dict) -> dict | None:
    """inOnderzoek is delivered for the delivered fields that are under investigation."""
    onderzoek = bron.get("inOnderzoek")
    if not isinstance(onderzoek, dict):
        return None
    uit = {k: v for k, v in onderzoek.items() if k in geleverd or not isinstance(v, bool)}
    return uit if any(isinstance(v, bool) for v in uit.values()) else None


def filter_persoon(persoon: dict, velden: list[str]) -> dict:
    """What the real API returns for this person when asked these (validated) fields."""
    # A copy: the additions below must never change the stored person.
    uit = copy.deepcopy(_selecteer(persoon, _boom(velden)) or {})
    adresregels = {"adresregel1", "adresregel2", "adresregel3", "land"}
    for groep in ("adressering", "verblijfplaats"):
        if groep in uit:
            # The indication comes with the address lines it concerns (vastgesteld-verblijft-niet-op-adres.feature).
            gaat_over_adres = groep == "verblijfplaats" or adresregels & set(uit[groep])
            if gaat_over_adres and persoon[groep].get("indicatieVastgesteldVerblijftNietOpAdres"):
                uit[groep]["indicatieVastgesteldVerblijftNietOpAdres"] = True
            onderzoek = _onderzoek_voor(persoon[groep], uit[groep])
            if onderzoek:
                uit[groep]["inOnderzoek"] = onderzoek
    vadres = uit.get("verblijfplaats", {}).get("verblijfadres")
    if vadres:
        onderzoek = _onderzoek_voor(persoon["verblijfplaats"]["verblijfadres"], vadres)
        if onderzoek:
            vadres["inOnderzoek"] = onderzoek
    if persoon.get("geheimhoudingPersoonsgegevens"):
        uit["geheimhoudingPersoonsgegevens"] = True
    if persoon.get("opschortingBijhouding"):
        uit["opschortingBijhouding"] = copy.deepcopy(persoon["opschortingBijhouding"])
    return uit


_STRATEN = ("Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Beukenlaan")
_PLAATSEN = (("Utrecht", "0344"), ("Zwolle", "0193"), ("Leiden", "0546"), ("Delft", "0503"))
_NAMEN = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "van Dijk", "Mulder")


def genereer_persoon(bsn: str) -> dict:
    """A plausible ordinary person, the same every time for the same BSN (benchmarks)."""
    h = hashlib.sha256(bsn.encode()).digest()
    straat = _STRATEN[h[0] % len(_STRATEN)]
    plaats, gemeente = _PLAATSEN[h[1] % len(_PLAATSEN)]
    naam = _NAMEN[h[2] % len(_NAMEN)]
    voorvoegsel, _, geslachtsnaam = naam.rpartition(" ")
    huisnummer = 1 + int.from_bytes(h[3:5]) % 300
    postcode = f"{1000 + int.from_bytes(h[5:7]) % 9000}{chr(65 + h[7] % 26)}{chr(65 + h[8] % 26)}"
    vrouw = h[9] % 2 == 0
    voorletter = chr(65 + h[10] % 26)
    achternaam = f"{voorvoegsel[:1].upper()}{voorvoegsel[1:]} {geslachtsnaam}".strip()
    kort = f"{voorletter}. {naam}"
    return {
        "burgerservicenummer": bsn,
        "geslacht": {"code": "V", "omschrijving": "vrouw"}
        if vrouw
        else {"code": "M", "omschrijving": "man"},
        "naam": {
            "voorvoegsel": voorvoegsel,
            "geslachtsnaam": geslachtsnaam,
            "voorletters": f"{voorletter}.",
            "volledigeNaam": naam,
        }
        if voorvoegsel
        else {
            "geslachtsnaam": geslachtsnaam,
            "voorletters": f"{voorletter}.",
            "volledigeNaam": naam,
        },
        "gemeenteVanInschrijving": {"code": gemeente, "omschrijving": plaats},
        "verblijfplaats": {
            "type": "Adres",
            "datumVan": datum(f"{2000 + h[11] % 25}-{1 + h[12] % 12:02d}-{1 + h[13] % 28:02d}"),
            "verblijfadres": {
                "officieleStraatnaam": straat,
                "korteStraatnaam": straat,
                "huisnummer": huisnummer,
                "postcode": postcode,
                "woonplaats": plaats,
            },
        },
        "adressering": {
            "aanhef": f"Geachte {'mevrouw' if vrouw else 'heer'} {achternaam}",
            "aanschrijfwijze": {"naam": kort},
            "gebruikInLopendeTekst": f"{'mevrouw' if vrouw else 'de heer'} {achternaam}",
            "adresregel1": f"{straat} {huisnummer}",
            "adresregel2": f"{postcode[:4]} {postcode[4:]}  {plaats.upper()}",
        },
    }


def _probleem(
    status: int, titel: str, code: str, detail: str = "", params=None, instance=BRP_PAD
) -> dict:
    typen = {
        400: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.1",
        401: "https://datatracker.ietf.org/doc/html/rfc7235#section-3.1",
        406: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.6",
        415: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.5.13",
        503: "https://datatracker.ietf.org/doc/html/rfc7231#section-6.6.4",
    }
    probleem = {"type": typen.get(status, "about:blank"), "title": titel, "status": status}
    if detail:
        probleem["detail"] = detail
    probleem |= {"code": code, "instance": instance}
    if params:
        probleem["invalidParams"] = params
    return probleem


def _param(naam: str, code: str, reden: str) -> dict:
    return {"name": naam, "code": code, "reason": reden}


def valideer_raadpleeg(verzoek) -> list[dict]:
    """invalidParams for a RaadpleegMetBurgerservicenummer body, as the specification's features word them."""
    if not isinstance(verzoek, dict):
        return [_param("type", "required", "Parameter is verplicht.")]
    soort = verzoek.get("type")
    if soort is None:
        return [_param("type", "required", "Parameter is verplicht.")]
    if soort not in ZOEK_TYPES:
        return [_param("type", "value", "Waarde is geen geldig zoek type.")]
    if soort != RAADPLEEG:
        # This fake only knows raadplegen; the real API would search.
        return [_param("type", "value", "Zoektype wordt niet ondersteund door deze fake.")]
    fouten = []
    for naam in verzoek:
        if naam not in ("type", "burgerservicenummer", "fields", "gemeenteVanInschrijving"):
            fouten.append(_param(naam, "unknownParam", "Parameter is niet verwacht."))
    bsns = verzoek.get("burgerservicenummer")
    if bsns is None:
        fouten.append(_param("burgerservicenummer", "required", "Parameter is verplicht."))
    elif not isinstance(bsns, list):
        fouten.append(_param("burgerservicenummer", "array", "Parameter is geen array."))
    elif not bsns:
        fouten.append(_param("burgerservicenummer", "minItems", "Array bevat minder dan 1 items."))
    elif len(bsns) > MAX_BSNS:
        fouten.append(
            _param("burgerservicenummer", "maxItems", f"Array bevat meer dan {MAX_BSNS} items.")
        )
    else:
        for i, bsn in enumerate(bsns):
            if not (isinstance(bsn, str) and len(bsn) == 9 and bsn.isascii() and bsn.isdigit()):
                fouten.append(
                    _param(
                        f"burgerservicenummer[{i}]",
                        "pattern",
                        "Waarde voldoet niet aan patroon ^[0-9]{9}$.",
                    )
                )
    velden = verzoek.get("fields")
    if velden is None:
        fouten.append(_param("fields", "required", "Parameter is verplicht."))
    elif not isinstance(velden, list):
        fouten.append(_param("fields", "array", "Parameter is geen array."))
    elif not velden:
        fouten.append(_param("fields", "minItems", "Array bevat minder dan 1 items."))
    elif len(velden) > MAX_FIELDS:
        fouten.append(_param("fields", "maxItems", f"Array bevat meer dan {MAX_FIELDS} items."))
    else:
        for i, pad in enumerate(velden):
            naam = f"fields[{i}]"
            geldig = isinstance(pad, str) and 1 <= len(pad) <= 200
            if not geldig or not all(c.isascii() and (c.isalnum() or c in "._") for c in pad):
                fouten.append(
                    _param(
                        naam, "pattern", "Waarde voldoet niet aan patroon ^[a-zA-Z0-9\\._]{1,200}$."
                    )
                )
                continue
            status = _veld_status(pad)
            if status == "verboden":
                fouten.append(
                    _param(naam, "fields", "Parameter bevat een niet toegestane veldnaam.")
                )
            elif status == "onbekend":
                fouten.append(
                    _param(naam, "fields", "Parameter bevat een niet bestaande veldnaam.")
                )
    gemeente = verzoek.get("gemeenteVanInschrijving")
    if gemeente is not None and not (
        isinstance(gemeente, str) and len(gemeente) == 4 and gemeente.isdigit()
    ):
        fouten.append(
            _param(
                "gemeenteVanInschrijving", "pattern", "Waarde voldoet niet aan patroon ^[0-9]{4}$."
            )
        )
    return fouten


@dataclass
class Verzoek:
    """One request as the fake saw it: what tests assert on (BSNs never in the URL, bulk size)."""

    methode: str
    pad: str
    query: str
    headers: dict
    body: bytes
    aantal_bsns: int = 0


@dataclass
class BasisregistratiesFake:
    host: str = "127.0.0.1"
    port: int = 0
    brp_api_key: str = "fake-brp-sleutel"
    kvk_api_key: str = "fake-kvk-sleutel"
    vertraging_ms: int = 0
    genereer_onbekende: bool = False
    modus: str = "normaal"
    traag_seconden: float = 2.0
    storingen: int = 0
    data_bestand: Path = DATA_BESTAND
    verzoeken: list[Verzoek] = field(default_factory=list)

    def __post_init__(self):
        data = json.loads(Path(self.data_bestand).read_text(encoding="utf-8"))
        self.personen = {
            p["burgerservicenummer"]: {k: v for k, v in p.items() if not k.startswith("_")}
            for p in data["personen"]
        }
        self.basisprofielen = {
            b["kvkNummer"]: {
                k: v for k, v in b.items() if k == "_embedded" or not k.startswith("_")
            }
            for b in data["basisprofielen"]
        }
        self._slot = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def bind(self) -> ThreadingHTTPServer:
        """Open the port (0: a free one) and return the server. The management command serves
        it in its own process (serve_forever); a test or benchmark runs it where it wants."""
        self._server = ThreadingHTTPServer((self.host, self.port), _maak_handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        return self._server

    def serve_forever(self) -> None:
        (self._server or self.bind()).serve_forever()

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def brp_url(self) -> str:
        return f"{self.base_url}/haalcentraal/api/brp"

    @property
    def kvk_url(self) -> str:
        return f"{self.base_url}/kvk/api/v1"

    # -- counters -------------------------------------------------------------------------------

    def brp_verzoeken(self) -> list[Verzoek]:
        with self._slot:
            return [v for v in self.verzoeken if v.pad.startswith(BRP_PAD)]

    def bsns_per_verzoek(self) -> list[int]:
        return [v.aantal_bsns for v in self.brp_verzoeken()]

    def reset(self) -> None:
        with self._slot:
            self.verzoeken.clear()
        self.modus, self.storingen = "normaal", 0

    def _log(self, verzoek: Verzoek) -> None:
        with self._slot:
            self.verzoeken.append(verzoek)

    def _neem_storing(self) -> bool:
        with self._slot:
            if self.storingen > 0:
                self.storingen -= 1
                return True
            return False

    # -- answers: (status, content type, body) -------------------------------------------------

    def brp_antwoord(self, headers, body: bytes) -> tuple[int, str, bytes]:
        if headers.get("X-API-KEY") != self.brp_api_key:
            return _json(
                401, _probleem(401, "Niet correct geauthenticeerd.", "authentication"), problem=True
            )
        accept = (headers.get("Accept") or "*/*").split(";")[0].strip().lower()
        if accept not in ("*/*", "application/json", "application/*"):
            return _json(
                406,
                _probleem(
                    406,
                    "Gevraagde content type wordt niet ondersteund.",
                    "notAcceptable",
                    "Ondersteunde content type: application/json; charset=utf-8.",
                ),
                problem=True,
            )
        soort = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if soort != "application/json":
            return _json(
                415,
                _probleem(415, "Media Type wordt niet ondersteund.", "unsupported"),
                problem=True,
            )
        try:
            verzoek = json.loads(body or b"null")
        except ValueError:
            verzoek = None
            fouten = [_param("body", "json", "Body is geen geldige JSON.")]
        else:
            fouten = valideer_raadpleeg(verzoek)
        if fouten:
            namen = ", ".join(f["name"] for f in fouten)
            return _json(
                400,
                _probleem(
                    400,
                    "Een of meerdere parameters zijn niet correct.",
                    "paramsValidation",
                    f"De foutieve parameter(s) zijn: {namen}.",
                    fouten,
                ),
                problem=True,
            )
        gemeente = verzoek.get("gemeenteVanInschrijving")
        personen = []
        for bsn in dict.fromkeys(verzoek["burgerservicenummer"]):
            persoon = self.personen.get(bsn)
            if persoon is None and self.genereer_onbekende:
                persoon = genereer_persoon(bsn)
            if persoon is None:
                continue
            if persoon.get("opschortingBijhouding", {}).get("reden", {}).get("code") == "F":
                continue  # a withdrawn persoonslijst (fout) is never delivered
            if gemeente and persoon.get("gemeenteVanInschrijving", {}).get("code") != gemeente:
                continue
            personen.append(filter_persoon(persoon, verzoek["fields"]))
        return _json(200, {"type": RAADPLEEG, "personen": personen})

    def kvk_antwoord(self, headers, pad: str, query: str) -> tuple[int, str, bytes]:
        if headers.get("apikey") != self.kvk_api_key:
            return _json(
                401, {"fout": [{"code": "401", "omschrijving": "Geen geldige API-key meegegeven."}]}
            )
        nummer = pad[len(KVK_PREFIX) :]
        parameters = parse_qs(query)
        onbekend = [p for p in parameters if p != "geoData"]
        if onbekend:
            return _json(
                400,
                {"fout": [{"code": "IPD1999", "omschrijving": "Parameter is niet toegestaan."}]},
            )
        if not (len(nummer) == 8 and nummer.isdigit()):
            return _json(
                400,
                {"fout": [{"code": "IPD0004", "omschrijving": "Het KVK-nummer is niet valide."}]},
            )
        profiel = self.basisprofielen.get(nummer)
        if profiel is None:
            return _json(
                404,
                {"fout": [{"code": "IPD0005", "omschrijving": "Het product is niet leverbaar."}]},
            )
        return _json(200, profiel, content_type="application/hal+json")


def _json(
    status: int, inhoud, *, problem: bool = False, content_type: str = ""
) -> tuple[int, str, bytes]:
    soort = content_type or (
        "application/problem+json" if problem else "application/json; charset=utf-8"
    )
    return status, soort, json.dumps(inhoud, ensure_ascii=False).encode()


def _maak_handler(fake: BasisregistratiesFake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, delayed ACKs add ~40 ms per call.
        disable_nagle_algorithm = True

        def log_message(self, format, *args):
            pass  # tests and the demo stay quiet; the request log is fake.verzoeken

        def _behandel(self, methode: str):
            delen = urlsplit(self.path)
            lengte = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(lengte) if lengte else b""
            aantal = 0
            if methode == "POST" and delen.path == BRP_PAD:
                try:
                    bsns = json.loads(body).get("burgerservicenummer")
                    aantal = len(bsns) if isinstance(bsns, list) else 0
                except (ValueError, AttributeError):
                    aantal = 0
            fake._log(
                Verzoek(methode, delen.path, delen.query, dict(self.headers.items()), body, aantal)
            )
            if fake.vertraging_ms:
                time.sleep(fake.vertraging_ms / 1000)
            if fake.modus == "traag":
                time.sleep(fake.traag_seconden)
            if fake.modus == "down" or fake._neem_storing():
                antwoord = _json(
                    503,
                    _probleem(
                        503,
                        "Bronservice BRP is tijdelijk niet beschikbaar.",
                        "notAvailable",
                        instance=delen.path,
                    ),
                    problem=True,
                )
            elif fake.modus == "kapot":
                antwoord = (200, "application/json; charset=utf-8", b'{"type": "Raadpleeg')
            elif methode == "POST" and delen.path == BRP_PAD:
                antwoord = fake.brp_antwoord(self.headers, body)
            elif methode == "GET" and delen.path.startswith(KVK_PREFIX):
                antwoord = fake.kvk_antwoord(self.headers, delen.path, delen.query)
            else:
                antwoord = _json(
                    404,
                    _probleem(404, "Resource bestaat niet.", "notFound", instance=delen.path),
                    problem=True,
                )
            status, soort, inhoud = antwoord
            try:
                self.send_response(status)
                self.send_header("Content-Type", soort)
                self.send_header("Content-Length", str(len(inhoud)))
                self.end_headers()
                self.wfile.write(inhoud)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (time-out test); nothing to answer

        def do_POST(self):
            self._behandel("POST")

        def do_GET(self):
            self._behandel("GET")

    return Handler
