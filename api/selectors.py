"""Reads for API clients: everything narrowed to the client's organisation and TSA codes."""

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from api.models import Abonnement, ApiClient
from inningen.choices import AFGESLOTEN_STATUSSEN
from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Boeking, Vordering, Vorderingstatus
from inningen.invordering.models import Invorderingsstap
from inningen.validators import normalize_elfproef
from verantwoording.models import FinancieleVerantwoording


def vorderingen_for_client(client: ApiClient) -> QuerySet[Vordering]:
    """A client sees the claims of its organisation; with TSA codes only those with its codes."""
    qs = Vordering.objects.filter(organisatie_id=client.organisatie_id)
    if client.tsa_code_set:
        qs = qs.filter(tsa__in=sorted(client.tsa_code_set))
    return qs


def vordering_in_scope(client: ApiClient, vordering: Vordering) -> bool:
    return vordering.organisatie_id == client.organisatie_id and (
        not client.tsa_code_set or vordering.tsa in client.tsa_code_set
    )


def vordering_detail(client: ApiClient, uuid) -> Vordering:
    """One claim with everything the detail shows, in a fixed number of queries."""
    return (
        vorderingen_for_client(client)
        .select_related("organisatie", "organisatorische_eenheid", "heeft_betrekking_op")
        .prefetch_related(
            "regels",
            "btw_totaalregels",
            "termijnen",
            Prefetch("statussen", queryset=Vorderingstatus.objects.order_by("datum_en_tijd", "pk")),
            Prefetch("boekingen", queryset=Boeking.objects.order_by("boekdatum", "pk")),
            Prefetch(
                "invorderingsstappen", queryset=Invorderingsstap.objects.order_by("datum", "pk")
            ),
        )
        .get(uuid=uuid)
    )


def debiteuren_zoek(
    client: ApiClient, *, bsn: str = "", rsin: str = "", kvk_nummer: str = ""
) -> list[Debiteur]:
    """The debtors with this identifier that have claims in the client's scope, each with
    ``api_vorderingen`` (those claims), ``api_openstaand`` and ``api_achterstallig`` (cents). A
    debtor without claims in scope is not found: the client learns nothing about others."""
    if bsn:
        filter_ = {"bsn": normalize_elfproef(bsn)}
    elif rsin:
        filter_ = {"rsin": normalize_elfproef(rsin)}
    else:
        filter_ = {"kvk_nummer": kvk_nummer.strip()}
    vorderingen = list(
        vorderingen_for_client(client)
        .filter(**{f"debiteur__{k}": v for k, v in filter_.items()})
        .select_related("organisatie", "debiteur")
        .order_by("debiteur_id", "vervaldatum", "pk")
    )
    vandaag = timezone.localdate()
    per_debiteur: dict[int, Debiteur] = {}
    for v in vorderingen:
        deb = per_debiteur.get(v.debiteur_id)
        if deb is None:
            deb = per_debiteur[v.debiteur_id] = v.debiteur
            deb.api_vorderingen, deb.api_openstaand, deb.api_achterstallig = [], 0, 0
        deb.api_vorderingen.append(v)
        if v.status in AFGESLOTEN_STATUSSEN:
            continue
        deb.api_openstaand += v.openstaand_bedrag
        if v.openstaand_bedrag > 0 and v.vervaldatum is not None and v.vervaldatum < vandaag:
            deb.api_achterstallig += v.openstaand_bedrag
    return list(per_debiteur.values())


def verantwoordingen_for_client(client: ApiClient) -> QuerySet[FinancieleVerantwoording]:
    return (
        FinancieleVerantwoording.objects.filter(organisatie_id=client.organisatie_id)
        .select_related("organisatie")
        .prefetch_related("regels")
        .order_by("-datum_en_tijd", "-pk")
    )


def abonnementen_for_client(client: ApiClient) -> QuerySet[Abonnement]:
    return Abonnement.objects.filter(client=client, actief=True).order_by("created_at", "pk")
