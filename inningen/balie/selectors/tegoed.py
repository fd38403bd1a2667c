"""The debtor's credit (tegoed) per organisation and its refunds, for the debtor screen and the
refund work list; scoped by the user's organisations."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from inningen.betalingen.models import Betaling, Terugbetaalbestand, Terugbetaling
from inningen.betalingen.selectors import terug_te_betalen
from inningen.choices import Boekingdeel, VoorstelStatus
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Boeking, Vordering
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user, organisaties_for_user


@dataclass
class TegoedBijOrganisatie:
    organisatie: Organisatie
    tegoed: int
    voorgesteld: int = 0
    terugbetalingen: list = field(default_factory=list)

    @property
    def vrij(self) -> int:
        """What can still be offset or proposed for refund."""
        return self.tegoed - self.voorgesteld


def tegoed_van_debiteur(user, debiteur_pk: int) -> list[TegoedBijOrganisatie]:
    """Per organisation of the user where the debtor has credit or refunds: the credit, what is
    proposed for refund, and the refunds. At most two queries (the debtor page has a fixed
    budget): the user's organisations go in as a subquery."""
    orgs = organisaties_for_user(user)
    saldo = {
        pk: (naam, som)
        for pk, naam, som in Boeking.objects.filter(
            organisatie__in=orgs,
            debiteur_id=debiteur_pk,
            vordering__isnull=True,
            deel=Boekingdeel.TEGOED,
        )
        .values_list("organisatie_id", "organisatie__naam")
        .annotate(s=Sum("bedrag_incl_btw"))
        .order_by()
    }
    if not saldo:
        # No credit was ever booked, so there can be no refund either (Boekingen stay): the
        # common case costs the debtor page one query.
        return []
    terug = list(
        Terugbetaling.objects.filter(organisatie__in=orgs, debiteur_id=debiteur_pk)
        .select_related("organisatie", "voorgesteld_door", "beoordeeld_door", "bestand")
        .order_by("-voorgesteld_op", "-pk")[:100]
    )
    organisaties = {pk: Organisatie(pk=pk, naam=naam) for pk, (naam, som) in saldo.items() if som}
    organisaties.update({t.organisatie_id: t.organisatie for t in terug})
    result = {
        pk: TegoedBijOrganisatie(organisatie=organisaties[pk], tegoed=-saldo.get(pk, ("", 0))[1])
        for pk in sorted(organisaties, key=lambda pk: organisaties[pk].naam)
    }
    for t in terug:
        regel = result[t.organisatie_id]
        regel.terugbetalingen.append(t)
        if t.status == VoorstelStatus.VOORGESTELD:
            regel.voorgesteld += t.bedrag
    return list(result.values())


def te_beoordelen(user) -> QuerySet[Terugbetaling]:
    return (
        Terugbetaling.objects.filter(
            organisatie_id__in=organisatie_ids_for_user(user), status=VoorstelStatus.VOORGESTELD
        )
        .select_related("organisatie", "debiteur", "voorgesteld_door")
        .order_by("voorgesteld_op", "pk")
    )


def goedgekeurd_zonder_bestand(user) -> QuerySet[Terugbetaling]:
    return (
        Terugbetaling.objects.filter(
            organisatie_id__in=organisatie_ids_for_user(user),
            status=VoorstelStatus.GOEDGEKEURD,
            bestand__isnull=True,
        )
        .select_related("organisatie", "debiteur")
        .order_by("organisatie__naam", "beoordeeld_op", "pk")
    )


def bestanden_for_user(user) -> QuerySet[Terugbetaalbestand]:
    return Terugbetaalbestand.objects.filter(
        organisatie_id__in=organisatie_ids_for_user(user)
    ).select_related("organisatie")


def bestand_for_user(user, pk: int) -> Terugbetaalbestand | None:
    return bestanden_for_user(user).filter(pk=pk).first()


@dataclass
class Tegoedregel:
    organisatie_id: int
    organisatie_naam: str
    debiteur: object
    tegoed: int
    open_aantal: int = 0
    open_bedrag: int = 0


def tegoeden_for_user(user, *, limiet: int = 200) -> list[Tegoedregel]:
    """Debtors with credit per organisation, largest first, with what is open at that
    organisation (can it be offset?). Three queries whatever the number of rows."""
    orgs = organisaties_for_user(user)
    rijen = list(
        Boeking.objects.filter(
            organisatie__in=orgs,
            vordering__isnull=True,
            deel=Boekingdeel.TEGOED,
            debiteur__isnull=False,
        )
        .values_list("organisatie_id", "organisatie__naam", "debiteur_id")
        .annotate(s=Sum("bedrag_incl_btw"))
        .filter(s__lt=0)
        .order_by("s", "debiteur_id")[:limiet]
    )
    if not rijen:
        return []
    debiteur_ids = {deb for _, _, deb, _ in rijen}
    debiteuren = Debiteur.objects.in_bulk(debiteur_ids)
    open_per = {
        (org, deb): (aantal, som)
        for org, deb, aantal, som in Vordering.objects.open()
        .filter(
            organisatie_id__in={org for org, _, _, _ in rijen},
            debiteur_id__in=debiteur_ids,
            openstaand_bedrag__gt=0,
        )
        .values_list("organisatie_id", "debiteur_id")
        .annotate(n=Count("pk"), s=Sum("openstaand_bedrag"))
        .order_by()
    }
    return [
        Tegoedregel(org, naam, debiteuren[deb], -som, *open_per.get((org, deb), (0, 0)))
        for org, naam, deb, som in rijen
    ]


def terug_te_betalen_zonder_voorstel(user, *, limiet: int = 200) -> list[Betaling]:
    """Receipts marked in the work list to pay back whose rest is not yet fully proposed for
    refund (oldest first): where a refund without debtor starts."""
    voorgesteld = (
        Terugbetaling.objects.filter(
            betaling=OuterRef("pk"), debiteur__isnull=True, status=VoorstelStatus.VOORGESTELD
        )
        .values("betaling")
        .annotate(s=Sum("bedrag"))
        .values("s")
    )
    return list(
        terug_te_betalen(organisaties=organisaties_for_user(user))
        .annotate(_voorgesteld=Coalesce(Subquery(voorgesteld), 0))
        .filter(restbedrag__gt=F("_voorgesteld"))
        .select_related("organisatie")[:limiet]
    )


def rest_terugbetalingen(betaling_pk: int) -> list[Terugbetaling]:
    """The refunds of one work-list receipt's rest (without debtor), newest first."""
    return list(
        Terugbetaling.objects.filter(betaling_id=betaling_pk, debiteur__isnull=True)
        .select_related("voorgesteld_door", "beoordeeld_door", "bestand")
        .order_by("-voorgesteld_op", "-pk")
    )


def debiteuren_van_rekeningen(ibans) -> QuerySet[Debiteur]:
    """The debtors known to hold these accounts: whose data a refund without debtor shows (its
    counterparty is not registered as our debtor, but may well be one)."""
    ibans = {iban for iban in ibans if iban}
    if not ibans:
        return Debiteur.objects.none()
    return Debiteur.objects.filter(rekeningen__iban__in=ibans).distinct()


def betrokken_debiteuren(terugbetalingen) -> list[Debiteur]:
    """Whose name and IBAN these refunds show, for the processing log: the debtor of a credit
    refund, the known holders of the account of a refund without debtor."""
    terugbetalingen = list(terugbetalingen)
    debiteuren = {t.debiteur_id: t.debiteur for t in terugbetalingen if t.debiteur_id}
    for deb in debiteuren_van_rekeningen(t.iban for t in terugbetalingen if not t.debiteur_id):
        debiteuren.setdefault(deb.pk, deb)
    return list(debiteuren.values())
