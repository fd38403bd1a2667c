"""REST endpoints under /api/v1/: parse, call a service or selector, render. Authentication
(Bearer token), scopes and problem+json come from api.auth and api.problemen."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import defaults
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from api import selectors, serializers
from api.filters import VorderingFilter
from api.models import Abonnement, Scope
from api.problemen import PROBLEM_JSON, TITELS, problem
from api.services.abonnementen import abonnement_create, abonnement_delete
from api.services.vorderingen import IdempotentieConflict, verzoek_hash, vordering_create
from inningen.grootboek.models import Vordering
from inningen.verwerkingen.services import DOEL_API, verwerking_log
from verantwoording.models import FinancieleVerantwoording

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Maakt een herhaald verzoek veilig: dezelfde sleutel met dezelfde body geeft hetzelfde "
        "antwoord en geen tweede vordering; dezelfde sleutel met een andere body geeft 409."
    ),
)

_VOORBEELD = {
    "vorderingnummer": "PRK-2026-000123",
    "tsaCode": "PARKEREN",
    "vorderendeOrganisatie": "002220647",
    "omschrijving": "Parkeervergunning 2027",
    "factuurdatum": "2026-12-03",
    "vervaldatum": "2027-01-02",
    "indicatorFactuurUitgestuurd": True,
    "vorderingcode": "PARKEERVERGUNNING",
    "debiteur": {
        "bsn": "999993653",
        "geslachtsnaam": "Vries",
        "voorvoegselGeslachtsnaam": "de",
        "voorletters": "J.",
        "adres": {
            "straatnaam": "Dorpsstraat",
            "huisnummer": 1,
            "postcode": "1234AB",
            "woonplaats": "Ons Dorp",
        },
    },
    "regels": [
        {
            "omschrijving": "Vergunning bewoner",
            "bedragExclBtw": 12000,
            "btwBedrag": 0,
            "bedragInclBtw": 12000,
            "btwPercentage": 0,
        }
    ],
    "totaalbedragInclBtw": 12000,
}


def _client(request):
    return request.user


class VorderingenView(generics.GenericAPIView):
    scopes = {"GET": Scope.VORDERINGEN_LEZEN, "POST": Scope.VORDERINGEN_AANMAKEN}
    filterset_class = VorderingFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # generating the OpenAPI document
            return Vordering.objects.none()
        return (
            selectors.vorderingen_for_client(_client(self.request))
            .select_related("organisatie")
            .only(
                "uuid",
                "vorderingnummer",
                "tsa",
                "organisatie__rsin",
                "status",
                "status_datum",
                "openstaand_bedrag",
                "totaalbedrag_incl_btw",
                "factuurdatum",
                "vervaldatum",
                "invorderingsstap",
            )
            .order_by("-pk")
        )

    def get_serializer_class(self):
        if self.request.method == "POST":
            return serializers.VorderingInvoerSerializer
        return serializers.VorderingLijstSerializer

    @extend_schema(
        operation_id="vordering_list",
        summary="Vorderingen zoeken",
        description="De vorderingen van uw organisatie (en uw TSA-codes), nieuwste eerst.",
        responses={200: serializers.VorderingLijstSerializer(many=True)},
    )
    def get(self, request):
        qs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(qs)
        data = serializers.VorderingLijstSerializer(
            page, many=True, context={"request": request}
        ).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="vordering_create",
        summary="Vordering aanleveren",
        description=(
            "Eén vordering, met dezelfde bedrijfsregels als Verstrek Vordering (Di01), alles of "
            "niets. Een overtreden regel geeft 422 (409 als het vorderingnummer al bekend is) "
            "met de FIN-code in `code`. Bedragen in centen."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=serializers.VorderingInvoerSerializer,
        responses={201: serializers.VorderingAangemaaktSerializer},
        examples=[OpenApiExample("Parkeervergunning", value=_VOORBEELD, request_only=True)],
    )
    def post(self, request):
        client = _client(request)
        sleutel = request.headers.get("Idempotency-Key", "").strip()
        if len(sleutel) > 255:
            return problem(400, "Idempotency-Key is langer dan 255 tekens.", code="invalid")
        invoer = serializers.VorderingInvoerSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        vordering = serializers.to_stuf(invoer.validated_data, vandaag=timezone.localdate())

        def antwoord(opgeslagen, waarschuwingen):
            url = request.build_absolute_uri(
                reverse("api:vordering-detail", kwargs={"uuid": opgeslagen.uuid})
            )
            body = {
                "url": url,
                "uuid": str(opgeslagen.uuid),
                "vorderingnummer": opgeslagen.vorderingnummer,
                "tsaCode": opgeslagen.tsa,
                "status": opgeslagen.status,
                "openstaandBedrag": opgeslagen.openstaand_bedrag,
                "betalingskenmerk": opgeslagen.betalingskenmerk,
                "waarschuwingen": waarschuwingen,
            }
            return body, url

        try:
            resultaat = vordering_create(
                client=client,
                vordering=vordering,
                antwoord=antwoord,
                idempotency_key=sleutel,
                hash_=verzoek_hash(request.data) if sleutel else "",
            )
        except IdempotentieConflict:
            return problem(
                status.HTTP_409_CONFLICT,
                "Deze Idempotency-Key is eerder gebruikt met een ander verzoek.",
                code="idempotency_key_hergebruikt",
                instance=request.path,
            )
        headers = {"Location": resultaat.location}
        if resultaat.herhaald:
            headers["Idempotent-Replayed"] = "true"
        return Response(resultaat.body, status=resultaat.http_status, headers=headers)


class VorderingView(generics.GenericAPIView):
    scopes = {"GET": Scope.VORDERINGEN_LEZEN}
    serializer_class = serializers.VorderingSerializer

    @extend_schema(
        operation_id="vordering_read",
        summary="Vordering opvragen",
        description=(
            "De vordering met status, openstaand bedrag, statushistorie, termijnen, boekingen "
            "(betalingen, kosten, afboekingen) en invorderingsstappen."
        ),
    )
    def get(self, request, uuid):
        client = _client(request)
        try:
            vordering = selectors.vordering_detail(client, uuid)
        except selectors.Vordering.DoesNotExist:
            return problem(
                404, "Vordering niet gevonden of niet in uw scope.", instance=request.path
            )
        data = serializers.VorderingSerializer(
            vordering,
            context={
                "request": request,
                "in_scope": lambda v: selectors.vordering_in_scope(client, v),
            },
        ).data
        return Response(data)


class DebiteurenZoekView(generics.GenericAPIView):
    scopes = {"POST": Scope.DEBITEUREN_LEZEN}
    serializer_class = serializers.DebiteurZoekSerializer

    @extend_schema(
        operation_id="debiteur_zoek",
        summary="Debiteur zoeken op BSN, RSIN of KvK-nummer",
        description=(
            "Zoeken met de identificatie in de body (een BSN hoort niet in een URL). Geeft de "
            "debiteur(en) met hun vorderingen binnen uw scope; elke raadpleging van een "
            "natuurlijk persoon wordt vastgelegd in de verwerkingenlogging."
        ),
        request=serializers.DebiteurZoekSerializer,
        responses={200: serializers.DebiteurZoekResultaatSerializer},
    )
    def post(self, request):
        client = _client(request)
        invoer = serializers.DebiteurZoekSerializer(data=request.data)
        invoer.is_valid(raise_exception=True)
        d = invoer.validated_data
        debiteuren = selectors.debiteuren_zoek(
            client, bsn=d.get("bsn", ""), rsin=d.get("rsin", ""), kvk_nummer=d.get("kvkNummer", "")
        )
        verwerking_log(
            user=client,
            debiteuren=debiteuren,
            doel=DOEL_API,
            activiteit="raadpleging debiteurpositie via de API",
        )
        data = serializers.DebiteurZoekResultaatSerializer(
            {"debiteuren": debiteuren}, context={"request": request}
        ).data
        return Response(data)


class AbonnementenView(generics.GenericAPIView):
    scopes = {"GET": Scope.ABONNEMENTEN_BEHEREN, "POST": Scope.ABONNEMENTEN_BEHEREN}
    serializer_class = serializers.AbonnementSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Abonnement.objects.none()
        return selectors.abonnementen_for_client(_client(self.request))

    @extend_schema(
        operation_id="abonnement_list",
        summary="Uw abonnementen",
        responses={200: serializers.AbonnementSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = serializers.AbonnementSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="abonnement_create",
        summary="Abonneren op notificaties",
        description=(
            "Elke latere statuswijziging van een vordering binnen uw scope wordt als notificatie "
            "(vorm van de VNG Notificaties API) naar `callbackUrl` gePOST, met `auth` als "
            "Authorization-header; via de outbox: met herhaalpogingen en op volgorde per vordering."
        ),
        responses={201: serializers.AbonnementSerializer},
    )
    def post(self, request):
        if not _client(request).has_scope(Scope.VORDERINGEN_LEZEN):
            # A notification tells a claim's status: only for a client that may read claims.
            return problem(
                status.HTTP_403_FORBIDDEN,
                "Een abonnement op vorderingstatussen vraagt ook de scope 'vorderingen.lezen'.",
                instance=request.path,
            )
        invoer = serializers.AbonnementSerializer(data=request.data, context={"request": request})
        invoer.is_valid(raise_exception=True)
        d = invoer.validated_data
        abonnement = abonnement_create(
            client=_client(request),
            callback_url=d["callback_url"],
            auth=d.get("auth", ""),
            kanalen=d["kanalen"],
        )
        data = serializers.AbonnementSerializer(abonnement, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})


class AbonnementView(generics.GenericAPIView):
    scopes = {"GET": Scope.ABONNEMENTEN_BEHEREN, "DELETE": Scope.ABONNEMENTEN_BEHEREN}
    serializer_class = serializers.AbonnementSerializer

    def _abonnement(self, uuid):
        return get_object_or_404(
            selectors.abonnementen_for_client(_client(self.request)), uuid=uuid
        )

    @extend_schema(operation_id="abonnement_read", summary="Abonnement opvragen")
    def get(self, request, uuid):
        data = serializers.AbonnementSerializer(
            self._abonnement(uuid), context={"request": request}
        ).data
        return Response(data)

    @extend_schema(
        operation_id="abonnement_delete",
        summary="Abonnement beëindigen",
        description="Nog niet verstuurde notificaties voor dit abonnement worden geannuleerd.",
        responses={204: OpenApiResponse(description="Beëindigd.")},
    )
    def delete(self, request, uuid):
        abonnement_delete(abonnement=self._abonnement(uuid))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerantwoordingenView(generics.GenericAPIView):
    scopes = {"GET": Scope.VERANTWOORDINGEN_LEZEN}
    serializer_class = serializers.VerantwoordingSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FinancieleVerantwoording.objects.none()
        return selectors.verantwoordingen_for_client(_client(self.request))

    @extend_schema(
        operation_id="verantwoording_list",
        summary="Financiële verantwoordingen",
        description="De verantwoordingen van uw organisatie, nieuwste eerst: per boekingssleutel.",
        responses={200: serializers.VerantwoordingSerializer(many=True)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = serializers.VerantwoordingSerializer(
            page, many=True, context={"request": request}
        ).data
        return self.get_paginated_response(data)


class VerantwoordingView(generics.GenericAPIView):
    scopes = {"GET": Scope.VERANTWOORDINGEN_LEZEN}
    serializer_class = serializers.VerantwoordingSerializer

    @extend_schema(operation_id="verantwoording_read", summary="Financiële verantwoording opvragen")
    def get(self, request, pk):
        verantwoording = get_object_or_404(
            selectors.verantwoordingen_for_client(_client(request)), pk=pk
        )
        data = serializers.VerantwoordingSerializer(
            verantwoording, context={"request": request}
        ).data
        return Response(data)


def niet_gevonden(request, exception=None):
    """handler404: under /api/ a problem+json (an unknown path or a malformed id in it), the
    usual page elsewhere."""
    if request.path.startswith("/api/"):
        return _problem_response(
            404, "Niet gevonden: geen bestaand pad of geen geldige id.", request
        )
    return defaults.page_not_found(request, exception)


def serverfout(request):
    """handler500: under /api/ a problem+json without internals, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return _problem_response(
            500, "Er ging iets mis aan onze kant. Probeer het later opnieuw.", request
        )
    return defaults.server_error(request)


def _problem_response(http_status: int, detail: str, request) -> JsonResponse:
    return JsonResponse(
        {
            "type": "about:blank",
            "title": TITELS[http_status],
            "status": http_status,
            "detail": detail,
            "instance": request.path,
        },
        status=http_status,
        content_type=PROBLEM_JSON,
        json_dumps_params={"ensure_ascii": False},
    )
