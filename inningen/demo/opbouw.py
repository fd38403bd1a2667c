"""The demo generator: builds the demo set through the product's own services.

Through the services the StUF koppelingen use, in batches, so the ledger rules hold: each claim's
openstaand_bedrag is the sum of its Boekingen and each status change is a history row. Collection
up to about two months ago is history written here (steps without a run); from then on the
product does it: past invorderingsruns on bank statements, regelingen, opschortingen and
write-off proposals, each through its service with the clock set to that day, and today a run
preview awaiting approval. Letters are stored, not rendered (BRIEVEN_RENDEREN_NA_COMMIT).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from faker import Faker
from schwifty import IBAN

from inningen.betalingen.models import Afschrift, Betaling
from inningen.betalingen.services.betalingen import betalingen_process
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    Afboekingsoort,
    Afschriftformaat,
    Betaalwijze,
    BetalingStatus,
    Boekingsoort,
    BtwCategorie,
    Debiteursoort,
    Invorderingsregime,
    Opschortingsoort,
    Regelingsoort,
    RegelingStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.choices import Invorderingsstap as Stap
from inningen.db.bulk import bulk_insert, update_per_pk
from inningen.debiteuren.models import Adresstatus, Debiteur, Machtiging
from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
from inningen.demo.gegevens import (
    ACCENT_ACHTERNAMEN,
    ACCENT_VOORNAMEN_M,
    ACCENT_VOORNAMEN_V,
    BANKEN,
    BRANCHES,
    BRP_TEST_BSNS,
    COOPERATIES,
    DEBITEURNUMMER_PREFIX,
    DOOR_BANK,
    DOOR_INCASSO,
    DOOR_INVORDERAAR,
    DOOR_RUN,
    DOOR_SYSTEEM,
    EENHEDEN,
    FACTUURPOSTEN,
    KLASSIEKE_STRATEN,
    KOPPELINGEN,
    NUMMERPREFIX,
    ONBEREIKBARE_TSA,
    ONBEREIKBARE_URL,
    ORGANISATIES,
    POST_EENHEID,
    RECHTSVORMEN,
    SEED,
    STICHTINGEN,
    TOELICHTING_HISTORIE,
    VASTE_BEDRIJVEN,
    VASTE_PERSONEN,
    VERENIGINGEN,
    VOORVOEGSELS,
    WOONPLAATSEN,
    DemoKoppeling,
    elfproef_aanvullen,
)
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingstatus
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import StatusWijziging, vorderingen_status_set
from inningen.grootboek.services.vorderingen import (
    MachtigingInvoer,
    RegelInvoer,
    TermijnInvoer,
    VorderingInvoer,
    vordering_check,
    vorderingen_register,
)
from inningen.invordering.models import Betalingsregeling, Invorderingsstap, Opschorting
from inningen.invordering.regels.bankdagen import vorige_bankdag
from inningen.invordering.services.afboekingen import (
    afboeking_propose,
    afboeking_review,
    open_per_deel,
)
from inningen.invordering.services.invordering import (
    invorderingsrun_execute,
    invorderingsrun_propose,
)
from inningen.invordering.services.opschortingen import opschorting_create, opschorting_end
from inningen.invordering.services.regelingen import (
    regeling_create,
    regeling_plan,
    regelingen_monitor,
)
from inningen.invordering.services.tegoed import terugbetaling_propose
from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.organisaties.services.organisaties import organisatie_upsert
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.services.uitgaand import statuswijzigingen_enqueue, uitgaand_deliver

_TSA = {k.sleutel: k for k in KOPPELINGEN}


def getal(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _btw(excl: int, percentage: int) -> int:
    """BTW in cents, rounded half away from zero; percentage in hundredths (21% = 2100)."""
    b = (abs(excl) * percentage + 5000) // 10000
    return b if excl >= 0 else -b


def _regel(
    excl: int,
    categorie: str,
    percentage: int,
    soort: str,
    code: str,
    omschrijving: str,
    toelichting: str = "",
    aantal: int | None = None,
    eenheid: str = "",
    stuksprijs: int | None = None,
) -> RegelInvoer:
    btw = _btw(excl, percentage)
    return RegelInvoer(
        bedrag_excl_btw=excl,
        bedrag_incl_btw=excl + btw,
        bedrag_btw=btw,
        btw_categorie=categorie,
        btw_percentage=percentage,
        vorderingtype=soort,
        vorderingcode=code,
        vorderingomschrijving=omschrijving,
        vorderingtoelichting=toelichting,
        aantal=aantal,
        eenheid=eenheid,
        stuksprijs_excl_btw=stuksprijs,
    )


def _publiek(bedrag: int, soort: str, code: str, omschrijving: str, **kwargs) -> RegelInvoer:
    return _regel(bedrag, BtwCategorie.NUL, 0, soort, code, omschrijving, **kwargs)


def _einde_maand(d: dt.date, plus: int = 0) -> dt.date:
    maand = d.month - 1 + plus
    jaar, maand = d.year + maand // 12, maand % 12 + 1
    volgende = dt.date(jaar + (maand == 12), maand % 12 + 1, 1)
    return volgende - dt.timedelta(days=1)


_MAANDAG = dt.date(2000, 1, 3)


def _werkdag(d: dt.date) -> dt.date:
    """The same day or the next Monday."""
    return d + dt.timedelta(days=7 - d.weekday() if d.weekday() >= 5 else 0)


def _dinsdag(d: dt.date) -> dt.date:
    """The invorderingsrun runs on Tuesdays: this day or the next Tuesday."""
    return d + dt.timedelta(days=(1 - d.weekday()) % 7)


def _donderdag(d: dt.date) -> dt.date:
    """The invorderaar handles the work list (extern, oninbaar, kwijtschelding) on Thursdays."""
    return d + dt.timedelta(days=(3 - d.weekday()) % 7)


def _rundata(vandaag: dt.date) -> list[dt.date]:
    """The demo's past invorderingsruns: three Tuesdays three weeks apart, the last at least 16
    days ago. Every wait between steps (14 or 15 days) passes between two runs and after the
    last, so a claim can take a step in each and today's preview has every kind of step."""
    laatste = vandaag - dt.timedelta(days=16)
    laatste -= dt.timedelta(days=(laatste.weekday() - 1) % 7)
    return [laatste - dt.timedelta(days=21 * i) for i in (2, 1, 0)]


@contextmanager
def _klok(tijdstip: dt.datetime):
    """Let the services believe it is ``tijdstip``. They date what they do with timezone.now()
    (created_at, status history, today's boekdatum), and the demo's past runs, payments and
    regelingen must read in the history as done on their day. Ticks a microsecond per call, so
    two changes of one claim never share a moment. Demo only: nothing else runs meanwhile."""
    teller = itertools.count()
    with mock.patch.object(
        timezone, "now", lambda: tijdstip + dt.timedelta(microseconds=next(teller))
    ):
        yield


def _euro(cent: int) -> str:
    return f"€ {cent // 100:,}".replace(",", ".") + f",{cent % 100:02d}"


@dataclass(slots=True, eq=False)
class _Deb:
    idx: int
    persoon: bool
    woongemeente: str | None
    eigenaar: bool = False
    zwaar: bool = False
    iban: str = ""
    bic: str = ""
    naam: str = ""
    straat: str = ""
    huisnummer: int | None = None
    invoer: DebiteurInvoer | None = None
    debiteur: Debiteur | None = None


@dataclass(slots=True, eq=False)
class _Vrd:
    nr: int
    tsa: DemoKoppeling
    tsa_code: str
    org: str
    deb: _Deb | None
    soort: str
    creatiedatum: dt.date
    publiek: bool = True
    regels: list[RegelInvoer] = field(default_factory=list)
    omschrijving: str = ""
    indicator_j: bool = True
    termijn_maanden: int = 0
    incasso: bool = False
    betaaltermijn: int = 30
    eenheid: str = ""
    zaak: tuple[str, str] = ("", "")
    origineel: _Vrd | None = None
    betaalkans: float = 0.6
    kwijtschelding_mogelijk: bool = False
    # Set when registering.
    registratie: dt.date | None = None
    factuurdatum: dt.date | None = None
    vervaldatum: dt.date | None = None
    termijnen: list[TermijnInvoer] = field(default_factory=list)
    vorderingnummer: str = ""
    factuurnummer: str = ""
    invoer: VorderingInvoer | None = None
    vordering: Vordering | None = None
    # Ledger state while payments are applied: per regel [incl, excl, btw, vorderingcode].
    rest: list[list] = field(default_factory=list)
    betaald: int = 0
    laatste_betaling: int = 0
    termijn_pks: list[int] = field(default_factory=list)

    @property
    def saldo(self) -> int:
        return sum(r[0] for r in self.rest)


class _Tijdlijn:
    """Collects the events of one claim in date order; nothing on or after today happens yet."""

    def __init__(self, opbouw: Opbouw, v: _Vrd):
        self.o = opbouw
        self.v = v
        self.laatst = v.registratie + dt.timedelta(days=1)
        self.laatste_status = v.registratie

    def _datum(self, d: dt.date) -> dt.date | None:
        d = max(d, self.laatst)
        return d if d < self.o.vandaag else None

    def betaal(self, d, bedrag, *, omschrijving, door=DOOR_BANK, termijn=None) -> dt.date | None:
        d = self._datum(d)
        if d:
            self.laatst = d
            self.o.gebeurtenis(d, self.v, "betaal", bedrag, termijn, omschrijving, door)
        return d

    def status(
        self, d, status, opmerking, *, door=DOOR_SYSTEEM, betaald=False, stap=""
    ) -> dt.date | None:
        """A status change; with ``stap`` also a collection step. From the first real run on,
        the runs take the collection steps themselves (invordering()), so none is invented."""
        d = self._datum(max(d, self.laatste_status + dt.timedelta(days=1)))
        if d and stap and stap != Stap.FACTUUR and d >= self.o.runs_vanaf:
            return None
        if d:
            self.laatst = self.laatste_status = d
            self.o.gebeurtenis(d, self.v, "status", status, opmerking, door, betaald, stap)
        return d

    def betaald(self, d, omschrijving="Betaling ontvangen", door=DOOR_BANK) -> dt.date | None:
        """Payment of the whole remaining balance, then status BET the same day."""
        d = self._datum(max(d, self.laatste_status + dt.timedelta(days=1)))
        if d and self.betaal(d, ("rest",), omschrijving=omschrijving, door=door):
            return self.status(d, VorderingStatus.BETAALD, "Volledig betaald", betaald=True)
        return None

    def afboeken(self, d, soort, status, opmerking) -> dt.date | None:
        d = self._datum(max(d, self.laatste_status + dt.timedelta(days=1)))
        if d:
            self.laatst = self.laatste_status = d
            self.o.gebeurtenis(d, self.v, "afboeken", soort, status, opmerking)
        return d


class Opbouw:
    def __init__(
        self,
        *,
        n_debiteuren: int,
        n_vorderingen: int,
        batch_size: int,
        schrijf: Callable[[str], None],
        gebruikers_ensure: Callable[[], object],
    ):
        self.n_debiteuren = n_debiteuren
        self.n_vorderingen = n_vorderingen
        self.batch_size = batch_size
        self.schrijf = schrijf
        # services.demo_users_ensure, passed in because services imports this module.
        self.gebruikers_ensure = gebruikers_ensure
        self.rng = random.Random(SEED)
        self.fake = Faker("nl_NL")
        self.fake.seed_instance(SEED)
        self.vandaag = timezone.localdate()
        self.begin = self.vandaag - dt.timedelta(days=548)  # about 18 months
        self.rundata = _rundata(self.vandaag)
        self.runs_vanaf = self.rundata[0]
        self.tz = timezone.get_current_timezone()
        self._uniek: dict[str, set] = defaultdict(set)
        self._events: list[tuple] = []
        self._volgnr = 0
        self._machtigingen: dict[tuple[int, str], MachtigingInvoer] = {}

    # --- plumbing ---

    def tijdstip(self, d: dt.date, uur: int, minuut: int = 0) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(d, dt.time(uur, minuut)), self.tz)

    def gebeurtenis(self, d: dt.date, v: _Vrd, *args) -> None:
        self._volgnr += 1
        self._events.append((d, self._volgnr, v, args))

    def _nieuw(self, soort: str, maak) -> str:
        while True:
            waarde = maak()
            if waarde and waarde not in self._uniek[soort]:
                self._uniek[soort].add(waarde)
                return waarde

    def bsn(self) -> str:
        def maak():
            acht = f"{self.rng.randint(1, 6)}{self.rng.randrange(10**7):07d}"
            return elfproef_aanvullen(acht)

        return self._nieuw("bsn", maak)

    def rsin(self) -> str:
        return self._nieuw("rsin", lambda: elfproef_aanvullen(f"8{self.rng.randrange(10**7):07d}"))

    def kvk(self) -> str:
        return self._nieuw("kvk", lambda: str(self.rng.randint(10_000_000, 99_999_999)))

    def iban(self) -> tuple[str, str]:
        bank, bic, _ = self.rng.choices(BANKEN, weights=[b[2] for b in BANKEN])[0]
        iban = self._nieuw(
            "iban",
            lambda: (
                IBAN.generate(
                    "NL", bank_code=bank, account_code=f"{self.rng.randrange(10**10):010d}"
                ).compact
            ),
        )
        return iban, bic

    def datum(self, van: dt.date, tot: dt.date) -> dt.date:
        return van + dt.timedelta(days=self.rng.randint(0, max(0, (tot - van).days)))

    # --- steps ---

    def run(self) -> None:
        start = time.perf_counter()
        self.organisaties()
        self.koppelingen()
        self.stap("Organisaties en koppelingen", start)
        self.genereren()
        self.stap(
            f"{getal(self.n_debiteuren)} debiteuren en {getal(self.n_vorderingen)} vorderingen "
            "samengesteld",
            start,
        )
        for tekst, functie in (
            ("Debiteuren opgeslagen", self.debiteuren_opslaan),
            ("Vorderingen geregistreerd", self.registreren),
            ("Verloop bepaald", self.verloop),
            ("Betalingen, invorderingsstappen en statussen geboekt", self.toepassen),
            (
                "Invorderingsruns, bankafschriften, regelingen, opschortingen en afboekingen",
                self.invordering,
            ),
        ):
            start = time.perf_counter()
            functie()
            self.stap(tekst, start)
        zwaar = [d for d in self.debs if d.zwaar]
        if zwaar:
            self.schrijf(
                "Debiteuren met veel vorderingen (balie): "
                + ", ".join(f"{d.naam} ({d.debiteur.debiteurnummer})" for d in zwaar)
                + "."
            )

    def stap(self, tekst: str, start: float) -> None:
        duur = f"{time.perf_counter() - start:.1f}".replace(".", ",")
        self.schrijf(f"{tekst} ({duur} s)")

    def genereren(self) -> None:
        self.straten_kiezen()
        self.debiteuren()
        self.vorderingen()

    def organisaties(self) -> None:
        self.orgs: dict[str, Organisatie] = {}
        for o in ORGANISATIES:
            self.orgs[o.sleutel], _ = organisatie_upsert(
                rsin=o.rsin,
                naam=o.naam,
                gemeentecode=o.gemeentecode,
                ibans=[o.iban],
                incassant_id=o.incassant_id,
                contact=o.contact,
            )

    def straten_kiezen(self) -> None:
        self.straten = {}
        for woonplaatsen in WOONPLAATSEN.values():
            for plaats, pc_van, pc_tot, _ in woonplaatsen:
                namen = list(
                    dict.fromkeys(
                        [
                            *KLASSIEKE_STRATEN[: 4 if plaats in ("Rivierstad", "Polderdam") else 2],
                            *(self.fake.street_name() for _ in range(22)),
                        ]
                    )
                )
                self.straten[plaats] = [(n, self.postcode(pc_van, pc_tot)) for n in namen]

    def koppelingen(self) -> None:
        # No endpoint URLs: the demo history must not fill the StUF outbox with thousands of
        # status messages to systems that do not exist.
        self.koppeling_door: dict[str, str] = {}
        for k in KOPPELINGEN:
            koppeling, _ = koppeling_upsert(
                applicatie=k.applicatie,
                rol=k.rol,
                gebruikersnaam=k.gebruikersnaam,
                wachtwoord=k.wachtwoord,
                tsa_codes=list(k.tsa_codes),
                naam=k.naam,
                vorderende_organisaties=[self.orgs[s].rsin for s in k.organisaties],
            )
            self.koppeling_door[k.sleutel] = f"StUF {koppeling}"

    def postcode(self, van: int, tot: int) -> str:
        while True:
            letters = "".join(self.rng.choice("ABCDEFGHJKLMNPRSTVWXZ") for _ in range(2))
            if letters not in ("SA", "SD", "SS"):
                return f"{self.rng.randint(van, tot)}{letters}"

    # --- debtors ---

    def adres(self, woongemeente: str | None) -> dict:
        rng = self.rng
        huisnummer = int(rng.triangular(1, 240, 12))
        adres = {"huisnummer": huisnummer}
        if rng.random() < 0.06:
            adres["huisletter"] = rng.choice("ABCD")
        elif rng.random() < 0.05:
            adres["huisnummertoevoeging"] = rng.choice(["1", "2", "3", "bis", "A", "hs"])
        if woongemeente:
            plaatsen = WOONPLAATSEN[woongemeente]
            plaats = rng.choices(plaatsen, weights=[p[3] for p in plaatsen])[0][0]
            straat, postcode = rng.choice(self.straten[plaats])
            return {**adres, "straatnaam": straat, "postcode": postcode, "woonplaats": plaats}
        return {
            **adres,
            "straatnaam": self.fake.street_name()[:80],
            "postcode": self.postcode(1011, 9999),
            "woonplaats": self.fake.city()[:80],
        }

    def buitenland(self) -> dict:
        rng = self.rng
        land, regel1, regel2 = rng.choice(
            [
                (
                    "Duitsland",
                    f"Hauptstraße {rng.randint(1, 90)}",
                    f"{rng.randint(40210, 47669)} Kleve",
                ),
                (
                    "België",
                    f"Kerkstraat {rng.randint(1, 90)}",
                    f"{rng.randint(2000, 2990)} Antwerpen",
                ),
                ("Turkije", f"Atatürk Caddesi No. {rng.randint(1, 90)}", "34000 İstanbul"),
            ]
        )
        return {"land": land, "adresregel_buitenland_1": regel1, "adresregel_buitenland_2": regel2}

    @staticmethod
    def splits(achternaam: str) -> tuple[str, str]:
        for vv in VOORVOEGSELS:
            if achternaam.lower().startswith(vv + " "):
                return achternaam[: len(vv)].lower(), achternaam[len(vv) + 1 :]
        return "", achternaam

    def persoon(self, deb: _Deb, vast=None) -> None:
        rng, fake = self.rng, self.fake
        if vast:
            voornaam, achternaam, geslacht, _ = vast
            vrouw = geslacht == "V"
        else:
            vrouw = rng.random() < 0.5
            if rng.random() < 0.07:
                voornaam = rng.choice(ACCENT_VOORNAMEN_V if vrouw else ACCENT_VOORNAMEN_M)
                achternaam = rng.choice(ACCENT_ACHTERNAMEN)
            else:
                voornaam = fake.first_name_female() if vrouw else fake.first_name_male()
                achternaam = fake.last_name()
        namen = [voornaam]
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            namen.append(fake.first_name_female() if vrouw else fake.first_name_male())
        voorletters = "".join(("IJ" if n.startswith("IJ") else n[0]) + "." for n in namen)[:20]
        voorvoegsel, geslachtsnaam = self.splits(achternaam)
        leeftijd = rng.randint(18 * 365 + 10, 92 * 365)
        gegevens = {
            "voornamen": " ".join(namen),
            "voorletters": voorletters,
            "geslachtsnaam": geslachtsnaam,
            "voorvoegsel_geslachtsnaam": voorvoegsel,
            "geslachtsaanduiding": "V" if vrouw else "M",
            "geboortedatum": self.vandaag - dt.timedelta(days=leeftijd),
            "aanduiding_naamgebruik": "E",
        }
        if vrouw and leeftijd > 25 * 365 and not vast and rng.random() < 0.2:
            pv, pn = self.splits(fake.last_name())
            gegevens.update(
                geslachtsnaam_partner=pn,
                voorvoegsel_geslachtsnaam_partner=pv,
                aanduiding_naamgebruik=rng.choice("PVN"),
            )
        buitenlands = not vast and rng.random() < 0.004
        gegevens.update(self.buitenland() if buitenlands else self.adres(deb.woongemeente))
        if rng.random() < 0.3:
            gegevens["telefoonnummer"] = f"06-{rng.randrange(10**8):08d}"
        if rng.random() < 0.35:
            gegevens["emailadres"] = fake.safe_email()
        deb.eigenaar = rng.random() < 0.55
        if rng.random() < 0.45 or vast:
            deb.iban, deb.bic = self.iban()
        deb.straat, deb.huisnummer = gegevens.get("straatnaam", ""), gegevens.get("huisnummer")
        deb.naam = f"{voornaam} {achternaam}"
        bsn = self.bsn()  # drawn always, so the test BSNs change nothing else in the data set
        if vast:
            bsn = BRP_TEST_BSNS.get(achternaam, bsn)
        deb.invoer = DebiteurInvoer(
            soort=Debiteursoort.NATUURLIJK_PERSOON,
            bsn=bsn,
            debiteurnummer=f"{DEBITEURNUMMER_PREFIX}{deb.idx + 1:06d}",
            gegevens=gegevens,
            ibans=[deb.iban] if deb.iban else [],
        )

    def bedrijf(self, deb: _Deb, vast=None) -> None:
        rng, fake = self.rng, self.fake
        plaats = self.adres(deb.woongemeente)
        woonplaats = plaats["woonplaats"]
        if vast:
            naam, rechtsvorm, _ = vast
        else:
            achternaam = fake.last_name()
            achternaam = achternaam[0].upper() + achternaam[1:]
            vorm = rng.choices(
                ["bv", "vof", "stichting", "vereniging", "nv", "cooperatie"],
                weights=[55, 10, 15, 10, 3, 7],
            )[0]
            if vorm == "bv":
                naam = f"{achternaam} {rng.choice(BRANCHES)} B.V."
            elif vorm == "vof":
                naam = f"{achternaam} & {fake.last_name()} V.O.F."
            elif vorm == "stichting":
                naam = f"Stichting {rng.choice(STICHTINGEN)} {woonplaats}"
            elif vorm == "vereniging":
                naam = f"{rng.choice(VERENIGINGEN)}vereniging {woonplaats}"
            elif vorm == "nv":
                naam = f"{achternaam} Holding N.V."
            else:
                naam = f"Coöperatie {rng.choice(COOPERATIES)} {woonplaats} U.A."
            rechtsvorm = RECHTSVORMEN[vorm]
        gegevens = {"statutaire_naam": naam, "rechtsvorm": rechtsvorm, **plaats}
        if rng.random() < 0.5:
            gegevens["telefoonnummer"] = f"0{rng.randint(100, 799)}-{rng.randrange(10**6):06d}"
        if rng.random() < 0.5:
            gegevens["emailadres"] = f"administratie@{fake.domain_word()}.example"
        deb.eigenaar = rng.random() < 0.6
        if rng.random() < 0.7 or vast:
            deb.iban, deb.bic = self.iban()
        deb.straat, deb.huisnummer = plaats["straatnaam"], plaats["huisnummer"]
        deb.naam = naam
        deb.invoer = DebiteurInvoer(
            soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
            rsin=self.rsin(),
            kvk_nummer=self.kvk(),
            debiteurnummer=f"{DEBITEURNUMMER_PREFIX}{deb.idx + 1:06d}",
            gegevens=gegevens,
            ibans=[deb.iban] if deb.iban else [],
        )

    def debiteuren(self) -> None:
        rng = self.rng
        n = self.n_debiteuren
        n_zwaar = 5 if n >= 200 else min(2, n)
        vast: list[tuple[bool, tuple]] = []
        if n >= 20:
            personen, bedrijven = list(VASTE_PERSONEN), list(VASTE_BEDRIJVEN)
            # Heavy debtors first: three people, two firms.
            vast = [(True, p) for p in personen[:3]] + [(False, b) for b in bedrijven]
            vast += [(True, p) for p in personen[3:]]
        self.debs: list[_Deb] = []
        for idx in range(n):
            if idx < len(vast):
                persoon, gegevens = vast[idx]
                woongemeente = gegevens[-1]
            else:
                persoon, gegevens = rng.random() < 0.85, None
                woongemeente = rng.choices(["RVS", "PLD", None], weights=[45, 36, 19])[0]
            deb = _Deb(idx=idx, persoon=persoon, woongemeente=woongemeente, zwaar=idx < n_zwaar)
            (self.persoon if persoon else self.bedrijf)(deb, gegevens)
            self.debs.append(deb)

    def debiteuren_opslaan(self) -> None:
        n = len(self.debs)
        for start in range(0, n, 1000):
            deel = self.debs[start : start + 1000]
            for deb, debiteur in zip(
                deel, debiteuren_upsert(invoer=[d.invoer for d in deel]), strict=True
            ):
                deb.debiteur = debiteur

    # --- claims ---

    def vorderingen(self) -> None:
        rng = self.rng
        n = self.n_vorderingen
        n_credit = round(n * 0.025)
        regulier = n - n_credit
        zwaar = [d for d in self.debs if d.zwaar]
        per_zwaar = rng.randint(52, 58) if n >= 2000 else max(3, n // 25)
        toewijzing: list[_Deb | None] = []
        for deb in zwaar:
            toewijzing += [deb] * (per_zwaar + rng.randint(0, 12 if n >= 2000 else 2))
        toewijzing += [None] * max(2, round(n * 0.01))
        overig = [d for d in self.debs if not d.zwaar]
        rng.shuffle(overig)
        toewijzing += overig[: max(0, regulier - len(toewijzing))]
        while len(toewijzing) < regulier:
            toewijzing.append(rng.choice(overig))
        toewijzing = toewijzing[:regulier]
        rng.shuffle(toewijzing)

        jaaraanslagen = []
        for jaar in range(self.begin.year, self.vandaag.year + 1):
            d = dt.date(jaar, 2, 28) + dt.timedelta(days=jaar % 4 == 0)
            while d.weekday() != 4:  # last Friday of February
                d -= dt.timedelta(days=1)
            if self.begin <= d < self.vandaag:
                jaaraanslagen.append(d)
        self.jaaraanslagen = jaaraanslagen
        self._gehad: set[tuple] = set()

        self.vrds: list[_Vrd] = []
        for nr, deb in enumerate(toewijzing):
            self.vrds.append(self.vordering(nr, deb))
        self.creditnota(n_credit)

    def kies_org(self, deb: _Deb | None) -> str:
        if deb and deb.woongemeente and self.rng.random() < 0.8:
            return deb.woongemeente
        return self.rng.choices(["RVS", "PLD"], weights=[55, 45])[0]

    def vordering(self, nr: int, deb: _Deb | None) -> _Vrd:
        rng = self.rng
        if deb is None:
            tsa = rng.choices(["parkeren", "facturatie", "vergunningen"], weights=[60, 25, 15])[0]
        elif deb.zwaar:
            tsa = rng.choices(
                ["parkeren", "belastingen", "facturatie", "vergunningen"],
                weights=[70, 10, 10, 10] if deb.persoon else [55, 15, 30, 0],
            )[0]
        elif deb.persoon:
            tsa = rng.choices(
                ["belastingen", "parkeren", "vergunningen", "facturatie", "leerlingenvervoer"],
                weights=[30, 30, 10, 15, 15],
            )[0]
        else:
            tsa = rng.choices(
                ["belastingen", "parkeren", "vergunningen", "facturatie"], weights=[35, 25, 15, 25]
            )[0]
        creatie = self.datum(self.begin, self.vandaag - dt.timedelta(days=1))
        v = _Vrd(
            nr=nr,
            tsa=_TSA[tsa],
            tsa_code=_TSA[tsa].tsa_codes[0],
            org=self.kies_org(deb),
            deb=deb,
            soort=tsa,
            creatiedatum=creatie,
        )
        getattr(self, f"inhoud_{tsa}")(v)
        basis = {
            "parkeren": 0.74,
            "belastingen": 0.62,
            "vergunningen": 0.8,
            "facturatie": 0.62,
            "leerlingenvervoer": 0.6,
        }[tsa]
        v.betaalkans = (
            0.25 if deb and deb.zwaar else basis + (0.05 if deb and not deb.persoon else 0)
        )
        return v

    def eenmalig(self, *sleutel) -> bool:
        """True the first time this (debtor, kind, period) combination is seen."""
        if sleutel in self._gehad:
            return False
        self._gehad.add(sleutel)
        return True

    def machtiging(self, v: _Vrd) -> None:
        """One mandate per debtor and organisation, reused for all its direct-debit claims."""
        sleutel = (v.deb.idx, v.org)
        if sleutel not in self._machtigingen:
            self._machtigingen[sleutel] = MachtigingInvoer(
                kenmerk=f"{v.org}-{v.tsa.applicatie[:3]}-{v.deb.idx + 1:07d}",
                afgiftedatum=self.datum(
                    self.begin - dt.timedelta(days=6 * 365), v.creatiedatum - dt.timedelta(days=10)
                ),
                iban=v.deb.iban,
                bic=v.deb.bic,
            )
        v.incasso = True

    def inhoud_belastingen(self, v: _Vrd) -> None:
        rng, deb = self.rng, v.deb
        v.org, v.eenheid, v.betaaltermijn = "BSR", "HEF", 60
        v.indicator_j = rng.random() < 0.9
        vrij = [
            d for d in self.jaaraanslagen if (deb.idx, "jaaraanslag", d.year) not in self._gehad
        ]
        if vrij and rng.random() < 0.8:
            v.creatiedatum = rng.choice(vrij)
            self.eenmalig(deb.idx, "jaaraanslag", v.creatiedatum.year)
            jaar = v.creatiedatum.year
            v.soort = "jaaraanslag"
            v.omschrijving = f"Aanslag gemeentelijke belastingen {jaar}"
            regels = []
            if deb.persoon:
                if deb.eigenaar:
                    woz = rng.randrange(185_000, 690_000, 1000)
                    regels.append(
                        _publiek(
                            round(woz * 0.0812),
                            Vorderingtype.AANSLAG,
                            "OZB-EIG-W",
                            f"Onroerendezaakbelasting eigenaar woning {jaar}",
                            toelichting=f"WOZ-waarde {_euro(woz * 100)}",
                        )
                    )
                een = rng.random() < 0.35
                regels.append(
                    _publiek(
                        29640 if een else 39870,
                        Vorderingtype.AANSLAG,
                        "AFVAL",
                        f"Afvalstoffenheffing {'een' if een else 'meer'}persoonshuishouden {jaar}",
                    )
                )
                if deb.eigenaar:
                    regels.append(
                        _publiek(
                            21450,
                            Vorderingtype.AANSLAG,
                            "RIOOL-EIG",
                            f"Rioolheffing eigenaar {jaar}",
                        )
                    )
                elif rng.random() < 0.3:
                    honden = rng.choice((1, 1, 2))
                    regels.append(
                        _publiek(
                            honden * 10236,
                            Vorderingtype.AANSLAG,
                            "HOND",
                            f"Hondenbelasting {jaar}",
                            aantal=honden,
                            eenheid="hond",
                            stuksprijs=10236,
                        )
                    )
                v.kwijtschelding_mogelijk = not deb.eigenaar
            else:
                woz = rng.randrange(250_000, 3_500_000, 5000)
                if deb.eigenaar:
                    regels.append(
                        _publiek(
                            round(woz * 0.1745),
                            Vorderingtype.AANSLAG,
                            "OZB-EIG-NW",
                            f"Onroerendezaakbelasting eigenaar niet-woning {jaar}",
                            toelichting=f"WOZ-waarde {_euro(woz * 100)}",
                        )
                    )
                regels.append(
                    _publiek(
                        round(woz * 0.1402),
                        Vorderingtype.AANSLAG,
                        "OZB-GEBR-NW",
                        f"Onroerendezaakbelasting gebruiker niet-woning {jaar}",
                        toelichting=f"WOZ-waarde {_euro(woz * 100)}",
                    )
                )
                regels.append(
                    _publiek(
                        rng.choice((21450, 42900, 85800)),
                        Vorderingtype.AANSLAG,
                        "RIOOL-NW",
                        f"Rioolheffing niet-woning {jaar}",
                    )
                )
            v.regels = regels[:3]
            if deb.persoon and deb.iban and rng.random() < 0.6:
                self.machtiging(v)
                v.termijn_maanden = 10
        else:
            jaar = v.creatiedatum.year
            v.soort = "aanslag"
            if deb.persoon and rng.random() < 0.5:
                v.omschrijving = f"Aanslag hondenbelasting {jaar}"
                maanden = 13 - v.creatiedatum.month
                v.regels = [
                    _publiek(
                        round(10236 * maanden / 12),
                        Vorderingtype.AANSLAG,
                        "HOND",
                        f"Hondenbelasting {jaar}, {maanden} maanden",
                    )
                ]
            else:
                v.omschrijving = f"Aanslag afvalstoffenheffing {jaar} (tussentijds)"
                maanden = 13 - v.creatiedatum.month
                v.regels = [
                    _publiek(
                        round(39870 * maanden / 12),
                        Vorderingtype.AANSLAG,
                        "AFVAL",
                        f"Afvalstoffenheffing {jaar}, {maanden} maanden",
                        toelichting="Tussentijdse aanslag na verhuizing",
                    )
                ]
                v.kwijtschelding_mogelijk = deb.persoon

    def straatnaam(self, v: _Vrd) -> str:
        if v.deb and v.deb.straat and v.deb.woongemeente == v.org:
            return f"{v.deb.straat} {v.deb.huisnummer}"
        plaats = WOONPLAATSEN[v.org][0][0]
        return f"{self.rng.choice(self.straten[plaats])[0]} {self.rng.randint(1, 120)}"

    def inhoud_parkeren(self, v: _Vrd) -> None:
        rng, deb = self.rng, v.deb
        v.eenheid = "PRK"
        jaar = v.creatiedatum.year
        if deb and not deb.zwaar and rng.random() < 0.15 and self.eenmalig(deb.idx, "pv", jaar):
            v.soort, v.tsa_code, v.betaaltermijn = "parkeervergunning", "PRK-VERGUNNING", 30
            v.indicator_j = rng.random() < 0.4
            if deb.persoon:
                aantal, prijs = rng.choice((1, 1, 1, 2)), rng.choice((5400, 7800, 11900))
                oms = f"Parkeervergunning bewoners {jaar}"
            else:
                aantal, prijs = rng.randint(1, 4), 39500
                oms = f"Parkeervergunning bedrijven {jaar}"
            v.omschrijving = oms
            v.regels = [
                _publiek(
                    aantal * prijs,
                    Vorderingtype.AANSLAG,
                    "PRK-VERGUNNING",
                    oms,
                    aantal=aantal,
                    eenheid="vergunning",
                    stuksprijs=prijs,
                )
            ]
            return
        v.soort, v.tsa_code, v.betaaltermijn = "naheffing", "PRK-NAHEFFING", 14
        v.indicator_j = rng.random() < 0.95
        kenteken = self.fake.license_plate()
        v.omschrijving = "Naheffingsaanslag parkeerbelasting"
        v.zaak = (
            f"NH{v.org}{jaar}{v.nr:06d}",
            f"Naheffing kenteken {kenteken}, {self.straatnaam(v)}"[:80],
        )
        v.regels = [
            _publiek(
                rng.choice((320, 360, 400, 480)),
                Vorderingtype.AANSLAG,
                "PRK-BELASTING",
                "Parkeerbelasting",
                toelichting=f"Kenteken {kenteken}",
            ),
            _publiek(
                7470 if jaar >= 2026 else 7290,
                Vorderingtype.AANSLAG,
                "PRK-KOSTEN",
                "Kosten naheffingsaanslag",
            ),
        ]

    def inhoud_vergunningen(self, v: _Vrd) -> None:
        rng = self.rng
        v.eenheid, v.betaaltermijn = "VTH", 30
        v.indicator_j = rng.random() < 0.5
        jaar = v.creatiedatum.year
        soort = rng.choices(["bouw", "evenement", "kap"], weights=[60, 20, 20])[0]
        if soort == "bouw":
            kosten = rng.randrange(12_000, 450_000, 500)
            activiteit = rng.choice(
                [
                    "Plaatsen dakkapel",
                    "Bouwen uitbouw",
                    "Vergroten woning",
                    "Plaatsen erfafscheiding",
                    "Verbouwen bedrijfspand",
                    "Bouwen bijgebouw",
                ]
            )
            v.regels = [
                _publiek(
                    round(kosten * 2.95),
                    Vorderingtype.AANSLAG,
                    "LEG-BOUW",
                    "Leges omgevingsvergunning bouwactiviteit",
                    toelichting=f"Bouwkosten {_euro(kosten * 100)}, tarief 2,95%",
                )
            ]
            if rng.random() < 0.4:
                v.regels.append(
                    _publiek(
                        rng.choice((7900, 12500, 18400)),
                        Vorderingtype.AANSLAG,
                        "LEG-WELSTAND",
                        "Leges welstandsadvies",
                    )
                )
            if rng.random() < 0.2:
                v.regels.append(
                    _publiek(14300, Vorderingtype.AANSLAG, "LEG-UITWEG", "Leges aanleg uitweg")
                )
        elif soort == "evenement":
            activiteit = rng.choice(
                [
                    "Evenement buurtfeest",
                    "Evenement braderie",
                    "Evenement sportdag",
                    "Evenement concert",
                ]
            )
            v.regels = [
                _publiek(
                    rng.choice((16500, 32500, 64500)),
                    Vorderingtype.AANSLAG,
                    "LEG-EVENEMENT",
                    "Leges evenementenvergunning",
                )
            ]
        else:
            bomen = rng.randint(1, 4)
            activiteit = "Kappen houtopstand"
            v.regels = [
                _publiek(
                    bomen * 8950,
                    Vorderingtype.AANSLAG,
                    "LEG-KAP",
                    "Leges omgevingsvergunning kappen",
                    aantal=bomen,
                    eenheid="boom",
                    stuksprijs=8950,
                )
            ]
        v.omschrijving = f"Legesnota: {activiteit.lower()}"
        v.zaak = (f"ZAAK-{v.org}-{jaar}-{v.nr:06d}", f"{activiteit}, {self.straatnaam(v)}"[:80])

    def inhoud_facturatie(self, v: _Vrd) -> None:
        rng, deb = self.rng, v.deb
        v.publiek, v.betaaltermijn = False, 30
        v.indicator_j = rng.random() < 0.2
        if deb is None or deb.persoon:
            posten = [rng.choices(["SCHADE", "ZAAL", "SPORT"], weights=[60, 25, 15])[0]]
        else:
            posten = rng.sample(["AFVAL", "SPORT", "ZAAL", "SCHADE"], k=rng.choice((1, 1, 2, 3)))
        v.regels = []
        for post in posten:
            code, oms, categorie, pct, eenheid, prijzen, aantallen = FACTUURPOSTEN[post]
            if aantallen:
                aantal = rng.randint(*aantallen)
                prijs = rng.randrange(prijzen[0], prijzen[1], 5)
                v.regels.append(
                    _regel(
                        aantal * prijs,
                        categorie,
                        pct,
                        Vorderingtype.FACTUUR,
                        code,
                        oms,
                        aantal=aantal,
                        eenheid=eenheid,
                        stuksprijs=prijs,
                    )
                )
            else:
                schadedatum = v.creatiedatum - dt.timedelta(days=rng.randint(10, 60))
                v.regels.append(
                    _regel(
                        rng.randrange(*prijzen, 100),
                        categorie,
                        pct,
                        Vorderingtype.FACTUUR,
                        code,
                        oms,
                        toelichting=f"Schadedatum {schadedatum:%d-%m-%Y}",
                    )
                )
        v.eenheid = POST_EENHEID[posten[0]]
        v.omschrijving = f"Factuur {v.regels[0].vorderingomschrijving.lower()}"
        if deb and not deb.persoon and deb.iban and "AFVAL" in posten and rng.random() < 0.5:
            self.machtiging(v)

    def inhoud_leerlingenvervoer(self, v: _Vrd) -> None:
        rng, deb = self.rng, v.deb
        c = v.creatiedatum
        begin = c.year if c.month >= 8 else c.year - 1
        schooljaar = f"{begin}-{begin + 1}"
        if not self.eenmalig(deb.idx, "llv", schooljaar):
            v.tsa, v.tsa_code = _TSA["parkeren"], _TSA["parkeren"].tsa_codes[0]
            v.soort = "parkeren"
            self.inhoud_parkeren(v)
            return
        v.eenheid, v.betaaltermijn = "ONW", 30
        v.indicator_j = rng.random() < 0.3
        v.omschrijving = f"Eigen bijdrage leerlingenvervoer schooljaar {schooljaar}"
        v.zaak = (f"LLV-{schooljaar}-{v.nr:05d}", f"Leerlingenvervoer schooljaar {schooljaar}")
        v.regels = [
            _publiek(
                rng.randrange(48000, 96000, 100),
                Vorderingtype.OVERIG,
                "LLV-EIGEN",
                f"Eigen bijdrage leerlingenvervoer {schooljaar}",
            )
        ]
        if rng.random() < 0.2:
            v.regels.append(
                _publiek(
                    rng.randrange(48000, 96000, 100),
                    Vorderingtype.OVERIG,
                    "LLV-EIGEN",
                    f"Eigen bijdrage leerlingenvervoer {schooljaar}, tweede kind",
                )
            )
        if rng.random() < 0.55:
            v.termijn_maanden = 10
            if deb.iban and rng.random() < 0.5:
                self.machtiging(v)

    def creditnota(self, aantal: int) -> None:
        """Credit notes (CRE, negative) for earlier invoices of the same debtor."""
        rng = self.rng
        laatste = self.vandaag - dt.timedelta(days=10)
        kandidaten = [
            v
            for v in self.vrds
            if v.tsa.sleutel == "facturatie"
            and v.deb
            and not v.incasso
            and v.creatiedatum <= laatste
        ]
        rng.shuffle(kandidaten)
        for origineel in kandidaten[:aantal]:
            r0 = origineel.regels[0]
            limiet = sum(r.bedrag_incl_btw for r in origineel.regels) // 2
            if r0.aantal and r0.aantal > 1:
                k = rng.randint(1, r0.aantal // 2)
                regel = _regel(
                    -k * r0.stuksprijs_excl_btw,
                    r0.btw_categorie,
                    r0.btw_percentage,
                    Vorderingtype.CREDITFACTUUR,
                    r0.vorderingcode,
                    f"Creditering: {r0.vorderingomschrijving}",
                    aantal=-k,
                    eenheid=r0.eenheid,
                    stuksprijs=r0.stuksprijs_excl_btw,
                    toelichting="Minder afgenomen dan gefactureerd",
                )
            else:
                regel = _regel(
                    -round(r0.bedrag_excl_btw * rng.uniform(0.1, 0.4)),
                    r0.btw_categorie,
                    r0.btw_percentage,
                    Vorderingtype.CREDITFACTUUR,
                    r0.vorderingcode,
                    f"Creditering: {r0.vorderingomschrijving}",
                    toelichting="Correctie na bezwaar",
                )
            if -regel.bedrag_incl_btw > limiet:
                continue
            creatie = self.datum(
                origineel.creatiedatum + dt.timedelta(days=3),
                min(
                    origineel.creatiedatum + dt.timedelta(days=45),
                    self.vandaag - dt.timedelta(days=1),
                ),
            )
            v = _Vrd(
                nr=len(self.vrds),
                tsa=origineel.tsa,
                tsa_code=origineel.tsa_code,
                org=origineel.org,
                deb=origineel.deb,
                soort="credit",
                creatiedatum=creatie,
                publiek=False,
                regels=[regel],
                indicator_j=True,
                eenheid=origineel.eenheid,
                origineel=origineel,
            )
            self.vrds.append(v)
        # Fill up with ordinary claims when some credit notes were skipped.
        while len(self.vrds) < self.n_vorderingen:
            deb = rng.choice([d for d in self.debs if not d.zwaar])
            self.vrds.append(self.vordering(len(self.vrds), deb))

    # --- registering ---

    def registreren(self) -> None:
        rng = self.rng
        self.vrds.sort(key=lambda v: (v.creatiedatum, v.nr))
        # Numbers in chronological order, per organisation and TSA code.
        tellers: Counter = Counter()
        for v in self.vrds:
            jaar = v.creatiedatum.year
            tellers[(v.org, v.tsa_code, jaar)] += 1
            tellers[(v.org, "factuur", jaar)] += 1
            seq, fseq = tellers[(v.org, v.tsa_code, jaar)], tellers[(v.org, "factuur", jaar)]
            prefix = NUMMERPREFIX.get(v.soort, v.tsa.applicatie[:1])
            v.vorderingnummer = f"{prefix}{jaar}-{seq:06d}"
            v.factuurnummer = f"{v.org}{jaar}{fseq:07d}"
        # One batch per koppeling and delivery period, registered on the last creatiedatum in
        # it: parkeren delivers every two weeks (its 14-day betaaltermijn still ends on or after
        # that day), the other TSAs monthly (30 days or more).
        groepen: dict[tuple, list[_Vrd]] = defaultdict(list)
        for v in self.vrds:
            if v.tsa.sleutel == "parkeren":
                periode = (v.creatiedatum - _MAANDAG).days // 14
            else:
                periode = v.creatiedatum.year * 12 + v.creatiedatum.month
            groepen[(periode, v.tsa.sleutel)].append(v)
        batches = []
        for groep in groepen.values():
            registratie = max(v.creatiedatum for v in groep)
            for v in groep:
                v.registratie = registratie
                self.data(v)
            for start in range(0, len(groep), self.batch_size):
                batches.append((registratie, groep[start : start + self.batch_size]))
        batches.sort(key=lambda b: (b[0], b[1][0].creatiedatum, b[1][0].nr))
        for registratie, batch in batches:
            invoer = [self.invoer(v) for v in batch]
            for item in invoer:
                fouten = vordering_check(item, vandaag=registratie)
                if fouten or item.waarschuwingen:
                    raise AssertionError(f"Demodata ongeldig: {fouten or item.waarschuwingen}")
            tijdstip = self.tijdstip(registratie, 20, rng.randint(0, 45))
            vorderingen = vorderingen_register(
                invoer=invoer, door=self.koppeling_door[batch[0].tsa.sleutel], tijdstip=tijdstip
            )
            for v, vordering in zip(batch, vorderingen, strict=True):
                v.vordering = vordering

    def data(self, v: _Vrd) -> None:
        """Factuur- and vervaldatum (and termijnen) once the registration date is known."""
        if v.indicator_j:
            v.factuurdatum = v.creatiedatum
        else:
            v.factuurdatum = _werkdag(v.registratie + dt.timedelta(days=1))
        if v.termijn_maanden:
            totaal = sum(r.bedrag_incl_btw for r in v.regels)
            basis, rest = divmod(totaal, v.termijn_maanden)
            for i in range(1, v.termijn_maanden + 1):
                verval = _einde_maand(v.factuurdatum, i)
                v.termijnen.append(
                    TermijnInvoer(
                        datum=verval, bedrag=basis + (rest if i == 1 else 0), vervaldatum=verval
                    )
                )
            v.vervaldatum = v.termijnen[-1].vervaldatum
        else:
            v.vervaldatum = v.factuurdatum + dt.timedelta(days=v.betaaltermijn)

    def invoer(self, v: _Vrd) -> VorderingInvoer:
        totaal = [
            sum(getattr(r, a) for r in v.regels)
            for a in ("bedrag_excl_btw", "bedrag_btw", "bedrag_incl_btw")
        ]
        btw_regels: dict[str, int] = {}
        if not v.publiek:
            for r in v.regels:
                btw_regels[r.btw_categorie] = btw_regels.get(r.btw_categorie, 0) + r.bedrag_btw
        origineel = v.origineel
        if origineel is not None:
            betrekking = origineel.vordering or origineel.invoer
            omschrijving = f"Creditnota op factuur {origineel.factuurnummer}"
        else:
            betrekking, omschrijving = None, v.omschrijving
        regime = ""
        if v.publiek:
            regime = (
                Invorderingsregime.TERMIJNVERVOLGING
                if v.termijnen
                else Invorderingsregime.EINDVERVOLGING
            )
        v.invoer = VorderingInvoer(
            organisatie=self.orgs[v.org],
            tsa=v.tsa_code,
            vorderingnummer=v.vorderingnummer,
            creatiedatum=v.creatiedatum,
            indicator_factuur_uitgestuurd=v.indicator_j,
            algemene_factuuromschrijving=omschrijving,
            totaalbedrag_excl_btw=totaal[0],
            totaalbedrag_btw=totaal[1],
            totaalbedrag_incl_btw=totaal[2],
            publiekrechtelijk=v.publiek,
            regels=v.regels,
            factuurnummer=v.factuurnummer,
            factuurdatum=v.factuurdatum,
            vervaldatum=v.vervaldatum,
            invorderingsregime=regime,
            termijnen=v.termijnen,
            btw_totaalregels=list(btw_regels.items()),
            machtiging=self._machtigingen[(v.deb.idx, v.org)] if v.incasso else None,
            debiteur=v.deb.debiteur if v.deb else None,
            organisatorische_eenheid=(v.eenheid, EENHEDEN[v.eenheid]) if v.eenheid else None,
            zaak_identificatie=v.zaak[0],
            zaak_omschrijving=v.zaak[1],
            heeft_betrekking_op=betrekking,
        )
        v.rest = [
            [r.bedrag_incl_btw, r.bedrag_excl_btw, r.bedrag_btw, r.vorderingcode] for r in v.regels
        ]
        return v.invoer

    # --- what happened after registration ---

    def verloop(self) -> None:
        for v in self.vrds:
            self.scenario(v)
        termijnen = defaultdict(list)
        orgs = list(self.orgs.values())
        for pk, vordering_id in (
            Termijn.objects.filter(vordering__organisatie__in=orgs)
            .order_by("vordering_id", "volgnummer")
            .values_list("pk", "vordering_id")
        ):
            termijnen[vordering_id].append(pk)
        for v in self.vrds:
            v.termijn_pks = termijnen.get(v.vordering.pk, [])

    def scenario(self, v: _Vrd) -> None:
        rng = self.rng
        if v.deb is None:
            return  # work list "debiteur onbekend": nothing can be sent or matched yet
        t = _Tijdlijn(self, v)
        if v.soort == "credit":
            if rng.random() < 0.8:
                self.gebeurtenis_verrekening(
                    t, _werkdag(v.registratie + dt.timedelta(days=rng.randint(1, 6)))
                )
            return
        F, V = v.factuurdatum, v.vervaldatum
        if not v.indicator_j:
            tekst = "Factuur verstuurd" if not v.publiek else "Aanslag/nota verstuurd"
            if not t.status(F, VorderingStatus.VERSTUURD, tekst, stap=Stap.FACTUUR):
                return
        if v.termijnen:
            self.scenario_termijnen(v, t)
            return
        if v.incasso:
            t.betaald(_werkdag(V), "Automatische incasso", DOOR_INCASSO)
            return
        looptijd = (V - F).days
        u = rng.random()
        if v.kwijtschelding_mogelijk and u < 0.1:
            t.afboeken(
                _donderdag(F + dt.timedelta(days=rng.randint(20, 80))),
                Boekingsoort.KWIJTSCHELDING,
                VorderingStatus.KWIJTGESCHOLDEN,
                "Kwijtschelding verleend: verzoek om kwijtschelding toegewezen",
            )
            return
        if u < v.betaalkans:
            d = F + dt.timedelta(days=round(rng.triangular(2, looptijd + 12, looptijd - 3)))
            if rng.random() < 0.18:
                d1 = t.betaal(
                    _werkdag(F + dt.timedelta(days=rng.randint(2, max(3, looptijd - 2)))),
                    ("deel", rng.uniform(0.2, 0.6)),
                    omschrijving="Deelbetaling",
                )
                if not d1:
                    return
                d = max(d, d1 + dt.timedelta(days=rng.randint(7, 30)))
            t.betaald(_werkdag(d))
            return
        if u < v.betaalkans + 0.1:
            d1 = t.betaal(
                _werkdag(F + dt.timedelta(days=rng.randint(3, looptijd + 5))),
                ("deel", rng.uniform(0.15, 0.6)),
                omschrijving="Deelbetaling",
            )
            if not d1:
                return
            if rng.random() < 0.4 and not t.betaal(
                _werkdag(d1 + dt.timedelta(days=rng.randint(20, 40))),
                ("deel", rng.uniform(0.2, 0.5)),
                omschrijving="Deelbetaling",
            ):
                return
        # The tracks of services/invordering.py: public law aanmaning → dwangbevel (EXT), private
        # law herinnering → veertiendagenbrief (person) or aanmaning (firm) → overdracht (EXT).
        if v.publiek:
            stappen = (
                ("Aanmaning verstuurd", 12, Stap.AANMANING, VorderingStatus.INVORDERING),
                (
                    "Dwangbevel uitgevaardigd; invordering door de belastingdeurwaarder",
                    45,
                    Stap.DWANGBEVEL,
                    VorderingStatus.EXTERN,
                ),
            )
        else:
            tweede = (
                ("Veertiendagenbrief verstuurd", Stap.VEERTIENDAGENBRIEF)
                if v.deb.persoon
                else ("Aanmaning verstuurd", Stap.AANMANING)
            )
            stappen = (
                (
                    "Betalingsherinnering verstuurd",
                    14,
                    Stap.HERINNERING,
                    VorderingStatus.INVORDERING,
                ),
                (tweede[0], 35, tweede[1], VorderingStatus.INVORDERING),
            )
        for opmerking, dagen, stap, status in stappen:
            d = t.status(_dinsdag(V + dt.timedelta(days=dagen)), status, opmerking, stap=stap)
            if not d:
                return
            if status == VorderingStatus.EXTERN:
                break
            if rng.random() < 0.35 + (v.betaalkans - 0.6) / 2:
                t.betaald(_werkdag(d + dt.timedelta(days=rng.randint(3, 25))))
                return
        if not v.publiek:
            if rng.random() < 0.45:
                return  # still at the internal step: the first real run hands it over
            d = t.status(
                _donderdag(V + dt.timedelta(days=rng.randint(70, 110))),
                VorderingStatus.EXTERN,
                "Uit handen gegeven aan incassobureau",
                door=DOOR_INVORDERAAR,
                stap=Stap.EXTERN,
            )
            if not d:
                return
        r = rng.random()
        if r < 0.3:
            t.betaald(
                _werkdag(d + dt.timedelta(days=rng.randint(20, 90))),
                "Betaling via deurwaarder/incassobureau",
            )
        elif r < 0.6:
            if v.deb.persoon:
                reden = rng.choice(
                    [
                        "geen verhaalsmogelijkheden",
                        "vertrokken naar onbekend adres",
                        "schuldsanering (Wsnp) uitgesproken",
                    ]
                )
            else:
                reden = rng.choice(
                    [
                        "faillissement uitgesproken",
                        "onderneming ontbonden",
                        "geen verhaalsmogelijkheden",
                    ]
                )
            t.afboeken(
                _donderdag(d + dt.timedelta(days=rng.randint(60, 200))),
                Boekingsoort.ONINBAAR,
                VorderingStatus.ONINBAAR,
                f"Oninbaar: {reden}",
            )

    def scenario_termijnen(self, v: _Vrd, t: _Tijdlijn) -> None:
        rng = self.rng
        n = len(v.termijnen)
        stop = rng.randint(2, n) if not v.incasso and rng.random() < 0.2 else None
        laatste = None
        for i, termijn in enumerate(v.termijnen, start=1):
            if i == stop:
                d = t.status(
                    _dinsdag(termijn.vervaldatum + dt.timedelta(days=12)),
                    VorderingStatus.INVORDERING,
                    f"Aanmaning: termijn {i} niet betaald, het restant is ineens invorderbaar",
                    stap=Stap.AANMANING,
                )
                if d and rng.random() < 0.4:
                    t.betaald(_werkdag(d + dt.timedelta(days=rng.randint(5, 30))))
                return
            if v.incasso:
                d, tekst, door = _werkdag(termijn.vervaldatum), "Automatische incasso", DOOR_INCASSO
            else:
                d = _werkdag(termijn.vervaldatum - dt.timedelta(days=rng.randint(0, 6)))
                tekst, door = "Betaling", DOOR_BANK
            laatste = t.betaal(
                d,
                ("vast", termijn.bedrag),
                termijn=i - 1,
                door=door,
                omschrijving=f"{tekst} termijn {i} van {n}",
            )
            if not laatste:
                return
        t.status(laatste, VorderingStatus.BETAALD, "Alle termijnen betaald", betaald=True)

    def gebeurtenis_verrekening(self, t: _Tijdlijn, d: dt.date) -> None:
        d = t._datum(d)
        if d:
            self.gebeurtenis(d, t.v, "verreken")

    def toepassen(self) -> None:
        """Apply the events in date order: Boekingen and status changes through the services."""
        boekingen: list[Boeking] = []
        wijzigingen: dict[tuple[dt.date, str], list[StatusWijziging]] = defaultdict(list)
        incasso: dict[int, list[dt.date]] = defaultdict(list)
        stappen: list[Invorderingsstap] = []
        stand: dict[int, tuple[str, dt.date]] = {}

        def boek(v: _Vrd, d, soort, bedrag, omschrijving, door, termijn=None):
            """Lower (or for a credit note raise) the balance of v by bedrag."""
            for code, incl, excl, btw in _verdeel(v.rest, bedrag):
                boekingen.append(
                    Boeking(
                        organisatie=v.vordering.organisatie,
                        vordering=v.vordering,
                        termijn_id=v.termijn_pks[termijn] if termijn is not None else None,
                        soort=soort,
                        boekdatum=d,
                        bedrag_incl_btw=-incl,
                        bedrag_excl_btw=-excl,
                        bedrag_btw=-btw,
                        boekingssleutel=code,
                        omschrijving=omschrijving[:500],
                        door=door,
                    )
                )

        self._events.sort(key=lambda e: (e[0], e[1]))
        for d, _, v, args in self._events:
            soort = args[0]
            if soort == "betaal":
                _, bedrag, termijn, omschrijving, door = args
                saldo = v.saldo
                match bedrag:
                    case ("rest",):
                        bedrag = saldo
                    case ("deel", fractie):
                        bedrag = min(saldo - 100, round(saldo * fractie / 100) * 100)
                    case ("vast", vast):
                        bedrag = min(saldo, vast)
                if bedrag <= 0:
                    continue
                boek(v, d, Boekingsoort.BETALING, bedrag, omschrijving, door, termijn)
                v.betaald += bedrag
                v.laatste_betaling = bedrag
                if door == DOOR_INCASSO:
                    incasso[v.vordering.machtiging_id].append(d)
            elif soort == "status":
                _, status, opmerking, door, betaald, stap = args
                if stap:
                    stappen.append(
                        Invorderingsstap(
                            vordering=v.vordering, stap=stap, datum=d, openstaand=v.saldo,
                            toelichting=TOELICHTING_HISTORIE, door=door,
                        )
                    )  # fmt: skip
                    stand[v.vordering.pk] = (stap, d)
                wijzigingen[(d, door)].append(
                    StatusWijziging(
                        v.vordering,
                        status,
                        opmerking,
                        totaal_betaald=v.betaald if betaald else None,
                        deel_bedrag_betaald=v.laatste_betaling if betaald else None,
                    )
                )
            elif soort == "afboeken":
                _, boekingsoort, status, opmerking = args
                if v.saldo > 0:
                    boek(v, d, boekingsoort, v.saldo, opmerking, DOOR_INVORDERAAR)
                wijzigingen[(d, DOOR_INVORDERAAR)].append(
                    StatusWijziging(v.vordering, status, opmerking, totaal_betaald=v.betaald)
                )
            elif soort == "verreken":
                origineel = v.origineel
                bedrag = min(-v.saldo, origineel.saldo)
                if bedrag <= 0:
                    continue
                boek(
                    v,
                    d,
                    Boekingsoort.OVERBOEKING,
                    -bedrag,
                    f"Verrekend met vordering {origineel.vorderingnummer}",
                    DOOR_SYSTEEM,
                )
                boek(
                    origineel,
                    d,
                    Boekingsoort.OVERBOEKING,
                    bedrag,
                    f"Verrekend met creditnota {v.vorderingnummer}",
                    DOOR_SYSTEEM,
                )
                if v.saldo == 0:
                    wijzigingen[(d, DOOR_SYSTEEM)].append(
                        StatusWijziging(
                            v.vordering,
                            VorderingStatus.BETAALD,
                            f"Verrekend met vordering {origineel.vorderingnummer}",
                        )
                    )

        boekingen_create(boekingen=boekingen)
        tijden = {DOOR_SYSTEEM: (7, 15), DOOR_INVORDERAAR: (10, 30)}
        for d, door in sorted(wijzigingen, key=lambda k: (k[0], tijden[k[1]])):
            vorderingen_status_set(
                wijzigingen=wijzigingen[(d, door)],
                door=door,
                tijdstip=self.tijdstip(d, *tijden[door]),
            )
        # The claim's collection state, so the real runs continue where this history ends.
        bulk_insert(stappen)
        update_per_pk(Vordering, "invorderingsstap", [(pk, s) for pk, (s, _) in stand.items()])
        update_per_pk(Vordering, "stap_datum", [(pk, d) for pk, (_, d) in stand.items()])
        machtigingen = []
        for machtiging in Machtiging.objects.filter(pk__in=list(incasso)):
            machtiging.eerste_incasso = min(incasso[machtiging.pk])
            machtiging.laatste_incasso = max(incasso[machtiging.pk])
            machtigingen.append(machtiging)
        Machtiging.objects.bulk_update(
            machtigingen, ["eerste_incasso", "laatste_incasso"], batch_size=500
        )

    # --- collection through the product's own services ---

    def invordering(self) -> None:
        """Collection as the product does it. Per run date: the bank statement of the day
        before (payments of part of the debtors who got a letter last time, and regeling
        termijnen), regelingen monitored, the real invorderingsrun; in between regelingen,
        opschortingen and write-off proposals through their services. Today: a statement,
        the monitoring, and per organisation a preview waiting for approval."""
        # Write-off proposals need a proposer and a different approver.
        self.gebruikers_ensure()
        self.orgs_lijst = list(self.orgs.values())
        self.rekeningen = {
            r.organisatie_id: r
            for r in Bankrekening.objects.filter(organisatie__in=self.orgs_lijst).order_by("-pk")
        }
        self.ibans = {d.debiteur.pk: d.iban for d in self.debs if d.iban}
        self.betalers: list[int] = []
        self.op_schema: list[Betalingsregeling] = []
        self.termijnen_betaald: Counter = Counter()
        bezwaren: list[Opschorting] = []
        kwijtschelding: list[Vordering] = []
        for i, datum in enumerate(self.rundata):
            with _klok(self.tijdstip(vorige_bankdag(datum), 18)):
                self.afschriften(vorige_bankdag(datum))
            with _klok(self.tijdstip(datum, 7)), self.nog_niet_ontvangen(datum):
                for org in self.orgs_lijst:
                    regelingen_monitor(organisatie=org, datum=datum, door=DOOR_RUN)
                    invorderingsrun_execute(organisatie=org, datum=datum, door=DOOR_RUN)
            gebruikt: set[int] = set()
            if i == 0:
                dag = datum + dt.timedelta(days=1)
                with _klok(self.tijdstip(dag, 11)):
                    gebruikt = self.regelingen(dag, self.achterstallig(dag))
            elif i == 1:
                dag = datum + dt.timedelta(days=2)
                with _klok(self.tijdstip(dag, 10)):
                    gebruikt, bezwaren, kwijtschelding = self.opschortingen(
                        dag, self.achterstallig(dag), self.achterstallig(dag, alle_open=True)
                    )
            # Some pay after the letter: they are on the next statement.
            kandidaten = [v for v in self.met_brief(datum) if v.pk not in gebruikt]
            self.betalers = kandidaten[: round(len(kandidaten) * 0.4)]
        donderdag = self.rundata[-1] + dt.timedelta(days=2)
        with _klok(self.tijdstip(donderdag, 10, 30)):
            self.afboekingen(donderdag, bezwaren, kwijtschelding)
        # Today, at the real time: this morning's statement, then the daily beat as it runs
        # without automatic execution (invordering_run_daily): monitoring and a preview.
        self.afschriften(vorige_bankdag(self.vandaag))
        self.werkvoorraad(vorige_bankdag(self.vandaag))
        for org in self.orgs_lijst:
            regelingen_monitor(organisatie=org, datum=self.vandaag, door=DOOR_RUN)
            # Rivierstad's preview is the first invorderaar's: the second approves (four eyes).
            door = DOOR_INVORDERAAR if org == self.orgs["RVS"] else DOOR_RUN
            invorderingsrun_propose(organisatie=org, datum=self.vandaag, door=door)

    def werkvoorraad(self, datum: dt.date) -> None:
        """Today's work, so that every work list has something in it: payments the matching
        could not place, credits and a refund to review, two debtors the BRP says cannot be
        reached by letter, and status messages to a TSA whose endpoint does not answer."""
        self.adres_in_onderzoek()
        self.betalingen_te_doen(datum)
        self.mislukte_berichten()

    def adres_in_onderzoek(self) -> None:
        """What the BRP (the local fake, `make run BRP_FAKE=1`) says about the two fixed
        persons with its test BSNs, recorded without a BRP through the same writer the address
        refresh uses: the work list "adres in onderzoek" and the run's skips show them."""
        from inningen.invordering.services.adressen import (
            AdresVerversing,
            _blok_schrijven,
            _Uitkomst,
        )

        status = {
            BRP_TEST_BSNS["Yılmaz"]: Adresstatus.OVERLEDEN,
            BRP_TEST_BSNS["Sørensen"]: Adresstatus.VERBLIJFT_NIET_OP_ADRES,
        }
        uitkomsten = {
            pk: _Uitkomst(status=status[bsn])
            for pk, bsn in Debiteur.objects.filter(bsn__in=status).values_list("pk", "bsn")
        }
        if uitkomsten:
            _blok_schrijven(uitkomsten, "BRP (demo)", AdresVerversing())

    def betalingen_te_doen(self, datum: dt.date) -> None:
        """A second statement of ``datum`` per municipality: two transfers the matching cannot
        place (work list betalingen), and two debtors who paid €25 too much (a credit each); one
        asked for it back, a refund proposed by the first invorderaar for the second to
        review (four eyes)."""
        invorderaar = get_user_model().objects.get(username=DOOR_INVORDERAAR)
        for sleutel in ("RVS", "PLD"):
            org = self.orgs[sleutel]
            rekening = self.rekeningen[org.pk]
            te_veel = list(
                Vordering.objects.filter(
                    organisatie=org, openstaand_bedrag__gt=0,
                    debiteur_id__in=list(self.ibans), debiteur__soort=Debiteursoort.NATUURLIJK_PERSOON,
                )
                .exclude(status__in=[*AFGESLOTEN_STATUSSEN, VorderingStatus.EXTERN])
                .exclude(betalingsregelingen__status=RegelingStatus.ACTIEF)
                .select_related("debiteur")
                .order_by("pk")[:2]
            )  # fmt: skip
            posten = [
                (v.openstaand_bedrag + 2500, self.ibans[v.debiteur_id], v.debiteur.naam[:140],
                 v.betalingskenmerk, f"Betaling {v.factuurkenmerk}")
                for v in te_veel
            ] + [
                (4250, IBAN.generate("NL", bank_code="RABO", account_code="0300123456").compact,
                 "J. de Wit", "", "parkeren maart"),
                (12000, IBAN.generate("NL", bank_code="INGB", account_code="0007654321").compact,
                 "Stichting De Linde", "", "betaling nota zie brief"),
            ]  # fmt: skip
            afschrift = Afschrift.objects.create(
                organisatie=org, bankrekening=rekening, formaat=Afschriftformaat.CAMT053,
                identificatie=f"DEMO-{datum:%Y%m%d}-2", datum=datum,
                bestandsnaam=f"camt053_{rekening.iban}_{datum:%Y%m%d}_2.xml",
                sha256=hashlib.sha256(f"{rekening.iban} {datum} 2".encode()).hexdigest(),
                aantal_posten=len(posten), ingelezen_door=DOOR_INVORDERAAR,
            )  # fmt: skip
            betalingen = [
                Betaling(
                    afschrift=afschrift, organisatie=org, volgnummer=n, boekdatum=datum,
                    valutadatum=datum, bedrag=bedrag, tegenrekening=iban, naam=naam,
                    betalingskenmerk=kenmerk, omschrijving=omschrijving,
                )
                for n, (bedrag, iban, naam, kenmerk, omschrijving) in enumerate(posten, start=1)
            ]  # fmt: skip
            betalingen_process(betalingen=betalingen, door=DOOR_BANK)
            tegoed = next(
                (b for b in Betaling.objects.filter(afschrift=afschrift, status=BetalingStatus.TEGOED)
                 .order_by("volgnummer")), None,
            )  # fmt: skip
            if tegoed is not None:
                terugbetaling_propose(
                    betaling=tegoed, bedrag=2500, user=invorderaar,
                    reden="Te veel betaald; debiteur vraagt het terug (telefonisch)",
                )  # fmt: skip

    def mislukte_berichten(self) -> None:
        """The TSA ONBEREIKBARE_TSA gets an endpoint where nothing listens; three of its
        claims' statuses, reported three days ago, are delivered now: refused connection,
        older than STUF_UITGAAND_MAX_LEEFTIJD, so given up (DOOD): "Mislukte berichten"."""
        k = _TSA[ONBEREIKBARE_TSA]
        koppeling, _ = koppeling_upsert(
            applicatie=k.applicatie, rol=k.rol, gebruikersnaam=k.gebruikersnaam,
            wachtwoord=k.wachtwoord, tsa_codes=list(k.tsa_codes), naam=k.naam,
            vorderende_organisaties=[self.orgs[s].rsin for s in k.organisaties],
            url=ONBEREIKBARE_URL,
        )  # fmt: skip
        vorderingen = list(
            Vordering.objects.filter(tsa__in=k.tsa_codes, organisatie__in=self.orgs_lijst)
            .order_by("pk")
            .values_list("pk", flat=True)[:3]
        )
        statussen = [
            Vorderingstatus.objects.filter(vordering_id=pk).select_related("vordering")
            .order_by("-pk").first()
            for pk in vorderingen
        ]  # fmt: skip
        leeftijd = dt.timedelta(seconds=settings.STUF_UITGAAND_MAX_LEEFTIJD, days=1)
        with _klok(timezone.now() - leeftijd):
            statuswijzigingen_enqueue(statussen=[s for s in statussen if s is not None])
        uitgaand_deliver(koppeling_id=koppeling.pk, budget=5.0, zelf_inplannen=False)

    @contextmanager
    def nog_niet_ontvangen(self, datum: dt.date):
        """Claims registered on or after ``datum`` are in the database already but did not
        exist for a run on that day: without an invoice yet, the run would send them one. A
        run skips claims with a step dated on its own day, so they get that date meanwhile."""
        pks = [v.vordering.pk for v in self.vrds if v.registratie >= datum]
        # Those with a step (an invoice sent later) are skipped by the run anyway.
        Vordering.objects.filter(pk__in=pks, stap_datum__isnull=True).update(stap_datum=datum)
        try:
            yield
        finally:
            Vordering.objects.filter(pk__in=pks, stap_datum=datum, invorderingsstap="").update(
                stap_datum=None
            )

    def achterstallig(self, datum: dt.date, *, alle_open: bool = False) -> list[Vordering]:
        """Overdue claims that got a letter, still in our hands on ``datum`` and not in a
        regeling, shuffled: the debtors who call about a letter or ask for uitstel. With
        ``alle_open`` every open claim registered by then (a bezwaar needs no letter)."""
        if alle_open:
            filters = {"pk__in": [v.vordering.pk for v in self.vrds if v.registratie <= datum]}
        else:
            filters = {
                "vervaldatum__lt": datum,
                "invorderingsstap__in": [Stap.HERINNERING, Stap.AANMANING, Stap.VEERTIENDAGENBRIEF],
            }
        vorderingen = list(
            Vordering.objects.filter(
                organisatie__in=self.orgs_lijst,
                debiteur__isnull=False,
                openstaand_bedrag__gt=0,
                **filters,
            )
            .exclude(status__in=[*AFGESLOTEN_STATUSSEN, VorderingStatus.EXTERN])
            .exclude(betalingsregelingen__status=RegelingStatus.ACTIEF)
            # The history already booked later payments on some: they did not call.
            .exclude(boekingen__boekdatum__gt=datum)
            .select_related("organisatie", "debiteur")
            .order_by("pk")
        )
        self.rng.shuffle(vorderingen)
        return vorderingen

    def met_brief(self, datum: dt.date) -> list[Vordering]:
        """Claims that got a letter asking for payment in the runs of ``datum``, shuffled."""
        pks = (
            Invorderingsstap.objects.filter(
                run__datum=datum,
                run__organisatie__in=self.orgs_lijst,
                stap__in=[Stap.HERINNERING, Stap.AANMANING, Stap.VEERTIENDAGENBRIEF],
            )
            .order_by("vordering_id")
            .values_list("vordering_id", flat=True)
        )
        vorderingen = list(
            Vordering.objects.filter(pk__in=list(pks))
            .select_related("organisatie", "debiteur")
            .order_by("pk")
        )
        self.rng.shuffle(vorderingen)
        return vorderingen

    def afschriften(self, datum: dt.date) -> None:
        """Per organisation the statement of ``datum``, as if imported, its payments matched
        and booked by the payment service (betalingskenmerk of the letter)."""
        posten: dict[int, list[tuple[Vordering, int]]] = defaultdict(list)
        for v in (
            Vordering.objects.filter(pk__in=[v.pk for v in self.betalers], openstaand_bedrag__gt=0)
            .exclude(status__in=AFGESLOTEN_STATUSSEN)
            # Paying in full now would precede a payment the history booked later.
            .exclude(boekingen__boekdatum__gt=datum)
            .select_related("debiteur")
            .order_by("pk")
        ):
            posten[v.organisatie_id].append((v, v.openstaand_bedrag))
        for regeling in self.op_schema:
            termijnen = [
                t for t in regeling.termijnen.order_by("volgnummer") if t.vervaldatum <= datum
            ]
            te_betalen = sum(t.bedrag for t in termijnen[self.termijnen_betaald[regeling.pk] :])
            self.termijnen_betaald[regeling.pk] = len(termijnen)
            # The termijn goes to the claims in the regeling's order, as the letter asks.
            for v in regeling.vorderingen.select_related("debiteur").order_by("vervaldatum", "pk"):
                deel = min(te_betalen, v.openstaand_bedrag)
                if deel > 0:
                    posten[v.organisatie_id].append((v, deel))
                    te_betalen -= deel
        for org in self.orgs_lijst:
            rekening = self.rekeningen[org.pk]
            eigen = posten[org.pk]
            afschrift = Afschrift.objects.create(
                organisatie=org,
                bankrekening=rekening,
                formaat=Afschriftformaat.CAMT053,
                identificatie=f"DEMO-{datum:%Y%m%d}",
                datum=datum,
                bestandsnaam=f"camt053_{rekening.iban}_{datum:%Y%m%d}.xml",
                sha256=hashlib.sha256(f"{rekening.iban} {datum}".encode()).hexdigest(),
                aantal_posten=len(eigen),
                ingelezen_door=DOOR_INVORDERAAR,
            )
            if eigen:
                betalingen_process(
                    betalingen=[
                        Betaling(
                            afschrift=afschrift, organisatie=org, volgnummer=n, boekdatum=datum,
                            valutadatum=datum, bedrag=bedrag,
                            tegenrekening=self.ibans.get(v.debiteur_id, ""),
                            naam=v.debiteur.naam[:140], betalingskenmerk=v.betalingskenmerk,
                            omschrijving=f"Betaling {v.factuurkenmerk}",
                        )
                        for n, (v, bedrag) in enumerate(eigen, start=1)
                    ],
                    door=DOOR_BANK,
                )  # fmt: skip

    def regelingen(self, datum: dt.date, kandidaten: list[Vordering]) -> set[int]:
        """Four debtors who got a letter agree a regeling; three pay their termijnen, one stops
        paying and its regeling lapses (regelingen_monitor, on a later run). Returns the
        claims in a regeling."""
        groepen: dict[tuple[int, int], list[Vordering]] = defaultdict(list)
        for v in kandidaten:
            groepen[(v.organisatie_id, v.debiteur_id)].append(v)
        geschikt = [
            groep
            for _, groep in sorted(groepen.items())
            if 2_500 <= sum(v.openstaand_bedrag for v in groep) <= 400_000
        ]
        gekozen = self.rng.sample(geschikt, min(4, len(geschikt)))
        start = datum + dt.timedelta(days=6)
        for i, vorderingen in enumerate(gekozen):
            totaal = sum(v.openstaand_bedrag for v in vorderingen)
            if i % 2 == 0:
                plan = regeling_plan(
                    vorderingen=vorderingen,
                    soort=Regelingsoort.AANTAL_TERMIJNEN,
                    startdatum=start,
                    aantal_termijnen=4 if i == 0 else 6,
                )
            else:
                plan = regeling_plan(
                    vorderingen=vorderingen,
                    soort=Regelingsoort.VAST_BEDRAG,
                    startdatum=start,
                    maandbedrag=max(2_500, -(-totaal // 8 // 500) * 500),
                )
            regeling = regeling_create(
                plan=plan,
                betaalwijze=Betaalwijze.OVERMAKING,
                door=DOOR_INVORDERAAR if i % 2 == 0 else "balie",
            )
            if i:  # the first never pays
                self.op_schema.append(regeling)
        return {v.pk for groep in gekozen for v in groep}

    def opschortingen(self, datum: dt.date, met_brief: list[Vordering], open_: list[Vordering]):
        """Uitstel for two debtors who got a letter, bezwaar against two public-law claims and
        one request for kwijtschelding (preferably claims with a letter too), each through the
        service. Returns the claims used, the bezwaren and the claims with a kwijtschelding
        request."""
        gebruikt: set[int] = set()
        brief_pks = {v.pk for v in met_brief}
        kandidaten = met_brief + [v for v in open_ if v.pk not in brief_pks]

        def kies(aantal: int, voorwaarde) -> list[Vordering]:
            gekozen = [v for v in kandidaten if v.pk not in gebruikt and voorwaarde(v)][:aantal]
            gebruikt.update(v.pk for v in gekozen)
            return gekozen

        for v, reden in zip(
            kies(2, lambda v: v.pk in brief_pks),
            (
                "Uitstel van betaling: debiteur wacht op de eerste uitkering",
                "Uitstel in afwachting van de verkoop van de woning",
            ),
            strict=False,
        ):
            opschorting_create(
                vordering=v, soort=Opschortingsoort.UITSTEL, reden=reden, vanaf=datum,
                tot=datum + dt.timedelta(days=56), door="balie",
            )  # fmt: skip
        bezwaren = [
            opschorting_create(
                vordering=v,
                soort=Opschortingsoort.BEZWAAR,
                vanaf=datum,
                door=DOOR_INVORDERAAR,
                reden="Bezwaar tegen de aanslag ontvangen (Invorderingswet art. 25)",
            )
            for v in kies(2, lambda v: v.publiekrechtelijk)
        ]
        kwijtschelding = kies(
            1,
            lambda v: v.publiekrechtelijk and v.debiteur.soort == Debiteursoort.NATUURLIJK_PERSOON,
        )
        for v in kwijtschelding:
            opschorting_create(
                vordering=v, soort=Opschortingsoort.KWIJTSCHELDINGSVERZOEK, vanaf=datum,
                reden="Verzoek om kwijtschelding ontvangen; toets betalingscapaciteit loopt",
                door="balie",
            )  # fmt: skip
        return gebruikt, bezwaren, kwijtschelding

    def afboekingen(self, datum, bezwaren: list[Opschorting], kwijtschelding: list[Vordering]):
        """Write-offs under four eyes: the invorderaar proposes, beheer approves one (a bezwaar
        partly upheld: vermindering, and the bezwaar ends); the others wait in the work list."""
        gebruikers = get_user_model().objects.filter(username__in=["invorderaar", "beheer"])
        per_naam = {u.username: u for u in gebruikers}
        invorderaar, beheer = per_naam["invorderaar"], per_naam["beheer"]
        for opschorting in bezwaren[:1]:
            v = opschorting.vordering
            hoofdsom = max(0, sum(open_per_deel(v.pk).get("hoofdsom", {}).values()))
            bedrag = hoofdsom // 4 // 100 * 100
            if bedrag > 0:
                voorstel = afboeking_propose(
                    vordering=v, soort=Afboekingsoort.VERMINDERING, bedrag=bedrag, user=invorderaar,
                    reden="Bezwaar gedeeltelijk gegrond: WOZ-waarde verlaagd",
                )  # fmt: skip
                afboeking_review(
                    voorstel=voorstel, user=beheer, goedkeuren=True,
                    toelichting="Uitspraak op bezwaar gecontroleerd",
                )  # fmt: skip
            opschorting_end(opschorting=opschorting, door=DOOR_INVORDERAAR, datum=datum)
        for v in kwijtschelding:
            afboeking_propose(
                vordering=v, soort=Afboekingsoort.KWIJTSCHELDING, user=invorderaar,
                reden="Kwijtschelding: geen betalingscapaciteit (Leidraad invordering)",
            )  # fmt: skip
        extern = (
            Vordering.objects.filter(
                organisatie__in=self.orgs_lijst,
                status=VorderingStatus.EXTERN,
                openstaand_bedrag__gt=0,
                debiteur__soort=Debiteursoort.NATUURLIJK_PERSOON,
            )
            .order_by("pk")
            .first()
        )
        if extern is not None:
            afboeking_propose(
                vordering=extern, soort=Afboekingsoort.ONINBAAR, user=invorderaar,
                reden="Deurwaarder: vertrokken naar het buitenland (RNI), geen verhaal",
            )  # fmt: skip


def _verdeel(rest: list[list], bedrag: int) -> list[tuple[str, int, int, int]]:
    """Take bedrag off the regels' remaining amounts in order; BTW pro rata, exact at the end.

    bedrag has the sign of the balance (negative for a credit note). Returns per regel
    (vorderingcode, incl, excl, btw) of the part taken.
    """
    delen = []
    over = bedrag
    for r in rest:
        if over == 0:
            break
        incl, excl, btw, code = r
        if incl == 0 or (incl > 0) != (over > 0):
            continue
        neem = over if abs(over) < abs(incl) else incl
        if neem == incl:
            b, e = btw, excl
        else:
            b = round(neem * btw / incl)
            e = neem - b
        r[0], r[1], r[2] = incl - neem, excl - e, btw - b
        delen.append((code, neem, e, b))
        over -= neem
    if over:
        raise AssertionError(f"Bedrag {bedrag} groter dan het saldo van de regels.")
    return delen
