"""Read side of the balie: a debtor's whole position for one user, in a fixed number of
queries whatever the number of claims (no per-claim queries)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from inningen.balie.selectors.ouderdom import OUDERDOM
from inningen.balie.selectors.tegoed import tegoed_van_debiteur
from inningen.bedragen import euro
from inningen.choices import (
    AFGESLOTEN_STATUSSEN,
    BETAALSOORTEN,
    Boekingdeel,
    Boekingsoort,
    RegelingStatus,
    VorderingStatus,
)
from inningen.debiteuren.models import (
    ADRES_IN_ONDERZOEK,
    Adresbron,
    Debiteur,
    DebiteurAdres,
    Machtiging,
    Notitie,
)
from inningen.grootboek.models import Boeking, Termijn, Vordering, Vorderingstatus
from inningen.invordering.models import (
    Afboekingsvoorstel,
    Betalingsregeling,
    Brief,
    Invorderingsstap,
)
from inningen.invordering.selectors.blokkades import actieve_opschortingen
from inningen.invordering.selectors.brieven import brieven_for_debiteur
from inningen.invordering.selectors.regelingen import (
    opschortingen_van_debiteur,
    regelingen_van_debiteur,
)
from inningen.invordering.services.adres_overnemen import adresbron_voor
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisaties_for_user
from stuffin.models import UitgaandBericht

# What the position page shows: loading only these keeps 200 claims cheap to build.
VORDERING_VELDEN = (
    "organisatie_id", "debiteur_id", "tsa", "vorderingnummer", "factuurnummer", "creatiedatum",
    "factuurdatum", "vervaldatum", "algemene_factuuromschrijving", "totaalbedrag_incl_btw",
    "status", "openstaand_bedrag",
)  # fmt: skip
BOEKING_VELDEN = (
    "vordering_id", "termijn_id", "soort", "boekdatum", "bedrag_incl_btw", "omschrijving",
    "deel", "door", "betaling__boekdatum", "betaling__naam", "betaling__bedrag",
)  # fmt: skip

TIJDLIJN_STANDAARD = 100
# Letters linked per address in the address history; the rest are under Correspondentie.
BRIEVEN_PER_ADRES = 5
AFGESCHERMD_BRP = "Adres afgeschermd (geheimhouding BRP)"
AFGESCHERMD_KVK = "Adres afgeschermd (Handelsregister)"


@dataclass(slots=True)
class Gebeurtenis:
    wanneer: dt.datetime | dt.date
    soort: str  # status, boeking, notitie, bericht
    omschrijving: str
    vordering: Vordering | None = None
    bedrag: int | None = None
    door: str = ""


@dataclass(slots=True)
class Ouderdom:
    """One ageing bucket of the summary: open claims by days past their due date."""

    label: str
    tot_dagen: int | None  # inclusive upper bound; None: no bound
    bedrag: int = 0
    aantal: int = 0


@dataclass
class Samenvatting:
    """The top of the debtor page, over all claims of the user's organisations (not the
    filtered list): what the balie says first in a counter conversation."""

    openstaand: int
    aantal_open: int
    achterstallig: int
    aantal_achterstallig: int
    tegoed: int
    in_regeling: int
    aantal_in_regeling: int
    niet_vervallen: Ouderdom
    ouderdom: list[Ouderdom]


@dataclass
class Positie:
    debiteur: Debiteur
    vorderingen: list[Vordering]
    machtigingen: list[Machtiging]
    notities: list[Notitie]
    organisaties: list[Organisatie]
    tegoed: int
    uitgaand: list = field(default_factory=list)
    stappen: list[Invorderingsstap] = field(default_factory=list)
    tijdlijn: list[Gebeurtenis] = field(default_factory=list)
    tijdlijn_totaal: int = 0
    adressen: list[DebiteurAdres] = field(default_factory=list)
    # Letters sent to the debtor's own (TSA) fields, before or without a DebiteurAdres.
    brieven_tsa_adres: list[Brief] = field(default_factory=list)
    brieven_tsa_eerste: list[Brief] = field(default_factory=list)
    adres_afgeschermd: str = ""
    """Why the address is not shown to this user (geheimhouding), "" when it is shown."""
    adresbron: str | None = None
    """The source the balie can ask about this debtor now (BRP/KvK configured), or None."""
    in_regeling: set[int] = field(default_factory=set)
    """Claims in an active betalingsregeling."""
    regelingen: list[Betalingsregeling] = field(default_factory=list)
    opschortingen: list = field(default_factory=list)
    tegoeden: list = field(default_factory=list)
    """Per organisation: credit and refunds (balie.selectors.tegoed)."""
    tijdlijn_geladen: bool = False
    brieven: list[Brief] = field(default_factory=list)
    """The debtor's letters of the user's organisations, newest first (Correspondentie)."""

    @property
    def adres_in_onderzoek(self) -> bool:
        return self.debiteur.adresstatus in ADRES_IN_ONDERZOEK

    @property
    def openstaand(self) -> int:
        return sum(v.openstaand_bedrag for v in self.vorderingen if v.openstaand_bedrag > 0)

    @property
    def achterstallig(self) -> int:
        return sum(v.openstaand_bedrag for v in self.vorderingen if v.is_achterstallig)

    @property
    def credit(self) -> int:
        """Credit balance: credit notes not yet settled plus the debtor's tegoed."""
        return self.tegoed - sum(
            v.openstaand_bedrag for v in self.vorderingen if v.openstaand_bedrag < 0
        )

    @property
    def saldo(self) -> int:
        return self.openstaand - self.credit

    @property
    def heeft_betalingen(self) -> bool:
        return any(v.betalingen for v in self.vorderingen)

    @property
    def heeft_termijnen(self) -> bool:
        return any(v.termijnlijst for v in self.vorderingen)

    @property
    def aantal_open(self) -> int:
        return sum(1 for v in self.vorderingen if v.openstaand_bedrag > 0 and not v.is_afgesloten)

    def samenvatting(self) -> Samenvatting:
        """Totals and ageing from the claims already loaded: no query, whatever their number."""
        vandaag = timezone.localdate()
        niet_vervallen = Ouderdom("niet vervallen", None)  # not yet due, or no due date
        ouderdom = [Ouderdom(label, tot) for label, _van, tot in OUDERDOM]
        in_regeling = aantal_in_regeling = aantal_achterstallig = 0
        for v in self.vorderingen:
            if v.openstaand_bedrag <= 0 or v.status in AFGESLOTEN_STATUSSEN:
                continue
            if v.pk in self.in_regeling:
                in_regeling += v.openstaand_bedrag
                aantal_in_regeling += 1
            if not v.is_achterstallig:
                vak = niet_vervallen
            else:
                aantal_achterstallig += 1
                dagen = (vandaag - v.vervaldatum).days
                vak = next(o for o in ouderdom if o.tot_dagen is None or dagen <= o.tot_dagen)
            vak.bedrag += v.openstaand_bedrag
            vak.aantal += 1
        return Samenvatting(
            openstaand=self.openstaand,
            aantal_open=self.aantal_open,
            achterstallig=self.achterstallig,
            aantal_achterstallig=aantal_achterstallig,
            tegoed=self.credit,
            in_regeling=in_regeling,
            aantal_in_regeling=aantal_in_regeling,
            niet_vervallen=niet_vervallen,
            ouderdom=ouderdom,
        )

    def filter_opties(self) -> dict[str, list[tuple[str, str]]]:
        """The choices of the claim filter: only values this debtor's claims have."""
        organisaties = {str(v.organisatie_id): v.organisatie.naam for v in self.vorderingen}
        tsas = {v.tsa: v.tsa for v in self.vorderingen if v.tsa}
        statussen = {v.status: v.status_label for v in self.vorderingen}
        return {
            "organisatie": sorted(organisaties.items(), key=lambda kv: kv[1]),
            "tsa": sorted(tsas.items()),
            "status": sorted(statussen.items(), key=lambda kv: kv[1]),
        }

    def gefilterd(
        self, *, alleen_open: bool = True, organisatie: str = "", tsa: str = "", status: str = ""
    ) -> list[Vordering]:
        """The claims table: open only means an amount still to settle (a credit note not yet
        settled counts too), whatever the status."""
        return [
            v
            for v in self.vorderingen
            if (not alleen_open or v.openstaand_bedrag != 0)
            and (not organisatie or str(v.organisatie_id) == organisatie)
            and (not tsa or v.tsa == tsa)
            and (not status or v.status == status)
        ]


def termijnen_stand(termijnen, boekingen) -> None:
    """Give every termijn ``betaald`` and ``open``: the same rule as matching a payment
    (betalingen.services.betalingen), open = termijnbedrag + the bookings on the termijn."""
    per_termijn: dict[int, int] = {}
    for b in boekingen:
        if b.termijn_id is not None:
            per_termijn[b.termijn_id] = per_termijn.get(b.termijn_id, 0) + b.bedrag_incl_btw
    for t in termijnen:
        bedrag = t.bedrag or 0
        t.open = max(0, bedrag + per_termijn.get(t.pk, 0))
        t.betaald = bedrag - t.open


def _markeer(vorderingen, vandaag):
    for v in vorderingen:
        v.is_achterstallig = (
            v.openstaand_bedrag > 0
            and v.status not in AFGESLOTEN_STATUSSEN
            and v.vervaldatum is not None
            and v.vervaldatum < vandaag
        )


def _labels(choices) -> dict[str, str]:
    return {str(waarde): str(label) for waarde, label in choices}


_STATUS = _labels(VorderingStatus.choices)
_BOEKINGSOORT = _labels(Boekingsoort.choices)
_DEEL = _labels(Boekingdeel.choices)


def _per_vordering(rijen) -> dict[int, list]:
    groepen: dict[int, list] = {}
    for rij in rijen:
        groepen.setdefault(rij.vordering_id, []).append(rij)
    return groepen


def debiteur_positie(user, pk, *, tijdlijn: str = "") -> Positie:
    """Everything the balie shows for one debtor, scoped to the user's organisations.

    ``tijdlijn``: "" leaves the timeline out (its statuses and outbox rows are two queries the
    folded section does not need), "ja" the newest TIJDLIJN_STANDAARD events, "alle" all.

    A fixed number of queries whatever the number of claims. Related rows are fetched per
    debtor (joined on the claim) and grouped in Python instead of prefetch_related: no IN-list
    of claim ids to build, no queryset per claim in the template. Display labels and URLs are
    computed here once, not per row in the template.
    """

    organisaties = list(organisaties_for_user(user))
    ids = [o.pk for o in organisaties]
    per_org = {o.pk: o for o in organisaties}
    debiteur = Debiteur.objects.filter(pk=pk).select_related("brief_adres").first()
    vorderingen = (
        list(Vordering.objects.filter(debiteur_id=pk, organisatie_id__in=ids)
             .only(*VORDERING_VELDEN).order_by("-creatiedatum", "-pk"))
        if debiteur is not None else []
    )  # fmt: skip
    if not vorderingen:  # unknown, or no claim of the user's organisations: not found
        raise Http404("Debiteur niet gevonden.")
    scope = {"vordering__debiteur_id": pk, "vordering__organisatie_id__in": ids}
    termijnen = _per_vordering(
        Termijn.objects.filter(**scope).order_by("vordering_id", "volgnummer")
    )
    boekingen = _per_vordering(
        Boeking.objects.filter(**scope)
        .select_related("betaling")
        .only(*BOEKING_VELDEN)
        .order_by("boekdatum", "pk")
    )
    stappen = list(
        Invorderingsstap.objects.filter(**scope).select_related("brief").order_by("-datum", "-pk")
    )
    statussen = (
        _per_vordering(
            Vorderingstatus.objects.filter(**scope)
            .only("vordering_id", "status", "datum_en_tijd", "opmerkingen", "door")
            .order_by("datum_en_tijd", "pk")
        )
        if tijdlijn
        else {}
    )
    url = reverse("balie:vordering", args=[0])[:-2]  # ".../vorderingen/" + pk + "/"
    vandaag = timezone.localdate()
    _markeer(vorderingen, vandaag)
    for v in vorderingen:
        v.organisatie = per_org[v.organisatie_id]
        v.url = f"{url}{v.pk}/"
        v.status_label = _STATUS.get(v.status, v.status)
        v.termijnlijst = termijnen.get(v.pk, [])
        v.boekinglijst = boekingen.get(v.pk, [])
        v.statuslijst = statussen.get(v.pk, [])
        for b in v.boekinglijst:
            b.soort_label = _BOEKINGSOORT.get(b.soort, b.soort)
            b.deel_label = _DEEL.get(b.deel, b.deel)
        for st in v.statuslijst:
            st.status_label = _STATUS.get(st.status, st.status)
        v.betalingen = [b for b in v.boekinglijst if b.soort in BETAALSOORTEN]
        termijnen_stand(v.termijnlijst, v.boekinglijst)
    debiteur.rekeninglijst = list(debiteur.rekeningen.all())
    machtigingen = list(
        Machtiging.objects.filter(debiteur_id=pk, organisatie_id__in=ids).select_related(
            "organisatie"
        )
    )
    notities = list(
        Notitie.objects.filter(debiteur_id=pk, organisatie_id__in=ids).select_related(
            "vordering", "organisatie"
        )
    )
    tegoeden = tegoed_van_debiteur(user, pk)
    per_pk = {v.pk: v for v in vorderingen}
    uitgaand = (
        list(UitgaandBericht.objects.filter(**scope).select_related("vorderingstatus")
             .order_by("-created_at", "-pk"))
        if tijdlijn else []
    )  # fmt: skip
    for u in uitgaand:
        u.vordering = per_pk[u.vordering_id]
    for st in stappen:
        st.vordering = per_pk[st.vordering_id]
    regelingen = regelingen_van_debiteur(user, pk, organisatie_ids=ids)
    in_regeling = {
        v.pk for r in regelingen if r.status == RegelingStatus.ACTIEF for v in r.vorderingen.all()
    }
    positie = Positie(
        debiteur=debiteur,
        in_regeling=in_regeling,
        regelingen=regelingen,
        opschortingen=opschortingen_van_debiteur(user, pk, organisatie_ids=ids),
        tegoeden=tegoeden,
        stappen=stappen,
        vorderingen=vorderingen,
        machtigingen=machtigingen,
        notities=notities,
        organisaties=organisaties,
        tegoed=sum(t.tegoed for t in tegoeden),
        uitgaand=uitgaand,
        adresbron=adresbron_voor(debiteur),
    )
    positie.brieven = brieven_for_debiteur(user, pk)
    _adreshistorie(user, positie, ids)
    if tijdlijn:
        gebeurtenissen = _tijdlijn(positie)
        positie.tijdlijn_geladen = True
        positie.tijdlijn_totaal = len(gebeurtenissen)
        positie.tijdlijn = (
            gebeurtenissen if tijdlijn == "alle" else gebeurtenissen[:TIJDLIJN_STANDAARD]
        )
    return positie


def adres_afgeschermd(user, debiteur: Debiteur, *, extra_geheim: bool = False) -> str:
    """The text shown instead of the debtor's address when it is secret and the user may not
    see it (BRP-geheimhouding, or a shielded KvK address); "" when the address may be shown.
    Letters still use the address: this is only about showing it to staff."""
    if user.has_perm("inningen.bekijken_geheim_adres"):
        return ""
    brief_adres = debiteur.brief_adres
    if brief_adres is not None and brief_adres.geheim and brief_adres.bron == Adresbron.KVK:
        return AFGESCHERMD_KVK
    if debiteur.geheimhouding or extra_geheim or (brief_adres is not None and brief_adres.geheim):
        return AFGESCHERMD_BRP
    return ""


def _adreshistorie(user, positie: Positie, organisatie_ids: list[int]) -> None:
    """The debtor's addresses, newest first, each with the letters of the user's organisations
    sent to it: one query without addresses, two with, whatever the number of letters."""
    debiteur = positie.debiteur
    positie.adres_afgeschermd = adres_afgeschermd(user, debiteur)
    # Every address from the basisregistraties becomes the letter address when it is stored
    # (invordering.services.adressen): without one there is no history to read.
    if debiteur.brief_adres_id is None:
        return
    adressen = list(DebiteurAdres.objects.filter(debiteur_id=debiteur.pk))
    if not adressen:  # then every letter went to the TSA address: Correspondentie lists them
        return
    per_adres: dict[int | None, list[Brief]] = {}
    # The Correspondentie list (same scope and order) is reused: no second query of letters.
    for brief in positie.brieven:
        per_adres.setdefault(brief.adres_id, []).append(brief)
    mag_geheim = user.has_perm("inningen.bekijken_geheim_adres")
    for adres in adressen:
        adres.brieflijst = per_adres.get(adres.pk, [])
        adres.eerste_brieven = adres.brieflijst[:BRIEVEN_PER_ADRES]
        adres.in_gebruik = adres.pk == debiteur.brief_adres_id
        # A debtor with geheimhouding now: older addresses are hidden too.
        adres.afgeschermd = ""
        if not mag_geheim and (positie.adres_afgeschermd or adres.geheim):
            kvk = adres.bron == Adresbron.KVK and not debiteur.geheimhouding
            adres.afgeschermd = AFGESCHERMD_KVK if kvk else AFGESCHERMD_BRP
    positie.adressen = adressen
    positie.brieven_tsa_adres = per_adres.get(None, [])
    positie.brieven_tsa_eerste = positie.brieven_tsa_adres[:BRIEVEN_PER_ADRES]


def _tijdlijn(positie: Positie) -> list[Gebeurtenis]:
    items: list[Gebeurtenis] = []
    for v in positie.vorderingen:
        for s in v.statuslijst:
            tekst = s.status_label
            if s.opmerkingen:
                tekst = f"{tekst}: {s.opmerkingen}"
            items.append(Gebeurtenis(s.datum_en_tijd, "status", tekst, v, door=s.door))
        for b in v.boekinglijst:
            tekst = b.soort_label
            if b.omschrijving:
                tekst = f"{tekst}: {b.omschrijving}"
            items.append(
                Gebeurtenis(b.boekdatum, "boeking", tekst, v, bedrag=b.bedrag_incl_btw, door=b.door)
            )
    per_pk = {v.pk: v for v in positie.vorderingen}
    for n in positie.notities:
        vordering = per_pk.get(n.vordering_id)
        items.append(Gebeurtenis(n.wanneer, "notitie", n.tekst, vordering, door=n.door_naam))
    for st in positie.stappen:
        tekst = st.get_stap_display()
        if st.kosten or st.rente:
            tekst = f"{tekst} (kosten {euro(st.kosten)}, rente {euro(st.rente)})"
        items.append(Gebeurtenis(st.datum, "invordering", tekst, st.vordering, door=st.door))
    for u in positie.uitgaand:
        aan = "aan TSA" if u.koppeling_id else "aan API-client"
        tekst = f"{u.get_soort_display()} {aan}: {u.get_status_display()}"
        if u.foutcode:
            tekst = f"{tekst} ({u.foutcode})"
        items.append(Gebeurtenis(u.created_at, "bericht", tekst, u.vordering))
    dagen: dict = {}

    def sleutel(g: Gebeurtenis) -> float:
        # Timestamps, not aware datetimes: comparing those calls utcoffset() every time.
        w = g.wanneer
        if isinstance(w, dt.datetime):
            return w.timestamp()
        if w not in dagen:  # a boekdatum has no time: the end of that day, local time
            dagen[w] = timezone.make_aware(dt.datetime.combine(w, dt.time(23, 59, 59))).timestamp()
        return dagen[w]

    items.sort(key=sleutel, reverse=True)
    return items


def vordering_for_user(user, pk) -> Vordering:
    """One claim with everything its detail page shows, or 404 outside the user's scope."""
    vordering = (
        Vordering.objects.for_user(user)
        .filter(pk=pk)
        .select_related("organisatie", "debiteur", "machtiging", "organisatorische_eenheid",
                        "heeft_betrekking_op")
        .prefetch_related(
            "regels",
            "btw_totaalregels",
            Prefetch("termijnen", queryset=Termijn.objects.order_by("volgnummer")),
            Prefetch("boekingen", queryset=Boeking.objects.select_related("betaling", "termijn")
                     .order_by("boekdatum", "pk")),
            Prefetch("statussen", queryset=Vorderingstatus.objects.order_by("datum_en_tijd", "pk")),
            Prefetch("invorderingsstappen",
                     queryset=Invorderingsstap.objects.select_related("brief").order_by("datum", "pk")),
            Prefetch("brieven", queryset=Brief.objects.order_by("-datum", "-pk")),
            Prefetch("afboekingsvoorstellen",
                     queryset=Afboekingsvoorstel.objects.select_related(
                         "voorgesteld_door", "beoordeeld_door")),
            "betalingsregelingen",
            "opschortingen",
        )
        .first()
    )  # fmt: skip
    if vordering is None:
        raise Http404("Vordering niet gevonden.")
    vandaag = timezone.localdate()
    _markeer([vordering], vandaag)

    actief = set(
        actieve_opschortingen(vandaag).filter(vordering=vordering).values_list("pk", flat=True)
    )
    for o in vordering.opschortingen.all():
        o.actief = o.pk in actief
    termijnen_stand(vordering.termijnen.all(), vordering.boekingen.all())
    saldo = 0
    for b in vordering.boekingen.all():
        saldo += b.bedrag_incl_btw
        b.saldo_na = saldo
    return vordering
