"""The invorderingsrun: which claims get which collection step today, and taking those steps.

One function plans (``invordering_plan``): it is the dry run and the preview, and the real run
(``invorderingsrun_execute``) executes exactly what it returns, re-planned per batch inside the
batch's transaction with the claims locked, so a payment booked meanwhile is seen. Everything
is set-based: per batch of claims a fixed number of queries, whatever the batch size.

Tracks (the step after the last one taken, when its waiting time has passed):
  public law                     herinnering → aanmaning (Kostenwet/Awb costs) → dwangbevel (EXT)
  private law, natural person    herinnering → 14-dagenbrief (WIK) → overdracht with WIK costs (EXT)
  private law, company           herinnering → aanmaning → overdracht with WIK costs (EXT)
Without a herinnering setting the track starts at its second step. Claims the TSA did not
invoice get an invoice first (with due date and, for an aanslag paid by direct debit, monthly
termijnen when the TSA gave none).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from inningen.betalingen.models import Afschrift, Betaling
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    BetalingStatus,
    Boekingdeel,
    Boekingsoort,
    Briefsoort,
    Debiteursoort,
    Invorderingsregime,
    Kostensoort,
    MachtigingStatus,
    Rentesoort,
    RunStatus,
    VorderingStatus,
    Vorderingtype,
)
from inningen.choices import Invorderingsstap as Stap
from inningen.db.bulk import bulk_insert, rijen_insert, update_per_pk
from inningen.debiteuren.models import (
    ADRES_IN_ONDERZOEK,
    Adresstatus,
    Debiteur,
    DebiteurRekening,
)
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingsregel
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.statussen import StatusWijziging, vorderingen_status_set
from inningen.grootboek.toerekening import effectief_deel
from inningen.invordering.models import (
    Invorderingsinstelling,
    Invorderingsrun,
    Invorderingsstap,
    Kostentarief,
    Rentetarief,
    Wikstaffel,
)
from inningen.invordering.regels import bankdagen
from inningen.invordering.regels.kosten import Staffel, Tarief, kostenwet_kosten, wik_kosten
from inningen.invordering.regels.rente import rente_met_rest
from inningen.invordering.regels.termijnen import (
    maanden_erbij,
    termijnen_verdelen,
    vervaldatum_afleiden,
)
from inningen.invordering.selectors.blokkades import (
    in_actieve_regeling,
    met_actieve_opschorting,
    met_open_afboekingsvoorstel,
)
from inningen.invordering.services.brieven import (
    brief_gegevens,
    brieven_rijen_create,
    debiteur_gegevens,
    organisatie_gegevens,
    vordering_gegevens,
)
from inningen.organisaties.models import Bankrekening, Organisatie
from inningen.wachtrij import na_commit

logger = logging.getLogger(__name__)

BATCH = 5_000
# Debtors whose addresses one task refreshes (setting INVORDERING_ADRESSEN_PER_TAAK): at the
# BRP's 500-800 persons/s about 25-40 s, well inside the task time limit.
ADRESSEN_PER_TAAK = 20_000
# What a preview keeps of its rows (the full list is a CSV download).
VOORBEELDEN = 200

SLEUTEL_KOSTEN = {
    Kostensoort.AANMANING_KOSTENWET: "KOSTEN-AANMANING",
    Kostensoort.AANMANING_AWB: "KOSTEN-AANMANING-AWB",
    Kostensoort.DWANGBEVEL: "KOSTEN-DWANGBEVEL",
    "wik": "KOSTEN-BIK",
}
SLEUTEL_RENTE = {
    Rentesoort.INVORDERINGSRENTE: "RENTE-INVORDERING",
    Rentesoort.WETTELIJKE_RENTE: "RENTE-WETTELIJK",
    Rentesoort.HANDELSRENTE: "RENTE-HANDEL",
}
# Claims the run may act on; EXT has left our hands, the closed ones have nothing to collect.
_NIET_MEER = {*AFGESLOTEN_STATUSSEN, VorderingStatus.EXTERN, VorderingStatus.ONVERWERKT}
_AANSLAGTYPEN = (Vorderingtype.AANSLAG, Vorderingtype.VOORLOPIGE_AANSLAG, Vorderingtype.VERHOGING)
_BRIEF = {
    Stap.FACTUUR: Briefsoort.FACTUUR,
    Stap.HERINNERING: Briefsoort.HERINNERING,
    Stap.AANMANING: Briefsoort.AANMANING,
    Stap.VEERTIENDAGENBRIEF: Briefsoort.VEERTIENDAGENBRIEF,
    Stap.DWANGBEVEL: Briefsoort.DWANGBEVEL,
    Stap.EXTERN: Briefsoort.OVERDRACHT,
}
_ONDERWERP = {
    Stap.FACTUUR: "Factuur",
    Stap.HERINNERING: "Herinnering",
    Stap.AANMANING: "Aanmaning",
    Stap.VEERTIENDAGENBRIEF: "Laatste herinnering (veertiendagenbrief)",
    Stap.DWANGBEVEL: "Dwangbevel",
    Stap.EXTERN: "Overdracht aan incassobureau / gerechtsdeurwaarder",
}


class RunGeweigerd(Exception):
    """The run may not act (e.g. the bank statements are not current); message for the user."""


class Overslaan:
    """Why a claim that is due for a step gets none (preview and summary)."""

    REGELING = "in een actieve betalingsregeling"
    OPGESCHORT = "opgeschort (uitstel, bezwaar of kwijtscheldingsverzoek)"
    AFBOEKING = "afboekingsvoorstel in behandeling"
    ONVERWERKTE_BETALING = "onverwerkte betaling van deze debiteur in de werklijst"
    TEGOED = "tegoed van de debiteur dekt het openstaande bedrag"
    MINIMUM = "openstaand bedrag onder het minimum"
    GEEN_DEBITEUR = "debiteur onbekend"
    GEEN_ADRES = "geen adres van de debiteur"
    # The BRP says a letter cannot reach the person: the claim waits on "adres in onderzoek".
    ADRES_IN_ONDERZOEK = {
        Adresstatus.OVERLEDEN: "adres in onderzoek: overleden",
        Adresstatus.VERBLIJFT_NIET_OP_ADRES: "adres in onderzoek: vastgesteld verblijft niet op adres",
        Adresstatus.GEEMIGREERD: "adres in onderzoek: geëmigreerd zonder bekend adres",
        Adresstatus.NIET_IN_BRP: "adres in onderzoek: niet gevonden in de BRP",
    }

    @classmethod
    def adres_in_onderzoek(cls, status: str) -> str:
        if status in cls.ADRES_IN_ONDERZOEK:
            return cls.ADRES_IN_ONDERZOEK[status]
        return f"adres in onderzoek: {Adresstatus(status).label.lower()}"


# --- tables ----------------------------------------------------------------------------------


@dataclass
class Tabellen:
    """The dated tables valid on the run date, loaded once per run."""

    kosten: dict[str, Tarief]
    wik: Staffel | None
    rente: dict[str, list[tuple[dt.date, int]]]


def tabellen_load(datum: dt.date) -> Tabellen:
    kosten = {}
    for soort in Kostensoort.values:
        t = (
            Kostentarief.objects.filter(soort=soort, geldig_vanaf__lte=datum)
            .order_by("-geldig_vanaf")
            .first()
        )
        if t is not None:
            kosten[soort] = Tarief(
                t.drempel, t.bedrag_onder, t.bedrag_vanaf, t.verhoging_per_stap, t.stapgrootte,
                t.maximum,
            )  # fmt: skip
    w = Wikstaffel.objects.filter(geldig_vanaf__lte=datum).order_by("-geldig_vanaf").first()
    wik = None
    if w is not None:
        wik = Staffel(tuple((g, p) for g, p in w.schijven), w.minimum, w.maximum)
    rente_tabellen: dict[str, list] = defaultdict(list)
    for soort, vanaf, pct in Rentetarief.objects.order_by("geldig_vanaf").values_list(
        "soort", "geldig_vanaf", "percentage"
    ):
        rente_tabellen[soort].append((vanaf, pct))
    return Tabellen(kosten, wik, dict(rente_tabellen))


def invorderingsinstelling_get(organisatie: Organisatie) -> Invorderingsinstelling:
    """The organisation's collection settings, or the defaults (unsaved) when none are stored:
    a dry run writes nothing."""
    return Invorderingsinstelling.objects.filter(
        organisatie=organisatie
    ).first() or Invorderingsinstelling(organisatie=organisatie)


# --- the plan --------------------------------------------------------------------------------


@dataclass(slots=True)
class Voorstel:
    """One step for one claim, everything the execution needs (and the preview shows)."""

    vordering_id: int
    vorderingnummer: str
    tsa: str
    debiteur_id: int | None
    debiteur_naam: str
    stap: str
    openstaand: int
    kosten: int = 0
    kostensoort: str = ""
    rente: int = 0
    rentesoort: str = ""
    rente_van: dt.date | None = None
    rente_rest: int = 0  # carried to the next run (regels.rente.rente_met_rest)
    betalen_voor: dt.date | None = None
    aangekondigde_kosten: int = 0  # 14-dagenbrief: the WIK costs that will follow
    vervaldatum: dt.date | None = None  # factuur: derived due date when the TSA gave none
    termijnen: list = field(default_factory=list)  # factuur: derived (volgnummer, datum, bedrag)
    toelichting: str = ""

    @property
    def totaal(self) -> int:
        return self.openstaand + self.kosten + self.rente


@dataclass(slots=True)
class Overgeslagen:
    vordering_id: int
    vorderingnummer: str
    debiteur_naam: str
    stap: str
    reden: str
    debiteur_id: int | None = None


@dataclass
class Plan:
    organisatie: Organisatie
    datum: dt.date
    voorstellen: list[Voorstel] = field(default_factory=list)
    overgeslagen: list[Overgeslagen] = field(default_factory=list)
    afschrift_melding: str = ""
    adres_melding: str = ""

    @property
    def melding(self) -> str:
        return _meldingen(self.afschrift_melding, self.adres_melding)

    def samenvatting(self, *, voorbeelden: int = VOORBEELDEN) -> dict:
        per_stap: dict[str, dict] = {}
        debiteuren: dict[str, set] = defaultdict(set)
        for v in self.voorstellen:
            s = per_stap.setdefault(v.stap, {"aantal": 0, "openstaand": 0, "kosten": 0, "rente": 0})
            s["aantal"] += 1
            s["openstaand"] += v.openstaand
            s["kosten"] += v.kosten
            s["rente"] += v.rente
            debiteuren[v.stap].add(v.debiteur_id)
        for stap, s in per_stap.items():
            # Every step is one letter per claim (_execute_batch); the confirmation names both.
            s["debiteuren"] = len(debiteuren[stap])
            s["brieven"] = s["aantal"]
        redenen = Counter(o.reden for o in self.overgeslagen)
        return {
            "datum": self.datum.isoformat(),
            "aantal": len(self.voorstellen),
            "debiteuren": len({v.debiteur_id for v in self.voorstellen}),
            "brieven": len(self.voorstellen),
            "kosten": sum(v.kosten for v in self.voorstellen),
            "rente": sum(v.rente for v in self.voorstellen),
            "openstaand": sum(v.openstaand for v in self.voorstellen),
            "per_stap": per_stap,
            "overgeslagen": dict(redenen.most_common()),
            "aantal_overgeslagen": len(self.overgeslagen),
            "afschrift_melding": self.afschrift_melding,
            "adres_melding": self.adres_melding,
            "voorbeelden": [_json(asdict(v)) for v in self.voorstellen[:voorbeelden]],
            "voorbeelden_overgeslagen": [_json(asdict(o)) for o in self.overgeslagen[:voorbeelden]],
        }


PLAN_KOLOMMEN = ["vordering", "debiteur", "stap", "openstaand_cent", "kosten_cent",
                 "rente_cent", "betalen_voor", "overgeslagen_omdat"]  # fmt: skip


def plan_rijen(plan: Plan):
    """The full plan as rows of PLAN_KOLOMMEN: steps, then what is skipped and why."""
    for v in plan.voorstellen:
        yield [v.vorderingnummer, v.debiteur_naam, v.stap, v.openstaand, v.kosten, v.rente,
               v.betalen_voor or "", ""]  # fmt: skip
    for o in plan.overgeslagen:
        yield [o.vorderingnummer, o.debiteur_naam, o.stap, "", "", "", "", o.reden]


def _json(d: dict) -> dict:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in d.items()
        if k != "termijnen"
    }


def afschrift_check(organisatie: Organisatie, datum: dt.date) -> str:
    """Empty when the organisation's statements are current: the latest imported statement is
    from the last banking day before ``datum`` or later. Otherwise why not (a payment of that
    day could still be unprocessed, and we never remind someone who already paid)."""
    nodig = bankdagen.vorige_bankdag(datum)
    if not Bankrekening.objects.filter(organisatie=organisatie).exists():
        return f"{organisatie.naam} heeft geen ontvangende bankrekening; betalingen zijn niet te controleren."
    laatste = (
        Afschrift.objects.filter(organisatie=organisatie)
        .annotate(dag=Coalesce("datum", F("created_at__date")))
        .order_by("-dag")
        .values_list("dag", flat=True)
        .first()
    )
    if laatste is None:
        return f"Voor {organisatie.naam} is nog geen bankafschrift ingelezen."
    if laatste < nodig:
        return (
            f"Het laatste bankafschrift van {organisatie.naam} is van {laatste:%d-%m-%Y}; "
            f"nodig is dat van {nodig:%d-%m-%Y} (laatste bankdag vóór {datum:%d-%m-%Y}) of later."
        )
    return ""


def _kandidaten(organisatie: Organisatie, datum: dt.date):
    """Claims of the organisation that may need a step: open, ours to collect, debtor or not."""
    return (
        Vordering.objects.filter(organisatie=organisatie, openstaand_bedrag__gt=0)
        .exclude(status__in=_NIET_MEER)
        .exclude(invorderingsstap__in=[Stap.DWANGBEVEL, Stap.EXTERN])
        # Not already acted on today: a second run the same day changes nothing.
        .exclude(stap_datum=datum)
    )


def _kandidaat_ids(organisatie, datum) -> list[int]:
    return list(_kandidaten(organisatie, datum).order_by("pk").values_list("pk", flat=True))


def _batches(ids: list[int], grootte: int = BATCH):
    for start in range(0, len(ids), grootte):
        yield ids[start : start + grootte]


def invordering_plan(
    *, organisatie: Organisatie, datum: dt.date, tabellen: Tabellen | None = None,
    adressen: bool = False, door: str = "invorderingsrun",
) -> Plan:  # fmt: skip
    """The dry run: what a run on ``datum`` would do. Reads only, except with ``adressen``: then
    the debtors' addresses are refreshed from the BRP/KvK first (what the run would do too), so
    the plan sees who moved, died or cannot be reached."""
    tabellen = tabellen or tabellen_load(datum)
    instelling = invorderingsinstelling_get(organisatie)
    plan = Plan(organisatie, datum, afschrift_melding=afschrift_check(organisatie, datum))
    if adressen:
        plan.adres_melding = adressen_refresh_all(organisatie=organisatie, datum=datum, door=door)
    for ids in _batches(_kandidaat_ids(organisatie, datum)):
        voorstellen, overgeslagen, _ = _plan_batch(organisatie, instelling, tabellen, datum, ids)
        plan.voorstellen.extend(voorstellen)
        plan.overgeslagen.extend(overgeslagen)
    return plan


# --- addresses from the BRP and the Handelsregister (issue #18) --------------------------------


def adressen_geconfigureerd() -> bool:
    """Without a BRP or KvK URL nothing is looked up and the run works as before."""
    return bool(getattr(settings, "BRP_API_URL", "") or getattr(settings, "KVK_API_URL", ""))


def _adressen_per_taak() -> int:
    return max(1, int(getattr(settings, "INVORDERING_ADRESSEN_PER_TAAK", ADRESSEN_PER_TAAK)))


def _meldingen(*meldingen: str) -> str:
    return "\n".join(m for m in meldingen if m)


def _adres_melding(exc: Exception, *, geforceerd: bool = False) -> str:
    tekst = getattr(exc, "melding", "") or str(exc)
    melding = (
        f"De adressen konden niet worden ververst: {tekst} Zonder actuele adressen uit de BRP "
        "en het Handelsregister gaan er geen brieven uit."
    )
    if geforceerd:
        melding += " Geforceerd: de brieven gaan naar de laatst bekende adressen."
    return melding


def _adressen_blok(organisatie, datum, vanaf: int, door: str) -> int | None:
    """Refresh the addresses of the next block of debtors of the candidate claims, debtor ids
    from ``vanaf`` up; the ``vanaf`` of the block after it, None when this was the last. Ids,
    not offsets: a claim paid between two blocks shifts nobody out of the next block.
    Raises AdressenNietBeschikbaar when the BRP/KvK does not answer."""
    from inningen.invordering.services.adressen import adressen_verversen

    aantal = _adressen_per_taak()
    # Checked a few hours ago (by the morning's preview, say) is current: an invorderaar's
    # preview in the web request and the run after approval then ask only for the rest.
    actueel = timezone.now() - dt.timedelta(
        hours=getattr(settings, "INVORDERING_ADRESSEN_ACTUEEL_UREN", 12)
    )
    ids = list(
        _kandidaten(organisatie, datum)
        .filter(debiteur_id__gte=vanaf)
        .exclude(debiteur__adres_gecontroleerd_op__gte=actueel)
        .order_by("debiteur_id")
        .values_list("debiteur_id", flat=True)
        .distinct()[:aantal]
    )
    if not ids:
        return None
    resultaat = adressen_verversen(debiteur_ids=ids, door=door)
    if resultaat.niet_geconfigureerd:
        return None
    return ids[-1] + 1 if len(ids) == aantal else None


def adressen_refresh_all(*, organisatie: Organisatie, datum: dt.date, door: str) -> str:
    """Refresh the addresses of all debtors of the candidate claims in this process, block by
    block (each its own transaction). Empty, or the message when the BRP/KvK does not answer
    (what was refreshed before stays: those addresses are true)."""
    if not adressen_geconfigureerd():
        return ""
    from inningen.invordering.services.adressen import AdressenNietBeschikbaar

    vanaf: int | None = 0
    try:
        while vanaf is not None:
            vanaf = _adressen_blok(organisatie, datum, vanaf, door)
    except AdressenNietBeschikbaar as exc:
        return _adres_melding(exc)
    return ""


def _brief_adresregels(debiteur: Debiteur) -> list[str]:
    adres = debiteur.brief_adres
    return list(adres.adresregels) if adres is not None else debiteur.adres_regels


def _track(publiek: bool, soort: str, met_herinnering: bool) -> list[str]:
    if publiek:
        stappen = [Stap.AANMANING, Stap.DWANGBEVEL]
    elif soort == Debiteursoort.NATUURLIJK_PERSOON:
        stappen = [Stap.VEERTIENDAGENBRIEF, Stap.EXTERN]
    else:
        stappen = [Stap.AANMANING, Stap.EXTERN]
    return [Stap.HERINNERING, *stappen] if met_herinnering else stappen


# Where each step stands in any track: a claim whose track changed (the organisation dropped the
# herinnering, the debtor turned out to be a company) continues from its position, never stalls.
_POSITIE = {
    "": 0,
    Stap.FACTUUR: 0,
    Stap.HERINNERING: 1,
    Stap.AANMANING: 2,
    Stap.VEERTIENDAGENBRIEF: 2,
    Stap.DWANGBEVEL: 3,
    Stap.EXTERN: 3,
}


def _volgende(track: list[str], huidig: str) -> str | None:
    positie = _POSITIE.get(huidig, 0)
    return next((s for s in track if _POSITIE[s] > positie), None)


def _wachttijd(instelling: Invorderingsinstelling, huidig: str) -> int:
    """Days after the last step (or the due date) before the next step may be taken."""
    if huidig in ("", Stap.FACTUUR):
        return instelling.herinnering_na_dagen or 0
    return {
        Stap.HERINNERING: instelling.herinnering_termijn_dagen,
        Stap.AANMANING: instelling.aanmaning_termijn_dagen,
        Stap.VEERTIENDAGENBRIEF: instelling.veertiendagen_termijn_dagen,
    }[huidig]


def _betalen_voor(instelling, stap: str, datum: dt.date) -> dt.date | None:
    dagen = {
        Stap.HERINNERING: instelling.herinnering_termijn_dagen,
        Stap.AANMANING: instelling.aanmaning_termijn_dagen,
        Stap.VEERTIENDAGENBRIEF: instelling.veertiendagen_termijn_dagen,
        # Invorderingswet art. 15: the dwangbevel commands payment within two days.
        Stap.DWANGBEVEL: 2,
    }.get(stap)
    return datum + dt.timedelta(days=dagen) if dagen is not None else None


def _delen(lo: int, hi: int) -> dict[int, dict[str, int]]:
    """Open amount per claim and part (hoofdsom, kosten, rente) for claims with pk in [lo, hi],
    parts as the payment allocation sees them (``effectief_deel``)."""
    uit: dict[int, dict[str, int]] = defaultdict(lambda: {"hoofdsom": 0, "kosten": 0, "rente": 0})
    rijen = (
        Boeking.objects.filter(vordering_id__gte=lo, vordering_id__lte=hi)
        .values_list("vordering_id", "soort", "deel")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    )
    for vpk, soort, deel, som in rijen:
        d = effectief_deel(soort, deel)
        uit[vpk][d] = uit[vpk].get(d, 0) + som
    return uit


def _plan_batch(organisatie, instelling, tabellen, datum, ids, *, lock: bool = False):
    lo, hi = ids[0], ids[-1]
    qs = _kandidaten(organisatie, datum).filter(pk__gte=lo, pk__lte=hi).order_by("pk")
    if lock:
        # Payments and manual actions on these claims wait until this batch is done.
        qs = qs.select_for_update(of=("self",))
    onverwerkt = Betaling.objects.filter(
        organisatie=organisatie,
        restbedrag__gt=0,
        status__in=[BetalingStatus.ONGEMATCHT, BetalingStatus.GEPARKEERD],
    ).filter(
        Q(debiteur_id=OuterRef("debiteur_id"))
        | Q(tegenrekening__in=DebiteurRekening.objects.filter(
            debiteur_id=OuterRef(OuterRef("debiteur_id"))).values("iban"))
    )  # fmt: skip
    rijen = list(
        qs.annotate(
            b_regeling=in_actieve_regeling(),
            b_opschorting=met_actieve_opschorting(datum),
            b_afboeking=met_open_afboekingsvoorstel(),
            b_betaling=Exists(onverwerkt),
        ).values(
            "pk", "vorderingnummer", "tsa", "debiteur_id", "publiekrechtelijk",
            "invorderingsregime", "vervaldatum", "factuurdatum", "creatiedatum",
            "indicator_factuur_uitgestuurd", "invorderingsstap", "stap_datum", "rente_tot", "rente_rest",
            "openstaand_bedrag", "totaalbedrag_incl_btw", "machtiging_id", "machtiging__status",
            "b_regeling", "b_opschorting", "b_afboeking", "b_betaling",
        )
    )  # fmt: skip
    if not rijen:
        return [], [], {}
    debiteur_ids = {r["debiteur_id"] for r in rijen if r["debiteur_id"]}
    debiteuren = {
        d.pk: d
        for d in Debiteur.objects.filter(pk__in=debiteur_ids).select_related("brief_adres").only(
            # The letter address (debiteur_gegevens) and the gender for its aanhef, no query
            # per letter.
            "adresstatus", "brief_adres", "brief_adres__aanhef", "brief_adres__aanschrijfwijze",
            "brief_adres__adresregels", "geslachtsaanduiding", "aanhef_aanschrijving", "soort",
            "debiteurnummer",
            "geslachtsnaam",
            "voorvoegsel_geslachtsnaam", "voorletters",
            "aanduiding_naamgebruik", "geslachtsnaam_partner", "voorvoegsel_geslachtsnaam_partner",
            "statutaire_naam", "straatnaam", "huisnummer", "huisletter", "huisnummertoevoeging",
            "postcode", "woonplaats", "land", "adresregel_buitenland_1",
            "adresregel_buitenland_2", "adresregel_buitenland_3",
        )
    }  # fmt: skip
    tegoed = dict(
        Boeking.objects.filter(
            debiteur_id__in=debiteur_ids, vordering__isnull=True, deel=Boekingdeel.TEGOED,
            organisatie=organisatie,
        ).values_list("debiteur_id").annotate(s=Sum("bedrag_incl_btw")).order_by()
    )  # fmt: skip
    delen = _delen(lo, hi)
    aanslagen = set(
        Vorderingsregel.objects.filter(
            vordering_id__gte=lo, vordering_id__lte=hi, vorderingtype__in=_AANSLAGTYPEN
        ).values_list("vordering_id", flat=True)
    )
    termijnen: dict[int, list] = defaultdict(list)
    for vpk, volgnummer, vervaldatum, bedrag in (
        Termijn.objects.filter(vordering_id__gte=lo, vordering_id__lte=hi)
        .order_by("vordering_id", "volgnummer")
        .values_list("vordering_id", "volgnummer", "vervaldatum", "bedrag")
    ):
        termijnen[vpk].append((volgnummer, vervaldatum, bedrag))

    voorstellen: list[Voorstel] = []
    overgeslagen: list[Overgeslagen] = []
    for r in rijen:
        debiteur = debiteuren.get(r["debiteur_id"])
        naam = debiteur.naam if debiteur else ""
        stap, verzuim = _stap_voor(r, debiteur, instelling, datum, termijnen.get(r["pk"], []))
        if stap is None:
            continue
        reden = _blokkade(r, debiteur, instelling, tegoed)
        if reden:
            overgeslagen.append(
                Overgeslagen(r["pk"], r["vorderingnummer"], naam, stap, reden, r["debiteur_id"])
            )
            continue
        delen_v = delen[r["pk"]]
        v = Voorstel(
            vordering_id=r["pk"],
            vorderingnummer=r["vorderingnummer"],
            tsa=r["tsa"],
            debiteur_id=r["debiteur_id"],
            debiteur_naam=naam,
            stap=stap,
            openstaand=r["openstaand_bedrag"],
            betalen_voor=_betalen_voor(instelling, stap, datum),
        )
        if stap == Stap.FACTUUR:
            _factuur(v, r, instelling, termijnen.get(r["pk"], []), datum)
        else:
            _kosten_en_rente(v, r, debiteur, instelling, tabellen, datum, verzuim, delen_v,
                             r["pk"] in aanslagen)  # fmt: skip
        voorstellen.append(v)
    return voorstellen, overgeslagen, debiteuren


def _verzuimdatum(r, termijnen) -> dt.date | None:
    """From when the claim is overdue. EV: the whole claim's due date (the last termijn's when
    termijnen exist); TV: the due date of the earliest termijn not covered by what was paid."""
    datums = [t[1] for t in termijnen if t[1] is not None]
    if r["invorderingsregime"] == Invorderingsregime.TERMIJNVERVOLGING and termijnen:
        betaald = r["totaalbedrag_incl_btw"] - r["openstaand_bedrag"]
        cumulatief = 0
        for _, vervaldatum, bedrag in termijnen:
            cumulatief += bedrag or 0
            if cumulatief > betaald and vervaldatum is not None:
                return vervaldatum
        return r["vervaldatum"]
    if datums:
        return max([*datums, r["vervaldatum"]] if r["vervaldatum"] else datums)
    return r["vervaldatum"]


def _stap_voor(r, debiteur, instelling, datum, termijnen) -> tuple[str | None, dt.date | None]:
    huidig = r["invorderingsstap"]
    if not huidig and not r["indicator_factuur_uitgestuurd"]:
        # The TSA did not send an invoice: ours is the first step (then the track starts).
        return Stap.FACTUUR, None
    verzuim = _verzuimdatum(r, termijnen)
    if verzuim is None or verzuim >= datum:
        return None, None
    soort = debiteur.soort if debiteur else Debiteursoort.NATUURLIJK_PERSOON
    track = _track(r["publiekrechtelijk"], soort, instelling.herinnering_na_dagen is not None)
    volgende = _volgende(track, huidig)
    if volgende is None:
        return None, None
    basis = r["stap_datum"] if huidig not in ("", Stap.FACTUUR) else verzuim
    if huidig == Stap.FACTUUR and r["stap_datum"] and r["stap_datum"] > verzuim:
        basis = r["stap_datum"]
    if basis + dt.timedelta(days=_wachttijd(instelling, huidig)) >= datum:
        return None, None
    return volgende, verzuim


def _blokkade(r, debiteur, instelling, tegoed) -> str:
    if r["debiteur_id"] is None:
        return Overslaan.GEEN_DEBITEUR
    if r["b_regeling"]:
        return Overslaan.REGELING
    if r["b_opschorting"]:
        return Overslaan.OPGESCHORT
    if r["b_afboeking"]:
        return Overslaan.AFBOEKING
    if r["b_betaling"]:
        return Overslaan.ONVERWERKTE_BETALING
    if -tegoed.get(r["debiteur_id"], 0) >= r["openstaand_bedrag"]:
        return Overslaan.TEGOED
    if r["openstaand_bedrag"] < instelling.minimum_bedrag:
        return Overslaan.MINIMUM
    if debiteur.adresstatus in ADRES_IN_ONDERZOEK:
        return Overslaan.adres_in_onderzoek(debiteur.adresstatus)
    if not _brief_adresregels(debiteur):
        return Overslaan.GEEN_ADRES
    return ""


def _factuur(v: Voorstel, r, instelling, termijnen, datum: dt.date) -> None:
    # Our invoice is dated today: the payment term (Invorderingswet art. 9 for an aanslag) runs
    # from its dagtekening, so a due date the TSA gave that is earlier is moved, never kept in
    # the past.
    basis = datum
    termijn = vervaldatum_afleiden(
        publiekrechtelijk=r["publiekrechtelijk"],
        basisdatum=basis,
        maanden_publiek=instelling.publiek_betaaltermijn_maanden,
        dagen_privaat=instelling.privaat_betaaltermijn_dagen,
    )
    v.vervaldatum = max(r["vervaldatum"], termijn) if r["vervaldatum"] else termijn
    v.betalen_voor = v.vervaldatum
    if (
        not termijnen
        and r["publiekrechtelijk"]
        and r["machtiging_id"]
        and r["machtiging__status"] == MachtigingStatus.ACTIEF
        and instelling.incasso_termijnen > 1
    ):
        # An aanslag paid by direct debit: monthly termijnen, the first a month after the
        # dagtekening, the last on the due date or later.
        v.termijnen = termijnen_verdelen(
            totaal=r["openstaand_bedrag"],
            eerste_vervaldatum=maanden_erbij(basis, 1),
            aantal=instelling.incasso_termijnen,
        )
        v.vervaldatum = v.termijnen[-1][1]
        v.betalen_voor = v.termijnen[0][1]
        v.toelichting = f"{len(v.termijnen)} termijnen via automatische incasso"


def _kosten_en_rente(v, r, debiteur, instelling, tabellen, datum, verzuim, delen, is_aanslag):
    hoofdsom = max(0, delen["hoofdsom"])
    if r["publiekrechtelijk"]:
        if v.stap == Stap.AANMANING:
            v.kostensoort = (
                Kostensoort.AANMANING_KOSTENWET if is_aanslag else Kostensoort.AANMANING_AWB
            )
            tarief = tabellen.kosten.get(v.kostensoort)
            v.kosten = kostenwet_kosten(tarief, hoofdsom) if tarief else 0
        elif v.stap == Stap.DWANGBEVEL:
            v.kostensoort = Kostensoort.DWANGBEVEL
            tarief = tabellen.kosten.get(v.kostensoort)
            v.kosten = kostenwet_kosten(tarief, r["openstaand_bedrag"]) if tarief else 0
    elif tabellen.wik is not None:
        wik = wik_kosten(tabellen.wik, hoofdsom)
        if v.stap == Stap.VEERTIENDAGENBRIEF:
            v.aangekondigde_kosten = wik
        elif v.stap == Stap.EXTERN:
            v.kostensoort, v.kosten = "wik", wik
    if v.stap == Stap.HERINNERING or not instelling.rente_berekenen:
        return  # a herinnering is free of costs and interest
    if r["publiekrechtelijk"]:
        v.rentesoort = Rentesoort.INVORDERINGSRENTE
    elif debiteur.soort == Debiteursoort.NATUURLIJK_PERSOON:
        v.rentesoort = Rentesoort.WETTELIJKE_RENTE
    else:
        v.rentesoort = Rentesoort.HANDELSRENTE
    # Interest on the open principal from the day after the due date, or from where it was
    # booked up to before; earlier booked interest is not charged again.
    v.rente_van = max(verzuim, r["rente_tot"]) if r["rente_tot"] else verzuim
    v.rente, v.rente_rest = rente_met_rest(
        hoofdsom, v.rente_van, datum, tabellen.rente.get(v.rentesoort, []), r["rente_rest"]
    )


# --- execution -------------------------------------------------------------------------------


@dataclass
class Resultaat:
    run: Invorderingsrun
    plan: Plan

    @property
    def aantal(self) -> int:
        return len(self.plan.voorstellen)


def _run_openen(
    *, organisatie: Organisatie, datum: dt.date, door: str, forceer: bool, run=None,
    adressen: bool = True, adres_melding: str = "",
) -> Invorderingsrun:  # fmt: skip
    """Check the statements, refresh the addresses (``adressen``; else ``adres_melding`` says
    how the tasks that refreshed them fared) and record the run (new, or the approved preview)
    as started, or as refused with the reasons (RunGeweigerd) unless ``forceer``."""
    melding = afschrift_check(organisatie, datum)
    if adressen and (forceer or not melding):
        # A run refused for its statements asks nothing of the BRP.
        adres_melding = adressen_refresh_all(organisatie=organisatie, datum=datum, door=door)
        if adres_melding and forceer:
            adres_melding += " Geforceerd: de brieven gaan naar de laatst bekende adressen."
    melding = _meldingen(melding, adres_melding)
    if run is None:
        run = Invorderingsrun(organisatie=organisatie, datum=datum, aangemaakt_door=door)
    run.melding = melding
    if melding and not forceer:
        run.status = RunStatus.GEWEIGERD
        run.save()
        raise RunGeweigerd(melding)
    run.status, run.geforceerd, run.uitgevoerd_door = RunStatus.BEZIG, bool(melding), door
    run.save()
    return run


def invorderingsrun_execute(
    *, organisatie: Organisatie, datum: dt.date, door: str, forceer: bool = False,
    run: Invorderingsrun | None = None, adressen: bool = True, adres_melding: str = "",
) -> Resultaat:  # fmt: skip
    """The real run. Refreshes the debtors' addresses first (unless ``adressen`` is False: the
    tasks of an approved run did that, ``adres_melding`` is their outcome). Refuses when the
    statements are not current or the BRP/KvK does not answer (unless ``forceer``). Each batch
    of claims is one transaction: a claim gets its whole step (costs, interest, letter,
    status, history) or nothing, and a run broken off halfway is completed by running again.
    """
    run = _run_openen(
        organisatie=organisatie, datum=datum, door=door, forceer=forceer, run=run,
        adressen=adressen, adres_melding=adres_melding,
    )  # fmt: skip
    tabellen = tabellen_load(datum)
    instelling = invorderingsinstelling_get(organisatie)
    plan = Plan(organisatie, datum, afschrift_melding=run.melding)
    afzender = organisatie_gegevens(organisatie)
    try:
        for ids in _batches(_kandidaat_ids(organisatie, datum)):
            with transaction.atomic():
                voorstellen, overgeslagen, debiteuren = _plan_batch(
                    organisatie, instelling, tabellen, datum, ids, lock=True
                )
                _execute_batch(run, organisatie, afzender, datum, voorstellen, debiteuren, door)
            plan.voorstellen.extend(voorstellen)
            plan.overgeslagen.extend(overgeslagen)
    except Exception as exc:
        run.status = RunStatus.MISLUKT
        run.melding = f"{run.melding}\nAfgebroken: {exc}".strip()
        run.samenvatting = plan.samenvatting()
        run.save(update_fields=["status", "melding", "samenvatting"])
        raise
    run.status = RunStatus.UITGEVOERD
    run.samenvatting = plan.samenvatting()
    run.uitgevoerd_op = timezone.now()
    run.save(update_fields=["status", "samenvatting", "uitgevoerd_op"])
    return Resultaat(run, plan)


_STAP_VELDEN = ("vordering_id", "run_id", "stap", "datum", "openstaand", "kosten", "rente",
                "betalen_voor", "toelichting", "door")  # fmt: skip
_BRIEF_VELDEN = ("organisatie_id", "debiteur_id", "vordering_id", "stap_id", "soort", "datum",
                 "gegevens", "adres_id")  # fmt: skip
_RENTE_TEKST = {
    Rentesoort.INVORDERINGSRENTE: "Invorderingsrente",
    Rentesoort.WETTELIJKE_RENTE: "Wettelijke rente",
    Rentesoort.HANDELSRENTE: "Wettelijke handelsrente",
}
_STATUS_NA = {
    Stap.FACTUUR: VorderingStatus.VERSTUURD,
    Stap.DWANGBEVEL: VorderingStatus.EXTERN,
    Stap.EXTERN: VorderingStatus.EXTERN,
}


def _execute_batch(
    run, organisatie, afzender, datum, voorstellen: list[Voorstel], debiteuren, door
):
    if not voorstellen:
        return
    per_pk = {v.vordering_id: v for v in voorstellen}
    vorderingen = {
        o.pk: o
        for o in Vordering.objects.filter(pk__in=per_pk).only(
            "organisatie_id", "tsa", "vorderingnummer", "factuurnummer", "factuurdatum",
            "vervaldatum", "algemene_factuuromschrijving", "totaalbedrag_incl_btw",
            "openstaand_bedrag", "debiteur_id", "publiekrechtelijk",
        )
    }  # fmt: skip
    regels: dict[int, list] = defaultdict(list)
    facturen = [pk for pk, v in per_pk.items() if v.stap == Stap.FACTUUR]
    for regel in Vorderingsregel.objects.filter(vordering_id__in=facturen).only(
        "vordering_id", "vorderingomschrijving", "bedrag_incl_btw"
    ):
        regels[regel.vordering_id].append(regel)
    # Due dates and termijnen the invoice fixes.
    nieuwe_verval = [
        (v.vordering_id, v.vervaldatum)
        for v in voorstellen
        if v.stap == Stap.FACTUUR and v.vervaldatum != vorderingen[v.vordering_id].vervaldatum
    ]
    update_per_pk(Vordering, "vervaldatum", nieuwe_verval)
    for pk, datum_nieuw in nieuwe_verval:
        vorderingen[pk].vervaldatum = datum_nieuw
    bulk_insert(
        Termijn(vordering_id=v.vordering_id, volgnummer=n, datum=d, vervaldatum=d, bedrag=b)
        for v in voorstellen
        for n, d, b in v.termijnen
    )

    boekingen = []
    for v in voorstellen:
        basis = {"organisatie_id": organisatie.pk, "vordering_id": v.vordering_id,
                 "boekdatum": datum, "bedrag_btw": 0, "door": door}  # fmt: skip
        if v.kosten:
            boekingen.append({
                **basis, "soort": Boekingsoort.KOSTEN.value, "bedrag_incl_btw": v.kosten,
                "bedrag_excl_btw": v.kosten, "boekingssleutel": SLEUTEL_KOSTEN[v.kostensoort],
                "omschrijving": f"Kosten {_ONDERWERP[v.stap].lower()}",
            })  # fmt: skip
        if v.rente:
            boekingen.append({
                **basis, "soort": Boekingsoort.RENTE.value, "bedrag_incl_btw": v.rente,
                "bedrag_excl_btw": v.rente, "boekingssleutel": SLEUTEL_RENTE[v.rentesoort],
                "omschrijving": f"Rente {v.rente_van:%d-%m-%Y} t/m {datum:%d-%m-%Y}",
            })  # fmt: skip
    boekingen_create(boekingen=boekingen)

    stap_ids = rijen_insert(
        Invorderingsstap,
        _STAP_VELDEN,
        [
            (v.vordering_id, run.pk, v.stap, datum, v.openstaand, v.kosten, v.rente,
             v.betalen_voor, v.toelichting[:500], door)
            for v in voorstellen
        ],
        met_pks=True,
    )  # fmt: skip

    brieven = []
    for v, stap_id in zip(voorstellen, stap_ids, strict=True):
        vordering = vorderingen[v.vordering_id]
        debiteur = debiteuren[v.debiteur_id]
        gegevens = _stap_brief_gegevens(
            v, vordering, debiteur, afzender, datum, regels.get(v.vordering_id, [])
        )
        brieven.append((organisatie.pk, v.debiteur_id, v.vordering_id, stap_id,
                        _BRIEF[v.stap].value, datum, gegevens, debiteur.brief_adres_id))  # fmt: skip
    brieven_rijen_create(velden=_BRIEF_VELDEN, rijen=brieven)

    # The collection state on the claim, one UPDATE per step and per interest date.
    _stand_bijwerken(voorstellen, datum)

    # Status INV (or VRS/EXT) with history; the outbox pushes it to the TSA.
    wijzigingen = [
        StatusWijziging(
            vorderingen[v.vordering_id],
            _STATUS_NA.get(v.stap, VorderingStatus.INVORDERING),
            opmerkingen=_ONDERWERP[v.stap],
        )
        for v in voorstellen
    ]
    vorderingen_status_set(wijzigingen=wijzigingen, door=door)


def _stap_brief_gegevens(v: Voorstel, vordering, debiteur, afzender: dict, datum, regels):
    """The frozen data of the letter a step sends; the run and the sample letter of the
    confirmation (invorderingsrun_voorbeeldbrief) share it, so the sample is the letter."""
    vordering.openstaand_bedrag = v.totaal
    gegevens_v = vordering_gegevens(vordering, regels=regels)
    return brief_gegevens(
        soort=_BRIEF[v.stap], datum=datum,
        onderwerp=f"{_ONDERWERP[v.stap]} {vordering.factuurkenmerk}",
        organisatie=afzender, debiteur=debiteur_gegevens(debiteur),
        vorderingen=[gegevens_v], kosten=v.kosten or v.aangekondigde_kosten,
        rente=v.rente, totaal=v.totaal,
        betalen_voor=v.betalen_voor, kosten_omschrijving=_kosten_tekst(v),
        publiekrechtelijk=vordering.publiekrechtelijk,
        rente_omschrijving=_RENTE_TEKST.get(v.rentesoort, ""),
        regeling={"betaalwijze": "incasso", "termijnen": [
            {"volgnummer": n, "vervaldatum": d.isoformat(), "bedrag": b}
            for n, d, b in v.termijnen]} if v.termijnen else None,
    )  # fmt: skip


def _stand_bijwerken(voorstellen: list[Voorstel], datum: dt.date) -> None:
    """Step, step date and interest date of every claim of the batch. On PostgreSQL one UPDATE
    from arrays (unnest): no placeholder per key, and each row is rewritten once."""
    if connection.vendor != "postgresql":
        per_stap: dict[str, list[int]] = defaultdict(list)
        for v in voorstellen:
            per_stap[v.stap].append(v.vordering_id)
        for stap, pks in per_stap.items():
            Vordering.objects.filter(pk__in=pks).update(invorderingsstap=stap, stap_datum=datum)
        met_rente = [v for v in voorstellen if v.rentesoort]
        Vordering.objects.filter(pk__in=[v.vordering_id for v in met_rente]).update(rente_tot=datum)
        update_per_pk(Vordering, "rente_rest", [(v.vordering_id, v.rente_rest) for v in met_rente])
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE inningen_vordering AS v
               SET invorderingsstap = d.stap, stap_datum = %s,
                   rente_tot = CASE WHEN d.rente THEN %s ELSE v.rente_tot END,
                   rente_rest = CASE WHEN d.rente THEN d.rest ELSE v.rente_rest END
               FROM unnest(%s::bigint[], %s::text[], %s::boolean[], %s::bigint[])
                    AS d(id, stap, rente, rest)
               WHERE v.id = d.id""",
            [
                datum,
                datum,
                [v.vordering_id for v in voorstellen],
                [v.stap for v in voorstellen],
                [bool(v.rentesoort) for v in voorstellen],
                [v.rente_rest for v in voorstellen],
            ],
        )


def _kosten_tekst(v: Voorstel) -> str:
    if v.stap == Stap.VEERTIENDAGENBRIEF:
        return "Buitengerechtelijke incassokosten (bij niet tijdig betalen)"
    return {
        Kostensoort.AANMANING_KOSTENWET: "Kosten aanmaning (Kostenwet invordering rijksbelastingen)",
        Kostensoort.AANMANING_AWB: "Vergoeding aanmaning (Awb art. 4:113)",
        Kostensoort.DWANGBEVEL: "Kosten dwangbevel (Kostenwet invordering rijksbelastingen)",
        "wik": "Buitengerechtelijke incassokosten",
    }.get(v.kostensoort, "")


# --- previews, approval and the daily run ----------------------------------------------------


def invorderingsrun_propose(
    *, organisatie: Organisatie, datum: dt.date, door: str
) -> Invorderingsrun:
    """A preview (dry run) stored for approval; it replaces any earlier open preview. The
    addresses are refreshed first (outside the transaction: no lock held while the BRP
    answers), so the preview shows who gets no letter because of their address."""
    plan = invordering_plan(organisatie=organisatie, datum=datum, adressen=True, door=door)
    with transaction.atomic():
        Invorderingsrun.objects.filter(organisatie=organisatie, status=RunStatus.VOORSTEL).update(
            status=RunStatus.VERVANGEN
        )
        return Invorderingsrun.objects.create(
            organisatie=organisatie,
            datum=datum,
            status=RunStatus.VOORSTEL,
            samenvatting=plan.samenvatting(),
            melding=plan.melding,
            aangemaakt_door=door,
        )


class GoedkeuringFout(Exception):
    """The proposal cannot be approved (message for the user)."""


# The figures of a preview the confirmation states; the approval must name the same.
_KENMERK_VELDEN = ("datum", "aantal", "debiteuren", "brieven", "openstaand", "kosten", "rente",
                   "per_stap", "overgeslagen", "aantal_overgeslagen", "afschrift_melding",
                   "adres_melding")  # fmt: skip


def run_kenmerk(run: Invorderingsrun) -> str:
    """A fingerprint of what the confirmation showed: the run and its figures. An approval that
    carries another fingerprint approved something other than what is there now."""
    s = run.samenvatting or {}
    inhoud = json.dumps(
        [run.pk, run.melding, {k: s.get(k) for k in _KENMERK_VELDEN}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(inhoud.encode()).hexdigest()[:32]


@transaction.atomic
def invorderingsrun_approve(
    *, run: Invorderingsrun, door: str, forceer: bool = False, kenmerk: str | None = None
):
    """Approve a preview: the run is executed by a task (tens of thousands of claims do not fit
    in a web request). The execution re-plans, so whoever paid since the preview gets nothing.
    ``kenmerk``: the run_kenmerk of the confirmation the user saw (the screens always pass it);
    when the preview differs from it, nothing is approved."""
    run = Invorderingsrun.objects.select_for_update().get(pk=run.pk)
    if run.status == RunStatus.VERVANGEN:
        raise GoedkeuringFout(
            "Er is intussen een nieuwer voorbeeld van deze run gemaakt; dit voorbeeld is "
            "vervangen. Bekijk het nieuwe voorbeeld en keur dat goed."
        )
    if run.status != RunStatus.VOORSTEL:
        raise GoedkeuringFout(
            f"Deze run is niet (meer) goed te keuren: {run.get_status_display()}."
        )
    if door and door == run.aangemaakt_door:
        # Four eyes: a run sends letters and adds costs to thousands of claims; the planner's
        # morning preview (made by nobody in particular) may be approved by any invorderaar.
        raise GoedkeuringFout(
            "Vier ogen: u maakte dit voorbeeld zelf. Een andere invorderaar keurt het goed."
        )
    vandaag = timezone.localdate()
    if run.datum != vandaag:
        # Letters carry the run date and their payment terms run from it: a preview of another
        # day would send backdated (or future-dated) aanmaningen.
        raise GoedkeuringFout(
            f"Dit voorbeeld rekent met {run.datum:%d-%m-%Y}; alleen een voorbeeld van vandaag "
            f"({vandaag:%d-%m-%Y}) kan worden uitgevoerd. Maak een nieuw voorbeeld."
        )
    if kenmerk is not None and kenmerk != run_kenmerk(run):
        raise GoedkeuringFout(
            "Het voorbeeld is gewijzigd sinds u de bevestiging opende (andere aantallen of "
            "bedragen). Er is niets goedgekeurd; controleer de bevestiging opnieuw."
        )
    if run.melding and not forceer:
        raise GoedkeuringFout(
            f"{run.melding} Los dit eerst op (lees het afschrift in, wacht tot de BRP weer "
            "antwoordt en maak een nieuw voorbeeld), of kies bewust voor forceren."
        )
    run.status = RunStatus.GOEDGEKEURD
    run.geforceerd = bool(run.melding)
    run.uitgevoerd_door = door
    run.save(update_fields=["status", "geforceerd", "uitgevoerd_door"])
    from inningen.invordering.tasks import invorderingsrun_adressen, invorderingsrun_uitvoeren

    if adressen_geconfigureerd():
        # The addresses first, a block per task; the last block queues the execution.
        na_commit(lambda: invorderingsrun_adressen.delay(run.pk, 0), wat="invorderingsrun")
    else:
        na_commit(lambda: invorderingsrun_uitvoeren.delay(run.pk), wat="invorderingsrun")
    return run


def invorderingsrun_voorbeeldbrief(*, run: Invorderingsrun, stap: str, mag_geheim: bool = False):
    """A sample of the letter a step of this preview sends: (gegevens, debiteur) or None.

    The first claims of the step in the preview are planned again (reads only) and the letter
    is built as the run builds it (_stap_brief_gegevens); nothing is stored. A debtor under BRP
    geheimhouding is passed over unless ``mag_geheim``: the letter prints the address."""
    kandidaten = [
        v["vordering_id"] for v in (run.samenvatting or {}).get("voorbeelden", [])
        if v.get("stap") == stap and v.get("debiteur_id")
    ][:20]  # fmt: skip
    if not kandidaten:
        return None
    organisatie, datum = run.organisatie, run.datum
    tabellen = tabellen_load(datum)
    instelling = invorderingsinstelling_get(organisatie)
    geheim = set(
        Debiteur.objects.filter(vorderingen__pk__in=kandidaten, geheimhouding=True).values_list(
            "vorderingen__pk", flat=True
        )
    )
    afzender = None
    for pk in kandidaten:
        if pk in geheim and not mag_geheim:
            continue
        voorstellen, _, debiteuren = _plan_batch(organisatie, instelling, tabellen, datum, [pk])
        v = next((v for v in voorstellen if v.stap == stap), None)
        if v is None:
            continue  # paid or blocked since the preview: the next one
        vordering = Vordering.objects.get(pk=pk)
        regels = list(vordering.regels.all()) if stap == Stap.FACTUUR else []
        afzender = afzender or organisatie_gegevens(organisatie)
        debiteur = debiteuren[v.debiteur_id]
        return _stap_brief_gegevens(v, vordering, debiteur, afzender, datum, regels), debiteur
    return None


@dataclass(frozen=True)
class AdressenVervolg:
    """What the task does after a block: queue the next one, or the execution, or nothing."""

    volgende: int | None = None
    uitvoeren: bool = False


def invorderingsrun_adressen_refresh(*, run_id: int, vanaf: int) -> AdressenVervolg:
    """The body of task invorderingsrun_adressen: refresh one block of an approved run's
    debtors. Progress is kept in ``samenvatting["adressen"]`` ({vanaf, klaar, melding}), so a
    redelivered task continues where the run is and a duplicate does nothing twice. A BRP/KvK
    that does not answer refuses the run, unless it was forced: then the last known
    addresses are used and the message says so."""
    from inningen.invordering.services.adressen import AdressenNietBeschikbaar

    run = Invorderingsrun.objects.select_related("organisatie").filter(pk=run_id).first()
    if run is None or run.status != RunStatus.GOEDGEKEURD:
        return AdressenVervolg()  # executed, refused or taken by another delivery meanwhile
    samenvatting = dict(run.samenvatting or {})
    stand = dict(samenvatting.get("adressen") or {})
    if stand.get("klaar"):
        return AdressenVervolg(uitvoeren=True)  # the execution claims the run only once
    vanaf = max(vanaf, stand.get("vanaf", 0))
    try:
        volgende = _adressen_blok(run.organisatie, run.datum, vanaf, run.uitgevoerd_door)
    except AdressenNietBeschikbaar as exc:
        if not run.geforceerd:
            run.status = RunStatus.GEWEIGERD
            run.melding = _meldingen(run.melding, _adres_melding(exc))
            run.save(update_fields=["status", "melding"])
            return AdressenVervolg()
        stand.update(klaar=True, melding=_adres_melding(exc, geforceerd=True))
        volgende = None
    else:
        stand.update(vanaf=volgende if volgende is not None else vanaf, klaar=volgende is None)
    samenvatting["adressen"] = stand
    Invorderingsrun.objects.filter(pk=run.pk, status=RunStatus.GOEDGEKEURD).update(
        samenvatting=samenvatting
    )
    return AdressenVervolg(volgende=volgende, uitvoeren=volgende is None)


def invorderingsrun_approved_execute(*, run_id: int) -> Invorderingsrun | None:
    """The task's body: execute an approved run once (a redelivered task finds it done)."""
    # Claim the run: only one delivery of the task (acks_late may redeliver) executes it.
    if not Invorderingsrun.objects.filter(pk=run_id, status=RunStatus.GOEDGEKEURD).update(
        status=RunStatus.BEZIG
    ):
        return Invorderingsrun.objects.filter(pk=run_id).first()
    run = Invorderingsrun.objects.select_related("organisatie").get(pk=run_id)
    # Refreshed block by block by the tasks before (invorderingsrun_adressen): not again.
    stand = (run.samenvatting or {}).get("adressen") or {}
    with contextlib.suppress(RunGeweigerd):  # a refusal is recorded on the run itself
        invorderingsrun_execute(
            organisatie=run.organisatie, datum=run.datum, door=run.uitgevoerd_door,
            forceer=run.geforceerd, run=run, adressen=not stand.get("klaar"),
            adres_melding=stand.get("melding", ""),
        )  # fmt: skip
    return run


def _run_inplannen(*, organisatie: Organisatie, datum: dt.date, door: str) -> Invorderingsrun:
    """An automatic run with addresses to refresh: approved by the setting and executed by the
    task chain (addresses block by block, then the run), not inside the daily task, whose time
    limit 100,000 BRP lookups would exceed. Refused there like any run (statements, BRP)."""
    from inningen.invordering.tasks import invorderingsrun_adressen

    run = Invorderingsrun.objects.create(
        organisatie=organisatie, datum=datum, status=RunStatus.GOEDGEKEURD,
        aangemaakt_door=door, uitgevoerd_door=door,
    )  # fmt: skip
    na_commit(lambda: invorderingsrun_adressen.delay(run.pk, 0), wat="invorderingsrun")
    run.refresh_from_db()  # without a broker the chain has run by now
    return run


def invordering_run_daily(
    *, datum: dt.date, door: str = "invorderingsrun", organisaties=None
) -> list[Invorderingsrun]:
    """The daily beat: per organisation, monitor regelingen (a lapsed one resumes normal
    collection today), then run directly or leave a preview for approval (the setting)."""
    from inningen.invordering.services.regelingen import regelingen_monitor

    runs = []
    for organisatie in organisaties or Organisatie.objects.order_by("pk"):
        try:
            regelingen_monitor(organisatie=organisatie, datum=datum, door=door)
            if invorderingsinstelling_get(organisatie).automatisch_uitvoeren:
                if adressen_geconfigureerd():
                    runs.append(_run_inplannen(organisatie=organisatie, datum=datum, door=door))
                    continue
                try:
                    resultaat = invorderingsrun_execute(
                        organisatie=organisatie, datum=datum, door=door
                    )
                    runs.append(resultaat.run)
                except RunGeweigerd:
                    runs.append(Invorderingsrun.objects.filter(organisatie=organisatie).first())
            else:
                runs.append(
                    invorderingsrun_propose(organisatie=organisatie, datum=datum, door=door)
                )
        except Exception:
            # One organisation's failure (recorded on its run when the run itself failed) must
            # not keep the others from being collected.
            logger.exception("Invordering voor %s op %s mislukt", organisatie, datum)
    return runs
